"""Picks the API family for an engine, by capability.

``RuntimeInfo`` and ``runtime_info`` live in :mod:`trtcompat.discovery` (re-exported here for
existing imports). The family is decided once per engine by
whoever holds it (a ``Buffers``, a ``Runner``, a legacy wrapper), never on a hot path.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from typing import Any, cast

from . import _detect
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


@lru_cache(maxsize=2)
def get_family(name: str) -> Family:
    """The family module named ``"bindings"`` or ``"tensors"``."""
    if name not in FAMILY_NAMES:
        raise UnsupportedFamilyError(
            f"Unknown API family {name!r}. Must be 'bindings' or 'tensors'."
        )
    return cast(Family, importlib.import_module(f"._family.{name}", __package__))


def _is_implicit_batch(engine: Any) -> bool:
    # Only engines that still have the binding API can be implicit batch; on 10.x the
    # property exists but always reads False and warns, so it is not touched there.
    return hasattr(engine, "num_bindings") and bool(
        getattr(engine, "has_implicit_batch_dimension", False)
    )


def available_families(engine: Any) -> tuple[str, ...]:
    """The families this engine can be driven through, by what its class offers.

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
    """
    if engine is None or not (hasattr(engine, "num_io_tensors") or hasattr(engine, "num_bindings")):
        raise InvalidEngineError(
            f"Expected a TensorRT ICudaEngine; got {type(engine).__name__}. "
            "Load one with trtcompat.load_engine(path)."
        )
    found = []
    if hasattr(engine, "num_bindings"):
        found.append("bindings")
    # Breakpoint: TensorRT 8.5 added num_io_tensors; its name-based enqueue (execute_async_v3)
    # cannot run implicit-batch engines.
    if hasattr(engine, "num_io_tensors") and not _is_implicit_batch(engine):
        found.append("tensors")
    return tuple(found)


#: (engine class, requested family, implicit batch) -> family. What an engine offers is fixed
#: by its class (pybind members) plus the implicit-batch flag, so the decision is made once.
_FAMILY_CACHE: dict[tuple[type, type, str | None, bool], Family] = {}


def family_for(engine: Any, family: str | None = None) -> Family:
    """The family to drive ``engine`` with (decided once per engine class and batch mode).

    Precedence: ``family`` argument, then ``$TRTCOMPAT_FAMILY``, then the engine's
    capabilities (implicit batch -> bindings; otherwise tensors where it exists).

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
        UnsupportedFamilyError: the requested family is unknown or the engine lacks it.
    """
    requested = family or os.environ.get(ENV_FAMILY) or None
    # A legacy.wrap view reports the wrapped engine's class as __class__: one view type serves
    # engines of several eras, so the wrapped class is part of the key.
    key = (type(engine), engine.__class__, requested, _is_implicit_batch(engine))
    chosen = _FAMILY_CACHE.get(key)
    if chosen is None:
        chosen = _decide(engine, requested)
        if len(_FAMILY_CACHE) >= 64:  # fake modules make classes per instance: stay bounded
            _FAMILY_CACHE.clear()
        _FAMILY_CACHE[key] = chosen
    return chosen


def _decide(engine: Any, requested: str | None) -> Family:
    found = available_families(engine)
    if requested is None:
        return get_family("tensors" if "tensors" in found else "bindings")
    if requested not in FAMILY_NAMES:
        raise UnsupportedFamilyError(
            f"Unknown API family {requested!r}. Must be 'bindings' or 'tensors'."
        )
    if requested not in found:
        allowed = " or ".join(repr(f) for f in found)
        why = " (an implicit-batch engine)" if _is_implicit_batch(engine) else ""
        raise UnsupportedFamilyError(
            f"API family {requested!r} is not available on this engine{why} "
            f"({_describe_runtime()}). Must be {allowed}."
        )
    return get_family(requested)


def _describe_runtime() -> str:
    module = _detect.find_trt_module()
    if module is None:
        return "no TensorRT module found"
    return f"{module.__name__} {_detect.module_version(module) or '(unknown version)'}"
