"""The classic samples' buffer record and the bindings list, shared by allocator and runner."""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
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
        classic: What :func:`do_inference` kept from its first call on these static buffers
            (its round trip and what a later call must match); None before. It lives on the
            list the caller owns, so it goes with the list.
    """

    names: tuple[str, ...]
    family: Family
    classic: Any = None


class HostDeviceMem:
    """One tensor's buffers, as in TensorRT's samples.

    ``mem.host = x`` copies ``x`` into the pinned buffer (it is :meth:`write`, checks and
    all), so the samples' ``inputs[0].host = image`` feeds the next ``do_inference`` on every
    TensorRT; reading ``mem.host`` always gives the pinned array.

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

    # No __eq__: equality stays identity, which do_inference relies on when it compares the
    # lists it is given with the ones it cached, element by element.

    def __init__(
        self,
        name: str,
        host: NDArray[Any],
        device: int,
        nbytes: int,
        shape: Shape,
        dtype: np.dtype[Any],
        tensor: IOTensor,
        host_ptr: int = 0,
        backend: Backend | None = None,
    ) -> None:
        self.name = name
        self._host = host  # the pinned view; replaced only by a new HostDeviceMem
        self.device = device
        self.nbytes = nbytes
        self.shape = shape
        self.dtype = dtype
        self.tensor = tensor
        self.host_ptr = host_ptr
        self.backend = backend

    @property
    def host(self) -> NDArray[Any]:
        """The pinned host array (assigning to it copies into it: see :meth:`write`)."""
        return self._host

    @host.setter
    def host(self, array: Any) -> None:
        # The 8.x samples rebound a plain attribute that their do_inference read again; the
        # 10.x samples' property setter copies into the pinned buffer. Copying is the one
        # behaviour that works on every TensorRT, since the pinned buffer is what is bound.
        self.write(array)

    def __repr__(self) -> str:
        return (
            f"HostDeviceMem(name={self.name!r}, host={self._host!r}, device={self.device!r}, "
            f"nbytes={self.nbytes!r}, shape={self.shape!r}, dtype={self.dtype!r}, "
            f"tensor={self.tensor!r})"
        )

    @property
    def on_host_only(self) -> bool:
        """Whether TensorRT reads this tensor from host memory (shape tensors)."""
        return self.tensor.location == "host"

    def write(self, array: Any) -> None:
        """Copies ``array`` into the pinned host buffer, from its start, without casting.

        ``array`` has the tensor's dtype and at most the buffer's elements, in any shape (it
        is copied flat, in C order); for INT4 / FP4 tensors an ml_dtypes array (packed here)
        or its packed bytes as uint8 of shape ``(..., n // 2)`` (docs/SUBBYTE.md). A smaller
        array fills the buffer's first ``array.size`` elements and leaves the rest as they
        were, as the TensorRT 10 samples' ``host`` setter does: set the shape you run on the
        context (``trtcompat.set_input_shape``) so that only those elements are used.
        Raw ``bytes`` are taken for uint8 (and packed INT4 / FP4) tensors, as the TensorRT 10
        samples' setter takes them. ``mem.host = array`` does the same.

        Raises:
            DTypeError: another dtype (convert it first: no silent casts), or an object that
                is not numeric data.
            ShapeError: more elements than the buffer holds.
        """
        if isinstance(array, (bytes, bytearray, memoryview)):
            # Raw bytes, as the TensorRT 10 samples' setter takes them for uint8 buffers (and
            # packed INT4 / FP4 bytes): read as uint8; any other dtype is refused below.
            if self.dtype != np.uint8 and not _subbyte.is_packed(self.tensor):
                nbytes = memoryview(array).nbytes
                raise DTypeError(
                    f"Tensor {self.name!r} holds {self.dtype}; got {nbytes} raw bytes. Read "
                    f"them as that dtype first: np.frombuffer(data, {str(self.dtype)!r})."
                )
            array = np.frombuffer(array, np.uint8)
        try:
            value = np.asarray(array)
        # A ragged list: ValueError on numpy >= 1.24; before, a warning (an exception where
        # warnings are errors) and an object array, refused below as not numeric data.
        except (TypeError, ValueError, Warning) as exc:
            raise DTypeError(
                f"Tensor {self.name!r} takes a numpy array of {self.dtype}; got "
                f"{reprlib.repr(array)}, which numpy cannot read as one array ({exc})."
            ) from None
        if _subbyte.is_packed(self.tensor):
            shape = _subbyte.fed_shape(self.tensor, value)
            count = int(np.prod(shape))
            self._check_fits(-(-count * self.tensor.bits_per_element // 8), shape)
            _subbyte.pack_into(self.host.reshape(-1), value)
            return
        if value.dtype.kind in "OSU" and value.dtype != self.dtype:
            raise DTypeError(
                f"Tensor {self.name!r} holds {self.dtype}; got {reprlib.repr(array)} (numpy "
                f"dtype {value.dtype}), which is not numeric data. Pass a numpy array of "
                f"{self.dtype}."
            )
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
