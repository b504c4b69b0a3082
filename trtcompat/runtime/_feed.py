"""What the Runner checks of a feed before anything runs, and the per-input state it caches.

Every error names the tensor, what was expected and what was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._family import Shape
from ..errors import (
    DeviceError,
    DTypeError,
    LayoutError,
    MissingInputError,
    ShapeError,
    UnknownTensorError,
)
from ..iotensor import IOTensor
from ._arrays import DeviceArrayInfo, device_array_info
from .allocator import HostDeviceMem

__all__ = ["InputSlot", "check_names"]


class InputSlot:
    """One input's buffers, admitted shape range, and what was last set and bound."""

    __slots__ = (
        "bits",
        "bound",
        "high",
        "low",
        "mem",
        "range_name",
        "shape",
        "tensor",
        "upload",
        "view",
    )

    def __init__(
        self, tensor: IOTensor, mem: HostDeviceMem, low: Shape, high: Shape, range_name: str
    ) -> None:
        self.tensor, self.mem, self.low, self.high = tensor, mem, low, high
        self.range_name = range_name
        self.shape: Shape | None = None
        self.bound = mem.device
        self.bits = tensor.bits_per_element
        #: Bytes to upload and the pinned view to copy into, for the current shape.
        self.upload = 0
        self.view: Any = None

    def check_shape(self, shape: Shape) -> None:
        """Rank and the profile (or max_batch_size) range."""
        t = self.tensor
        if len(shape) != len(t.shape):
            raise ShapeError(
                f"Input {t.name!r} has rank {len(t.shape)} {t.shape}; got shape {shape} "
                f"(rank {len(shape)})."
            )
        if not all(lo <= d <= hi for lo, d, hi in zip(self.low, shape, self.high)):
            raise ShapeError(
                f"Input {t.name!r} shape {shape} is outside the {self.range_name} "
                f"{self.low}..{self.high}."
            )

    def check_dtype(self, dtype: np.dtype[Any]) -> None:
        """The exact dtype: no silent casts (float64 for float32 is an error)."""
        if dtype != self.tensor.dtype:
            raise DTypeError(
                f"Input {self.tensor.name!r} expects {self.tensor.dtype}; got {dtype}. "
                f"Convert with .astype({str(self.tensor.dtype)!r})."
            )

    def device_info(self, value: Any, device: int) -> DeviceArrayInfo:
        """A device array's facts, once it is known to be bindable zero-copy on ``device``."""
        info = device_array_info(value)
        name = self.tensor.name
        if info is None:
            raise DTypeError(
                f"Input {name!r} must be a numpy array or a CUDA array "
                f"(__cuda_array_interface__ / torch); got {type(value).__name__}."
            )
        self.check_dtype(info.dtype)
        if not info.contiguous:
            raise LayoutError(
                f"Device input {name!r} is not C-contiguous; TensorRT reads dense "
                "memory. Pass .contiguous() (torch) or cupy.ascontiguousarray(x)."
            )
        if self.tensor.location == "host":
            raise LayoutError(f"Input {name!r} is a host (shape) tensor; pass a numpy array.")
        if info.device is not None and info.device != device:
            raise DeviceError(
                f"Input {name!r} lives on device {info.device}; this Runner runs on "
                f"device {device}."
            )
        return info


def check_names(
    feed: Mapping[str, Any], inputs: Mapping[str, InputSlot], outputs: Mapping[str, Any]
) -> None:
    """Exactly the engine's inputs, by name."""
    if not isinstance(feed, Mapping):
        raise TypeError(
            f"feed must be a mapping of input name to array; got {type(feed).__name__}."
        )
    if len(feed) == len(inputs) and all(n in inputs for n in feed):
        return
    expected = ", ".join(repr(n) for n in inputs)
    for name in feed:
        if name not in inputs:
            kind = "an output" if name in outputs else "not a tensor of this engine"
            raise UnknownTensorError(f"Input {name!r} is {kind}. The inputs are {expected}.")
    missing = [n for n in inputs if n not in feed]
    raise MissingInputError(f"Missing input {missing[0]!r}. The inputs are {expected}.")


def __dir__() -> list[str]:
    return __all__
