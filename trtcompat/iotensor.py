"""The public description of one engine input or output, the same on every TensorRT."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from . import _dtypes
from ._compat import DATACLASS_SLOTS
from .errors import ShapeError

__all__ = ["IOTensor", "Location", "refused_shape", "shape_problem"]

Location = Literal["device", "host"]


@dataclass(frozen=True, **DATACLASS_SLOTS)
class IOTensor:
    """One I/O tensor of an engine.

    Attributes:
        name: The tensor name (never the 8.x ``"x [profile k]"`` mangled form).
        shape: Dimensions; ``-1`` marks a dynamic one. Implicit-batch engines get a leading -1.
        dtype: The numpy dtype (``ml_dtypes`` types for bf16, fp8, int4, fp4, e8m0).
        is_input: True for inputs, False for outputs.
        trt_dtype: The TensorRT ``DataType`` member name (``"HALF"``), equal across modules.
        location: ``"device"``, or ``"host"`` for shape tensors TensorRT reads on the CPU.
        is_shape_tensor: Whether TensorRT uses the tensor's values for shape inference.
        index: The I/O index (tensors family) or the profile-0 binding index (bindings family);
            both follow the engine's own order, so they agree.
        format: The TensorRT ``TensorFormat`` member name (``"LINEAR"``, ``"CHW32"``...).
        vectorized_dim: The vectorized dimension, or -1 for scalar formats.
        components_per_element: Elements packed per vector (1 for scalar formats).
    """

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    is_input: bool
    trt_dtype: str
    location: Location = "device"
    is_shape_tensor: bool = False
    index: int = 0
    format: str = "LINEAR"
    vectorized_dim: int = -1
    components_per_element: int = 1

    @property
    def mode(self) -> Literal["input", "output"]:
        """``"input"`` or ``"output"``."""
        return "input" if self.is_input else "output"

    @property
    def is_dynamic(self) -> bool:
        """Whether any dimension is -1."""
        return any(d < 0 for d in self.shape)

    @property
    def bits_per_element(self) -> int:
        """Bits per element (4 for int4 and fp4)."""
        return _dtypes.bits_of(self.trt_dtype)

    def nbytes(self, shape: Sequence[int] | None = None) -> int:
        """Bytes a buffer needs for ``shape`` (default: :attr:`shape`, if static).

        Sub-byte types pack two elements per byte (rounded up); vectorized formats pad the
        vectorized dimension to a multiple of :attr:`components_per_element`.

        Raises:
            ShapeError: the shape is dynamic, negative or of the wrong rank.
        """
        dims = tuple(self.shape if shape is None else shape)
        if len(dims) != len(self.shape):
            raise ShapeError(
                f"Tensor {self.name!r} has rank {len(self.shape)} {self.shape}; "
                f"got shape {dims} of rank {len(dims)}."
            )
        if any(d < 0 for d in dims):
            raise ShapeError(
                f"Tensor {self.name!r} needs a concrete shape to size a buffer; got {dims}."
            )
        if self.vectorized_dim >= 0 and self.components_per_element > 1:
            padded = list(dims)
            vec = self.components_per_element
            padded[self.vectorized_dim] = -(-padded[self.vectorized_dim] // vec) * vec
            dims = tuple(padded)
        count = 1
        for d in dims:
            count *= d
        return -(-count * self.bits_per_element // 8)


def shape_problem(
    name: str,
    given: Sequence[int],
    declared: Sequence[int],
    low: Sequence[int],
    high: Sequence[int],
    allowed: str,
) -> str | None:
    """What is wrong with ``given`` as the shape of input ``name``, or None when it fits.

    Names the first offending dimension: a rank that differs, a static dimension (``declared``
    is not -1 there) with another size, or a dynamic one outside ``low[i]..high[i]``.

    Args:
        name: The input's name.
        given: The shape asked for.
        declared: The engine's shape of the input, -1 where dynamic.
        low: The smallest shape the range allows (a profile's min).
        high: The largest (a profile's max).
        allowed: What the range is, for the message: ``"profile 0"``, ``"max_batch_size"``.

    >>> shape_problem("x", (4, 3), (-1, 3), (1, 3), (8, 3), "profile 0") is None
    True
    >>> print(shape_problem("x", (4, 2), (-1, 3), (1, 3), (8, 3), "profile 0"))
    Input 'x' shape (4, 2): dimension 1 is static (3) in the engine's shape (-1, 3); got 2.
    """
    shape, fixed = tuple(int(d) for d in given), tuple(int(d) for d in declared)
    if len(shape) != len(fixed):
        return (
            f"Input {name!r} has rank {len(fixed)} {fixed}; got shape {shape} (rank {len(shape)})."
        )
    for i, (size, static, lo, hi) in enumerate(zip(shape, fixed, low, high)):
        if static >= 0 and size != static:
            return (
                f"Input {name!r} shape {shape}: dimension {i} is static ({static}) in the "
                f"engine's shape {fixed}; got {size}."
            )
        if not lo <= size <= hi:
            advice = (
                " Use a profile whose range covers it, or rebuild the engine with a wider one."
                if allowed.startswith("profile")
                else ""
            )
            return (
                f"Input {name!r} shape {shape}: dimension {i} is {size}, outside {allowed}'s "
                f"range {lo}..{hi} for it (min {tuple(low)}, max {tuple(high)}).{advice}"
            )
    return None


def refused_shape(
    name: str,
    given: Sequence[int],
    declared: Sequence[int],
    low: Sequence[int],
    high: Sequence[int],
    allowed: str,
    *,
    binding: int | None = None,
    trt_log: Sequence[str] = (),
) -> ShapeError:
    """The ShapeError for a shape TensorRT refused (``set_input_shape`` /
    ``set_binding_shape`` returned False): which dimension is off and the range it must be in
    (see :func:`shape_problem`), then what TensorRT logged.

    Args:
        binding: The 8.x binding index, named in the message where given.
        trt_log: TensorRT's lines about the refusal, kept as ``ShapeError.trt_log``.
    """
    dims = tuple(int(d) for d in given)
    where = f" (binding {binding})" if binding is not None else ""
    problem = shape_problem(name, dims, declared, low, high, allowed) or (
        f"The shape is within {allowed}'s range {tuple(low)}..{tuple(high)}."
    )
    said = "".join(f"\n  {line}" for line in trt_log)
    return ShapeError(
        f"TensorRT refused shape {dims} for input {name!r}{where}. {problem}"
        + (f" The runtime said:{said}" if said else ""),
        trt_log=tuple(trt_log),
    )


def __dir__() -> list[str]:
    return __all__
