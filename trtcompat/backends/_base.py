"""What the four CUDA backends share: device check, owner and handle tables, device
switching, error translation, a small-block pinned pool, and every public method.

A backend module subclasses :class:`CudaBackendBase` and supplies only its library's calls
(the ``_lib_*`` hooks). Each hook raises one of the class's :attr:`~CudaBackendBase.errors`
on failure; the public methods run it under the device guard and turn that into a
:class:`~trtcompat.BackendError` through :meth:`~CudaBackendBase.translate_error`, the same
method that hot paths call for what a :class:`~trtcompat.backends.StreamOps` raised.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from trtcompat.backends._common import (
    BoundStreamOps,
    CudaArrayView,
    CudaCallError,
    HandleTable,
    OwnerTable,
    check_device,
    check_nbytes,
    fix_for,
)
from trtcompat.errors import BackendError, BackendUnavailableError

__all__ = ["ActiveGuard", "CudaBackendBase", "PinnedPool"]

_T = TypeVar("_T")


class ActiveGuard:
    """A backend's device guard, and how it is skipped inside its own ``activate()`` block.

    Every backend call makes its device current (push a context, set a device) and restores
    the previous one; the Runner wraps a whole inference in ``activate()`` once, so the calls
    inside need not pay that again. The depth is per thread, as CUDA's current device is.
    Plain classes, not generator context managers: this runs several times per inference.

    Args:
        enter: Makes the device current; returns what ``leave`` needs to restore.
        leave: Restores what ``enter`` returned.
    """

    def __init__(self, enter: Callable[[], Any], leave: Callable[[Any], None]) -> None:
        self.enter = enter
        self.leave = leave
        self.local = threading.local()

    def call_guard(self) -> AbstractContextManager[None]:
        """The guard one call needs: none inside ``activate()``, else a device switch."""
        if getattr(self.local, "depth", 0):
            return _NOTHING
        return _Switch(self)

    def activate(self) -> AbstractContextManager[None]:
        """Switches to the device once, for everything inside the block (re-entrant)."""
        return _Activation(self)


_NOTHING: AbstractContextManager[None] = nullcontext()


class _Switch:
    __slots__ = ("guard", "token")

    def __init__(self, guard: ActiveGuard) -> None:
        self.guard = guard
        self.token: Any = None

    def __enter__(self) -> None:
        self.token = self.guard.enter()

    def __exit__(self, *exc: object) -> None:
        self.guard.leave(self.token)


class _Activation(_Switch):
    __slots__ = ()

    def __enter__(self) -> None:
        self.token = self.guard.enter()
        local = self.guard.local
        local.depth = getattr(local, "depth", 0) + 1

    def __exit__(self, *exc: object) -> None:
        self.guard.local.depth -= 1
        self.guard.leave(self.token)


class _Chunk:
    __slots__ = ("base", "live", "offset", "owner", "size")

    def __init__(self, base: int, size: int, owner: object) -> None:
        self.base, self.size, self.owner = base, size, owner
        self.offset = 0
        self.live = 0


class PinnedPool:
    """Small pinned-host blocks carved from 1 MiB pinned chunks.

    Pinning is the expensive part of an allocation (tens of µs per call: the driver locks
    the pages and maps them for the GPU), and ``allocate_buffers`` makes one pinned buffer
    per tensor. Blocks up to :attr:`SMALL` bytes are cut from a chunk with a bump pointer,
    256-byte aligned; a chunk is unpinned when its last block is freed, except the newest,
    which stays for the next allocations (so one chunk at most is held with nothing in it).
    Freed blocks are not reused until their whole chunk is free, so a block is never handed
    out again while a copy of its previous owner might still be queued.

    Args:
        alloc: Pins ``size`` bytes; returns ``(address, owner)``.
        free: Unpins what ``alloc`` returned.
    """

    #: Chunk size in bytes.
    CHUNK = 1 << 20
    #: Requests up to this many bytes come from the pool; larger ones are pinned on their own.
    SMALL = 128 << 10
    _ALIGN = 256

    def __init__(
        self, alloc: Callable[[int], tuple[int, object]], free: Callable[[int, object], None]
    ) -> None:
        self._alloc = alloc
        self._free = free
        self._lock = threading.Lock()
        self._current: _Chunk | None = None
        self._chunk_of: dict[int, _Chunk] = {}

    def allocate(self, size: int) -> int:
        """A block of ``size`` (<= :attr:`SMALL`) bytes; library errors propagate."""
        need = -(-size // self._ALIGN) * self._ALIGN
        with self._lock:
            chunk = self._current
            if chunk is None or chunk.offset + need > chunk.size:
                base, owner = self._alloc(self.CHUNK)
                retired, chunk = chunk, _Chunk(base, self.CHUNK, owner)
                self._current = chunk
                if retired is not None and retired.live == 0:
                    self._free(retired.base, retired.owner)
            ptr = chunk.base + chunk.offset
            chunk.offset += need
            chunk.live += 1
            self._chunk_of[ptr] = chunk
        return ptr

    def owns(self, ptr: int) -> bool:
        """Whether ``ptr`` is a live block of this pool."""
        return ptr in self._chunk_of

    def release(self, ptr: int) -> None:
        """Returns a block; unpins its chunk when that was the chunk's last live block."""
        with self._lock:
            chunk = self._chunk_of.pop(ptr)
            chunk.live -= 1
            if chunk.live:
                return
            if chunk is self._current:
                chunk.offset = 0  # empty: the next allocations start over in it
                return
        self._free(chunk.base, chunk.owner)

    def drain(self) -> None:
        """Unpins the kept chunk if nothing lives in it (for leak checks and tests)."""
        with self._lock:
            chunk = self._current
            if chunk is None or chunk.live:
                return
            self._current = None
        self._free(chunk.base, chunk.owner)


class CudaBackendBase:
    """Every public :class:`~trtcompat.backends.Backend` method, over per-library hooks.

    Subclasses set :attr:`name` and :attr:`errors` and implement the ``_lib_*`` hooks (plain
    library calls that raise one of :attr:`errors`), plus :meth:`_bind` for the hot-path
    callables. Everything else (the device check, the owner and handle tables, the device
    guard, error words and fixes) lives here once.

    Attributes:
        name: The registry name.
        device: The CUDA device index.
        errors: The library's exception types that its calls (and :meth:`stream_ops`) raise.
    """

    name: str = ""
    errors: tuple[type[BaseException], ...] = (CudaCallError,)

    def __init__(self, device: int = 0) -> None:
        """Checks the driver and the device index.

        Raises:
            BackendUnavailableError: No usable driver or no GPU.
            DeviceError: ``device`` does not exist.
        """
        try:
            count = self._lib_device_count()
        except self.errors as exc:  # no driver, driver too old, no device
            raise BackendUnavailableError(
                f"Backend {self.name!r} cannot use CUDA: {self._describe(exc)}; check the "
                "NVIDIA driver with nvidia-smi"
            ) from exc
        check_device(self.name, device, count)
        self.device: int = device
        #: The process sees this one device only: whatever the current device of a thread,
        #: the runtime API's calls go to it (``is_active`` of the runtime backends skips the
        #: query; the driver's can't, as another context of the device may be current).
        self._only_device = count == 1
        self._memory = OwnerTable()
        self._streams = HandleTable("stream")
        self._events = HandleTable("event")
        self._graphs = HandleTable("graph")
        self._pinned = PinnedPool(self._pin_chunk, self._unpin_chunk)
        # Bound once per stream: an LRU of 256 streams (streams of other libraries count too).
        self._ops = functools.lru_cache(maxsize=256)(self._bind)
        self._guard = ActiveGuard(self._lib_enter_device, self._lib_leave_device)

    # -- hooks: one library call each; raise one of ``errors`` on failure ---------------------
    def _lib_device_count(self) -> int:
        raise NotImplementedError

    def _lib_enter_device(self) -> Any:
        raise NotImplementedError

    def _lib_leave_device(self, token: Any) -> None:
        raise NotImplementedError

    def _lib_malloc(self, size: int) -> tuple[int, object]:
        raise NotImplementedError

    def _lib_free(self, ptr: int, owner: object) -> None:
        raise NotImplementedError

    def _lib_after_free(self) -> None:
        """Runs after :meth:`free` dropped the owner (a caching allocator can release now)."""

    def _lib_malloc_host(self, size: int) -> tuple[int, object]:
        raise NotImplementedError

    def _lib_free_host(self, ptr: int, owner: object) -> None:
        raise NotImplementedError

    def _lib_create_stream(self) -> tuple[int, object]:
        raise NotImplementedError

    def _lib_destroy_stream(self, stream: int, obj: object) -> None:
        raise NotImplementedError

    def _lib_create_event(self) -> tuple[int, object]:
        raise NotImplementedError

    def _lib_record_event(self, event: int, obj: object, stream: int) -> None:
        raise NotImplementedError

    def _lib_event_synchronize(self, event: int, obj: object) -> None:
        raise NotImplementedError

    def _lib_destroy_event(self, event: int, obj: object) -> None:
        raise NotImplementedError

    def _lib_mem_info(self) -> tuple[int, int]:
        raise NotImplementedError

    def _lib_pointer_device(self, ptr: int) -> int | None:
        """The device of ``ptr``, or None for memory CUDA does not know."""
        raise NotImplementedError

    def _lib_begin_capture(self, stream: int) -> None:
        raise NotImplementedError

    def _lib_end_capture(self, stream: int) -> tuple[int, object]:
        """Ends the capture, instantiates it, frees the graph; returns the executable."""
        raise NotImplementedError

    def _lib_destroy_graph(self, graph: int, obj: object) -> None:
        raise NotImplementedError

    def _bind(self, stream: int) -> BoundStreamOps:
        """The library's copy, synchronize and graph-launch calls with ``stream`` fixed (the
        guarded copy, synchronize and ``launch_graph`` methods run these too)."""
        raise NotImplementedError

    def _describe(self, exc: BaseException) -> str:
        """The library's words for ``exc`` (its error name and text)."""
        return str(exc)

    # -- the guard and the error words ---------------------------------------------------
    def activate(self) -> AbstractContextManager[None]:
        """Makes :attr:`device` current in this thread; restores the previous state on exit."""
        return self._guard.activate()

    def is_active(self) -> bool:
        """Whether this thread's CUDA calls already go to :attr:`device` (its primary context),
        so that work needs no :meth:`activate` block. One cheap query, for hot paths: where
        it says False, use :meth:`activate`."""
        raise NotImplementedError

    def translate_error(self, exc: BaseException, what: str) -> BackendError:
        """The typed error for ``exc`` (one of :attr:`errors`) raised while doing ``what``.

        The message says which backend and device, what failed, the library's own words for
        it, and what to do.
        """
        detail = self._describe(exc)
        return BackendError(
            f"Backend {self.name!r} (device {self.device}): {what} failed: {detail}. "
            f"{fix_for(detail)}."
        )

    def _call(self, what: Callable[[], str], fn: Callable[..., _T], *args: Any) -> _T:
        """Runs a hook under the device guard; its library error becomes a BackendError.

        ``what`` is a callable so that the message is formatted only on failure.
        """
        try:
            with self._guard.call_guard():
                return fn(*args)
        except self.errors as exc:
            raise self.translate_error(exc, what()) from exc

    # -- memory ------------------------------------------------------------------------------
    def malloc(self, nbytes: int) -> int:
        """Allocates ``nbytes`` of device memory (256-byte aligned); returns its address."""
        size = check_nbytes(nbytes, "malloc")
        ptr, owner = self._call(lambda: f"malloc({size} bytes)", self._lib_malloc, size)
        self._memory.add(ptr, owner, size, "device")
        return ptr

    def free(self, ptr: int) -> None:
        """Frees device memory from :meth:`malloc`; unknown and freed pointers raise."""
        owner = self._memory.pop(ptr, "device", "free")
        self._call(lambda: f"free(0x{ptr:x})", self._lib_free, ptr, owner)
        del owner  # the last reference: an owner object (a tensor) frees its memory now
        self._call(lambda: f"free(0x{ptr:x})", self._lib_after_free)

    def malloc_host(self, nbytes: int) -> int:
        """Allocates ``nbytes`` of page-locked host memory; returns its address.

        Small requests come from a pinned pool (see :class:`PinnedPool`).
        """
        size = check_nbytes(nbytes, "malloc_host")
        if size <= PinnedPool.SMALL:
            ptr = self._call(lambda: f"malloc_host({size} bytes)", self._pinned.allocate, size)
            self._memory.add(ptr, self._pinned, size, "host")
            return ptr
        ptr, owner = self._call(lambda: f"malloc_host({size} bytes)", self._lib_malloc_host, size)
        self._memory.add(ptr, owner, size, "host")
        return ptr

    def free_host(self, ptr: int) -> None:
        """Frees host memory from :meth:`malloc_host`; unknown and freed pointers raise."""
        owner = self._memory.pop(ptr, "host", "free_host")
        if owner is self._pinned:
            self._call(lambda: f"free_host(0x{ptr:x})", self._pinned.release, ptr)
        else:
            self._call(lambda: f"free_host(0x{ptr:x})", self._lib_free_host, ptr, owner)

    def _pin_chunk(self, size: int) -> tuple[int, object]:
        return self._lib_malloc_host(size)

    def _unpin_chunk(self, ptr: int, owner: object) -> None:
        self._lib_free_host(ptr, owner)

    # -- copies ------------------------------------------------------------------------------
    def stream_ops(self, stream: int) -> BoundStreamOps:
        """The library's copy and synchronize calls bound to ``stream`` (a
        :class:`~trtcompat.backends.StreamOps`); valid only inside :meth:`activate`."""
        return self._ops(stream)

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a host-to-device copy on ``stream``."""
        ops = self.stream_ops(stream)
        try:
            with self._guard.call_guard():
                ops.htod(dst, src, nbytes)
        except ops.errors as exc:
            raise self.translate_error(
                exc, _copy_words("host-to-device", dst, src, nbytes)
            ) from exc

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-host copy on ``stream``."""
        ops = self.stream_ops(stream)
        try:
            with self._guard.call_guard():
                ops.dtoh(dst, src, nbytes)
        except ops.errors as exc:
            raise self.translate_error(
                exc, _copy_words("device-to-host", dst, src, nbytes)
            ) from exc

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Enqueues a device-to-device copy on ``stream``."""
        ops = self.stream_ops(stream)
        try:
            with self._guard.call_guard():
                ops.dtod(dst, src, nbytes)
        except ops.errors as exc:
            raise self.translate_error(
                exc, _copy_words("device-to-device", dst, src, nbytes)
            ) from exc

    def synchronize(self, stream: int) -> None:
        """Blocks until all work on ``stream`` is done."""
        ops = self.stream_ops(stream)
        try:
            with self._guard.call_guard():
                ops.synchronize()
        except ops.errors as exc:
            raise self.translate_error(exc, f"synchronize(stream 0x{stream:x})") from exc

    # -- streams and events --------------------------------------------------------------------
    def create_stream(self) -> int:
        """Creates a blocking stream (ordered with the legacy default stream); its handle."""
        handle, obj = self._call(lambda: "create_stream()", self._lib_create_stream)
        return self._streams.add(handle, obj)

    def destroy_stream(self, stream: int) -> None:
        """Destroys a stream from :meth:`create_stream`."""
        obj = self._streams.pop(stream, "destroy_stream")
        self._call(lambda: f"destroy_stream(0x{stream:x})", self._lib_destroy_stream, stream, obj)
        # Its ops are forgotten (with the others': destroying a stream is rare, and holders of
        # ops keep theirs), so a new stream that reuses the handle gets ops of its own.
        self._ops.cache_clear()

    def create_event(self) -> int:
        """Creates an event (timing disabled); returns its handle."""
        handle, obj = self._call(lambda: "create_event()", self._lib_create_event)
        return self._events.add(handle, obj)

    def record_event(self, event: int, stream: int) -> None:
        """Records ``event`` on ``stream``."""
        obj = self._events.require(event, "record_event")
        self._call(
            lambda: f"record_event(0x{event:x}, stream 0x{stream:x})",
            self._lib_record_event,
            event,
            obj,
            stream,
        )

    def event_synchronize(self, event: int) -> None:
        """Blocks until ``event`` has completed."""
        obj = self._events.require(event, "event_synchronize")
        self._call(
            lambda: f"event_synchronize(0x{event:x})", self._lib_event_synchronize, event, obj
        )

    def destroy_event(self, event: int) -> None:
        """Destroys an event from :meth:`create_event`."""
        obj = self._events.pop(event, "destroy_event")
        self._call(lambda: f"destroy_event(0x{event:x})", self._lib_destroy_event, event, obj)

    # -- queries -----------------------------------------------------------------------------
    def mem_info(self) -> tuple[int, int]:
        """``(free, total)`` bytes of device memory on :attr:`device`."""
        free, total = self._call(lambda: "mem_info()", self._lib_mem_info)
        return int(free), int(total)

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A :class:`CudaArrayView` (``__cuda_array_interface__``) over ``ptr``."""
        return CudaArrayView(ptr, shape, dtype, owner)

    def pointer_device(self, ptr: int) -> int:
        """The device that owns ``ptr``, from the driver's pointer attributes.

        Raises:
            BackendError: ``ptr`` is not memory CUDA knows (plain host memory).
        """
        found = self._call(lambda: f"pointer_device(0x{ptr:x})", self._lib_pointer_device, ptr)
        if found is None:
            raise BackendError(
                f"Backend {self.name!r}: pointer_device(0x{ptr:x}) failed: not memory known "
                "to CUDA (plain host memory); pass a device or pinned address"
            )
        return found

    # -- CUDA graphs (GraphCapture) --------------------------------------------------------
    def begin_capture(self, stream: int) -> None:
        """Starts capturing ``stream`` in thread-local mode: other threads' CUDA calls (their
        own Runners, allocations) stay legal while this stream records."""
        self._call(lambda: f"begin_capture(0x{stream:x})", self._lib_begin_capture, stream)

    def end_capture(self, stream: int) -> int:
        """Ends the capture and instantiates it; returns the executable graph's handle."""
        handle, obj = self._call(
            lambda: f"end_capture(0x{stream:x})", self._lib_end_capture, stream
        )
        return self._graphs.add(handle, obj)

    def launch_graph(self, graph: int, stream: int) -> None:
        """Launches an executable graph from :meth:`end_capture` on ``stream``."""
        self._graphs.require(graph, "launch_graph")  # a handle this backend does not hold
        ops = self.stream_ops(stream)  # the one library call, bound for the hot path too
        try:
            with self._guard.call_guard():
                ops.launch_graph(graph)
        except ops.errors as exc:
            raise self.translate_error(exc, f"launch_graph(0x{graph:x})") from exc

    def destroy_graph(self, graph: int) -> None:
        """Destroys an executable graph from :meth:`end_capture`."""
        obj = self._graphs.pop(graph, "destroy_graph")
        self._call(lambda: f"destroy_graph(0x{graph:x})", self._lib_destroy_graph, graph, obj)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(device={self.device})"


def _copy_words(direction: str, dst: int, src: int, nbytes: int) -> str:
    return f"{direction} copy of {nbytes} bytes (0x{src:x} -> 0x{dst:x})"
