"""What only the legacy view asks of a name-based engine: its answers in the engine module's
own types (``DataType``, ``TensorFormat``, ``TensorLocation``, ``Dims``), its blocking
``execute_v2`` and ``set_input_consumed_event``.

No other caller needs these, and they do not differ by release (every engine a
``TensorEngine`` wraps has the name-based API, 8.5 and later), so they are not part of the
``Family`` Protocol: the view's shapes, profiles and launches go through its family.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = [
    "NativeFacts",
    "execute_blocking",
    "native_dims",
    "native_facts",
    "set_input_consumed_event",
]


class NativeFacts(NamedTuple):
    """A tensor's facts typed as the engine's own module types them."""

    dtype: Any
    format: Any
    location: Any
    bytes_per_component: int


def native_facts(engine: Any, name: str) -> NativeFacts:
    """The engine's own ``DataType``, ``TensorFormat`` and ``TensorLocation`` of a tensor."""
    return NativeFacts(
        engine.get_tensor_dtype(name),
        engine.get_tensor_format(name),
        engine.get_tensor_location(name),
        int(engine.get_tensor_bytes_per_component(name)),
    )


def native_dims(engine: Any, shape: Sequence[int]) -> Any:
    """``shape`` as the engine module's own ``Dims`` (a tuple for an engine without tensors)."""
    if int(engine.num_io_tensors) == 0:
        return tuple(int(d) for d in shape)
    return type(engine.get_tensor_shape(engine.get_tensor_name(0)))([int(d) for d in shape])


def set_input_consumed_event(context: Any, event: Any) -> bool:
    """``set_input_consumed_event``: the event TensorRT records once the inputs are read."""
    return bool(context.set_input_consumed_event(event))


def execute_blocking(context: Any, bindings: Sequence[int]) -> bool:
    """``execute_v2``: runs to completion. ``bindings`` is the list that TensorRT version
    indexes: one slot per binding of every profile where the binding API exists (8.5-9.x),
    one per I/O tensor from 10.0."""
    return bool(context.execute_v2(list(bindings)))
