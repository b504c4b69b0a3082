"""``trtcompat doctor``: what TensorRT, API families, memory backends and GPUs this machine has."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from typing import Any

from .. import _detect
from .._dispatch import runtime_info
from .._version import __version__
from ..errors import TrtCompatError

__all__ = ["doctor_report", "format_report"]

_BACKEND_MODULES = {"pycuda": "pycuda", "cuda_python": "cuda", "cupy": "cupy", "torch": "torch"}


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _gpu_present() -> bool:
    # Cheap and side-effect free: no CUDA context is created just to answer this.
    return os.path.exists("/dev/nvidia0") or shutil.which("nvidia-smi") is not None


def doctor_report() -> dict[str, Any]:
    """The facts ``trtcompat doctor`` prints, as a JSON-ready dict.

    Keys: ``trtcompat``, ``python``, ``tensorrt`` (``module``, ``version``, ``families``,
    ``flavor``, or ``error``), ``backends`` (name -> importable), ``gpu`` (bool).
    """
    trt: dict[str, Any]
    try:
        info = runtime_info()
        trt = {
            "module": info.module,
            "version": info.version,
            "families": list(info.families),
            "flavor": info.flavor,
        }
    except TrtCompatError as err:
        trt = {"module": None, "error": str(err).splitlines()[0]}
    backends = {name: _importable(module) for name, module in _BACKEND_MODULES.items()}
    backends["host"] = True
    return {
        "trtcompat": __version__,
        "python": sys.version.split()[0],
        "tensorrt": trt,
        "trt_module_override": os.environ.get(_detect.ENV_MODULE),
        "backends": backends,
        "gpu": _gpu_present(),
    }


def format_report(report: dict[str, Any]) -> str:
    """The human-readable form of :func:`doctor_report`."""
    trt = report["tensorrt"]
    if trt.get("module"):
        trt_line = (
            f"{trt['module']} {trt['version']} ({trt['flavor']}); "
            f"API families: {', '.join(trt['families'])}"
        )
    else:
        trt_line = f"not found: {trt['error']}"
    ready = [n for n, ok in report["backends"].items() if ok]
    missing = [n for n, ok in report["backends"].items() if not ok]
    lines = [
        f"trtcompat {report['trtcompat']} on Python {report['python']}",
        f"TensorRT:        {trt_line}",
        f"memory backends: {', '.join(ready)}"
        + (f" (not installed: {', '.join(missing)})" if missing else ""),
        f"GPU:             {'present' if report['gpu'] else 'none found'}",
    ]
    return "\n".join(lines)


def __dir__() -> list[str]:
    return __all__
