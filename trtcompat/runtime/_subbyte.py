"""Sub-byte tensors (INT4, FP4) on the host: TensorRT's packed bytes <-> ml_dtypes arrays.

The host representation is TensorRT's own layout: the tensor's elements in C order, two per
byte, the even-indexed element in the 4 least significant bits and the odd-indexed one in the
4 most significant bits; an odd element count leaves the last byte's high nibble zero. See
docs/SUBBYTE.md, which cites NVIDIA's statement of that layout.

What the runtime accepts for an INT4 / FP4 tensor from numpy:

- an array of the tensor's ml_dtypes type (``ml_dtypes.int4``, ``float4_e2m1fn``) of the
  logical shape, packed here;
- a ``uint8`` array that already holds the packed bytes, shaped like the logical shape with
  its last dimension halved: ``(..., n // 2)`` stands for ``(..., n)``. A logical shape whose
  last dimension is odd has no such form; feed the ml_dtypes array.

Outputs come back unpacked, as ml_dtypes arrays of the logical shape. Packing and unpacking
are whole-array numpy operations (masks, shifts and strided slices), never a per-element loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import DTypeError, ShapeError
from ..iotensor import IOTensor

__all__ = ["fed_shape", "is_packed", "pack", "pack_into", "packed_form", "unpack"]

_U8 = np.dtype(np.uint8)


def is_packed(tensor: IOTensor) -> bool:
    """Whether the tensor's host bytes are packed (fewer than 8 bits per element)."""
    return tensor.bits_per_element < 8


def _nibbles(values: NDArray[Any]) -> NDArray[Any]:
    """The 4-bit codes of an ml_dtypes sub-byte array, one per uint8, C order, flat."""
    # ml_dtypes keeps one element per byte; releases differ on the high nibble (int4 is
    # sign-extended in some), so only the low 4 bits are taken.
    raw = np.ascontiguousarray(values).reshape(-1).view(np.uint8)
    return raw & np.uint8(0x0F)


def pack(values: NDArray[Any]) -> NDArray[Any]:
    """``values`` (an ml_dtypes INT4 / FP4 array) as TensorRT's packed bytes (flat uint8)."""
    codes = _nibbles(values)
    if codes.size % 2:
        codes = np.append(codes, np.uint8(0))
    packed: NDArray[Any] = codes[0::2] | (codes[1::2] << np.uint8(4))
    return packed


def pack_into(target: NDArray[Any], value: NDArray[Any]) -> None:
    """Writes ``value`` (ml_dtypes array or packed uint8, see the module doc) into ``target``,
    a flat uint8 view of a tensor's packed host memory."""
    data = value.reshape(-1) if value.dtype == _U8 else pack(value)
    target[: data.size] = data


def unpack(packed: NDArray[Any], shape: tuple[int, ...], dtype: np.dtype[Any]) -> NDArray[Any]:
    """TensorRT's packed bytes as a new ml_dtypes array of ``dtype`` and ``shape``."""
    count = 1
    for d in shape:
        count *= d
    data = np.asarray(packed, dtype=np.uint8).reshape(-1)[: -(-count // 2)]
    codes = np.empty(data.size * 2, dtype=np.uint8)
    codes[0::2] = data & np.uint8(0x0F)
    codes[1::2] = data >> np.uint8(4)
    codes = codes[:count]
    if dtype.kind in "iu":
        # int4: sign-extend the 4-bit two's complement code, then convert (not view: how
        # ml_dtypes stores the high nibble differs between releases).
        signed = (codes ^ np.uint8(8)).astype(np.int8) - np.int8(8)
        return signed.astype(dtype).reshape(shape)
    # float4 (ml_dtypes >= 0.5 only): the code is the whole storage byte.
    return codes.view(dtype).reshape(shape)


def fed_shape(tensor: IOTensor, value: NDArray[Any]) -> tuple[int, ...]:
    """The logical shape a numpy feed for a packed ``tensor`` stands for.

    Raises:
        DTypeError: neither the tensor's ml_dtypes type nor packed uint8.
    """
    if value.dtype == tensor.dtype:
        return tuple(value.shape)
    if value.dtype == _U8:
        if value.ndim == 0:
            raise ShapeError(
                f"Input {tensor.name!r} ({tensor.trt_dtype}) got a 0-d uint8 array; packed "
                "bytes need the logical shape with its last dimension halved."
            )
        return (*value.shape[:-1], value.shape[-1] * 2)
    raise DTypeError(
        f"Input {tensor.name!r} is {tensor.trt_dtype}: feed an array of {tensor.dtype} "
        f"(ml_dtypes, logical shape) or its packed bytes as uint8 of shape (..., n // 2) "
        f"for logical (..., n); got {value.dtype}. Convert with .astype({str(tensor.dtype)!r})."
    )


def packed_form(tensor: IOTensor, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The uint8 shape of ``shape``'s packed bytes: the last dimension halved.

    Raises:
        ShapeError: the last dimension is odd (that shape has no packed uint8 form).
    """
    if not shape or shape[-1] % 2:
        raise ShapeError(
            f"Tensor {tensor.name!r} ({tensor.trt_dtype}) shape {shape} has an odd last "
            "dimension, so its packed bytes have no (..., n // 2) uint8 form; use the "
            f"ml_dtypes array ({tensor.dtype}) instead."
        )
    return (*shape[:-1], shape[-1] // 2)
