"""What the installed TensorRT can do: the named capability checks, in one place.

A check asks the object's class (pybind classes do not change after import), once per class
(``functools.lru_cache``; the fakes make classes per module instance, so the caches are
bounded). *When* a release gained or lost a member is not decided here: that is the generated
table, read through ``_versions`` (``added_in``, ``offered``); this module answers what the
objects in hand offer, and the words for a release trtcompat does not know yet.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from packaging.version import Version

from . import _versions

__all__ = [
    "NAME_BASED_ONLY",
    "NEWEST_KNOWN_MAJOR",
    "added_in",
    "device_memory_attribute",
    "device_memory_size",
    "newer_than_known",
]

# The newest TensorRT major trtcompat knows (the table's newest release): one constant.
NEWEST_KNOWN_MAJOR = _versions.NEWEST_KNOWN_MAJOR

# The families of a runtime that has only the name-based API: TensorRT-RTX, and a major newer
# than trtcompat knows (the binding-index API did not come back after 10.0).
NAME_BASED_ONLY: tuple[str, ...] = ("tensors",)

# Breakpoint: TensorRT 10.1 added device_memory_size_v2 (and made the old property warn);
# 11.0 removed device_memory_size. The newer name first.
_DEVICE_MEMORY_ATTRIBUTES = ("device_memory_size_v2", "device_memory_size")


def newer_than_known(version: Version) -> bool:
    """Whether ``version`` is a major trtcompat has no facts for (newer than the table's)."""
    return version.major > NEWEST_KNOWN_MAJOR


def added_in(cls: str, member: str) -> Version | None:
    """The first release with ``cls.member`` (builder classes included), from the table:
    what an error about a missing capability names. None where 8.0 already had it."""
    return _versions.added_in(cls, member)


@lru_cache(maxsize=64)
def _class_device_memory_attribute(engine_class: type) -> str | None:
    for attribute in _DEVICE_MEMORY_ATTRIBUTES:
        if hasattr(engine_class, attribute):
            return attribute
    return None


def device_memory_attribute(engine: Any) -> str | None:
    """The engine's activation-memory attribute: ``device_memory_size_v2`` where its class
    has it, else ``device_memory_size``; None where TensorRT does not say.

    Decided once per engine class; an object whose class has neither (a stand-in with
    instance attributes) is asked itself, each time.
    """
    engine_class: type = type(engine)
    found = _class_device_memory_attribute(engine_class)
    if found is None:
        for attribute in _DEVICE_MEMORY_ATTRIBUTES:
            if hasattr(engine, attribute):
                return attribute
    return found


def device_memory_size(engine: Any) -> int | None:
    """The activation memory ``engine`` needs, in bytes (see :func:`device_memory_attribute`),
    or None where TensorRT does not say."""
    attribute = device_memory_attribute(engine)
    return None if attribute is None else int(getattr(engine, attribute))
