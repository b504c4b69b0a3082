"""What a memory backend must offer (:class:`Backend`), and what it may (capabilities).

Handles are plain ints (device pointers, host pointers, ``cudaStream_t``, ``cudaEvent_t``) so
the allocator and the runner never touch a library's own objects on the hot path; each backend
keeps whatever owner objects it needs alive, keyed by the pointer it returned.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from trtcompat.errors import BackendError

__all__ = [
    "REQUIRED",
    "ActiveQuery",
    "Backend",
    "BuiltinBackend",
    "EventOps",
    "GraphCapture",
    "HotPath",
    "MemoryInfo",
    "StreamOps",
    "missing_members",
]


@runtime_checkable
class StreamOps(Protocol):
    """Copies and a synchronize bound to one stream: the library's own calls, nothing around.

    What :meth:`Backend.stream_ops` returns, for hot paths that make the same calls on the
    same stream many times. Each callable is the library call with the copy direction and the
    stream fixed (a ``functools.partial`` or a small closure): no device switch, no handle
    check, no error translation. So they are valid only inside ``with backend.activate():``,
    and a failure raises one of :attr:`errors`, which the caller turns into the typed error
    the guarded methods raise with :meth:`Backend.translate_error`::

        ops = backend.stream_ops(stream)
        with backend.activate():
            try:
                ops.htod(device_ptr, host_ptr, nbytes)
                ops.synchronize()
            except ops.errors as exc:
                raise backend.translate_error(exc, "copying input 'x'") from exc
    """

    # Read-only properties rather than plain attributes: a Callable attribute of a Protocol is
    # read as a method by older mypy (1.14, the last for Python 3.8), which drops an argument.
    @property
    def htod(self) -> Callable[[int, int, int], None]:
        """``htod(dst_device_ptr, src_host_ptr, nbytes)``: enqueues a host-to-device copy."""
        ...  # pragma: no cover

    @property
    def dtoh(self) -> Callable[[int, int, int], None]:
        """``dtoh(dst_host_ptr, src_device_ptr, nbytes)``: enqueues a device-to-host copy."""
        ...  # pragma: no cover

    @property
    def dtod(self) -> Callable[[int, int, int], None]:
        """``dtod(dst_device_ptr, src_device_ptr, nbytes)``: enqueues a device-to-device copy."""
        ...  # pragma: no cover

    @property
    def synchronize(self) -> Callable[[], None]:
        """``synchronize()``: blocks until the stream's work is done."""
        ...  # pragma: no cover

    @property
    def launch_graph(self) -> Callable[[int], None]:
        """``launch_graph(graph)``: enqueues an executable graph from
        :meth:`GraphCapture.end_capture` (a backend without graphs raises BackendError)."""
        ...  # pragma: no cover

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """The exception types the callables raise on failure (the library's own)."""
        ...  # pragma: no cover


@runtime_checkable
class Backend(Protocol):
    """What trtcompat requires of a memory backend: device and pinned memory, copies,
    streams, the device guard and zero-copy arrays on one device.

    Every method raises :class:`trtcompat.BackendError` when the underlying CUDA call fails,
    and runs with ``device`` current (the backend's own device guard). An object with these
    members is a backend (``Runner(engine, backend=obj)``); what it offers beyond them is
    read through the capability Protocols (:class:`HotPath`, :class:`ActiveQuery`,
    :class:`GraphCapture`, :class:`EventOps`, :class:`MemoryInfo`), each checked where it is
    used, and the runtime falls back where one is missing (see :data:`REQUIRED`).
    """

    #: The registry name (``"pycuda"``, ``"cuda_python"``, ``"cupy"``, ``"torch"``, ``"host"``),
    #: or whatever a backend of the caller's own calls itself (error messages name it).
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

    def activate(self) -> AbstractContextManager[None]:
        """A context manager that makes :attr:`device` current for TensorRT calls made inside it."""
        ...  # pragma: no cover

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """Wraps device memory as a zero-copy array of the backend's library that keeps
        ``owner`` alive: a ``cupy.ndarray`` (cupy), a torch tensor (torch), a numpy array (host),
        otherwise a ``CudaArrayView`` exposing ``__cuda_array_interface__`` v3 (pycuda,
        cuda-python). Arrays *given* to trtcompat need no backend of their library: they are
        read through ``__cuda_array_interface__`` or DLPack (``backends/_readers.py``)."""
        ...  # pragma: no cover


@runtime_checkable
class HotPath(Protocol):
    """A backend's own unguarded stream calls and the translation of their errors.

    Without it the runtime binds the guarded ``memcpy_*_async`` and ``synchronize`` methods
    instead (slower per call, as each one guards the device and translates its errors).
    """

    def stream_ops(self, stream: int) -> StreamOps:
        """The library's copy and synchronize calls bound to ``stream`` (see :class:`StreamOps`).

        Build it once per stream, outside the hot loop; use it only inside :meth:`activate`.
        """
        ...  # pragma: no cover

    def translate_error(self, exc: BaseException, what: str) -> BackendError:
        """The typed error for ``exc``, one of a :class:`StreamOps`' ``errors``.

        Args:
            exc: What a :class:`StreamOps` callable raised.
            what: What was being done, for the message (e.g. ``"copying input 'x' to the
                device"``).

        Returns:
            The :class:`~trtcompat.BackendError` the guarded methods raise for the same
            failure (the caller raises it ``from exc``).
        """
        ...  # pragma: no cover


@runtime_checkable
class ActiveQuery(Protocol):
    """A cheap "is the device already current?" for hot paths (without it the runtime
    always enters :meth:`Backend.activate`)."""

    def is_active(self) -> bool:
        """Whether this thread's CUDA calls already go to :attr:`device`, so that work needs
        no :meth:`activate` block: one cheap query, for hot paths (False: activate)."""
        ...  # pragma: no cover


@runtime_checkable
class EventOps(Protocol):
    """CUDA events (every built-in backend has them; the runtime itself needs none)."""

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


@runtime_checkable
class MemoryInfo(Protocol):
    """Device-memory queries (every built-in backend has them; the runtime itself needs
    none)."""

    def mem_info(self) -> tuple[int, int]:
        """Returns ``(free, total)`` bytes of device memory on :attr:`device`."""
        ...  # pragma: no cover

    def pointer_device(self, ptr: int) -> int:
        """The device that owns ``ptr`` (from the driver's pointer attributes)."""
        ...  # pragma: no cover


@runtime_checkable
class GraphCapture(Protocol):
    """CUDA-graph stream capture, which every CUDA backend offers (``host`` does not).

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


@runtime_checkable
class BuiltinBackend(Backend, HotPath, ActiveQuery, EventOps, MemoryInfo, Protocol):
    """What every backend :func:`~trtcompat.backends.get_backend` returns offers: the
    required members and every capability but :class:`GraphCapture` (the CUDA backends
    have that too; ``host`` has not)."""


#: The members an object must have to be used as a backend: ``Backend``'s own, read from
#: the class (its attributes, then its methods), in the order an error lists them.
REQUIRED: tuple[str, ...] = tuple(Backend.__annotations__) + tuple(
    name for name, value in vars(Backend).items() if callable(value) and not name.startswith("_")
)


def missing_members(obj: object) -> list[str]:
    """The members of :data:`REQUIRED` that ``obj`` lacks (methods must be callable)."""
    missing = []
    for member in REQUIRED:
        value = getattr(obj, member, _ABSENT)
        if value is _ABSENT or (member not in Backend.__annotations__ and not callable(value)):
            missing.append(member)
    return missing


_ABSENT = object()
