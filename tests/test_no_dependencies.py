"""``import trtcompat`` imports numpy and nothing heavier (checked in a fresh process), the
subpackages load on first attribute access, and the pytest plugin is opt-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: TensorRT modules, CUDA libraries, array libraries other than numpy, ml_dtypes, libcst.
HEAVY = (
    "tensorrt",
    "tensorrt_lean",
    "tensorrt_dispatch",
    "tensorrt_bindings",
    "tensorrt_lean_bindings",
    "tensorrt_dispatch_bindings",
    "tensorrt_rtx",
    "pycuda",
    "cuda",
    "cupy",
    "torch",
    "jax",
    "tensorflow",
    "ml_dtypes",
    "libcst",
    "pytest",
    "onnx",
    "onnxconverter_common",
)


def _loaded_after(code: str) -> dict[str, list[str]]:
    # Only what `code` imports counts: a .pth file may import a module at interpreter start
    # (cuda-bindings 12.9 installs _cuda_bindings_redirector.pth, which imports `cuda`).
    probe = (
        f"import sys\nstartup = set(sys.modules)\n{code}\n"
        "import json\n"
        "print(json.dumps({'heavy': [m for m in %r if m in sys.modules and m not in startup],"
        " 'trtcompat': sorted(m for m in sys.modules if m.startswith('trtcompat'))}))" % (HEAVY,)
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: dict[str, list[str]] = json.loads(out.stdout)
    return loaded


def test_the_probe_sees_what_the_code_imports() -> None:
    # The startup baseline must not hide a heavy import made by the code under test.
    assert _loaded_after("import ml_dtypes")["heavy"] == ["ml_dtypes"]


@pytest.mark.parametrize(
    "entry",
    [
        "trtcompat",
        "trtcompat.testing",
        "trtcompat.backends",
        "trtcompat.migrate",
        "trtcompat.cli",
        "trtcompat.build",
    ],
)
def test_import_is_light(entry: str) -> None:
    assert _loaded_after(f"import {entry}")["heavy"] == []


def test_import_trtcompat_leaves_the_subpackages_and_ml_dtypes_alone() -> None:
    loaded = _loaded_after("import trtcompat")
    assert loaded["heavy"] == []
    for lazy in (
        "trtcompat.legacy",
        "trtcompat.testing",
        "trtcompat.migrate",
        "trtcompat.cli",
        "trtcompat.build",
    ):
        assert lazy not in loaded["trtcompat"]


@pytest.mark.parametrize("name", ["legacy", "testing", "migrate", "cli", "build"])
def test_subpackages_are_attributes_on_first_use(name: str) -> None:
    loaded = _loaded_after(f"import trtcompat\nassert trtcompat.{name}.__name__")
    assert f"trtcompat.{name}" in loaded["trtcompat"]
    assert loaded["heavy"] == []


def test_build_plan_is_an_attribute_that_loads_build_without_onnx() -> None:
    loaded = _loaded_after("import trtcompat\nassert callable(trtcompat.build_plan)")
    assert "trtcompat.build" in loaded["trtcompat"] and loaded["heavy"] == []


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    import trtcompat

    with pytest.raises(AttributeError, match=r"^module 'trtcompat' has no attribute 'nope'$"):
        trtcompat.nope  # type: ignore[attr-defined]  # noqa: B018
    assert {"legacy", "testing"} <= set(dir(trtcompat))


def test_the_pytest_plugin_is_opt_in() -> None:
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert "pytest11" not in pyproject  # an entry point would load trtcompat in every session


def test_the_opt_in_plugin_runs_a_test_once_per_era(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(
        "def test_io(fake_trt):\n    assert fake_trt.__name__ == 'tensorrt'\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "trtcompat.testing.pytest_plugin", str(tmp_path / "test_user.py")],
        capture_output=True, text=True, cwd=tmp_path,
        # only what -p names: an environment installed from an older checkout may still
        # carry the old entry point
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "4 passed" in out.stdout
