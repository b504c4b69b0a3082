"""trtcompat: one Python API over every TensorRT runtime a fleet runs (8.x, 10.x, 11.x,
lean and dispatch).

``import trtcompat`` imports numpy and nothing heavier: no TensorRT, CUDA, onnx, ml_dtypes or
other array library (each is imported when first needed). The subpackages ``trtcompat.build``,
``trtcompat.legacy``, ``trtcompat.testing``, ``trtcompat.migrate`` and ``trtcompat.cli`` (and
``build_plan``, ``BuildConfig``, ``BuildResult``, ``BuildReport``) are imported on first
attribute access.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .backends import get_backend
from .discovery import RuntimeInfo, runtime_info
from .engine import (
    create_runtime,
    device_memory_size,
    io_tensors,
    load_engine,
    profile_shapes,
    set_input_shape,
    tensor_shape,
)
from .errors import (
    BackendError,
    BackendProtocolError,
    BackendUnavailableError,
    BuildError,
    BuildFeatureError,
    ClosedError,
    DeviceError,
    DTypeError,
    EngineLoadError,
    ExecutionError,
    InvalidEngineError,
    LayoutError,
    MissingInputError,
    OnnxParseError,
    OptionError,
    PlanFormatError,
    PlanStoreError,
    PlanTruncatedError,
    PrecisionError,
    ProfileError,
    RuntimeCreationError,
    ShapeError,
    TensorRTNotFoundError,
    TrtCompatError,
    TrtCompatWarning,
    UnknownTensorError,
    UnsupportedFamilyError,
    UnsupportedTensorRTError,
)
from .iotensor import IOTensor
from .plan import PlanInfo, plan_info
from .runtime.allocator import Buffers, HostDeviceMem, allocate_buffers
from .runtime.execute import do_inference, execute
from .runtime.runner import Runner

__all__ = [
    "BackendError",
    "Buffers",
    "HostDeviceMem",
    "Runner",
    "BackendUnavailableError",
    "BackendProtocolError",
    "BuildConfig",
    "BuildError",
    "BuildFeatureError",
    "BuildReport",
    "BuildResult",
    "ClosedError",
    "DTypeError",
    "DeviceError",
    "EngineLoadError",
    "ExecutionError",
    "IOTensor",
    "InvalidEngineError",
    "LayoutError",
    "MissingInputError",
    "OnnxParseError",
    "OptionError",
    "PlanFormatError",
    "PlanInfo",
    "PlanStore",
    "PlanStoreError",
    "PlanTruncatedError",
    "PrecisionError",
    "ProfileError",
    "RuntimeCreationError",
    "RuntimeInfo",
    "ShapeError",
    "TensorRTNotFoundError",
    "TrtCompatError",
    "TrtCompatWarning",
    "UnknownTensorError",
    "UnsupportedFamilyError",
    "UnsupportedTensorRTError",
    "__version__",
    "allocate_buffers",
    "build_plan",
    "create_runtime",
    "device_memory_size",
    "do_inference",
    "execute",
    "get_backend",
    "io_tensors",
    "load_engine",
    "plan_info",
    "profile_shapes",
    "runtime_info",
    "set_input_shape",
    "tensor_shape",
]


#: Subpackages imported on first attribute access (PEP 562), not by ``import trtcompat``.
_LAZY = ("build", "cli", "legacy", "migrate", "testing")
#: Public names of those subpackages, loaded with them on first access.
_LAZY_NAMES = {
    "BuildConfig": "build",
    "BuildReport": "build",
    "BuildResult": "build",
    "build_plan": "build",
    "PlanStore": "build",
}

if TYPE_CHECKING:
    from . import build as build
    from . import cli as cli
    from . import legacy as legacy
    from . import migrate as migrate
    from . import testing as testing
    from .build import BuildConfig as BuildConfig
    from .build import BuildReport as BuildReport
    from .build import BuildResult as BuildResult
    from .build import PlanStore as PlanStore
    from .build import build_plan as build_plan
else:
    # Only at run time: a module __getattr__ would make mypy accept any attribute name.
    def __getattr__(name: str) -> Any:
        if name in _LAZY:
            return importlib.import_module(f".{name}", __name__)
        if name in _LAZY_NAMES:
            return getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return [*__all__, *_LAZY]
