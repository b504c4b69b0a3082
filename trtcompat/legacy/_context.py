"""The legacy context views: an 8.x context as it is, or the binding calls mapped onto the
name-based family (its ``Family``, from ``_dispatch.family_for``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._family import Family
from ..errors import TrtCompatError
from ..iotensor import IOTensor
from . import _native
from ._proxy import Proxy
from ._table import BindingTable

__all__ = ["LegacyContext", "TensorContext"]


class LegacyContext(Proxy):
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


class TensorContext(LegacyContext):
    """Binding calls mapped onto the name-based family's shape, profile and execute calls."""

    __slots__ = ("_binding_list", "_family", "_table")
    _binding_list: bool
    _family: Family
    _table: BindingTable

    def __init__(
        self, context: Any, engine: Any, family: Family, table: BindingTable, binding_list: bool
    ) -> None:
        super().__init__(context, engine)
        object.__setattr__(self, "_family", family)
        object.__setattr__(self, "_table", table)
        # Whether the real execute_v2 takes 8.x binding-indexed lists (an 8.5/8.6 context
        # driven through the name API) or one slot per I/O tensor (10.x+, NvInferRuntime.h).
        object.__setattr__(self, "_binding_list", binding_list)

    @property
    def active_optimization_profile(self) -> int:
        """The active profile; settable as in 8.x (10.0 made the real one read-only)."""
        return self._family.active_profile(self.__wrapped__)

    @active_optimization_profile.setter
    def active_optimization_profile(self, profile: int) -> None:
        # 8.x's setter is synchronous; the default stream orders it before later work on
        # any blocking stream, which is what the 8.x code relying on it assumes.
        try:
            self._family.set_profile(self.__wrapped__, int(profile), 0)
        except TrtCompatError:
            raise RuntimeError("Error in set optimization profile.") from None

    def _corrected(self, binding: Any) -> IOTensor | None:
        # 8.x maps a profile-0 index onto the active profile; another profile's index is an
        # error (NvInferRuntime.h 8.6, setBindingDimensions / getBindingDimensions).
        found = self._table.find(binding)
        if found is None:
            return None
        tensor, profile = found
        other_profile = not isinstance(binding, str) and int(binding) >= self._table.count
        if other_profile and profile != self.active_optimization_profile:
            return None
        return tensor

    def set_binding_shape(self, binding: int, shape: Sequence[int]) -> bool:
        """``set_input_shape`` on the active profile; False where 8.x refuses."""
        tensor = self._corrected(binding)
        if tensor is None or not tensor.is_input or self.active_optimization_profile < 0:
            return False
        try:
            self._family.set_input_shape(self.__wrapped__, tensor.name, shape)
        except TrtCompatError:
            return False  # TensorRT logged why, as 8.x does
        return True

    def get_binding_shape(self, binding: int) -> Any:
        """The context's shape of a binding; TensorRT's invalid Dims (``nbDims == -1``:
        ``len()`` raises ValueError) for an index out of range or of another profile, or
        while no profile is selected, as NvInferRuntime.h 8.6 says of getBindingDimensions."""
        engine = self.__wrapped__.engine
        tensor = self._corrected(binding)
        if tensor is None or self.active_optimization_profile < 0:
            return self._invalid_dims()
        shape = self._family.tensor_shape(self.__wrapped__, tensor.name)
        return _native.native_dims(engine, shape)

    def _invalid_dims(self) -> Any:
        # Python cannot build a Dims of nbDims -1; TensorRT answers one for a name that no
        # I/O tensor has (getTensorShape, 8.5+), and the table knows every I/O name.
        known = {t.name for t in self._table.tensors}
        unknown = next(n for n in ("", *(f"?{i}" for i in range(len(known) + 1))) if n not in known)
        return self.__wrapped__.get_tensor_shape(unknown)

    @property
    def all_binding_shapes_specified(self) -> bool:
        """Whether every input's dimensions are known (10.x's own flag ignores set_input_shape)."""
        return self.active_optimization_profile >= 0 and all(
            -1 not in self._family.tensor_shape(self.__wrapped__, t.name)
            for t in self._table.tensors
            if t.is_input
        )

    def execute_async_v2(
        self, bindings: Sequence[int], stream_handle: int, input_consumed: Any = None
    ) -> bool:
        """Binds the active profile's slots by name, then enqueues on ``stream_handle``."""
        slots = self._table.slots(bindings, self.active_optimization_profile)
        if slots is None:
            return False
        if input_consumed is not None:
            _native.set_input_consumed_event(self.__wrapped__, input_consumed)
        return self._family.execute(
            self.__wrapped__, slots, self._table.names, stream_handle, None
        )

    def execute_v2(self, bindings: Sequence[int]) -> bool:
        """The real synchronous ``execute_v2``, given the list its API indexes."""
        if self._binding_list:
            slots: Sequence[int] | None = bindings
        else:
            slots = self._table.slots(bindings, self.active_optimization_profile)
        return slots is not None and _native.execute_blocking(self.__wrapped__, slots)

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
