"""The contract of the version-dispatch layer: ``Shape`` and the ``Family`` Protocol.

A leaf module (it imports nothing of ``_family``): the family modules, ``_common`` and every
caller import the contract from here, so no module of the package imports its own package.
Each family module (``bindings``, ``tensors``) exports exactly these members (checked by
``tests/test_family_contract.py``, and by mypy through the typed table in ``_dispatch``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, Tuple

from ..iotensor import IOTensor

__all__ = ["Family", "Shape"]

Shape = Tuple[int, ...]


class Family(Protocol):
    """What each family module offers (modules satisfy Protocols: PEP 544)."""

    NAME: str

    def io_tensors(self, engine: Any) -> tuple[IOTensor, ...]:
        """Each I/O tensor once, in the engine's order."""
        ...  # pragma: no cover

    def num_profiles(self, engine: Any) -> int:
        """The number of optimization profiles."""
        ...  # pragma: no cover

    def profile_shapes(self, engine: Any, name: str, profile: int) -> tuple[Shape, Shape, Shape]:
        """``(min, opt, max)`` of an input in a profile (static tensors: its shape three times)."""
        ...  # pragma: no cover

    def has_implicit_batch(self, engine: Any) -> bool:
        """Whether the engine is an 8.x implicit-batch engine."""
        ...  # pragma: no cover

    def set_input_shape(self, context: Any, name: str, shape: Sequence[int]) -> None:
        """Sets an input's dimensions on the context's active profile."""
        ...  # pragma: no cover

    def tensor_shape(self, context: Any, name: str) -> Shape:
        """The context's resolved shape of a tensor (-1 where still unknown)."""
        ...  # pragma: no cover

    def active_profile(self, context: Any) -> int:
        """The context's active optimization profile (-1 when none)."""
        ...  # pragma: no cover

    def set_profile(self, context: Any, profile: int, stream: int) -> None:
        """Selects an optimization profile on the context."""
        ...  # pragma: no cover

    def binding_layout(self, engine: Any, profile: int) -> tuple[int, list[int]]:
        """``(slot count, slot of each I/O tensor)`` of the list ``execute`` takes."""
        ...  # pragma: no cover

    def tensor_names(self, engine: Any) -> tuple[str, ...]:
        """Each I/O tensor's name in the engine's order (cheaper than :meth:`io_tensors`)."""
        ...  # pragma: no cover

    def make_launch(
        self,
        context: Any,
        bindings: Sequence[int],
        names: Sequence[str] | None,
        batch_size: int | None,
    ) -> Callable[[int], bool]:
        """Binds ``bindings`` (slot list) and returns ``launch(stream) -> bool``; made when
        shapes or addresses change, called once per run. False where TensorRT refused."""
        ...  # pragma: no cover

    def execute(
        self,
        context: Any,
        bindings: Sequence[int],
        names: Sequence[str] | None,
        stream: int,
        batch_size: int | None,
    ) -> bool:
        """Binds and enqueues once; False where TensorRT refused (``names`` None: engine order)."""
        ...  # pragma: no cover

    def supports_data_dependent(self, context: Any) -> bool:
        """Whether outputs whose shape only execution reveals can run on this context."""
        ...  # pragma: no cover

    def set_output_allocator(self, context: Any, name: str, allocator: Any) -> bool:
        """Serves output ``name`` from ``allocator``; False where TensorRT refused."""
        ...  # pragma: no cover

    def make_output_allocator(
        self,
        engine: Any,
        reallocate: Callable[[str, int], int],
        notify: Callable[[str, Shape], None],
    ) -> Any:
        """An ``IOutputAllocator`` calling ``reallocate(name, nbytes) -> pointer`` and
        ``notify(name, shape)``."""
        ...  # pragma: no cover
