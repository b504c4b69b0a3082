"""Every public ``IExecutionContext`` member of any era; ``_module`` copies an era's subset."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._dtypes import bits_of
from ._context import ContextCore

__all__ = ["CONTEXT_MEMBERS", "PROFILE_RO", "PROFILE_RW"]

_REQUIRED: Any = object()


def _require(member: str, **arguments: Any) -> None:
    missing = [name for name, value in arguments.items() if value is _REQUIRED]
    if missing:
        raise TypeError(
            f"{member}(): incompatible function arguments: {', '.join(missing)} has no default."
        )


class _Pool(ContextCore):
    """Every public context member of every era."""

    @property
    def engine(self) -> Any:
        return self._engine

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def set_optimization_profile_async(self, profile_index: int, stream_handle: int) -> bool:
        if not 0 <= profile_index < self._model.spec.num_profiles:
            raise RuntimeError("Error in set optimization profile async.")
        self._select(profile_index)
        return True

    @property
    def all_binding_shapes_specified(self) -> bool:
        spec = self._model.spec
        return self._profile >= 0 and all(
            -1 not in self._input_shape(t, self._profile) for t in spec.tensors if t.is_input
        )

    @property
    def all_shape_inputs_specified(self) -> bool:
        return True

    # -- binding API -----------------------------------------------------------------------
    def set_binding_shape(self, binding: int, shape: Sequence[int]) -> bool:
        self._model.warn("IExecutionContext", "set_binding_shape")
        found = self._correct(binding)
        if found is None:
            return self._fail(f"Binding {binding} is not valid for profile {self._profile}.")
        return self._set_shape(found[0], found[1], shape)

    def get_binding_shape(self, binding: int) -> Any:
        self._model.warn("IExecutionContext", "get_binding_shape")
        return self._shape_dims(binding)

    # pyCore.cpp release/8.4, 8.6: "batch_size"_a = 1, "bindings"_a, "stream_handle"_a: only
    # batch_size has a default (pybind accepts a required argument after a defaulted one).
    def execute(self, batch_size: int = 1, bindings: Sequence[int] = _REQUIRED) -> bool:
        _require("execute", bindings=bindings)
        self._model.warn("IExecutionContext", "execute")
        return self._execute_list(
            bindings, batch_size if self._model.spec.implicit_batch else None, 0
        )

    def execute_async(
        self,
        batch_size: int = 1,
        bindings: Sequence[int] = _REQUIRED,
        stream_handle: int = _REQUIRED,
        input_consumed: Any = None,
    ) -> bool:
        _require("execute_async", bindings=bindings, stream_handle=stream_handle)
        self._model.warn("IExecutionContext", "execute_async")
        implicit = self._model.spec.implicit_batch
        return self._execute_list(bindings, batch_size if implicit else None, stream_handle)

    def execute_async_v2(
        self, bindings: Sequence[int], stream_handle: int, input_consumed: Any = None
    ) -> bool:
        return self._execute_list(bindings, None, stream_handle)

    def execute_v2(self, bindings: Sequence[int]) -> bool:
        return self._execute_list(bindings, None, 0)

    # -- name-based API --------------------------------------------------------------------
    def set_input_shape(self, name: str, shape: Sequence[int]) -> bool:
        if name not in self._model.positions:
            return self._fail(f"Tensor {name} not found.")
        return self._set_shape(self._model.named(name), self._profile, shape)

    def get_tensor_shape(self, name: str) -> Any:
        # NvInferRuntime.h 10.16, IExecutionContext::getTensorShape: "Return Dims{-1, {}} if
        # the provided name does not map to an input or output tensor."
        if name not in self._model.positions:
            return self._model.invalid_dims()
        return self._model.dims(self._resolved(self._model.named(name), max(self._profile, 0)))

    def set_tensor_address(self, name: str, memory: int) -> bool:
        if name not in self._model.positions:
            return self._fail(f"Tensor {name} not found.")
        self._addresses[name] = int(memory)
        return True

    def get_tensor_address(self, name: str) -> int:
        return self._addresses.get(name, 0)

    def execute_async_v3(self, stream_handle: int) -> bool:
        return self._run(dict(self._addresses), None, stream_handle)

    def infer_shapes(self) -> list[str]:
        spec = self._model.spec
        return [
            t.name
            for t in spec.tensors
            if t.is_input and -1 in self._input_shape(t, max(self._profile, 0))
        ]

    def set_output_allocator(self, name: str, output_allocator: Any) -> bool:
        # pybind takes an IOutputAllocator of this module or None (unsets): a duck-typed
        # object is TypeError (observed on 8.6.1 / 10.16 / 11.4).
        base = type(self)._output_allocator_base
        if output_allocator is not None and not (base and isinstance(output_allocator, base)):
            raise TypeError(
                "set_output_allocator(): incompatible function arguments: output_allocator "
                f"must be an IOutputAllocator or None, got {output_allocator!r}"
            )
        if name not in self._model.positions:
            return self._fail(f"Tensor {name} not found.")
        if output_allocator is None:
            self._allocators.pop(name, None)
        else:
            self._allocators[name] = output_allocator
        return True

    # pyCore.cpp (8.5 to 11.x): set_input_consumed_event("event"_a), a cudaEvent_t passed as
    # an int; get_input_consumed_event() returns it (0: none). TensorRT records the event once
    # the inputs are read; a fake launch reads them before it returns, so only the handle is kept.
    def set_input_consumed_event(self, event: int) -> bool:
        self._input_consumed = int(event)
        return True

    def get_input_consumed_event(self) -> int:
        return self._input_consumed

    def get_output_allocator(self, name: str) -> Any:
        return self._allocators.get(name)

    def get_max_output_size(self, name: str) -> int:
        # NvInferRuntime.h 10.16: "If the profile or input dimensions are not yet set, or the
        # provided name does not map to an output, returns -1."
        if name not in self._model.positions or self._model.named(name).is_input:
            return -1
        tensor = self._model.named(name)
        if any(
            -1 in self._input_shape(t, self._profile)
            for t in self._model.spec.tensors
            if t.is_input
        ):
            return -1
        shape = self._resolved(tensor, self._profile)
        return -(-int(np.prod(shape)) * bits_of(tensor.trt_dtype) // 8)


def _get_profile(self: ContextCore) -> int:
    return self._profile


def _set_profile(self: ContextCore, value: int) -> None:
    # 8.x/9.x: the deprecated setter calls the synchronous setOptimizationProfile.
    self._model.warn("IExecutionContext", "active_optimization_profile")
    if not 0 <= value < self._model.spec.num_profiles:
        raise RuntimeError("Error in set optimization profile.")
    self._select(value)


PROFILE_RO = property(_get_profile)
PROFILE_RW = property(_get_profile, _set_profile)

def _pybind_signature(function: Any) -> None:
    # pybind lets a required parameter follow a defaulted one (execute(batch_size=1,
    # bindings), observed on the real 8.6.1): the signature says so, unvalidated, as Python
    # cannot write it; the marker default only lets the call reach _require's TypeError.
    signature = inspect.signature(function)
    parameters = [
        p.replace(default=inspect.Parameter.empty) if p.default is _REQUIRED else p
        for p in signature.parameters.values()
    ]
    function.__signature__ = inspect.Signature(  # a function made above
        parameters, return_annotation=signature.return_annotation, __validate_parameters__=False
    )


_pybind_signature(_Pool.execute)
_pybind_signature(_Pool.execute_async)

CONTEXT_MEMBERS: dict[str, Any] = {
    name: value for name, value in vars(_Pool).items() if not name.startswith("_")
}
