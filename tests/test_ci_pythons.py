"""noxfile's interpreter discovery (ci/pythons.py) and dependency floors (ci/deps.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_trtcompat_ci_{name}", ROOT / "ci" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pythons = _load("pythons")
deps = _load("deps")


def _exe(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def pyenv(tmp_path: Path) -> dict[str, str]:
    """A fake pyenv: 3.8.10, 3.8.18, 3.11.7 and 3.13.0 installed, 3.11.7 active, a failing
    `python3.8` shim on PATH (as pyenv's shims fail for versions it does not expose)."""
    root = tmp_path / "pyenv"
    for version in ("3.8.10", "3.8.18", "3.11.7", "3.13.0", "pypy3.10-7.3.12", "3.14-dev"):
        _exe(root / "versions" / version / "bin" / "python", "exit 0")
    shims = tmp_path / "shims"
    _exe(shims / "python3.8", "echo 'pyenv: python3.8: command not found' >&2; exit 127")
    _exe(shims / "pyenv", "echo 3.11.7")
    return {"PYENV_ROOT": str(root), "PATH": str(shims), "HOME": str(tmp_path)}


def test_installed_versions_newest_patch_per_minor(pyenv: dict[str, str]) -> None:
    root = pythons.pyenv_root(pyenv)
    assert root == Path(pyenv["PYENV_ROOT"])
    assert pythons.installed_versions(root) == {"3.8": "3.8.18", "3.11": "3.11.7",
                                                "3.13": "3.13.0"}


def test_failing_shim_is_replaced_by_the_installed_version(pyenv: dict[str, str]) -> None:
    # python3.13 is not on PATH at all, python3.8 is a failing shim: both get exposed,
    # after the version pyenv has active now.
    assert pythons.expose_pyenv_versions(["3.8", "3.13"], pyenv) == "3.11.7:3.8.18:3.13.0"


def test_runnable_interpreter_on_path_is_left_alone(pyenv: dict[str, str], tmp_path: Path) -> None:
    _exe(Path(pyenv["PATH"]) / "python3.8", "exit 0")
    _exe(Path(pyenv["PATH"]) / "python3.13", "exit 0")
    assert pythons.expose_pyenv_versions(["3.8", "3.13"], pyenv) is None


def test_missing_everywhere_is_left_to_nox(pyenv: dict[str, str]) -> None:
    # 3.9 is not installed: nothing to expose, so nox reports it missing and skips.
    assert pythons.expose_pyenv_versions(["3.9"], pyenv) is None


def test_without_pyenv_nothing_changes(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATH": str(tmp_path)}
    assert pythons.pyenv_root(env) is None
    assert pythons.expose_pyenv_versions(["3.8"], env) is None


@pytest.mark.parametrize(
    ("python", "numpy", "ml_dtypes"),
    [("3.8", ">=1.21", ">=0.2"), ("3.10", ">=1.21.2", ">=0.2"), ("3.11", ">=1.23.2", ">=0.2"),
     ("3.12", ">=1.26", ">=0.3"), ("3.13", ">=2.1", ">=0.5"), ("3.14", ">=2.1", ">=0.5")],
)
def test_core_requirements_per_python(python: str, numpy: str, ml_dtypes: str) -> None:
    reqs = {r.name: str(r.specifier) for r in deps.core_requirements(python)}
    assert reqs == {"numpy": numpy, "ml_dtypes": ml_dtypes, "packaging": ">=21"}


def test_lowest_pins() -> None:
    assert deps.lowest_pins("3.8", ("numpy", "ml_dtypes")) == ["numpy==1.21", "ml_dtypes==0.2"]
    assert deps.lowest_pins("3.12", ("ml-dtypes",)) == ["ml_dtypes==0.3"]
    with pytest.raises(KeyError):
        deps.lowest_pins("3.8", ("torch",))
