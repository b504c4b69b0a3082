"""The public model of one fake engine: its spec and era, and the rules TensorRT applies to
them. The fake engine and context classes keep their state private and share it only through
this object."""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from ._eras import Era
from ._spec import EngineSpec, TensorSpec

__all__ = ["EngineModel", "binding_name", "split_binding_name"]


# TensorRT's own naming, written here apart from _family/_binding_indices.py on purpose: the
# fakes stand for TensorRT, so the family's reading of these names is tested against an
# independent spelling, not against itself.
def binding_name(name: str, profile: int) -> str:
    """The 8.x binding name of ``name`` in ``profile`` (``"x [profile 2]"``)."""
    return name if profile == 0 else f"{name} [profile {profile}]"


def split_binding_name(name: str) -> tuple[str, int]:
    """``(tensor name, profile)`` of an 8.x binding name."""
    if name.endswith("]") and " [profile " in name:
        base, _, tail = name.rpartition(" [profile ")
        if tail[:-1].isdigit():
            return base, int(tail[:-1])
    return name, 0


class EngineModel:
    """One fake engine as data and rules.

    Attributes:
        spec: The :class:`EngineSpec` the plan carried.
        era: The :class:`Era` of the runtime that deserialized it.
        module: The fake ``tensorrt`` module whose types the engine answers in.
        positions: Tensor name -> position in ``spec.tensors``.
        profile_zero_holders: The contexts holding profile 0 (8.x lets only one hold it).
    """

    def __init__(
        self, spec: EngineSpec, era: Era, module: Any, log: Callable[[str, str], None]
    ) -> None:
        self.spec = spec
        self.era = era
        self.module = module
        self.positions = {t.name: i for i, t in enumerate(spec.tensors)}
        self.profile_zero_holders: weakref.WeakSet[Any] = weakref.WeakSet()
        self._log = log

    @property
    def count(self) -> int:
        """Tensors per profile."""
        return len(self.spec.tensors)

    def warn(self, cls: str, member: str) -> None:
        """The DeprecationWarning the era's binding of ``cls.member`` gives, if any."""
        if f"{cls}.{member}" in self.era.deprecated:
            warnings.warn(f"{member} is deprecated.", DeprecationWarning, stacklevel=3)

    def log_error(self, message: str) -> None:
        """Sends ``message`` to the runtime's logger at ERROR severity."""
        self._log("ERROR", message)

    def dims(self, shape: Sequence[int]) -> Any:
        """``shape`` as the module's ``Dims``."""
        return self.module.Dims(shape)

    def invalid_dims(self) -> Any:
        """``Dims{-1, {}}`` of the module: ``len()`` / ``list()`` / ``tuple()`` raise
        ValueError (NvInferRuntime.h: what a name that is no I/O tensor gets)."""
        return self.module.Dims._invalid()

    def enum(self, enum_name: str, member: str) -> Any:
        """A member of one of the module's enums."""
        return getattr(getattr(self.module, enum_name), member)

    def find(self, key: Any) -> tuple[TensorSpec, int] | None:
        """The tensor and profile of a binding index, a (mangled) name or a plain name."""
        if isinstance(key, str):
            name, profile = split_binding_name(key) if self.era.has_bindings else (key, 0)
            if name in self.positions and profile < self.spec.num_profiles:
                return self.spec.tensors[self.positions[name]], profile
            return None
        index = int(key)
        if 0 <= index < self.count * self.spec.num_profiles:
            return self.spec.tensors[index % self.count], index // self.count
        return None

    def binding(self, key: Any) -> tuple[TensorSpec, int]:
        """Like :meth:`find`; IndexError where there is no such binding."""
        found = self.find(key)
        if found is None:
            raise IndexError(f"Binding {key!r} is out of range.")
        return found

    def int_binding(self, index: Any) -> tuple[TensorSpec, int]:
        """:meth:`binding` for members 8.x binds as (int) only (pybind refuses a name)."""
        if not isinstance(index, int):
            raise TypeError("incompatible function arguments: expected an int binding index.")
        return self.binding(index)

    def binding_index(self, tensor: TensorSpec, profile: int) -> int:
        """The 8.x binding index of ``tensor`` in ``profile``."""
        return profile * self.count + self.positions[tensor.name]

    def named(self, name: str) -> TensorSpec:
        """The tensor called ``name``; RuntimeError as TensorRT raises where there is none."""
        if name not in self.positions:
            raise RuntimeError(f"Tensor {name!r} not found.")
        return self.spec.tensors[self.positions[name]]

    def profile_range(
        self, tensor: TensorSpec, profile: int
    ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """``(min, opt, max)`` of a tensor in a profile (a static tensor: its shape thrice)."""
        if tensor.profiles:
            return tensor.profiles[profile]
        return (tensor.shape, tensor.shape, tensor.shape)

    def shape_in(self, tensor: TensorSpec, profile: int) -> tuple[int, ...]:
        """Dims as TensorRT reports them: -1 where the profile's range varies."""
        if not tensor.is_input:
            return tensor.shape
        low, _, high = self.profile_range(tensor, profile)
        return tuple(a if a == b else -1 for a, b in zip(low, high))

    def shape_any(self, tensor: TensorSpec) -> tuple[int, ...]:
        """Dims over every profile: -1 where any profile lets the dimension vary."""
        shape = self.shape_in(tensor, 0)
        for k in range(1, self.spec.num_profiles):
            other = self.shape_in(tensor, k)
            shape = tuple(a if a == b else -1 for a, b in zip(shape, other))
        return shape
