"""Engine descriptions as data, and the fake plan format that carries them."""

from __future__ import annotations

import json
import threading
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._compat import DATACLASS_SLOTS
from .._dtypes import BITS, trt_name_for
from ..errors import EngineSpecError
from ._planfile import decode_plan, encode_plan, plan_release

__all__ = [
    "Compute",
    "EngineSpec",
    "Launch",
    "LaunchTensor",
    "TensorSpec",
    "paired_by_order",
    "plan_from_spec",
    "spec_from_plan",
]

#: A host computation: input arrays by name -> output arrays by name.
Compute = typing.Callable[[typing.Mapping[str, NDArray[Any]]], typing.Mapping[str, NDArray[Any]]]


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
            first input of the same rank, else the first input). Naming a host shape-tensor
            input: its values fill them, read at its bound address (10.x/11.x).
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


def paired_by_order(
    spec: EngineSpec, inputs: Mapping[str, NDArray[Any]]
) -> dict[str, NDArray[Any]]:
    """What a spec without ``compute`` computes: output ``i`` is input ``i``."""
    names_in = [t.name for t in spec.tensors if t.is_input]
    names_out = [t.name for t in spec.tensors if not t.is_input]
    return {out: inputs[inp] for inp, out in zip(names_in, names_out)}


@dataclass(frozen=True)
class EngineSpec:
    """A whole fake engine.

    Args:
        tensors: I/O tensors in the engine's order (outputs may come first).
        compute: Host computation, used when ``launch`` is None. None (the default): output
            ``i`` is a copy of input ``i``, paired by their order in ``tensors`` whatever
            their names (cast to the output's dtype); such a spec needs at least as many
            inputs as outputs, and its plan loads in any process (see ``write-plan``).
        launch: Optional: called with the bound addresses and the stream instead of
            ``compute``, e.g. to launch real GPU work on device pointers.
        num_profiles: Optimization profiles. Dynamic inputs give one ``(min, opt, max)`` per
            profile; left out (or 0), it is the number of ranges they give (1 when no input
            is dynamic). A count the inputs' ranges disagree with raises
            :class:`~trtcompat.testing.EngineSpecError`.
        implicit_batch: An 8.x implicit-batch engine (binding-only eras).
        max_batch_size: For implicit batch.
        name: Engine name.
        device_memory_size: What the engine reports as its activation memory.
    """

    tensors: tuple[TensorSpec, ...]
    compute: Compute | None = None
    launch: Callable[[Launch], None] | None = None
    num_profiles: int = 0
    implicit_batch: bool = False
    max_batch_size: int = 1
    name: str = "fake_engine"
    device_memory_size: int = 1 << 20

    def __post_init__(self) -> None:
        if self.num_profiles < 0:
            raise EngineSpecError(
                f"EngineSpec {self.name!r}: num_profiles={self.num_profiles}; give 1 or more, "
                f"or leave it out to count the dynamic inputs' ranges."
            )
        given = {t.name: len(t.profiles) for t in self.tensors if t.is_input and t.profiles}
        counts = sorted(set(given.values()))
        if self.num_profiles == 0 and len(counts) <= 1:
            object.__setattr__(self, "num_profiles", counts[0] if counts else 1)
            return
        wrong = {n: c for n, c in given.items() if c != self.num_profiles}
        if wrong:
            ranges = ", ".join(f"{n!r} {c}" for n, c in given.items())
            wanted = "num_profiles left out"
            if self.num_profiles:
                wanted = f"num_profiles={self.num_profiles}"
            raise EngineSpecError(
                f"EngineSpec {self.name!r}: {wanted}, but the dynamic inputs give "
                f"(min, opt, max) ranges for {ranges} profiles. Give every dynamic input one "
                f"range per profile, and num_profiles that count (or leave it out)."
            )

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
    payload = _launch_payload(spec)
    portable = spec.compute is None and (spec.launch is None or payload is not None)
    with _LOCK:
        key = f"{len(_REGISTRY)}"
        if not portable:
            _REGISTRY[key] = spec
    body: dict[str, Any] = {
        "key": key,
        "name": spec.name,
        "tensors": [t.name for t in spec.tensors],
    }
    if portable:
        body["spec"] = _to_json(spec)  # nothing callable: the plan carries the whole engine
        if payload is not None:
            body["spec"]["launch"] = payload
    return encode_plan(json.dumps(body).encode(), version)


_SPEC_FIELDS = ("num_profiles", "implicit_batch", "max_batch_size", "name", "device_memory_size")


def _to_json(spec: EngineSpec) -> dict[str, Any]:
    tensors = []
    for t in spec.tensors:
        fields = {f: getattr(t, f) for f in TensorSpec.__dataclass_fields__}
        fields["dtype"] = t.trt_dtype
        tensors.append(fields)
    return {"tensors": tensors, **{f: getattr(spec, f) for f in _SPEC_FIELDS}}


def _from_json(body: Mapping[str, Any]) -> EngineSpec:
    tensors = []
    for fields in body["tensors"]:
        fields = dict(fields)
        fields["shape"] = tuple(fields["shape"])
        fields["profiles"] = tuple(shapes_of(p) for p in fields["profiles"])
        tensors.append(TensorSpec(**fields))
    launch = None
    if "launch" in body:  # a launch that travels (an ONNX model: testing/_onnx_engine.py)
        from ._onnx_engine import launch_from_payload

        launch = launch_from_payload(body["launch"])
    return EngineSpec(tuple(tensors), None, launch, **{f: body[f] for f in _SPEC_FIELDS})


def _launch_payload(spec: EngineSpec) -> dict[str, Any] | None:
    # A launch with plan_payload() (OnnxLaunch) is data, not code: its plan travels.
    payload = getattr(spec.launch, "plan_payload", None)
    return None if payload is None else dict(payload())


def spec_from_plan(data: bytes) -> tuple[str, EngineSpec]:
    """``(built-by release from the header, spec)`` of a fake plan.

    Raises:
        ValueError: not a fake plan (the header checks TensorRT makes failed, or no fake
            engine inside), or one with callables from another process.
    """
    release = plan_release(data)
    body_bytes = decode_plan(data)
    try:
        body = json.loads(body_bytes.decode())
        if "spec" in body:
            return release, _from_json(body["spec"])
        key = str(body["key"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValueError("The plan is corrupt or was built in another process.") from None
    if key not in _REGISTRY:
        raise ValueError(
            "The plan was built in another process from an EngineSpec with compute= or "
            "launch=; only specs without callables travel between processes."
        )
    return release, _REGISTRY[key]


def shapes_of(values: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """Normalizes nested sequences to tuples of ints."""
    return tuple(tuple(int(d) for d in v) for v in values)
