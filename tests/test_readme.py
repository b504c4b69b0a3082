"""The README's Python blocks (and the docs'), run verbatim on every fake era, for a static
and a dynamic engine written to ``model.plan`` in a temporary directory."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from _onnx_models import images_model

from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_plan, fake_tensorrt

ROOT = Path(__file__).parents[1]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(document: str) -> list[str]:
    return _BLOCK.findall((ROOT / document).read_text())


def _compute(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    # The README's classic idiom runs on buffers it never fills (pinned memory is not
    # zeroed): whatever bytes are there, NaN included, may go through without a warning.
    with np.errstate(all="ignore"):
        return {"output": feed["images"] * 2}


# The input name and shape the README's quick start feeds.
SPECS = {
    "static": EngineSpec(
        (
            TensorSpec("images", np.float32, (1, 3, 224, 224), True),
            TensorSpec("output", np.float32, (1, 3, 224, 224), False),
        ),
        compute=_compute,
        name="readme_static",
    ),
    "dynamic": EngineSpec(
        (
            TensorSpec(
                "images",
                np.float32,
                (-1, 3, 224, 224),
                True,
                profiles=(((1, 3, 224, 224), (1, 3, 224, 224), (4, 3, 224, 224)),),
            ),
            TensorSpec("output", np.float32, (-1, 3, 224, 224), False, like="images"),
        ),
        compute=_compute,
        name="readme_dynamic",
    ),
}


def test_the_readme_has_python_to_run() -> None:
    assert _blocks("README.md"), "the README lost its quick start"


@pytest.mark.parametrize("kind", sorted(SPECS))
@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize(
    "document", ["README.md", "docs/CLI.md", "docs/BUILD.md", "docs/PLAN_STORE.md"]
)
def test_python_blocks_run_verbatim(
    document: str, era: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRTCOMPAT_BACKEND", "host")  # no GPU here; the code names no backend
    (tmp_path / "model.plan").write_bytes(build_plan(SPECS[kind], era))
    (tmp_path / "model.onnx").write_bytes(images_model().SerializeToString())  # build_plan's
    with fake_tensorrt(era):
        for number, block in enumerate(_blocks(document)):
            namespace: dict[str, object] = {"__name__": f"readme_block_{number}"}
            exec(compile(block, f"{document} python block {number}", "exec"), namespace)
    assert os.getcwd() == str(tmp_path)


def test_the_readme_has_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", setup)
    assert len(commands) == 2 and commands[0].endswith("nox -s demo")
    assert commands[1].endswith("nox -t cpu")
    # nox needs the checkout's noxfile.py: the first command clones and enters it, the second
    # (run where the first left off) is the same venv + nox line with the CI tag
    clone = "git clone <repository URL> trtcompat && cd trtcompat && "
    assert commands[0] == clone + commands[1].replace("nox -t cpu", "nox -s demo")
    assert setup.index(commands[0]) < setup.index(commands[1])
    ci_run = (ROOT / ".ci" / "run").read_text().splitlines()
    ci = [line for line in ci_run if "nox" in line and not line.startswith("#")]
    assert ci == [commands[1]]
