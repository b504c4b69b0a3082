"""The hot path's caches (issue 13) keep every check and every rebinding a call needs.

Each cache here skips work that a repeated call would redo identically; these tests change
the one thing each cache depends on between two calls and check that the change is seen.
"""

from __future__ import annotations

import ctypes
import numpy as np
import pytest

from trtcompat.backends import get_backend
from trtcompat.errors import BackendError


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
