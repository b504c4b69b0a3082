"""The copies and the synchronize of one stream as plain callables, bound once per stream.

A backend that offers ``stream_ops(stream)`` hands out its library's own bound functions
(cudart, cupy's runtime, pycuda, torch; ``ctypes.memmove`` on the host backend): no guard,
device switch or error translation per copy. Those raise the library's exceptions, listed in
``ops.errors``; the caller catches them at its API boundary and raises
``backend.translate_error(exc, what)``. A backend without ``stream_ops`` (a third-party one,
or one written before it existed) gets an equivalent object built from its guarded methods,
which already raise ``BackendError``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from ..backends import (
    Backend,
    BoundStreamOps,
    CopyArgs,
    GraphReplay,
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
    backend without it, a check that always says False (always activate)."""
    own: Callable[[], bool] | None = getattr(backend, "is_active", None)
    return own if own is not None else _never


def stream_ops(backend: Backend, stream: int) -> StreamOps:
    """The backend's own ops for ``stream`` where it has them, else an adapter of its methods."""
    own = getattr(backend, "stream_ops", None)
    if own is not None:
        ops: StreamOps = own(stream)
        return ops
    adapted = BoundStreamOps(
        functools.partial(backend.memcpy_htod_async, stream=stream),
        functools.partial(backend.memcpy_dtoh_async, stream=stream),
        functools.partial(backend.memcpy_dtod_async, stream=stream),
        functools.partial(backend.synchronize, stream),
        (),  # the guarded methods raise BackendError already
    )
    graphs = getattr(backend, "launch_graph", None)
    if graphs is not None:  # else the default, which refuses
        adapted.launch_graph = functools.partial(graphs, stream=stream)
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
    """``backend.translate_error`` where the backend has it, else a plain BackendError."""
    own = getattr(backend, "translate_error", None)
    if own is not None:
        error: BackendError = own(exc, what)
        return error
    return BackendError(f"{what} failed: {exc}")
