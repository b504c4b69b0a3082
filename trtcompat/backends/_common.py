"""Pieces every backend shares: owner tables, argument checks, error builders, bound
stream operations, a CAI view.

Nothing here imports a CUDA library; numpy is the only third-party import.
"""

from __future__ import annotations

import bisect
import functools
import math
import threading
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Tuple

import numpy as np

from trtcompat.errors import BackendError, BackendUnavailableError, DeviceError

__all__ = [
    "EXTRAS",
    "BoundStreamOps",
    "StreamOpsCache",
    "CudaArrayView",
    "CopyArgs",
    "CudaCallError",
    "GraphReplay",
    "GraphReplayBuilder",
    "HandleTable",
    "OwnerTable",
    "RoundTrip",
    "RoundTripBuilder",
    "bound_round_trip",
    "check_device",
    "check_nbytes",
    "fix_for",
    "no_graphs",
    "sequential_graph_replay",
    "sequential_round_trip",
    "unavailable",
]

#: Each backend's library as pip names it, and the trtcompat extra that installs it.
#: trtcompat itself is installed from a checkout or a built wheel (README, "Install").
EXTRAS: dict[str, tuple[str, str]] = {
    "pycuda": ("pycuda", "pycuda"),
    "cuda_python": ("cuda-python", "cuda"),
    "cupy": ("cupy-cuda12x", "cupy"),
    "torch": ("torch", "torch"),
}


def unavailable(name: str, package: str, exc: BaseException) -> BackendUnavailableError:
    """The error for backend ``name`` whose ``package`` failed to import; names the pip extra."""
    return BackendUnavailableError(
        f"Backend {name!r} needs {package}, which could not be imported ({exc}); "
        f"install it with: pip install {EXTRAS[name][0]} (trtcompat's {EXTRAS[name][1]!r} extra)"
    )


class CudaCallError(RuntimeError):
    """A CUDA call returned an error code (for libraries that return codes, not raise).

    cuda-python returns ``(err, ...)`` tuples and the driver API (ctypes ``libcuda``) returns a
    ``CUresult``; their :class:`~trtcompat.backends.StreamOps` raise this, and the backend's
    ``translate_error`` words it.

    Attributes:
        code: The error code (a ``cudaError_t`` or ``CUresult``; compare with ``int()``).
        call: The CUDA function that returned it.
    """

    def __init__(self, code: Any, call: str) -> None:
        super().__init__(f"{call} returned error {int(code)}")
        self.code = code
        self.call = call


def no_graphs(graph: int) -> None:
    """The ``launch_graph`` of a backend that cannot capture graphs: refuses."""
    raise BackendError(
        f"This backend cannot launch CUDA graphs (graph 0x{graph:x}); use a GPU backend "
        "(pycuda, cuda_python, cupy, torch)."
    )


# The aliases below are evaluated at import: typing's generics, as Python 3.8's
# collections.abc and tuple are not subscriptable.
#: ``(destination, source, bytes)`` of one copy.
CopyArgs = Tuple[int, int, int]
#: ``work(arg) -> bool``: copies in, ``launch(arg)``, copies out, synchronize; False (and
#: nothing after the launch) where the launch returned False.
RoundTrip = typing.Callable[[Any], bool]


class RoundTripBuilder(typing.Protocol):
    """``build(uploads, launch, downloads, wait=True) -> RoundTrip``, the copies fixed when it
    is built; with ``wait=False`` the round trip enqueues everything and does not synchronize."""

    def __call__(
        self,
        uploads: Sequence[CopyArgs],
        launch: Callable[[Any], Any],
        downloads: Sequence[CopyArgs],
        wait: bool = True,
    ) -> RoundTrip:
        ...  # pragma: no cover


def bound_round_trip(
    bind_htod: Callable[[int, int, int], Callable[[], object]],
    bind_dtoh: Callable[[int, int, int], Callable[[], object]],
    synchronize: Callable[[], None],
) -> RoundTripBuilder:
    """A round trip whose copies are bound once: ``bind_htod(dst, src, nbytes)`` returns the
    copy as a callable of no arguments that raises on failure (ideally a ``functools.partial``
    of the library call, which runs no Python frame). Libraries that return error codes
    instead of raising check them inline in their own round trip (cuda-python, the driver)."""

    def build(
        uploads: Sequence[CopyArgs],
        launch: Callable[[Any], Any],
        downloads: Sequence[CopyArgs],
        wait: bool = True,
    ) -> RoundTrip:
        ups = tuple(bind_htod(*copy) for copy in uploads)
        downs = tuple(bind_dtoh(*copy) for copy in downloads)

        def work(arg: Any) -> bool:
            for copy in ups:
                copy()
            if not launch(arg):
                return False
            for copy in downs:
                copy()
            if wait:
                synchronize()
            return True

        return work

    return build


def sequential_round_trip(
    htod: Callable[[int, int, int], None],
    dtoh: Callable[[int, int, int], None],
    synchronize: Callable[[], None],
) -> RoundTripBuilder:
    """The round trip any ops can make: each copy callable with its arguments bound, then
    synchronize (:func:`bound_round_trip`).

    The backends with a library call that takes every argument at once bind that call
    instead (see :class:`BoundStreamOps`); this is what the others (the host backend, a
    third-party one) use.
    """
    return bound_round_trip(
        lambda dst, src, nbytes: functools.partial(htod, dst, src, nbytes),
        lambda dst, src, nbytes: functools.partial(dtoh, dst, src, nbytes),
        synchronize,
    )


#: ``replay()``: launches one captured graph on the stream and, built with ``wait``, waits
#: for it; the library's error where the launch or the wait fails.
GraphReplay = typing.Callable[[], None]


class GraphReplayBuilder(typing.Protocol):
    """``build(graph, wait=True) -> GraphReplay`` for an executable graph of this stream's
    backend (from ``end_capture``), bound when it is built; with ``wait=False`` the replay
    launches and returns."""

    def __call__(self, graph: int, wait: bool = True) -> GraphReplay:
        ...  # pragma: no cover


def sequential_graph_replay(
    launch_graph: Callable[[int], None], synchronize: Callable[[], None]
) -> GraphReplayBuilder:
    """The graph replay any ops can make: their ``launch_graph(graph)``, then (``wait``)
    their ``synchronize()``."""

    def build(graph: int, wait: bool = True) -> GraphReplay:
        if not wait:
            return functools.partial(launch_graph, graph)

        def replay() -> None:
            launch_graph(graph)
            synchronize()

        return replay

    return build


class BoundStreamOps:
    """The plain implementation of :class:`~trtcompat.backends.StreamOps`: the callables
    and the exception types they raise, held in slots (one attribute load each).

    ``round_trip(uploads, launch, downloads, wait=True)`` goes beyond the Protocol: it returns
    ``work(arg)``, one call that enqueues the copies ``(dst, src, nbytes)`` in, calls
    ``launch(arg)``, enqueues the copies out and synchronizes (unless ``wait`` is False),
    returning False (after the launch, nothing) where ``launch`` returned False. A backend
    whose library copies with one call binds every argument of each copy when the round
    trip is built, so a warm call runs no Python frame per copy; by default it is
    :func:`sequential_round_trip`.

    ``graph_replay(graph, wait=True)`` goes beyond it too: the launch of one captured graph
    and (``wait``) the synchronize as one callable of no arguments, bound when it is built
    (the executable's handle looked up, the driver's arguments converted); by default
    :func:`sequential_graph_replay` of ``launch_graph`` and ``synchronize``.
    """

    __slots__ = (
        "dtod",
        "dtoh",
        "errors",
        "graph_replay",
        "htod",
        "launch_graph",
        "round_trip",
        "synchronize",
    )

    def __init__(
        self,
        htod: Callable[[int, int, int], None],
        dtoh: Callable[[int, int, int], None],
        dtod: Callable[[int, int, int], None],
        synchronize: Callable[[], None],
        errors: tuple[type[BaseException], ...],
        launch_graph: Callable[[int], None] = no_graphs,
        round_trip: RoundTripBuilder | None = None,
        graph_replay: GraphReplayBuilder | None = None,
    ) -> None:
        self.htod = htod
        self.dtoh = dtoh
        self.dtod = dtod
        self.synchronize = synchronize
        self.errors = errors
        self.launch_graph = launch_graph
        self.round_trip: RoundTripBuilder = round_trip or sequential_round_trip(
            htod, dtoh, synchronize
        )
        self.graph_replay: GraphReplayBuilder = graph_replay or sequential_graph_replay(
            launch_graph, synchronize
        )

    def __repr__(self) -> str:
        names = ", ".join(e.__name__ for e in self.errors)
        return f"BoundStreamOps(htod={self.htod!r}, errors=({names}))"


class StreamOpsCache:
    """A backend's :class:`BoundStreamOps` per stream, bound on first use.

    Bounded: past 256 entries it starts over, since handles of destroyed streams are not
    worth keeping; backends also :meth:`drop` a stream they destroy.
    """

    __slots__ = ("_bind", "_ops")

    def __init__(self, bind: Callable[[int], BoundStreamOps]) -> None:
        self._bind = bind
        self._ops: dict[int, BoundStreamOps] = {}

    def get(self, stream: int) -> BoundStreamOps:
        """The ops of ``stream``."""
        ops = self._ops.get(stream)
        if ops is None:
            if len(self._ops) > 256:
                self._ops.clear()
            ops = self._ops[stream] = self._bind(stream)
        return ops

    def drop(self, stream: int) -> None:
        """Forgets ``stream`` (destroyed: its handle may be reused for another stream)."""
        self._ops.pop(stream, None)


# Substrings of CUDA error names and texts (runtime, driver and the libraries' wording) and
# what the user can do about each; the first match wins.
_FIXES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("out of memory", "memoryallocation", "out_of_memory"),
        "Free device memory (other processes, torch's or CuPy's caching pools) or use "
        "smaller shapes",
    ),
    (
        ("capture", "graph"),
        "The call is not allowed while the stream is being captured into a CUDA graph, or "
        "the capture was invalidated; run it outside the capture (Runner(cuda_graph=False) "
        "to rule graphs out)",
    ),
    (
        ("illegal address", "illegal_address", "launch failure", "launch_failed", "misaligned"),
        "A kernel touched memory it does not own, and the CUDA context is now unusable; "
        "restart the process and check the bound addresses and shapes",
    ),
    (
        ("invalid context", "invalid_context", "context is destroyed", "context_is_destroyed"),
        "No CUDA context is current in this thread; make the call inside backend.activate()",
    ),
    (
        ("resource handle", "invalid_handle", "invalidresourcehandle", "invalidhandle"),
        "The stream, event or graph handle is not live (destroyed, or made on another "
        "device); use a handle this backend created",
    ),
    (
        ("invalid value", "invalid argument", "invalid_value", "invalidvalue", "null pointer"),
        "Check that both addresses are live allocations on this device and that the byte "
        "count fits both",
    ),
    (
        (
            "no device",
            "no_device",
            "insufficient driver",
            "insufficientdriver",
            "not initialized",
            "not_initialized",
        ),
        "Check the NVIDIA driver with nvidia-smi and that CUDA_VISIBLE_DEVICES shows the GPU",
    ),
)


def fix_for(detail: str) -> str:
    """The advice for a CUDA failure whose name or text is ``detail`` (one sentence, no period).

    >>> fix_for("cudaErrorMemoryAllocation (out of memory)").startswith("Free device memory")
    True
    """
    lowered = detail.lower()
    for needles, fix in _FIXES:
        if any(needle in lowered for needle in needles):
            return fix
    return "Check the arguments; CUDA_LAUNCH_BLOCKING=1 makes the call that failed report it"


def check_device(name: str, device: int, count: int) -> None:
    """Raises unless ``device`` is a valid index among ``count`` visible CUDA devices.

    Raises:
        BackendUnavailableError: No device is visible at all (driver present, GPU absent).
        DeviceError: ``device`` is negative, not an int, or ``>= count``.
    """
    if count <= 0:
        raise BackendUnavailableError(
            f"Backend {name!r} sees no CUDA device (device count is 0); check the driver "
            "with nvidia-smi and that CUDA_VISIBLE_DEVICES does not hide every GPU"
        )
    if isinstance(device, bool) or not isinstance(device, int) or not 0 <= device < count:
        raise DeviceError(
            f"CUDA device {device!r} does not exist: {count} device(s) visible "
            f"(valid indices 0..{count - 1}); check CUDA_VISIBLE_DEVICES"
        )


def check_nbytes(nbytes: int, what: str) -> int:
    """Validates an allocation size; returns the size to request (at least 1 byte).

    Zero-byte requests get one byte so that every allocation has its own, non-null address
    (``cudaMalloc(0)`` may return a null pointer, which would collide in the owner tables).

    Raises:
        BackendError: ``nbytes`` is negative or not an int.
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise BackendError(
            f"{what.capitalize()}: size must be a non-negative int, got {nbytes!r}; pass a "
            "byte count"
        )
    return max(nbytes, 1)


@dataclass(frozen=True)
class _Entry:
    owner: object
    nbytes: int
    kind: str  # "device" or "host": frees must come through the matching method


class OwnerTable:
    """Thread-safe map from an allocation's address to the object that keeps it alive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}
        self._starts: list[int] = []  # sorted, for "which allocation contains this address"

    def add(self, ptr: int, owner: object, nbytes: int, kind: str) -> None:
        """Records a new allocation."""
        with self._lock:
            self._entries[ptr] = _Entry(owner, nbytes, kind)
            bisect.insort(self._starts, ptr)

    def pop(self, ptr: int, kind: str, op: str) -> object:
        """Removes and returns the owner of ``ptr``.

        Raises:
            BackendError: ``ptr`` is unknown, already freed, or of the other kind.
        """
        with self._lock:
            entry = self._entries.get(ptr)
            if entry is None or entry.kind != kind:
                found = "" if entry is None else f" (it is {entry.kind} memory)"
                raise BackendError(
                    f"Cannot {op}(0x{ptr:x}): not a live {kind} allocation of this "
                    f"backend{found}; it was never allocated here or was already freed"
                )
            del self._entries[ptr]
            del self._starts[bisect.bisect_left(self._starts, ptr)]
            return entry.owner

    def find(self, ptr: int) -> tuple[int, int, str] | None:
        """Returns ``(start, nbytes, kind)`` of the allocation containing ``ptr``, or None."""
        with self._lock:
            i = bisect.bisect_right(self._starts, ptr) - 1
            if i < 0:
                return None
            start = self._starts[i]
            entry = self._entries[start]
            # An allocation of n bytes is reported as containing addresses start..start+n-1.
            return (start, entry.nbytes, entry.kind) if ptr < start + entry.nbytes else None

    def total_bytes(self) -> int:
        """The bytes of all live allocations."""
        with self._lock:
            return sum(entry.nbytes for entry in self._entries.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class HandleTable:
    """Thread-safe map from a stream or event handle to the library object behind it."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._lock = threading.Lock()
        self._items: dict[int, object] = {}

    def add(self, handle: int, obj: object) -> int:
        """Records ``obj`` under ``handle``; returns ``handle``."""
        with self._lock:
            self._items[handle] = obj
        return handle

    def pop(self, handle: int, op: str) -> object:
        """Removes and returns the object of ``handle``.

        Raises:
            BackendError: The handle was not created by this backend or was already destroyed.
        """
        with self._lock:
            if handle not in self._items:
                raise BackendError(
                    f"Cannot {op}(0x{handle:x}): not a live {self._what} of this backend; "
                    "it was never created here or was already destroyed"
                )
            return self._items.pop(handle)

    def require(self, handle: int, op: str) -> object:
        """The object of ``handle``.

        Raises:
            BackendError: The handle is not live (never created here, or destroyed).
        """
        with self._lock:
            if handle in self._items:
                return self._items[handle]
        raise BackendError(
            f"Cannot {op}(0x{handle:x}): not a live {self._what} of this backend; use a "
            f"{self._what} this backend created and has not destroyed"
        )

    def get(self, handle: int) -> object | None:
        """The object of ``handle``, or None."""
        with self._lock:
            return self._items.get(handle)

    def __contains__(self, handle: object) -> bool:
        with self._lock:
            return handle in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class CudaArrayView:
    """A zero-copy device array: device memory described by ``__cuda_array_interface__`` v3.

    Any consumer of the interface (cupy, torch, numba, TensorRT-facing code) can wrap it
    without a copy. The view keeps ``owner`` alive, so the memory outlives every consumer.

    Attributes:
        ptr: The device address of the first element.
        shape: The array shape.
        dtype: The numpy dtype of the elements.
        owner: Whatever keeps the memory alive.
    """

    __slots__ = ("dtype", "owner", "ptr", "shape")

    def __init__(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> None:
        self.ptr = int(ptr)
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.owner = owner

    @property
    def nbytes(self) -> int:
        """The byte size of the described array."""
        return int(math.prod(self.shape)) * int(self.dtype.itemsize)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        # "stream": None tells consumers that no synchronization is needed: the backend's
        # callers order their own streams before handing the memory on.
        return {
            "shape": self.shape,
            "typestr": self.dtype.str,
            "data": (self.ptr, False),
            "strides": None,
            "stream": None,
            "version": 3,
        }

    def __repr__(self) -> str:
        return f"CudaArrayView(ptr=0x{self.ptr:x}, shape={self.shape}, dtype={self.dtype})"
