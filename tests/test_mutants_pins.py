"""Behaviours that only a surviving mutant showed unpinned (issue 25, "Tests that a mutant
survives"): what the Runner returns and keeps, binding by name, the classic loop's errors."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from _engines import NONZERO, OUTPUTS_FIRST, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat._family import tensors as tensor_api
from trtcompat.backends import BoundStreamOps
from trtcompat.backends._host import HostBackend
from trtcompat.testing import (
    EngineSpec,
    TensorSpec,
    build_plan,
    fake_tensorrt,
)

INT4 = np.dtype(ml_dtypes.int4)


def _engine(spec: EngineSpec, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


@pytest.fixture(params=["10", "11"], ids=["trt10", "trt11"])
def tensor_era(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name-based eras (output allocators, INT4 / FP4), with the fake installed."""
    with fake_tensorrt(request.param):
        yield request.param


# -- outputs returned under the default copy_outputs=True are the caller's -----------------
def test_a_data_dependent_output_survives_the_next_infer_and_close(
    tensor_era: str, host: Any
) -> None:
    runner = tc.Runner(_engine(NONZERO, tensor_era), backend=host)
    first = runner.infer({"x": np.array([0, 1, 0, 1], np.float32)})["idx"]
    # Same count of nonzeros, other places: a view of the pinned buffer would change.
    runner.infer({"x": np.array([1, 0, 1, 0], np.float32)})
    runner.close()
    assert first.tolist() == [1, 3]
    first[0] = 7  # writable memory of its own, not a view of a freed buffer
    assert first.tolist() == [7, 3]


def _half_and_plain(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"q": feed["x"].copy(), "s": np.full(4, feed["k"][0], np.float32)}


PACKED_NEXT_TO_PLAIN = EngineSpec(
    (
        TensorSpec("x", "INT4", (4,), True),
        TensorSpec("k", np.float32, (1,), True),
        TensorSpec("q", "INT4", (4,), False),
        TensorSpec("s", np.float32, (4,), False),
    ),
    compute=_half_and_plain,
    name="int4_and_float",
)


def test_a_plain_output_next_to_an_int4_output_survives_the_next_infer_and_close(
    tensor_era: str, host: Any
) -> None:
    runner = tc.Runner(_engine(PACKED_NEXT_TO_PLAIN, tensor_era), backend=host)
    x = np.array([1, -2, 3, -8], INT4)
    first = runner.infer({"x": x, "k": np.array([5], np.float32)})
    runner.infer({"x": x, "k": np.array([9], np.float32)})
    runner.close()
    assert first["s"].tolist() == [5.0] * 4  # a copy, not the pinned buffer the 2nd call wrote
    assert first["q"].dtype == INT4 and first["q"].astype(np.int8).tolist() == [1, -2, 3, -8]


def test_device_outputs_returns_every_output(era: str, host: Any) -> None:
    with tc.Runner(_engine(OUTPUTS_FIRST, era), backend=host, outputs="device") as runner:
        found = runner.infer(
            {"x": np.ones((3, 2), np.float16), "ids": np.array([1, 2, 3], np.int32)}
        )
        assert sorted(found) == ["count", "prob"]
        np.testing.assert_array_equal(np.asarray(found["count"]), [3, 6, 9])
        np.testing.assert_array_equal(np.asarray(found["prob"]), np.full((3, 2), 2, np.float16))


# -- Runner's checks ----------------------------------------------------------------------
def test_host_input_with_auto_profile_refuses_a_shape_no_profile_holds(
    era: str, host: Any
) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile="auto") as runner:
        assert runner.host_input("x", (6, 4)).shape == (6, 4)  # profile 1 holds it
        with pytest.raises(tc.ProfileError, match=r"\(20, 4\)"):
            runner.host_input("x", (20, 4))


class _NoContext:
    """An engine whose create_execution_context returns None (what TensorRT does when out of
    device memory), otherwise the real one."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def create_execution_context(self) -> None:
        return None


def test_a_context_that_cannot_be_created_is_an_execution_error(era: str, host: Any) -> None:
    engine = _NoContext(_engine(STATIC, era))
    with pytest.raises(tc.ExecutionError, match="could not create an execution context"):
        tc.Runner(engine, backend=host)


# -- binding by name: a refused address ------------------------------------------------------
class _Refusing:
    """A context proxy whose set_tensor_address refuses the names in ``refuse`` (as TensorRT
    does for an address it cannot use) and records every call."""

    def __init__(self, inner: Any, refuse: set[str] | None = None) -> None:
        self.inner = inner
        self.refuse = refuse if refuse is not None else set()
        self.calls: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def set_tensor_address(self, name: str, address: int) -> bool:
        self.calls.append((name, int(address)))
        if name in self.refuse:
            return False
        return bool(self.inner.set_tensor_address(name, address))


def _arrays() -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Host arrays the fake launch reads and writes, and their addresses."""
    x, y = np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)
    return x, y, [x.ctypes.data, y.ctypes.data]


def test_execute_returns_false_when_an_address_is_refused(tensor_era: str) -> None:
    engine = _engine(STATIC, tensor_era)
    context = _Refusing(engine.create_execution_context(), {"y"})
    _, y, slots = _arrays()
    assert tensor_api.execute(context, slots, ("x", "y"), 0, None) is False
    np.testing.assert_array_equal(y, 0)  # nothing ran


def test_do_inference_raises_when_an_address_is_refused(tensor_era: str, host: Any) -> None:
    engine = _engine(STATIC, tensor_era)
    context = _Refusing(engine.create_execution_context(), {"y"})
    with tc.allocate_buffers(engine, backend=host) as (inputs, outputs, bindings, stream), \
            pytest.raises(tc.ExecutionError, match=r"^TensorRT refused to execute the engine"):
        tc.do_inference(context, bindings, inputs, outputs, stream)


def test_a_bind_refused_half_way_records_nothing(tensor_era: str) -> None:
    engine = _engine(STATIC, tensor_era)
    context = _Refusing(engine.create_execution_context())
    _, y, slots = _arrays()
    assert tensor_api.execute(context, slots, ("x", "y"), 0, None)
    assert [name for name, _ in context.calls] == ["x", "y"]
    # Other addresses, refused at "y": "x" is now bound to the other address.
    other = np.ones((2, 3), np.float32) * 5
    context.refuse = {"y"}
    assert not tensor_api.execute(context, [other.ctypes.data, 1], ("x", "y"), 0, None)
    # The first addresses again: every one is set again, "x" included.
    context.refuse, context.calls = set(), []
    y[:] = 0
    assert tensor_api.execute(context, slots, ("x", "y"), 0, None)
    assert context.calls == [("x", slots[0]), ("y", slots[1])]
    np.testing.assert_array_equal(y, 2)  # the fake ran on the first arrays


def test_no_binding_record_outlives_its_context(tensor_era: str) -> None:
    """What execute remembers of a context's addresses is the context's: hundreds of
    contexts bound and dropped leave nothing behind, and none is kept alive by it."""
    engine = _engine(STATIC, tensor_era)
    before = len(tensor_api._BOUND)
    contexts = [_Refusing(engine.create_execution_context()) for _ in range(300)]
    arrays = _arrays()  # kept alive: the fake reads and writes them
    slots = arrays[2]
    for context in contexts:
        assert tensor_api.execute(context, slots, ("x", "y"), 0, None)
    alive = [weakref.ref(c) for c in contexts]
    for context in contexts:  # every record is still there: a warm call binds nothing
        context.calls = []
        assert tensor_api.execute(context, slots, ("x", "y"), 0, None)
        assert context.calls == []
    del contexts, context
    gc.collect()
    assert [r() for r in alive] == [None] * 300  # the records held none of them
    assert len(tensor_api._BOUND) <= before  # and went with them


# -- Buffers.close, dtype names, implicit batch -----------------------------------------------
class _FailingStreamRelease:
    """The host backend, except that destroy_stream fails after releasing the stream."""

    def __init__(self, inner: Any) -> None:
        for name in dir(inner):  # instance attributes: a Protocol check finds them statically
            if not name.startswith("_") and name != "destroy_stream":
                setattr(self, name, getattr(inner, name))
        self.inner = inner

    def destroy_stream(self, stream: int) -> None:
        self.inner.destroy_stream(stream)
        raise tc.BackendError(f"destroy_stream({stream:#x}) failed")


def test_buffers_close_reports_a_failing_destroy_stream(era: str, host: Any) -> None:
    buffers = tc.allocate_buffers(_engine(STATIC, era), backend=_FailingStreamRelease(host))
    with pytest.raises(tc.BackendError, match=r"destroy_stream\(0x[0-9a-f]+\) failed"):
        buffers.close()
    assert buffers.closed is True  # the host fixture checks that every buffer was freed


def test_trt_name_for_an_object_is_a_dtype_error() -> None:
    from trtcompat._dtypes import trt_name_for

    with pytest.raises(tc.DTypeError, match=r"^No TensorRT DataType for numpy dtype <object"):
        trt_name_for(object())


TWO_IMPLICIT = EngineSpec(
    (
        TensorSpec("a", np.float32, (3,), True),
        TensorSpec("b", np.float32, (3,), True),
        TensorSpec("y", np.float32, (3,), False),
    ),
    compute=lambda feed: {"y": feed["a"] + feed["b"]},
    implicit_batch=True,
    max_batch_size=8,
    name="two_implicit",
)


def test_implicit_batch_inputs_of_two_batch_sizes_are_a_shape_error(host: Any) -> None:
    with fake_tensorrt("8.4"), tc.Runner(_engine(TWO_IMPLICIT, "8.4"), backend=host) as runner:
        ones = np.ones((2, 3), np.float32)
        assert runner.infer({"a": ones, "b": ones})["y"].tolist() == [[2.0] * 3] * 2
        with pytest.raises(
            tc.ShapeError,
            match=r"^The inputs of an implicit-batch engine share one batch size \(the first "
            r"dimension\); got 'a' \(2, 3\), 'b' \(3, 3\)\.$",
        ):
            runner.infer({"a": ones, "b": np.ones((3, 3), np.float32)})


def test_an_implicit_launch_after_resetwarnings_is_quiet(host: Any) -> None:
    import warnings

    from _engines import IMPLICIT

    with fake_tensorrt("8.4"), tc.Runner(_engine(IMPLICIT, "8.4"), backend=host) as runner:
        runner.infer({"x": np.ones((2, 3), np.float32)})  # the launch exists from here on
        with warnings.catch_warnings(record=True) as caught:
            warnings.resetwarnings()  # an empty filter list, as a test harness may leave it
            y = runner.infer({"x": np.ones((2, 3), np.float32)})["y"]
        assert y.tolist() == [[2.0] * 3] * 2
        assert [w for w in caught if issubclass(w.category, DeprecationWarning)] == []


# -- legacy: execute_async_v2's input_consumed event -----------------------------------------
def test_legacy_execute_async_v2_hands_input_consumed_to_tensorrt(
    tensor_era: str, host: Any
) -> None:
    from trtcompat import legacy

    engine = legacy.wrap(_engine(STATIC, tensor_era))
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine.__wrapped__, backend=host) as (inputs, _, bindings, _):
        np.copyto(inputs[0].host, 1.5)
        assert context.get_input_consumed_event() == 0  # the real member, passed through
        assert context.execute_async_v2(list(bindings), 0, input_consumed=0xE7E)
        assert context.get_input_consumed_event() == 0xE7E
        assert context.execute_async(1, list(bindings), 0, 0xF00)  # the 8.x batch form too
        assert context.get_input_consumed_event() == 0xF00


# -- shape-tensor inputs: values in place before output shapes are asked for ----------------
def _fill(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    rows, cols = (int(v) for v in feed["size"])
    return {"y": np.full((rows, cols), feed["x"][0], np.float32)}


SIZED_BY_VALUES = EngineSpec(
    (
        TensorSpec("x", np.float32, (1,), True),
        TensorSpec("size", np.int32, (2,), True, location="host", is_shape_tensor=True),
        TensorSpec("y", np.float32, (-1, -1), False, like="size"),
    ),
    compute=_fill,
    name="sized_by_values",
)


def test_the_fake_reads_output_shapes_from_shape_tensor_values(tensor_era: str) -> None:
    context = _engine(SIZED_BY_VALUES, tensor_era).create_execution_context()
    assert tuple(context.get_tensor_shape("y")) == (-1, -1)  # no address bound yet
    size = np.array([2, 5], np.int32)
    assert context.set_tensor_address("size", size.ctypes.data)
    assert tuple(context.get_tensor_shape("y")) == (2, 5)
    size[:] = (3, 1)  # read when asked, as TensorRT's shape inference reads it
    assert tuple(context.get_tensor_shape("y")) == (3, 1)


def test_shape_tensor_values_are_in_place_before_output_shapes_are_asked(
    tensor_era: str, host: Any
) -> None:
    with tc.Runner(_engine(SIZED_BY_VALUES, tensor_era), backend=host) as runner:
        for rows, cols in ((2, 3), (4, 1), (2, 3)):
            size = np.array([rows, cols], np.int32)
            y = runner.infer({"x": np.array([7], np.float32), "size": size})["y"]
            assert y.shape == (rows, cols)
            np.testing.assert_array_equal(y, 7)


def test_legacy_execute_async_passes_the_stream(tensor_era: str) -> None:
    from trtcompat import legacy

    streams: list[int] = []
    spec = EngineSpec(STATIC.tensors, launch=lambda run: streams.append(run.stream))
    context = legacy.wrap(_engine(spec, tensor_era)).create_execution_context()
    _, _, slots = _arrays()
    assert context.execute_async(1, slots, 77)
    assert context.execute_async_v2(slots, 78)
    assert streams == [77, 78]


# -- infer_async / synchronize: the warm case written out, the guard where it fails ---------
class _Placed(HostBackend):
    """The host backend, its device current or not (``active``), ``activate()`` counted, its
    stream's synchronize failing once ``fail_wait`` is set (a CUDA error surfacing there)."""

    def __init__(self, active: bool) -> None:
        super().__init__()
        self.active, self.activations, self.fail_wait = active, 0, False

    def is_active(self) -> bool:
        return self.active

    def activate(self) -> Any:
        self.activations += 1
        return super().activate()

    def _bind(self, stream: int) -> BoundStreamOps:
        ops = super()._bind(stream)

        def synchronize() -> None:
            if self.fail_wait:
                raise tc.BackendError("Cannot synchronize: an earlier launch failed")
            ops.synchronize()

        return BoundStreamOps(ops.htod, ops.dtoh, ops.dtod, synchronize, ops.errors)


@pytest.mark.parametrize("active", [True, False], ids=["current", "other-device"])
@pytest.mark.parametrize(
    ("call", "what"),
    [
        ("infer_async", "Runner.infer_async"),  # its copies fail: the stream is gone
        ("synchronize", "Runner.synchronize"),
        ("out", "Runner.infer"),  # the wait of infer(feed, out=...)
    ],
)
def test_a_failure_names_the_call_on_either_device(
    tensor_era: str, active: bool, call: str, what: str
) -> None:
    backend = _Placed(active)
    x = {"x": np.ones((2, 3), np.float32)}
    runner = tc.Runner(_engine(STATIC, tensor_era), backend=backend)
    runner.infer(x)
    if call == "synchronize":
        runner.infer_async(x)
    if call == "infer_async":
        backend.destroy_stream(runner.stream)
    backend.fail_wait = True
    calls = {
        "infer_async": lambda: runner.infer_async(x),
        "synchronize": runner.synchronize,
        "out": lambda: runner.infer(x, out={"y": np.empty((2, 3), np.float32)}),
    }
    with pytest.raises(tc.BackendError) as caught:
        calls[call]()
    assert str(caught.value).startswith(f"Backend 'host' (device 0): {what} failed: Cannot ")


def test_infer_async_checks_a_feed_whose_names_are_not_the_inputs(
    tensor_era: str, host: Any
) -> None:
    with tc.Runner(_engine(STATIC, tensor_era), backend=host) as runner:
        with pytest.raises(tc.UnknownTensorError, match=r"'z'"):
            runner.infer_async({"z": np.ones((2, 3), np.float32)})
        with pytest.raises(tc.MissingInputError):
            runner.infer_async({})
        runner.infer_async(MappingProxyType({"x": np.ones((2, 3), np.float32)}))  # any Mapping
        np.testing.assert_array_equal(runner.synchronize()["y"], np.full((2, 3), 2, np.float32))
        runner.close()
        with pytest.raises(tc.ClosedError, match=r"^This Runner was closed; create a new one\.$"):
            runner.infer_async({"x": np.ones((2, 3), np.float32)})
