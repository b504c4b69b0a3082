"""The one surface every memory backend offers.

Handles are plain ints (device pointers, host pointers, ``cudaStream_t``, ``cudaEvent_t``) so
the allocator and the runner never touch a library's own objects on the hot path; each backend
keeps whatever owner objects it needs alive, keyed by the pointer it returned.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

__all__ = ["Backend", "GraphCapture"]


@runtime_checkable
class Backend(Protocol):
    """Device memory, pinned host memory, copies, streams and events on one device.

    Every method raises :class:`trtcompat.BackendError` when the underlying CUDA call fails.
    All calls run with ``device`` current (each backend's own device guard).
    """

    #: The registry name: ``"pycuda"``, ``"cuda_python"``, ``"cupy"``, ``"torch"`` or ``"host"``.
    name: str
    #: The CUDA device index every allocation, stream and copy of this backend lands on.
    device: int

    def malloc(self, nbytes: int) -> int:
        """Allocates ``nbytes`` of device memory (256-byte aligned); returns its address."""
        ...  # pragma: no cover

    def free(self, ptr: int) -> None:
        """Frees device memory from :meth:`malloc`."""
        ...  # pragma: no cover

    def malloc_host(self, nbytes: int) -> int:
        """Allocates ``nbytes`` of page-locked host memory; returns its address."""
        ...  # pragma: no cover

    def free_host(self, ptr: int) -> None:
        """Frees host memory from :meth:`malloc_host`."""
        ...  # pragma: no cover

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a host-to-device copy on ``stream``."""
        ...  # pragma: no cover

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-host copy on ``stream``."""
        ...  # pragma: no cover

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-device copy on ``stream``."""
        ...  # pragma: no cover

    def create_stream(self) -> int:
        """Creates a non-default stream; returns its handle."""
        ...  # pragma: no cover

    def destroy_stream(self, stream: int) -> None:
        """Destroys a stream from :meth:`create_stream`."""
        ...  # pragma: no cover

    def synchronize(self, stream: int) -> None:
        """Blocks until all work on ``stream`` is done."""
        ...  # pragma: no cover

    def create_event(self) -> int:
        """Creates an event (timing disabled); returns its handle."""
        ...  # pragma: no cover

    def record_event(self, event: int, stream: int) -> None:
        """Records ``event`` on ``stream``."""
        ...  # pragma: no cover

    def event_synchronize(self, event: int) -> None:
        """Blocks until ``event`` has completed."""
        ...  # pragma: no cover

    def destroy_event(self, event: int) -> None:
        """Destroys an event from :meth:`create_event`."""
        ...  # pragma: no cover

    def mem_info(self) -> tuple[int, int]:
        """Returns ``(free, total)`` bytes of device memory on :attr:`device`."""
        ...  # pragma: no cover

    def activate(self) -> AbstractContextManager[None]:
        """A context manager that makes :attr:`device` current for TensorRT calls made inside it."""
        ...  # pragma: no cover

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """Wraps device memory as a zero-copy array (DLPack or ``__cuda_array_interface__``)."""
        ...  # pragma: no cover

    def pointer_device(self, ptr: int) -> int:
        """The device that owns ``ptr`` (from the driver's pointer attributes)."""
        ...  # pragma: no cover


@runtime_checkable
class GraphCapture(Protocol):
    """CUDA-graph stream capture, which backends with a runtime-API handle offer.

    ``Runner(cuda_graph=True)`` records copies and the enqueue once per input shape and
    replays them with one launch.
    """

    def begin_capture(self, stream: int) -> None:
        """Starts capturing ``stream`` (thread-local mode)."""
        ...  # pragma: no cover

    def end_capture(self, stream: int) -> int:
        """Ends the capture and instantiates it; returns the executable graph's handle."""
        ...  # pragma: no cover

    def launch_graph(self, graph: int, stream: int) -> None:
        """Launches an executable graph on ``stream``."""
        ...  # pragma: no cover

    def destroy_graph(self, graph: int) -> None:
        """Destroys an executable graph from :meth:`end_capture`."""
        ...  # pragma: no cover
