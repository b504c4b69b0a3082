"""TensorRT ``DataType`` -> numpy dtype, and byte sizes of tensors.

Never routes through ``trt.nptype``: it raises for BF16/FP8/INT4/FP4/E8M0, and on 8.0-8.4 with
NumPy 1.24-1.26 it raises for every type (``shared/TRT_API.md`` §2.5). DataTypes are looked up
by member *name*, so the lean, dispatch and full modules (distinct pybind types) and the fakes
all map the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ml_dtypes
import numpy as np

__all__ = [
    "DTYPES",
    "bits_of",
    "dtype_name",
    "numpy_dtype",
    "trt_name_for",
    "volume",
]

#: DataType member name -> (numpy dtype, bits per element). The numpy dtype of the sub-byte
#: types (INT4, FP4) is ml_dtypes' one-element-per-byte type; buffers pack two per byte.
DTYPES: dict[str, tuple[np.dtype[Any], int]] = {
    "FLOAT": (np.dtype(np.float32), 32),
    "HALF": (np.dtype(np.float16), 16),
    "INT8": (np.dtype(np.int8), 8),
    "INT32": (np.dtype(np.int32), 32),
    "BOOL": (np.dtype(np.bool_), 8),
    "UINT8": (np.dtype(np.uint8), 8),
    "FP8": (np.dtype(ml_dtypes.float8_e4m3fn), 8),
    "BF16": (np.dtype(ml_dtypes.bfloat16), 16),
    "INT64": (np.dtype(np.int64), 64),
    "INT4": (np.dtype(ml_dtypes.int4), 4),
    "FP4": (np.dtype(ml_dtypes.float4_e2m1fn), 4),
    "E8M0": (np.dtype(ml_dtypes.float8_e8m0fnu), 8),
}

_BY_NUMPY: dict[np.dtype[Any], str] = {dtype: name for name, (dtype, _) in DTYPES.items()}


def dtype_name(trt_dtype: Any) -> str:
    """The member name of a TensorRT ``DataType`` value (``DataType.HALF`` -> ``"HALF"``)."""
    name = getattr(trt_dtype, "name", None)
    if not isinstance(name, str):
        # Old pybind11 enums expose the name only through str(): "DataType.HALF".
        name = str(trt_dtype).rsplit(".", 1)[-1]
    return name


def numpy_dtype(trt_dtype: Any) -> np.dtype[Any]:
    """The numpy dtype for a TensorRT ``DataType`` value.

    Raises:
        TypeError: a DataType this trtcompat does not know (a TensorRT newer than it).

    >>> numpy_dtype("BF16")
    dtype(bfloat16)
    """
    name = trt_dtype if isinstance(trt_dtype, str) else dtype_name(trt_dtype)
    try:
        return DTYPES[name][0]
    except KeyError:
        known = ", ".join(DTYPES)
        raise TypeError(f"Unknown TensorRT DataType {name!r}. Known: {known}.") from None


def bits_of(name: str) -> int:
    """Bits per element of a DataType name (4 for INT4 and FP4)."""
    return DTYPES[name][1]


def trt_name_for(dtype: Any) -> str:
    """The DataType name for a numpy dtype (or anything ``np.dtype`` accepts).

    >>> trt_name_for("float16")
    'HALF'
    """
    try:
        return _BY_NUMPY[np.dtype(dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"No TensorRT DataType for numpy dtype {dtype!r}.") from None


def volume(shape: Sequence[int]) -> int:
    """The element count of a concrete shape.

    Raises:
        ValueError: the shape holds a dynamic (negative) dimension; unlike ``trt.volume``,
            which then silently returns a negative number.
    """
    if any(d < 0 for d in shape):
        raise ValueError(
            f"Shape {tuple(shape)} holds a dynamic dimension (-1); give a concrete shape."
        )
    return math.prod(shape)


def __dir__() -> list[str]:
    return __all__
