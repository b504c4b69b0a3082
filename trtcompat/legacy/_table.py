"""Binding indices and names of an engine that has only the name-based API, looked up with
the binding family's own arithmetic (``_family._binding_indices``: binding ``k * n + i`` is
tensor ``i`` of profile ``k``, named ``"x [profile k]"`` for ``k > 0``)."""

from __future__ import annotations

from typing import Any

from .._family import Family
from .._family import _binding_indices as binding_api
from ..iotensor import IOTensor

__all__ = ["BindingTable"]


class BindingTable:
    """Every binding of every profile of a name-based engine, as TensorRT 8 numbers them
    (``family``: the engine's name-based family, which lists its tensors and profiles).

    Attributes:
        tensors: The engine's I/O tensors in I/O-index order (``io_tensors``).
        names: Their names.
        count: Tensors per profile (n).
        profiles: Optimization profiles (K, at least 1).
        total: Bindings of all profiles (K * n).
    """

    def __init__(self, engine: Any, family: Family) -> None:
        self.tensors: tuple[IOTensor, ...] = family.io_tensors(engine)
        self.names = [t.name for t in self.tensors]
        self.count = len(self.names)
        self.profiles = family.num_profiles(engine)
        self.total = self.count * self.profiles
        self._position = {name: i for i, name in enumerate(self.names)}

    def index_of(self, name: str) -> int:
        """8.x ``get_binding_index``: -1 for an unknown name or profile.

        Raises:
            TypeError: ``name`` is not a str (as pybind refuses it on 8.x).
        """
        if not isinstance(name, str):
            raise TypeError(f"get_binding_index(): expected a binding name; got {name!r}.")
        base, profile = binding_api.split_binding_name(name)
        if base not in self._position and name in self._position:
            base, profile = name, 0  # a tensor whose own name ends in " [profile k]"
        if base not in self._position or profile >= self.profiles:
            return -1
        return binding_api.binding_index(self._position[base], profile, self.count)

    def find(self, binding: Any) -> tuple[IOTensor, int] | None:
        """``(tensor, profile)`` of a binding index or a (mangled) binding name."""
        index = self.index_of(binding) if isinstance(binding, str) else int(binding)
        if not 0 <= index < self.total:
            return None
        position, profile = binding_api.binding_position(index, self.count)
        return self.tensors[position], profile

    def get(self, binding: Any) -> tuple[IOTensor, int]:
        """Like :meth:`find`; IndexError where 8.x has no such binding."""
        found = self.find(binding)
        if found is None:
            raise IndexError(f"Binding {binding!r} is out of range.")
        return found

    def name_of(self, index: int) -> str:
        """The binding name of an index (``"x [profile k]"`` for ``k > 0``).

        Raises:
            IndexError: no such binding.
        """
        tensor, profile = self.get(index)
        return binding_api.binding_name(tensor.name, profile)

    def slots(self, bindings: Any, profile: int) -> list[int] | None:
        """The addresses of ``profile``'s bindings in an 8.x list of all bindings, in
        I/O-index order; None where the list is too short to hold them."""
        first = binding_api.binding_index(0, max(profile, 0), self.count)
        if len(bindings) < first + self.count:
            return None
        return [int(b) for b in bindings[first : first + self.count]]
