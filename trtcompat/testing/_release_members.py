"""Which members a fake builder-side class offers on one release, and which of them warn:
both from the version table (``_api_changes.CHANGES``, NVIDIA's pybind sources per release
branch), as the runtime fakes' member lists are."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from packaging.version import Version

from .._api_changes import CHANGES
from .._versions import has_member, parse_version

__all__ = ["closed_setattr", "members_of"]


def members_of(cls: str, version: Version, members: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``members`` that release ``version`` of ``cls`` has, each wrapped to warn
    where that release's binding warns (underscored helpers are kept as they are)."""
    offered = {n: m for n, m in members.items() if n.startswith("_") or has_member(cls, n, version)}
    return {n: _warning(cls, n, version, m) for n, m in offered.items()}


def _warning(cls: str, member: str, version: Version, value: Any) -> Any:
    # The bindings NVIDIA wraps in utils::deprecateMember warn on each use (a property on get
    # and set), from the release the version table says deprecated them.
    deprecated = CHANGES.get(cls, {}).get(member, (None, None, None, None))[1]
    if deprecated is None or version < parse_version(deprecated) or member.startswith("_"):
        return value

    def warned(function: Any) -> Any:
        @functools.wraps(function)  # the real parameters stay visible (inspect.signature)
        def call(*args: Any, **kwargs: Any) -> Any:
            warnings.warn(f"{member} is deprecated.", DeprecationWarning, stacklevel=2)
            return function(*args, **kwargs)

        return call

    if isinstance(value, property):
        return property(
            warned(value.fget) if value.fget else None, warned(value.fset) if value.fset else None
        )
    return warned(value) if callable(value) else value


def closed_setattr(cls: str, version: Version) -> Any:
    """A ``__setattr__`` that refuses what release ``version`` of real ``cls`` lacks.

    NVIDIA's builder classes are pybind11 classes without ``py::dynamic_attr()``: assigning a
    member the release does not have (``config.max_workspace_size = X`` on 10.0+) raises
    AttributeError instead of being kept, and so silently ignored, as a Python object would.
    The fake's own state (underscored names) stays settable.
    """

    def __setattr__(self: Any, name: str, value: Any) -> None:
        known = hasattr(type(self), name) or has_member(cls, name, version)
        if not (name.startswith("_") or known):
            raise AttributeError(f"'tensorrt.tensorrt.{cls}' object has no attribute {name!r}")
        object.__setattr__(self, name, value)

    return __setattr__
