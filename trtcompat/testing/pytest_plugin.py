"""An opt-in pytest plugin: the ``fake_trt`` fixture. Enable it with
``pytest -p trtcompat.testing.pytest_plugin`` or ``pytest_plugins =
["trtcompat.testing.pytest_plugin"]`` in a ``conftest.py``; it is deliberately not a
``pytest11`` entry point, which would import trtcompat into every pytest session of every
project installed next to it (docs/CLI.md, "The pytest plugin").

Request ``fake_trt`` and a test runs once per TensorRT API era, with that era's fake
installed as ``tensorrt``::

    import numpy as np
    import trtcompat
    from trtcompat.testing import EngineSpec, TensorSpec, build_plan, era_of

    SPEC = EngineSpec((TensorSpec("x", np.float32, (2,), True),
                       TensorSpec("y", np.float32, (2,), False)))  # y is a copy of x

    def test_io(fake_trt):
        engine = trtcompat.load_engine(build_plan(SPEC, era_of(fake_trt)))
        assert [t.name for t in trtcompat.io_tensors(engine)] == ["x", "y"]
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest

from . import ERAS, fake_tensorrt

__all__ = ["fake_trt"]


@pytest.fixture(params=ERAS, ids=[f"trt{era}" for era in ERAS])
def fake_trt(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """Runs the test once per TensorRT API era (8.4, 8.6, 10, 11), with that era's fake
    ``tensorrt`` module installed in ``sys.modules`` (the fixture's value)."""
    era: str = request.param
    with fake_tensorrt(era) as module:
        yield module
