"""The classic samples' buffer record and the bindings list, shared by allocator and runner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, List

import numpy as np
from numpy.typing import NDArray

from .._family import Family, Shape
from ..backends import Backend
from ..errors import DTypeError, ShapeError
from ..iotensor import IOTensor
from . import _subbyte

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
        host: A numpy view of pinned host memory, shaped like the allocation. INT4 / FP4
            tensors: the packed bytes as flat uint8, TensorRT's layout (docs/SUBBYTE.md); use
            :meth:`write` and :meth:`read` to go through ml_dtypes arrays.
        device: The device pointer (for host-location tensors: the host pointer).
        nbytes: Bytes allocated (both sides).
        shape: The shape the buffers were sized for.
        dtype: The numpy dtype.
        tensor: The :class:`IOTensor`.
    """

    name: str
    host: NDArray[Any]
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

    def write(self, array: NDArray[Any]) -> None:
        """Copies ``array`` into the pinned host buffer, from its start, without casting.

        ``array`` has the tensor's dtype and at most the buffer's elements; for INT4 / FP4
        tensors an ml_dtypes array (packed here) or its packed bytes as uint8 of shape
        ``(..., n // 2)`` (docs/SUBBYTE.md).

        Raises:
            DTypeError: another dtype (convert it first: no silent casts).
            ShapeError: more elements than the buffer holds.
        """
        value = np.asarray(array)
        if _subbyte.is_packed(self.tensor):
            shape = _subbyte.fed_shape(self.tensor, value)
            count = int(np.prod(shape))
            self._check_fits(-(-count * self.tensor.bits_per_element // 8), shape)
            _subbyte.pack_into(self.host.reshape(-1), value)
            return
        if value.dtype != self.dtype:
            raise DTypeError(
                f"Tensor {self.name!r} holds {self.dtype}; got {value.dtype}. Convert with "
                f".astype({str(self.dtype)!r})."
            )
        self._check_fits(value.nbytes, value.shape)
        flat = self.host.reshape(-1)
        flat[: value.size] = value.reshape(-1)

    def read(self, shape: Sequence[int] | None = None) -> NDArray[Any]:
        """A copy of the host buffer as an array of ``shape`` (default: :attr:`shape`);
        INT4 / FP4 tensors come back unpacked, as ml_dtypes arrays."""
        dims = self.shape if shape is None else tuple(int(d) for d in shape)
        nbytes = self.tensor.nbytes(dims)
        self._check_fits(nbytes, dims)
        if _subbyte.is_packed(self.tensor):
            return _subbyte.unpack(self.host.reshape(-1), dims, self.dtype)
        count = int(np.prod(dims))
        result: NDArray[Any] = self.host.reshape(-1)[:count].reshape(dims).copy()
        return result

    def _check_fits(self, nbytes: int, shape: Sequence[int]) -> None:
        if nbytes > self.nbytes:
            raise ShapeError(
                f"Tensor {self.name!r}: shape {tuple(shape)} needs {nbytes} bytes; its buffer "
                f"holds {self.nbytes} (sized for {self.shape}). Allocate with shapes=... ."
            )


def __dir__() -> list[str]:
    return __all__
