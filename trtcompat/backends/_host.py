"""The host backend: "device" memory that is plain process memory.

For CPU-only machines and tests. Addresses are real pointers, so code that hands them to
ctypes, numpy or the testing fakes reads and writes real bytes; copies are synchronous
``memmove`` calls, streams and events are counters. It checks what a GPU would only corrupt
silently: null pointers, copies that run past the end of an allocation, double frees.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import itertools
import os
import threading
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from trtcompat.backends._common import (
    BoundStreamOps,
    HandleTable,
    OwnerTable,
    check_nbytes,
)
from trtcompat.errors import BackendError, DeviceError

__all__ = ["ALIGNMENT", "HostBackend"]

#: Every allocation starts on a multiple of this many bytes, like ``cudaMalloc``'s.
ALIGNMENT = 256


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): report 64 GiB
        return 64 << 30


class HostBackend:
    """Device memory, pinned memory, copies, streams and events in plain process memory.

    Attributes:
        name: Always ``"host"``.
        device: Always ``0``: the host backend has exactly one device.
    """

    name: str = "host"

    def __init__(self, device: int = 0) -> None:
        """Creates the backend.

        Raises:
            DeviceError: ``device`` is not 0.
        """
        if isinstance(device, bool) or device != 0:
            raise DeviceError(
                f"Device {device!r} does not exist: the host backend has 1 device (index 0); "
                "pass device=0"
            )
        self.device: int = 0
        self._memory = OwnerTable()
        self._streams = HandleTable("stream")
        self._events = HandleTable("event")
        # Handles start high and odd-looking so they are never mistaken for small indices.
        self._handles = itertools.count(0x5000)
        self._handle_lock = threading.Lock()
        self._total = _physical_memory()
        # A fresh value after every change to the allocation or stream tables (stream_ops).
        # Drawn from a counter (next() is atomic), so two threads changing the tables at once
        # never leave it at a value some copy was already checked in.
        self._epochs = itertools.count(1)
        self._epoch = 0
        # Per stream, so their checks are kept; an LRU of 256 streams.
        self._ops = functools.lru_cache(maxsize=256)(self._bind)

    # -- memory --------------------------------------------------------------------------

    def _alloc(self, nbytes: int, kind: str, op: str) -> int:
        size = check_nbytes(nbytes, op)
        # Over-allocate and start at the first aligned byte: numpy only promises 16 bytes.
        buf = np.empty(size + ALIGNMENT, dtype=np.uint8)
        base = int(buf.ctypes.data)
        ptr = base + (-base % ALIGNMENT)
        self._memory.add(ptr, buf, size, kind)
        self._epoch = next(self._epochs)
        return ptr

    def malloc(self, nbytes: int) -> int:
        """Allocates ``nbytes`` of "device" memory, 256-byte aligned; returns its address."""
        return self._alloc(nbytes, "device", "malloc")

    def free(self, ptr: int) -> None:
        """Frees memory from :meth:`malloc`; unknown and already-freed pointers raise."""
        self._memory.pop(ptr, "device", "free")
        self._epoch = next(self._epochs)

    def malloc_host(self, nbytes: int) -> int:
        """Allocates ``nbytes`` of host memory, 256-byte aligned; returns its address."""
        return self._alloc(nbytes, "host", "malloc_host")

    def free_host(self, ptr: int) -> None:
        """Frees memory from :meth:`malloc_host`; unknown and already-freed pointers raise."""
        self._memory.pop(ptr, "host", "free_host")
        self._epoch = next(self._epochs)

    def outstanding(self) -> int:
        """The number of live allocations, device and host together (for leak tests)."""
        return len(self._memory)

    def _check_range(self, ptr: int, nbytes: int, op: str) -> None:
        if ptr == 0:
            raise BackendError(
                f"Cannot {op}: null pointer for a copy of {nbytes} bytes; pass a live address"
            )
        # Foreign memory (a caller's numpy array) is allowed; a range that starts inside one
        # of our allocations must also end inside it, as it must on a GPU.
        found = self._memory.find(ptr)
        if found is not None and ptr + nbytes > found[0] + found[1]:
            start, size, kind = found
            raise BackendError(
                f"Cannot {op}: {nbytes} bytes at 0x{ptr:x} run past the end of the {size}-byte "
                f"{kind} allocation at 0x{start:x} (by {ptr + nbytes - start - size} bytes); "
                "copy at most what the allocation holds"
            )

    def _check_copy(self, dst: int, src: int, nbytes: int, stream: int, op: str) -> None:
        if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
            raise BackendError(
                f"Cannot {op}: size must be a non-negative int, got {nbytes!r}; pass a byte count"
            )
        self._check_stream(stream, op)
        if nbytes == 0:
            return
        self._check_range(dst, nbytes, op)
        self._check_range(src, nbytes, op)

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Copies ``nbytes`` from host ``src`` to "device" ``dst`` (synchronously)."""
        self.stream_ops(stream).htod(dst, src, nbytes)

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Copies ``nbytes`` from "device" ``src`` to host ``dst`` (synchronously)."""
        self.stream_ops(stream).dtoh(dst, src, nbytes)

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Copies ``nbytes`` between "device" addresses (synchronously)."""
        self.stream_ops(stream).dtod(dst, src, nbytes)

    def stream_ops(self, stream: int) -> BoundStreamOps:
        """The checked copies of ``stream``, made once per stream (see :meth:`_bind`)."""
        return self._ops(stream)

    def _bind(self, stream: int) -> BoundStreamOps:
        """Checked ``ctypes.memmove`` copies bound to ``stream`` (a
        :class:`~trtcompat.backends.StreamOps`); they raise BackendError, as the guarded
        methods do (there is nothing to translate).

        A hot loop repeats the same copies, so each ``(dst, src, nbytes)`` is checked once per
        epoch: the checks (live stream, ranges inside their allocations) read only the
        allocation and stream tables, and every change to those bumps ``_epoch``, so a copy
        checked in the current epoch would pass again. A freed or reallocated buffer, a
        destroyed stream, anything else starts a new epoch and the next copy is checked anew.
        """
        check, memmove = self._check_stream, ctypes.memmove
        # The copies that passed -> the epoch they passed in, bounded at 64 (varying pointers,
        # as zero-copy feeds make, would grow it without end) by dropping the oldest. A hit
        # is one dict lookup on the warm call's two copies: a typed lru_cache took ~0.1 µs
        # more per copy (benchmarks/cpu_overhead.py). Only an int size is looked up: True and
        # 1.0 equal a passed 1 but are refused as sizes every time.
        passed: dict[tuple[int, int, int], int] = {}

        def checked_copy(dst: int, src: int, nbytes: int, op: str) -> None:
            key, epoch = (dst, src, nbytes), self._epoch
            if type(nbytes) is not int or passed.get(key) != epoch:
                self._check_copy(dst, src, nbytes, stream, op)  # raises where it fails
                passed.pop(key, None)  # re-inserted last: the newest
                passed[key] = epoch
                if len(passed) > 64:
                    del passed[next(iter(passed))]
            if nbytes:
                memmove(dst, src, nbytes)

        def htod(dst: int, src: int, nbytes: int) -> None:
            checked_copy(dst, src, nbytes, "memcpy_htod_async")

        def dtoh(dst: int, src: int, nbytes: int) -> None:
            checked_copy(dst, src, nbytes, "memcpy_dtoh_async")

        def dtod(dst: int, src: int, nbytes: int) -> None:
            checked_copy(dst, src, nbytes, "memcpy_dtod_async")

        live = [-1]  # the epoch in which ``stream`` was last seen alive

        def synchronize() -> None:
            epoch = self._epoch  # read before the check: a change during it is seen next time
            if live[0] != epoch:
                check(stream, "synchronize")
                live[0] = epoch

        return BoundStreamOps(htod, dtoh, dtod, synchronize, (BackendError,))

    def translate_error(self, exc: BaseException, what: str) -> BackendError:
        """A BackendError saying what was being done, around ``exc``'s own message."""
        return BackendError(f"Backend 'host' (device 0): {what} failed: {exc}")

    # -- streams and events --------------------------------------------------------------

    def _new_handle(self) -> int:
        with self._handle_lock:
            return next(self._handles)

    def _check_stream(self, stream: int, op: str) -> None:
        # 0 is the default stream; anything else must be alive, as CUDA would require.
        if stream != 0 and stream not in self._streams:
            raise BackendError(
                f"Cannot {op}: stream 0x{stream:x} is not a live stream of this backend; use "
                "one from create_stream() that was not destroyed, or 0"
            )

    def create_stream(self) -> int:
        """Creates a stream handle (a counter: host copies are synchronous)."""
        handle = self._streams.add(self._new_handle(), None)
        self._epoch = next(self._epochs)
        return handle

    def destroy_stream(self, stream: int) -> None:
        """Destroys a stream from :meth:`create_stream`."""
        self._streams.pop(stream, "destroy_stream")
        self._epoch = next(self._epochs)

    def synchronize(self, stream: int) -> None:
        """Returns at once (all work is already done) after checking the handle."""
        self.stream_ops(stream).synchronize()

    def create_event(self) -> int:
        """Creates an event handle."""
        return self._events.add(self._new_handle(), None)

    def record_event(self, event: int, stream: int) -> None:
        """Records ``event`` on ``stream`` (checks both handles)."""
        self._check_stream(stream, "record_event")
        self._events.require(event, "record_event")

    def event_synchronize(self, event: int) -> None:
        """Returns at once after checking the handle."""
        self._events.require(event, "event_synchronize")

    def destroy_event(self, event: int) -> None:
        """Destroys an event from :meth:`create_event`."""
        self._events.pop(event, "destroy_event")

    # -- queries -------------------------------------------------------------------------

    def mem_info(self) -> tuple[int, int]:
        """``(free, total)``: physical RAM, less the bytes of live allocations.

        The free figure is this backend's own accounting (not the OS's free memory), so it
        returns exactly to its starting value once everything is freed.
        """
        used = self._memory.total_bytes()
        return max(self._total - used, 0), self._total

    def activate(self) -> AbstractContextManager[None]:
        """A no-op context manager: there is no device to make current."""
        return contextlib.nullcontext()

    def is_active(self) -> bool:
        """Always True: there is no device to switch to."""
        return True

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """A numpy array viewing ``ptr`` without a copy; it keeps ``owner`` alive."""
        dt = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        nbytes = count * dt.itemsize
        if nbytes == 0:
            return np.empty(shape, dtype=dt)
        self._check_range(ptr, nbytes, "device_array")
        buf = (ctypes.c_uint8 * nbytes).from_address(ptr)
        # numpy keeps ``buf`` alive through arr.base; hang the owner on it in turn.
        setattr(buf, "_trtcompat_owner", owner)  # noqa: B010  (ctypes arrays take attributes)
        return np.frombuffer(buf, dtype=dt, count=count).reshape(shape)  # type: ignore[call-overload,unused-ignore]

    def pointer_device(self, ptr: int) -> int:
        """0 for an address inside a live allocation.

        Raises:
            BackendError: ``ptr`` is not inside any live allocation of this backend.
        """
        if self._memory.find(ptr) is None:
            raise BackendError(
                f"Cannot pointer_device(0x{ptr:x}): not inside a live allocation; pass an "
                "address this backend allocated"
            )
        return 0

    def __repr__(self) -> str:
        return f"HostBackend(device=0, outstanding={self.outstanding()})"
