"""Engine descriptions as data, and the fake plan format that carries them."""

from __future__ import annotations

import json
import threading
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .._compat import DATACLASS_SLOTS
from .._dtypes import BITS, trt_name_for

__all__ = [
    "PLAN_MAGIC",
    "Compute",
    "EngineSpec",
    "Launch",
    "LaunchTensor",
    "TensorSpec",
    "identity_compute",
    "plan_from_spec",
    "spec_from_plan",
]

PLAN_MAGIC = b"TRTCOMPAT-FAKE-PLAN/1\n"

#: A host computation: input arrays by name -> output arrays by name.
Compute = typing.Callable[[typing.Mapping[str, np.ndarray]], typing.Mapping[str, np.ndarray]]


@dataclass(frozen=True, **DATACLASS_SLOTS)
class LaunchTensor:
    """One bound tensor as a fake engine's launch function sees it."""

    name: str
    address: int
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    is_input: bool


@dataclass(frozen=True, **DATACLASS_SLOTS)
class Launch:
    """What a launch function gets: every bound tensor and the stream handle."""

    tensors: Mapping[str, LaunchTensor]
    stream: int


@dataclass(frozen=True, **DATACLASS_SLOTS)
class TensorSpec:
    """One I/O tensor of a fake engine.

    Args:
        name: Tensor name.
        dtype: numpy dtype (or a TensorRT DataType name such as ``"HALF"``).
        shape: Dims, -1 for dynamic. For implicit-batch engines: without the batch dimension.
        is_input: Input or output.
        profiles: ``(min, opt, max)`` per optimization profile, for dynamic inputs.
        location: ``"device"`` or ``"host"`` (shape tensors).
        is_shape_tensor: Whether TensorRT would treat it as a shape tensor.
        format: TensorFormat name.
        vectorized_dim / components_per_element: vectorized formats (e.g. CHW32: 1 / 32).
        like: For outputs: the input whose dims fill this tensor's -1 dims (default: the
            first input of the same rank, else the first input).
        data_dependent: For outputs: the -1 dims are known only after execution (what
            ``compute`` returns, e.g. NonZero); TensorRT then needs an output allocator.
    """

    name: str
    dtype: Any
    shape: tuple[int, ...]
    is_input: bool
    profiles: tuple[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]], ...] = ()
    location: str = "device"
    is_shape_tensor: bool = False
    format: str = "LINEAR"
    vectorized_dim: int = -1
    components_per_element: int = 1
    like: str | None = None
    data_dependent: bool = False

    @property
    def trt_dtype(self) -> str:
        """The DataType member name."""
        return (
            self.dtype
            if isinstance(self.dtype, str) and self.dtype in BITS
            else (trt_name_for(self.dtype))
        )


def identity_compute(inputs: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    """Default compute: output ``i`` is input ``i`` (cast to nothing; names paired by order)."""
    return dict(inputs)


@dataclass(frozen=True)
class EngineSpec:
    """A whole fake engine.

    Args:
        tensors: I/O tensors in the engine's order (outputs may come first).
        compute: Host computation, used when ``launch`` is None.
        launch: Optional: called with the bound addresses and the stream instead of
            ``compute``, e.g. to launch real GPU work on device pointers.
        num_profiles: Optimization profiles (dynamic inputs give one range per profile).
        implicit_batch: An 8.x implicit-batch engine (binding-only eras).
        max_batch_size: For implicit batch.
        name: Engine name.
        device_memory_size: What the engine reports as its activation memory.
    """

    tensors: tuple[TensorSpec, ...]
    compute: Compute = identity_compute
    launch: Callable[[Launch], None] | None = None
    num_profiles: int = 1
    implicit_batch: bool = False
    max_batch_size: int = 1
    name: str = "fake_engine"
    device_memory_size: int = 1 << 20
    _key: str = field(default="", compare=False)

    def with_tensors(self, *tensors: TensorSpec) -> EngineSpec:
        """A copy with other tensors."""
        return replace(self, tensors=tuple(tensors))


_REGISTRY: dict[str, EngineSpec] = {}
_LOCK = threading.Lock()


def plan_from_spec(spec: EngineSpec, version: str) -> bytes:
    """Serializes ``spec`` as a plan for TensorRT ``version``.

    The callables stay in this process (a registry keyed by the plan), as a real plan's
    kernels stay in the library that built it.
    """
    with _LOCK:
        key = f"{len(_REGISTRY)}"
        _REGISTRY[key] = spec
    body = {
        "version": version,
        "key": key,
        "name": spec.name,
        "tensors": [t.name for t in spec.tensors],
    }
    return PLAN_MAGIC + json.dumps(body).encode()


def spec_from_plan(data: bytes) -> tuple[str, EngineSpec]:
    """``(built-for version, spec)`` of a fake plan.

    Raises:
        ValueError: not a fake plan, or one from another process.
    """
    if not data.startswith(PLAN_MAGIC):
        raise ValueError("The plan has no valid header (magic tag mismatch).")
    try:
        body = json.loads(bytes(data[len(PLAN_MAGIC) :]).decode())
        return str(body["version"]), _REGISTRY[str(body["key"])]
    except (ValueError, KeyError, UnicodeDecodeError):
        raise ValueError("The plan is corrupt or was built in another process.") from None


def shapes_of(values: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """Normalizes nested sequences to tuples of ints."""
    return tuple(tuple(int(d) for d in v) for v in values)


def __dir__() -> list[str]:
    return __all__
