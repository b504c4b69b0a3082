"""The TensorRT 8.x binding-index family (8.0 - 9.x; removed in 10.0).

Bindings are replicated once per optimization profile: with K profiles and n bindings per
profile, tensor ``i`` of profile ``k`` is binding ``k * n + i`` and is named ``"x [profile k]"``
for ``k > 0`` (``shared/TRT_API.md`` §2.1). This module owns that arithmetic. Implicit-batch
engines report shapes without the batch dimension; here they get a leading -1 and the batch
travels with ``execute``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .._dtypes import dtype_name, numpy_dtype
from ..errors import ProfileError, ShapeError, UnknownTensorError
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
    "active_profile",
    "bind",
    "binding_index",
    "binding_layout",
    "binding_name",
    "binding_position",
    "enqueue",
    "execute",
    "has_implicit_batch",
    "io_tensors",
    "num_profiles",
    "profile_shapes",
    "set_input_shape",
    "set_profile",
    "split_binding_name",
    "tensor_shape",
]

NAME = "bindings"


@contextmanager
def _quiet() -> Iterator[None]:
    # 8.5/8.6 wrap every binding getter in a DeprecationWarning (python/src/utils.cpp); the
    # warning is for users calling them, not for trtcompat calling them on their behalf.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _per_profile(engine: Any) -> int:
    return int(engine.num_bindings) // num_profiles(engine)


def has_implicit_batch(engine: Any) -> bool:
    """Whether the engine is an implicit-batch engine."""
    return bool(getattr(engine, "has_implicit_batch_dimension", False))


def _max_batch(engine: Any) -> int:
    with _quiet():
        return int(engine.max_batch_size)


def _base_index(engine: Any, name: str) -> int:
    with _quiet():
        index = int(engine.get_binding_index(name))
    if index < 0:
        raise UnknownTensorError(f"Engine has no tensor {name!r}.")
    return binding_position(index, _per_profile(engine))[0]


def io_tensors(engine: Any) -> tuple[IOTensor, ...]:
    """Each tensor once (profile 0's bindings), dims dynamic in any profile as -1."""
    per_profile, profiles = _per_profile(engine), num_profiles(engine)
    implicit = has_implicit_batch(engine)
    result = []
    with _quiet():
        for i in range(per_profile):
            shape = to_shape(engine.get_binding_shape(i))
            for k in range(1, profiles):
                other = to_shape(engine.get_binding_shape(binding_index(i, k, per_profile)))
                shape = tuple(a if a == b else -1 for a, b in zip(shape, other))
            vectorized_dim = int(engine.get_binding_vectorized_dim(i))
            if implicit:
                shape = (-1, *shape)
                vectorized_dim += 1 if vectorized_dim >= 0 else 0
            trt_dtype = engine.get_binding_dtype(i)
            result.append(
                IOTensor(
                    name=str(engine.get_binding_name(i)),
                    shape=shape,
                    dtype=numpy_dtype(trt_dtype),
                    is_input=bool(engine.binding_is_input(i)),
                    trt_dtype=dtype_name(trt_dtype),
                    location=location_of(engine.get_location(i)),
                    is_shape_tensor=bool(engine.is_shape_binding(i)),
                    index=i,
                    format=enum_name(engine.get_binding_format(i)),
                    vectorized_dim=vectorized_dim,
                    components_per_element=int(engine.get_binding_components_per_element(i)),
                )
            )
    return tuple(result)


def profile_shapes(engine: Any, name: str, profile: int) -> tuple[Shape, Shape, Shape]:
    """``(min, opt, max)``; implicit batch gives batch 1 .. max_batch_size."""
    check_profile(engine, profile)
    index = binding_index(_base_index(engine, name), profile, _per_profile(engine))
    with _quiet():
        shape = to_shape(engine.get_binding_shape(index))
        if has_implicit_batch(engine):
            top = _max_batch(engine)
            return (1, *shape), (top, *shape), (top, *shape)
        if not engine.binding_is_input(index) or all(d >= 0 for d in shape):
            return shape, shape, shape
        low, opt, high = engine.get_profile_shape(profile, index)
    return to_shape(low), to_shape(opt), to_shape(high)


def _context_index(context: Any, name: str) -> tuple[Any, int]:
    engine = context.engine
    profile = int(context.active_optimization_profile)
    if profile < 0:
        raise ProfileError(
            "The execution context has no optimization profile (-1): another context holds "
            "profile 0. Select one with trtcompat.Runner(profile=...) or "
            "context.set_optimization_profile_async(k, stream)."
        )
    return engine, binding_index(_base_index(engine, name), profile, _per_profile(engine))


def set_input_shape(context: Any, name: str, shape: Sequence[int]) -> None:
    """``set_binding_shape`` on the active profile's binding (implicit batch: checks only)."""
    engine, index = _context_index(context, name)
    dims = tuple(int(d) for d in shape)
    if has_implicit_batch(engine):
        with _quiet():
            static = to_shape(engine.get_binding_shape(index))
        top = _max_batch(engine)
        if dims[1:] != static or not 1 <= (dims[0] if dims else 0) <= top:
            raise ShapeError(
                f"Tensor {name!r} of an implicit-batch engine takes (batch, *{static}) with "
                f"1 <= batch <= max_batch_size {top}; got {dims}."
            )
        return
    with _quiet():
        ok = context.set_binding_shape(index, dims)
    if not ok:
        raise ShapeError(f"TensorRT refused shape {dims} for input {name!r} (binding {index}).")


def tensor_shape(context: Any, name: str) -> Shape:
    """The context's shape of a tensor (implicit batch: with a leading -1)."""
    engine, index = _context_index(context, name)
    with _quiet():
        shape = to_shape(context.get_binding_shape(index))
    return (-1, *shape) if has_implicit_batch(engine) else shape


def binding_layout(engine: Any, profile: int) -> tuple[int, list[int]]:
    """All bindings of every profile; the tensors' slots are those of ``profile``."""
    check_profile(engine, profile)
    per_profile = _per_profile(engine)
    slots = [binding_index(i, profile, per_profile) for i in range(per_profile)]
    return int(engine.num_bindings), slots


def bind(context: Any, names: Sequence[str], addresses: Sequence[int]) -> str | None:
    """Nothing to do: the binding API takes the addresses with each enqueue."""
    del context, names, addresses
    return None


def execute(
    context: Any, bindings: Sequence[int], names: Sequence[str], stream: int, batch_size: int | None
) -> bool:
    """Same as :func:`enqueue` (the binding index is the position in ``bindings``)."""
    del names
    return enqueue(context, bindings, stream, batch_size)


def enqueue(context: Any, bindings: Sequence[int], stream: int, batch_size: int | None) -> bool:
    """``execute_async_v2``, or ``execute_async(batch_size, ...)`` on implicit batch.

    ``batch_size`` is ignored for explicit-batch engines, as TensorRT 8 itself ignores it.
    """
    if has_implicit_batch(context.engine):
        with _quiet():
            batch = _max_batch(context.engine) if batch_size is None else batch_size
            return bool(
                context.execute_async(batch_size=batch, bindings=bindings, stream_handle=stream)
            )
    return bool(context.execute_async_v2(bindings=bindings, stream_handle=stream))


# -- The binding arithmetic as data: for views that emulate the binding API over engines that
# only have the name-based one (trtcompat.legacy), so the rule lives in one place.


def binding_index(position: int, profile: int, per_profile: int) -> int:
    """The binding index of tensor ``position`` (0-based, within a profile) in ``profile``."""
    return profile * per_profile + position


def binding_position(index: int, per_profile: int) -> tuple[int, int]:
    """``(position within its profile, profile)`` of a binding index."""
    return index % per_profile, index // per_profile


def binding_name(name: str, profile: int) -> str:
    """The binding name of tensor ``name`` in ``profile``: ``"x [profile 2]"`` for ``k > 0``."""
    return name if profile == 0 else f"{name} [profile {profile}]"


def split_binding_name(binding: str) -> tuple[str, int]:
    """``(tensor name, profile)`` of a binding name (profile 0 where it has no suffix)."""
    base, sep, tail = binding.rpartition(" [profile ")
    if sep and tail.endswith("]") and tail[:-1].isdigit():
        return base, int(tail[:-1])
    return binding, 0


def __dir__() -> list[str]:
    return __all__
