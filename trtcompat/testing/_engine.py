"""The fake ``ICudaEngine``: every member any era has, from which ``_module`` picks per era."""

from __future__ import annotations

from typing import Any

from .._dtypes import bits_of
from ._model import EngineModel, binding_name
from ._pybind_like import Sealed, host_memory

__all__ = [
    "CREATE_CONTEXT_BEFORE_10_11",
    "ENGINE_MEMBERS",
    "ENGINE_MEMBERS_BEFORE_10",
    "EngineCore",
]

_NO_ARG: Any = object()


def _index_or_name(member: str, index: Any, name: Any) -> Any:
    # 8.x binds these twice, (index: int) and (name: str) (pyCore.cpp release/8.4, 8.6):
    # either works positionally or by its own keyword; pybind refuses anything else.
    if (index is _NO_ARG) == (name is _NO_ARG):
        raise TypeError(f"{member}(): incompatible function arguments: give index or name.")
    if name is not _NO_ARG:
        if not isinstance(name, str):
            raise TypeError(f"{member}(): incompatible function arguments: name must be a str.")
        return name
    return index


class EngineCore(Sealed):
    """What every era's engine class shares: its :class:`EngineModel` (private state)."""

    __slots__ = ("_model",)

    def __init__(self, model: EngineModel) -> None:
        self._model = model

    def _create_context(self) -> Any:
        return self._model.module.IExecutionContext._create(self, self._model)


class _Pool(EngineCore):
    """Every public member of every era; ``_module`` copies the era's subset into its class."""

    # -- common ----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._model.spec.name

    @property
    def num_optimization_profiles(self) -> int:
        return self._model.spec.num_profiles

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            if not self._model.era.has_bindings:
                raise TypeError("__getitem__(): incompatible function arguments.")
            found = self._model.find(key)
            if found is None:
                return -1
            tensor, profile = found
            return self._model.binding_index(tensor, profile)
        model = self._model
        count = model.count * (model.spec.num_profiles if model.era.has_bindings else 1)
        index = int(key) + count if int(key) < 0 else int(key)
        if not 0 <= index < count:
            raise IndexError(f"Index {key} out of range.")
        tensor, profile = self._model.binding(index)
        return binding_name(tensor.name, profile)

    def create_execution_context(self, strategy: Any = None, runtime_config: Any = None) -> Any:
        # Two overloads from 10.11 (observed on the real 10.11.0.33): (strategy) and
        # (runtime_config: IRuntimeConfig = None); the fake keeps no device memory, so
        # neither changes it.
        del strategy, runtime_config
        return self._create_context()

    def serialize(self) -> Any:
        from ._spec import plan_from_spec

        # An IHostMemory, as the real binding returns (pyCore.cpp: serialize -> IHostMemory).
        plan = plan_from_spec(self._model.spec, self._model.era.version)
        return host_memory(self._model.module.IHostMemory, plan)

    # -- binding API (8.x) -----------------------------------------------------------------
    def __len__(self) -> int:
        return self._model.count * self._model.spec.num_profiles

    @property
    def num_bindings(self) -> int:
        return self._model.count * self._model.spec.num_profiles

    def get_binding_name(self, index: int) -> str | None:
        self._model.warn("ICudaEngine", "get_binding_name")
        if not isinstance(index, int):
            raise TypeError("incompatible function arguments: expected an int binding index.")
        # NvInferRuntime.h 8.6, getBindingName: "or nullptr if the index is out of range"
        # (pybind gives None for a null char const*).
        found = self._model.find(index)
        return None if found is None else binding_name(found[0].name, found[1])

    def get_binding_index(self, name: str) -> int:
        self._model.warn("ICudaEngine", "get_binding_index")
        if not isinstance(name, str):
            raise TypeError("incompatible function arguments: expected a binding name (str).")
        found = self._model.find(name)
        if found is None:
            return -1
        tensor, profile = found
        return self._model.binding_index(tensor, profile)

    def binding_is_input(self, index: Any = _NO_ARG, name: Any = _NO_ARG) -> bool:
        self._model.warn("ICudaEngine", "binding_is_input")
        key = _index_or_name("binding_is_input", index, name)
        return self._model.binding(key)[0].is_input

    def get_binding_shape(self, index: Any = _NO_ARG, name: Any = _NO_ARG) -> Any:
        self._model.warn("ICudaEngine", "get_binding_shape")
        # NvInferRuntime.h 8.6, getBindingDimensions: "The dimensions of the binding if the
        # index is in range, otherwise Dims()"; by name: the index of an unknown name (-1).
        found = self._model.find(_index_or_name("get_binding_shape", index, name))
        if found is None:
            return self._model.dims(())
        tensor, profile = found
        return self._model.dims(self._model.shape_in(tensor, profile))

    def get_binding_dtype(self, index: Any = _NO_ARG, name: Any = _NO_ARG) -> Any:
        self._model.warn("ICudaEngine", "get_binding_dtype")
        key = _index_or_name("get_binding_dtype", index, name)
        return self._model.enum("DataType", self._model.binding(key)[0].trt_dtype)

    def get_binding_format(self, index: int) -> Any:
        self._model.warn("ICudaEngine", "get_binding_format")
        return self._model.enum("TensorFormat", self._model.int_binding(index)[0].format)

    def get_binding_vectorized_dim(self, index: int) -> int:
        self._model.warn("ICudaEngine", "get_binding_vectorized_dim")
        return self._model.int_binding(index)[0].vectorized_dim

    def get_binding_components_per_element(self, index: int) -> int:
        self._model.warn("ICudaEngine", "get_binding_components_per_element")
        return self._model.int_binding(index)[0].components_per_element

    def get_binding_bytes_per_component(self, index: int) -> int:
        self._model.warn("ICudaEngine", "get_binding_bytes_per_component")
        return max(bits_of(self._model.int_binding(index)[0].trt_dtype) // 8, 1)

    def get_location(self, index: Any = _NO_ARG, name: Any = _NO_ARG) -> Any:
        self._model.warn("ICudaEngine", "get_location")
        key = _index_or_name("get_location", index, name)
        location = self._model.binding(key)[0].location.upper()
        return self._model.enum("TensorLocation", location)

    def is_shape_binding(self, binding: int) -> bool:
        self._model.warn("ICudaEngine", "is_shape_binding")
        return self._model.int_binding(binding)[0].is_shape_tensor

    def is_execution_binding(self, binding: int) -> bool:
        self._model.warn("ICudaEngine", "is_execution_binding")
        return not self._model.int_binding(binding)[0].is_shape_tensor

    def get_profile_shape(self, profile_index: int, binding: Any) -> list[Any]:
        self._model.warn("ICudaEngine", "get_profile_shape")
        tensor, _ = self._model.binding(binding)
        if not tensor.is_input or not 0 <= profile_index < self._model.spec.num_profiles:
            raise RuntimeError("Error in get_profile_shape.")
        return [self._model.dims(s) for s in self._model.profile_range(tensor, profile_index)]

    @property
    def max_batch_size(self) -> int:
        self._model.warn("ICudaEngine", "max_batch_size")
        return self._model.spec.max_batch_size if self._model.spec.implicit_batch else 1

    @property
    def has_implicit_batch_dimension(self) -> bool:
        self._model.warn("ICudaEngine", "has_implicit_batch_dimension")
        return self._model.spec.implicit_batch

    def create_execution_context_without_device_memory(self) -> Any:
        self._model.warn("ICudaEngine", "create_execution_context_without_device_memory")
        return self._create_context()

    @property
    def device_memory_size(self) -> int:
        self._model.warn("ICudaEngine", "device_memory_size")
        return self._model.spec.device_memory_size

    @property
    def device_memory_size_v2(self) -> int:
        return self._model.spec.device_memory_size

    # -- name-based API (8.5+) -------------------------------------------------------------
    @property
    def num_io_tensors(self) -> int:
        return self._model.count

    def get_tensor_name(self, index: int) -> str:
        if not 0 <= index < self._model.count:
            raise IndexError(f"Index {index} out of range.")
        return self._model.spec.tensors[index].name

    def get_tensor_mode(self, name: str) -> Any:
        if name not in self._model.positions:
            return self._model.enum("TensorIOMode", "NONE")
        mode = "INPUT" if self._model.named(name).is_input else "OUTPUT"
        return self._model.enum("TensorIOMode", mode)

    # An unknown name is no error for these (NvInferRuntime.h, ICudaEngine, 8.5 .. 11.x):
    # getTensorShape "or Dims{-1, {}} if the provided name does not map to an input or output
    # tensor", getTensorDataType "or DataType::kFLOAT if ...", getTensorLocation
    # "TensorLocation::kDEVICE if ...", getProfileShape "If the profileIndex is invalid or
    # provided name does not map to an input tensor, return Dims{-1, {}}".
    def get_tensor_shape(self, name: str) -> Any:
        if name not in self._model.positions:
            return self._model.invalid_dims()
        return self._model.dims(self._model.shape_any(self._model.named(name)))

    def get_tensor_dtype(self, name: str) -> Any:
        if name not in self._model.positions:
            return self._model.enum("DataType", "FLOAT")
        return self._model.enum("DataType", self._model.named(name).trt_dtype)

    def get_tensor_location(self, name: str) -> Any:
        if name not in self._model.positions:
            return self._model.enum("TensorLocation", "DEVICE")
        return self._model.enum("TensorLocation", self._model.named(name).location.upper())

    def get_tensor_format(self, name: str, profile_index: int = 0) -> Any:
        return self._model.enum("TensorFormat", self._model.named(name).format)

    def get_tensor_vectorized_dim(self, name: str, profile_index: int = 0) -> int:
        return self._model.named(name).vectorized_dim

    def get_tensor_components_per_element(self, name: str, profile_index: int = 0) -> int:
        return self._model.named(name).components_per_element

    def get_tensor_bytes_per_component(self, name: str, profile_index: int = 0) -> int:
        return max(bits_of(self._model.named(name).trt_dtype) // 8, 1)

    def get_tensor_profile_shape(self, name: str, profile_index: int) -> list[Any]:
        # pyCore.cpp: [getProfileShape(name, i, kMIN), ...kOPT, ...kMAX], no check of its own.
        known = name in self._model.positions
        tensor = self._model.named(name) if known else None
        if tensor is None or not tensor.is_input:
            return [self._model.invalid_dims() for _ in range(3)]
        if not 0 <= profile_index < self._model.spec.num_profiles:
            return [self._model.invalid_dims() for _ in range(3)]
        return [self._model.dims(s) for s in self._model.profile_range(tensor, profile_index)]

    def get_tensor_profile_values(self, name: int, profile_index: str) -> list[list[int]]:
        # The real binding's keyword names are swapped: positionally (profile_index, name).
        profile, tensor = int(name), self._model.named(profile_index)
        if not (tensor.is_input and tensor.is_shape_tensor):
            raise RuntimeError("Error in get_tensor_profile_values.")
        return [list(s) for s in self._model.profile_range(tensor, profile)]

    def is_shape_inference_io(self, name: str) -> bool:
        return self._model.named(name).is_shape_tensor


class _Before10(EngineCore):
    """Members whose parameters 10.0 changed, as 8.x binds them (pyCore.cpp, release/8.6):
    no allocation strategy. (The per-tensor format queries already have their
    ``(name, profile_index)`` overloads in 8.6.1: observed on the real module.)"""

    def create_execution_context(self) -> Any:
        return self._create_context()


class _Before10_11(EngineCore):
    """10.0-10.10: one overload, ``(strategy)``; ``runtime_config`` came in 10.11."""

    def create_execution_context(self, strategy: Any = None) -> Any:
        del strategy
        return self._create_context()


#: ``create_execution_context`` of 10.0-10.10.
CREATE_CONTEXT_BEFORE_10_11 = _Before10_11.create_execution_context

#: Per-era replacements of ``ENGINE_MEMBERS`` for the eras before 10.0.
ENGINE_MEMBERS_BEFORE_10: dict[str, Any] = {
    name: value for name, value in vars(_Before10).items() if not name.startswith("_")
}

ENGINE_MEMBERS: dict[str, Any] = {
    **{name: value for name, value in vars(_Pool).items() if not name.startswith("_")},
    "__getitem__": _Pool.__getitem__,
    "__len__": _Pool.__len__,
}
