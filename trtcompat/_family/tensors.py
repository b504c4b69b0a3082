"""The name-based family (TensorRT 8.5 and later; the only one from 10.0).

Each tensor is listed once and named plainly; profile-specific queries take the profile
explicitly, and execution binds addresses by name before ``execute_async_v3``.
"""

from __future__ import annotations

import importlib
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from .. import _trtlog
from .._dtypes import numpy_dtype
from ..errors import ExecutionError, UnknownTensorError
from ..iotensor import IOTensor, refused_shape
from ._common import (
    active_profile,
    check_profile,
    dims_valid,
    enum_name,
    explain_failure,
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

NAME = "tensors"


def has_implicit_batch(engine: Any) -> bool:
    """Always False: the name-based API cannot run implicit-batch engines."""
    del engine
    return False


def tensor_names(engine: Any) -> tuple[str, ...]:
    """Every I/O tensor's name, in I/O-index order (the order of a bindings list)."""
    return tuple(str(engine.get_tensor_name(i)) for i in range(int(engine.num_io_tensors)))


_names = tensor_names


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
                trt_dtype=enum_name(trt_dtype),
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
        if active_profile(context) < 0:  # 8.5/8.6: another context holds profile 0
            raise no_profile_error()
        engine, profile = context.engine, active_profile(context)
        low, _, high = profile_shapes(engine, name, profile)
        declared = to_shape(engine.get_tensor_shape(name))
        allowed = f"profile {profile}"
        raise refused_shape(name, dims, declared, low, high, allowed, trt_log=_trtlog.unclaimed())


def tensor_shape(context: Any, name: str) -> Shape:
    """``context.get_tensor_shape`` as a tuple; UnknownTensorError for a name the engine lacks
    (TensorRT answers it with a Dims of nbDims -1, which iterates as an empty shape)."""
    dims = context.get_tensor_shape(name)
    if not dims_valid(dims):
        _check_name(context.engine, name)
    return to_shape(dims)


def binding_layout(engine: Any, profile: int) -> tuple[int, list[int]]:
    """One slot per I/O tensor, in I/O-index order, whatever the profile."""
    check_profile(engine, profile)
    count = int(engine.num_io_tensors)
    return count, list(range(count))


#: What trtcompat last bound on each live context: a weak reference to it -> (names,
#: addresses, the reference that drops the entry). State of the context, kept beside it
#: because TensorRT's contexts take no attributes (pybind11 objects have no ``__dict__``, but
#: accept weak references): an entry goes when its context is collected, so nothing outlives
#: its context and nothing needs a bound. The key is the context's plain weak reference, the
#: one ``weakref.ref(context)`` hands out again while it lives: a lookup allocates nothing and
#: matches by identity (``weakref.WeakKeyDictionary`` would add a Python frame and a new
#: reference per call). ``execute`` skips ``set_tensor_address`` when a call would bind
#: exactly the recorded addresses again. Safe because every address trtcompat sets goes
#: through :func:`_bind` (no layer above the families calls TensorRT), which records or
#: forgets here. An address set on the context directly, outside trtcompat, is not seen:
#: ``execute`` documents that.
_BOUND: dict[weakref.ref[Any], tuple[Sequence[str], list[int], weakref.ref[Any]]] = {}
_weak = weakref.ref


def _forgetting(key: weakref.ref[Any]) -> Callable[[weakref.ref[Any]], None]:
    """The callback that drops ``key``'s entry once its context is collected."""

    def forget(_: weakref.ref[Any]) -> None:
        _BOUND.pop(key, None)

    return forget


def _bind(context: Any, names: Sequence[str], addresses: Sequence[int]) -> str | None:
    """``set_tensor_address`` for each tensor; returns the name TensorRT refused, if any.

    Records the binding (see ``_BOUND``) only once every address is set: a bind refused
    half-way leaves nothing recorded, so the next call sets every address again.
    """
    key: weakref.ref[Any] | None
    try:
        key = _weak(context)
        hash(key)  # the context's own hash (dict.pop on an empty dict would not ask for it)
    except TypeError:  # no weak references or no hash: never skip this context's binding
        key = None
    else:
        _BOUND.pop(key, None)  # half-bound until every address is set
    for name, address in zip(names, addresses):
        if not context.set_tensor_address(name, address):
            return name
    if key is not None:
        _BOUND[key] = (names, list(addresses), _weak(context, _forgetting(key)))
    return None


def make_launch(
    context: Any, bindings: Sequence[int], names: Sequence[str] | None, batch_size: int | None
) -> Callable[[int], bool]:
    """Binds every address by name once and returns the enqueue: ``launch(stream) -> bool``.

    Made when shapes or addresses change, never per call: a warm call is one frame around
    the context's ``execute_async_v3``. ``names`` None means the engine's own order.

    Raises:
        ExecutionError: TensorRT refused an address (names the tensor and the shapes).
    """
    del batch_size  # explicit batch only
    if names is None:
        names = tensor_names(context.engine)
    refused = _bind(context, names, bindings)
    if refused is not None:
        raise explain_failure(sys.modules[__name__], context, f"bind tensor {refused!r}")

    def launch(stream: int) -> bool:
        # Looked up per call (one frame, tens of ns): a patched or proxied context is honoured.
        return bool(context.execute_async_v3(stream))

    return launch


def execute(
    context: Any,
    bindings: Sequence[int],
    names: Sequence[str] | None,
    stream: int,
    batch_size: int | None,
) -> bool:
    """``set_tensor_address`` for every tensor, then ``execute_async_v3``.

    ``names`` None means the engine's own order (a plain list indexed by I/O index). The
    addresses are set only when they differ from what trtcompat last bound on ``context``
    (a bindings list that changed, another context, a refused bind all bind again).
    """
    if names is None:
        names = tensor_names(context.engine)
    # Whether trtcompat's last binding on ``context`` was exactly these names and addresses
    # (inline: this runs on every do_inference and execute call).
    try:
        entry = _BOUND.get(_weak(context))
    except TypeError:  # no weak references or no hash (see _bind)
        entry = None
    if (
        entry is None
        or (entry[0] is not names and entry[0] != names)
        or entry[1] != bindings  # a list: equal to the same ints in any list (or subclass)
    ) and _bind(context, names, bindings) is not None:
        return False
    return bool(context.execute_async_v3(stream))


def supports_data_dependent(context: Any) -> bool:
    """Whether outputs of data-dependent shape can run here (an ``IOutputAllocator`` API)."""
    return hasattr(context, "set_output_allocator")


def set_output_allocator(context: Any, name: str, allocator: Any) -> bool:
    """``context.set_output_allocator``; False where TensorRT refused."""
    return bool(context.set_output_allocator(name, allocator))


def _allocator_base(engine: Any) -> Any:
    # The engine's own module: lean, dispatch and full TensorRT have distinct pybind types
    # (py::module_local), so the allocator must subclass the class of the engine's module
    # (pybind classes may live in a submodule: look in the package above too).
    name = type(engine).__module__
    while name:
        module = sys.modules.get(name) or importlib.import_module(name)
        base = getattr(module, "IOutputAllocator", None)
        if base is not None:
            return base
        name = name.rpartition(".")[0]
    raise ExecutionError(
        "This TensorRT has no IOutputAllocator; data-dependent output shapes need 8.5+."
    )


def make_output_allocator(
    engine: Any,
    reallocate: Callable[[str, int], int],
    notify: Callable[[str, Shape], None],
) -> Any:
    """An ``IOutputAllocator`` of the engine's TensorRT that calls plain Python callbacks.

    ``reallocate(name, nbytes) -> device pointer`` serves TensorRT's requests (both the
    async and the legacy callback); ``notify(name, shape)`` receives each output's shape.
    TensorRT swallows exceptions raised in these callbacks: the callbacks keep their own.
    """
    base = _allocator_base(engine)

    class CallbackOutputAllocator(base):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:
            base.__init__(self)

        def reallocate_output(
            self, tensor_name: str, memory: int, size: int, alignment: int
        ) -> int:
            return reallocate(tensor_name, int(size))

        def reallocate_output_async(
            self, tensor_name: str, memory: int, size: int, alignment: int, stream: int
        ) -> int:
            return reallocate(tensor_name, int(size))

        def notify_shape(self, tensor_name: str, shape: Any) -> None:
            notify(tensor_name, to_shape(shape))

    return CallbackOutputAllocator()
