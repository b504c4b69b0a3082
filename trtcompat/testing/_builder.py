"""The builder side of a fake ``tensorrt`` module: Builder, IBuilderConfig, BuilderFlag,
MemoryPoolType, NetworkDefinitionCreationFlag, IOptimizationProfile, ITimingCache and, where
the release has it, IProgressMonitor; the network and the ONNX parser come from
:mod:`._network_fake`, the per-release member lists from :mod:`._release_members`.

Which members a fake offers comes from the version table (``_versions.has_member``, generated
from NVIDIA's pybind sources ``python/src/infer/pyCore.cpp``, ``pyGraph.cpp`` and
``python/src/parsers/pyOnnx.cpp`` per release branch); names, parameter names and defaults
follow those sources. The parser reads ONNX with the ``onnx`` package; a built plan is a fake
plan whose engine runs the model with onnx's reference evaluator
(:mod:`trtcompat.testing._onnx_engine`).

Test hooks (environment): ``TRTCOMPAT_FAKE_BUILD_SECONDS`` delays each build;
``TRTCOMPAT_FAKE_BUILD_LOG`` names a file that gets one line per finished build;
``TRTCOMPAT_FAKE_GPU`` (``"NAME:MAJOR.MINOR"``) sets the GPU the fake builds for.
"""

from __future__ import annotations

import enum
import hashlib
import inspect
import json
import os
import time
import types
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from packaging.version import Version

from .._versions import has_member, parse_version
from ._eras import ERAS, Era
from ._inert import add_stand_ins, real_parameters, real_value
from ._network_fake import network_classes, network_model
from ._onnx_engine import OnnxLaunch
from ._pybind_like import deprecated_enter, host_memory, noop_exit
from ._release_members import closed_setattr, members_of
from ._spec import EngineSpec, TensorSpec, plan_from_spec

__all__ = ["add_builder", "fake_gpu"]

#: Where the fake builds unless ``TRTCOMPAT_FAKE_GPU`` says otherwise.
DEFAULT_FAKE_GPU = ("trtcompat fake GPU", (8, 9))

# Enum members in NVIDIA's declaration order (NvInfer.h); each era keeps those its release has,
# with their real values (``_inert.real_value``).
_BUILDER_FLAGS = (
    "FP16", "INT8", "DEBUG", "GPU_FALLBACK", "STRICT_TYPES", "REFIT", "DISABLE_TIMING_CACHE",
    "TF32", "SPARSE_WEIGHTS", "SAFETY_SCOPE", "OBEY_PRECISION_CONSTRAINTS",
    "PREFER_PRECISION_CONSTRAINTS", "DIRECT_IO", "REJECT_EMPTY_ALGORITHMS",
    "ENABLE_TACTIC_HEURISTIC", "VERSION_COMPATIBLE", "EXCLUDE_LEAN_RUNTIME", "FP8",
    "ERROR_ON_TIMING_CACHE_MISS", "BF16", "DISABLE_COMPILATION_CACHE", "STRIP_PLAN",
    "WEIGHTLESS", "REFIT_IDENTICAL", "WEIGHT_STREAMING", "INT4", "REFIT_INDIVIDUAL",
    "STRICT_NANS", "MONITOR_MEMORY", "FP4", "EDITABLE_TIMING_CACHE", "DISTRIBUTIVE_INDEPENDENCE",
)  # fmt: skip
_POOLS = (
    "WORKSPACE", "DLA_MANAGED_SRAM", "DLA_LOCAL_DRAM", "DLA_GLOBAL_DRAM", "TACTIC_DRAM",
    "TACTIC_SHARED_MEMORY",
)  # fmt: skip
_NETWORK_FLAGS = (
    "EXPLICIT_BATCH", "EXPLICIT_PRECISION", "STRONGLY_TYPED", "PREFER_JIT_PYTHON_PLUGINS",
    "PREFER_AOT_PYTHON_PLUGINS",
)  # fmt: skip
_HARDWARE_LEVELS = ("NONE", "AMPERE_PLUS", "SAME_COMPUTE_CAPABILITY")
_DEVICE_TYPES = ("GPU", "DLA")
_ERROR_CODES = (
    "SUCCESS", "INTERNAL_ERROR", "MEM_ALLOC_FAILED", "MODEL_DESERIALIZE_FAILED", "INVALID_VALUE",
    "INVALID_GRAPH", "INVALID_NODE", "UNSUPPORTED_GRAPH", "UNSUPPORTED_NODE",
    "UNSUPPORTED_NODE_ATTR", "UNSUPPORTED_NODE_INPUT", "UNSUPPORTED_NODE_DATATYPE",
    "UNSUPPORTED_NODE_DYNAMIC", "UNSUPPORTED_NODE_SHAPE", "REFIT_FAILED",
)  # fmt: skip
_ELEMENTWISE = (
    "SUM", "PROD", "MAX", "MIN", "SUB", "DIV", "POW", "FLOOR_DIV", "AND", "OR", "XOR", "EQUAL",
    "GREATER", "LESS",
)  # fmt: skip
_ACTIVATIONS = ("RELU", "SIGMOID", "TANH")
_LAYER_TYPES = (
    "CONVOLUTION", "FULLY_CONNECTED", "ACTIVATION", "POOLING", "SCALE", "SOFTMAX",
    "CONCATENATION", "ELEMENTWISE", "PLUGIN_V2", "UNARY", "SHUFFLE", "REDUCE", "CONSTANT",
    "IDENTITY", "MATRIX_MULTIPLY", "CAST", "QUANTIZE", "DEQUANTIZE",
)  # fmt: skip
_FAKE_CACHE_MAGIC = b"TRTCOMPAT-FAKE-TIMING-CACHE/1\n"


def fake_gpu() -> tuple[str, tuple[int, int]]:
    """The GPU the fakes build for: ``TRTCOMPAT_FAKE_GPU="NAME:MAJOR.MINOR"`` or a default."""
    text = os.environ.get("TRTCOMPAT_FAKE_GPU", "")
    name, _, cc = text.rpartition(":")
    try:
        major, minor = (int(part) for part in cc.split("."))
    except ValueError:
        return DEFAULT_FAKE_GPU
    return (name or DEFAULT_FAKE_GPU[0], (major, minor))


def _offered(cls: str, names: Sequence[str], version: Version) -> list[str]:
    return [n for n in names if has_member(cls, n, version)]


def _real_enum(enum_name: str, names: Sequence[str], version: Version) -> type[enum.Enum]:
    # The members the release has (the version table), each with the value NVIDIA's module
    # of that release gives it (NvInfer.h renumbers: BuilderFlag.REFIT is 5 in 8.x, 4 in 10).
    offered = _offered(enum_name, names, version)
    members = [(n, real_value(enum_name, n, version)) for n in offered]
    return enum.IntEnum(enum_name, members)  # type: ignore[return-value]


@lru_cache(maxsize=None)
def _builder_enums(era_key: str) -> dict[str, type[enum.Enum]]:
    # One set per era, shared by every module of it (as _module._enums does).
    version = parse_version(ERAS[era_key].version)
    enums = {
        name: _real_enum(name, names, version)
        for name, names in (
            ("BuilderFlag", _BUILDER_FLAGS),
            ("NetworkDefinitionCreationFlag", _NETWORK_FLAGS),
            ("DeviceType", _DEVICE_TYPES),
            ("ErrorCode", _ERROR_CODES),
            ("ElementWiseOperation", _ELEMENTWISE),
            ("ActivationType", _ACTIVATIONS),
            ("LayerType", _LAYER_TYPES),
        )
    }
    if _offered("MemoryPoolType", _POOLS, version):
        enums["MemoryPoolType"] = _real_enum("MemoryPoolType", _POOLS, version)
    if "AMPERE_PLUS" in _offered("HardwareCompatibilityLevel", _HARDWARE_LEVELS, version):
        enums["HardwareCompatibilityLevel"] = _real_enum(
            "HardwareCompatibilityLevel", _HARDWARE_LEVELS, version
        )
    return enums


def add_builder(mod: types.ModuleType, era: Era, name: str) -> None:
    """Adds the builder side of ``era``'s release to the fake module ``mod``."""
    version = parse_version(era.version)
    for enum_name, enum_class in _builder_enums(era.key).items():
        setattr(mod, enum_name, enum_class)
    classes = {
        **network_classes(mod, version),
        "IOptimizationProfile": _profile_class(),
        "ITimingCache": _timing_cache_class(era),
        "IBuilderConfig": _config_class(mod, era, version),
        "Builder": _builder_class(mod, era, version),
    }
    if has_member("IProgressMonitor", "phase_start", version):
        classes["IProgressMonitor"] = _progress_monitor_class()
    for cls_name, cls in classes.items():
        cls.__module__ = name
        setattr(mod, cls_name, cls)
        # What the fake leaves out of the real class (layers, refit, plugins, error
        # recorders...): present, called as in the release, harmless (_inert.py).
        add_stand_ins(cls, cls_name, version)
    # tensorrt/__init__.py patches deprecated, no-op context managers on these as on the
    # runtime classes (observed on the real 8.6.1, 10.x and 11.x modules).
    for cls_name in ("Builder", "IBuilderConfig", "INetworkDefinition", "OnnxParser"):
        setattr(classes[cls_name], "__enter__", deprecated_enter)  # noqa: B010
        setattr(classes[cls_name], "__exit__", noop_exit)  # noqa: B010
    # Public protocol between the fakes and trtcompat.build: the GPU a fake "builds for"
    # (real TensorRT has no such attribute; trtcompat asks CUDA there).
    mod.__trtcompat_fake_gpu__ = fake_gpu  # type: ignore[attr-defined]


# -- builder config, profiles, timing cache, progress --------------------------------------


def _profile_class() -> type:
    def __init__(self: Any) -> None:
        self._shapes = {}
        self._values = {}
        self.extra_memory_target = 1.0

    def set_shape(self: Any, input: str, min: Any, opt: Any, max: Any) -> None:
        self._shapes[input] = tuple(tuple(int(d) for d in s) for s in (min, opt, max))

    def get_shape(self: Any, input: str) -> list[Any]:
        return [list(s) for s in self._shapes.get(input, ())]

    def set_shape_input(self: Any, input: str, min: Any, opt: Any, max: Any) -> None:
        self._values[input] = tuple(tuple(int(d) for d in s) for s in (min, opt, max))

    def get_shape_input(self: Any, input: str) -> list[Any]:
        return [list(s) for s in self._values.get(input, ())]

    members = {
        "__init__": __init__,
        "set_shape": set_shape,
        "get_shape": get_shape,
        "set_shape_input": set_shape_input,
        "get_shape_input": get_shape_input,
        "__bool__": lambda self: all(
            all(a <= b <= c for a, b, c in zip(*s)) for s in self._shapes.values()
        ),
    }
    return type("IOptimizationProfile", (), members)


def _timing_cache_class(era: Era) -> type:
    def __init__(self: Any, entries: dict[str, str], version: str, gpu: str) -> None:
        self._entries = dict(entries)
        self._version = version
        self._gpu = gpu

    def serialize(self: Any) -> bytes:
        body = {"version": self._version, "gpu": self._gpu, "entries": self._entries}
        return _FAKE_CACHE_MAGIC + json.dumps(body, sort_keys=True).encode()

    def combine(self: Any, input_cache: Any, ignore_mismatch: bool) -> bool:
        if not ignore_mismatch and (input_cache._version, input_cache._gpu) != (
            self._version,
            self._gpu,
        ):
            return False
        self._entries.update(input_cache._entries)
        return True

    def reset(self: Any) -> bool:
        self._entries.clear()
        return True

    members = {"__init__": __init__, "serialize": serialize, "combine": combine, "reset": reset}
    return type("ITimingCache", (), members)


def _progress_monitor_class() -> type:
    # pyCore.cpp binds IProgressMonitor as a trampoline: Python subclasses override these.
    def __init__(self: Any) -> None:
        pass

    def phase_start(self: Any, phase_name: str, parent_phase: str | None, num_steps: int) -> None:
        del phase_name, parent_phase, num_steps

    def step_complete(self: Any, phase_name: str, step: int) -> bool:
        del phase_name, step
        return True

    def phase_finish(self: Any, phase_name: str) -> None:
        del phase_name

    return type(
        "IProgressMonitor",
        (),
        {
            "__init__": __init__,
            "phase_start": phase_start,
            "step_complete": step_complete,
            "phase_finish": phase_finish,
        },
    )


def _gpu_tag() -> str:
    name, (major, minor) = fake_gpu()
    return f"{name} sm_{major}{minor}"


def _config_class(mod: types.ModuleType, era: Era, version: Version) -> type:
    def __init__(self: Any, builder: Any) -> None:
        self._builder = builder
        # TF32 is on in a new builder config of every release that has it.
        on = ("TF32",) if has_member("BuilderFlag", "TF32", version) else ()
        self._flags = {getattr(mod.BuilderFlag, n) for n in on}
        self._pools = {}
        self._profiles = []
        self._cache = None
        self._workspace = 1 << 30
        defaults: dict[str, Any] = {
            "DLA_core": -1,
            "default_device_type": mod.DeviceType.GPU,
            "builder_optimization_level": 3,
            "max_aux_streams": -1,
            "plugins_to_serialize": [],
            "progress_monitor": None,
            "int8_calibrator": None,
            "avg_timing_iterations": 1,
            "hardware_compatibility_level": getattr(
                getattr(mod, "HardwareCompatibilityLevel", None), "NONE", None
            ),
        }
        for attribute, default in defaults.items():
            if has_member("IBuilderConfig", attribute, version):
                setattr(self, attribute, default)

    def _get_workspace(self: Any) -> int:
        return int(self._workspace)

    def _set_workspace(self: Any, value: int) -> None:
        self._workspace = int(value)

    def set_memory_pool_limit(self: Any, pool: Any, pool_size: int) -> None:
        self._pools[pool] = int(pool_size)
        if pool.name == "WORKSPACE":
            self._workspace = int(pool_size)

    def get_memory_pool_limit(self: Any, pool: Any) -> int:
        if pool.name == "WORKSPACE":
            return int(self._workspace)
        return int(self._pools.get(pool, 0))

    def set_flag(self: Any, flag: Any) -> None:
        self._flags.add(flag)

    def clear_flag(self: Any, flag: Any) -> None:
        self._flags.discard(flag)

    def get_flag(self: Any, flag: Any) -> bool:
        return flag in self._flags

    def add_optimization_profile(self: Any, profile: Any) -> int:
        if not profile:
            return -1
        self._profiles.append(profile)
        return len(self._profiles) - 1

    def create_timing_cache(self: Any, serialized_timing_cache: Any) -> Any:
        data = bytes(serialized_timing_cache)
        if not data:
            return mod.ITimingCache({}, era.version, _gpu_tag())
        try:
            if not data.startswith(_FAKE_CACHE_MAGIC):
                raise ValueError("bad magic")
            body = json.loads(data[len(_FAKE_CACHE_MAGIC) :].decode())
            return mod.ITimingCache(dict(body["entries"]), str(body["version"]), str(body["gpu"]))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            self._builder._log("ERROR", "[timingCache.cpp] Deserializing the timing cache failed: "
                               "the blob is not a timing cache.")  # fmt: skip
            return None

    def set_timing_cache(self: Any, cache: Any, ignore_mismatch: bool) -> bool:
        if not ignore_mismatch and (cache._version, cache._gpu) != (era.version, _gpu_tag()):
            self._builder._log(
                "WARNING",
                "[timingCache.cpp] The timing cache was created by TensorRT "
                f"{cache._version} on {cache._gpu}, not by this TensorRT ({era.version}) and "
                "device; it is not used.",
            )
            return False
        self._cache = cache
        return True

    def reset(self: Any) -> None:
        __init__(self, self._builder)

    def _get_flags(self: Any) -> int:
        return sum(1 << int(f) for f in self._flags)

    def _set_flags(self: Any, mask: int) -> None:
        # A settable bit mask on every real release (pyCore.cpp: def_property("flags", ...)).
        self._flags = {f for f in mod.BuilderFlag.__members__.values() if mask >> int(f) & 1}

    members = {
        "__init__": __init__,
        "__setattr__": closed_setattr("IBuilderConfig", version),
        "max_workspace_size": property(_get_workspace, _set_workspace),
        "set_memory_pool_limit": set_memory_pool_limit,
        "get_memory_pool_limit": get_memory_pool_limit,
        "set_flag": set_flag,
        "clear_flag": clear_flag,
        "get_flag": get_flag,
        "flags": property(_get_flags, _set_flags),
        "add_optimization_profile": add_optimization_profile,
        "num_optimization_profiles": property(lambda self: len(self._profiles)),
        "create_timing_cache": create_timing_cache,
        "set_timing_cache": set_timing_cache,
        "get_timing_cache": lambda self: self._cache,
        "reset": reset,
    }
    cls = type("IBuilderConfig", (), members_of("IBuilderConfig", version, members))
    return cls


def _builder_class(mod: types.ModuleType, era: Era, version: Version) -> type:
    def __init__(self: Any, logger: Any) -> None:
        self._logger = logger
        self._max_batch_size = 1
        if has_member("Builder", "max_threads", version):
            self.max_threads = 1

    def _log(self: Any, severity: str, message: str) -> None:
        self._logger.log(getattr(mod.ILogger.Severity, severity), message)

    def create_network(self: Any, flags: int = 0) -> Any:
        return mod.INetworkDefinition(flags, self)

    def build_serialized_network(
        self: Any, network: Any, config: Any, kernel_text: Any = None
    ) -> Any:
        # kernel_text (10.13+: a second overload) names kernels the fake never compiles.
        del kernel_text
        delay = float(os.environ.get("TRTCOMPAT_FAKE_BUILD_SECONDS", "0") or 0)
        problem = _check_build(mod, era, network, config)
        if problem:
            self._log("ERROR", problem)
            return None
        self._log(
            "INFO", f"[MemUsageChange] Init builder kernel library (fake TensorRT {era.version})"
        )
        monitor = getattr(config, "progress_monitor", None)
        steps = ("Building engine", ("Parsing network", "Building kernels", "Serializing"))
        if monitor is not None:
            monitor.phase_start(steps[0], None, len(steps[1]))
        started = time.monotonic()
        for index, _phase in enumerate(steps[1]):
            if delay:
                time.sleep(
                    max(0.0, started + delay * (index + 1) / len(steps[1]) - time.monotonic())
                )
            if monitor is not None and not monitor.step_complete(steps[0], index):
                monitor.phase_finish(steps[0])
                self._log("ERROR", "[builder.cpp] Build was cancelled by the progress monitor.")
                return None
        if monitor is not None:
            monitor.phase_finish(steps[0])
        plan = _plan(mod, era, network, config)
        if config._cache is not None:
            digest = hashlib.sha256(plan).hexdigest()[:16]
            config._cache._entries[digest] = f"tactics of {network.name}"
        self._log(
            "INFO", f"Engine generation completed in {time.monotonic() - started:.3f} seconds."
        )
        log_path = os.environ.get("TRTCOMPAT_FAKE_BUILD_LOG")
        if log_path:
            line = f"{time.time():.6f} pid={os.getpid()} trt={era.version} network={network.name}\n"
            fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode())  # one write with O_APPEND: lines never interleave
            finally:
                os.close(fd)
        return host_memory(mod.IHostMemory, plan)  # as the real binding returns

    def _get_batch(self: Any) -> int:
        return int(self._max_batch_size)

    def _set_batch(self: Any, value: int) -> None:
        self._max_batch_size = int(value)

    def build_engine(self: Any, network: Any, config: Any) -> Any:
        plan = build_serialized_network(self, network, config)  # the undecorated function
        return None if plan is None else mod.Runtime(self._logger).deserialize_cuda_engine(plan)

    members = {
        "__init__": __init__,
        "__setattr__": closed_setattr("Builder", version),
        "_log": _log,
        "create_network": create_network,
        "create_builder_config": lambda self: mod.IBuilderConfig(self),
        "create_optimization_profile": lambda self: mod.IOptimizationProfile(),
        "build_serialized_network": build_serialized_network,
        "build_engine": build_engine,
        "is_network_supported": lambda self, network, config: (
            not _check_build(mod, era, network, config)
        ),
        "platform_has_tf32": property(lambda self: fake_gpu()[1] >= (8, 0)),
        "platform_has_fast_fp16": property(lambda self: True),
        "platform_has_fast_int8": property(lambda self: True),
        "num_DLA_cores": property(lambda self: 0),
        "max_DLA_batch_size": property(lambda self: 1),
        "logger": property(lambda self: self._logger),
        "max_batch_size": property(_get_batch, _set_batch),
        "reset": lambda self: None,
    }
    if "kernel_text" not in real_parameters("Builder", "build_serialized_network", version):
        signature = inspect.signature(build_serialized_network)
        build_serialized_network.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=list(signature.parameters.values())[:3]
        )
    return type("Builder", (), members_of("Builder", version, members))


def _check_build(mod: types.ModuleType, era: Era, network: Any, config: Any) -> str:
    """What the real builder would refuse this build for (its log line), else ``""``: the
    checks in the order TensorRT makes them."""
    del era  # every release refuses these alike
    flags = {f.name for f in config._flags}
    return (
        _typing_problem(network, flags)
        or _output_problem(network)
        or _dla_problem(mod, config)
        or _lean_runtime_problem(flags)
        or _profiles_problem(network, config._profiles)
    )


_REDUCED_FLAGS = {"FP16", "BF16", "INT8", "FP8", "INT4", "FP4"}


def _typing_problem(network: Any, flags: set[str]) -> str:
    # A strongly typed network takes its types from the model: precision flags are an error.
    if not (network._strongly_typed() and flags & _REDUCED_FLAGS):
        return ""
    return (
        "[network.cpp::validate] Error Code 4: API Usage Error (The network is strongly "
        f"typed; BuilderFlag {sorted(flags & {'FP16', 'BF16', 'INT8', 'FP8'})} is not allowed.)"
    )


def _output_problem(network: Any) -> str:
    if network.num_outputs == 0:
        return "[network.cpp::validate] Error Code 4: Network must have at least one output."
    return ""


def _dla_problem(mod: types.ModuleType, config: Any) -> str:
    # The fake GPU has no DLA cores (Builder.num_DLA_cores is 0).
    if config.DLA_core >= 0 and config.default_device_type == mod.DeviceType.DLA:
        return f"[builder.cpp] DLA core {config.DLA_core} is not available on this device."
    return ""


def _lean_runtime_problem(flags: set[str]) -> str:
    if "EXCLUDE_LEAN_RUNTIME" in flags and "VERSION_COMPATIBLE" not in flags:
        return "[builder.cpp] EXCLUDE_LEAN_RUNTIME needs VERSION_COMPATIBLE."
    return ""


def _profiles_problem(network: Any, profiles: list[Any]) -> str:
    dynamic = [t for t in network._inputs if -1 in t._shape]
    if dynamic and not profiles:
        return (
            f"[network.cpp::validate] Error Code 4: Network has dynamic or shape inputs, but no "
            f"optimization profile has been defined ({dynamic[0].name})."
        )
    for index, profile in enumerate(profiles):
        for tensor in network._inputs:
            problem = _profile_input_problem(index, profile, tensor)
            if problem:
                return problem
    return ""


def _profile_input_problem(index: int, profile: Any, tensor: Any) -> str:
    shapes = profile._shapes.get(tensor.name)
    if shapes is None:
        # A profile may leave out a static input, never a dynamic one.
        if -1 not in tensor._shape:
            return ""
        return (
            f"[network.cpp::validate] Error Code 4: Optimization profile {index} "
            f"has no dimensions for input {tensor.name}."
        )
    for shape in shapes:
        if not _fits(tensor._shape, shape):
            return (
                f"[network.cpp::validate] Error Code 4: Profile {index} dimensions of "
                f"{tensor.name} {shape} do not match the network's {tensor._shape}."
            )
    return ""


def _fits(declared: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """Whether ``shape`` is one of the shapes ``declared`` (-1: any extent) allows."""
    return len(shape) == len(declared) and all(d in (-1, s) for d, s in zip(declared, shape))


def _plan(mod: types.ModuleType, era: Era, network: Any, config: Any) -> bytes:
    flags = {f.name for f in config._flags}
    strongly_typed = network._strongly_typed()
    reduced = None
    if not strongly_typed:
        reduced = "fp16" if "FP16" in flags else "bf16" if "BF16" in flags else None
    model = network._onnx if network._onnx is not None else network_model(network)
    tensors = []
    for tensor in network._inputs:
        profiles = tuple(
            p._shapes[tensor.name] for p in config._profiles if tensor.name in p._shapes
        )
        tensors.append(
            TensorSpec(tensor.name, tensor.dtype.name, tensor._shape, True,
                       profiles=profiles if -1 in tensor._shape else ())
        )  # fmt: skip
    for tensor in network._outputs:
        tensors.append(TensorSpec(tensor.name, tensor.dtype.name, tensor._shape, False))
    spec = EngineSpec(
        tuple(tensors),
        launch=OnnxLaunch(model.SerializeToString(), reduced),
        num_profiles=max(1, len(config._profiles)),
        name=network.name,
    )
    return plan_from_spec(spec, era.version)
