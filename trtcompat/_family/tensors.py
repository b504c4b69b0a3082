"""The name-based family (TensorRT 8.5 and later; the only one from 10.0).

Each tensor is listed once and named plainly; profile-specific queries take the profile
explicitly, and execution binds addresses by name before ``execute_async_v3``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from .._dtypes import dtype_name, numpy_dtype
from ..errors import ShapeError, UnknownTensorError
from ..iotensor import IOTensor
from . import Shape
from ._common import (
    active_profile,
    check_profile,
    enum_name,
    location_of,
    num_profiles,
    set_profile,
    to_shape,
)

__all__ = [
    "NAME",
    "NativeFacts",
    "active_profile",
    "bind",
    "binding_layout",
    "enqueue",
    "execute",
    "execute_blocking",
    "has_implicit_batch",
    "io_tensors",
    "num_profiles",
    "native_dims",
    "native_facts",
    "profile_shapes",
    "set_input_consumed_event",
    "set_input_shape",
    "set_profile",
    "tensor_shape",
]

NAME = "tensors"


def has_implicit_batch(engine: Any) -> bool:
    """Always False: the name-based API cannot run implicit-batch engines."""
    del engine
    return False


def _names(engine: Any) -> list[str]:
    return [str(engine.get_tensor_name(i)) for i in range(int(engine.num_io_tensors))]


def io_tensors(engine: Any) -> tuple[IOTensor, ...]:
    """Each I/O tensor in I/O-index order."""
    result = []
    for i, name in enumerate(_names(engine)):
        trt_dtype = engine.get_tensor_dtype(name)
        result.append(
            IOTensor(
                name=name,
                shape=to_shape(engine.get_tensor_shape(name)),
                dtype=numpy_dtype(trt_dtype),
                is_input=enum_name(engine.get_tensor_mode(name)) == "INPUT",
                trt_dtype=dtype_name(trt_dtype),
                location=location_of(engine.get_tensor_location(name)),
                is_shape_tensor=bool(engine.is_shape_inference_io(name)),
                index=i,
                format=enum_name(engine.get_tensor_format(name)),
                vectorized_dim=int(engine.get_tensor_vectorized_dim(name)),
                components_per_element=int(engine.get_tensor_components_per_element(name)),
            )
        )
    return tuple(result)


def _check_name(engine: Any, name: str) -> None:
    if name not in _names(engine):
        raise UnknownTensorError(f"Engine has no tensor {name!r}.")


def profile_shapes(engine: Any, name: str, profile: int) -> tuple[Shape, Shape, Shape]:
    """``(min, opt, max)`` of an input; outputs and static inputs give their shape three times."""
    check_profile(engine, profile)
    _check_name(engine, name)
    shape = to_shape(engine.get_tensor_shape(name))
    if enum_name(engine.get_tensor_mode(name)) != "INPUT" or all(d >= 0 for d in shape):
        return shape, shape, shape
    low, opt, high = engine.get_tensor_profile_shape(name, profile)
    return to_shape(low), to_shape(opt), to_shape(high)


def set_input_shape(context: Any, name: str, shape: Sequence[int]) -> None:
    """``context.set_input_shape``; a False from TensorRT becomes ShapeError."""
    dims = tuple(int(d) for d in shape)
    if not context.set_input_shape(name, dims):
        _check_name(context.engine, name)
        raise ShapeError(f"TensorRT refused shape {dims} for input {name!r}.")


def tensor_shape(context: Any, name: str) -> Shape:
    """``context.get_tensor_shape`` as a tuple."""
    return to_shape(context.get_tensor_shape(name))


def binding_layout(engine: Any, profile: int) -> tuple[int, list[int]]:
    """One slot per I/O tensor, in I/O-index order, whatever the profile."""
    check_profile(engine, profile)
    count = int(engine.num_io_tensors)
    return count, list(range(count))


def bind(context: Any, names: Sequence[str], addresses: Sequence[int]) -> str | None:
    """``set_tensor_address`` for each tensor; returns the name TensorRT refused, if any."""
    for name, address in zip(names, addresses):
        if not context.set_tensor_address(name, address):
            return name
    return None


def enqueue(context: Any, bindings: Sequence[int], stream: int, batch_size: int | None) -> bool:
    """``execute_async_v3`` with the addresses already bound."""
    del bindings, batch_size  # addresses are bound by name; explicit batch only
    return bool(context.execute_async_v3(stream))


def execute(
    context: Any, bindings: Sequence[int], names: Sequence[str], stream: int, batch_size: int | None
) -> bool:
    """``set_tensor_address`` for every tensor, then ``execute_async_v3``."""
    return bind(context, names, bindings) is None and enqueue(context, bindings, stream, batch_size)


# -- For views that answer in TensorRT's own types and calls (trtcompat.legacy emulating the
# 8.x binding API on this one), so that no layer above the families calls TensorRT itself.


class NativeFacts(NamedTuple):
    """A tensor's facts typed as the engine's own module types them."""

    dtype: Any
    format: Any
    location: Any
    bytes_per_component: int


def native_facts(engine: Any, name: str) -> NativeFacts:
    """The engine's own ``DataType``, ``TensorFormat`` and ``TensorLocation`` of a tensor."""
    return NativeFacts(
        engine.get_tensor_dtype(name),
        engine.get_tensor_format(name),
        engine.get_tensor_location(name),
        int(engine.get_tensor_bytes_per_component(name)),
    )


def native_dims(engine: Any, shape: Sequence[int]) -> Any:
    """``shape`` as the engine module's own ``Dims`` (a tuple for an engine without tensors)."""
    if int(engine.num_io_tensors) == 0:
        return tuple(int(d) for d in shape)
    return type(engine.get_tensor_shape(engine.get_tensor_name(0)))([int(d) for d in shape])


def set_input_consumed_event(context: Any, event: Any) -> bool:
    """``set_input_consumed_event``: the event TensorRT records once the inputs are read."""
    return bool(context.set_input_consumed_event(event))


def execute_blocking(context: Any, bindings: Sequence[int]) -> bool:
    """``execute_v2``: runs to completion. ``bindings`` is the list that TensorRT version
    indexes: one slot per binding of every profile where the binding API exists (8.5-9.x),
    one per I/O tensor from 10.0."""
    return bool(context.execute_v2(list(bindings)))


def __dir__() -> list[str]:
    return __all__
