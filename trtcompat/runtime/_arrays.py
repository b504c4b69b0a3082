"""Recognizing device arrays (``__cuda_array_interface__``, DLPack) without importing their
libraries, and checking them before they are bound zero-copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._compat import DATACLASS_SLOTS

__all__ = ["DeviceArrayInfo", "device_array_info"]

_DLPACK_CUDA = (2, 3)  # kDLCUDA, kDLCUDAHost is not device memory but is addressable by CUDA


@dataclass(frozen=True, **DATACLASS_SLOTS)
class DeviceArrayInfo:
    """What trtcompat needs of a device array: its pointer, shape, dtype and layout."""

    pointer: int
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    contiguous: bool
    device: int | None


def _c_strides(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    strides, step = [], itemsize
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


def _torch_info(obj: Any) -> DeviceArrayInfo | None:
    # torch tensors expose __cuda_array_interface__ too, but it refuses tensors that require
    # grad and bfloat16; reading the tensor's own fields avoids both.
    if type(obj).__module__.split(".")[0] != "torch" or not getattr(obj, "is_cuda", False):
        return None
    import ml_dtypes

    name = str(obj.dtype).split(".", 1)[-1]  # "torch.float16" -> "float16"
    dtype = (
        np.dtype(ml_dtypes.bfloat16)
        if name == "bfloat16"
        else np.dtype({"bool": "bool", "half": "float16", "float": "float32"}.get(name, name))
    )
    return DeviceArrayInfo(
        int(obj.data_ptr()),
        tuple(obj.shape),
        dtype,
        bool(obj.is_contiguous()),
        int(obj.device.index),
    )


def device_array_info(obj: Any) -> DeviceArrayInfo | None:
    """The device-array facts of ``obj``, or None when it is not a device array."""
    if isinstance(obj, np.ndarray):
        return None
    info = _torch_info(obj)
    if info is not None:
        return info
    cai = getattr(obj, "__cuda_array_interface__", None)
    if cai is None:
        return None
    shape = tuple(int(d) for d in cai["shape"])
    dtype = np.dtype(cai["typestr"])
    strides = cai.get("strides")
    contiguous = strides is None or tuple(strides) == _c_strides(shape, dtype.itemsize)
    device = getattr(getattr(obj, "device", None), "id", None)
    return DeviceArrayInfo(int(cai["data"][0]), shape, dtype, contiguous, device)


def __dir__() -> list[str]:
    return __all__
