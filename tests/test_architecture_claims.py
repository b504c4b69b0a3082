"""docs/ARCHITECTURE.md's sentences about the code, checked against the code (issue 25 item 1:
the page is no second, unchecked truth). The layer table has its own test
(tests/test_architecture.py); these are the claims outside it."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, fake_tensorrt

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "trtcompat"
PAGE = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")

#: What reads or orders release strings: packaging's Version and these names of _versions.
_COMPARING = frozenset(
    {"parse_version", "release", "release_major", "NEWEST_KNOWN_MAJOR", "MINIMUM_SUPPORTED",
     "TRT_10_0"}
)


def _relative_module(node: ast.ImportFrom, path: Path) -> str:
    """The dotted module an ``from X import`` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def compares_versions(source: str, path: Path) -> bool:
    """Whether a module imports packaging's Version, the ``_versions`` module, or one of the
    names of it that read or order releases (a table lookup such as ``has_member`` is not)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            if any(a.name.startswith("packaging") or a.name.endswith("._versions")
                   for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            module = _relative_module(node, path)
            names = {a.name for a in node.names}
            if module == "packaging.version":
                return True
            if module == "trtcompat._versions" and names & _COMPARING:
                return True
            if module == "trtcompat" and "_versions" in names:
                return True
    return False


def _bullet(start: str) -> str:
    """The page's bullet that starts with ``start``, up to the next bullet or heading."""
    found = re.search(rf"^- {re.escape(start)}.*?(?=^- |^#|\Z)", PAGE, re.M | re.S)
    assert found, f"docs/ARCHITECTURE.md has no bullet starting {start!r}"
    return found.group(0)


def _places_that_compare() -> set[str]:
    """The files and folders (``build/``) the page's "How releases compare" bullet names."""
    named = re.findall(r"`([\w/]+(?:\.py|/))`", _bullet("How releases compare:"))
    return {name for name in named if (PACKAGE / name).exists()}


def test_the_bullet_names_the_places() -> None:
    places = _places_that_compare()
    assert {"discovery.py", "plan.py", "build/", "testing/", "migrate/_table.py"} <= places


def test_versions_are_compared_only_where_the_page_says() -> None:
    places = _places_that_compare() | {"_versions.py"}
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if any(name == p or (p.endswith("/") and name.startswith(p)) for p in places):
            continue
        if compares_versions(path.read_text(encoding="utf-8"), path):
            outside.append(name)
    assert not outside, (
        f"{outside} read or order TensorRT releases, but docs/ARCHITECTURE.md's 'How releases "
        f"compare' bullet does not name them: name them there, or ask a module it names"
    )


def test_the_detector_sees_each_way_of_importing_a_comparison() -> None:
    path = PACKAGE / "runtime" / "x.py"
    assert compares_versions("from packaging.version import Version\n", path)
    assert compares_versions("from .._versions import release_major\n", path)
    assert compares_versions("from trtcompat._versions import parse_version\n", path)
    assert compares_versions("from .. import _versions\n", path)
    assert compares_versions("import trtcompat._versions\n", path)
    assert not compares_versions("from .._versions import has_member\n", path)
    assert not compares_versions("from .. import _capabilities\n", path)


def test_dispatch_compares_no_versions() -> None:
    # "_dispatch compares no versions: it picks an engine's family from the attributes its
    # class has".
    assert "`_dispatch` compares no versions" in PAGE
    path = PACKAGE / "_dispatch.py"
    assert not compares_versions(path.read_text(encoding="utf-8"), path)


def test_runtime_package_names_only_modules_that_exist() -> None:
    # runtime/__init__.py once listed an `_outputs` helper that did not exist.
    doc = (PACKAGE / "runtime" / "__init__.py").read_text(encoding="utf-8")
    named = set(re.findall(r"``(_?[a-z]\w*)``", doc.split('"""')[1]))
    modules = {p.stem for p in (PACKAGE / "runtime").glob("*.py")} - {"__init__"}
    assert {"_feed", "_out", "_streamops", "runner"} <= named
    missing = sorted(n for n in named if n.startswith("_") and n not in modules)
    assert not missing, f"runtime/__init__.py names modules that do not exist: {missing}"
    unnamed = sorted(modules - named)
    assert not unnamed, f"runtime/__init__.py does not list {unnamed}"


def _spec(dynamic: bool) -> EngineSpec:
    shape = (-1,) if dynamic else (4,)
    profile = (((1,), (4,), (8,)),) if dynamic else ()
    return EngineSpec((TensorSpec("x", np.float32, shape, True, profile),
                       TensorSpec("y", np.float32, shape, False, like="x")))


@pytest.mark.parametrize(("era", "family"),
                         [("8.4", "bindings"), ("8.6", "tensors"), ("10", "tensors"),
                          ("11", "tensors")])
@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
def test_a_warm_runner_call_never_asks_the_engine(era: str, family: str, dynamic: bool) -> None:
    # "A family turns (context, addresses, batch) into a launch callable ... a Runner's call
    # never asks the engine or the version again."
    assert "a Runner's call never asks the engine" in PAGE.replace("\n  ", " ")
    with fake_tensorrt(era) as trt, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        engine = build_engine(_spec(dynamic), era, trt)
        runner = tc.Runner(engine, backend=get_backend("host"), family=family)
        feed = {"x": np.ones((6 if dynamic else 4,), np.float32)}
        runner.infer(feed)
        asked: list[str] = []
        cls = type(engine)
        patched = {}
        for name in dir(cls):
            value = getattr(cls, name)
            if name.startswith("__") or not callable(value):
                continue
            patched[name] = cls.__dict__.get(name)

            def counting(*args: object, _name: str = name, _f: object = value,
                         **kwargs: object) -> object:
                asked.append(_name)
                return _f(*args, **kwargs)  # type: ignore[operator]

            setattr(cls, name, counting)
        try:
            got = runner.infer(feed)
            runner.infer_async(feed)
            runner.synchronize()
        finally:
            for name, value in patched.items():
                if value is None:
                    delattr(cls, name)
                else:
                    setattr(cls, name, value)
        runner.close()
    assert patched, "no engine method was watched"
    assert got["y"].shape == feed["x"].shape
    assert asked == [], f"a warm call asked the engine {asked}"
