"""What each faked TensorRT API era offers: versions, DataTypes, and the public members of its
classes. The fakes implement the members listed here; which of them an era offers comes from
the version table (``_versions.ADDED`` / ``REMOVED``, generated from the real pybind sources),
so the fakes, the scanner and the version facts cannot disagree. ``tests/test_fake_fidelity.py``
compares the result with the real lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._compat import DATACLASS_SLOTS
from .._versions import offered, parse_version

__all__ = ["ERAS", "Era"]

_BINDING_ENGINE = (
    "__len__",
    "num_bindings",
    "get_binding_name",
    "get_binding_index",
    "binding_is_input",
    "get_binding_shape",
    "get_binding_dtype",
    "get_binding_format",
    "get_binding_vectorized_dim",
    "get_binding_components_per_element",
    "get_binding_bytes_per_component",
    "get_location",
    "is_shape_binding",
    "is_execution_binding",
    "get_profile_shape",
    "max_batch_size",
    "has_implicit_batch_dimension",
    "create_execution_context_without_device_memory",
    "device_memory_size",
)
_TENSOR_ENGINE = (
    "num_io_tensors",
    "get_tensor_name",
    "get_tensor_mode",
    "get_tensor_shape",
    "get_tensor_dtype",
    "get_tensor_location",
    "get_tensor_format",
    "get_tensor_vectorized_dim",
    "get_tensor_components_per_element",
    "get_tensor_bytes_per_component",
    "get_tensor_profile_shape",
    "is_shape_inference_io",
)
_COMMON_ENGINE = (
    "__getitem__",
    "name",
    "num_optimization_profiles",
    "create_execution_context",
    "serialize",
)
_BINDING_CONTEXT = (
    "set_binding_shape",
    "get_binding_shape",
    "all_shape_inputs_specified",
    "execute",
    "execute_async",
    "execute_async_v2",
)
_TENSOR_CONTEXT = (
    "set_input_shape",
    "get_tensor_shape",
    "set_tensor_address",
    "get_tensor_address",
    "execute_async_v3",
    "infer_shapes",
    "set_output_allocator",
    "get_output_allocator",
    "get_max_output_size",
    "set_input_consumed_event",
    "get_input_consumed_event",
)
_COMMON_CONTEXT = (
    "engine",
    "name",
    "active_optimization_profile",
    "set_optimization_profile_async",
    "all_binding_shapes_specified",
    "execute_v2",
)
_RUNTIME = ("deserialize_cuda_engine", "logger", "max_threads", "engine_host_code_allowed")
# Every member the fakes implement, per class; an era offers those its release has.
_ENGINE = (
    *_COMMON_ENGINE,
    *_BINDING_ENGINE,
    *_TENSOR_ENGINE,
    "get_tensor_profile_values",
    "device_memory_size_v2",
)
_CONTEXT = (*_COMMON_CONTEXT, *_BINDING_CONTEXT, *_TENSOR_CONTEXT)


def _members(cls: str, implemented: tuple[str, ...], version: str) -> tuple[str, ...]:
    release = parse_version(version)
    return tuple(name for name in implemented if offered(cls, name, release))


_DTYPES_8_4 = ("FLOAT", "HALF", "INT8", "INT32", "BOOL")
_DTYPES_8_6 = (*_DTYPES_8_4, "UINT8", "FP8")
_DTYPES_10 = (*_DTYPES_8_6, "BF16", "INT64", "INT4", "FP4", "E8M0")


@dataclass(frozen=True, **DATACLASS_SLOTS)
class Era:
    """One TensorRT API era as the fakes model it.

    Attributes:
        key: ``"8.4"``, ``"8.6"``, ``"10"`` or ``"11"``.
        version: The ``__version__`` the fake module reports (a real release of that line).
        dtypes: DataType members of that release.
        engine_members / context_members / runtime_members: public names of the classes.
        deprecated: ``Class.member`` names whose Python binding warns (DeprecationWarning).
        implicit_batch: Whether implicit-batch engines exist.
        shared_profile_zero: 8.x: a second context starts on profile -1 while another holds 0.
        settable_profile: ``active_optimization_profile`` has a setter (8.x/9.x).
    """

    key: str
    version: str
    dtypes: tuple[str, ...]
    engine_members: tuple[str, ...]
    context_members: tuple[str, ...]
    runtime_members: tuple[str, ...]
    deprecated: frozenset[str]
    implicit_batch: bool
    shared_profile_zero: bool
    settable_profile: bool

    @property
    def has_bindings(self) -> bool:
        """Whether the binding-index API exists."""
        return "num_bindings" in self.engine_members

    @property
    def has_tensors(self) -> bool:
        """Whether the name-based API exists."""
        return "num_io_tensors" in self.engine_members


def _dep(cls: str, *names: str) -> frozenset[str]:
    return frozenset(f"{cls}.{n}" for n in names)


_BINDING_GETTERS_DEP = tuple(
    n
    for n in _BINDING_ENGINE
    if n.startswith(("get_binding", "get_location", "is_", "binding_is", "get_profile"))
)

ERAS: dict[str, Era] = {
    "8.4": Era(
        key="8.4",
        version="8.4.3.1",
        dtypes=_DTYPES_8_4,
        engine_members=_members("ICudaEngine", _ENGINE, "8.4.3.1"),
        context_members=_members("IExecutionContext", _CONTEXT, "8.4.3.1"),
        runtime_members=_members("Runtime", _RUNTIME, "8.4.3.1"),
        # Source: NVIDIA/TensorRT release/8.4 python/src/infer/pyCore.cpp (utils::deprecate*).
        deprecated=_dep("ICudaEngine", "max_batch_size")
        | _dep("IExecutionContext", "execute", "execute_async", "active_optimization_profile"),
        implicit_batch=True,
        shared_profile_zero=True,
        settable_profile=True,
    ),
    "8.6": Era(
        key="8.6",
        version="8.6.1.6",
        dtypes=_DTYPES_8_6,
        engine_members=_members("ICudaEngine", _ENGINE, "8.6.1.6"),
        context_members=_members("IExecutionContext", _CONTEXT, "8.6.1.6"),
        runtime_members=_members("Runtime", _RUNTIME, "8.6.1.6"),
        # Source: NVIDIA/TensorRT release/8.6 pyCore.cpp: every binding getter warns from 8.5.
        deprecated=_dep("ICudaEngine", "max_batch_size", *_BINDING_GETTERS_DEP)
        | _dep(
            "IExecutionContext",
            "execute",
            "execute_async",
            "active_optimization_profile",
            "set_binding_shape",
            "get_binding_shape",
        ),
        implicit_batch=True,
        shared_profile_zero=True,
        settable_profile=True,
    ),
    "10": Era(
        key="10",
        version="10.16.1.11",
        dtypes=_DTYPES_10,
        engine_members=_members("ICudaEngine", _ENGINE, "10.16.1.11"),
        context_members=_members("IExecutionContext", _CONTEXT, "10.16.1.11"),
        runtime_members=_members("Runtime", _RUNTIME, "10.16.1.11"),
        # Source: release/10.16 pyCore.cpp; device_memory_size warns from 10.1.
        deprecated=_dep(
            "ICudaEngine",
            "has_implicit_batch_dimension",
            "device_memory_size",
            "create_execution_context_without_device_memory",
        ),
        implicit_batch=False,
        shared_profile_zero=False,
        settable_profile=False,
    ),
    "11": Era(
        key="11",
        version="11.4.0.106",
        dtypes=_DTYPES_10,
        engine_members=_members("ICudaEngine", _ENGINE, "11.4.0.106"),
        context_members=_members("IExecutionContext", _CONTEXT, "11.4.0.106"),
        runtime_members=_members("Runtime", _RUNTIME, "11.4.0.106"),
        deprecated=frozenset(),
        implicit_batch=False,
        shared_profile_zero=False,
        settable_profile=False,
    ),
}
