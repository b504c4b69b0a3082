"""Recognizing device arrays (torch tensors, ``__cuda_array_interface__``) without importing
their libraries, with the reader chosen once per type, not per call."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional

import numpy as np

__all__ = ["DeviceArrayInfo", "device_array_info", "fingerprint_for", "reader_for"]


class DeviceArrayInfo(NamedTuple):
    """What trtcompat needs of a device array: its pointer, shape, dtype and layout."""

    pointer: int
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    contiguous: bool
    device: int | None


Reader = Callable[[Any], Optional[DeviceArrayInfo]]
#: A device array's identity for the hot path: equal fingerprints (of one type) mean the same
#: pointer (hence device), shape, dtype and strides, so the checks made on its first use
#: still hold.
Fingerprint = Callable[[Any], Any]


def _c_strides(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    strides, step = [], itemsize
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


#: torch dtype -> numpy dtype, filled as dtypes are met (torch is never imported here).
_TORCH_DTYPES: dict[Any, np.dtype[Any]] = {}


def _torch_dtype(dtype: Any) -> np.dtype[Any]:
    found = _TORCH_DTYPES.get(dtype)
    if found is None:
        name = str(dtype).split(".", 1)[-1]  # "torch.float16" -> "float16"
        if name == "bfloat16":
            import ml_dtypes

            found = np.dtype(ml_dtypes.bfloat16)
        else:
            aliases = {"bool": "bool", "half": "float16", "float": "float32"}
            found = np.dtype(aliases.get(name, name))
        _TORCH_DTYPES[dtype] = found
    return found


def _torch_info(obj: Any) -> DeviceArrayInfo | None:
    # torch tensors expose __cuda_array_interface__ too, but it refuses tensors that require
    # grad and bfloat16; reading the tensor's own fields avoids both.
    if not obj.is_cuda:
        return None
    return DeviceArrayInfo(
        obj.data_ptr(),
        tuple(obj.shape),
        _torch_dtype(obj.dtype),
        obj.is_contiguous(),
        obj.device.index,
    )


def _cupy_info(obj: Any) -> DeviceArrayInfo | None:
    # CuPy builds __cuda_array_interface__ afresh on every access (a dict with strides and the
    # current stream: several µs); its own fields are plain attribute reads.
    return DeviceArrayInfo(
        obj.data.ptr, obj.shape, obj.dtype, obj.flags.c_contiguous, obj.device.id
    )


def _cai_info(obj: Any) -> DeviceArrayInfo | None:
    cai = getattr(obj, "__cuda_array_interface__", None)
    if cai is None:
        return None
    shape = tuple(int(d) for d in cai["shape"])
    dtype = np.dtype(cai["typestr"])
    strides = cai.get("strides")
    contiguous = strides is None or tuple(strides) == _c_strides(shape, dtype.itemsize)
    device = getattr(getattr(obj, "device", None), "id", None)
    return DeviceArrayInfo(int(cai["data"][0]), shape, dtype, contiguous, device)


def _not_device(obj: Any) -> None:
    del obj
    return None


#: One reader per type, chosen the first time the type is seen.
_READERS: dict[type, Reader] = {np.ndarray: _not_device}


def reader_for(cls: type) -> Reader:
    """The function that reads device-array facts from instances of ``cls``."""
    reader = _READERS.get(cls)
    if reader is None:
        package = cls.__module__.partition(".")[0]
        if package == "torch" and hasattr(cls, "data_ptr"):
            reader = _torch_info
        elif package == "cupy" and all(hasattr(cls, a) for a in ("data", "flags", "device")):
            reader = _cupy_info
        elif hasattr(cls, "__cuda_array_interface__"):
            reader = _cai_info
        elif issubclass(cls, np.ndarray):
            reader = _not_device
        else:
            reader = _cai_info  # an instance attribute may still hold the interface
        _READERS[cls] = reader
    return reader


# No device in a fingerprint: under CUDA's unified addressing (every 64-bit platform CUDA
# supports) a device pointer lies in one device's address range, so an equal pointer means
# the device the plan checked. torch's get_device() would cost as much as data_ptr().


def _torch_fingerprint(obj: Any) -> Any:
    return obj.data_ptr(), obj.shape, obj.dtype, obj.stride()


def _cupy_fingerprint(obj: Any) -> Any:
    return obj.data.ptr, obj.shape, obj.dtype, obj.strides


def _cai_fingerprint(obj: Any) -> Any:
    cai = obj.__cuda_array_interface__
    return cai["data"][0], tuple(cai["shape"]), cai["typestr"], cai.get("strides")


_FINGERPRINTS: dict[Reader, Fingerprint] = {
    _torch_info: _torch_fingerprint,
    _cupy_info: _cupy_fingerprint,
    _cai_info: _cai_fingerprint,
}


def fingerprint_for(cls: type) -> Fingerprint:
    """The cheap per-call identity of device arrays of ``cls`` (a few field reads, no
    :class:`DeviceArrayInfo`): a plan made for one array recognizes it, or an equal one,
    without reading every fact again. Only for types :func:`reader_for` reads as device
    arrays."""
    return _FINGERPRINTS[reader_for(cls)]


def device_array_info(obj: Any) -> DeviceArrayInfo | None:
    """The device-array facts of ``obj``, or None when it is not a device array."""
    return reader_for(type(obj))(obj)
