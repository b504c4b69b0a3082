"""A TensorRT major trtcompat has never seen, added the way docs/ARCHITECTURE.md says:
regenerate the table with one more removal, add the release's build line; nothing in
``testing/`` (or anywhere else) is edited, and the fakes, the scanner and the version facts
know the new major.

The whole package is copied and only its two table files are rewritten (the generated
``_api_changes.py`` by the generator's own ``render``, ``_versions.RELEASE_BUILDS`` by one
line), then a fresh interpreter imports the copy.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SURFACES = ROOT / "tests" / "data" / "surfaces"
# A member the 11.x fakes implement and trtcompat's runtime path does not use.
REMOVED = ("IExecutionContext", "get_input_consumed_event")
NEW_BUILD = "12.0.0.1"

_PROBE = r"""
import importlib, json, warnings
import numpy as np
from packaging.version import Version
import trtcompat as tc
from trtcompat import _capabilities, _versions
from trtcompat.migrate._scanner import NEWEST
from trtcompat.migrate.cli import build_parser
from trtcompat.backends import get_backend
from trtcompat.testing import ERAS, RELEASES, EngineSpec, TensorSpec, build_plan, fake_tensorrt

twelve = importlib.import_module("trtcompat.testing.era_12")
eleven = importlib.import_module("trtcompat.testing.era_11")
target = next(a for a in build_parser()._actions if a.dest == "target")
spec = EngineSpec((TensorSpec("x", np.float32, (2,), True), TensorSpec("y", np.float32, (2,), False)),
                  compute=lambda feed: {"y": feed["x"] * 3})
with warnings.catch_warnings(record=True) as caught, fake_tensorrt("12"):
    warnings.simplefilter("always")
    with tc.Runner(tc.load_engine(build_plan(spec, "12")), backend=get_backend("host")) as run:
        y = run.infer({"x": np.array([1, 2], np.float32)})["y"].tolist()
    info = tc.runtime_info()
print(json.dumps({
    "package": tc.__file__,
    "newest": _versions.NEWEST_KNOWN_MAJOR,
    "capabilities_newest": _capabilities.NEWEST_KNOWN_MAJOR,
    "scanner_newest": NEWEST,
    "scan_target_default": target.default,
    "removed_in": str(_versions.REMOVED["IExecutionContext"]["get_input_consumed_event"]),
    "coarse_eras": list(ERAS)[:5],
    "has_12_0": "12.0" in RELEASES,
    "version": twelve.__version__,
    "twelve_has": hasattr(twelve.IExecutionContext, "get_input_consumed_event"),
    "eleven_has": hasattr(eleven.IExecutionContext, "get_input_consumed_event"),
    "twelve_families": list(_versions.families_for(Version(twelve.__version__))),
    "newer_than_known": _capabilities.newer_than_known(Version("12.0")),
    "y": y,
    "warnings": [str(w.message) for w in caught if "newer" in str(w.message)],
}))
"""


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_api_changes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _with_release_12(tmp_path: pathlib.Path) -> pathlib.Path:
    package = tmp_path / "trtcompat"
    shutil.copytree(ROOT / "trtcompat", package, ignore=shutil.ignore_patterns("__pycache__"))
    gen = _generator()
    surfaces = [json.loads((SURFACES / name).read_text()) for name in
                ("tensorrt-all-members.json", "tensorrt-imported-members.json")]
    table = gen.changes(gen.merge(*surfaces))
    cls, member = REMOVED
    added, deprecated, readonly, removed = table[cls].get(member, (None, None, None, None))
    assert removed is None, "pick a member the newest release still has"
    table[cls][member] = (added, deprecated, readonly, "12.0")
    (package / "_api_changes.py").write_text(gen.render(table))
    versions = package / "_versions.py"
    text = versions.read_text()
    start = text.index("RELEASE_BUILDS: tuple[str, ...] = (")
    end = text.index(")  # fmt: skip", start)
    versions.write_text(f'{text[:end]}    "{NEW_BUILD}",\n{text[end:]}')
    return package


def _edited_files(original: pathlib.Path, copy: pathlib.Path) -> list[str]:
    edited = []
    for path in sorted(original.rglob("*.py")):
        twin = copy / path.relative_to(original)
        if not twin.exists() or not filecmp.cmp(path, twin, shallow=False):
            edited.append(str(path.relative_to(original)))
    return edited


def test_a_new_major_needs_only_the_table(tmp_path: pathlib.Path) -> None:
    package = _with_release_12(tmp_path)
    assert _edited_files(ROOT / "trtcompat", package) == ["_api_changes.py", "_versions.py"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop("TRTCOMPAT_TRT_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found.pop("package").startswith(str(package))
    assert found == {
        "newest": 12,
        "capabilities_newest": 12,
        "scanner_newest": 12,
        "scan_target_default": 12,
        "removed_in": "12.0",
        "coarse_eras": ["8.4", "8.6", "10", "11", "12"],
        "has_12_0": True,
        "version": NEW_BUILD,
        "twelve_has": False,
        "eleven_has": True,
        "twelve_families": ["tensors"],
        "newer_than_known": False,
        "y": [3.0, 6.0],
        "warnings": [],
    }
