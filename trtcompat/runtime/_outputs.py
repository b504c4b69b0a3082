"""The output side of a Runner: resolved shapes, what to copy back, and what to return.

Everything per shape is computed when input shapes change (``resolve``), so a call with
unchanged shapes only enqueues the copies and builds the result dict.
"""

from __future__ import annotations

from typing import Any, Tuple

from .._family import Family, Shape
from ..backends import Backend
from ._hostmem import host_array
from ._output_allocator import DataDependentOutputs
from .allocator import Buffers, HostDeviceMem

__all__ = ["Outputs"]

#: (name, buffers, bytes to copy back, host view shaped like the output)
Download = Tuple[str, HostDeviceMem, int, Any]


class Outputs:
    """Output buffers, shapes and copy plans of one Runner."""

    def __init__(self, buffers: Buffers, data_dependent: DataDependentOutputs) -> None:
        self._buffers = buffers
        self._dds = data_dependent
        self.mems = [buffers[t.name] for t in buffers.tensors if not t.is_input]
        #: The current shape of every output, by name.
        self.shapes: dict[str, Shape] = {m.name: m.shape for m in self.mems}
        self.downloads: list[Download] = []
        self.plan()

    def resolve(self, family: Family, context: Any, batch: int | None) -> bool:
        """Reads the shapes the context resolved; grows buffers. True if any buffer moved."""
        moved = False
        for i, mem in enumerate(self.mems):
            shape = family.tensor_shape(context, mem.name)
            if batch is not None:  # implicit batch: the context reports -1 for it
                shape = (batch, *shape[1:])
            self.shapes[mem.name] = shape
            if any(d < 0 for d in shape):
                self._dds.watch(mem.name, shape)
                continue
            grown = self._buffers.ensure(mem.name, shape)
            if grown is not mem:
                self.mems[i], moved = grown, True
        self.plan()
        return moved

    def plan(self) -> None:
        """Caches, per output, the bytes to copy back and the host view to return."""
        self.downloads = []
        for mem in self.mems:
            if mem.name in self._dds.names:  # known only after each run
                self.downloads.append((mem.name, mem, 0, None))
                continue
            shape = self.shapes[mem.name]
            nbytes = mem.tensor.nbytes(shape)
            view = host_array(mem.host_ptr, nbytes, mem.dtype, shape, mem.tensor.bits_per_element)
            if mem.tensor.location == "host":
                nbytes = 0  # TensorRT writes host (shape) outputs in place
            self.downloads.append((mem.name, mem, nbytes, view))

    def after_enqueue(self) -> None:
        """Takes in the data-dependent shapes TensorRT reported during the enqueue."""
        if not self._dds.names:
            return
        for name, (mem, shape, nbytes, view) in self._dds.collect().items():
            self.shapes[name] = shape
            index = next(i for i, entry in enumerate(self.downloads) if entry[0] == name)
            self.downloads[index] = (name, mem, nbytes, view)

    def download(self, backend: Backend, stream: int) -> None:
        """Enqueues the device-to-host copies of every output."""
        for _, mem, nbytes, _ in self.downloads:
            if nbytes:
                backend.memcpy_dtoh_async(mem.host_ptr, mem.device, nbytes, stream)

    def results(self, kind: str, copy: bool, backend: Backend, owner: object) -> dict[str, Any]:
        """The outputs by name: device arrays, host views, or host copies."""
        if kind == "device":
            return {
                name: backend.device_array(mem.device, self.shapes[name], mem.dtype, owner)
                for name, mem, _, _ in self.downloads
            }
        if not copy:
            return {name: view for name, _, _, view in self.downloads}
        return {name: view.copy() for name, _, _, view in self.downloads}


def __dir__() -> list[str]:
    return __all__
