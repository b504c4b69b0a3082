"""The CuPy backend: the CUDA runtime API through ``cupy.cuda.runtime``.

Memory comes from ``runtime.malloc`` / ``runtime.hostAlloc`` directly, not from CuPy's
memory pools: a pool keeps freed blocks for CuPy's own reuse, so ``free()`` would return
nothing to the driver and TensorRT's own allocations (which go through ``cudaMalloc``) could
run out of memory that CuPy is sitting on. ``cudaFree`` also synchronizes the device, so a
buffer is never handed back while a copy on one of our streams still uses it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from trtcompat.backends._common import (
    ActiveGuard,
    HandleTable,
    OwnerTable,
    check_device,
    check_nbytes,
    unavailable,
)
from trtcompat.errors import BackendError, BackendUnavailableError

try:
    import cupy
    from cupy.cuda import runtime
except Exception as _exc:  # ImportError, or a CUDA library cupy could not load
    raise unavailable("cupy", "cupy (e.g. cupy-cuda12x)", _exc) from _exc

__all__ = ["CupyBackend"]

_T = TypeVar("_T")


def _call(op: str, fn: Callable[..., _T], *args: Any) -> _T:
    """Runs a ``cupy.cuda.runtime`` call, turning its CUDARuntimeError into BackendError."""
    try:
        return fn(*args)
    except runtime.CUDARuntimeError as exc:
        raise BackendError(f"{op} failed: {exc}") from exc


class CupyBackend:
    """Device memory, pinned memory, copies, streams and events through CuPy.

    Attributes:
        name: Always ``"cupy"``.
        device: The CUDA device index.
    """

    name: str = "cupy"

    def __init__(self, device: int = 0) -> None:
        """Checks the driver and the device index.

        Raises:
            BackendUnavailableError: No usable driver or no GPU.
            DeviceError: ``device`` does not exist.
        """
        try:
            count = int(_call("cudaGetDeviceCount", runtime.getDeviceCount))
        except BackendError as exc:  # no driver, driver too old, no device
            raise BackendUnavailableError(f"backend 'cupy' cannot use CUDA: {exc}") from exc
        check_device(self.name, device, count)
        self.device: int = device
        self._memory = OwnerTable()
        self._streams = HandleTable("stream")
        self._events = HandleTable("event")
        self._graphs = HandleTable("graph")
        self._guard = ActiveGuard(self._enter_device, self._leave_device)

    def _enter_device(self) -> int:
        # The runtime calls directly: cupy.cuda.Device as a context manager costs several µs,
        # and this runs on every call outside activate().
        previous = int(runtime.getDevice())
        if previous != self.device:
            _call(f"cudaSetDevice({self.device})", runtime.setDevice, self.device)
        return previous

    def _leave_device(self, previous: int) -> None:
        if previous != self.device:
            _call(f"cudaSetDevice({previous})", runtime.setDevice, previous)

    def activate(self) -> AbstractContextManager[None]:
        """Makes :attr:`device` current in this thread; restores the previous one on exit."""
        return self._guard.activate()

    def _on_device(self) -> AbstractContextManager[None]:
        return self._guard.call_guard()

    def malloc(self, nbytes: int) -> int:
        """``cudaMalloc`` (bypassing CuPy's pool); returns the device address."""
        size = check_nbytes(nbytes, "malloc")
        with self._on_device():
            ptr = int(_call(f"cudaMalloc({size})", runtime.malloc, size))
        self._memory.add(ptr, None, size, "device")
        return ptr

    def free(self, ptr: int) -> None:
        """``cudaFree``; unknown and already-freed pointers raise BackendError."""
        self._memory.pop(ptr, "device", "free")
        with self._on_device():
            _call(f"cudaFree(0x{ptr:x})", runtime.free, ptr)

    def malloc_host(self, nbytes: int) -> int:
        """``cudaHostAlloc`` (page-locked, bypassing CuPy's pinned pool)."""
        size = check_nbytes(nbytes, "malloc_host")
        with self._on_device():
            ptr = int(_call(f"cudaHostAlloc({size})", runtime.hostAlloc, size, 0))
        self._memory.add(ptr, None, size, "host")
        return ptr

    def free_host(self, ptr: int) -> None:
        """``cudaFreeHost``; unknown and already-freed pointers raise BackendError."""
        self._memory.pop(ptr, "host", "free_host")
        with self._on_device():
            _call(f"cudaFreeHost(0x{ptr:x})", runtime.freeHost, ptr)

    def _copy(self, dst: int, src: int, nbytes: int, stream: int, kind: int, what: str) -> None:
        with self._on_device():
            try:  # the hot path: the error text is built only on failure
                runtime.memcpyAsync(dst, src, nbytes, kind, stream)
            except runtime.CUDARuntimeError as exc:
                raise BackendError(
                    f"cudaMemcpyAsync({what}, {nbytes} bytes, 0x{src:x} -> 0x{dst:x}) failed: {exc}"
                ) from exc

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a host-to-device copy on ``stream``."""
        self._copy(dst, src, nbytes, stream, runtime.memcpyHostToDevice, "HostToDevice")

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-host copy on ``stream``."""
        self._copy(dst, src, nbytes, stream, runtime.memcpyDeviceToHost, "DeviceToHost")

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-device copy on ``stream``."""
        self._copy(dst, src, nbytes, stream, runtime.memcpyDeviceToDevice, "DeviceToDevice")

    def create_stream(self) -> int:
        """``cudaStreamCreate`` (a blocking stream, ordered with the legacy default stream)."""
        with self._on_device():
            stream = int(_call("cudaStreamCreate", runtime.streamCreate))
        return self._streams.add(stream, None)

    def destroy_stream(self, stream: int) -> None:
        """``cudaStreamDestroy`` of a stream from :meth:`create_stream`."""
        self._streams.pop(stream, "destroy_stream")
        with self._on_device():
            _call(f"cudaStreamDestroy(0x{stream:x})", runtime.streamDestroy, stream)

    def synchronize(self, stream: int) -> None:
        """``cudaStreamSynchronize``."""
        with self._on_device():
            try:
                runtime.streamSynchronize(stream)
            except runtime.CUDARuntimeError as exc:
                raise BackendError(f"cudaStreamSynchronize(0x{stream:x}) failed: {exc}") from exc

    def create_event(self) -> int:
        """``cudaEventCreateWithFlags(cudaEventDisableTiming)``."""
        with self._on_device():
            event = int(
                _call(
                    "cudaEventCreateWithFlags",
                    runtime.eventCreateWithFlags,
                    runtime.eventDisableTiming,
                )
            )
        return self._events.add(event, None)

    def record_event(self, event: int, stream: int) -> None:
        """``cudaEventRecord``."""
        with self._on_device():
            _call(f"cudaEventRecord(0x{event:x})", runtime.eventRecord, event, stream)

    def event_synchronize(self, event: int) -> None:
        """``cudaEventSynchronize``."""
        with self._on_device():
            _call(f"cudaEventSynchronize(0x{event:x})", runtime.eventSynchronize, event)

    def destroy_event(self, event: int) -> None:
        """``cudaEventDestroy`` of an event from :meth:`create_event`."""
        self._events.pop(event, "destroy_event")
        with self._on_device():
            _call(f"cudaEventDestroy(0x{event:x})", runtime.eventDestroy, event)

    def mem_info(self) -> tuple[int, int]:
        """``cudaMemGetInfo`` on :attr:`device`: ``(free, total)`` bytes."""
        with self._on_device():
            free, total = _call("cudaMemGetInfo", runtime.memGetInfo)
        return int(free), int(total)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A ``cupy.ndarray`` over ``ptr`` (zero-copy; it keeps ``owner`` alive)."""
        dt = cupy.dtype(dtype)
        nbytes = math.prod(shape) * dt.itemsize
        memory = cupy.cuda.UnownedMemory(ptr, nbytes, owner, self.device)
        with self._on_device():
            return cupy.ndarray(shape, dt, cupy.cuda.MemoryPointer(memory, 0))

    def pointer_device(self, ptr: int) -> int:
        """The device of ``ptr`` from ``cudaPointerGetAttributes``."""
        attrs = _call(f"cudaPointerGetAttributes(0x{ptr:x})", runtime.pointerGetAttributes, ptr)
        if int(attrs.type) == 0:  # cudaMemoryTypeUnregistered: plain host memory, no device
            raise BackendError(f"pointer_device(0x{ptr:x}): not memory known to CUDA")
        return int(attrs.device)

    # -- CUDA graphs (GraphCapture) -------------------------------------------------------
    def begin_capture(self, stream: int) -> None:
        """``cudaStreamBeginCapture`` in thread-local mode (other threads keep working)."""
        mode = getattr(runtime, "streamCaptureModeThreadLocal", 1)
        with self._on_device():
            _call("cudaStreamBeginCapture", runtime.streamBeginCapture, stream, mode)

    def end_capture(self, stream: int) -> int:
        """``cudaStreamEndCapture`` + ``cudaGraphInstantiate``; returns the exec handle."""
        with self._on_device():
            graph = _call("cudaStreamEndCapture", runtime.streamEndCapture, stream)
            try:
                executable = int(_call("cudaGraphInstantiate", runtime.graphInstantiate, graph))
            finally:
                _call("cudaGraphDestroy", runtime.graphDestroy, graph)
        return self._graphs.add(executable, None)

    def launch_graph(self, graph: int, stream: int) -> None:
        """``cudaGraphLaunch``."""
        self._graphs.require(graph, "launch_graph")
        with self._on_device():
            _call("cudaGraphLaunch", runtime.graphLaunch, graph, stream)

    def destroy_graph(self, graph: int) -> None:
        """``cudaGraphExecDestroy`` of a graph from :meth:`end_capture`."""
        self._graphs.pop(graph, "destroy_graph")
        with self._on_device():
            _call("cudaGraphExecDestroy", runtime.graphExecDestroy, graph)

    def __repr__(self) -> str:
        return f"CupyBackend(device={self.device})"


def __dir__() -> list[str]:
    return __all__
