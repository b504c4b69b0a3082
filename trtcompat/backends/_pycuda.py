"""The PyCUDA backend: the device's primary context, never ``pycuda.autoinit``.

``autoinit`` creates a private context and makes it current in the importing thread only;
the primary context is the one the CUDA runtime (and so TensorRT, torch and cupy) uses, so
memory from here is valid in all of them. ``activate()`` pushes it in whichever thread calls
(through PyCUDA, so that PyCUDA's own context stack stays right for its allocations).

PyCUDA allocates (``mem_alloc``, ``pagelocked_empty``). Streams, copies, events, stream
synchronization, pointer queries and CUDA graphs go to the driver API directly (see
:mod:`trtcompat.backends._driver`): PyCUDA's copies take only its own ``Stream`` and buffer
objects, and its graph API (``Stream.begin_capture``) only its own streams, where the Protocol
passes raw handles that may come from any library. A ``pycuda.driver.Stream`` would also be
destroyed whenever its last reference goes, possibly in a thread with no context pushed; a
driver stream is destroyed inside the device guard, when ``destroy_stream`` says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trtcompat.backends._common import CudaCallError
from trtcompat.backends._driver import DriverCalls
from trtcompat.backends._registry import unavailable

try:
    import pycuda.driver as cuda
except Exception as _exc:  # ImportError, or libcuda missing under pycuda
    raise unavailable("pycuda", "pycuda", _exc) from _exc

__all__ = ["PyCudaBackend"]


class PyCudaBackend(DriverCalls):
    """Device memory, pinned memory, copies, streams, events and graphs through PyCUDA.

    Attributes:
        name: Always ``"pycuda"``.
        device: The CUDA device index.
    """

    name: str = "pycuda"
    errors = (cuda.Error, CudaCallError)

    def __init__(self, device: int = 0) -> None:
        """Initializes the driver and retains the device's primary context.

        Raises:
            BackendUnavailableError: No usable driver or no GPU.
            DeviceError: ``device`` does not exist.
        """
        super().__init__(device)
        self._use_driver(self.name)
        # PyCUDA's handle on the same primary context, retained through PyCUDA for its own
        # context stack (which its allocations consult); kept for the life of the process.
        self._context = cuda.Device(device).retain_primary_context()

    def _lib_device_count(self) -> int:
        cuda.init()
        return int(cuda.Device.count())

    def _lib_enter_device(self) -> None:
        # The context stack is per thread, so every calling thread pushes for itself; nested
        # pushes of the same context are fine (push/pop stay balanced). A thread with no
        # context at all gets the primary one current underneath first (_settle_primary), so
        # that after the pop the runtime still finds it and the next call needs no push.
        self._settle_primary()
        self._context.push()

    def _lib_leave_device(self, token: None) -> None:
        cuda.Context.pop()

    def _lib_malloc(self, size: int) -> tuple[int, object]:
        allocation = cuda.mem_alloc(size)
        return int(allocation), allocation

    def _lib_free(self, ptr: int, owner: Any) -> None:
        owner.free()

    def _lib_malloc_host(self, size: int) -> tuple[int, object]:
        array = cuda.pagelocked_empty((size,), np.uint8)
        return int(array.ctypes.data), array

    def _lib_free_host(self, ptr: int, owner: Any) -> None:
        owner.base.free()
