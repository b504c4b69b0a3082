"""A backend wrapper that fails on purpose: the k-th allocation, copy or stream call raises.

Error paths are where leaks hide, and a real GPU almost never fails on demand. Wrap any
backend (usually ``get_backend("host")``), run a workload once with ``k=None`` to count its
calls, then once per ``k`` to make each call fail in turn; after each failure the wrapper's
books say whether everything allocated before it was released::

    counting = FaultInjectingBackend(get_backend("host"), "alloc")
    run(counting)                                  # how many allocations does it make?
    for k in range(1, counting.matching_calls + 1):
        faulty = FaultInjectingBackend(get_backend("host"), "alloc", k)
        with pytest.raises(trtcompat.BackendError):
            run(faulty)
        assert faulty.live_allocations == 0 and faulty.live_streams == 0

Release calls (``free``, ``free_host``, ``destroy_stream``, ``destroy_event``) are never
failed: cleanup relies on them, and a release that fails leaks by definition, so failing
them would only test that a leak is a leak. They are counted, which is what the books need.
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import AbstractContextManager
from typing import Any, Callable, Literal, get_args

from ..backends import BoundStreamOps, BuiltinBackend, StreamOps
from ..errors import BackendError

__all__ = ["FAULT_KINDS", "FaultInjectingBackend", "FaultKind"]

#: What a :class:`FaultInjectingBackend` can fail: allocations, copies, stream and event
#: calls, or any of them.
FaultKind = Literal["alloc", "copy", "stream", "any"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)

# Which Backend methods belong to which kind. Releases are deliberately in none of them.
_KIND_OF: dict[str, str] = {
    "malloc": "alloc",
    "malloc_host": "alloc",
    "memcpy_htod_async": "copy",
    "memcpy_dtoh_async": "copy",
    "memcpy_dtod_async": "copy",
    "create_stream": "stream",
    "synchronize": "stream",
    "create_event": "stream",
    "record_event": "stream",
    "event_synchronize": "stream",
}


class FaultInjectingBackend:
    """A :class:`~trtcompat.backends.Backend` that forwards to ``inner`` and fails on purpose.

    Args:
        inner: The backend doing the real work.
        fail_on: Which calls are counted towards ``k``: ``"alloc"`` (``malloc``,
            ``malloc_host``), ``"copy"`` (the three ``memcpy_*_async``), ``"stream"``
            (``create_stream``, ``synchronize`` and the event calls) or ``"any"`` of those.
        k: The 1-based number of the matching call that fails, or None (never fail; use it to
            count the calls a workload makes). The failing call raises
            :class:`trtcompat.BackendError` *before* reaching ``inner``, as a CUDA call that
            fails has no effect; later calls succeed again.

    Attributes:
        name: ``inner``'s name, so messages read the same as without the wrapper.
        device: ``inner``'s device.
        calls: How many times each method was called (failed calls included).
        matching_calls: How many calls of kind ``fail_on`` were made (the failed one included).
        fault: The error raised by the injected fault, once it has fired.

    Raises:
        ValueError: ``fail_on`` is not a known kind or ``k`` is not a positive int.
    """

    def __init__(
        self, inner: BuiltinBackend, fail_on: FaultKind = "any", k: int | None = None
    ) -> None:
        if fail_on not in FAULT_KINDS:
            raise ValueError(
                f"fail_on={fail_on!r} is not a fault kind; use one of "
                f"{', '.join(repr(kind) for kind in FAULT_KINDS)}."
            )
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
            raise ValueError(f"k={k!r} must be a positive int (1 fails the first call), or None.")
        self.inner = inner
        self.name: str = inner.name
        self.device: int = inner.device
        self.fail_on: FaultKind = fail_on
        self.k = k
        self.calls: Counter[str] = Counter()
        self.matching_calls = 0
        self.fault: BackendError | None = None
        # Live handles by kind: a set rather than a count, so that freeing a pointer this
        # wrapper never handed out cannot make the books balance by accident.
        self._live: dict[str, set[int]] = {
            "device": set(),
            "host": set(),
            "stream": set(),
            "event": set(),
        }
        self._lock = threading.Lock()

    # -- bookkeeping ---------------------------------------------------------------------

    def _enter(self, op: str) -> None:
        """Counts ``op`` and raises the injected fault when it is the k-th matching call."""
        kind = _KIND_OF.get(op)
        with self._lock:
            self.calls[op] += 1
            if kind is None or (self.fail_on != "any" and kind != self.fail_on):
                return
            self.matching_calls += 1
            if self.matching_calls != self.k:
                return
            self.fault = BackendError(
                f"{op} failed: injected fault ({self.fail_on} call #{self.k}, "
                f"FaultInjectingBackend over {self.inner.name!r})"
            )
            fault = self.fault
        raise fault

    def _release(self, op: str, what: str, handle: int) -> None:
        with self._lock:
            self.calls[op] += 1
            self._live[what].discard(handle)

    def _add(self, what: str, handle: int) -> int:
        with self._lock:
            self._live[what].add(handle)
        return handle

    @property
    def live_allocations(self) -> int:
        """Device and host allocations made through this wrapper and not yet freed."""
        return len(self._live["device"]) + len(self._live["host"])

    @property
    def live_streams(self) -> int:
        """Streams created through this wrapper and not yet destroyed."""
        return len(self._live["stream"])

    @property
    def live_events(self) -> int:
        """Events created through this wrapper and not yet destroyed."""
        return len(self._live["event"])

    @property
    def allocations(self) -> int:
        """``malloc`` + ``malloc_host`` calls made (an injected failure included)."""
        return self.calls["malloc"] + self.calls["malloc_host"]

    @property
    def frees(self) -> int:
        """``free`` + ``free_host`` calls that the inner backend accepted."""
        return self.calls["free"] + self.calls["free_host"]

    def balanced(self) -> bool:
        """Whether every allocation, stream and event made through the wrapper was released."""
        return not (self.live_allocations or self.live_streams or self.live_events)

    # -- memory --------------------------------------------------------------------------

    def malloc(self, nbytes: int) -> int:
        """Forwards to ``inner.malloc`` unless this is the call chosen to fail."""
        self._enter("malloc")
        return self._add("device", self.inner.malloc(nbytes))

    def free(self, ptr: int) -> None:
        """Forwards to ``inner.free`` (never injected)."""
        self.inner.free(ptr)
        self._release("free", "device", ptr)

    def malloc_host(self, nbytes: int) -> int:
        """Forwards to ``inner.malloc_host`` unless this is the call chosen to fail."""
        self._enter("malloc_host")
        return self._add("host", self.inner.malloc_host(nbytes))

    def free_host(self, ptr: int) -> None:
        """Forwards to ``inner.free_host`` (never injected)."""
        self.inner.free_host(ptr)
        self._release("free_host", "host", ptr)

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Forwards unless this is the call chosen to fail."""
        self._enter("memcpy_htod_async")
        self.inner.memcpy_htod_async(dst, src, nbytes, stream)

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Forwards unless this is the call chosen to fail."""
        self._enter("memcpy_dtoh_async")
        self.inner.memcpy_dtoh_async(dst, src, nbytes, stream)

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        """Forwards unless this is the call chosen to fail."""
        self._enter("memcpy_dtod_async")
        self.inner.memcpy_dtod_async(dst, src, nbytes, stream)

    # -- streams and events --------------------------------------------------------------

    def create_stream(self) -> int:
        """Forwards unless this is the call chosen to fail."""
        self._enter("create_stream")
        return self._add("stream", self.inner.create_stream())

    def destroy_stream(self, stream: int) -> None:
        """Forwards (never injected)."""
        self.inner.destroy_stream(stream)
        self._release("destroy_stream", "stream", stream)

    def synchronize(self, stream: int) -> None:
        """Forwards unless this is the call chosen to fail."""
        self._enter("synchronize")
        self.inner.synchronize(stream)

    def create_event(self) -> int:
        """Forwards unless this is the call chosen to fail."""
        self._enter("create_event")
        return self._add("event", self.inner.create_event())

    def record_event(self, event: int, stream: int) -> None:
        """Forwards unless this is the call chosen to fail."""
        self._enter("record_event")
        self.inner.record_event(event, stream)

    def event_synchronize(self, event: int) -> None:
        """Forwards unless this is the call chosen to fail."""
        self._enter("event_synchronize")
        self.inner.event_synchronize(event)

    def destroy_event(self, event: int) -> None:
        """Forwards (never injected)."""
        self.inner.destroy_event(event)
        self._release("destroy_event", "event", event)

    def stream_ops(self, stream: int) -> StreamOps:
        """``inner.stream_ops(stream)``, each copy and the synchronize counted and failed
        as the guarded methods are (the fault raises before the inner call)."""
        ops = self.inner.stream_ops(stream)

        def counted(op: str, fn: Callable[..., None]) -> Callable[..., None]:
            def call(*args: int) -> None:
                self._enter(op)
                fn(*args)

            return call

        return BoundStreamOps(
            counted("memcpy_htod_async", ops.htod),
            counted("memcpy_dtoh_async", ops.dtoh),
            counted("memcpy_dtod_async", ops.dtod),
            counted("synchronize", ops.synchronize),
            (*ops.errors, BackendError),
            ops.launch_graph,  # never injected: this wrapper offers no graph capture
        )

    def translate_error(self, exc: BaseException, what: str) -> BackendError:
        """The injected fault itself (so callers see its message), else ``inner``'s words."""
        if exc is self.fault:
            return self.fault
        return self.inner.translate_error(exc, what)

    # -- pass-through queries (neither counted nor failed) --------------------------------

    def mem_info(self) -> tuple[int, int]:
        """``inner.mem_info()``."""
        return self.inner.mem_info()

    def activate(self) -> AbstractContextManager[None]:
        """``inner.activate()``."""
        return self.inner.activate()

    def is_active(self) -> bool:
        """``inner.is_active()``."""
        return bool(self.inner.is_active())

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        """``inner.device_array(...)``."""
        return self.inner.device_array(ptr, shape, dtype, owner)

    def pointer_device(self, ptr: int) -> int:
        """``inner.pointer_device(ptr)``."""
        return self.inner.pointer_device(ptr)

    def __repr__(self) -> str:
        k = "never" if self.k is None else f"k={self.k}"
        return (
            f"FaultInjectingBackend({self.inner!r}, fail_on={self.fail_on!r}, {k}, "
            f"live={self.live_allocations} allocations/{self.live_streams} streams)"
        )
