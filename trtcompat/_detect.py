"""Finds the TensorRT Python module lazily; never raises (enforcement is ``runtime_info``'s job)."""

from __future__ import annotations

import importlib
import os
import warnings
from functools import lru_cache
from types import ModuleType

from .errors import TrtCompatWarning

__all__ = ["CANDIDATES", "ENV_MODULE", "find_trt_module", "import_errors", "module_version"]

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


# Candidate -> why its import failed, from the latest search (see import_errors).
_failures: dict[str, str] = {}


def _not_installed(err: ImportError, name: str) -> bool:
    # "No module named 'tensorrt'" is absence; a missing *dependency* of an installed
    # tensorrt (its bindings, libnvinfer) is a broken install worth reporting.
    missing = getattr(err, "name", None)
    return (
        isinstance(err, ModuleNotFoundError)
        and missing is not None
        and (name == missing or name.startswith(missing + "."))
    )


def _try_import(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError as err:
        if not _not_installed(err, name):
            _failures[name] = f"{type(err).__name__}: {err}"
    except Exception as err:  # an OSError from a missing libnvinfer, a CUDA mismatch...
        _failures[name] = f"{type(err).__name__}: {err}"
    return None


@lru_cache(maxsize=1)
def find_trt_module() -> ModuleType | None:
    """The TensorRT module to use: ``$TRTCOMPAT_TRT_MODULE`` if set, else the first importable.

    Where a candidate is installed but fails to import and a later one is used instead, this
    warns (``TrtCompatWarning``, once per search) with the failed import's own error. The
    result is cached; tests clear it with ``find_trt_module.cache_clear()``.
    """
    _failures.clear()
    override = os.environ.get(ENV_MODULE)
    if override:
        return _try_import(override)
    for name in CANDIDATES:
        module = _try_import(name)
        if module is not None:
            if _failures:
                why = "; ".join(f"{failed}: {error}" for failed, error in _failures.items())
                warnings.warn(
                    f"Using {name} {module_version(module) or '(unknown version)'} because "
                    f"an installed TensorRT module failed to import ({why}).",
                    TrtCompatWarning,
                    stacklevel=3,
                )
            return module
    return None


def import_errors() -> dict[str, str]:
    """Candidate modules that are installed but failed to import -> their error text.

    From the search :func:`find_trt_module` made (runs it if it has not run).
    """
    find_trt_module()
    return dict(_failures)


def module_version(module: ModuleType) -> str | None:
    """The module's ``__version__``, or ``None`` when it has none."""
    version = getattr(module, "__version__", None)
    return version if isinstance(version, str) else None
