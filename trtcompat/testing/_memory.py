"""Views of raw process memory as numpy arrays: how a fake engine reads and writes the
addresses it is bound to, so a wrong binding gives a wrong answer."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..runtime._hostmem import host_array

__all__ = ["view"]


def view(address: int, shape: tuple[int, ...], dtype: np.dtype[Any], bits: int) -> NDArray[Any]:
    """A writable array over ``address`` (sub-byte types: the packed bytes, as uint8)."""
    count = math.prod(shape)
    if count == 0:
        return np.empty(shape, dtype=dtype)
    nbytes = -(-count * bits // 8)
    return host_array(address, nbytes, dtype, shape, bits)
