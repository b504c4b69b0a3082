"""The PyCUDA backend: the device's primary context, never ``pycuda.autoinit``.

``autoinit`` creates a private context and makes it current in the importing thread only;
the primary context is the one the CUDA runtime (and so TensorRT, torch and cupy) uses, so
memory from here is valid in all of them. ``activate()`` pushes it in whichever thread calls.

PyCUDA allocates (``mem_alloc``, ``pagelocked_empty``) and creates streams. Copies, events,
stream synchronization and pointer queries go to the driver API directly (``libcuda``, which
PyCUDA itself links): PyCUDA's ``Event`` exposes no ``CUevent`` handle, and its copy functions
take only its own ``Stream`` objects, where the Protocol passes raw handles that may come from
any library.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from trtcompat.backends._common import (
    ActiveGuard,
    CudaArrayView,
    HandleTable,
    OwnerTable,
    check_device,
    check_nbytes,
    unavailable,
)
from trtcompat.errors import BackendError, BackendUnavailableError

try:
    import pycuda.driver as cuda
except Exception as _exc:  # ImportError, or libcuda missing under pycuda
    raise unavailable("pycuda", "pycuda", _exc) from _exc

__all__ = ["PyCudaBackend"]

_CU_EVENT_DISABLE_TIMING = 2
_CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL = 9

_P, _U64, _SZ = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_size_t
_UINT, _INT = ctypes.c_uint, ctypes.c_int
_SIGNATURES: dict[str, tuple[Any, ...]] = {
    "cuMemcpyHtoDAsync_v2": (_U64, _P, _SZ, _P),
    "cuMemcpyDtoHAsync_v2": (_P, _U64, _SZ, _P),
    "cuMemcpyDtoDAsync_v2": (_U64, _U64, _SZ, _P),
    "cuStreamSynchronize": (_P,),
    "cuEventCreate": (ctypes.POINTER(_P), _UINT),
    "cuEventRecord": (_P, _P),
    "cuEventSynchronize": (_P,),
    "cuEventDestroy_v2": (_P,),
    "cuPointerGetAttribute": (_P, _INT, _U64),
    "cuGetErrorName": (_INT, ctypes.POINTER(ctypes.c_char_p)),
}


class _LibCuda:
    """The few driver calls made directly, each checked: a non-zero CUresult raises."""

    def __init__(self) -> None:
        names = ("nvcuda.dll",) if sys.platform == "win32" else ("libcuda.so.1", "libcuda.so")
        lib = None
        for libname in names:
            try:
                lib = ctypes.CDLL(libname)
                break
            except OSError:
                continue
        if lib is None:
            raise BackendUnavailableError(f"backend 'pycuda' cannot load the CUDA driver {names}")
        for fname, argtypes in _SIGNATURES.items():
            fn = getattr(lib, fname)
            fn.argtypes, fn.restype = list(argtypes), ctypes.c_int
        self._lib = lib

    def __call__(self, fname: str, what: str | Callable[[], str], *args: Any) -> None:
        # ``what`` may be a callable: hot calls (copies, synchronize) format text only on error.
        result = getattr(self._lib, fname)(*args)
        if result:
            text = ctypes.c_char_p()
            self._lib.cuGetErrorName(result, ctypes.byref(text))
            name = (text.value or b"").decode() or f"CUresult {result}"
            detail = what() if callable(what) else what
            raise BackendError(f"{fname}{detail} failed: {name}")


class PyCudaBackend:
    """Device memory, pinned memory, copies, streams and events through PyCUDA.

    Attributes:
        name: Always ``"pycuda"``.
        device: The CUDA device index.
    """

    name: str = "pycuda"

    def __init__(self, device: int = 0) -> None:
        """Initializes the driver and retains the device's primary context.

        Raises:
            BackendUnavailableError: No usable driver or no GPU.
            DeviceError: ``device`` does not exist.
        """
        try:
            cuda.init()
            count = int(cuda.Device.count())
        except Exception as exc:  # pycuda.driver.Error: no driver, driver too old, ...
            raise BackendUnavailableError(f"backend 'pycuda' cannot use CUDA: {exc}") from exc
        check_device(self.name, device, count)
        self.device: int = device
        self._driver = _LibCuda()
        # Retained for the life of the process: the backend is cached and shared.
        self._context = cuda.Device(device).retain_primary_context()
        self._memory = OwnerTable()
        self._streams = HandleTable("stream")
        self._events = HandleTable("event")
        self._guard = ActiveGuard(self._enter_device, self._leave_device)

    def _enter_device(self) -> None:
        # The context stack is per thread, so every calling thread pushes for itself; nested
        # pushes of the same context are fine (push/pop stay balanced).
        self._context.push()

    def _leave_device(self, token: None) -> None:
        del token
        cuda.Context.pop()

    def activate(self) -> AbstractContextManager[None]:
        """Pushes the primary context in this thread; pops it on exit (re-entrant)."""
        return self._guard.activate()

    def _pushed(self) -> AbstractContextManager[None]:
        return self._guard.call_guard()

    def _call(self, op: str, fn: Any, *args: Any) -> Any:
        try:
            with self._pushed():
                return fn(*args)
        except cuda.Error as exc:
            raise BackendError(f"{op} failed: {exc}") from exc

    def malloc(self, nbytes: int) -> int:
        """``cuMemAlloc`` in the primary context; returns the device address."""
        size = check_nbytes(nbytes, "malloc")
        allocation = self._call(f"cuMemAlloc({size})", cuda.mem_alloc, size)
        ptr = int(allocation)
        self._memory.add(ptr, allocation, size, "device")
        return ptr

    def free(self, ptr: int) -> None:
        """``cuMemFree``; unknown and already-freed pointers raise BackendError."""
        allocation = self._memory.pop(ptr, "device", "free")
        self._call(f"cuMemFree(0x{ptr:x})", allocation.free)  # type: ignore[attr-defined]

    def malloc_host(self, nbytes: int) -> int:
        """``cuMemHostAlloc`` (page-locked) through ``pagelocked_empty``."""
        size = check_nbytes(nbytes, "malloc_host")
        array = self._call(f"cuMemHostAlloc({size})", cuda.pagelocked_empty, (size,), np.uint8)
        ptr = int(array.ctypes.data)
        self._memory.add(ptr, array, size, "host")
        return ptr

    def free_host(self, ptr: int) -> None:
        """``cuMemFreeHost``; unknown and already-freed pointers raise BackendError."""
        array = self._memory.pop(ptr, "host", "free_host")
        self._call(f"cuMemFreeHost(0x{ptr:x})", array.base.free)  # type: ignore[attr-defined]

    def _driver_call(self, fname: str, what: str | Callable[[], str], *args: Any) -> None:
        with self._pushed():
            self._driver(fname, what, *args)

    def _copy(self, fname: str, dst: int, src: int, nbytes: int, stream: int) -> None:
        self._driver_call(
            fname, lambda: f"({nbytes} bytes, 0x{src:x} -> 0x{dst:x})", dst, src, nbytes, stream
        )

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a host-to-device copy on ``stream``."""
        self._copy("cuMemcpyHtoDAsync_v2", dst, src, nbytes, stream)

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-host copy on ``stream``."""
        self._copy("cuMemcpyDtoHAsync_v2", dst, src, nbytes, stream)

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-device copy on ``stream``."""
        self._copy("cuMemcpyDtoDAsync_v2", dst, src, nbytes, stream)

    def create_stream(self) -> int:
        """A ``pycuda.driver.Stream`` (blocking, as ``cuStreamCreate(0)``); returns its handle."""
        stream = self._call("cuStreamCreate", cuda.Stream)
        return self._streams.add(int(stream.handle), stream)

    def destroy_stream(self, stream: int) -> None:
        """Destroys a stream from :meth:`create_stream`."""
        obj = self._streams.pop(stream, "destroy_stream")
        with self._pushed():
            del obj  # pycuda destroys the CUstream with its last reference

    def synchronize(self, stream: int) -> None:
        """``cuStreamSynchronize``."""
        self._driver_call("cuStreamSynchronize", lambda: f"(0x{stream:x})", stream)

    def create_event(self) -> int:
        """``cuEventCreate(CU_EVENT_DISABLE_TIMING)``; returns the ``CUevent`` handle."""
        handle = ctypes.c_void_p()
        self._driver_call("cuEventCreate", "", ctypes.byref(handle), _CU_EVENT_DISABLE_TIMING)
        return self._events.add(int(handle.value or 0), None)

    def record_event(self, event: int, stream: int) -> None:
        """``cuEventRecord``."""
        self._driver_call("cuEventRecord", f"(0x{event:x})", event, stream)

    def event_synchronize(self, event: int) -> None:
        """``cuEventSynchronize``."""
        self._driver_call("cuEventSynchronize", f"(0x{event:x})", event)

    def destroy_event(self, event: int) -> None:
        """``cuEventDestroy`` of an event from :meth:`create_event`."""
        self._events.pop(event, "destroy_event")
        self._driver_call("cuEventDestroy_v2", f"(0x{event:x})", event)

    def mem_info(self) -> tuple[int, int]:
        """``cuMemGetInfo`` in the primary context: ``(free, total)`` bytes."""
        free, total = self._call("cuMemGetInfo", cuda.mem_get_info)
        return int(free), int(total)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A :class:`CudaArrayView` (``__cuda_array_interface__``) over ``ptr``."""
        return CudaArrayView(ptr, shape, dtype, owner)

    def pointer_device(self, ptr: int) -> int:
        """``cuPointerGetAttribute(CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL)``."""
        ordinal = ctypes.c_int(-1)
        attribute = _CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL
        self._driver_call(
            "cuPointerGetAttribute", f"(0x{ptr:x})", ctypes.byref(ordinal), attribute, ptr
        )
        return int(ordinal.value)

    def __repr__(self) -> str:
        return f"PyCudaBackend(device={self.device})"


def __dir__() -> list[str]:
    return __all__
