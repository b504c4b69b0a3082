"""Views of raw process memory as numpy arrays: how a fake engine reads and writes the
addresses it is bound to, so a wrong binding gives a wrong answer."""

from __future__ import annotations

import ctypes
import math
from typing import Any

import numpy as np

__all__ = ["view"]


def view(address: int, shape: tuple[int, ...], dtype: np.dtype[Any], bits: int) -> np.ndarray:
    """A writable array over ``address`` (sub-byte types: the packed bytes, as uint8)."""
    count = math.prod(shape)
    if bits < 8:
        nbytes = -(-count * bits // 8)
        raw = (ctypes.c_char * nbytes).from_address(address)
        return np.frombuffer(raw, dtype=np.uint8)
    nbytes = count * dtype.itemsize
    if nbytes == 0:
        return np.empty(shape, dtype=dtype)
    raw = (ctypes.c_char * nbytes).from_address(address)
    return np.frombuffer(raw, dtype=dtype).reshape(shape)


def __dir__() -> list[str]:
    return __all__
