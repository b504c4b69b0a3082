"""The CUDA driver (``libcuda``) read through ctypes, creating no context (``cuInit`` only).

``trtcompat doctor`` lists the GPUs from it and :func:`trtcompat.build_target` keys plans on
the GPU a build runs on; both ask here, so the library names, the attribute numbers and the
calls are written once. No memory backend is needed: a machine with only TensorRT and a
driver still gets an answer.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CudaDevice", "current_device", "device_count", "devices", "driver_version", "open_driver",
]

_LIBRARIES = ("libcuda.so.1", "libcuda.so", "nvcuda.dll")
# CUdevice_attribute values (cuda.h): compute capability major / minor.
_CC_MAJOR, _CC_MINOR = 75, 76
_SUCCESS = 0


@dataclass(frozen=True)
class CudaDevice:
    """One GPU as the driver describes it.

    Attributes:
        index: Its ordinal (``CUDA_VISIBLE_DEVICES`` applied).
        name: ``"NVIDIA H100 80GB HBM3"``.
        compute_capability: ``"9.0"``.
        memory_bytes: Its total memory.
    """

    index: int
    name: str
    compute_capability: str
    memory_bytes: int


def open_driver() -> tuple[Any, str | None]:
    """``(library, None)`` with ``cuInit`` done, or ``(None, why not)``: no driver library
    (the first loader error), or ``cuInit``'s error code (no device, driver too old)."""
    first = ""
    for name in _LIBRARIES:
        try:
            lib = ctypes.CDLL(name)
        except OSError as err:
            first = first or str(err)
            continue
        status = lib.cuInit(0)
        if status != _SUCCESS:
            return None, f"cuInit failed with CUDA error {status}"
        return lib, None
    return None, f"no CUDA driver library ({first})"


def driver_version(lib: Any) -> str | None:
    """The CUDA version the driver supports (``"12.8"``), or None where it does not say."""
    version = ctypes.c_int()
    if lib.cuDriverGetVersion(ctypes.pointer(version)) != _SUCCESS:
        return None
    return f"{version.value // 1000}.{version.value % 1000 // 10}"


def device_count(lib: Any) -> int:
    """How many devices the driver sees (0 where it cannot say)."""
    count = ctypes.c_int()
    return count.value if lib.cuDeviceGetCount(ctypes.pointer(count)) == _SUCCESS else 0


def devices(lib: Any) -> list[CudaDevice]:
    """Every device the driver sees and can describe, in ordinal order."""
    described = (_describe(lib, index) for index in range(device_count(lib)))
    return [device for device in described if device is not None]


def current_device(lib: Any) -> CudaDevice | None:
    """The device work on the calling thread goes to: the current context's where one is
    current, else device 0 (what the runtime API makes current first); None where the
    driver cannot describe it. TensorRT builds there."""
    context, device = ctypes.c_void_p(), ctypes.c_int(0)
    if (
        lib.cuCtxGetCurrent(ctypes.pointer(context)) == _SUCCESS
        and context.value
        and lib.cuCtxGetDevice(ctypes.pointer(device)) == _SUCCESS
    ):
        # A CUdevice is an int; the driver's are the ordinals, so it also names the index.
        return _describe(lib, device.value, device)
    return _describe(lib, 0)


def _describe(lib: Any, index: int, device: ctypes.c_int | None = None) -> CudaDevice | None:
    """The device of ordinal ``index`` (its handle ``device`` where already known)."""
    major, minor = ctypes.c_int(), ctypes.c_int()
    name, memory = ctypes.create_string_buffer(256), ctypes.c_size_t()
    if device is None:
        device = ctypes.c_int()
        if lib.cuDeviceGet(ctypes.pointer(device), index) != _SUCCESS:
            return None
    if (
        lib.cuDeviceGetName(name, len(name), device) != _SUCCESS
        or lib.cuDeviceGetAttribute(ctypes.pointer(major), _CC_MAJOR, device) != _SUCCESS
        or lib.cuDeviceGetAttribute(ctypes.pointer(minor), _CC_MINOR, device) != _SUCCESS
        or lib.cuDeviceTotalMem_v2(ctypes.pointer(memory), device) != _SUCCESS
    ):
        return None
    return CudaDevice(
        index, name.value.decode(errors="replace"), f"{major.value}.{minor.value}", memory.value
    )
