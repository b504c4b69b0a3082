"""The hot path's caches (issue 13) keep every check and every rebinding a call needs.

Each cache here skips work that a repeated call would redo identically; these tests change
the one thing each cache depends on between two calls and check that the change is seen.
"""

from __future__ import annotations

import ctypes
import importlib
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, STATIC
from _frames import frames_in

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.errors import BackendError
from trtcompat.testing import FaultInjectingBackend, build_engine

# The module, not the function trtcompat.runtime exports under the same name.
EXECUTE_FILE = importlib.import_module("trtcompat.runtime.execute").__file__


def test_host_stream_ops_check_a_repeated_copy_again_after_its_stream_is_destroyed() -> None:
    backend = get_backend("host")
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    src = np.arange(64, dtype=np.uint8)
    dst = backend.malloc(64)
    try:
        ops.htod(dst, src.ctypes.data, 64)
        ops.htod(dst, src.ctypes.data, 64)  # checked before: the fast path
        assert bytes((ctypes.c_uint8 * 64).from_address(dst)) == src.tobytes()
        backend.destroy_stream(stream)
        with pytest.raises(BackendError, match="not a live stream"):
            ops.htod(dst, src.ctypes.data, 64)  # the very copy that passed before
    finally:
        backend.free(dst)


def test_host_stream_ops_synchronize_sees_a_destroyed_stream() -> None:
    backend = get_backend("host")
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    ops.synchronize()
    ops.synchronize()
    backend.destroy_stream(stream)
    with pytest.raises(BackendError, match="not a live stream"):
        ops.synchronize()


def test_host_stream_ops_refuse_a_copy_past_an_allocation_after_a_checked_one() -> None:
    backend = get_backend("host")
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    src = np.zeros(128, np.uint8)
    dst = backend.malloc(64)
    try:
        ops.htod(dst, src.ctypes.data, 64)
        with pytest.raises(BackendError, match="run past the end"):
            ops.htod(dst, src.ctypes.data, 65)  # another size: its own check
    finally:
        backend.free(dst)
        backend.destroy_stream(stream)


def _doubling_buffers(spec: Any, host: Any) -> tuple[Any, Any, Any]:
    engine = build_engine(spec, "10")
    context = engine.create_execution_context()
    return engine, context, tc.allocate_buffers(engine, context, backend=host)


def test_execute_picks_up_a_rebound_pointer(host: Any) -> None:
    """A bindings list changed between calls is bound again, not served from memory."""
    _, context, buffers = _doubling_buffers(STATIC, host)
    with buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 1.0
        out = tc.do_inference(context, bindings, [x], [y], stream)
        np.testing.assert_array_equal(out[0], np.full((2, 3), 2.0, np.float32))
        other = host.malloc(y.nbytes)
        try:
            bindings[1] = other  # the output now goes to ``other``
            tc.execute(context, bindings, stream)
            got = np.empty((2, 3), np.float32)
            ctypes.memmove(got.ctypes.data, other, y.nbytes)
            np.testing.assert_array_equal(got, np.full((2, 3), 2.0, np.float32))
            y.host[...] = 0.0
            bindings[1] = y.device  # back: do_inference's D2H reads the output it wrote
            x.host[...] = 3.0
            out = tc.do_inference(context, bindings, [x], [y], stream)
            np.testing.assert_array_equal(out[0], np.full((2, 3), 6.0, np.float32))
        finally:
            host.free(other)


def test_execute_binds_each_context_for_itself(host: Any) -> None:
    """Two contexts, one bindings list: the second context is bound on its first call."""
    engine, first, buffers = _doubling_buffers(STATIC, host)
    second = engine.create_execution_context()
    with buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 2.0
        tc.do_inference(first, bindings, [x], [y], stream)
        y.host[...] = 0.0
        out = tc.do_inference(second, bindings, [x], [y], stream)
        np.testing.assert_array_equal(out[0], np.full((2, 3), 4.0, np.float32))


def test_do_inference_honours_a_shape_set_between_calls(host: Any) -> None:
    _, context, buffers = _doubling_buffers(DYNAMIC, host)
    with buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 1.0
        assert tc.do_inference(context, bindings, [x], [y], stream)[0].shape == (8, 3)
        tc.set_input_shape(context, "x", (2, 3))
        out = tc.do_inference(context, bindings, [x], [y], stream)[0]
        np.testing.assert_array_equal(out, np.full((2, 3), 2.0, np.float32))
        tc.set_input_shape(context, "x", (5, 3))
        assert tc.do_inference(context, bindings, [x], [y], stream)[0].shape == (5, 3)


def test_execute_sets_addresses_only_when_they_change(host: Any, monkeypatch: Any) -> None:
    _, context, buffers = _doubling_buffers(STATIC, host)
    with buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 1.0
        tc.do_inference(context, bindings, [x], [y], stream)
        calls: list[str] = []
        real = type(context).set_tensor_address

        def counting(self: Any, name: str, address: int) -> bool:
            calls.append(name)
            return bool(real(self, name, address))

        # On the class: TensorRT's contexts (and the fakes) take no instance attributes.
        monkeypatch.setattr(type(context), "set_tensor_address", counting)
        tc.do_inference(context, bindings, [x], [y], stream)
        assert calls == []  # unchanged bindings on the same context: nothing re-set
        bindings[0] = bindings[0]  # same values: still nothing
        tc.execute(context, list(bindings), stream)
        assert calls == []
        other = host.malloc(x.nbytes)
        try:
            bindings[0] = other
            tc.execute(context, bindings, stream)
            assert calls == ["x", "y"]
        finally:
            bindings[0] = x.device
            host.free(other)


class _Switching(FaultInjectingBackend):
    """The host backend (never failing), with ``is_active`` set by the test and
    ``activate()`` counted."""

    def __init__(self, inner: Any, active: bool) -> None:
        super().__init__(inner, "any")
        self.active, self.activations = active, 0

    def is_active(self) -> bool:
        return self.active

    def activate(self) -> Any:
        self.activations += 1
        return super().activate()


@pytest.mark.parametrize("active", [True, False])
def test_runner_activates_the_device_only_where_it_is_not_current(
    host: Any, active: bool
) -> None:
    """A warm call on a thread whose device is current already does no device switch; where
    it is not, exactly one per call (not one per copy)."""
    backend = _Switching(host, active)
    with tc.Runner(build_engine(STATIC, "10"), backend=backend) as run:
        run.infer({"x": np.ones((2, 3), np.float32)})  # makes the plan (under activate())
        before = backend.activations
        for i in range(3):
            x = np.full((2, 3), i, np.float32)
            np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)
            run.infer_async({"x": x + 1})
            np.testing.assert_array_equal(run.synchronize()["y"], (x + 1) * 2)
        assert backend.activations - before == (0 if active else 9)


class _Interface:
    """A device array of another library: ``__cuda_array_interface__`` over host memory (the
    host backend's "device" memory is host memory)."""

    def __init__(self, array: np.ndarray, shape: tuple[int, ...], strides: Any) -> None:
        self.array, self._shape, self._strides = array, shape, strides

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        return {
            "data": (self.array.ctypes.data, False),
            "shape": self._shape,
            "typestr": self.array.dtype.str,
            "strides": self._strides,
            "version": 3,
        }


def test_a_device_input_is_checked_again_when_only_its_layout_changed(host: Any) -> None:
    """Same address, shape and dtype, other strides: not the array the warm plan was made
    for, so the full checks run again (and refuse a layout TensorRT cannot read)."""
    memory = np.arange(6, dtype=np.float32)
    dense = _Interface(memory, (2, 3), None)
    strided = _Interface(memory, (2, 3), (4, 8))  # column-major over the same bytes
    with tc.Runner(build_engine(STATIC, "10"), backend=host) as run:
        expected = memory.reshape(2, 3) * 2
        np.testing.assert_array_equal(run.infer({"x": dense})["y"], expected)
        np.testing.assert_array_equal(run.infer({"x": dense})["y"], expected)  # warm
        with pytest.raises(tc.LayoutError, match="not C-contiguous"):
            run.infer({"x": strided})
        memory[:] = 1.0  # the input is read where it lies, on every call
        np.testing.assert_array_equal(run.infer({"x": dense})["y"], np.full((2, 3), 2.0))


def test_do_inference_keeps_nothing_of_buffers_once_they_are_dropped(host: Any) -> None:
    """The per-bindings plan of static buffers goes with the bindings list: the buffer records
    it holds are freed once the caller drops theirs."""
    import gc
    import weakref

    _, context, buffers = _doubling_buffers(STATIC, host)
    inputs, outputs, bindings, stream = buffers
    inputs[0].host[...] = 1.0
    for _ in range(2):  # the second call is served from the plan
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, np.full((2, 3), 2.0, np.float32))
    records = [weakref.ref(m) for m in (*inputs, *outputs)]
    buffers.close()
    del inputs, outputs, bindings, buffers, y
    gc.collect()
    assert [r() for r in records] == [None, None]


def test_do_inference_on_closed_buffers_is_refused_not_served_from_its_plan(host: Any) -> None:
    _, context, buffers = _doubling_buffers(STATIC, host)
    inputs, outputs, bindings, stream = buffers
    tc.do_inference(context, bindings, inputs, outputs, stream)
    tc.do_inference(context, bindings, inputs, outputs, stream)
    buffers.close()  # zeroes the bindings and frees the memory the plan would copy
    with pytest.raises(tc.TrtCompatError):
        tc.do_inference(context, bindings, inputs, outputs, stream)


def test_do_inference_follows_a_replaced_buffer_record(host: Any) -> None:
    """Growing a tensor replaces its record (and memory): lists holding the new record are
    a new plan, so the copies go to the new memory."""
    engine = build_engine(STATIC, "10")
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        inputs[0].host[...] = 1.0
        tc.do_inference(context, bindings, inputs, outputs, stream)
        grown = buffers.ensure_nbytes("y", 4096)  # more than it holds: new memory
        assert grown is not outputs[0]
        (y,) = tc.do_inference(context, bindings, inputs, [grown], stream)
        assert y is grown.host
        np.testing.assert_array_equal(y.reshape(-1)[:6], np.full(6, 2.0, np.float32))


@pytest.mark.parametrize(
    ("name", "kind"), [("y", "an output"), ("z", "not a tensor of this engine")]
)
def test_a_warm_runner_refuses_a_feed_of_the_right_size_but_other_names(
    host: Any, name: str, kind: str
) -> None:
    """The warm path counts names and finds each input; one of the right count that names
    something else gets the same typed error as on a cold Runner."""
    with tc.Runner(build_engine(STATIC, "10"), backend=host) as run:
        x = np.ones((2, 3), np.float32)
        run.infer({"x": x})
        with pytest.raises(tc.UnknownTensorError, match=rf"^Input '{name}' is {kind}\."):
            run.infer({name: x})
        np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)


def test_host_stream_ops_refuse_a_graph_launch(host: Any) -> None:
    stream = host.create_stream()
    try:
        with pytest.raises(BackendError, match="cannot launch CUDA graphs"):
            host.stream_ops(stream).launch_graph(1)
    finally:
        host.destroy_stream(stream)


def _execute_frames(fn: Any) -> list[str]:
    """The functions of runtime/execute.py one call of ``fn`` enters, in order."""
    return frames_in({EXECUTE_FILE}, fn)


def test_a_warm_do_inference_enters_only_the_trips_run_and_a_changed_call_rebuilds(
    host: Any,
) -> None:
    # The reuse test is written out in do_inference: its warm call's one frame of ours is the
    # kept trip's run (the GPU suite's do_inference row). Anything the trip was built for that
    # differs (stream, an input or output buffer, an address) builds it anew.
    _, context, buffers = _doubling_buffers(STATIC, host)
    other_stream = host.create_stream()
    with buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 1.0

        def run(stream: int = stream, inputs: Any = (x,), outputs: Any = (y,)) -> Any:
            return tc.do_inference(context, bindings, list(inputs), list(outputs), stream)

        run()
        assert _execute_frames(run) == ["do_inference", "run"]  # equal lists match
        assert "_run_cold" in _execute_frames(lambda: run(stream=other_stream))
        assert "_run_cold" in _execute_frames(run)  # back on the first stream: built anew
        assert _execute_frames(run) == ["do_inference", "run"]
        assert "_run_cold" in _execute_frames(lambda: run(inputs=(y,)))
        run()
        assert "_run_cold" in _execute_frames(lambda: run(outputs=(x,)))
        run()
        bindings[1] = bindings[1]  # the same address: still the kept trip
        assert _execute_frames(run) == ["do_inference", "run"]
    host.destroy_stream(other_stream)
