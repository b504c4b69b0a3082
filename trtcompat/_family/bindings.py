"""The TensorRT 8.x binding-index family (8.0 - 9.x; removed in 10.0).

Bindings are replicated once per optimization profile: with K profiles and n bindings per
profile, tensor ``i`` of profile ``k`` is binding ``k * n + i`` and is named ``"x [profile k]"``
for ``k > 0`` (``docs/TRT_API.md``, "Binding indices"; the arithmetic is
``_binding_indices``).
Implicit-batch engines report shapes without the batch dimension; here they get a leading -1
and the batch travels with ``execute``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .. import _trtlog
from .._dtypes import numpy_dtype
from ..errors import ExecutionError, ShapeError, UnknownTensorError
from ..iotensor import IOTensor, refused_shape, shape_problem
from ._binding_indices import binding_index, binding_position
from ._common import (
    active_profile,
    check_profile,
    enum_name,
    location_of,
    no_profile_error,
    num_profiles,
    set_profile,
    to_shape,
)
from ._protocol import Shape

__all__ = [
    "NAME",
    "active_profile",
    "binding_layout",
    "execute",
    "has_implicit_batch",
    "io_tensors",
    "make_launch",
    "make_output_allocator",
    "num_profiles",
    "profile_shapes",
    "set_input_shape",
    "set_output_allocator",
    "set_profile",
    "supports_data_dependent",
    "tensor_names",
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


#: Where TensorRT's per-call DeprecationWarning of ``execute_async`` is attributed: pybind
#: warnings name the Python frame that called the binding, here :func:`_implicit_launch`.
_LAUNCH_MODULE = r"trtcompat\._family\.bindings\Z"


def _quiet_launches() -> Any:
    """Puts this module's filter first (if it is not already) and returns the entry.

    ``execute_async`` (the only implicit-batch enqueue) warns on every call from 8.4
    (``utils::deprecate``). A per-call ``catch_warnings`` costs microseconds and, as it saves
    and restores the process-wide filter list, corrupts that list when threads interleave.
    Instead one filter, idempotent and never removed, silences the DeprecationWarnings
    TensorRT attributes to this module: calls trtcompat makes on the user's behalf. The
    user's own calls of deprecated members still warn.
    """
    filters = warnings.filters
    first = filters[0] if filters else None
    if not (
        first is not None
        and first[0] == "ignore"
        and first[2] is DeprecationWarning
        and getattr(first[3], "pattern", None) == _LAUNCH_MODULE
    ):
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=_LAUNCH_MODULE)
    return warnings.filters[0]


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


def tensor_names(engine: Any) -> tuple[str, ...]:
    """Each tensor's name (profile 0's bindings), in binding order."""
    with _quiet():
        return tuple(str(engine.get_binding_name(i)) for i in range(_per_profile(engine)))


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
                    trt_dtype=enum_name(trt_dtype),
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
        raise no_profile_error()
    return engine, binding_index(_base_index(engine, name), profile, _per_profile(engine))


def set_input_shape(context: Any, name: str, shape: Sequence[int]) -> None:
    """``set_binding_shape`` on the active profile's binding (implicit batch: checks only)."""
    engine, index = _context_index(context, name)
    dims = tuple(int(d) for d in shape)
    if has_implicit_batch(engine):
        with _quiet():
            static = to_shape(engine.get_binding_shape(index))
        top = _max_batch(engine)
        problem = shape_problem(
            name, dims, (-1, *static), (1, *static), (top, *static), "max_batch_size"
        )
        if problem:
            raise ShapeError(problem)
        return
    with _quiet():
        ok = context.set_binding_shape(index, dims)
    if not ok:
        profile = active_profile(context)
        low, _, high = profile_shapes(engine, name, profile)
        with _quiet():
            declared = to_shape(engine.get_binding_shape(index))
        raise refused_shape(
            name,
            dims,
            declared,
            low,
            high,
            f"profile {profile}",
            binding=index,
            trt_log=_trtlog.unclaimed(),
        )


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


def _implicit_launch(context: Any, batch: int, bindings: list[int]) -> Callable[[int], bool]:
    # A Python frame of this module on purpose: TensorRT's warning is attributed to it.
    entry = [_quiet_launches()]

    def launch(stream: int) -> bool:
        filters = warnings.filters
        if not filters or filters[0] is not entry[0]:  # a filter went in front since
            entry[0] = _quiet_launches()
        return bool(context.execute_async(batch, bindings, stream))

    return launch


def _explicit_launch(context: Any, bindings: list[int]) -> Callable[[int], bool]:
    def launch(stream: int) -> bool:
        # Looked up per call (one frame, tens of ns): a patched or proxied context is honoured.
        return bool(context.execute_async_v2(bindings, stream))

    return launch


def make_launch(
    context: Any, bindings: Sequence[int], names: Sequence[str] | None, batch_size: int | None
) -> Callable[[int], bool]:
    """The enqueue for these addresses: ``launch(stream) -> bool``, made once, called per run.

    Explicit batch: ``execute_async_v2`` with the bindings list fixed. Implicit batch:
    ``execute_async(batch_size, ...)`` (``max_batch_size`` when None); its per-call
    DeprecationWarning is silenced by one filter, not a per-call ``catch_warnings``.
    """
    del names  # the binding index is the position in ``bindings``
    fixed = [int(b) for b in bindings]
    if has_implicit_batch(context.engine):
        batch = _max_batch(context.engine) if batch_size is None else int(batch_size)
        return _implicit_launch(context, batch, fixed)
    return _explicit_launch(context, fixed)


def execute(
    context: Any,
    bindings: Sequence[int],
    names: Sequence[str] | None,
    stream: int,
    batch_size: int | None,
) -> bool:
    """One enqueue of ``bindings`` (the binding index is the position in the list)."""
    if has_implicit_batch(context.engine):
        return make_launch(context, bindings, names, batch_size)(stream)
    return bool(context.execute_async_v2(bindings, stream))


def supports_data_dependent(context: Any) -> bool:
    """False: ``execute_async_v2`` cannot serve outputs whose shape only execution reveals."""
    del context
    return False


def set_output_allocator(context: Any, name: str, allocator: Any) -> bool:
    """Never called (see :func:`supports_data_dependent`); refuses."""
    del context, name, allocator
    return False


def make_output_allocator(
    engine: Any,
    reallocate: Callable[[str, int], int],
    notify: Callable[[str, Shape], None],
) -> Any:
    """Refuses: the binding API has no output allocators (see :func:`supports_data_dependent`)."""
    del engine, reallocate, notify
    raise ExecutionError(
        "The binding API (execute_async_v2) cannot serve data-dependent output shapes; "
        "use the name-based API (TensorRT 8.5+)."
    )
