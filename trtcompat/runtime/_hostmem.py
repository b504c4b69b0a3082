"""Numpy views of raw process memory: pinned host buffers, and what the fakes read and write."""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

__all__ = ["host_array"]


def host_array(
    address: int, nbytes: int, dtype: np.dtype[Any], shape: tuple[int, ...], bits: int
) -> np.ndarray[Any, np.dtype[Any]]:
    """A writable view of ``nbytes`` at ``address`` shaped ``shape``.

    Sub-byte types (int4, fp4) come back as their packed bytes (uint8, ``nbytes`` long),
    since numpy has no 4-bit storage.
    """
    raw = memoryview((ctypes.c_char * max(nbytes, 1)).from_address(address)).cast("B")
    if bits < 8:
        return np.frombuffer(raw, dtype=np.uint8, count=nbytes)
    count = 1
    for d in shape:
        count *= d
    return np.frombuffer(raw, dtype=dtype, count=count).reshape(shape)
