"""The pieces of :mod:`trtcompat.legacy` shared by its engine and context views.

``_Layout`` owns the TensorRT 8 binding arithmetic for engines that only have the name-based
API: with K profiles and n tensors, binding ``k * n + i`` is tensor ``i`` of profile ``k``,
named ``"x [profile k]"`` for ``k > 0`` (``shared/TRT_API.md`` §2.1).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from ._family._common import enum_name

__all__ = ["LegacyContext", "mangle"]

# TensorRT 8 members that the facade does not map onto the name-based API, with what to use.
_UNMAPPED = {
    "get_binding_format_desc": "engine.get_tensor_format_desc(name)",
    "get_profile_shape_input": "engine.get_tensor_profile_values(profile_index, name)",
    "set_shape_input": "context.set_tensor_address(name, host_pointer)",
    "get_shape": "context.get_tensor_address(name) (a host pointer)",
    "get_strides": "context.get_tensor_strides(name)",
}


def mangle(name: str, profile: int) -> str:
    """The TensorRT 8 binding name of tensor ``name`` in ``profile`` (``"x [profile 2]"``)."""
    return name if profile == 0 else f"{name} [profile {profile}]"


def _unmangle(name: str) -> tuple[str, int]:
    base, sep, tail = name.rpartition(" [profile ")
    if sep and tail.endswith("]") and tail[:-1].isdigit():
        return base, int(tail[:-1])
    return name, 0


class _Proxy:
    """Forwards every attribute it does not define to the wrapped TensorRT object.

    Setting goes through too (``context.debug_sync = True`` must reach TensorRT), except for
    names the proxy class itself defines (its slots and properties).
    """

    __slots__ = ("__wrapped__",)
    __wrapped__: Any

    def __init__(self, wrapped: Any) -> None:
        object.__setattr__(self, "__wrapped__", wrapped)

    def __getattr__(self, name: str) -> Any:
        if name == "__wrapped__":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        try:
            return getattr(self.__wrapped__, name)
        except AttributeError:
            if name not in _UNMAPPED:
                raise
        raise AttributeError(
            f"{name!r} is a TensorRT 8 member that trtcompat.legacy does not map onto the "
            f"name-based API. Use {_UNMAPPED[name]} instead."
        ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            setattr(self.__wrapped__, name, value)

    def __enter__(self) -> Any:
        # TensorRT 8 samples write `with engine.create_execution_context() as context:`;
        # the real classes' own __enter__ (patched on by tensorrt/__init__.py) still runs.
        enter = getattr(self.__wrapped__, "__enter__", None)
        if enter is not None:
            with warnings.catch_warnings():
                # 10.x/11.x deprecate these (no-op) context managers; TensorRT 8 code that the
                # facade runs used them as documented then, so it is not warned about them.
                warnings.simplefilter("ignore", DeprecationWarning)
                enter()
        return self

    def __exit__(self, *exc: object) -> None:
        exit_ = getattr(self.__wrapped__, "__exit__", None)
        if exit_ is not None:
            exit_(*exc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.__wrapped__!r}>"


class _Layout:
    """Binding indices <-> tensor names for an engine with only the name-based API."""

    def __init__(self, engine: Any) -> None:
        self.names = [str(engine.get_tensor_name(i)) for i in range(int(engine.num_io_tensors))]
        self.count = len(self.names)
        self.profiles = max(int(engine.num_optimization_profiles), 1)
        self.total = self.count * self.profiles
        self._index = {name: i for i, name in enumerate(self.names)}
        # Shapes go back as the module's own Dims (TensorRT 8.5's set_input_shape takes
        # nothing else); every name-based engine returns one from get_tensor_shape.
        self.dims: Callable[[Sequence[int]], Any] = (
            type(engine.get_tensor_shape(self.names[0])) if self.names else tuple
        )

    def index_of(self, name: str) -> int:
        """8.x ``get_binding_index``: -1 for an unknown name or profile.

        Raises:
            TypeError: ``name`` is not a str (as pybind refuses it on 8.x).
        """
        if not isinstance(name, str):
            raise TypeError(f"get_binding_index(): expected a binding name; got {name!r}.")
        base, profile = _unmangle(name)
        if base not in self._index and name in self._index:
            base, profile = name, 0
        if base not in self._index or profile >= self.profiles:
            return -1
        return profile * self.count + self._index[base]

    def find(self, binding: Any) -> tuple[str, int] | None:
        """``(tensor name, profile)`` of a binding index or a (mangled) binding name."""
        index = self.index_of(binding) if isinstance(binding, str) else int(binding)
        if not 0 <= index < self.total:
            return None
        return self.names[index % self.count], index // self.count

    def get(self, binding: Any) -> tuple[str, int]:
        """Like :meth:`find`; IndexError where 8.x has no such binding."""
        found = self.find(binding)
        if found is None:
            raise IndexError(f"Binding {binding!r} is out of range.")
        return found


class LegacyContext(_Proxy):
    """An ``IExecutionContext`` with the TensorRT 8 binding surface; made by
    ``LegacyEngine.create_execution_context()``.

    Over an 8.x context every member is the real one. Over a 10.x/11.x context these are
    mapped: ``set_binding_shape``, ``get_binding_shape``, ``all_binding_shapes_specified``,
    ``active_optimization_profile`` (settable again), ``execute_v2``, ``execute_async_v2``,
    ``execute`` and ``execute_async`` (explicit batch: ``batch_size`` is ignored, as 8.x
    ignores it). Anything else is the real context's.

    Attributes:
        engine: The :class:`~trtcompat.legacy.LegacyEngine` this context came from.
    """

    __slots__ = ("engine",)
    engine: Any

    def __init__(self, context: Any, engine: Any) -> None:
        super().__init__(context)
        object.__setattr__(self, "engine", engine)


class _TensorContext(LegacyContext):
    """Binding calls mapped onto ``set_input_shape`` / ``set_tensor_address`` / v3."""

    __slots__ = ("_binding_list", "_layout")
    _binding_list: bool
    _layout: _Layout

    def __init__(self, context: Any, engine: Any, layout: _Layout, binding_list: bool) -> None:
        super().__init__(context, engine)
        object.__setattr__(self, "_layout", layout)
        # Whether the real execute_v2 takes 8.x binding-indexed lists (an 8.5/8.6 context
        # driven through the name API) or one slot per I/O tensor (10.x+, NvInferRuntime.h).
        object.__setattr__(self, "_binding_list", binding_list)

    @property
    def active_optimization_profile(self) -> int:
        """The active profile; settable as in 8.x (10.0 made the real one read-only)."""
        return int(self.__wrapped__.active_optimization_profile)

    @active_optimization_profile.setter
    def active_optimization_profile(self, profile: int) -> None:
        # 8.x's setter is synchronous; the default stream orders it before later work on
        # any blocking stream, which is what the 8.x code relying on it assumes.
        try:
            self.__wrapped__.set_optimization_profile_async(profile, 0)
        except RuntimeError:
            raise RuntimeError("Error in set optimization profile.") from None

    def _corrected(self, binding: Any) -> str | None:
        # 8.x maps a profile-0 index onto the active profile; another profile's index is an
        # error (NvInferRuntime.h 8.6, setBindingDimensions / getBindingDimensions).
        found = self._layout.find(binding)
        if found is None:
            return None
        name, profile = found
        active = self.active_optimization_profile
        other_profile = not isinstance(binding, str) and int(binding) >= self._layout.count
        if profile != active and other_profile:
            return None
        return name

    def set_binding_shape(self, binding: int, shape: Sequence[int]) -> bool:
        """``set_input_shape`` on the active profile; False where 8.x refuses."""
        name = self._corrected(binding)
        if name is None or self.active_optimization_profile < 0:
            return False
        if enum_name(self.__wrapped__.engine.get_tensor_mode(name)) != "INPUT":
            return False
        return bool(self.__wrapped__.set_input_shape(name, self._layout.dims(shape)))

    def get_binding_shape(self, binding: int) -> Any:
        """The context's shape of a binding (empty Dims for another profile's binding)."""
        name = self._corrected(binding)
        if name is None:
            return self._layout.dims(())
        return self.__wrapped__.get_tensor_shape(name)

    @property
    def all_binding_shapes_specified(self) -> bool:
        """Whether every input's dimensions are known (10.x's own flag ignores set_input_shape)."""
        context, engine = self.__wrapped__, self.__wrapped__.engine
        return self.active_optimization_profile >= 0 and all(
            -1 not in tuple(context.get_tensor_shape(name))
            for name in self._layout.names
            if enum_name(engine.get_tensor_mode(name)) == "INPUT"
        )

    def _slots(self, bindings: Sequence[int]) -> Sequence[int] | None:
        start = max(self.active_optimization_profile, 0) * self._layout.count
        if len(bindings) < start + self._layout.count:
            return None
        return bindings[start : start + self._layout.count]

    def execute_async_v2(
        self, bindings: Sequence[int], stream_handle: int, input_consumed: Any = None
    ) -> bool:
        """Binds the active profile's slots by name, then ``execute_async_v3``."""
        slots = self._slots(bindings)
        if slots is None:
            return False
        for name, address in zip(self._layout.names, slots):
            if not self.__wrapped__.set_tensor_address(name, int(address)):
                return False
        if input_consumed is not None:
            self.__wrapped__.set_input_consumed_event(input_consumed)
        return bool(self.__wrapped__.execute_async_v3(stream_handle))

    def execute_v2(self, bindings: Sequence[int]) -> bool:
        """The real synchronous ``execute_v2``, given the list its API indexes."""
        slots = bindings if self._binding_list else self._slots(bindings)
        return slots is not None and bool(self.__wrapped__.execute_v2(list(slots)))

    def execute_async(
        self,
        batch_size: int = 1,
        bindings: Sequence[int] = (),
        stream_handle: int = 0,
        input_consumed: Any = None,
    ) -> bool:
        """``execute_async_v2``: name-based engines are explicit batch, so the batch is ignored."""
        del batch_size
        return self.execute_async_v2(bindings, stream_handle, input_consumed)

    def execute(self, batch_size: int = 1, bindings: Sequence[int] = ()) -> bool:
        """``execute_v2``: name-based engines are explicit batch, so the batch is ignored."""
        del batch_size
        return self.execute_v2(bindings)


def __dir__() -> list[str]:
    return __all__
