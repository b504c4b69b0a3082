"""CUDA-graph replay for the Runner: one graph per input shapes and bound addresses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..backends import Backend, GraphCapture
from ..errors import BackendError

__all__ = ["GraphCache"]


class GraphCache:
    """Captured executable graphs of one stream, keyed by what a graph bakes in.

    A graph replays fixed pointers and sizes, so the key holds the input shapes and bound
    addresses. The first call of each key runs eagerly (TensorRT must see a shape once
    before capture, and that run's results are valid), then captures the same work.
    """

    @staticmethod
    def require(backend: Backend) -> None:
        """Raises BackendError unless ``backend`` can capture graphs (checked before any work)."""
        if not isinstance(backend, GraphCapture):
            raise BackendError(
                f"Backend {backend.name!r} cannot capture CUDA graphs. "
                "Use cuda_graph=False, or a GPU backend (pycuda, cuda_python, cupy, torch)."
            )

    def __init__(self, backend: Backend, stream: int, launch: Callable[[int], None]) -> None:
        """``launch``: the stream's ``StreamOps.launch_graph`` (unguarded: replays run where
        the device is active, and raise the library's errors)."""
        self.require(backend)
        self._backend: Any = backend
        self._stream = stream
        self._launch = launch
        self._graphs: dict[tuple[Any, ...], int] = {}

    def __len__(self) -> int:
        return len(self._graphs)

    def replay(self, key: tuple[Any, ...]) -> bool:
        """Launches the graph of ``key``; False (nothing done) where none was captured yet."""
        graph = self._graphs.get(key)
        if graph is None:
            return False
        self._launch(graph)
        return True

    def run(self, key: tuple[Any, ...], work: Callable[[], None]) -> None:
        """Replays the graph of ``key``, or runs ``work`` eagerly and captures it."""
        if self.replay(key):
            return
        work()
        self._backend.synchronize(self._stream)
        self._backend.begin_capture(self._stream)
        try:
            work()
        finally:
            graph = self._backend.end_capture(self._stream)
        self._graphs[key] = graph

    def close(self) -> None:
        """Destroys every graph."""
        graphs, self._graphs = list(self._graphs.values()), {}
        for graph in graphs:
            self._backend.destroy_graph(graph)
