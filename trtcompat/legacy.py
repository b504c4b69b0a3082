"""A TensorRT 8 view of any engine, so unmigrated binding-index code runs on 10.x and 11.x.

>>> import trtcompat.legacy
>>> engine = trtcompat.legacy.wrap(trtcompat.load_engine("model.plan"))  # doctest: +SKIP
>>> for binding in engine:  # every binding of every profile, as on TensorRT 8  # doctest: +SKIP
...     print(binding, engine.get_binding_shape(binding), engine.binding_is_input(binding))

Semantics are TensorRT 8.6's (``shared/TRT_API.md`` §1-2), including per-profile binding
indices: with K profiles and n tensors there are K * n bindings, binding ``k * n + i`` is
tensor ``i`` of profile ``k``, named ``"x [profile k]"`` for ``k > 0``, and the list given to
``execute_async_v2`` has K * n slots of which the active profile's are used. Failures answer
as 8.x does: -1 from ``get_binding_index``, False from ``set_binding_shape`` and the
``execute`` calls, IndexError for a binding that does not exist.

Warnings: over an 8.x engine every call reaches the real 8.x member, so its own
DeprecationWarnings (8.4+/8.5+) surface unchanged. Over 10.x/11.x the facade emits none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ._dispatch import ENV_FAMILY, available_families, family_for
from ._family._common import enum_name
from ._legacy_context import LegacyContext, _Layout, _Proxy, _TensorContext, mangle

__all__ = ["LegacyContext", "LegacyEngine", "wrap"]


def wrap(engine: Any, *, family: str | None = None) -> LegacyEngine:
    """A TensorRT 8 binding-API view of ``engine``, of any TensorRT era.

    Args:
        engine: An ``ICudaEngine`` (8.x, 9.x, 10.x, 11.x), or a :class:`LegacyEngine`
            (returned as it is).
        family: ``"tensors"`` maps the binding calls onto the name-based API even where the
            engine still has the binding API (8.5/8.6; for testing the mapping). By default
            (and with ``"bindings"``) an engine that has the binding API is forwarded to as it
            is. ``$TRTCOMPAT_FAMILY`` is honoured as by the rest of trtcompat.

    Returns:
        A :class:`LegacyEngine`.

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
        UnsupportedFamilyError: ``family`` is unknown or the engine lacks it (implicit-batch
            engines have no name-based API).
    """
    if isinstance(engine, LegacyEngine):
        return engine
    found = available_families(engine)
    if family is None and not os.environ.get(ENV_FAMILY):
        chosen = "bindings" if "bindings" in found else "tensors"
    else:
        chosen = family_for(engine, family).NAME
    return _NativeEngine(engine) if chosen == "bindings" else _TensorEngine(engine)


class LegacyEngine(_Proxy):
    """An ``ICudaEngine`` with the TensorRT 8 binding surface; made by :func:`wrap`.

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


class _NativeEngine(LegacyEngine):
    """An engine that has the binding API: every member is the real one."""

    __slots__ = ()


class _TensorEngine(LegacyEngine):
    """The binding API mapped onto the name-based one (10.x, 11.x, or 8.5+ on request)."""

    __slots__ = ("_layout",)
    _layout: _Layout

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        object.__setattr__(self, "_layout", _Layout(engine))

    def __len__(self) -> int:
        return self._layout.total

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._layout.index_of(key)
        index = int(key) + self._layout.total if int(key) < 0 else int(key)
        if not 0 <= index < self._layout.total:
            raise IndexError(f"Index {key} out of range.")
        return self.get_binding_name(index)

    @property
    def num_bindings(self) -> int:
        """Bindings of all profiles: ``num_optimization_profiles * num_io_tensors``."""
        return self._layout.total

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
        engine = self.__wrapped__
        if hasattr(engine, "device_memory_size_v2"):
            return int(engine.device_memory_size_v2)
        return int(engine.device_memory_size)

    def get_binding_name(self, index: int) -> str:
        """The binding's name, mangled as ``"x [profile k]"`` for profiles ``k > 0``."""
        _require_index(index)
        name, profile = self._layout.get(index)
        return mangle(name, profile)

    def get_binding_index(self, name: str) -> int:
        """The binding index of a (mangled) name; -1 if there is none."""
        return self._layout.index_of(name)

    def binding_is_input(self, binding: int | str) -> bool:
        """Whether the binding is an input."""
        return enum_name(self.__wrapped__.get_tensor_mode(self._layout.get(binding)[0])) == "INPUT"

    def get_binding_shape(self, binding: int | str) -> Any:
        """Dims, -1 where the binding's own profile lets a dimension vary."""
        name, profile = self._layout.get(binding)
        engine = self.__wrapped__
        shape = engine.get_tensor_shape(name)
        if -1 not in tuple(shape) or not self.binding_is_input(binding):
            return shape
        low, _, high = engine.get_tensor_profile_shape(name, profile)
        return self._layout.dims([a if a == b else -1 for a, b in zip(low, high)])

    def get_binding_dtype(self, binding: int | str) -> Any:
        """The engine module's own ``DataType`` of the binding."""
        return self.__wrapped__.get_tensor_dtype(self._layout.get(binding)[0])

    def get_binding_format(self, binding: int) -> Any:
        """The binding's ``TensorFormat``."""
        _require_index(binding)
        return self.__wrapped__.get_tensor_format(self._layout.get(binding)[0])

    def get_binding_vectorized_dim(self, binding: int) -> int:
        """The vectorized dimension, -1 for scalar formats."""
        _require_index(binding)
        return int(self.__wrapped__.get_tensor_vectorized_dim(self._layout.get(binding)[0]))

    def get_binding_components_per_element(self, binding: int) -> int:
        """Components per vector element (1 for scalar formats)."""
        _require_index(binding)
        name = self._layout.get(binding)[0]
        return int(self.__wrapped__.get_tensor_components_per_element(name))

    def get_binding_bytes_per_component(self, binding: int) -> int:
        """Bytes per component."""
        _require_index(binding)
        return int(self.__wrapped__.get_tensor_bytes_per_component(self._layout.get(binding)[0]))

    def get_location(self, binding: int | str) -> Any:
        """The binding's ``TensorLocation`` (HOST for shape tensors)."""
        return self.__wrapped__.get_tensor_location(self._layout.get(binding)[0])

    def is_shape_binding(self, binding: int) -> bool:
        """Whether the binding is a shape tensor (``is_shape_inference_io``)."""
        _require_index(binding)
        return bool(self.__wrapped__.is_shape_inference_io(self._layout.get(binding)[0]))

    def is_execution_binding(self, binding: int) -> bool:
        """Whether the binding is used for execution (every non-shape tensor)."""
        _require_index(binding)
        return not self.is_shape_binding(binding)

    def get_profile_shape(self, profile_index: int, binding: int | str) -> list[Any]:
        """``[min, opt, max]`` of an input in ``profile_index``: 8.x argument order.

        Raises:
            IndexError: no such binding.
            RuntimeError: not an input, or no such profile (as 8.x raises).
        """
        name = self._layout.get(binding)[0]
        if not self.binding_is_input(binding) or not 0 <= profile_index < self._layout.profiles:
            raise RuntimeError("Error in get_profile_shape.")
        return list(self.__wrapped__.get_tensor_profile_shape(name, profile_index))

    def create_execution_context(self, *args: Any, **kwargs: Any) -> LegacyContext | None:
        """A context whose binding calls map onto the name-based API; None where TensorRT
        returns None."""
        context = self.__wrapped__.create_execution_context(*args, **kwargs)
        if context is None:
            return None
        binding_list = hasattr(self.__wrapped__, "num_bindings")
        return _TensorContext(context, self, self._layout, binding_list)


def __dir__() -> list[str]:
    return __all__


def _require_index(binding: object) -> None:
    # 8.x binds these members as (int) only; pybind refuses a name with TypeError.
    if not isinstance(binding, int):
        raise TypeError(f"Expected an int binding index; got {type(binding).__name__}.")
