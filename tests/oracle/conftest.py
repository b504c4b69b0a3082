"""The contract of the oracle suite: NVIDIA's real ``tensorrt`` module of one release.

``nox -s "oracle(<release>)"`` installs that release's bindings wheel, builds stub TensorRT
libraries (ci/trt_stubs.py) and runs this directory with

- ``TRTCOMPAT_ORACLE_RELEASE``: the real module's ``__version__`` (``"10.3.0"``), and
- the real module importable as ``tensorrt`` (stubs on ``LD_LIBRARY_PATH``, an alias on
  ``PYTHONPATH``), so trtcompat's discovery finds it, in subprocesses too.

Fixtures:

- ``oracle_release``: that version string.
- ``real_trt``: the real module; outside the oracle session every test using it skips,
  saying so (there is nothing real to compare with).
- ``fake_trt_for_release``: a fresh fake of the same release (``make_module`` of
  ``release_key(version)``, "10.3" for 10.3.0), not installed in ``sys.modules``.

Real pybind objects never need a GPU here: ``Runtime(logger)`` raises ``TypeError``
(the stub factory returns nullptr), so tests hold the fakes to what exists without one.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

from trtcompat.testing import make_module, release_key

RELEASE_ENV = "TRTCOMPAT_ORACLE_RELEASE"


@pytest.fixture(scope="session")
def oracle_release() -> str:
    """The real release under test (``TRTCOMPAT_ORACLE_RELEASE``); skips without one."""
    release = os.environ.get(RELEASE_ENV, "")
    if not release:
        pytest.skip(f"no real TensorRT bindings here: {RELEASE_ENV} is unset (nox -s oracle)")
    return release


@pytest.fixture(scope="session")
def real_trt(oracle_release: str) -> ModuleType:
    """NVIDIA's real module of ``oracle_release``, imported as ``tensorrt``."""
    module = importlib.import_module("tensorrt")
    # A mismatch is a broken session, not a reason to skip.
    assert module.__version__ == oracle_release, (module.__version__, oracle_release)
    return module


@pytest.fixture
def fake_trt_for_release(oracle_release: str) -> ModuleType:
    """A fresh fake of the same release as ``real_trt`` (named ``tensorrt``, not installed)."""
    return make_module(release_key(oracle_release))
