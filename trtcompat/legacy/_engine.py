"""The legacy engine views: an 8.x engine as it is, or the binding API mapped onto the
name-based family (its ``Family``, from ``_dispatch.family_for``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import _capabilities, _dispatch
from .._family import Family
from . import _native
from ._context import LegacyContext, TensorContext
from ._proxy import Proxy
from ._table import BindingTable

__all__ = ["LegacyEngine", "NativeEngine", "TensorEngine"]


class LegacyEngine(Proxy):
    """An ``ICudaEngine`` with the TensorRT 8 binding surface; made by
    :func:`trtcompat.legacy.wrap`.

    Members (8.6 semantics): ``num_bindings``, ``len()``, iteration (every binding name of
    every profile), ``engine[i]`` -> name, ``engine[name]`` -> index (-1 if unknown),
    ``get_binding_name``, ``get_binding_index``, ``binding_is_input``, ``get_binding_shape``,
    ``get_binding_dtype`` (the module's own ``DataType``), ``get_binding_format``,
    ``get_binding_vectorized_dim``, ``get_binding_components_per_element``,
    ``get_binding_bytes_per_component``, ``get_location``, ``is_shape_binding``,
    ``is_execution_binding``, ``max_batch_size``, ``has_implicit_batch_dimension``,
    ``num_optimization_profiles``, ``get_profile_shape(profile_index, binding)``,
    ``device_memory_size`` and ``create_execution_context()`` (a :class:`LegacyContext`).
    Anything else is the real engine's; the real engine is ``__wrapped__``.
    ``isinstance(view, trt.ICudaEngine)`` holds, as it does for the real engine.
    """

    __slots__ = ()

    def __len__(self) -> int:
        return len(self.__wrapped__)

    def __getitem__(self, key: int | str) -> Any:
        return self.__wrapped__[key]

    def __iter__(self) -> Iterator[str]:
        # TensorRT's engines iterate through __getitem__ until IndexError; say so outright.
        for index in range(len(self)):
            yield self[index]

    def create_execution_context(self, *args: Any, **kwargs: Any) -> LegacyContext | None:
        """A :class:`LegacyContext`, or None where TensorRT returns None (out of memory)."""
        context = self.__wrapped__.create_execution_context(*args, **kwargs)
        return None if context is None else LegacyContext(context, self)


class NativeEngine(LegacyEngine):
    """An engine that has the binding API: every member is the real one."""

    __slots__ = ()


class TensorEngine(LegacyEngine):
    """The binding API mapped onto the name-based one (10.x, 11.x, or 8.5+ on request)."""

    __slots__ = ("_family", "_table")
    _family: Family
    _table: BindingTable

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        family = _dispatch.family_for(engine, "tensors")
        object.__setattr__(self, "_family", family)
        object.__setattr__(self, "_table", BindingTable(engine, family))

    def __len__(self) -> int:
        return self._table.total

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._table.index_of(key)
        index = int(key) + self._table.total if int(key) < 0 else int(key)
        if not 0 <= index < self._table.total:
            raise IndexError(f"Index {key} out of range.")
        return self._table.name_of(index)

    @property
    def num_bindings(self) -> int:
        """Bindings of all profiles: ``num_optimization_profiles * num_io_tensors``."""
        return self._table.total

    @property
    def max_batch_size(self) -> int:
        """Always 1: name-based engines are explicit batch (8.x reports 1 for those)."""
        return 1

    @property
    def has_implicit_batch_dimension(self) -> bool:
        """Always False (10.x's own property warns and says the same)."""
        return False

    @property
    def device_memory_size(self) -> int:
        """``device_memory_size_v2`` where it exists (10.1 deprecated the old one; 11.0
        removed it)."""
        size = _capabilities.device_memory_size(self.__wrapped__)
        if size is None:  # as the engine's own missing attribute would say
            raise AttributeError(
                f"{type(self.__wrapped__).__name__!r} object has no attribute 'device_memory_size'"
            )
        return size

    def get_binding_name(self, index: int) -> str | None:
        """The binding's name, mangled as ``"x [profile k]"`` for profiles ``k > 0``; None
        for an index out of range (NvInferRuntime.h 8.6: "or nullptr if the index is out of
        range")."""
        _require_index(index)
        if self._table.find(index) is None:
            return None
        return self._table.name_of(index)

    def get_binding_index(self, name: str) -> int:
        """The binding index of a (mangled) name; -1 if there is none."""
        return self._table.index_of(name)

    def binding_is_input(self, index: int | str) -> bool:
        """Whether the binding is an input."""
        return self._table.get(index)[0].is_input

    def get_binding_shape(self, index: int | str) -> Any:
        """Dims, -1 where the binding's own profile lets a dimension vary; ``Dims()`` for an
        index out of range or an unknown name (NvInferRuntime.h 8.6, getBindingDimensions:
        "otherwise Dims()")."""
        if self._table.find(index) is None:
            return _native.native_dims(self.__wrapped__, ())
        tensor, profile = self._table.get(index)
        shape = tensor.shape
        if -1 in shape and tensor.is_input:
            low, _, high = self._family.profile_shapes(self.__wrapped__, tensor.name, profile)
            shape = tuple(a if a == b else -1 for a, b in zip(low, high))
        return _native.native_dims(self.__wrapped__, shape)

    def get_binding_dtype(self, index: int | str) -> Any:
        """The engine module's own ``DataType`` of the binding."""
        return self._native(index).dtype

    def get_binding_format(self, index: int) -> Any:
        """The binding's ``TensorFormat``."""
        _require_index(index)
        return self._native(index).format

    def get_binding_vectorized_dim(self, index: int) -> int:
        """The vectorized dimension, -1 for scalar formats."""
        _require_index(index)
        return self._table.get(index)[0].vectorized_dim

    def get_binding_components_per_element(self, index: int) -> int:
        """Components per vector element (1 for scalar formats)."""
        _require_index(index)
        return self._table.get(index)[0].components_per_element

    def get_binding_bytes_per_component(self, index: int) -> int:
        """Bytes per component."""
        _require_index(index)
        return self._native(index).bytes_per_component

    def get_location(self, index: int | str) -> Any:
        """The binding's ``TensorLocation`` (HOST for shape tensors)."""
        return self._native(index).location

    def is_shape_binding(self, binding: int) -> bool:
        """Whether the binding is a shape tensor (``is_shape_inference_io``)."""
        _require_index(binding)
        return self._table.get(binding)[0].is_shape_tensor

    def is_execution_binding(self, binding: int) -> bool:
        """Whether the binding is used for execution (every non-shape tensor)."""
        return not self.is_shape_binding(binding)

    def get_profile_shape(self, profile_index: int, binding: int | str) -> list[Any]:
        """``[min, opt, max]`` of an input in ``profile_index``: 8.x argument order.

        Raises:
            IndexError: no such binding.
            RuntimeError: not an input, or no such profile (as 8.x raises).
        """
        tensor = self._table.get(binding)[0]
        if not isinstance(profile_index, int):
            raise TypeError(f"get_profile_shape(): expected an int profile; got {profile_index!r}.")
        if not tensor.is_input or not 0 <= profile_index < self._table.profiles:
            raise RuntimeError("Error in get_profile_shape.")
        shapes = self._family.profile_shapes(self.__wrapped__, tensor.name, profile_index)
        return [_native.native_dims(self.__wrapped__, s) for s in shapes]

    def create_execution_context(self, *args: Any, **kwargs: Any) -> LegacyContext | None:
        """A context whose binding calls map onto the name-based API; None where TensorRT
        returns None."""
        context = self.__wrapped__.create_execution_context(*args, **kwargs)
        if context is None:
            return None
        binding_list = "bindings" in _dispatch.available_families(self.__wrapped__)
        return TensorContext(context, self, self._family, self._table, binding_list)

    def _native(self, binding: int | str) -> _native.NativeFacts:
        return _native.native_facts(self.__wrapped__, self._table.get(binding)[0].name)


def _require_index(binding: object) -> None:
    # 8.x binds these members as (int) only; pybind refuses a name with TypeError.
    if not isinstance(binding, int):
        raise TypeError(f"Expected an int binding index; got {type(binding).__name__}.")
