"""Outputs whose shape only the engine knows (data-dependent shapes, e.g. NonZero).

TensorRT asks an ``IOutputAllocator`` for memory of the size it needs during the enqueue and
tells it the shape. The allocator object comes from the family (it subclasses the engine's
own TensorRT class); its memory comes from the Runner's buffers, which grow on demand and are
freed with them.
"""

from __future__ import annotations

from typing import Any

from .._family import Family, Shape, explain_failure
from ..errors import ExecutionError, ShapeError
from .allocator import Buffers

__all__ = ["DataDependentOutputs"]


class DataDependentOutputs:
    """The outputs of one context whose shapes only execution reveals, and their allocator."""

    def __init__(self, engine: Any, family: Family, buffers: Buffers, cuda_graph: bool) -> None:
        self._engine, self._family, self._buffers = engine, family, buffers
        self._cuda_graph = cuda_graph
        self._allocator: Any = None
        #: Names being served, in the order they were found.
        self.names: list[str] = []
        #: The shape TensorRT reported for each served output during the last enqueue.
        self.shapes: dict[str, Shape] = {}
        #: An exception raised while growing a buffer (TensorRT swallows callback errors).
        self.error: BaseException | None = None

    def _reallocate(self, name: str, nbytes: int) -> int:
        try:
            return self._buffers.ensure_nbytes(name, nbytes).device
        except BaseException as err:  # kept for collect(): TensorRT would swallow it
            self.error = err
            return 0

    def _notify(self, name: str, shape: Shape) -> None:
        self.shapes[name] = shape

    def watch(self, context: Any, name: str, shape: Shape) -> None:
        """Serves output ``name`` (shape with -1 after the inputs were set) from now on."""
        if name in self.names:
            return
        if not self._family.supports_data_dependent(context):
            raise ShapeError(
                f"Output {name!r} has a data-dependent shape {shape}; the binding API "
                "cannot run it. Use the name-based API (TensorRT 8.5+)."
            )
        if self._cuda_graph:
            raise ExecutionError(
                f"Output {name!r} has a data-dependent shape {shape}; a CUDA graph replays "
                "fixed sizes and cannot capture it. Use cuda_graph=False."
            )
        if self._allocator is None:
            self._allocator = self._family.make_output_allocator(
                self._engine, self._reallocate, self._notify
            )
        if not self._family.set_output_allocator(context, name, self._allocator):
            raise explain_failure(self._family, context, f"set an allocator for {name!r}")
        self.names.append(name)

    def collect(self) -> dict[str, Shape]:
        """After an enqueue: each served output's shape (its buffers may have grown)."""
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        for name in self.names:
            if name not in self.shapes:
                raise ExecutionError(f"TensorRT did not report the shape of output {name!r}.")
        found, self.shapes = self.shapes, {}
        return found

    def close(self) -> None:
        """Drops the allocator and the buffers (TensorRT's context may outlive this object)."""
        self._allocator = None
        self._buffers = None  # type: ignore[assignment]
