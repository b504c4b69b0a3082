"""``trtcompat doctor``: what TensorRT, API families, memory backends and GPUs this machine has.

Each fact has one source: TensorRT from :func:`trtcompat.runtime_info` (and whether it can
create a Runtime, from :func:`trtcompat.create_runtime`), the backends from
:func:`trtcompat.backends.available_backends` with their versions from the installed
distributions' metadata and whether each is usable from
:func:`trtcompat.backends.get_backend` (what ``Runner`` calls), the backend ``Runner`` would
pick (``TRTCOMPAT_BACKEND`` or autodetection) from ``get_backend()`` as well, and the GPUs
from the CUDA driver (``libcuda``) itself, through :mod:`trtcompat._cuda_driver`.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import re
import sys
from typing import Any

from .. import _cuda_driver, _detect
from .._version import __version__
from ..backends import BACKEND_NAMES, ENV_VAR, RECORDS, available_backends, get_backend
from ..discovery import runtime_info
from ..engine import create_runtime
from ..errors import TrtCompatError

__all__ = ["backend_problem", "doctor_report", "format_report", "gpu_report", "usable"]

_KERNEL_DRIVER = "/proc/driver/nvidia/version"


def _distributions_of(modules: list[str]) -> dict[str, list[str]]:
    """Top-level module -> ``"name version"`` of each installed distribution providing it."""
    found: dict[str, set[str]] = {m: set() for m in modules}
    for dist in importlib.metadata.distributions():
        provides = set((dist.read_text("top_level.txt") or "").split())
        if not provides:
            provides = {f.parts[0] for f in dist.files or () if len(f.parts) > 1}
        for module in provides & set(modules):
            found[module].add(f"{dist.metadata['Name']} {dist.version}")
    return {m: sorted(v) for m, v in found.items()}


def _probe(name: str | None) -> str:
    """The name of the backend ``get_backend(name)`` returns (None: as ``Runner`` picks it).

    Raises:
        Exception: Whatever creating it raised.
    """
    return get_backend(name).name


def _try_backend(name: str | None) -> tuple[str | None, str | None]:
    """``(backend name, None)``, or ``(None, why it cannot be had)``."""
    try:
        return _probe(name), None
    # A diagnostic must report a library that fails in a way trtcompat did not foresee
    # (BackendUnavailableError and DeviceError are the foreseen ones), not crash on it.
    except Exception as err:
        words = str(err).splitlines()[0] if str(err) else ""
        return None, words if isinstance(err, TrtCompatError) else f"{type(err).__name__}: {words}"


def _backends() -> dict[str, Any]:
    installed = available_backends()
    # Each record names the top-level module its library is imported as (host: none).
    modules = {r.name: r.imports for r in RECORDS if r.name in installed and r.imports}
    versions = _distributions_of(sorted(set(modules.values())))
    report: dict[str, Any] = {}
    for name in BACKEND_NAMES:
        # Installed: its library is on disk (nothing imported). Usable: get_backend made it,
        # so the library reached a CUDA device (host: process memory, always).
        created, error = _try_backend(name) if name in installed else (None, None)
        report[name] = {
            "versions": versions.get(modules.get(name, ""), []),
            "installed": name in installed,
            "usable": created is not None,
            "error": error,
        }
    return report


def _backend_choice() -> dict[str, Any]:
    setting = os.environ.get(ENV_VAR)
    chosen, error = _try_backend(None)
    return {"env": setting, "resolves_to": chosen, "error": error}


def _kernel_driver() -> str | None:
    # "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.15  ..." and, for the open
    # modules, "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  ...":
    # the version is the first dotted number on the line.
    try:
        with open(_KERNEL_DRIVER) as handle:
            found = re.search(r"\b\d+\.\d+(?:\.\d+)?\b", handle.readline())
    except OSError:
        return None
    return found.group(0) if found else None


def gpu_report() -> dict[str, Any]:
    """The GPUs the CUDA driver sees: ``driver`` (kernel module version or null),
    ``cuda_driver`` (the CUDA version the driver supports, ``"12.8"``), ``devices`` (each
    with ``index``, ``name``, ``compute_capability`` and ``memory_bytes``), and ``error``
    (why none could be listed, or null). Creates no CUDA context (``cuInit`` only)."""
    report: dict[str, Any] = {
        "driver": _kernel_driver(),
        "cuda_driver": None,
        "devices": [],
        "error": None,
    }
    lib, error = _cuda_driver.open_driver()
    if lib is None:
        report["error"] = error
        return report
    report["cuda_driver"] = _cuda_driver.driver_version(lib)
    report["devices"] = [dataclasses.asdict(device) for device in _cuda_driver.devices(lib)]
    if not report["devices"]:
        report["error"] = "the CUDA driver sees no device"
    return report


def _tensorrt() -> dict[str, Any]:
    trt: dict[str, Any] = {"import_errors": _detect.import_errors()}
    try:
        info = runtime_info()
    except TrtCompatError as err:
        trt.update(module=None, error=str(err).splitlines()[0])
        return trt
    trt.update(
        module=info.module,
        version=info.version,
        families=list(info.families),
        flavor=info.flavor,
        runtime=None,
    )
    try:
        create_runtime()
        trt["runtime"] = "created"
    except TrtCompatError as err:
        trt["runtime"] = None
        # TensorRT's own lines; where it logged nothing, trtcompat's first line (which says
        # so and gives the binding's error).
        trt["runtime_error"] = list(err.trt_log) or [str(err).splitlines()[0]]
    return trt


def doctor_report() -> dict[str, Any]:
    """The facts ``trtcompat doctor`` prints, as a JSON-ready dict.

    Keys (documented in docs/CLI.md): ``trtcompat``, ``python``, ``tensorrt`` (``module``,
    ``version``, ``families``, ``flavor``, ``runtime``, ``runtime_error``,
    ``import_errors``, or ``error``), ``trt_module_override``, ``backends`` (name ->
    ``versions``, ``installed``, ``usable``, ``error``), ``backend`` (``env``: the value of
    ``TRTCOMPAT_BACKEND``; ``resolves_to``: the backend ``Runner`` would use, or null with
    ``error``), ``gpu`` (see :func:`gpu_report`).
    """
    return {
        "trtcompat": __version__,
        "python": sys.version.split()[0],
        "tensorrt": _tensorrt(),
        "trt_module_override": os.environ.get(_detect.ENV_MODULE),
        "backends": _backends(),
        "backend": _backend_choice(),
        "gpu": gpu_report(),
    }


def usable(report: dict[str, Any]) -> bool:
    """Whether the report found a TensorRT that imports and can create a Runtime."""
    return bool(report["tensorrt"].get("module")) and report["tensorrt"].get("runtime") == "created"


def backend_problem(report: dict[str, Any]) -> str | None:
    """Why ``Runner`` could not get its memory backend here (``TRTCOMPAT_BACKEND`` names an
    unknown or unusable one, or a GPU machine has no usable library), or None."""
    choice = report["backend"]
    if choice["resolves_to"] is not None:
        return None
    if choice["env"] and choice["env"].strip():
        return f"{ENV_VAR}={choice['env']!r} does not resolve to a usable backend"
    return "no usable memory backend"


def _gib(nbytes: int) -> str:
    return f"{nbytes / 2**30:.1f} GiB"


def format_report(report: dict[str, Any]) -> str:
    """The human-readable form of :func:`doctor_report`."""
    lines = [f"trtcompat {report['trtcompat']} on Python {report['python']}"]
    lines += _tensorrt_lines(report["tensorrt"])
    lines.append("memory backends: installed / usable (reached a CUDA device)")
    for name, facts in report["backends"].items():
        versions = f" ({', '.join(facts['versions'])})" if facts["versions"] else ""
        if name == "host":
            state = "usable (process memory; no GPU involved)"
        elif not facts["installed"]:
            state = "not installed"
        elif facts["usable"]:
            state = "installed, usable"
        else:
            state = f"installed, not usable: {facts['error']}"
        lines.append(f"  {name}{versions}: {state}")
    choice = report["backend"]
    setting = f"{ENV_VAR}={choice['env']!r}" if choice["env"] else f"{ENV_VAR} unset"
    if choice["resolves_to"] is not None:
        lines.append(f"Runner's backend: {choice['resolves_to']} ({setting})")
    else:
        lines.append(f"Runner's backend: none ({setting}): {choice['error']}")
    lines += _gpu_lines(report["gpu"])
    return "\n".join(lines)


def _tensorrt_lines(trt: dict[str, Any]) -> list[str]:
    """The report's TensorRT lines: the module and its runtime, or why there is none."""
    if trt.get("module"):
        lines = [
            f"TensorRT:        {trt['module']} {trt['version']} ({trt['flavor']}); "
            f"API families: {', '.join(trt['families'])}",
            *_runtime_lines(trt),
        ]
    else:
        lines = [f"TensorRT:        not found: {trt['error']}"]
    for name, error in trt["import_errors"].items():
        lines.append(f"  {name} is installed but failed to import: {error}")
    return lines


def _runtime_lines(trt: dict[str, Any]) -> list[str]:
    """Whether ``trt.Runtime`` could be created, and if not what TensorRT logged."""
    if trt["runtime"] == "created":
        return ["TensorRT runtime: created"]
    # TensorRT's lines read "[ERROR] ..."; otherwise it logged nothing (trtcompat's line).
    logged = all(line.startswith("[") for line in trt["runtime_error"])
    said = "TensorRT said" if logged else "why"
    return [f"TensorRT runtime: cannot be created; {said}:",
            *(f"  {line}" for line in trt["runtime_error"])]


def _gpu_lines(gpu: dict[str, Any]) -> list[str]:
    """The report's GPU lines: one per device, or why none was found."""
    driver = gpu["driver"] or "unknown"
    cuda = f", CUDA {gpu['cuda_driver']}" if gpu["cuda_driver"] else ""
    if not gpu["devices"]:
        return [f"GPU:             none found ({gpu['error']})"]
    return [
        f"GPU {d['index']}:           {d['name']}, compute capability "
        f"{d['compute_capability']}, {_gib(d['memory_bytes'])}; driver {driver}{cuda}"
        for d in gpu["devices"]
    ]
