"""The hot path's caches (issue 13) keep every check and every rebinding a call needs.

Each cache here skips work that a repeated call would redo identically; these tests change
the one thing each cache depends on between two calls and check that the change is seen.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, STATIC

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.errors import BackendError
from trtcompat.testing import build_engine


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
        real = context.set_tensor_address

        def counting(name: str, address: int) -> bool:
            calls.append(name)
            return bool(real(name, address))

        monkeypatch.setattr(context, "set_tensor_address", counting)
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
