"""The CuPy backend: the CUDA runtime API through ``cupy.cuda.runtime``.

Memory comes from ``runtime.malloc`` / ``runtime.hostAlloc`` directly, not from CuPy's
memory pools: a pool keeps freed blocks for CuPy's own reuse, so ``free()`` would return
nothing to the driver and TensorRT's own allocations (which go through ``cudaMalloc``) could
run out of memory that CuPy is sitting on. ``cudaFree`` also synchronizes the device, so a
buffer is never handed back while a copy on one of our streams still uses it.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from trtcompat.backends._base import CudaBackendBase
from trtcompat.backends._common import (
    BoundStreamOps,
    checked_copy,
    graph_replay_builder,
    round_trip_builder,
)
from trtcompat.backends._registry import unavailable

try:
    import cupy
    from cupy.cuda import runtime
except Exception as _exc:  # ImportError, or a CUDA library cupy could not load
    raise unavailable("cupy", "cupy (e.g. cupy-cuda12x)", _exc) from _exc

__all__ = ["CupyBackend"]


class CupyBackend(CudaBackendBase):
    """Device memory, pinned memory, copies, streams, events and graphs through CuPy.

    Attributes:
        name: Always ``"cupy"``.
        device: The CUDA device index.
    """

    name: str = "cupy"
    errors = (runtime.CUDARuntimeError,)

    def _lib_device_count(self) -> int:
        return int(runtime.getDeviceCount())

    def _lib_enter_device(self) -> int:
        # The runtime calls directly: cupy.cuda.Device as a context manager costs several µs.
        previous = int(runtime.getDevice())
        if previous != self.device:
            runtime.setDevice(self.device)
        return previous

    def _lib_leave_device(self, previous: int) -> None:
        if previous != self.device:
            runtime.setDevice(previous)

    def is_active(self) -> bool:
        """Whether :attr:`device` is this thread's current device (one cudaGetDevice, none
        where the process sees one device)."""
        if self._only_device:
            return True
        try:
            return bool(runtime.getDevice() == self.device)
        except runtime.CUDARuntimeError:  # let activate() raise it, translated
            return False

    def _bind(self, stream: int) -> BoundStreamOps:
        # cupy's calls raise, so nothing is checked; memcpyAsync takes (dst, src, size,
        # kind, stream), the fixed arguments last.
        memcpy = runtime.memcpyAsync
        h2d, d2h = runtime.memcpyHostToDevice, runtime.memcpyDeviceToHost
        d2d = runtime.memcpyDeviceToDevice
        graph_launch = runtime.graphLaunch
        sync = functools.partial(runtime.streamSynchronize, stream)

        def launch_graph(graph: int) -> None:
            graph_launch(graph, stream)

        return BoundStreamOps(
            checked_copy(memcpy, (h2d, stream), "memcpyAsync", None),
            checked_copy(memcpy, (d2h, stream), "memcpyAsync", None),
            checked_copy(memcpy, (d2d, stream), "memcpyAsync", None),
            sync,
            self.errors,
            launch_graph,
            # Each copy a partial with every argument bound: no Python frame per copy.
            round_trip_builder(
                lambda d, s, n: functools.partial(memcpy, d, s, n, h2d, stream),
                lambda d, s, n: functools.partial(memcpy, d, s, n, d2h, stream),
                sync,
            ),
            graph_replay_builder(
                lambda graph: functools.partial(graph_launch, graph, stream), sync
            ),
        )

    def _lib_malloc(self, size: int) -> tuple[int, object]:
        return int(runtime.malloc(size)), None  # bypassing CuPy's pool (module docstring)

    def _lib_free(self, ptr: int, owner: object) -> None:
        runtime.free(ptr)

    def _lib_malloc_host(self, size: int) -> tuple[int, object]:
        return int(runtime.hostAlloc(size, 0)), None  # bypassing CuPy's pinned pool

    def _lib_free_host(self, ptr: int, owner: object) -> None:
        runtime.freeHost(ptr)

    def _lib_create_stream(self) -> tuple[int, object]:
        return int(runtime.streamCreate()), None

    def _lib_destroy_stream(self, stream: int, obj: object) -> None:
        runtime.streamDestroy(stream)

    def _lib_create_event(self) -> tuple[int, object]:
        return int(runtime.eventCreateWithFlags(runtime.eventDisableTiming)), None

    def _lib_record_event(self, event: int, obj: object, stream: int) -> None:
        runtime.eventRecord(event, stream)

    def _lib_event_synchronize(self, event: int, obj: object) -> None:
        runtime.eventSynchronize(event)

    def _lib_destroy_event(self, event: int, obj: object) -> None:
        runtime.eventDestroy(event)

    def _lib_mem_info(self) -> tuple[int, int]:
        free, total = runtime.memGetInfo()
        return int(free), int(total)

    def _lib_pointer_device(self, ptr: int) -> int | None:
        attrs = runtime.pointerGetAttributes(ptr)
        if int(attrs.type) == 0:  # cudaMemoryTypeUnregistered: plain host memory, no device
            return None
        return int(attrs.device)

    def _lib_begin_capture(self, stream: int) -> None:
        mode = getattr(runtime, "streamCaptureModeThreadLocal", 1)
        runtime.streamBeginCapture(stream, mode)

    def _lib_end_capture(self, stream: int) -> tuple[int, object]:
        graph = runtime.streamEndCapture(stream)
        try:
            return int(runtime.graphInstantiate(graph)), None
        finally:
            runtime.graphDestroy(graph)

    def _lib_destroy_graph(self, graph: int, obj: object) -> None:
        runtime.graphExecDestroy(graph)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A ``cupy.ndarray`` over ``ptr`` (zero-copy; it keeps ``owner`` alive)."""
        dt = cupy.dtype(dtype)
        nbytes = math.prod(shape) * dt.itemsize
        memory = cupy.cuda.UnownedMemory(ptr, nbytes, owner, self.device)
        with self._guard.call_guard():
            return cupy.ndarray(shape, dt, cupy.cuda.MemoryPointer(memory, 0))
