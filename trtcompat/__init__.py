"""trtcompat: one Python API over every TensorRT runtime a fleet runs (8.x, 10.x, 11.x,
lean and dispatch). ``import trtcompat`` imports no TensorRT, CUDA or array library."""

from __future__ import annotations

from ._dispatch import RuntimeInfo, runtime_info
from ._engine import io_tensors, load_engine, profile_shapes, set_input_shape, tensor_shape
from ._version import __version__
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

__all__ = [
    "BackendError",
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
    "io_tensors",
    "load_engine",
    "profile_shapes",
    "runtime_info",
    "set_input_shape",
    "tensor_shape",
]


def __dir__() -> list[str]:
    return __all__
