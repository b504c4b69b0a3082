"""An ``IOutputAllocator`` for outputs whose shape only the engine knows (data-dependent
shapes, e.g. NonZero): TensorRT asks it for memory of the size it needs during
``execute_async_v3`` and tells it the shape. Memory comes from the Runner's buffers, which
grow on demand and are freed with them."""

from __future__ import annotations

import importlib
from typing import Any

from .. import _detect
from .._family import Family, Shape
from ..errors import ExecutionError, ShapeError
from ._hostmem import host_array
from .allocator import Buffers, HostDeviceMem
from .execute import explain_failure

__all__ = ["DataDependentOutputs", "make_output_allocator"]


def _base_class(engine: Any) -> Any:
    # The engine's own module: lean, dispatch and full TensorRT have distinct pybind types
    # (py::module_local), so the allocator must subclass the class of the engine's module.
    module = importlib.import_module(type(engine).__module__)
    base = getattr(module, "IOutputAllocator", None)
    if base is None:
        fallback = _detect.find_trt_module()
        base = getattr(fallback, "IOutputAllocator", None)
    if base is None:
        raise ExecutionError(
            "This TensorRT has no IOutputAllocator; data-dependent output shapes need 8.5+."
        )
    return base


def make_output_allocator(engine: Any, buffers: Buffers) -> Any:
    """An output allocator that serves ``buffers`` and records each output's shape.

    Attributes of the returned object: ``shapes`` (name -> shape, set by TensorRT) and
    ``error`` (an exception raised while growing a buffer, or None). TensorRT swallows
    exceptions raised in these callbacks, so they are kept for the caller to re-raise.
    """
    base = _base_class(engine)

    class GrowingOutputAllocator(base):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:
            base.__init__(self)
            self.shapes: dict[str, tuple[int, ...]] = {}
            self.error: BaseException | None = None

        def reallocate_output(
            self, tensor_name: str, memory: int, size: int, alignment: int
        ) -> int:
            try:
                return buffers.ensure_nbytes(tensor_name, int(size)).device
            except BaseException as err:
                self.error = err
                return 0

        def reallocate_output_async(
            self, tensor_name: str, memory: int, size: int, alignment: int, stream: int
        ) -> int:
            return self.reallocate_output(tensor_name, memory, size, alignment)

        def notify_shape(self, tensor_name: str, shape: Any) -> None:
            self.shapes[tensor_name] = tuple(int(d) for d in shape)

    return GrowingOutputAllocator()


class DataDependentOutputs:
    """The outputs of one context whose shapes only execution reveals, and their allocator."""

    def __init__(
        self, engine: Any, context: Any, buffers: Buffers, family: Family, cuda_graph: bool
    ) -> None:
        self._engine, self._context, self._buffers = engine, context, buffers
        self._family, self._cuda_graph = family, cuda_graph
        self._allocator: Any = None
        #: Names being served, in the order they were found.
        self.names: list[str] = []

    def watch(self, name: str, shape: Shape) -> None:
        """Serves output ``name`` (shape with -1 after the inputs were set) from now on."""
        if name in self.names:
            return
        if not hasattr(self._context, "set_output_allocator"):
            raise ShapeError(
                f"Output {name!r} has a data-dependent shape {shape}; the binding API "
                "(TensorRT 8.0-8.4) cannot run it. Use the name-based API (TensorRT 8.5+)."
            )
        if self._cuda_graph:
            raise ExecutionError(
                f"Output {name!r} has a data-dependent shape {shape}; a CUDA graph replays "
                "fixed sizes and cannot capture it. Use cuda_graph=False."
            )
        if self._allocator is None:
            self._allocator = make_output_allocator(self._engine, self._buffers)
        if not self._context.set_output_allocator(name, self._allocator):
            raise explain_failure(self._family, self._context, f"set an allocator for {name!r}")
        self.names.append(name)

    def collect(self) -> dict[str, tuple[HostDeviceMem, Shape, int, Any]]:
        """After an enqueue: each served output's buffers, shape, byte count and host view."""
        allocator = self._allocator
        if allocator.error is not None:
            error, allocator.error = allocator.error, None
            raise error
        found = {}
        for name in self.names:
            if name not in allocator.shapes:
                raise ExecutionError(f"TensorRT did not report the shape of output {name!r}.")
            shape = allocator.shapes[name]
            mem = self._buffers[name]  # the allocator may have grown it
            nbytes = mem.tensor.nbytes(shape)
            bits = mem.tensor.bits_per_element
            found[name] = (
                mem,
                shape,
                nbytes,
                host_array(mem.host_ptr, nbytes, mem.dtype, shape, bits),
            )
        return found


def __dir__() -> list[str]:
    return __all__
