"""The GPUs the CUDA driver sees, read from ``libcuda`` itself (no CUDA library or array
package needed): names, compute capabilities, memory and the driver version.

``trtcompat doctor`` prints them; :class:`trtcompat.PlanStore` keys plans by the compute
capability.
"""

from __future__ import annotations

import ctypes
import functools
import re
from typing import Any

__all__ = ["compute_capability", "gpu_report"]

# CUdevice_attribute values (cuda.h): compute capability major / minor.
_CC_MAJOR, _CC_MINOR = 75, 76
_LIBCUDA = ("libcuda.so.1", "libcuda.so", "nvcuda.dll")
_KERNEL_DRIVER = "/proc/driver/nvidia/version"


def _load_libcuda() -> tuple[Any, str | None]:
    first = ""
    for name in _LIBCUDA:
        try:
            return ctypes.CDLL(name), None
        except OSError as err:
            first = first or str(err)
    return None, first


def _kernel_driver() -> str | None:
    # "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.15  ..." and, for the open
    # modules, "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  ...":
    # the version is the first dotted number on the line.
    try:
        with open(_KERNEL_DRIVER) as handle:
            found = re.search(r"\b\d+\.\d+(?:\.\d+)?\b", handle.readline())
    except OSError:
        return None
    return found.group(0) if found else None


def gpu_report() -> dict[str, Any]:
    """The GPUs the CUDA driver sees: ``driver`` (kernel module version or null),
    ``cuda_driver`` (the CUDA version the driver supports, ``"12.8"``), ``devices`` (each
    with ``index``, ``name``, ``compute_capability`` and ``memory_bytes``), and ``error``
    (why none could be listed, or null). Creates no CUDA context (``cuInit`` only)."""
    report: dict[str, Any] = {
        "driver": _kernel_driver(),
        "cuda_driver": None,
        "devices": [],
        "error": None,
    }
    lib, error = _load_libcuda()
    if lib is None:
        report["error"] = f"no CUDA driver library ({error})"
        return report
    status = lib.cuInit(0)
    if status != 0:
        report["error"] = f"cuInit failed with CUDA error {status}"
        return report
    version, count = ctypes.c_int(), ctypes.c_int()
    if lib.cuDriverGetVersion(ctypes.byref(version)) == 0:
        report["cuda_driver"] = f"{version.value // 1000}.{version.value % 1000 // 10}"
    lib.cuDeviceGetCount(ctypes.byref(count))
    for index in range(count.value):
        device, major, minor = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        name, memory = ctypes.create_string_buffer(256), ctypes.c_size_t()
        lib.cuDeviceGet(ctypes.byref(device), index)
        lib.cuDeviceGetName(name, len(name), device)
        lib.cuDeviceGetAttribute(ctypes.byref(major), _CC_MAJOR, device)
        lib.cuDeviceGetAttribute(ctypes.byref(minor), _CC_MINOR, device)
        lib.cuDeviceTotalMem_v2(ctypes.byref(memory), device)
        report["devices"].append(
            {
                "index": index,
                "name": name.value.decode(errors="replace"),
                "compute_capability": f"{major.value}.{minor.value}",
                "memory_bytes": memory.value,
            }
        )
    if not report["devices"]:
        report["error"] = "the CUDA driver sees no device"
    return report


@functools.lru_cache(maxsize=None)
def compute_capability(index: int = 0) -> str | None:
    """``"major.minor"`` of CUDA device ``index`` (as the driver numbers them, after
    ``CUDA_VISIBLE_DEVICES``), or ``None`` when the driver sees no such device. Asked once
    per process (``cuInit`` costs tens of milliseconds)."""
    devices = gpu_report()["devices"]
    if index < len(devices):
        found: str = devices[index]["compute_capability"]
        return found
    return None


def __dir__() -> list[str]:
    return __all__
