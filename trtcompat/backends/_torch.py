"""The PyTorch backend: memory from torch's allocators, copies through tensor views.

Copies go through tensors: torch exposes no ``cudaMemcpyAsync``, and loading ``libcudart``
by hand is fragile (CUDA 12+ wheels keep it in an ``nvidia-*`` wheel, not ``torch/lib``).
Both addresses become uint8 tensors and ``copy_(non_blocking=True)`` on an ``ExternalStream``
enqueues the same ``cudaMemcpyAsync``, for our addresses or a caller's.

``free`` synchronizes, then empties torch's cache: the caching allocator knows only the
allocation stream, not our raw streams, and keeps freed blocks. So ``free`` keeps the promises
of ``cudaFree``: no pending work uses the block, and TensorRT's own allocations can reuse it.

Pinned memory is numpy memory under ``cudaHostRegister``: torch's pinned allocator records,
at free time, an event on every stream its block was copied on, and our raw streams may be
destroyed by then (a segfault with torch 2.11).
"""

from __future__ import annotations

import ctypes
import math
import mmap
import warnings
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
    translate,
    unavailable,
)
from trtcompat.errors import BackendError, BackendUnavailableError, DTypeError

try:
    import torch
except Exception as _exc:  # ImportError, or a CUDA library torch could not load
    raise unavailable("torch", "torch", _exc) from _exc

__all__ = ["TorchBackend", "torch_dtype"]

# What torch raises for CUDA failures (torch.OutOfMemoryError is a RuntimeError) and bad input.
_FAILURES = (RuntimeError, ValueError, TypeError)


def torch_dtype(dtype: Any) -> Any:
    """The torch dtype of a numpy dtype, ml_dtypes' too; DTypeError where torch has none."""
    name = np.dtype(dtype).name  # numpy, ml_dtypes and torch share these names
    result = getattr(torch, name, None)
    if not isinstance(result, torch.dtype):
        raise DTypeError(f"torch has no dtype for numpy dtype {name!r}")
    return result


class TorchBackend:
    """Device memory, pinned memory, copies, streams and events through PyTorch.

    Attributes:
        name: Always ``"torch"``.
        device: The CUDA device index.
    """

    name: str = "torch"

    def __init__(self, device: int = 0) -> None:
        """Checks that torch sees a GPU, and the device index.

        Raises:
            BackendUnavailableError: torch was built without CUDA, or no driver / GPU.
            DeviceError: ``device`` does not exist.
        """
        # torch reports a broken driver as a warning; keep it out of the caller's warnings.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            usable = torch.cuda.is_available()
            count = torch.cuda.device_count() if usable else 0
        if not usable:
            said = "; ".join(str(w.message) for w in caught)
            detail = said or "torch.cuda.is_available() is False"
            raise BackendUnavailableError(f"backend 'torch' cannot use CUDA: {detail}")
        check_device(self.name, device, count)
        self.device: int = device
        self._dev = torch.device("cuda", device)
        self._memory = OwnerTable()
        self._streams = HandleTable("stream")
        self._events = HandleTable("event")
        self._guard = ActiveGuard(self._enter_device, self._leave_device)

    def _enter_device(self) -> int:
        previous = int(torch.cuda.current_device())
        if previous != self.device:
            torch.cuda.set_device(self.device)
        return previous

    def _leave_device(self, previous: int) -> None:
        if previous != self.device:
            torch.cuda.set_device(previous)

    def activate(self) -> AbstractContextManager[None]:
        """Makes :attr:`device` current in this thread; restores the previous one on exit."""
        return self._guard.activate()

    def _on_device(self) -> AbstractContextManager[None]:
        return self._guard.call_guard()

    def malloc(self, nbytes: int) -> int:
        """A uint8 tensor on :attr:`device`; returns its address."""
        size = check_nbytes(nbytes, "malloc")
        with translate(f"malloc({size})", *_FAILURES), self._on_device():
            owner = torch.empty(size, dtype=torch.uint8, device=self._dev)
        ptr = int(owner.data_ptr())
        self._memory.add(ptr, owner, size, "device")
        return ptr

    def free(self, ptr: int) -> None:
        """Releases a :meth:`malloc` block back to the driver; unknown pointers raise."""
        owner = self._memory.pop(ptr, "device", "free")
        with self._on_device():
            torch.cuda.synchronize(self.device)  # as cudaFree would (see the module docstring)
            del owner
            torch.cuda.empty_cache()

    def malloc_host(self, nbytes: int) -> int:
        """Page-aligned numpy memory, pinned with ``cudaHostRegister``; returns its address."""
        size = check_nbytes(nbytes, "malloc_host")
        length = -(-size // mmap.PAGESIZE) * mmap.PAGESIZE  # whole pages: no two share one
        buf = np.empty(length + mmap.PAGESIZE, dtype=np.uint8)
        ptr = int(buf.ctypes.data) + (-int(buf.ctypes.data) % mmap.PAGESIZE)
        self._cudart("cudaHostRegister", ptr, length, 0)
        self._memory.add(ptr, buf, size, "host")
        return ptr

    def free_host(self, ptr: int) -> None:
        """Unpins and releases a :meth:`malloc_host` block; unknown pointers raise."""
        buf = self._memory.pop(ptr, "host", "free_host")
        with self._on_device():
            torch.cuda.synchronize(self.device)  # no pending copy may still read it
        self._cudart("cudaHostUnregister", ptr)
        del buf  # only now may numpy release the pages

    def _stream(self, handle: int) -> Any:
        if handle == 0:
            return torch.cuda.default_stream(self.device)
        known = self._streams.get(handle)
        return known if known is not None else torch.cuda.ExternalStream(handle, device=self._dev)

    @staticmethod
    def _bytes(ptr: int, nbytes: int, on_device: bool) -> Any:
        if on_device:
            return torch.as_tensor(CudaArrayView(ptr, (nbytes,), np.uint8, None))
        return torch.frombuffer((ctypes.c_uint8 * nbytes).from_address(ptr), dtype=torch.uint8)

    def _copy(self, op: str, dst: int, src: int, nbytes: int, stream: int) -> None:
        what = f"{op}({nbytes} bytes, 0x{src:x} -> 0x{dst:x})"
        if nbytes == 0:
            return
        if not dst or not src:  # a null host address would crash the process, not raise
            raise BackendError(f"{what}: null pointer")
        with translate(what, *_FAILURES):
            d = self._bytes(dst, nbytes, on_device=op != "memcpy_dtoh_async")
            s = self._bytes(src, nbytes, on_device=op != "memcpy_htod_async")
            with self._on_device(), torch.cuda.stream(self._stream(stream)):
                d.copy_(s, non_blocking=True)

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a host-to-device copy on ``stream``."""
        self._copy("memcpy_htod_async", dst, src, nbytes, stream)

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-host copy on ``stream``."""
        self._copy("memcpy_dtoh_async", dst, src, nbytes, stream)

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-device copy on ``stream``."""
        self._copy("memcpy_dtod_async", dst, src, nbytes, stream)

    def _cudart(self, call: str, *args: Any) -> None:
        cudart = torch.cuda.cudart()
        with translate(call, *_FAILURES), self._on_device():
            err = getattr(cudart, call)(*args)
        if int(err) != 0:
            raise BackendError(f"{call} failed: {cudart.cudaGetErrorString(err)}")

    def create_stream(self) -> int:
        """``cudaStreamCreate`` via torch's cudart (``torch.cuda.Stream()`` reuses a pool)."""
        slot = ctypes.c_void_p(0)
        self._cudart("cudaStreamCreate", ctypes.addressof(slot))
        handle = int(slot.value or 0)
        return self._streams.add(handle, torch.cuda.ExternalStream(handle, device=self._dev))

    def destroy_stream(self, stream: int) -> None:
        """``cudaStreamDestroy`` of a stream from :meth:`create_stream`."""
        self._streams.pop(stream, "destroy_stream")
        self._cudart("cudaStreamDestroy", stream)

    def synchronize(self, stream: int) -> None:
        """Blocks until the work on ``stream`` is done."""
        with translate(f"synchronize(0x{stream:x})", *_FAILURES):
            self._stream(stream).synchronize()

    def create_event(self) -> int:
        """A ``torch.cuda.Event`` (timing disabled); returns its ``cudaEvent_t``."""
        # torch creates the CUDA event on its first record: record once to get a handle.
        with translate("create_event", *_FAILURES), self._on_device():
            event = torch.cuda.Event(enable_timing=False)
            event.record(torch.cuda.current_stream(self.device))
        return self._events.add(int(event.cuda_event), event)

    def record_event(self, event: int, stream: int) -> None:
        """Records ``event`` on ``stream``."""
        event_obj: Any = self._events.require(event, "record_event")
        with translate(f"record_event(0x{event:x})", *_FAILURES):
            event_obj.record(self._stream(stream))

    def event_synchronize(self, event: int) -> None:
        """Blocks until ``event`` has completed."""
        event_obj: Any = self._events.require(event, "event_synchronize")
        with translate(f"event_synchronize(0x{event:x})", *_FAILURES):
            event_obj.synchronize()

    def destroy_event(self, event: int) -> None:
        """Drops the event (torch destroys the CUDA event with the object)."""
        self._events.pop(event, "destroy_event")

    def mem_info(self) -> tuple[int, int]:
        """``torch.cuda.mem_get_info``: ``(free, total)`` bytes of :attr:`device`."""
        with translate("mem_get_info", *_FAILURES):
            free, total = torch.cuda.mem_get_info(self.device)
        return int(free), int(total)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A torch tensor viewing ``ptr`` (zero-copy; it keeps ``owner`` alive)."""
        tdt = torch_dtype(dtype)
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        if nbytes == 0:
            return torch.empty(shape, dtype=tdt, device=self._dev)
        with translate(f"device_array(0x{ptr:x})", *_FAILURES):
            raw = torch.as_tensor(CudaArrayView(ptr, (nbytes,), np.uint8, owner))
            return raw.view(tdt).view(shape)

    def pointer_device(self, ptr: int) -> int:
        """The device of ``ptr``: ours are on :attr:`device`; others ask the driver."""
        if self._memory.find(ptr) is not None:
            return self.device
        # torch resolves the device of foreign memory with cudaPointerGetAttributes.
        with translate(f"pointer_device(0x{ptr:x})", *_FAILURES):
            return int(self._bytes(ptr, 1, on_device=True).device.index)


def __dir__() -> list[str]:
    return __all__
