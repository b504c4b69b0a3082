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
    GraphReplay,
    bound_round_trip,
    unavailable,
)

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
        # cupy's memcpyAsync takes (dst, src, size, kind, stream): the fixed arguments come
        # last, so a closure binds them; synchronize is a plain partial (no Python frame).
        memcpy = runtime.memcpyAsync
        h2d, d2h = runtime.memcpyHostToDevice, runtime.memcpyDeviceToHost
        d2d = runtime.memcpyDeviceToDevice

        def htod(dst: int, src: int, nbytes: int) -> None:
            memcpy(dst, src, nbytes, h2d, stream)

        def dtoh(dst: int, src: int, nbytes: int) -> None:
            memcpy(dst, src, nbytes, d2h, stream)

        def dtod(dst: int, src: int, nbytes: int) -> None:
            memcpy(dst, src, nbytes, d2d, stream)

        graph_launch, stream_sync = runtime.graphLaunch, runtime.streamSynchronize

        def launch_graph(graph: int) -> None:
            graph_launch(graph, stream)

        sync = functools.partial(stream_sync, stream)

        def graph_replay(graph: int, wait: bool = True) -> GraphReplay:
            if not wait:
                return functools.partial(graph_launch, graph, stream)

            def replay() -> None:
                graph_launch(graph, stream)
                stream_sync(stream)

            return replay

        # Each copy a partial with every argument bound: no Python frame per copy.
        round_trip = bound_round_trip(
            lambda dst, src, nbytes: functools.partial(memcpy, dst, src, nbytes, h2d, stream),
            lambda dst, src, nbytes: functools.partial(memcpy, dst, src, nbytes, d2h, stream),
            sync,
        )
        return BoundStreamOps(
            htod, dtoh, dtod, sync, self.errors, launch_graph, round_trip, graph_replay
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
