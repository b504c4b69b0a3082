"""The Runner's plans (runtime/_plan.py) and do_inference's kept trip: what is cached, for how
long, and what a warm call returns (issue 25, items 5, 6 and 8)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from _engines import NONZERO, STATIC

import trtcompat as tc
from trtcompat.backends import get_backend
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


# -- what each entry names when the backend fails (mutants of the `what` strings) -----------
def _destroyed_stream_error(step: str, era: str) -> str:
    backend = get_backend("host")
    runner = tc.Runner(build_engine(STATIC, era), backend=backend)
    x = {"x": np.ones((2, 3), np.float32)}
    if step != "cold":
        runner.infer(x)  # a plan with a fast call
    if step == "synchronize":
        runner.infer_async(x)
    backend.destroy_stream(runner.stream)  # every call on it fails from now on
    calls = {
        "warm": lambda: runner.infer(x),
        "cold": lambda: runner.infer(x),
        "infer_async": lambda: runner.infer_async(x),
        "synchronize": runner.synchronize,
        "out": lambda: runner.infer(x, out={"y": np.empty((2, 3), np.float32)}),
    }
    with pytest.raises(tc.BackendError) as caught:
        calls[step]()
    return str(caught.value)


@pytest.mark.parametrize(
    ("step", "what"),
    [
        ("warm", "Runner.infer"),
        ("cold", "Runner.infer"),
        ("out", "Runner.infer"),
        ("infer_async", "Runner.infer_async"),
        ("synchronize", "Runner.synchronize"),
    ],
)
def test_a_backend_failure_names_the_runner_method(era: str, step: str, what: str) -> None:
    message = _destroyed_stream_error(step, era)
    assert message.startswith(f"Backend 'host' (device 0): {what} failed: Cannot ")
    assert "is not a live stream" in message


class _Interface:
    """A device array of another library: ``__cuda_array_interface__`` over host memory (the
    host backend's "device" memory is host memory)."""

    def __init__(self, array: np.ndarray) -> None:
        self.array = array

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        return {
            "data": (self.array.ctypes.data, False),
            "shape": self.array.shape,
            "typestr": self.array.dtype.str,
            "strides": None,
            "version": 3,
        }


def test_a_wait_that_fails_on_the_general_path_names_infer(era: str) -> None:
    # Device arrays in and out: the general path copies nothing, so the wait is what fails.
    backend = get_backend("host")
    runner = tc.Runner(build_engine(STATIC, era), backend=backend, outputs="device")
    backend.destroy_stream(runner.stream)
    with pytest.raises(tc.BackendError, match=r": Runner\.infer failed: Cannot synchronize"):
        runner.infer({"x": _Interface(np.ones((2, 3), np.float32))})


# -- the stream and a refused launch --------------------------------------------------------
def test_every_launch_uses_the_runners_stream(era: str, host: Any) -> None:
    streams: list[int] = []
    spec = EngineSpec(
        STATIC.tensors, compute=_double, launch=lambda run: streams.append(run.stream)
    )
    with tc.Runner(build_engine(spec, era), backend=host) as runner:
        for _ in range(3):  # the cold call, then warm ones
            runner.infer({"x": np.ones((2, 3), np.float32)})
        runner.infer_async({"x": np.ones((2, 3), np.float32)})
        runner.synchronize()
        assert streams == [runner.stream] * 4 and runner.stream != 0


class _RefusingEngine:
    """An engine whose contexts refuse every launch (``execute_async_v3`` returns False, as
    TensorRT does for an enqueue it cannot run)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def create_execution_context(self) -> Any:
        return _RefusingContext(self.inner.create_execution_context())


class _RefusingContext:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def execute_async_v3(self, stream: int) -> bool:
        return False


@pytest.mark.parametrize("call", ["infer", "infer_async"])
def test_a_refused_launch_on_the_general_path_is_explained(
    tensor_era: str, host: Any, call: str
) -> None:
    engine = _RefusingEngine(build_engine(STATIC, tensor_era))
    with tc.Runner(engine, backend=host) as runner, pytest.raises(
        tc.ExecutionError,
        match=r"^TensorRT refused to execute the engine \(tensors API.*input 'x' FLOAT shape",
    ):
        getattr(runner, call)({"x": np.ones((2, 3), np.float32)})


def test_the_repr_says_profile_or_closed(era: str, host: Any) -> None:
    runner = tc.Runner(build_engine(STATIC, era), backend=host)
    assert repr(runner).endswith(", profile 0, host:0>")
    assert repr(runner).startswith("<Runner ")
    runner.close()
    assert repr(runner).endswith(", closed, host:0>")


def test_a_context_that_cannot_be_created_says_so_first(era: str, host: Any) -> None:
    class NoContext:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, attr: str) -> Any:
            return getattr(self.inner, attr)

        def create_execution_context(self) -> None:
            return None  # what TensorRT returns when out of device memory

    with pytest.raises(tc.ExecutionError, match=r"^TensorRT could not create an execution"):
        tc.Runner(NoContext(build_engine(STATIC, era)), backend=host)


# -- outputs: zero-copy, data-dependent, views ----------------------------------------------
def test_device_outputs_of_warm_calls_are_the_same_memory(era: str, host: Any) -> None:
    with tc.Runner(build_engine(STATIC, era), backend=host, outputs="device") as runner:
        first = runner.infer({"x": np.ones((2, 3), np.float32)})["y"]
        for i in range(2, 4):  # warm calls: host input copied in, device output not copied
            found = runner.infer({"x": np.full((2, 3), i, np.float32)})["y"]
            assert np.shares_memory(np.asarray(found), np.asarray(first))
            np.testing.assert_array_equal(np.asarray(found), np.full((2, 3), 2 * i))


def test_a_zero_copy_warm_call_reads_the_device_input_where_it_lies(era: str, host: Any) -> None:
    memory = np.ones((2, 3), np.float32)
    for kind in ("device", "host"):
        with tc.Runner(build_engine(STATIC, era), backend=host, outputs=kind) as runner:
            for i in range(3):  # cold, then warm: the same device array, new contents
                memory[...] = i
                found = runner.infer({"x": _Interface(memory)})["y"]
                np.testing.assert_array_equal(np.asarray(found), np.full((2, 3), 2 * i))


def test_a_zero_copy_warm_call_launches_on_the_runners_stream(era: str, host: Any) -> None:
    streams: list[int] = []
    spec = EngineSpec(STATIC.tensors, launch=lambda run: streams.append(run.stream))
    with tc.Runner(build_engine(spec, era), backend=host, outputs="device") as runner:
        for _ in range(3):
            runner.infer({"x": _Interface(np.ones((2, 3), np.float32))})
        assert streams == [runner.stream] * 3 and runner.stream != 0


def test_a_data_dependent_output_as_a_device_array(tensor_era: str, host: Any) -> None:
    with tc.Runner(build_engine(NONZERO, tensor_era), backend=host, outputs="device") as runner:
        for x, idx in (([0, 1, 0, 1], [1, 3]), ([5, 0, 0, 0, 7], [0, 4])):
            found = runner.infer({"x": np.array(x, np.float32)})
            assert list(found) == ["idx"]
            assert np.asarray(found["idx"]).tolist() == idx


def test_a_data_dependent_output_without_copies_is_the_pinned_buffer(
    tensor_era: str, host: Any
) -> None:
    engine = build_engine(NONZERO, tensor_era)
    with tc.Runner(engine, backend=host, copy_outputs=False) as runner:
        first = runner.infer({"x": np.array([0, 1, 0, 1], np.float32)})["idx"]
        second = runner.infer({"x": np.array([1, 0, 1, 0], np.float32)})["idx"]
        assert np.shares_memory(first, second) and first.tolist() == [0, 2]


def test_a_plain_output_next_to_int4_without_copies_is_the_pinned_buffer(
    tensor_era: str, host: Any
) -> None:
    with tc.Runner(
        build_engine(FLOAT_AND_INT4, tensor_era), backend=host, copy_outputs=False
    ) as runner:
        first = runner.infer({"x": np.array([1, 2, 3, 4], np.float32)})
        second = runner.infer({"x": np.array([4, 3, 2, 1], np.float32)})
        assert np.shares_memory(first["s"], second["s"]) and first["s"].tolist() == [4, 3, 2, 1]
        assert second["q"].astype(np.int8).tolist() == [4, 3, 2, 1]


def _int4_and_float(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"q": pack(feed["x"].astype(INT4)), "s": feed["x"].copy()}


FLOAT_AND_INT4 = EngineSpec(
    (
        TensorSpec("x", np.float32, (4,), True),
        TensorSpec("q", "INT4", (4,), False),
        TensorSpec("s", np.float32, (4,), False),
    ),
    compute=_int4_and_float,
    name="float_and_int4",
)


def test_an_int4_output_as_a_device_array_is_refused(tensor_era: str, host: Any) -> None:
    engine = build_engine(FLOAT_TO_INT4, tensor_era)
    with tc.Runner(engine, backend=host, outputs="device") as runner, pytest.raises(
        tc.DTypeError,
        match=r"^Output 'q' is INT4, packed two per byte; no device array type holds 4-bit "
        r"elements\. Use outputs='host' \(ml_dtypes arrays come back\)\.$",
    ):
        runner.infer({"x": np.ones(4, np.float32)})


# -- pinned views, buffers, profiles ----------------------------------------------------------
INT8 = EngineSpec(
    (TensorSpec("x", np.int8, (2, 4), True), TensorSpec("y", np.int8, (2, 4), False)),
    compute=lambda feed: {"y": feed["x"] * 2},
    name="int8",
)


def test_host_input_is_one_object_per_shape_and_8_bit_inputs_keep_their_shape(
    era: str, host: Any
) -> None:
    with tc.Runner(build_engine(INT8, era), backend=host) as runner:
        view = runner.host_input("x")
        assert view.shape == (2, 4) and view.dtype == np.int8
        assert runner.host_input("x") is view
        view[...] = 3
        assert runner.infer({"x": view})["y"].tolist() == [[6] * 4] * 2


def test_the_runner_buffers_use_its_stream_family_and_profile(host: Any) -> None:
    from _engines import TWO_PROFILES

    engine = build_engine(TWO_PROFILES, "8.6")
    with tc.Runner(engine, backend=host, profile=1, family="bindings") as runner:
        assert runner.buffers.stream == runner.stream
        assert runner.buffers.family.NAME == "bindings"
        assert runner.buffers["x"].shape == (16, 4)  # profile 1's max, not profile 0's


class _CountingEngine:
    """An engine whose contexts count ``set_input_shape`` calls per input."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.shapes_set: list[str] = []

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def create_execution_context(self) -> Any:
        return _CountingContext(self.inner.create_execution_context(), self.shapes_set)


class _CountingContext:
    def __init__(self, inner: Any, shapes_set: list[str]) -> None:
        self.inner, self.shapes_set = inner, shapes_set

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def set_input_shape(self, name: str, shape: Any) -> bool:
        self.shapes_set.append(name)
        return bool(self.inner.set_input_shape(name, shape))


def test_a_plan_switch_sets_only_the_input_shapes_that_changed(tensor_era: str, host: Any) -> None:
    from _engines import OUTPUTS_FIRST

    engine = _CountingEngine(build_engine(OUTPUTS_FIRST, tensor_era))
    ids = np.array([1, 2, 3], np.int32)
    with tc.Runner(engine, backend=host) as runner:
        runner.infer({"x": np.ones((3, 2), np.float16), "ids": ids})
        del engine.shapes_set[:]
        for rows in (4, 3, 4, 4):  # x changes three times, ids never; the last call is warm
            runner.infer({"x": np.ones((rows, 2), np.float16), "ids": ids})
        assert engine.shapes_set == ["x", "x", "x"]


class _ProfileEngine:
    """An engine whose contexts record each ``set_optimization_profile_async`` call."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.switches: list[tuple[int, int]] = []

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def create_execution_context(self) -> Any:
        return _ProfileContext(self.inner.create_execution_context(), self.switches)


class _ProfileContext:
    def __init__(self, inner: Any, switches: list[tuple[int, int]]) -> None:
        self.inner, self.switches = inner, switches

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def set_optimization_profile_async(self, profile: int, stream: int) -> bool:
        self.switches.append((profile, stream))
        return bool(self.inner.set_optimization_profile_async(profile, stream))


def test_profile_switches_go_on_the_runners_stream(tensor_era: str, host: Any) -> None:
    from _engines import TWO_PROFILES

    engine = _ProfileEngine(build_engine(TWO_PROFILES, tensor_era))
    with tc.Runner(engine, backend=host, profile=1) as fixed:
        assert engine.switches == [(1, fixed.stream)]  # the start, before the buffers
    del engine.switches[:]
    with tc.Runner(engine, backend=host, profile="auto") as auto:
        auto.infer({"x": np.ones((6, 4), np.float32), "bias": np.ones(4, np.float32)})
        auto.infer({"x": np.ones((2, 4), np.float32), "bias": np.ones(4, np.float32)})
        assert engine.switches == [(1, auto.stream), (0, auto.stream)]


def test_a_second_synchronize_has_nothing_to_wait_for(era: str, host: Any) -> None:
    with tc.Runner(build_engine(STATIC, era), backend=host) as runner:
        runner.infer_async({"x": np.ones((2, 3), np.float32)})
        np.testing.assert_array_equal(runner.synchronize()["y"], 2)
        with pytest.raises(tc.ExecutionError, match=r"^Nothing was enqueued"):
            runner.synchronize()


def test_a_host_input_that_grows_its_buffer_retires_the_current_plan(era: str, host: Any) -> None:
    from _engines import DYNAMIC

    with tc.Runner(build_engine(DYNAMIC, era), backend=host) as runner:
        small = {"x": np.full((2, 3), 1, np.float32)}
        runner.infer(small)
        runner.infer(small)  # warm
        big = runner.host_input("x", (8, 3))  # more than allocated: the memory moves
        big[...] = 5
        np.testing.assert_array_equal(runner.infer({"x": big})["y"], 10)
        small["x"][...] = 3
        np.testing.assert_array_equal(runner.infer(small)["y"], 6)
