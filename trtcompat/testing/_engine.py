"""The fake ``ICudaEngine``: every member any era has, from which ``_module`` picks per era."""

from __future__ import annotations

import warnings
import weakref
from typing import Any

from .._dtypes import bits_of
from ._eras import Era
from ._spec import EngineSpec, TensorSpec

__all__ = ["EngineCore", "ENGINE_MEMBERS", "mangle", "unmangle"]


def mangle(name: str, profile: int) -> str:
    """The 8.x binding name of ``name`` in ``profile`` (``"x [profile 2]"``)."""
    return name if profile == 0 else f"{name} [profile {profile}]"


def unmangle(name: str) -> tuple[str, int]:
    """``(tensor name, profile)`` of an 8.x binding name."""
    if name.endswith("]") and " [profile " in name:
        base, _, tail = name.rpartition(" [profile ")
        if tail[:-1].isdigit():
            return base, int(tail[:-1])
    return name, 0


class EngineCore:
    """State and helpers shared by every era's engine class (all private)."""

    _era: Era
    _mod: Any

    def __init__(self, spec: EngineSpec, runtime: Any) -> None:
        self._spec = spec
        self._runtime = runtime
        self._by_name = {t.name: i for i, t in enumerate(spec.tensors)}
        self._profile_zero_holders: weakref.WeakSet[Any] = weakref.WeakSet()

    # -- helpers ---------------------------------------------------------------------------
    def _warn(self, cls: str, member: str, depth: int = 0) -> None:
        # Attributed to the member's caller, as pybind's warnings are (no frame of their own).
        if f"{cls}.{member}" in self._era.deprecated:
            warnings.warn(f"{member} is deprecated.", DeprecationWarning, stacklevel=3 + depth)

    def _log_error(self, message: str) -> None:
        self._runtime._log("ERROR", message)

    def _tensor(self, key: Any) -> tuple[TensorSpec, int] | None:
        """The tensor and profile of a binding index, a (mangled) name or a plain name."""
        n = len(self._spec.tensors)
        if isinstance(key, str):
            name, profile = unmangle(key) if self._era.has_bindings else (key, 0)
            if name in self._by_name and profile < self._spec.num_profiles:
                return self._spec.tensors[self._by_name[name]], profile
            return None
        index = int(key)
        if 0 <= index < n * self._spec.num_profiles:
            return self._spec.tensors[index % n], index // n
        return None

    def _index(self, index: Any) -> tuple[TensorSpec, int]:
        # Members bound as (int) in 8.x: pybind refuses a name with TypeError.
        if not isinstance(index, int):
            raise TypeError("incompatible function arguments: expected an int binding index.")
        return self._binding(index)

    def _binding(self, key: Any) -> tuple[TensorSpec, int]:
        found = self._tensor(key)
        if found is None:
            raise IndexError(f"Binding {key!r} is out of range.")
        return found

    def _named(self, name: str) -> TensorSpec:
        if name not in self._by_name:
            raise RuntimeError(f"Tensor {name!r} not found.")
        return self._spec.tensors[self._by_name[name]]

    def _range(self, tensor: TensorSpec, profile: int) -> tuple[tuple[int, ...], ...]:
        if tensor.profiles:
            return tensor.profiles[profile]
        return (tensor.shape, tensor.shape, tensor.shape)

    def _shape_in(self, tensor: TensorSpec, profile: int) -> tuple[int, ...]:
        """Dims as TensorRT reports them: -1 where the profile's range varies."""
        if not tensor.is_input:
            return tensor.shape
        low, _, high = self._range(tensor, profile)
        return tuple(a if a == b else -1 for a, b in zip(low, high))

    def _shape_any(self, tensor: TensorSpec) -> tuple[int, ...]:
        shape = self._shape_in(tensor, 0)
        for k in range(1, self._spec.num_profiles):
            other = self._shape_in(tensor, k)
            shape = tuple(a if a == b else -1 for a, b in zip(shape, other))
        return shape

    def _spec_dtype(self, name: str) -> str:
        return self._named(name).trt_dtype

    def _enum(self, enum_name: str, member: str) -> Any:
        return getattr(getattr(self._mod, enum_name), member)


class _Pool(EngineCore):
    """Every public member of every era; ``_module`` copies the era's subset into its class."""

    # -- common ----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._spec.name

    @property
    def num_optimization_profiles(self) -> int:
        return self._spec.num_profiles

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            if not self._era.has_bindings:
                raise TypeError("__getitem__(): incompatible function arguments.")
            found = self._tensor(key)
            if found is None:
                return -1
            tensor, profile = found
            return profile * len(self._spec.tensors) + self._by_name[tensor.name]
        count = len(self._spec.tensors) * (self._spec.num_profiles if self._era.has_bindings else 1)
        index = int(key) + count if int(key) < 0 else int(key)
        if not 0 <= index < count:
            raise IndexError(f"Index {key} out of range.")
        tensor, profile = self._binding(index)
        return mangle(tensor.name, profile)

    def create_execution_context(self, strategy: Any = None) -> Any:
        del strategy
        return self._mod.IExecutionContext._create(self)

    def serialize(self) -> Any:
        from ._spec import plan_from_spec

        return plan_from_spec(self._spec, self._era.version)

    # -- binding API (8.x) -----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._spec.tensors) * self._spec.num_profiles

    @property
    def num_bindings(self) -> int:
        return len(self._spec.tensors) * self._spec.num_profiles

    def get_binding_name(self, index: int) -> str:
        self._warn("ICudaEngine", "get_binding_name")
        tensor, profile = self._index(index)
        return mangle(tensor.name, profile)

    def get_binding_index(self, name: str) -> int:
        self._warn("ICudaEngine", "get_binding_index")
        if not isinstance(name, str):
            raise TypeError("incompatible function arguments: expected a binding name (str).")
        found = self._tensor(name)
        if found is None:
            return -1
        tensor, profile = found
        return profile * len(self._spec.tensors) + self._by_name[tensor.name]

    def binding_is_input(self, index: Any) -> bool:
        self._warn("ICudaEngine", "binding_is_input")
        return self._binding(index)[0].is_input

    def get_binding_shape(self, index: Any) -> Any:
        self._warn("ICudaEngine", "get_binding_shape")
        tensor, profile = self._binding(index)
        return self._mod.Dims(self._shape_in(tensor, profile))

    def get_binding_dtype(self, index: Any) -> Any:
        self._warn("ICudaEngine", "get_binding_dtype")
        return self._enum("DataType", self._binding(index)[0].trt_dtype)

    def get_binding_format(self, index: int) -> Any:
        self._warn("ICudaEngine", "get_binding_format")
        return self._enum("TensorFormat", self._index(index)[0].format)

    def get_binding_vectorized_dim(self, index: int) -> int:
        self._warn("ICudaEngine", "get_binding_vectorized_dim")
        return self._index(index)[0].vectorized_dim

    def get_binding_components_per_element(self, index: int) -> int:
        self._warn("ICudaEngine", "get_binding_components_per_element")
        return self._index(index)[0].components_per_element

    def get_binding_bytes_per_component(self, index: int) -> int:
        self._warn("ICudaEngine", "get_binding_bytes_per_component")
        return max(bits_of(self._index(index)[0].trt_dtype) // 8, 1)

    def get_location(self, index: Any) -> Any:
        self._warn("ICudaEngine", "get_location")
        location = self._binding(index)[0].location.upper()
        return self._enum("TensorLocation", location)

    def is_shape_binding(self, index: int) -> bool:
        self._warn("ICudaEngine", "is_shape_binding")
        return self._index(index)[0].is_shape_tensor

    def is_execution_binding(self, index: int) -> bool:
        self._warn("ICudaEngine", "is_execution_binding")
        return not self._index(index)[0].is_shape_tensor

    def get_profile_shape(self, profile_index: int, binding: Any) -> list[Any]:
        self._warn("ICudaEngine", "get_profile_shape")
        tensor, _ = self._binding(binding)
        if not tensor.is_input or not 0 <= profile_index < self._spec.num_profiles:
            raise RuntimeError("Error in get_profile_shape.")
        return [self._mod.Dims(s) for s in self._range(tensor, profile_index)]

    @property
    def max_batch_size(self) -> int:
        self._warn("ICudaEngine", "max_batch_size")
        return self._spec.max_batch_size if self._spec.implicit_batch else 1

    @property
    def has_implicit_batch_dimension(self) -> bool:
        self._warn("ICudaEngine", "has_implicit_batch_dimension")
        return self._spec.implicit_batch

    def create_execution_context_without_device_memory(self) -> Any:
        self._warn("ICudaEngine", "create_execution_context_without_device_memory")
        return self._mod.IExecutionContext._create(self)

    @property
    def device_memory_size(self) -> int:
        self._warn("ICudaEngine", "device_memory_size")
        return self._spec.device_memory_size

    @property
    def device_memory_size_v2(self) -> int:
        return self._spec.device_memory_size

    # -- name-based API (8.5+) -------------------------------------------------------------
    @property
    def num_io_tensors(self) -> int:
        return len(self._spec.tensors)

    def get_tensor_name(self, index: int) -> str:
        if not 0 <= index < len(self._spec.tensors):
            raise IndexError(f"Index {index} out of range.")
        return self._spec.tensors[index].name

    def get_tensor_mode(self, name: str) -> Any:
        if name not in self._by_name:
            return self._enum("TensorIOMode", "NONE")
        return self._enum("TensorIOMode", "INPUT" if self._named(name).is_input else "OUTPUT")

    def get_tensor_shape(self, name: str) -> Any:
        if name not in self._by_name:
            return self._mod.Dims(())
        return self._mod.Dims(self._shape_any(self._named(name)))

    def get_tensor_dtype(self, name: str) -> Any:
        return self._enum("DataType", self._named(name).trt_dtype)

    def get_tensor_location(self, name: str) -> Any:
        return self._enum("TensorLocation", self._named(name).location.upper())

    def get_tensor_format(self, name: str, profile_index: int = 0) -> Any:
        return self._enum("TensorFormat", self._named(name).format)

    def get_tensor_vectorized_dim(self, name: str, profile_index: int = 0) -> int:
        return self._named(name).vectorized_dim

    def get_tensor_components_per_element(self, name: str, profile_index: int = 0) -> int:
        return self._named(name).components_per_element

    def get_tensor_bytes_per_component(self, name: str, profile_index: int = 0) -> int:
        return max(bits_of(self._named(name).trt_dtype) // 8, 1)

    def get_tensor_profile_shape(self, name: str, profile_index: int) -> list[Any]:
        tensor = self._named(name)
        if not tensor.is_input or not 0 <= profile_index < self._spec.num_profiles:
            raise RuntimeError("Error in get_tensor_profile_shape.")
        return [self._mod.Dims(s) for s in self._range(tensor, profile_index)]

    def get_tensor_profile_values(self, name: int, profile_index: str) -> list[list[int]]:
        # The real binding's keyword names are swapped: positionally (profile_index, name).
        profile, tensor = int(name), self._named(profile_index)
        if not (tensor.is_input and tensor.is_shape_tensor):
            raise RuntimeError("Error in get_tensor_profile_values.")
        return [list(s) for s in self._range(tensor, profile)]

    def is_shape_inference_io(self, name: str) -> bool:
        return self._named(name).is_shape_tensor


ENGINE_MEMBERS: dict[str, Any] = {
    **{name: value for name, value in vars(_Pool).items() if not name.startswith("_")},
    "__getitem__": _Pool.__getitem__,
    "__len__": _Pool.__len__,
}


def __dir__() -> list[str]:
    return __all__
