"""CUDA-graph replay for the Runner: one graph per input shapes and bound addresses."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Tuple

from ..backends import Backend, GraphCapture, GraphReplay, StreamOps
from ..errors import BackendError
from ._streamops import graph_replay

__all__ = ["GraphCache"]

#: A captured graph's handle, its replay with the wait and its replay without.
_Entry = Tuple[int, GraphReplay, GraphReplay]


class GraphCache:
    """Captured executable graphs of one stream, keyed by what a graph bakes in.

    A graph replays fixed pointers and sizes, so the key holds the input shapes and bound
    addresses. The first call of each key runs eagerly (TensorRT must see a shape once
    before capture, and that run's results are valid), then captures the same work. Each
    graph's replays are bound when it is captured (see ``BoundStreamOps.graph_replay``).
    """

    @staticmethod
    def require(backend: Backend) -> None:
        """Raises BackendError unless ``backend`` can capture graphs (checked before any work)."""
        if not isinstance(backend, GraphCapture):
            raise BackendError(
                f"Backend {backend.name!r} cannot capture CUDA graphs. "
                "Use cuda_graph=False, or a GPU backend (pycuda, cuda_python, cupy, torch)."
            )

    def __init__(self, backend: Backend, stream: int, ops: StreamOps) -> None:
        """``ops``: the stream's ops (unguarded: replays run where the device is active, and
        raise the library's errors)."""
        self.require(backend)
        self._backend: Any = backend
        self._stream = stream
        self._ops = ops
        self._graphs: dict[tuple[Any, ...], _Entry] = {}

    def __len__(self) -> int:
        return len(self._graphs)

    def replay(self, key: tuple[Any, ...]) -> GraphReplay | None:
        """The launch-and-wait of the graph of ``key``; None where none was captured yet."""
        entry = self._graphs.get(key)
        return None if entry is None else entry[1]

    def run(self, key: tuple[Any, ...], work: Callable[[], None]) -> bool:
        """Launches the graph of ``key`` without waiting, or runs ``work`` eagerly and
        captures it; True where it captured."""
        entry = self._graphs.get(key)
        if entry is not None:
            entry[2]()
            return False
        work()
        backend = self._backend
        backend.synchronize(self._stream)
        backend.begin_capture(self._stream)
        try:
            work()
        except BaseException:
            self._abandon_capture()
            raise
        graph = backend.end_capture(self._stream)
        try:
            replays = (graph_replay(self._ops, graph), graph_replay(self._ops, graph, wait=False))
        except BaseException:
            backend.destroy_graph(graph)
            raise
        self._graphs[key] = (graph, *replays)
        return True

    def _abandon_capture(self) -> None:
        """Ends a capture whose work failed and destroys what it made; the work's error is
        the one worth raising, so a failure here (an invalidated capture) is not."""
        with contextlib.suppress(BackendError):
            self._backend.destroy_graph(self._backend.end_capture(self._stream))

    def close(self) -> None:
        """Destroys every graph (their replays must not run after this)."""
        graphs, self._graphs = [entry[0] for entry in self._graphs.values()], {}
        for graph in graphs:
            self._backend.destroy_graph(graph)
