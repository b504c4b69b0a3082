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
    "BoundStreamOps",
    "CudaArrayView",
    "CopyArgs",
    "CudaCallError",
    "GraphReplay",
    "GraphReplayBuilder",
    "HandleTable",
    "OwnerTable",
    "RoundTrip",
    "RoundTripBuilder",
    "Codes",
    "CopyBinder",
    "check_result",
    "checked_call",
    "checked_copy",
    "graph_replay_builder",
    "round_trip_builder",
    "check_device",
    "check_nbytes",
    "fix_for",
    "no_graphs",
    "sequential_graph_replay",
    "sequential_round_trip",
]

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
#: ``bind(dst, src, nbytes) -> call``: one copy with every argument bound, a callable of no
#: arguments (ideally a ``functools.partial`` of the library call: no Python frame).
CopyBinder = typing.Callable[[int, int, int], typing.Callable[[], Any]]


class Codes(typing.NamedTuple):
    """How a library that returns error codes instead of raising says success.

    Every call the builders bind is compared with :attr:`ok` (``!=``, a comparison in C:
    no Python frame); only a result that differs goes to :func:`check_result`, which raises
    :class:`CudaCallError` unless the code in it is 0 after all.

    Attributes:
        ok: What a successful call returns: ``0`` (the driver API's ``CUresult``) or
            ``(cudaSuccess,)`` (cuda-python's tuples of calls without values).
    """

    ok: Any


def check_result(result: Any, call: str) -> None:
    """Raises :class:`CudaCallError` for a failed call's ``result`` (a code, or a tuple whose
    first item is the code); returns where the code is 0 (an equal success of another type).
    """
    code = result[0] if isinstance(result, tuple) else result
    if int(code):
        raise CudaCallError(code, call)


def checked_copy(
    fn: Callable[..., Any], tail: tuple[Any, ...], call: str, codes: Codes | None
) -> Callable[[int, int, int], None]:
    """``copy(dst, src, nbytes)``: ``fn(dst, src, nbytes, *tail)`` (the library's copy with
    its direction and stream fixed), its result checked against ``codes`` (None: the library
    raises, nothing to check). The one place every backend makes its copy callables."""
    if codes is None:

        def copy(dst: int, src: int, nbytes: int) -> None:
            fn(dst, src, nbytes, *tail)

        return copy
    ok = codes.ok

    def checked(dst: int, src: int, nbytes: int) -> None:
        result = fn(dst, src, nbytes, *tail)
        if result != ok:
            check_result(result, call)

    return checked


def checked_call(
    fn: Callable[..., Any], args: tuple[Any, ...], call: str, codes: Codes | None
) -> Callable[[], None]:
    """``fn(*args)`` as a callable of no arguments, its result checked against ``codes``
    (None: a plain ``functools.partial``, the library raises)."""
    bound = functools.partial(fn, *args)
    if codes is None:
        return bound
    ok = codes.ok

    def checked() -> None:
        result = bound()
        if result != ok:
            check_result(result, call)

    return checked


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


#: The CUDA function named in a :class:`CudaCallError` of each step of a round trip.
RoundTripCalls = Tuple[str, str, str]


def round_trip_builder(
    bind_htod: CopyBinder,
    bind_dtoh: CopyBinder,
    synchronize: Callable[[], Any],
    codes: Codes | None = None,
    calls: RoundTripCalls = ("htod", "dtoh", "synchronize"),
) -> RoundTripBuilder:
    """The one round trip: each copy bound once by ``bind_htod`` / ``bind_dtoh`` (a
    ``functools.partial`` of the library call: a warm call runs no Python frame per copy),
    the launch, the copies out, ``synchronize()``.

    Args:
        bind_htod: Binds one upload ``(dst, src, nbytes)``.
        bind_dtoh: Binds one download.
        synchronize: The stream's synchronize, bound.
        codes: For a library that returns error codes: each call's result is compared with
            ``codes.ok`` inline and a failure raises :class:`CudaCallError` naming the call
            (``calls``: the upload's, the download's and the synchronize's function). None
            for a library that raises.
        calls: The CUDA function of each step, for the error.
    """
    up_call, down_call, sync_call = calls
    ok = None if codes is None else codes.ok

    def build(
        uploads: Sequence[CopyArgs],
        launch: Callable[[Any], Any],
        downloads: Sequence[CopyArgs],
        wait: bool = True,
    ) -> RoundTrip:
        ups = tuple(bind_htod(*copy) for copy in uploads)
        downs = tuple(bind_dtoh(*copy) for copy in downloads)
        if codes is None:

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

        def checked_work(arg: Any) -> bool:
            for copy in ups:
                result = copy()
                if result != ok:
                    check_result(result, up_call)
            if not launch(arg):
                return False
            for copy in downs:
                result = copy()
                if result != ok:
                    check_result(result, down_call)
            if wait:
                result = synchronize()
                if result != ok:
                    check_result(result, sync_call)
            return True

        return checked_work

    return build


def sequential_round_trip(
    htod: Callable[[int, int, int], None],
    dtoh: Callable[[int, int, int], None],
    synchronize: Callable[[], None],
) -> RoundTripBuilder:
    """The round trip any ops can make from their copy callables, which raise on failure:
    :func:`round_trip_builder` with each copy a ``functools.partial`` of them (the host
    backend, a third-party one)."""
    return round_trip_builder(
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


def graph_replay_builder(
    bind_launch: Callable[[int], Callable[[], Any]],
    synchronize: Callable[[], Any],
    codes: Codes | None = None,
    calls: tuple[str, str] = ("launch_graph", "synchronize"),
) -> GraphReplayBuilder:
    """The one graph replay: ``bind_launch(graph)`` (the launch with every argument bound,
    looked up and converted once), then (``wait``) ``synchronize()``; ``codes`` and ``calls``
    as for :func:`round_trip_builder`."""
    launch_call, sync_call = calls
    ok = None if codes is None else codes.ok

    def build(graph: int, wait: bool = True) -> GraphReplay:
        launch = bind_launch(graph)
        if codes is None:
            if not wait:
                return launch

            def replay() -> None:
                launch()
                synchronize()

            return replay

        def checked_replay() -> None:
            result = launch()
            if result != ok:
                check_result(result, launch_call)
            if wait:
                result = synchronize()
                if result != ok:
                    check_result(result, sync_call)

        return checked_replay

    return build


def sequential_graph_replay(
    launch_graph: Callable[[int], None], synchronize: Callable[[], None]
) -> GraphReplayBuilder:
    """The graph replay any ops can make: their ``launch_graph(graph)``, then (``wait``)
    their ``synchronize()``."""
    return graph_replay_builder(
        lambda graph: functools.partial(launch_graph, graph), synchronize
    )


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
