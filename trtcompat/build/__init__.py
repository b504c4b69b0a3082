"""Building plans: :func:`build_plan` with a :class:`BuildConfig`, on every TensorRT from 8.0
to 11.x (docs/BUILD.md).

Nothing here imports TensorRT or onnx until a build runs. ``build/`` may use the core, the
capability checks and ``plan``; ``runtime/`` never imports it.
"""

from __future__ import annotations

from ._target import BuildTarget, build_target
from .builder import ModelSource, build_plan
from .config import PRECISIONS, BuildConfig, Profile
from .report import BuildProgress, BuildReport, BuildResult
from .store import PlanStore, StoreEntry

__all__ = [
    "PRECISIONS",
    "BuildConfig",
    "BuildProgress",
    "BuildReport",
    "BuildResult",
    "BuildTarget",
    "ModelSource",
    "PlanStore",
    "Profile",
    "StoreEntry",
    "build_plan",
    "build_target",
]


def __dir__() -> list[str]:
    return __all__
