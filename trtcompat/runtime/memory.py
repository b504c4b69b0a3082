"""The classic samples' buffer record and the bindings list, shared by allocator and runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List

import numpy as np

from .._family import Family, Shape
from ..backends import Backend
from ..iotensor import IOTensor

__all__ = ["BindingList", "HostDeviceMem"]


class BindingList(List[int]):
    """The list ``execute`` takes, plus what it needs to run without looking anything up.

    Attributes:
        names: Tensor names in slot order (for ``set_tensor_address`` on the tensors family).
        family: The API family module the list was laid out for.
    """

    names: tuple[str, ...]
    family: Family


@dataclass(eq=False)
class HostDeviceMem:
    """One tensor's buffers, as in TensorRT's samples.

    Attributes:
        name: The tensor name.
        host: A numpy view of pinned host memory, shaped like the allocation.
        device: The device pointer (for host-location tensors: the host pointer).
        nbytes: Bytes allocated (both sides).
        shape: The shape the buffers were sized for.
        dtype: The numpy dtype.
        tensor: The :class:`IOTensor`.
    """

    name: str
    host: np.ndarray
    device: int
    nbytes: int
    shape: Shape
    dtype: np.dtype[Any]
    tensor: IOTensor
    host_ptr: int = field(repr=False, default=0)
    backend: Backend | None = field(repr=False, default=None)

    @property
    def on_host_only(self) -> bool:
        """Whether TensorRT reads this tensor from host memory (shape tensors)."""
        return self.tensor.location == "host"


def __dir__() -> list[str]:
    return __all__
