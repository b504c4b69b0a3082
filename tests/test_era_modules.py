"""``trtcompat.testing.era_<key>``: every era and release of the version table importable by
name (for ``TRTCOMPAT_TRT_MODULE``), with no module file per era."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trtcompat.testing import ERAS, RELEASES, era_info
from trtcompat.testing._era_modules import PREFIX, install_finder, module_name

ROOT = Path(__file__).resolve().parent.parent


def test_the_module_names() -> None:
    assert PREFIX == "trtcompat.testing.era_"
    assert module_name("8.6") == "trtcompat.testing.era_8_6"
    assert module_name("10") == "trtcompat.testing.era_10"


@pytest.mark.parametrize("key", [*ERAS, "8.0", "10.3", RELEASES[-1]])
def test_every_era_and_release_imports_as_its_fake(key: str) -> None:
    name = module_name(key)
    sys.modules.pop(name, None)
    module = importlib.import_module(name)
    assert module.__name__ == name
    assert module.__version__ == era_info(key).version
    assert module.ICudaEngine.__module__ == name  # what code importing it back by name finds
    assert importlib.import_module(name) is module  # imported once, as any module


@pytest.mark.parametrize("missing", ["era_9", "era_12", "era_10_99", "era_x", "era_"])
def test_a_key_the_table_lacks_is_no_module(missing: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"trtcompat.testing.{missing}")


def test_the_finder_is_installed_once() -> None:
    install_finder()
    install_finder()
    finders = [f for f in sys.meta_path if type(f).__name__ == "_EraModules"]
    assert len(finders) == 1


def test_a_fresh_interpreter_imports_a_release_by_name() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = "import trtcompat.testing.era_8_6 as m; print(m.__version__, m.Runtime.__module__)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [era_info("8.6").version, "trtcompat.testing.era_8_6"]
