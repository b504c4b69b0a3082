"""Picks the API family for an engine, by capability.

``RuntimeInfo`` and ``runtime_info`` live in :mod:`trtcompat.discovery` (re-exported here for
existing imports). The family is decided once per engine by whoever holds it (a ``Buffers``,
a ``Runner``, a legacy wrapper); what decides it is three attributes of the engine (read on
each call, as cheap as a cache key) and the request, whose answer ``lru_cache`` keeps.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from . import _capabilities, _detect
from ._family import Family
from .discovery import RuntimeInfo, runtime_info
from .errors import InvalidEngineError, UnsupportedFamilyError

__all__ = [
    "ENV_FAMILY",
    "FAMILY_NAMES",
    "RuntimeInfo",
    "available_families",
    "family_for",
    "get_family",
    "runtime_info",
]

ENV_FAMILY = "TRTCOMPAT_FAMILY"
FAMILY_NAMES = ("bindings", "tensors")


def get_family(name: str) -> Family:
    """The family module named ``"bindings"`` or ``"tensors"``."""
    families = _families()
    if name not in families:
        raise UnsupportedFamilyError(
            f"Unknown API family {name!r}. Must be 'bindings' or 'tensors'."
        )
    return families[name]


@lru_cache(maxsize=1)
def _families() -> dict[str, Family]:
    # Imported on first use. The annotation is the check that each family module is a
    # Family: mypy --strict refuses the dict if either lacks a member or types one otherwise.
    from ._family import bindings, tensors

    families: dict[str, Family] = {bindings.NAME: bindings, tensors.NAME: tensors}
    return families


def _offers(engine: Any) -> tuple[bool, bool]:
    """``(binding API, name-based API)``: what the engine's class offers (asked of the class,
    so 8.5+'s warning ``num_bindings`` property is never read)."""
    return _capabilities.binding_api(engine), _capabilities.name_based_api(engine)


def _implicit_flag(engine: Any) -> bool:
    # Asked only where the binding API exists (callers check first): on 10.x the property
    # exists but always reads False and warns, so it is not touched there.
    return bool(getattr(engine, "has_implicit_batch_dimension", False))


def available_families(engine: Any) -> tuple[str, ...]:
    """The families this engine can be driven through, by what its class offers.

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
    """
    bindings, tensors = _offers(engine)
    _require_engine(engine, bindings, tensors)
    return _found(bindings, tensors, bindings and _implicit_flag(engine))


def _require_engine(engine: Any, bindings: bool, tensors: bool) -> None:
    if engine is None or not (bindings or tensors):
        raise InvalidEngineError(
            f"Expected a TensorRT ICudaEngine; got {type(engine).__name__}. "
            "Load one with trtcompat.load_engine(path)."
        )


def _found(bindings: bool, tensors: bool, implicit: bool) -> tuple[str, ...]:
    # Breakpoint: TensorRT 8.5 added num_io_tensors; its name-based enqueue (execute_async_v3)
    # cannot run implicit-batch engines.
    return (("bindings",) if bindings else ()) + (("tensors",) if tensors and not implicit else ())


def family_for(engine: Any, family: str | None = None) -> Family:
    """The family to drive ``engine`` with, from what its class offers and its batch mode.

    Precedence: ``family`` argument, then ``$TRTCOMPAT_FAMILY``, then the engine's
    capabilities (implicit batch -> bindings; otherwise tensors where it exists).

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
        UnsupportedFamilyError: the requested family is unknown or the engine lacks it.
    """
    requested = family or os.environ.get(ENV_FAMILY) or None
    bindings, tensors = _offers(engine)
    _require_engine(engine, bindings, tensors)
    return _decide(bindings, tensors, bindings and _implicit_flag(engine), requested)


#: The decision is a function of three facts and the request: at most 2 x 2 x 2 x 3 answers
#: (a refused request raises, and lru_cache keeps no exceptions), so the cache needs no bound.
@lru_cache(maxsize=None)
def _decide(bindings: bool, tensors: bool, implicit: bool, requested: str | None) -> Family:
    found = _found(bindings, tensors, implicit)
    if requested is None:
        return get_family("tensors" if "tensors" in found else "bindings")
    chosen = get_family(requested)  # UnsupportedFamilyError for a name that is no family
    if requested not in found:
        allowed = " or ".join(repr(f) for f in found)
        why = " (an implicit-batch engine)" if implicit else ""
        raise UnsupportedFamilyError(
            f"API family {requested!r} is not available on this engine{why} "
            f"({_describe_runtime()}). Must be {allowed}."
        )
    return chosen


def _describe_runtime() -> str:
    module = _detect.find_trt_module()
    if module is None:
        return "no TensorRT module found"
    return f"{module.__name__} {_detect.module_version(module) or '(unknown version)'}"
