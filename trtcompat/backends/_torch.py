"""The PyTorch backend: device memory from torch's caching allocator, the rest from the driver.

torch exposes no ``cudaMemcpyAsync`` (``torch.cuda.cudart()`` binds six functions: host
registration, stream create/destroy, memory info, profiler, error strings), and copying raw
addresses through tensors costs a tensor per address per copy. So copies, synchronization,
events, pinned memory, pointer queries and CUDA graphs are driver API calls
(:mod:`trtcompat.backends._driver`) on the primary context, the one torch's runtime uses.
``activate()`` pushes that context, so the driver calls and TensorRT see the same device
that torch does.

CUDA graphs: ``torch.cuda.CUDAGraph`` captures torch's *current* stream, routes torch
allocations made during capture into a private pool of its caching allocator, and replays
on torch's current stream; the work captured here is copies between fixed buffers and
TensorRT's enqueue on our own stream, which allocate nothing through torch. Driver stream
capture records exactly that stream (thread-local mode) and replays with one
``cuGraphLaunch``.

``free`` synchronizes, then empties torch's cache: the caching allocator knows only the
allocation stream, not our raw streams, and keeps freed blocks. So ``free`` keeps the promises
of ``cudaFree``: no pending work uses the block, and TensorRT's own allocations can reuse it.

Pinned memory is ``cuMemHostAlloc`` memory, not torch's pinned allocator: that one records,
at free time, an event on every stream its block was copied on, and our raw streams may be
destroyed by then (a segfault with torch 2.11).
"""

from __future__ import annotations

import ctypes
import math
import warnings
from typing import Any

import numpy as np

from trtcompat.backends._common import CudaArrayView, CudaCallError
from trtcompat.backends._driver import CU_MEMHOSTALLOC_PORTABLE, DriverCalls
from trtcompat.backends._registry import unavailable
from trtcompat.errors import DTypeError

try:
    import torch
except Exception as _exc:  # ImportError, or a CUDA library torch could not load
    raise unavailable("torch", "torch", _exc) from _exc

__all__ = ["TorchBackend", "torch_dtype"]


def torch_dtype(dtype: Any) -> Any:
    """The torch dtype of a numpy dtype, ml_dtypes' too; DTypeError where torch has none."""
    name = np.dtype(dtype).name  # numpy, ml_dtypes and torch share these names
    result = getattr(torch, name, None)
    if not isinstance(result, torch.dtype):
        raise DTypeError(
            f"Torch has no dtype for numpy dtype {name!r}; use a numpy dtype "
            "torch supports (torch.float32, torch.bfloat16, ...)"
        )
    return result


class TorchBackend(DriverCalls):
    """Device memory, pinned memory, copies, streams, events and graphs through PyTorch.

    Attributes:
        name: Always ``"torch"``.
        device: The CUDA device index.
    """

    name: str = "torch"
    # What torch raises for CUDA failures (torch.OutOfMemoryError is a RuntimeError), and
    # what the driver calls raise.
    errors = (RuntimeError, CudaCallError)

    def __init__(self, device: int = 0) -> None:
        """Checks that torch sees a GPU, the device index, and retains its primary context.

        Raises:
            BackendUnavailableError: torch was built without CUDA, or no driver / GPU.
            DeviceError: ``device`` does not exist.
        """
        super().__init__(device)
        self._dev = torch.device("cuda", device)
        self._use_driver(self.name)
        self._popped = ctypes.c_void_p()  # where cuCtxPopCurrent writes (the value is unused)
        self._pop_into = ctypes.byref(self._popped)

    def _lib_device_count(self) -> int:
        # torch reports a broken driver as a warning; keep it out of the caller's warnings.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            usable = torch.cuda.is_available()
            count = torch.cuda.device_count() if usable else 0
        if not usable:
            said = "; ".join(str(w.message) for w in caught)
            raise RuntimeError(said or "torch.cuda.is_available() is False")
        return int(count)

    def _lib_enter_device(self) -> bool:
        # The runtime (torch, TensorRT) uses whatever context is current, so pushing the
        # primary context is the device switch for both APIs; pushes nest per thread. Where
        # it is current already (a torch program on this device), or the thread has none (it
        # is made current and stays, see _settle_primary), nothing is pushed. Returns whether
        # it pushed.
        if self._settle_primary():
            return False
        self._checked("cuCtxPushCurrent", self._driver.cuCtxPushCurrent_v2, self._primary)
        return True

    def _lib_leave_device(self, pushed: bool) -> None:
        if pushed:
            self._checked("cuCtxPopCurrent", self._driver.cuCtxPopCurrent_v2, self._pop_into)

    def _lib_malloc(self, size: int) -> tuple[int, object]:
        owner = torch.empty(size, dtype=torch.uint8, device=self._dev)
        return int(owner.data_ptr()), owner

    def _lib_free(self, ptr: int, owner: object) -> None:
        torch.cuda.synchronize(self.device)  # as cudaFree would (see the module docstring)

    def _lib_after_free(self) -> None:
        torch.cuda.empty_cache()  # the block went back to torch's cache; hand it to the driver

    def _lib_malloc_host(self, size: int) -> tuple[int, object]:
        ptr = ctypes.c_void_p()
        lib = self._driver
        self._checked(
            "cuMemHostAlloc", lib.cuMemHostAlloc, ctypes.byref(ptr), size, CU_MEMHOSTALLOC_PORTABLE
        )
        return int(ptr.value or 0), None

    def _lib_free_host(self, ptr: int, owner: object) -> None:
        self._checked("cuMemFreeHost", self._driver.cuMemFreeHost, ptr)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A torch tensor viewing ``ptr`` (zero-copy; it keeps ``owner`` alive)."""
        tdt = torch_dtype(dtype)
        nbytes = math.prod(shape) * np.dtype(dtype).itemsize
        if nbytes == 0:
            return torch.empty(shape, dtype=tdt, device=self._dev)
        raw = self._call(
            lambda: f"device_array(0x{ptr:x})",
            torch.as_tensor,
            CudaArrayView(ptr, (nbytes,), np.uint8, owner),
        )
        return raw.view(tdt).view(shape)

    def _lib_pointer_device(self, ptr: int) -> int | None:
        if self._memory.find(ptr) is not None:  # ours: no driver call needed
            return self.device
        return super()._lib_pointer_device(ptr)
