"""What a plan built here is for: the exact TensorRT build and the GPU (name and compute
capability). A plan loads only where both match (or, for hardware-compatible plans, where the
GPU is of the level built for), so these are what a plan store keys on."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .. import _capabilities, _cuda_driver, _detect
from ..errors import BuildError, TensorRTNotFoundError

__all__ = ["BuildTarget", "build_module", "build_target"]


@dataclass(frozen=True)
class BuildTarget:
    """The TensorRT and GPU a build on this machine makes plans for.

    Attributes:
        tensorrt_module: The module's name (``"tensorrt"``).
        tensorrt_version: Its exact ``__version__`` (``"10.16.1.11"``): a plan loads only on
            the build that made it.
        gpu_name: The GPU TensorRT builds on (CUDA's current device), or None where no GPU
            could be asked.
        compute_capability: ``"8.9"``, or None likewise.
    """

    tensorrt_module: str
    tensorrt_version: str
    gpu_name: str | None
    compute_capability: str | None


def build_module(trt: ModuleType | None = None) -> Any:
    """The TensorRT module that builds: ``trt`` or the installed one, which must have a
    ``Builder`` (the lean and dispatch runtimes have none).

    Raises:
        TensorRTNotFoundError: no TensorRT is installed.
        BuildError: the module has no builder.
    """
    module = trt if trt is not None else _detect.find_trt_module()
    if module is None:
        raise TensorRTNotFoundError(
            "No TensorRT module could be imported, so no plan can be built. Install the full "
            "TensorRT (`pip install tensorrt`), which has the builder."
        )
    if not _capabilities.builds_plans(module):
        raise BuildError(
            f"{module.__name__} {_detect.module_version(module)} has no Builder: it is a "
            "runtime-only module (lean or dispatch). Building needs the full `tensorrt` "
            "package; set TRTCOMPAT_TRT_MODULE=tensorrt if both are installed."
        )
    return module


def build_target(trt: ModuleType | None = None) -> BuildTarget:
    """The TensorRT build and GPU that :func:`~trtcompat.build_plan` makes plans for here.

    Cheap (no builder, no CUDA context: ``cuInit`` only), so a plan store can key a lookup
    on it without building.

    Raises:
        TensorRTNotFoundError, BuildError: as :func:`build_module`.
    """
    module = build_module(trt)
    name, capability = gpu_identity(module)
    return BuildTarget(
        module.__name__, _detect.module_version(module) or "unknown", name, capability
    )


def gpu_identity(module: Any) -> tuple[str | None, str | None]:
    """``(name, "major.minor")`` of the GPU a build runs on, or ``(None, None)``."""
    fake = getattr(module, "__trtcompat_fake_gpu__", None)
    if callable(fake):  # trtcompat's fakes say which GPU they pretend to build for
        name, (major, minor) = fake()
        return str(name), f"{major}.{minor}"
    return _cuda_device()


def _cuda_device() -> tuple[str | None, str | None]:
    lib, _ = _cuda_driver.open_driver()
    device = _cuda_driver.current_device(lib) if lib is not None else None
    return (device.name, device.compute_capability) if device else (None, None)
