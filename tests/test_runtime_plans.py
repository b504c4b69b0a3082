"""The Runner's plans (runtime/_plan.py) and do_inference's kept trip: what is cached, for how
long, and what a warm call returns (issue 25, items 5, 6 and 8)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from _engines import STATIC

import trtcompat as tc
from trtcompat.runtime import _plan
from trtcompat.runtime import execute as execute_module
from trtcompat.runtime._subbyte import pack
from trtcompat.runtime.allocator import make_buffers
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, fake_tensorrt

INT4 = np.dtype(ml_dtypes.int4)


@pytest.fixture(params=["10", "11"], ids=["trt10", "trt11"])
def tensor_era(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name-based eras (INT4 / FP4), with the fake installed."""
    with fake_tensorrt(request.param):
        yield request.param


def _to_int4(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"q": pack(feed["x"].astype(INT4))}  # the engine writes packed bytes


FLOAT_TO_INT4 = EngineSpec(
    (TensorSpec("x", np.float32, (4,), True), TensorSpec("q", "INT4", (4,), False)),
    compute=_to_int4,
    name="float_to_int4",
)


def test_a_warm_call_unpacks_an_int4_output_fed_by_float_inputs(tensor_era: str, host: Any) -> None:
    # Before: the warm call (no packed input, so it got a fast call) returned the packed
    # uint8 bytes of the output from the second call on.
    with tc.Runner(build_engine(FLOAT_TO_INT4, tensor_era), backend=host) as runner:
        for i in range(3):
            q = runner.infer({"x": np.array([1, -2, 3, i], np.float32)})["q"]
            assert q.dtype == INT4 and q.shape == (4,)
            assert q.astype(np.int8).tolist() == [1, -2, 3, i]


def _double(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": feed["x"] * 2}


WIDE = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1, 3), True, profiles=(((1, 3), (8, 3), (64, 3)),)),
        TensorSpec("y", np.float32, (-1, 3), False),
    ),
    compute=_double,
    name="wide",
)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The keys of the plans built while the test runs."""
    made: list[tuple[Any, ...]] = []

    class Counted(_plan.Plan):
        __slots__ = ()

        def __init__(self, key: tuple[Any, ...], profile: int, batch: int | None) -> None:
            made.append(key)
            super().__init__(key, profile, batch)

    monkeypatch.setattr(_plan, "Plan", Counted)
    return made


def _rows(n: int) -> dict[str, np.ndarray]:
    return {"x": np.full((n, 3), n, np.float32)}


def test_the_plan_cache_keeps_the_plan_in_use_and_drops_the_least_recent(
    era: str, host: Any, builds: list[tuple[Any, ...]]
) -> None:
    with tc.Runner(build_engine(WIDE, era), backend=host) as runner:
        for n in range(1, _plan.MAX_PLANS + 10):  # 41 shapes; rows=1 used between each
            np.testing.assert_array_equal(runner.infer(_rows(n))["y"], _rows(n)["x"] * 2)
            runner.infer(_rows(1))
        assert len(builds) == _plan.MAX_PLANS + 9  # rows=1 built once: kept while in use
        del builds[:]
        runner.infer(_rows(_plan.MAX_PLANS + 9))  # among the most recent: still kept
        runner.infer(_rows(2))  # the least recent: dropped
        assert len(builds) == 1 and builds[0][0][0] == (2, 3)


def test_the_plan_cache_stays_bounded(era: str, host: Any, builds: list[tuple[Any, ...]]) -> None:
    with tc.Runner(build_engine(WIDE, era), backend=host) as runner:
        for _ in range(2):
            for n in range(1, _plan.MAX_PLANS + 2):  # one more shape than it keeps
                runner.infer(_rows(n))
        # Round two found none: each was dropped just before its turn came (LRU order).
        assert len(builds) == 2 * (_plan.MAX_PLANS + 1)


def test_do_inference_keeps_its_trip_on_the_binding_list(era: str, host: Any) -> None:
    engine = build_engine(STATIC, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert bindings.classic is None
        inputs[0].host[...] = 1.0
        tc.do_inference(context, bindings, inputs, outputs, stream)
        kept = bindings.classic
        assert kept is not None
        inputs[0].host[...] = 3.0
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        assert bindings.classic is kept  # the warm call ran it, built nothing new
        np.testing.assert_array_equal(y, np.full((2, 3), 6.0, np.float32))
        # The copies of the list (as a plain list) are not kept anywhere.
        (y,) = tc.do_inference(context, list(bindings), inputs, outputs, stream)
        np.testing.assert_array_equal(y, np.full((2, 3), 6.0, np.float32))
    # No module-level cache keyed by id() remains in execute.py.
    names = {k: v for k, v in vars(execute_module).items() if not k.startswith("__")}
    assert not [k for k, v in names.items() if isinstance(v, dict)]


def test_make_buffers_takes_its_options_by_keyword(era: str, host: Any) -> None:
    engine = build_engine(STATIC, era)
    with pytest.raises(TypeError):
        make_buffers(engine, host, 0)  # type: ignore[misc]
    with make_buffers(engine, host, profile=0) as buffers:
        assert [m.name for m in buffers.inputs] == ["x"]
        assert buffers["y"].shape == (2, 3)
