"""What TensorRT is installed: :class:`RuntimeInfo` and :func:`runtime_info`.

``trtcompat._detect`` finds the module (and never raises); this module judges it: too old,
newer than trtcompat knows, or missing, with the routes to install one.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Literal

from . import _capabilities, _detect, _versions
from ._compat import DATACLASS_SLOTS
from .errors import TensorRTNotFoundError, TrtCompatWarning, UnsupportedTensorRTError

__all__ = ["Flavor", "RuntimeInfo", "runtime_info"]

_INSTALL_ROUTES = (
    "Install one TensorRT runtime:\n"
    "  pip install tensorrt-cu12          # full runtime + builder, CUDA 12\n"
    "  pip install tensorrt-cu13          # full runtime + builder, CUDA 13\n"
    "  pip install tensorrt-lean-cu12     # lean runtime (version-compatible plans)\n"
    "  pip install tensorrt-dispatch-cu12 # dispatch runtime\n"
    "or use an NGC container (nvcr.io/nvidia/tensorrt:YY.MM-py3), or set "
    f"{_detect.ENV_MODULE} to the module to import."
)


Flavor = Literal["full", "lean", "dispatch", "rtx"]


@dataclass(frozen=True, **DATACLASS_SLOTS)
class RuntimeInfo:
    """What TensorRT trtcompat found.

    Attributes:
        module: The imported module's name (``"tensorrt"``, ``"tensorrt_lean"``...).
        version: Its ``__version__``.
        families: The API families that version offers (``("bindings", "tensors")`` on 8.6).
        flavor: ``"full"``, ``"lean"``, ``"dispatch"`` or ``"rtx"`` (TensorRT-RTX).
    """

    module: str
    version: str
    families: tuple[str, ...]
    flavor: Flavor


def _flavor(module_name: str) -> Flavor:
    for flavor in ("lean", "dispatch", "rtx"):
        if flavor in module_name:
            return flavor
    return "full"


def runtime_info() -> RuntimeInfo:
    """Describes the installed TensorRT runtime.

    Raises:
        TensorRTNotFoundError: no TensorRT module imports; the message lists the pip routes.
        UnsupportedTensorRTError: the installed TensorRT is older than 8.0.
    """
    module = _detect.find_trt_module()
    if module is None:
        override = os.environ.get(_detect.ENV_MODULE)
        what = (
            f"{override!r} (from {_detect.ENV_MODULE})"
            if override
            else (", ".join(_detect.CANDIDATES))
        )
        failures = _detect.import_errors()
        broken = "".join(f"  {name}: {error}\n" for name, error in failures.items())
        raise TensorRTNotFoundError(
            f"No TensorRT Python module could be imported: {what}.\n"
            + (f"Installed but failed to import:\n{broken}" if broken else "")
            + _INSTALL_ROUTES,
            import_errors=failures,
        )
    name = module.__name__
    text = _detect.module_version(module) or "0"
    flavor = _flavor(name)
    if flavor == "rtx":
        # TensorRT-RTX numbers its own releases (1.x) and has only the name-based API.
        return RuntimeInfo(name, text, _capabilities.NAME_BASED_ONLY, flavor)
    version = _versions.parse_version(text)
    if version < _versions.MINIMUM_SUPPORTED:
        raise UnsupportedTensorRTError(
            f"TensorRT {text} is older than {_versions.MINIMUM_SUPPORTED}, the oldest trtcompat "
            "supports. Upgrade TensorRT."
        )
    if _capabilities.newer_than_known(version):
        warnings.warn(
            f"TensorRT {text} is newer than any trtcompat knows "
            f"({_capabilities.NEWEST_KNOWN_MAJOR}.x); using the name-based API.",
            TrtCompatWarning,
            stacklevel=2,
        )
        return RuntimeInfo(name, text, _capabilities.NAME_BASED_ONLY, flavor)
    return RuntimeInfo(name, text, _versions.families_for(version), flavor)
