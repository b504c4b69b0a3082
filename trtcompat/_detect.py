"""Finds the TensorRT Python module lazily; never raises (enforcement is ``runtime_info``'s job)."""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from types import ModuleType

__all__ = ["CANDIDATES", "ENV_MODULE", "find_trt_module", "module_version"]

ENV_MODULE = "TRTCOMPAT_TRT_MODULE"

# Full runtime first: it can build and load everything the lean/dispatch runtimes can.
# The *_bindings modules are what the standalone PyPI "-bindings" wheels install when the
# front-end package is missing; tensorrt_rtx is the separate TensorRT-RTX product.
CANDIDATES: tuple[str, ...] = (
    "tensorrt",
    "tensorrt_lean",
    "tensorrt_dispatch",
    "tensorrt_bindings",
    "tensorrt_lean_bindings",
    "tensorrt_dispatch_bindings",
    "tensorrt_rtx",
)


def _try_import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except Exception:  # an ImportError, or an OSError from a missing libnvinfer
        return None


@lru_cache(maxsize=1)
def find_trt_module() -> ModuleType | None:
    """The TensorRT module to use: ``$TRTCOMPAT_TRT_MODULE`` if set, else the first importable.

    The result is cached; tests clear it with ``find_trt_module.cache_clear()``.
    """
    override = os.environ.get(ENV_MODULE)
    if override:
        return _try_import(override)
    for name in CANDIDATES:
        module = _try_import(name)
        if module is not None:
            return module
    return None


def module_version(module: ModuleType) -> str | None:
    """The module's ``__version__``, or ``None`` when it has none."""
    version = getattr(module, "__version__", None)
    return version if isinstance(version, str) else None


def __dir__() -> list[str]:
    return __all__
