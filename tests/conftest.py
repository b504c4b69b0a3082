"""Shared fixtures: the per-era fake TensorRT, engine descriptions used across test modules."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import trtcompat
from trtcompat import _detect
from trtcompat.backends import get_backend
from trtcompat.testing import ERAS, fake_tensorrt


def pytest_report_header() -> str:
    module = _detect.find_trt_module()
    found = f"{module.__name__} {_detect.module_version(module)}" if module else "none"
    return f"trtcompat {trtcompat.__version__}; installed TensorRT: {found}; fake eras: {', '.join(ERAS)}"


@pytest.fixture(autouse=True)
def _fresh_detection(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Discovery is cached per process; each test starts from what its own setup installs.
    monkeypatch.delenv("TRTCOMPAT_FAMILY", raising=False)
    monkeypatch.delenv("TRTCOMPAT_BACKEND", raising=False)
    _detect.find_trt_module.cache_clear()
    yield
    _detect.find_trt_module.cache_clear()


@pytest.fixture(params=ERAS, ids=[f"trt{e}" for e in ERAS])
def era(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each API era in turn, with its fake installed as ``tensorrt``."""
    with fake_tensorrt(request.param):
        yield request.param


@pytest.fixture
def trt(era: str) -> ModuleType:
    """The installed fake module of the current era."""
    import sys

    return sys.modules["tensorrt"]


@pytest.fixture
def host() -> Iterator[Any]:
    """The ``host`` backend; the test fails if it leaves allocations behind."""
    backend = get_backend("host")
    before = backend.outstanding()
    yield backend
    assert backend.outstanding() == before, "host allocations leaked"
