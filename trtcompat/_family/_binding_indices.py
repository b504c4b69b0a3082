"""TensorRT 8's binding arithmetic as plain functions: binding indices and names across
optimization profiles.

With K profiles and n tensors per profile, tensor ``i`` of profile ``k`` is binding
``k * n + i``, named ``"x [profile k]"`` for ``k > 0`` (``docs/TRT_API.md``, "Binding
indices"). The ``bindings`` family computes its indices with these; ``trtcompat.legacy``
numbers and names the bindings of its 8.x view over a name-based engine with the same rule.
No TensorRT call and no release fact here: the rule is the same on every 8.x release.
"""

from __future__ import annotations

__all__ = ["binding_index", "binding_name", "binding_position", "split_binding_name"]


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
