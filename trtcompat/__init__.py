"""trtcompat: one Python API over every TensorRT runtime a fleet runs (8.x, 10.x, 11.x,
lean and dispatch). ``import trtcompat`` imports no TensorRT, CUDA or array library."""

from __future__ import annotations

from ._dispatch import RuntimeInfo, runtime_info
from ._version import __version__
from .backends import get_backend
from .engine import io_tensors, load_engine, profile_shapes, set_input_shape, tensor_shape
from .errors import (
    BackendError,
    BackendUnavailableError,
    ClosedError,
    DeviceError,
    DTypeError,
    EngineLoadError,
    ExecutionError,
    InvalidEngineError,
    LayoutError,
    MissingInputError,
    PlanFormatError,
    PlanTruncatedError,
    ProfileError,
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
    "ClosedError",
    "DTypeError",
    "DeviceError",
    "EngineLoadError",
    "ExecutionError",
    "IOTensor",
    "InvalidEngineError",
    "LayoutError",
    "MissingInputError",
    "PlanFormatError",
    "PlanInfo",
    "PlanTruncatedError",
    "ProfileError",
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


def __dir__() -> list[str]:
    return __all__
