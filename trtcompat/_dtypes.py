"""TensorRT ``DataType`` -> numpy dtype, and byte sizes of tensors.

Never routes through ``trt.nptype``: it raises for BF16/FP8/INT4/FP4/E8M0, and on 8.0-8.4 with
NumPy 1.24-1.26 it raises for every type (docs/TRT_API.md, "DataType and numpy"). DataTypes
are looked up by member *name*, so the lean, dispatch and full modules (distinct pybind types)
and the fakes all map the same way.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .errors import DTypeError

__all__ = [
    "BITS",
    "ML_DTYPES",
    "bits_of",
    "enum_name",
    "numpy_dtype",
    "trt_name_for",
]

#: DataType member name -> bits per element. Sub-byte types (INT4, FP4) pack two per byte.
BITS: dict[str, int] = {
    "FLOAT": 32,
    "HALF": 16,
    "INT8": 8,
    "INT32": 32,
    "BOOL": 8,
    "UINT8": 8,
    "FP8": 8,
    "BF16": 16,
    "INT64": 64,
    "INT4": 4,
    "FP4": 4,
    "E8M0": 8,
}

_NUMPY: dict[str, np.dtype[Any]] = {
    "FLOAT": np.dtype(np.float32),
    "HALF": np.dtype(np.float16),
    "INT8": np.dtype(np.int8),
    "INT32": np.dtype(np.int32),
    "BOOL": np.dtype(np.bool_),
    "UINT8": np.dtype(np.uint8),
    "INT64": np.dtype(np.int64),
}

#: DataType name -> (ml_dtypes type name, the ml_dtypes release that added it). ml_dtypes is
#: imported only when one of these is asked for: it costs most of ``import trtcompat``'s time,
#: and 0.2.0 (the last release with Python 3.8 wheels) lacks FP4 and E8M0.
ML_DTYPES: dict[str, tuple[str, str]] = {
    "FP8": ("float8_e4m3fn", "0.2.0"),
    "BF16": ("bfloat16", "0.2.0"),
    "INT4": ("int4", "0.2.0"),
    "FP4": ("float4_e2m1fn", "0.5.0"),
    "E8M0": ("float8_e8m0fnu", "0.5.0"),
}

_BY_NUMPY: dict[np.dtype[Any], str] = {dtype: name for name, dtype in _NUMPY.items()}


def _ml_dtype(name: str) -> np.dtype[Any] | None:
    """The ml_dtypes dtype of DataType ``name``, or None where this ml_dtypes lacks it."""
    import ml_dtypes

    kind = getattr(ml_dtypes, ML_DTYPES[name][0], None)
    if kind is None:
        return None
    dtype: np.dtype[Any] = np.dtype(kind)
    _BY_NUMPY.setdefault(dtype, name)
    return dtype


def enum_name(value: Any) -> str:
    """The member name of a TensorRT enum value (``DataType.HALF`` -> ``"HALF"``,
    ``TensorFormat.LINEAR`` -> ``"LINEAR"``); equal across the full, lean and dispatch
    modules and the fakes, whose enum types differ."""
    name = getattr(value, "name", None)
    if not isinstance(name, str):
        # Old pybind11 enums expose the name only through str(): "DataType.HALF".
        name = str(value).rsplit(".", 1)[-1]
    return name


def numpy_dtype(trt_dtype: Any) -> np.dtype[Any]:
    """The numpy dtype for a TensorRT ``DataType`` value (or its member name).

    Raises:
        DTypeError: a DataType trtcompat does not know (a TensorRT newer than it), or one the
            installed ml_dtypes lacks (FP4 and E8M0 need ml_dtypes 0.5).

    >>> numpy_dtype("BF16")
    dtype(bfloat16)
    """
    name = trt_dtype if isinstance(trt_dtype, str) else enum_name(trt_dtype)
    dtype = _NUMPY.get(name)
    if dtype is not None:
        return dtype
    if name not in ML_DTYPES:
        known = ", ".join(BITS)
        raise DTypeError(f"Unknown TensorRT DataType {name!r}. Known: {known}.")
    dtype = _ml_dtype(name)
    if dtype is None:
        import ml_dtypes

        kind, since = ML_DTYPES[name]
        raise DTypeError(
            f"TensorRT DataType {name} maps to ml_dtypes.{kind}, which ml_dtypes "
            f"{ml_dtypes.__version__} lacks; install ml_dtypes>={since} (it needs Python 3.9+)."
        )
    _NUMPY[name] = dtype  # the next call needs no import check
    return dtype


def bits_of(name: str) -> int:
    """Bits per element of a DataType name (4 for INT4 and FP4)."""
    return BITS[name]


def trt_name_for(dtype: Any) -> str:
    """The DataType name for a numpy dtype (or anything ``np.dtype`` accepts).

    Raises:
        DTypeError: no TensorRT DataType has that dtype.

    >>> trt_name_for("float16")
    'HALF'
    """
    try:
        key = np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"No TensorRT DataType for numpy dtype {dtype!r}.") from None
    name = _BY_NUMPY.get(key)
    if name is None and "ml_dtypes" in sys.modules:
        for candidate in ML_DTYPES:  # an ml_dtypes array: ml_dtypes is imported already
            if _ml_dtype(candidate) == key:
                name = candidate
    if name is None:
        raise DTypeError(f"No TensorRT DataType for numpy dtype {dtype!r}.")
    return name
