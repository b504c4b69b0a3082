"""Builds one fake ``tensorrt`` module per API era."""

from __future__ import annotations

import enum
import math
import types
import warnings
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from .._dtypes import BITS
from ._builder import add_builder
from ._context import ContextCore
from ._context_members import CONTEXT_MEMBERS, PROFILE_RO, PROFILE_RW
from ._engine import ENGINE_MEMBERS, ENGINE_MEMBERS_BEFORE_10, EngineCore
from ._eras import ERAS, Era
from ._model import EngineModel
from ._spec import EngineSpec, spec_from_plan

__all__ = ["make_module"]

_FORMATS_8_4 = (
    "LINEAR",
    "CHW2",
    "HWC8",
    "CHW4",
    "CHW16",
    "CHW32",
    "DHWC8",
    "CDHW32",
    "HWC",
    "DLA_LINEAR",
    "DLA_HWC4",
    "HWC16",
)
_SEVERITIES = ("INTERNAL_ERROR", "ERROR", "WARNING", "INFO", "VERBOSE")


class _Severity(enum.IntEnum):
    INTERNAL_ERROR = 0
    ERROR = 1
    WARNING = 2
    INFO = 3
    VERBOSE = 4


class _Dims:
    """``tensorrt.Dims``: a small sequence of ints."""

    MAX_DIMS = 8

    def __init__(self, shape: Iterable[int] = ()) -> None:
        self._dims = [int(d) for d in shape]

    def __len__(self) -> int:
        return len(self._dims)

    def __getitem__(self, index: int) -> int:
        return self._dims[index]

    def __setitem__(self, index: int, value: int) -> None:
        self._dims[index] = int(value)

    def __eq__(self, other: object) -> bool:
        try:
            return list(self._dims) == [int(d) for d in other]  # type: ignore[attr-defined]
        except TypeError:
            return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(self._dims))

    __str__ = __repr__


def _enum(name: str, members: Iterable[str]) -> type[enum.Enum]:
    return enum.Enum(name, [(m, i) for i, m in enumerate(members)])  # type: ignore[return-value]


def _dtype_enum(era: Era) -> type[enum.Enum]:
    cls = _enum("DataType", era.dtypes)
    # DataType.itemsize is patched on by tensorrt/__init__.py; None for unmapped types.
    sizes = {name: (bits / 8 if bits < 8 else bits // 8) for name, bits in BITS.items()}
    sizes["E8M0"] = None  # type: ignore[assignment]
    cls.itemsize = property(lambda self: sizes[self.name])  # type: ignore[attr-defined]
    return cls


@lru_cache(maxsize=None)
def _enums(era_key: str) -> dict[str, type[enum.Enum]]:
    # One set of enum classes per era, shared by every module instance of it, as the real
    # module has one: an engine built on one fake instance compares equal to another's
    # TensorIOMode.INPUT.
    era = ERAS[era_key]
    enums = {
        "DataType": _dtype_enum(era),
        "TensorLocation": _enum("TensorLocation", ("DEVICE", "HOST")),
        "TensorFormat": _enum(
            "TensorFormat", _FORMATS_8_4 if era.key == "8.4" else (*_FORMATS_8_4, "DHWC")
        ),
    }
    if era.has_tensors:
        enums["TensorIOMode"] = _enum("TensorIOMode", ("NONE", "INPUT", "OUTPUT"))
    if era.key in ("10", "11"):
        enums["ExecutionContextAllocationStrategy"] = _enum(
            "ExecutionContextAllocationStrategy", ("STATIC", "ON_PROFILE_CHANGE", "USER_MANAGED")
        )
    return enums


_DTYPE_ALIASES = {
    "FLOAT": "float32",
    "HALF": "float16",
    "INT8": "int8",
    "INT32": "int32",
    "BOOL": "bool",
    "UINT8": "uint8",
    "FP8": "fp8",
    "BF16": "bfloat16",
    "INT64": "int64",
    "INT4": "int4",
    "FP4": "fp4",
    "E8M0": "e8m0",
}


def make_module(era_key: str, name: str = "tensorrt") -> types.ModuleType:
    """A fresh module that behaves like ``tensorrt`` of the given era (``"8.4"`` ... ``"11"``).

    Args:
        era_key: The era.
        name: The module's ``__name__`` and its classes' ``__module__`` (what code that
            imports the engine's module back by name, such as ``IOutputAllocator`` lookups,
            will import).
    """
    era = ERAS[era_key]
    mod = types.ModuleType(name, f"trtcompat fake of TensorRT {era.version}")
    mod.__version__ = era.version  # type: ignore[attr-defined]
    for enum_name, enum_class in _enums(era.key).items():
        setattr(mod, enum_name, enum_class)
    for member_name, member in mod.DataType.__members__.items():
        setattr(mod, _DTYPE_ALIASES[member_name], member)
    mod.Dims = type("Dims", (_Dims,), {})  # type: ignore[attr-defined]
    mod.ILogger, mod.Logger = _loggers(name)  # type: ignore[attr-defined]
    mod.Runtime = _runtime_class(mod, era, name)  # type: ignore[attr-defined]

    members = (
        ENGINE_MEMBERS
        if era.has_tensors and not era.has_bindings
        else {**ENGINE_MEMBERS, **ENGINE_MEMBERS_BEFORE_10}
    )
    engine_dict = {n: members[n] for n in era.engine_members}
    engine_dict.update(__module__=name)
    mod.ICudaEngine = type("ICudaEngine", (EngineCore,), engine_dict)  # type: ignore[attr-defined]
    context_dict = {n: CONTEXT_MEMBERS[n] for n in era.context_members if n in CONTEXT_MEMBERS}
    context_dict["active_optimization_profile"] = PROFILE_RW if era.settable_profile else PROFILE_RO
    context_dict.update(__module__=name)
    mod.IExecutionContext = type("IExecutionContext", (ContextCore,), context_dict)  # type: ignore[attr-defined]
    if era.key in ("10", "11"):
        # tensorrt/__init__.py (10.x, 11.x) patches deprecated, no-op context managers on.
        for cls in (mod.Runtime, mod.ICudaEngine, mod.IExecutionContext):
            setattr(cls, "__enter__", _deprecated_enter)  # noqa: B010  (a class made above)
            setattr(cls, "__exit__", _noop_exit)  # noqa: B010
    if era.has_tensors:
        mod.IOutputAllocator = _output_allocator(era, name)  # type: ignore[attr-defined]
    mod.nptype = _nptype(era)  # type: ignore[attr-defined]
    mod.volume = lambda iterable: math.prod(iterable)  # type: ignore[attr-defined]
    add_builder(mod, era, name)
    return mod


def _deprecated_enter(this: Any) -> Any:
    warnings.warn(
        "Context managers for TensorRT types are deprecated. "
        "Memory will be freed automatically when the reference count reaches 0.",
        DeprecationWarning,
        stacklevel=2,
    )
    return this


def _noop_exit(this: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    del this, exc_type, exc_value, traceback


def _loggers(name: str) -> tuple[type, type]:
    class ILogger:
        Severity = _Severity
        INTERNAL_ERROR, ERROR, WARNING, INFO, VERBOSE = tuple(_Severity)

        def __init__(self) -> None:
            pass

        def log(self, severity: Any, msg: str) -> None:
            raise NotImplementedError

    class Logger(ILogger):
        def __init__(self, min_severity: Any = _Severity.WARNING) -> None:
            super().__init__()
            self.min_severity = min_severity

        def log(self, severity: Any, msg: str) -> None:
            if int(severity) <= int(self.min_severity):
                print(f"[TRT] [{_SEVERITIES[int(severity)][0]}] {msg}")

    ILogger.__module__ = Logger.__module__ = name
    return ILogger, Logger


def _runtime_class(mod: types.ModuleType, era: Era, name: str) -> type:
    def __init__(self: Any, logger: Any) -> None:
        self._logger = logger
        self.max_threads = 1
        self.engine_host_code_allowed = False

    def _log(self: Any, severity: str, message: str) -> None:
        self._logger.log(getattr(_Severity, severity), message)

    def deserialize_cuda_engine(self: Any, serialized_engine: Any) -> Any:
        try:
            data = bytes(serialized_engine)
            version, spec = spec_from_plan(data)
        except (TypeError, ValueError) as err:
            self._log("ERROR", f"1: [runtime.cpp::deserializeCudaEngine] {err}")
            return None
        if version.split(".")[:2] != era.version.split(".")[:2]:
            self._log(
                "ERROR",
                "1: [stdArchiveReader.cpp] The engine plan file is not compatible with this "
                f"version of TensorRT, expecting library version {era.version} got {version}, "
                "please rebuild.",
            )
            return None
        problem = _check_spec(spec, era)
        if problem:
            self._log("ERROR", problem)
            return None
        return mod.ICudaEngine(EngineModel(spec, era, mod, self._log))

    members = {
        "__init__": __init__,
        "_log": _log,
        "deserialize_cuda_engine": deserialize_cuda_engine,
        "logger": property(lambda self: self._logger),
        "__module__": name,
    }
    return type("Runtime", (), members)


def _check_spec(spec: EngineSpec, era: Era) -> str:
    for tensor in spec.tensors:
        if tensor.trt_dtype not in era.dtypes:
            return f"TensorRT {era.version} has no DataType {tensor.trt_dtype} ({tensor.name})."
    if any(t.data_dependent for t in spec.tensors) and not era.has_tensors:
        return f"TensorRT {era.version} has no data-dependent output shapes."
    inputs = sum(t.is_input for t in spec.tensors)
    if spec.compute is None and spec.launch is None and len(spec.tensors) - inputs > inputs:
        return (
            f"{spec.name}: an EngineSpec without compute pairs output i with input i; it has "
            f"{len(spec.tensors) - inputs} outputs and {inputs} inputs. Give compute= or launch=."
        )
    if spec.implicit_batch and not era.implicit_batch:
        return f"TensorRT {era.version} cannot run implicit-batch engines."
    return ""


def _output_allocator(era: Era, name: str) -> type:
    def __init__(self: Any) -> None:
        pass

    members: dict[str, Any] = {"__init__": __init__, "__module__": name}
    if era.key == "8.6":
        members["tensorrt_version"] = property(lambda self: 1)
    return type("IOutputAllocator", (), members)


def _nptype(era: Era) -> Any:
    names = {
        "FLOAT": np.float32,
        "HALF": np.float16,
        "INT8": np.int8,
        "INT32": np.int32,
        "BOOL": np.bool_,
        "UINT8": np.uint8,
        "INT64": np.int64,
    }

    def nptype(trt_type: Any) -> Any:
        if trt_type.name in names:
            return names[trt_type.name]
        raise TypeError("Could not resolve TensorRT datatype to an equivalent numpy datatype.")

    return nptype
