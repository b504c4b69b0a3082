"""The cuda-python backend: the CUDA runtime API through ``cuda.bindings.runtime``.

cuda-python 12.6.1 moved ``cuda.cudart`` to ``cuda.bindings.runtime`` and 13.0 removed the
old path, so the new one is tried first and the old one (with its DeprecationWarning hushed)
only for cuda-python < 12.6.1.
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from typing import Any

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

__all__ = ["CudaPythonBackend"]


def _load_cudart() -> Any:
    try:
        from cuda.bindings import runtime

        return runtime
    except ImportError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            from cuda import cudart

        return cudart
    except ImportError as exc:
        raise unavailable("cuda_python", "cuda-python (cuda-bindings)", exc) from exc


cudart = _load_cudart()
_KINDS = {
    name: getattr(cudart.cudaMemcpyKind, name)
    for name in ("cudaMemcpyHostToDevice", "cudaMemcpyDeviceToHost", "cudaMemcpyDeviceToDevice")
}


def _check(result: Any, call: str) -> Any:
    """Unwraps a cuda-python ``(err, *values)`` tuple.

    Returns:
        None for no values, the value for one, else the tuple of values.

    Raises:
        BackendError: ``err`` is not ``cudaSuccess``; the message names the call and the error.
    """
    err, *values = result
    if int(err) != 0:
        name = getattr(err, "name", f"cudaError {int(err)}")
        try:
            text = cudart.cudaGetErrorString(err)[1].decode()
        except Exception:  # the error text is a nicety; never mask the real failure
            text = "no description"
        raise BackendError(f"{call} failed: {name} ({text})")
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


class CudaPythonBackend:
    """Device memory, pinned memory, copies, streams and events through cuda-python.

    Attributes:
        name: Always ``"cuda_python"``.
        device: The CUDA device index.
    """

    name: str = "cuda_python"

    def __init__(self, device: int = 0) -> None:
        """Checks the driver and the device index.

        Raises:
            BackendUnavailableError: No usable driver or no GPU.
            DeviceError: ``device`` does not exist.
        """
        try:
            count = _check(cudart.cudaGetDeviceCount(), "cudaGetDeviceCount")
        except BackendError as exc:  # no driver, driver too old, no device
            raise BackendUnavailableError(f"backend 'cuda_python' cannot use CUDA: {exc}") from exc
        check_device(self.name, device, count)
        self.device: int = device
        self._memory = OwnerTable()
        self._streams = HandleTable("stream")
        self._events = HandleTable("event")
        self._graphs = HandleTable("graph")
        self._guard = ActiveGuard(self._enter_device, self._leave_device)

    def _enter_device(self) -> int:
        # cudaGetDevice is a thread-local read, so checking is cheap and stays right even when
        # other code (torch, cupy, the user) switched this thread's device; the previous
        # device is restored so callers never see their current device move.
        previous = int(_check(cudart.cudaGetDevice(), "cudaGetDevice"))
        if previous != self.device:
            _check(cudart.cudaSetDevice(self.device), f"cudaSetDevice({self.device})")
        return previous

    def _leave_device(self, previous: int) -> None:
        if previous != self.device:
            _check(cudart.cudaSetDevice(previous), f"cudaSetDevice({previous})")

    def activate(self) -> AbstractContextManager[None]:
        """Makes :attr:`device` current in this thread; restores the previous one on exit."""
        return self._guard.activate()

    def _on_device(self) -> AbstractContextManager[None]:
        return self._guard.call_guard()

    def malloc(self, nbytes: int) -> int:
        """``cudaMalloc``; returns the device address."""
        size = check_nbytes(nbytes, "malloc")
        with self._on_device():
            ptr = int(_check(cudart.cudaMalloc(size), f"cudaMalloc({size})"))
        self._memory.add(ptr, None, size, "device")
        return ptr

    def free(self, ptr: int) -> None:
        """``cudaFree``; unknown and already-freed pointers raise BackendError."""
        self._memory.pop(ptr, "device", "free")
        with self._on_device():
            _check(cudart.cudaFree(ptr), f"cudaFree(0x{ptr:x})")

    def malloc_host(self, nbytes: int) -> int:
        """``cudaMallocHost`` (page-locked); returns the host address."""
        size = check_nbytes(nbytes, "malloc_host")
        with self._on_device():
            ptr = int(_check(cudart.cudaMallocHost(size), f"cudaMallocHost({size})"))
        self._memory.add(ptr, None, size, "host")
        return ptr

    def free_host(self, ptr: int) -> None:
        """``cudaFreeHost``; unknown and already-freed pointers raise BackendError."""
        self._memory.pop(ptr, "host", "free_host")
        with self._on_device():
            _check(cudart.cudaFreeHost(ptr), f"cudaFreeHost(0x{ptr:x})")

    def _copy(self, dst: int, src: int, nbytes: int, stream: int, kind: str) -> None:
        direction = _KINDS[kind]
        with self._on_device():
            result = cudart.cudaMemcpyAsync(dst, src, nbytes, direction, stream)
        if int(result[0]):  # the hot path: the error text is built only on failure
            _check(result, f"cudaMemcpyAsync({kind}, {nbytes} bytes, 0x{src:x} -> 0x{dst:x})")

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a host-to-device copy on ``stream``."""
        self._copy(dst, src, nbytes, stream, "cudaMemcpyHostToDevice")

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-host copy on ``stream``."""
        self._copy(dst, src, nbytes, stream, "cudaMemcpyDeviceToHost")

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-device copy on ``stream``."""
        self._copy(dst, src, nbytes, stream, "cudaMemcpyDeviceToDevice")

    def create_stream(self) -> int:
        """``cudaStreamCreate`` (a blocking stream, ordered with the legacy default stream)."""
        with self._on_device():
            stream = _check(cudart.cudaStreamCreate(), "cudaStreamCreate")
        return self._streams.add(int(stream), stream)

    def destroy_stream(self, stream: int) -> None:
        """``cudaStreamDestroy`` of a stream from :meth:`create_stream`."""
        self._streams.pop(stream, "destroy_stream")
        with self._on_device():
            _check(cudart.cudaStreamDestroy(stream), f"cudaStreamDestroy(0x{stream:x})")

    def synchronize(self, stream: int) -> None:
        """``cudaStreamSynchronize``."""
        with self._on_device():
            result = cudart.cudaStreamSynchronize(stream)
        if int(result[0]):
            _check(result, f"cudaStreamSynchronize(0x{stream:x})")

    def create_event(self) -> int:
        """``cudaEventCreateWithFlags(cudaEventDisableTiming)``."""
        with self._on_device():
            event = _check(
                cudart.cudaEventCreateWithFlags(cudart.cudaEventDisableTiming),
                "cudaEventCreateWithFlags",
            )
        return self._events.add(int(event), event)

    def record_event(self, event: int, stream: int) -> None:
        """``cudaEventRecord``."""
        with self._on_device():
            _check(cudart.cudaEventRecord(event, stream), f"cudaEventRecord(0x{event:x})")

    def event_synchronize(self, event: int) -> None:
        """``cudaEventSynchronize``."""
        with self._on_device():
            _check(cudart.cudaEventSynchronize(event), f"cudaEventSynchronize(0x{event:x})")

    def destroy_event(self, event: int) -> None:
        """``cudaEventDestroy`` of an event from :meth:`create_event`."""
        self._events.pop(event, "destroy_event")
        with self._on_device():
            _check(cudart.cudaEventDestroy(event), f"cudaEventDestroy(0x{event:x})")

    def mem_info(self) -> tuple[int, int]:
        """``cudaMemGetInfo`` on :attr:`device`: ``(free, total)`` bytes."""
        with self._on_device():
            free, total = _check(cudart.cudaMemGetInfo(), "cudaMemGetInfo")
        return int(free), int(total)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A :class:`CudaArrayView` (``__cuda_array_interface__``) over ``ptr``."""
        return CudaArrayView(ptr, shape, dtype, owner)

    def pointer_device(self, ptr: int) -> int:
        """The device of ``ptr`` from ``cudaPointerGetAttributes``."""
        attrs = _check(cudart.cudaPointerGetAttributes(ptr), f"cudaPointerGetAttributes(0x{ptr:x})")
        if int(attrs.type) == 0:  # cudaMemoryTypeUnregistered: plain host memory, no device
            raise BackendError(f"pointer_device(0x{ptr:x}): not memory known to CUDA")
        return int(attrs.device)

    # -- CUDA graphs (GraphCapture) -------------------------------------------------------
    def begin_capture(self, stream: int) -> None:
        """``cudaStreamBeginCapture`` in thread-local mode: other threads' CUDA calls (their
        own Runners, allocations) stay legal while this stream records."""
        mode = cudart.cudaStreamCaptureMode.cudaStreamCaptureModeThreadLocal
        with self._on_device():
            _check(cudart.cudaStreamBeginCapture(stream, mode), "cudaStreamBeginCapture")

    def end_capture(self, stream: int) -> int:
        """``cudaStreamEndCapture`` + ``cudaGraphInstantiate``; returns the exec handle."""
        with self._on_device():
            graph = _check(cudart.cudaStreamEndCapture(stream), "cudaStreamEndCapture")
            try:
                executable = _check(cudart.cudaGraphInstantiate(graph, 0), "cudaGraphInstantiate")
            finally:
                _check(cudart.cudaGraphDestroy(graph), "cudaGraphDestroy")
        return self._graphs.add(int(executable), executable)

    def launch_graph(self, graph: int, stream: int) -> None:
        """``cudaGraphLaunch``."""
        executable = self._graphs.require(graph, "launch_graph")
        with self._on_device():
            _check(cudart.cudaGraphLaunch(executable, stream), "cudaGraphLaunch")

    def destroy_graph(self, graph: int) -> None:
        """``cudaGraphExecDestroy`` of a graph from :meth:`end_capture`."""
        executable = self._graphs.pop(graph, "destroy_graph")
        with self._on_device():
            _check(cudart.cudaGraphExecDestroy(executable), "cudaGraphExecDestroy")

    def __repr__(self) -> str:
        return f"CudaPythonBackend(device={self.device})"


def __dir__() -> list[str]:
    return __all__
