"""The copies and the synchronize of one stream as plain callables, bound once per stream.

A backend that offers ``stream_ops(stream)`` hands out its library's own bound functions
(cudart, cupy's runtime, pycuda, torch; ``ctypes.memmove`` on the host backend): no guard,
device switch or error translation per copy. Those raise the library's exceptions, listed in
``ops.errors``; the caller catches them at its API boundary and raises
``backend.translate_error(exc, what)``. Those two and ``is_active`` are capabilities
(``HotPath``, ``ActiveQuery``), checked here: a backend without them (a third-party one with
only the required members) gets an equivalent object built from its guarded methods, which
already raise ``BackendError``, and is always activated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from ..backends import (
    ActiveQuery,
    Backend,
    BoundStreamOps,
    CopyArgs,
    GraphCapture,
    GraphReplay,
    HotPath,
    RoundTrip,
    StreamOps,
    sequential_graph_replay,
    sequential_round_trip,
)
from ..errors import BackendError

__all__ = [
    "Copy",
    "RoundTrip",
    "active_check",
    "graph_replay",
    "round_trip",
    "stream_ops",
    "translate",
]

#: (destination, source, bytes) of one copy, as the ops take them.
Copy = CopyArgs


def _never() -> bool:
    return False


def active_check(backend: Backend) -> Callable[[], bool]:
    """The backend's ``is_active`` (whether work needs no ``activate()`` block), or, for a
    backend without :class:`~trtcompat.backends.ActiveQuery`, a check that always says False
    (always activate)."""
    return backend.is_active if isinstance(backend, ActiveQuery) else _never


def stream_ops(backend: Backend, stream: int) -> StreamOps:
    """The backend's own ops for ``stream`` where it has them
    (:class:`~trtcompat.backends.HotPath`), else an adapter of its guarded methods."""
    if isinstance(backend, HotPath):
        return backend.stream_ops(stream)
    adapted = BoundStreamOps(
        functools.partial(backend.memcpy_htod_async, stream=stream),
        functools.partial(backend.memcpy_dtoh_async, stream=stream),
        functools.partial(backend.memcpy_dtod_async, stream=stream),
        functools.partial(backend.synchronize, stream),
        (),  # the guarded methods raise BackendError already
    )
    if isinstance(backend, GraphCapture):  # else the default, which refuses
        adapted.launch_graph = functools.partial(backend.launch_graph, stream=stream)
    return adapted


def round_trip(
    ops: StreamOps,
    uploads: Sequence[Copy],
    launch: Callable[[Any], Any],
    downloads: Sequence[Copy],
    wait: bool = True,
) -> RoundTrip:
    """``work(arg)``: the ``uploads``, ``launch(arg)``, the ``downloads`` and (``wait``) a
    synchronize on ``ops``' stream; False where the launch refused (see ``BoundStreamOps``).
    The ops' own builder where they have one, else their copy callables in a loop."""
    own = getattr(ops, "round_trip", None)
    build = own if own is not None else sequential_round_trip(ops.htod, ops.dtoh, ops.synchronize)
    work: RoundTrip = build(uploads, launch, downloads, wait)
    return work


def graph_replay(ops: StreamOps, graph: int, wait: bool = True) -> GraphReplay:
    """``replay()``: launches ``graph`` on ``ops``' stream and (``wait``) synchronizes. The
    ops' own builder where they have one (arguments bound once), else their
    ``launch_graph`` and ``synchronize``."""
    own = getattr(ops, "graph_replay", None)
    build = own if own is not None else sequential_graph_replay(ops.launch_graph, ops.synchronize)
    replay: GraphReplay = build(graph, wait)
    return replay


def translate(backend: Backend, exc: BaseException, what: str) -> BackendError:
    """``backend.translate_error`` where the backend has it
    (:class:`~trtcompat.backends.HotPath`), else a plain BackendError."""
    if isinstance(backend, HotPath):
        return backend.translate_error(exc, what)
    return BackendError(f"{what} failed: {exc}")
