"""What the Runner checks of a feed before anything runs: names, dtypes, shapes, device arrays.

Used only when a call does not match the Runner's current plan; every error names the
tensor, what was expected and what was given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._family import Shape
from ..errors import (
    DeviceError,
    DTypeError,
    LayoutError,
    MissingInputError,
    ProfileError,
    ShapeError,
    UnknownTensorError,
)
from ..iotensor import IOTensor
from ._arrays import DeviceArrayInfo, reader_for

__all__ = ["InputSlot", "check_names", "choose_profile"]

#: (min, opt, max) of one input in one profile.
Range = Any


class InputSlot:
    """One input: its tensor and its admitted shape range in each profile."""

    __slots__ = ("range_name", "ranges", "tensor")

    def __init__(self, tensor: IOTensor, ranges: dict[int, Range], range_name: str) -> None:
        self.tensor, self.ranges, self.range_name = tensor, ranges, range_name

    def check_rank(self, shape: Shape) -> None:
        """The rank the engine declares."""
        t = self.tensor
        if len(shape) != len(t.shape):
            raise ShapeError(
                f"Input {t.name!r} has rank {len(t.shape)} {t.shape}; got shape {shape} "
                f"(rank {len(shape)})."
            )

    def fits(self, shape: Shape, profile: int) -> bool:
        """Whether ``shape`` lies in the profile's range."""
        low, _, high = self.ranges[profile]
        return all(lo <= d <= hi for lo, d, hi in zip(low, shape, high))

    def check_shape(self, shape: Shape, profile: int) -> None:
        """Rank and the profile (or max_batch_size) range."""
        self.check_rank(shape)
        if not self.fits(shape, profile):
            low, _, high = self.ranges[profile]
            what = self.range_name.format(profile=profile)
            raise ShapeError(
                f"Input {self.tensor.name!r} shape {shape} is outside the {what} {low}..{high}."
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
        info = reader_for(type(value))(value)
        name = self.tensor.name
        if info is None:
            raise DTypeError(
                f"Input {name!r} must be a numpy array or a CUDA device array (torch, cupy, "
                "or any object with __cuda_array_interface__ or DLPack's __dlpack__); got "
                f"{type(value).__name__}."
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


def check_names(feed: Any, inputs: Mapping[str, InputSlot], outputs: Sequence[str]) -> None:
    """Exactly the engine's inputs, by name; a feed that is not a mapping is refused."""
    if not isinstance(feed, Mapping):
        raise DTypeError(
            f"feed must be a mapping of input name to array (e.g. {{'x': array}}); got "
            f"{type(feed).__name__}."
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


def choose_profile(
    slots: Sequence[InputSlot], shapes: Sequence[Shape], candidates: Sequence[int], current: int
) -> int:
    """The profile whose ranges hold every input shape, nearest opt shapes first.

    Ties go to ``current`` (no switch), then to the lower index.

    Raises:
        ProfileError: no candidate holds the shapes; lists every candidate's ranges.
    """
    best: tuple[int, int, int] | None = None
    for k in candidates:
        if not all(slot.fits(shape, k) for slot, shape in zip(slots, shapes)):
            continue
        distance = sum(
            abs(d - o)
            for slot, shape in zip(slots, shapes)
            for d, o in zip(shape, slot.ranges[k][1])
        )
        rank = (distance, 0 if k == current else 1, k)
        if best is None or rank < best:
            best = rank
    if best is not None:
        return best[2]
    given = ", ".join(f"{s.tensor.name!r} {shape}" for s, shape in zip(slots, shapes))
    ranges = "; ".join(
        f"profile {k}: "
        + ", ".join(f"{s.tensor.name!r} {s.ranges[k][0]}..{s.ranges[k][2]}" for s in slots)
        for k in candidates
    )
    raise ProfileError(
        f"No optimization profile holds the input shapes {given}. The profiles: {ranges}. "
        "Feed shapes inside one of these ranges, or rebuild the engine with a profile for them."
    )
