"""Runtime behaviour that only mutation testing showed unpinned (issue 15, ``nox -s mutants``).

Buffers' lifecycle (close when a free fails, what a closed Buffers still shows, growth), host
tensors, and the messages of a feed that fits no profile or is not a mapping.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat.testing import build_plan


def _engine(spec: Any, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


class _FailingFrees:
    """The host backend, except that device frees fail (as after a sticky CUDA error)."""

    def __init__(self, inner: Any) -> None:
        # The inner backend's members as instance attributes, not through __getattr__: from
        # Python 3.12 a runtime-checkable Protocol looks members up statically.
        for name in dir(inner):
            if not name.startswith("_") and name != "free":
                setattr(self, name, getattr(inner, name))
        self.inner = inner
        self.failed: list[int] = []

    def free(self, ptr: int) -> None:
        self.failed.append(ptr)
        self.inner.free(ptr)  # the memory goes back; the call still reports a failure
        raise tc.BackendError(f"free({ptr:#x}) failed")


def test_close_keeps_freeing_and_raises_the_first_failure(era: str, host: Any) -> None:
    backend = _FailingFrees(host)
    buffers = tc.allocate_buffers(_engine(STATIC, era), backend=backend)
    devices = [buffers[name].device for name in ("x", "y")]
    with pytest.raises(tc.BackendError, match=re.escape(f"free({devices[0]:#x}) failed")):
        buffers.close()
    assert backend.failed == devices  # the second free was still tried
    assert buffers.closed is True  # host fixture: nothing leaked, host sides freed too


def test_closed_buffers_keep_no_addresses(era: str, host: Any) -> None:
    buffers = tc.allocate_buffers(_engine(STATIC, era), backend=host)
    assert buffers.closed is False
    assert "2 tensors" in repr(buffers)
    assert buffers.bound("x") == buffers["x"].device != 0
    buffers.close()
    assert buffers.closed is True
    assert "closed" in repr(buffers) and "tensors" not in repr(buffers)
    assert [buffers.bound("x"), buffers.bound("y")] == [0, 0]
    assert all(slot == 0 for slot in buffers.bindings)
    assert buffers.bindings.names == ("x", "y")


def test_growing_a_buffer_counts_a_move(era: str, host: Any) -> None:
    with tc.allocate_buffers(_engine(DYNAMIC, era), backend=host, shapes={"x": (1, 3),
                                                                          "y": (1, 3)}) as buffers:
        assert buffers.moves == 0
        buffers.ensure("x", (1, 3))  # fits: nothing moves
        assert buffers.moves == 0
        grown = buffers.ensure("x", (8, 3))
        assert buffers.moves == 1 and grown.nbytes >= 8 * 3 * 4
        assert buffers.bound("x") == grown.device
        buffers.ensure("y", (8, 3))
        assert buffers.moves == 2


def test_a_feed_outside_every_profile_lists_the_ranges(era: str, host: Any) -> None:
    message = (
        "No optimization profile holds the input shapes 'x' (20, 4), 'bias' (4,). The profiles: "
        "profile 0: 'x' (1, 4)..(4, 4), 'bias' (4,)..(4,); "
        "profile 1: 'x' (5, 4)..(16, 4), 'bias' (4,)..(4,). "
        "Feed shapes inside one of these ranges, or rebuild the engine with a profile for them."
    )
    feed = {"x": np.ones((20, 4), np.float32), "bias": np.ones(4, np.float32)}
    runner = tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile="auto")
    with runner, pytest.raises(tc.ProfileError, match=f"^{re.escape(message)}$"):
        runner.infer(feed)


def test_a_feed_that_is_not_a_mapping_names_its_type(era: str, host: Any) -> None:
    message = (
        "feed must be a mapping of input name to array (e.g. {'x': array}); got list."
    )
    runner = tc.Runner(_engine(STATIC, era), backend=host)
    with runner, pytest.raises(tc.DTypeError, match=f"^{re.escape(message)}$"):
        runner.infer([np.ones((2, 3), np.float32)])  # type: ignore[arg-type]


def test_host_buffers_write_and_read_back(era: str, host: Any) -> None:
    with tc.allocate_buffers(_engine(DYNAMIC, era), backend=host,
                             shapes={"x": (4, 3), "y": (4, 3)}) as buffers:
        x = buffers["x"]
        x.write(np.arange(6, dtype=np.float32).reshape(2, 3))  # fewer rows than allocated
        np.testing.assert_array_equal(x.read((2, 3)), np.arange(6, dtype=np.float32).reshape(2, 3))
        assert x.read().shape == (4, 3)
        copy = x.read((1, 3))
        copy[:] = -1  # a copy: the buffer keeps its contents
        np.testing.assert_array_equal(x.read((1, 3)), [[0, 1, 2]])


def test_host_buffers_refuse_other_dtypes_and_larger_arrays(era: str, host: Any) -> None:
    with tc.allocate_buffers(_engine(DYNAMIC, era), backend=host,
                             shapes={"x": (2, 3), "y": (2, 3)}) as buffers:
        x = buffers["x"]
        wrong = "Tensor 'x' holds float32; got float64. Convert with .astype('float32')."
        with pytest.raises(tc.DTypeError, match=f"^{re.escape(wrong)}$"):
            x.write(np.zeros((2, 3)))
        big = ("Tensor 'x': shape (3, 3) needs 36 bytes; its buffer holds 24 (sized for (2, 3))."
               " Allocate with shapes=... .")
        with pytest.raises(tc.ShapeError, match=f"^{re.escape(big)}$"):
            x.write(np.zeros((3, 3), np.float32))
        with pytest.raises(tc.ShapeError, match=f"^{re.escape(big)}$"):
            x.read((3, 3))
