"""The fake ``IExecutionContext``'s state and execution core (its public members are in
``_context_members``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._dtypes import bits_of, numpy_dtype
from .._versions import has_member, parse_version
from ._memory import view
from ._model import EngineModel
from ._pybind_like import Sealed
from ._spec import Launch, LaunchTensor, TensorSpec, paired_by_order

__all__ = ["ContextCore"]


def _calls_async(version: str) -> bool:
    # The same 10.0 change that dropped the callbacks bound on the IOutputAllocator base
    # (the version table's IOutputAllocator.reallocate_output) added the async trampoline.
    release = parse_version(version)
    return has_member("tensorrt", "IOutputAllocator", release) and not has_member(
        "IOutputAllocator", "reallocate_output", release
    )


class _Refused(Exception):
    """A launch TensorRT refuses (the message is what it logs); never leaves this module."""


class ContextCore(Sealed):
    """State and the execution core shared by every era's context class (all private)."""

    __slots__ = (
        "_addresses",
        "_allocators",
        "_engine",
        "_input_consumed",
        "_model",
        "_name",
        "_profile",
        "_shapes",
    )
    _engine: Any
    _model: EngineModel
    _name: str
    _profile: int
    _shapes: dict[tuple[int, str], tuple[int, ...]]
    _addresses: dict[str, int]
    _allocators: dict[str, Any]
    _input_consumed: int
    #: The module's IOutputAllocator (set per module by ``_module``), for pybind's type check.
    _output_allocator_base: type | None = None

    @classmethod
    def _create(cls, engine: Any, model: EngineModel) -> Any:
        self = cls.__new__(cls)
        self._engine = engine
        self._model = model
        self._name = ""
        self._shapes = {}
        self._addresses = {}
        self._allocators = {}
        self._input_consumed = 0
        holders = model.profile_zero_holders
        if model.era.shared_profile_zero and len(holders) > 0:
            self._profile = -1  # 8.x: profile 0 is already held by another context
        else:
            self._profile = 0
            holders.add(self)
        return self

    def _select(self, profile: int) -> None:
        holders = self._model.profile_zero_holders
        if profile == 0:
            holders.add(self)
        else:
            holders.discard(self)
        self._profile = profile

    def _fail(self, message: str) -> bool:
        self._model.log_error(message)
        return False

    def _correct(self, binding: Any) -> tuple[TensorSpec, int] | None:
        found = self._model.find(binding)
        if found is None:
            return None
        tensor, profile = found
        if profile != self._profile:
            # 8.x corrects a profile-0 index to the selected profile; other profiles' indices
            # are errors (NvInferRuntime.h 8.6, setBindingDimensions / getBindingDimensions).
            if isinstance(binding, int) and binding >= self._model.count:
                return None
            profile = self._profile
        return tensor, profile

    def _set_shape(self, tensor: TensorSpec, profile: int, shape: Sequence[int]) -> bool:
        dims = tuple(int(d) for d in shape)
        if profile < 0:
            return self._fail("No optimization profile selected.")
        if not tensor.is_input:
            return self._fail(f"{tensor.name} is not an input.")
        low, _, high = self._model.profile_range(tensor, profile)
        if len(dims) != len(low) or not all(a <= d <= b for a, d, b in zip(low, dims, high)):
            return self._fail(
                f"Dimensions {dims} of {tensor.name} are outside the profile {profile} range "
                f"{low}..{high}."
            )
        self._shapes[(profile, tensor.name)] = dims
        return True

    def _input_shape(self, tensor: TensorSpec, profile: int) -> tuple[int, ...]:
        shape: tuple[int, ...] = self._model.shape_in(tensor, profile)
        return self._shapes.get((profile, tensor.name), shape) if -1 in shape else shape

    def _resolved(self, tensor: TensorSpec, profile: int) -> tuple[int, ...]:
        if tensor.data_dependent:
            return tensor.shape  # known only once the engine has run
        if tensor.is_input:
            return self._input_shape(tensor, profile)
        return self._output_shape(tensor, profile)

    def _output_shape(self, tensor: TensorSpec, profile: int) -> tuple[int, ...]:
        like = self._shape_source(tensor)
        if like is None or -1 not in tensor.shape:
            return tensor.shape
        if tensor.like == like.name and like.is_shape_tensor and like.location == "host":
            return self._from_values(tensor, like)
        source = self._input_shape(like, profile)
        return tuple(s if d == -1 else d for d, s in zip(tensor.shape, source))

    def _shape_source(self, tensor: TensorSpec) -> TensorSpec | None:
        """The input whose shape an output's -1 dims follow: the one it names (``like``),
        else the first input of its rank, else the first input."""
        inputs = [t for t in self._model.spec.tensors if t.is_input]
        named = next((t for t in inputs if t.name == tensor.like), None)
        if named is not None:
            return named
        same_rank = (t for t in inputs if len(t.shape) == len(tensor.shape))
        return next(same_rank, inputs[0] if inputs else None)

    def _from_values(self, tensor: TensorSpec, like: TensorSpec) -> tuple[int, ...]:
        # An output ``like`` a host shape-tensor input takes its -1 dims from that input's
        # values, read at its bound host address when the shape is asked for: TensorRT 10/11
        # reads a kHOST input's values from the address set by setTensorAddress when
        # getTensorShape runs shape inference (NvInferRuntime.h, IExecutionContext). Before
        # an address is bound the dims stay -1. Name-based eras only (8.x binds at execute).
        address = self._addresses.get(like.name, 0)
        if not address:
            return tensor.shape
        dtype = numpy_dtype(like.trt_dtype)
        values = view(address, like.shape, dtype, bits_of(like.trt_dtype)).reshape(-1)
        return tuple(int(v) if d == -1 else d for d, v in zip(tensor.shape, values))

    def _shape_dims(self, binding: Any) -> Any:
        # NvInferRuntime.h 8.6, IExecutionContext::getBindingDimensions: "If the bindingIndex
        # is out of range, an invalid Dims with nbDims == -1 is returned. The same invalid
        # Dims will be returned if the engine was not built with an implicit batch dimension
        # and if the execution context is not currently associated with a valid optimization
        # profile".
        found = self._correct(binding)
        if found is None or (self._profile < 0 and not self._model.spec.implicit_batch):
            return self._model.invalid_dims()
        tensor, profile = found
        shape = self._resolved(tensor, max(profile, 0))
        return self._model.dims(shape)

    def _run(self, addresses: dict[str, int], batch: int | None, stream: int) -> bool:
        spec = self._model.spec
        try:
            self._check_launch(batch)
            tensors = {
                t.name: self._launch_tensor(t, addresses, batch, stream)
                for t in spec.tensors
                if not t.data_dependent
            }
        except _Refused as refused:
            return self._fail(str(refused))
        if spec.launch is not None:
            spec.launch(Launch(tensors, stream))
        else:
            self._compute(tensors, [t for t in spec.tensors if t.data_dependent], stream)
        for name, allocator in self._allocators.items():
            if name in tensors:
                allocator.notify_shape(name, self._model.dims(tensors[name].shape))
        return True

    def _check_launch(self, batch: int | None) -> None:
        """What TensorRT refuses before it looks at any tensor."""
        spec = self._model.spec
        if self._profile < 0:
            raise _Refused("No optimization profile is selected for this context.")
        if spec.implicit_batch:
            if batch is None:
                raise _Refused("enqueueV2/V3 cannot run an implicit-batch engine.")
            if not 1 <= batch <= spec.max_batch_size:
                raise _Refused(f"Batch size {batch} exceeds max_batch_size {spec.max_batch_size}.")
        for tensor in spec.tensors:
            if tensor.data_dependent and tensor.name not in self._allocators:
                raise _Refused(
                    f"Output {tensor.name} has a data-dependent shape and no output allocator."
                )

    def _launch_tensor(
        self, tensor: TensorSpec, addresses: dict[str, int], batch: int | None, stream: int
    ) -> LaunchTensor:
        """``tensor`` as the launch sees it: its shape now, and its address (an output with an
        allocator and no address is given memory by that allocator)."""
        shape = self._resolved(tensor, self._profile)
        if self._model.spec.implicit_batch and batch is not None:
            shape = (batch, *shape)
        if -1 in shape:
            raise _Refused(f"Not all input dimensions are specified ({tensor.name}).")
        address = addresses.get(tensor.name, 0)
        if not address and tensor.name in self._allocators and not tensor.is_input:
            address = self._reallocate(tensor, shape, stream)
        if not address:
            raise _Refused(f"Address of tensor {tensor.name} is not set (null).")
        dtype = numpy_dtype(tensor.trt_dtype)
        return LaunchTensor(tensor.name, address, shape, dtype, tensor.is_input)

    def _reallocate(self, tensor: TensorSpec, shape: tuple[int, ...], stream: int) -> int:
        size = -(-int(np.prod(shape)) * bits_of(tensor.trt_dtype) // 8)
        allocator = self._allocators[tensor.name]
        # 10.0+ trampolines call reallocate_output_async when Python defines it, else
        # reallocate_output (pyCore.cpp release/10.16, reallocateOutputAsync); 8.5-9.x know
        # only reallocate_output (release/8.6 binds no async callback).
        if _calls_async(self._model.era.version) and hasattr(allocator, "reallocate_output_async"):
            return int(allocator.reallocate_output_async(tensor.name, 0, size, 256, stream) or 0)
        return int(allocator.reallocate_output(tensor.name, 0, size, 256) or 0)

    def _compute(
        self, tensors: dict[str, LaunchTensor], deferred: list[TensorSpec], stream: int
    ) -> None:
        def array(t: LaunchTensor) -> NDArray[Any]:
            return view(t.address, t.shape, t.dtype, bits_of(self._model.named(t.name).trt_dtype))

        inputs = {n: array(t).copy() for n, t in tensors.items() if t.is_input}
        spec = self._model.spec
        results = spec.compute(inputs) if spec.compute else paired_by_order(spec, inputs)
        for name, t in tensors.items():
            if t.is_input:
                continue
            out = np.asarray(results[name])
            target = array(t)
            np.copyto(target, out.reshape(target.shape).astype(target.dtype, copy=False))
        for tensor in deferred:  # the shape is what compute produced; memory comes from the app
            out = np.asarray(results[tensor.name])
            address = self._reallocate(tensor, out.shape, stream) if out.size else 0
            if out.size:
                dtype = numpy_dtype(tensor.trt_dtype)
                target = view(address, out.shape, dtype, bits_of(tensor.trt_dtype))
                np.copyto(target, out.astype(dtype, copy=False))
            self._allocators[tensor.name].notify_shape(tensor.name, self._model.dims(out.shape))

    def _from_list(self, bindings: Sequence[int], per_profile: bool) -> dict[str, int] | None:
        spec = self._model.spec
        offset = self._profile * len(spec.tensors) if per_profile else 0
        if len(bindings) < offset + len(spec.tensors):
            return None
        return {t.name: int(bindings[offset + i]) for i, t in enumerate(spec.tensors)}

    def _execute_list(self, bindings: Sequence[int], batch: int | None, stream: int) -> bool:
        addresses = self._from_list(bindings, self._model.era.has_bindings)
        if addresses is None:
            return self._fail(f"The bindings list ({len(bindings)} entries) is too short.")
        return self._run(addresses, batch, stream)
