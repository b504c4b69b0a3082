"""Helpers both family modules share: Dims and enum conversion."""

from __future__ import annotations

from typing import Any

from ..iotensor import Location

__all__ = ["enum_name", "location_of", "to_shape"]


def to_shape(dims: Any) -> tuple[int, ...]:
    """A TensorRT ``Dims`` (or any sequence of ints) as a tuple of Python ints."""
    return tuple(int(d) for d in dims)


def enum_name(value: Any) -> str:
    """The member name of a TensorRT enum value (``TensorFormat.LINEAR`` -> ``"LINEAR"``)."""
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else str(value).rsplit(".", 1)[-1]


def location_of(value: Any) -> Location:
    """A ``TensorLocation`` as ``"device"`` or ``"host"``."""
    return "host" if enum_name(value) == "HOST" else "device"


def __dir__() -> list[str]:
    return __all__
