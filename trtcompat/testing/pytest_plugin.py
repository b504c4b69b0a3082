"""An opt-in pytest plugin: the ``fake_trt`` fixture. Enable it with
``pytest -p trtcompat.testing.pytest_plugin`` or ``pytest_plugins =
["trtcompat.testing.pytest_plugin"]`` in a ``conftest.py``; it is deliberately not a
``pytest11`` entry point, which would import trtcompat into every pytest session of every
project installed next to it (docs/CLI.md, "The pytest plugin").

Request ``fake_trt`` and a test runs once per TensorRT API era, with that era's fake
installed as ``tensorrt``::

    def test_io(fake_trt):
        engine = trtcompat.load_engine(plan_for(fake_trt))
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from . import ERAS, fake_tensorrt

__all__ = ["fake_trt"]


@pytest.fixture(params=ERAS, ids=[f"trt{era}" for era in ERAS])
def fake_trt(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """The fake ``tensorrt`` module of one era, installed in ``sys.modules``."""
    era: str = request.param
    with fake_tensorrt(era) as module:
        yield module
