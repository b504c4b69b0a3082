"""The behaviours of issue 23 on NVIDIA's real module and on the fake of the same release:
one assertion (``tests/_behaviours.py``), both sides. The fake side of every era also runs in
the normal suite (``tests/test_fake_behaviours.py``, with the engine-level behaviours CPU cannot
observe on the real module, each citing its source).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _behaviours import CHECKS, CHECKS_WITH_STDERR

_CONTRACT = Path(__file__).with_name("conftest.py")


@pytest.fixture(params=["fake", "real"])
def module(request: pytest.FixtureRequest) -> ModuleType:
    """The real module of the oracle release, or the fake of that release."""
    if not _CONTRACT.exists():  # the oracle session's fixtures (real_trt, ...) live there
        pytest.skip(f"{_CONTRACT.name} of the oracle session is missing: no real module")
    fixture = "real_trt" if request.param == "real" else "fake_trt_for_release"
    found: ModuleType = request.getfixturevalue(fixture)
    return found


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__[len("check_") :])
def test_behaves_as_real(module: ModuleType, check: Any) -> None:
    check(module)


@pytest.mark.parametrize("check", CHECKS_WITH_STDERR, ids=lambda f: f.__name__[len("check_") :])
def test_prints_as_real(module: ModuleType, check: Any, capfd: pytest.CaptureFixture[str]) -> None:
    check(module, capfd)
