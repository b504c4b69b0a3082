"""Builds one fake ``tensorrt`` module per API era."""

from __future__ import annotations

import enum
import inspect
import math
import types
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from .._dtypes import BITS
from .._versions import has_member
from ._builder import add_builder
from ._context import ContextCore
from ._context_members import CONTEXT_MEMBERS, PROFILE_RO, PROFILE_RW
from ._engine import (
    CREATE_CONTEXT_BEFORE_10_11,
    ENGINE_MEMBERS,
    ENGINE_MEMBERS_BEFORE_10,
    EngineCore,
)
from ._eras import ERAS, Era
from ._inert import add_stand_ins
from ._model import EngineModel
from ._pybind_like import (
    Dims,
    IHostMemoryBase,
    PybindType,
    Sealed,
    deprecated_enter,
    mark_initialized,
    noop_exit,
    pure_virtual,
    pybind_enum,
)
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
_NO_ARG: Any = object()
_SEVERITIES = ("INTERNAL_ERROR", "ERROR", "WARNING", "INFO", "VERBOSE")


_Severity: Any = pybind_enum("Severity", [(name, i) for i, name in enumerate(_SEVERITIES)])


def _enum(name: str, members: Iterable[str]) -> type[enum.Enum]:
    return pybind_enum(name, [(m, i) for i, m in enumerate(members)])


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
            "TensorFormat",
            (*_FORMATS_8_4, "DHWC") if has_member("TensorFormat", "DHWC", era.release)
            else _FORMATS_8_4,
        ),
    }
    if era.has_tensors:
        enums["TensorIOMode"] = _enum("TensorIOMode", ("NONE", "INPUT", "OUTPUT"))
    if has_member("tensorrt", "ExecutionContextAllocationStrategy", era.release):
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
    _add_types(mod, era, name)
    mod.ILogger, mod.Logger = _loggers(name)  # type: ignore[attr-defined]
    _stream_readers(mod, era, name)
    mod.Runtime = _runtime_class(mod, era, name)  # type: ignore[attr-defined]
    mod.ICudaEngine = _engine_class(mod, era, name)  # type: ignore[attr-defined]
    mod.IExecutionContext = _context_class(era, name)  # type: ignore[attr-defined]
    mod.IHostMemory = _host_memory_class(mod, name)  # type: ignore[attr-defined]
    # Every real tensorrt/__init__.py (8.4.3, 8.6.1, 10.x, 11.x) patches deprecated, no-op
    # context managers on these (observed on 8.6.1 / 10.16 / 11.4; 8.4.3: the source).
    patched = (mod.Runtime, mod.ICudaEngine, mod.IExecutionContext, mod.IHostMemory, mod.ILogger)
    for cls in patched:
        setattr(cls, "__enter__", deprecated_enter)  # noqa: B010  (a class made above)
        setattr(cls, "__exit__", noop_exit)  # noqa: B010
    if era.has_tensors:
        mod.IOutputAllocator = _output_allocator(era, name)  # type: ignore[attr-defined]
        context_class: Any = mod.IExecutionContext  # a class made above (mypy 1.14: `type`)
        context_class._output_allocator_base = mod.IOutputAllocator
    for real_class in ("Runtime", "ICudaEngine", "IExecutionContext"):
        add_stand_ins(getattr(mod, real_class), real_class, era.release)
    mod.nptype = _nptype(era)  # type: ignore[attr-defined]
    mod.volume = lambda iterable: math.prod(iterable)  # type: ignore[attr-defined]
    add_builder(mod, era, name)
    return mod


def _add_types(mod: types.ModuleType, era: Era, name: str) -> None:
    """The era's enums (shared by its module instances), the DataType aliases and ``Dims``."""
    for enum_name, enum_class in _enums(era.key).items():
        setattr(mod, enum_name, enum_class)
    for member_name, member in mod.DataType.__members__.items():
        setattr(mod, _DTYPE_ALIASES[member_name], member)
    dims_members: dict[str, Any] = {"__slots__": (), "__module__": name}
    if era.has_bindings:
        # 8.x binds MAX_DIMS per instance (def_readonly: trt.Dims.MAX_DIMS is the property
        # object, Dims().MAX_DIMS is 8; observed on 8.6.1); 10.0 made it static.
        dims_members["MAX_DIMS"] = property(lambda self: Dims.MAX_DIMS)
    mod.Dims = type("Dims", (Dims,), dims_members)  # type: ignore[attr-defined]


def _engine_class(mod: types.ModuleType, era: Era, name: str) -> type:
    """``ICudaEngine`` with the era's members, ``create_execution_context`` as it takes its
    arguments there."""
    tensors_only = era.has_tensors and not era.has_bindings
    members = ENGINE_MEMBERS if tensors_only else {**ENGINE_MEMBERS, **ENGINE_MEMBERS_BEFORE_10}
    engine_dict = {n: members[n] for n in era.engine_members}
    if tensors_only and not has_member("ICudaEngine", "create_runtime_config", era.release):
        engine_dict["create_execution_context"] = CREATE_CONTEXT_BEFORE_10_11
    if "create_execution_context" in engine_dict and hasattr(
        mod, "ExecutionContextAllocationStrategy"
    ):
        # pyCore.cpp: py::arg("strategy") = ExecutionContextAllocationStrategy::kSTATIC, an
        # enum member of this module (observed in the real 10.x / 11.x signatures).
        engine_dict["create_execution_context"] = _with_default(
            engine_dict["create_execution_context"], "strategy",
            mod.ExecutionContextAllocationStrategy.STATIC,
        )  # fmt: skip
    engine_dict.update(__module__=name, __slots__=())
    return type("ICudaEngine", (EngineCore,), engine_dict)


def _context_class(era: Era, name: str) -> type:
    """``IExecutionContext`` with the era's members (a settable profile before 10.0)."""
    context_dict = {n: CONTEXT_MEMBERS[n] for n in era.context_members if n in CONTEXT_MEMBERS}
    context_dict["active_optimization_profile"] = PROFILE_RW if era.settable_profile else PROFILE_RO
    context_dict.update(__module__=name, __slots__=())
    return type("IExecutionContext", (ContextCore,), context_dict)


def _with_default(function: Any, parameter: str, value: Any) -> Any:
    """A copy of ``function`` whose ``parameter`` defaults to ``value`` (one per module)."""
    code = function.__code__
    positional = code.co_varnames[: code.co_argcount]
    defaults = list(function.__defaults__ or ())
    defaults[positional.index(parameter) - (len(positional) - len(defaults))] = value
    copy = types.FunctionType(
        code, function.__globals__, function.__name__, tuple(defaults), function.__closure__
    )
    copy.__qualname__ = function.__qualname__
    copy.__doc__ = function.__doc__
    return copy


def _loggers(name: str) -> tuple[type, type]:
    class ILogger(Sealed, metaclass=PybindType):
        __slots__ = ("_pybind_init",)
        _pybind_bound = True
        Severity = _Severity
        INTERNAL_ERROR, ERROR, WARNING, INFO, VERBOSE = tuple(_Severity.__members__.values())

        def __init__(self) -> None:
            mark_initialized(self, ILogger)

        def log(self, severity: Any, msg: str) -> None:
            # The base's log is pure virtual: the trampoline prints and returns.
            del severity, msg
            pure_virtual("ILogger", "log", "log")

    class Logger(ILogger):
        __slots__ = ("min_severity",)
        _pybind_bound = True

        def __init__(self, min_severity: Any = _Severity.WARNING) -> None:
            super().__init__()
            mark_initialized(self, Logger)
            self.min_severity = min_severity

        def log(self, severity: Any, msg: str) -> None:
            if int(severity) <= int(self.min_severity):
                print(f"[TRT] [{_SEVERITIES[int(severity)][0]}] {msg}")

    ILogger.__module__ = Logger.__module__ = name
    return ILogger, Logger


def _runtime_class(mod: types.ModuleType, era: Era, name: str) -> type:
    class Runtime(Sealed):
        __slots__ = ("_host_code", "_logger", "_max_threads")

        def __init__(self, logger: Any) -> None:
            # pybind checks the argument's type: an ILogger of this module, nothing else
            # (observed: Runtime(None) / Runtime(object()) raise TypeError on 8.6.1..11.4).
            if not isinstance(logger, mod.ILogger):
                raise TypeError(
                    "__init__(): incompatible constructor arguments. The following argument "
                    f"types are supported:\n    1. {name}.Runtime(logger: {name}.ILogger)\n\n"
                    f"Invoked with: {logger!r}"
                )
            self._logger = logger
            self._max_threads = 1
            self._host_code = False

        @property
        def logger(self) -> Any:
            return self._logger

        @property
        def max_threads(self) -> int:
            return self._max_threads

        @max_threads.setter
        def max_threads(self, value: int) -> None:
            self._max_threads = int(value)

        @property
        def engine_host_code_allowed(self) -> bool:
            return self._host_code

        @engine_host_code_allowed.setter
        def engine_host_code_allowed(self, value: bool) -> None:
            self._host_code = bool(value)

        def _log(self, severity: str, message: str) -> None:
            self._logger.log(getattr(_Severity, severity), message)

        def deserialize_cuda_engine(
            self,
            serialized_engine: Any = _NO_ARG,
            stream_reader: Any = _NO_ARG,
            stream_reader_v2: Any = _NO_ARG,
        ) -> Any:
            # One overload per keyword in pyCore.cpp: (serialized_engine: buffer) always,
            # (stream_reader: IStreamReader) 10.0-10.x, (stream_reader_v2: IStreamReaderV2)
            # 10.8+. pybind refuses anything else (a path string, an int, a list) with
            # TypeError before TensorRT sees it (observed on 8.6.1 / 10.16 / 11.4).
            given = {
                key: value
                for key, value in (
                    ("serialized_engine", serialized_engine),
                    ("stream_reader", stream_reader),
                    ("stream_reader_v2", stream_reader_v2),
                )
                if value is not _NO_ARG
            }
            if len(given) == 1 and "serialized_engine" in given:
                try:
                    return _deserialize(self, bytes(memoryview(serialized_engine)))
                except TypeError:
                    pass
            v1, v2 = readers
            if len(given) == 1 and v1 is not None and isinstance(stream_reader, v1):
                return _deserialize(self, _read_all(stream_reader.read))
            if len(given) == 1 and v2 is not None and isinstance(stream_reader_v2, v2):
                return _deserialize(self, _read_all(lambda size: stream_reader_v2.read(size, 0)))
            accepted = ["serialized_engine: buffer"] + [
                f"{key}: {cls.__name__}"
                for key, cls in zip(("stream_reader", "stream_reader_v2"), readers)
                if cls is not None
            ]
            raise TypeError(
                "deserialize_cuda_engine(): incompatible function arguments. The following "
                f"argument types are supported: {'; '.join(accepted)}. Invoked with: "
                + ", ".join(f"{k}={v!r}" for k, v in given.items())
            )

    def _deserialize(runtime: Any, data: bytes) -> Any:
        try:
            version, spec = spec_from_plan(data)
        except (TypeError, ValueError) as err:
            runtime._log("ERROR", f"1: [runtime.cpp::deserializeCudaEngine] {err}")
            return None
        if version.split(".")[:2] != era.version.split(".")[:2]:
            runtime._log(
                "ERROR",
                "1: [stdArchiveReader.cpp] The engine plan file is not compatible with this "
                f"version of TensorRT, expecting library version {era.version} got {version}, "
                "please rebuild.",
            )
            return None
        problem = _check_spec(spec, era)
        if problem:
            runtime._log("ERROR", problem)
            return None
        return mod.ICudaEngine(EngineModel(spec, era, mod, runtime._log))

    readers = (getattr(mod, "IStreamReader", None), getattr(mod, "IStreamReaderV2", None))
    # Keywords of overloads the release lacks are no parameters of its fake.
    parameters = ["self", "serialized_engine"] + [
        key for key, cls in zip(("stream_reader", "stream_reader_v2"), readers) if cls
    ]
    method = Runtime.deserialize_cuda_engine
    signature = inspect.signature(method)
    kept = [signature.parameters[p] for p in parameters]
    if len(kept) == 2:
        # One overload (8.x, 9.x): its parameter has no default on real pybind either.
        kept[1] = kept[1].replace(default=inspect.Parameter.empty)
    method.__signature__ = signature.replace(parameters=kept)  # type: ignore[attr-defined]

    # The era's own members only (8.4.3 has no engine_host_code_allowed: it came in 8.5;
    # 8.0 has no logger: 8.2 added it).
    for member in ("max_threads", "engine_host_code_allowed", "logger"):
        if member not in era.runtime_members:
            delattr(Runtime, member)
    Runtime.__module__ = name
    return Runtime


def _read_all(read: Any) -> bytes:
    # A plan's length is in its header; the fake reads until the reader runs dry.
    chunks = []
    while True:
        chunk = bytes(memoryview(read(_READ_CHUNK)))
        chunks.append(chunk)
        if len(chunk) < _READ_CHUNK:
            return b"".join(chunks)


_READ_CHUNK = 1 << 20


def _stream_readers(mod: types.ModuleType, era: Era, name: str) -> None:
    # IStreamReader (10.0-10.x: read(size) -> buffer) and IStreamReaderV2 (10.8+:
    # read(size, stream) -> buffer, seek(offset, where) -> bool): Python subclasses override
    # them; the trampolines call the overrides (pyCore.cpp release/10.16, PyStreamReader*).
    if has_member("tensorrt", "SeekPosition", era.release):
        mod.SeekPosition = pybind_enum(  # type: ignore[attr-defined]
            "SeekPosition", [("SET", 0), ("CUR", 1), ("END", 2)]
        )
    for cls_name, members in (("IStreamReader", ("read",)), ("IStreamReaderV2", ("read", "seek"))):
        if has_member("tensorrt", cls_name, era.release):
            setattr(mod, cls_name, _reader_class(cls_name, members, name))


def _reader_class(cls_name: str, members: tuple[str, ...], name: str) -> type:
    def __init__(self: Any) -> None:
        mark_initialized(self, made)

    def pure(member: str) -> Any:
        def method(self: Any, *args: Any) -> Any:
            pure_virtual(cls_name, member, member)
            return 0

        method.__name__ = member
        return method

    body: dict[str, Any] = {
        "__slots__": ("_pybind_init",),
        "_pybind_bound": True,
        "__module__": name,
        "__init__": __init__,
        **{member: pure(member) for member in members},
    }
    made: type = PybindType(cls_name, (Sealed,), body)
    return made


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
    class IOutputAllocator(Sealed, metaclass=PybindType):
        __slots__ = ("_pybind_init",)
        _pybind_bound = True

        def __init__(self) -> None:
            mark_initialized(self, IOutputAllocator)

    if has_member("IOutputAllocator", "reallocate_output", era.release):
        # 8.5-9.x bind the callbacks on the base (pyCore.cpp release/8.6: .def(
        # "reallocate_output") / .def("notify_shape")); unoverridden, they are pure virtual.
        def reallocate_output(
            self: Any, tensor_name: str, memory: int, size: int, alignment: int
        ) -> Any:
            del self, tensor_name, memory, size, alignment
            pure_virtual("IOutputAllocator", "reallocateOutput", "reallocateOutput")

        def notify_shape(self: Any, tensor_name: str, shape: Any) -> None:
            del self, tensor_name, shape
            pure_virtual("IOutputAllocator", "notify_shape", "free")

        IOutputAllocator.reallocate_output = reallocate_output  # type: ignore[attr-defined]
        IOutputAllocator.notify_shape = notify_shape  # type: ignore[attr-defined]
        IOutputAllocator.tensorrt_version = property(lambda self: 1)  # type: ignore[attr-defined]
    IOutputAllocator.__module__ = name
    return IOutputAllocator


def _host_memory_class(mod: types.ModuleType, name: str) -> type:
    # A plan's IHostMemory has a one-byte type (its buffer's item size is the type's size and
    # its length nbytes); which one the library sets cannot be observed without a GPU.
    one_byte = "UINT8" if "UINT8" in mod.DataType.__members__ else "INT8"
    return type(
        "IHostMemory",
        (IHostMemoryBase,),
        {"__slots__": (), "__module__": name, "_dtype": getattr(mod.DataType, one_byte)},
    )


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
