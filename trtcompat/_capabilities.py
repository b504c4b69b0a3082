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
    "binding_api",
    "builder_flag",
    "builds_plans",
    "device_memory_attribute",
    "device_memory_size",
    "hardware_compatibility_level",
    "implicit_batch_builder",
    "name_based_api",
    "newer_than_known",
    "offers",
    "older_than_supported",
    "progress_monitors",
    "strongly_typed_networks",
    "weakly_typed",
    "workspace_api",
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


def older_than_supported(version: Version) -> bool:
    """Whether ``version`` is older than the oldest release trtcompat supports."""
    return version < _versions.MINIMUM_SUPPORTED


# ---- The builder side: what the installed module's builder classes and enums offer. ----
# Each probe asks a class, an enum or the module itself, once (pybind classes and modules do
# not change after import; the fakes make new ones per module, so the cache is bounded). A
# class is asked, never an instance: a deprecated property's getter warns on every read.


@lru_cache(maxsize=256)
def _has(owner: Any, member: str) -> bool:
    return hasattr(owner, member)


def offers(obj: Any, member: str) -> bool:
    """Whether ``obj`` has ``member``: its class asked once, else the object itself (a
    stand-in with instance attributes)."""
    obj_class: type = type(obj)
    return _has(obj_class, member) or hasattr(obj, member)


def builds_plans(trt: Any) -> bool:
    """Whether module ``trt`` has a ``Builder`` (the lean and dispatch runtimes have none)."""
    return _has(trt, "Builder")


def builder_flag(trt: Any, name: str) -> Any | None:
    """``trt.BuilderFlag.<name>``, or None where the release lacks it."""
    flags = trt.BuilderFlag
    return getattr(flags, name) if _has(flags, name) else None


def weakly_typed(trt: Any) -> bool:
    """Whether networks are weakly typed by default (builder precision flags exist).

    Breakpoint: TensorRT 11.0 removed weak typing, and ``BuilderFlag.FP16`` with it.
    """
    return _has(trt.BuilderFlag, "FP16")


def strongly_typed_networks(trt: Any) -> bool:
    """Whether a network can be created strongly typed (``STRONGLY_TYPED``, 9.x+)."""
    return _has(trt.NetworkDefinitionCreationFlag, "STRONGLY_TYPED")


def implicit_batch_builder(trt: Any, builder: Any) -> bool:
    """Whether ``builder`` still makes implicit-batch networks unless asked for
    ``EXPLICIT_BATCH`` (``Builder.max_batch_size`` exists).

    Breakpoint: TensorRT 10.0 removed implicit batch, and ``Builder.max_batch_size`` with it.
    """
    builder_class: type = type(builder)
    return _has(builder_class, "max_batch_size") and _has(
        trt.NetworkDefinitionCreationFlag, "EXPLICIT_BATCH"
    )


def workspace_api(trt: Any, config: Any) -> str | None:
    """How ``config`` limits the build workspace: ``"set_memory_pool_limit"`` (8.4+),
    ``"max_workspace_size"`` (8.0-8.3, the only way there), or None."""
    if _has(trt, "MemoryPoolType") and offers(config, "set_memory_pool_limit"):
        return "set_memory_pool_limit"
    if offers(config, "max_workspace_size"):
        return "max_workspace_size"
    return None


def hardware_compatibility_level(trt: Any, config: Any, name: str) -> Any | None:
    """``trt.HardwareCompatibilityLevel.<name>`` where ``config`` can take it (8.6+), else
    None."""
    levels = getattr(trt, "HardwareCompatibilityLevel", None)
    if levels is None or not _has(levels, name):
        return None
    return getattr(levels, name) if offers(config, "hardware_compatibility_level") else None


def progress_monitors(trt: Any, config: Any) -> bool:
    """Whether builds report progress through an ``IProgressMonitor`` (9.x+)."""
    return _has(trt, "IProgressMonitor") and offers(config, "progress_monitor")


# ---- The runtime side's API families, for ``_dispatch`` to choose from. ----


def binding_api(engine: Any) -> bool:
    """Whether ``engine`` has the binding-index API (``num_bindings``; gone in 10.0), asked
    of its class once: the 8.5+ property warns on every read of an instance."""
    return offers(engine, "num_bindings")


def name_based_api(engine: Any) -> bool:
    """Whether ``engine`` has the name-based API (``num_io_tensors``; 8.5 added it)."""
    return offers(engine, "num_io_tensors")
