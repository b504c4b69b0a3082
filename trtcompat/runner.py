"""The Runner: one execution context, its buffers and stream; feed arrays in, get arrays out.

The hot path is kept lean: input shapes are set only when they change, validation results are
cached per shape, addresses are bound only when they change, and nothing is looked up by
version: the API family was chosen once, in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from ._arrays import DeviceArrayInfo, device_array_info
from ._dispatch import family_for
from ._execute import explain_failure
from ._family import Shape
from ._hostmem import host_array
from .allocator import Buffers, HostDeviceMem, allocate_buffers
from .backends import Backend, get_backend
from .errors import (
    BackendError,
    ClosedError,
    DeviceError,
    DTypeError,
    ExecutionError,
    LayoutError,
    MissingInputError,
    ShapeError,
    UnknownTensorError,
)
from .iotensor import IOTensor

__all__ = ["Runner"]

OutputKind = Literal["host", "device"]


class _Input:
    """Per-input state cached across calls."""

    __slots__ = ("bound", "high", "low", "mem", "shape", "tensor")

    def __init__(self, tensor: IOTensor, mem: HostDeviceMem, low: Shape, high: Shape) -> None:
        self.tensor, self.mem, self.low, self.high = tensor, mem, low, high
        self.shape: Shape | None = None
        self.bound = mem.device


class Runner:
    """Runs an engine on any TensorRT: ``Runner(engine).infer({"x": array}) -> {"y": array}``.

    Args:
        engine: An ``ICudaEngine`` of any supported TensorRT.
        backend: Memory backend name or object (default: ``trtcompat.backends.get_backend()``).
        profile: The optimization profile this Runner's context uses. Selected explicitly, so
            several Runners on one engine work on 8.x too (where a second context would
            otherwise start on profile -1).
        device: The CUDA device.
        cuda_graph: Capture copies and enqueue in a CUDA graph per input shape and replay it.
        outputs: ``"host"`` (numpy copies) or ``"device"`` (zero-copy device arrays, valid until
            the next call).
        family: Force ``"bindings"`` or ``"tensors"`` where both exist.

    A Runner is not thread-safe; give each thread its own (they may share the engine).
    """

    def __init__(
        self,
        engine: Any,
        *,
        backend: str | Backend | None = None,
        profile: int = 0,
        device: int = 0,
        cuda_graph: bool = False,
        outputs: OutputKind = "host",
        family: str | None = None,
    ) -> None:
        if outputs not in ("host", "device"):
            raise ValueError(f"outputs must be 'host' or 'device'; got {outputs!r}.")
        self._family = family_for(engine, family)
        self._closed = True  # until everything below exists
        self.engine = engine
        self.backend = (
            backend if isinstance(backend, Backend) else get_backend(backend, device=device)
        )
        if cuda_graph and not hasattr(self.backend, "capture_graph"):
            raise BackendError(
                f"Backend {self.backend.name!r} cannot capture CUDA graphs. "
                "Use cuda_graph=False, or a backend with graph support (cuda_python, cupy, torch)."
            )
        self.profile = profile
        self.outputs_kind: OutputKind = outputs
        self._cuda_graph = cuda_graph
        self._graphs: dict[tuple[Shape, ...], Any] = {}
        with self.backend.activate():
            context = engine.create_execution_context()
        if context is None:
            raise ExecutionError("TensorRT could not create an execution context (out of memory?).")
        self.context = context
        self.stream = self.backend.create_stream()
        try:
            if self._family.active_profile(context) != profile:
                self._family.set_profile(context, profile, self.stream)
                self.backend.synchronize(self.stream)
            self.buffers: Buffers = allocate_buffers(
                engine,
                context,
                backend=self.backend,
                profile=profile,
                family=self._family.NAME,
                _stream=self.stream,
            )
        except BaseException:
            self.backend.destroy_stream(self.stream)
            raise
        self._closed = False
        self.tensors = self.buffers.tensors
        fam = self._family
        self._inputs = {
            t.name: _Input(t, self.buffers[t.name], *_range(fam, engine, t, profile))
            for t in self.tensors
            if t.is_input
        }
        self._outputs = [self.buffers[t.name] for t in self.tensors if not t.is_input]
        self._out_shapes: dict[str, Shape] = {m.name: m.shape for m in self._outputs}
        self._bound_dirty = True
        self._pending = False
        self._batch: int | None = None
        self._implicit = fam.has_implicit_batch(engine)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Frees buffers, stream and context. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self.backend.synchronize(self.stream)
        finally:
            self.buffers.close()
            self.backend.destroy_stream(self.stream)
            del self.context

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ClosedError("This Runner was closed; create a new one.")

    # -- validation ------------------------------------------------------------------------
    def _check_names(self, feed: Mapping[str, Any]) -> None:
        if not isinstance(feed, Mapping):
            raise TypeError(
                f"feed must be a mapping of input name to array; got {type(feed).__name__}."
            )
        if len(feed) == len(self._inputs) and all(n in self._inputs for n in feed):
            return
        expected = ", ".join(repr(n) for n in self._inputs)
        for name in feed:
            if name not in self._inputs:
                kind = "an output" if name in self._out_shapes else "not a tensor of this engine"
                raise UnknownTensorError(f"Input {name!r} is {kind}. The inputs are {expected}.")
        missing = [n for n in self._inputs if n not in feed]
        raise MissingInputError(f"Missing input {missing[0]!r}. The inputs are {expected}.")

    def _check_shape(self, slot: _Input, shape: Shape) -> None:
        t = slot.tensor
        if len(shape) != len(t.shape):
            raise ShapeError(
                f"Input {t.name!r} has rank {len(t.shape)} {t.shape}; got shape {shape} "
                f"(rank {len(shape)})."
            )
        if not all(lo <= d <= hi for lo, d, hi in zip(slot.low, shape, slot.high, strict=True)):
            what = "max_batch_size range" if self._implicit else f"profile {self.profile} range"
            raise ShapeError(
                f"Input {t.name!r} shape {shape} is outside the {what} {slot.low}..{slot.high}."
            )

    def _check_dtype(self, slot: _Input, dtype: np.dtype[Any]) -> None:
        if dtype != slot.tensor.dtype:
            raise DTypeError(
                f"Input {slot.tensor.name!r} expects {slot.tensor.dtype}; got {dtype}. "
                f"Convert with .astype({str(slot.tensor.dtype)!r})."
            )

    # -- the hot path ----------------------------------------------------------------------
    def infer_async(self, feed: Mapping[str, Any]) -> None:
        """Validates ``feed``, copies host inputs in and enqueues inference and output copies.

        Call :meth:`synchronize` for the results.
        """
        self._check_open()
        self._check_names(feed)
        backend, stream, changed = self.backend, self.stream, False
        copies: list[tuple[_Input, Any]] = []
        for name, value in feed.items():
            slot = self._inputs[name]
            if isinstance(value, np.ndarray):
                shape, dev = value.shape, None
                self._check_dtype(slot, value.dtype)
            else:
                dev = self._device_info(slot, value)
                shape = dev.shape
            if shape != slot.shape:
                self._check_shape(slot, shape)
                self._set_shape(slot, shape)
                changed = True
            copies.append((slot, value if dev is None else dev))
        if changed:
            self._resolve_outputs()
        for slot, value in copies:
            if isinstance(value, DeviceArrayInfo):
                self._rebind(slot, value.pointer)
            else:
                self._rebind(slot, slot.mem.device)
                count = value.size
                if slot.tensor.location == "host" or count:
                    np.copyto(slot.mem.host.reshape(-1)[:count].reshape(value.shape), value)
                if slot.tensor.location != "host" and count:
                    backend.memcpy_htod_async(
                        slot.mem.device, slot.mem.host_ptr, slot.tensor.nbytes(value.shape), stream
                    )
        self._enqueue()
        if self.outputs_kind == "host":
            for mem in self._outputs:
                nbytes = mem.tensor.nbytes(self._out_shapes[mem.name])
                if nbytes and mem.tensor.location != "host":
                    backend.memcpy_dtoh_async(mem.host_ptr, mem.device, nbytes, stream)
        self._pending = True

    def _device_info(self, slot: _Input, value: Any) -> DeviceArrayInfo:
        info = device_array_info(value)
        if info is None:
            raise DTypeError(
                f"Input {slot.tensor.name!r} must be a numpy array or a CUDA array "
                f"(__cuda_array_interface__ / torch); got {type(value).__name__}."
            )
        self._check_dtype(slot, info.dtype)
        if not info.contiguous:
            raise LayoutError(
                f"Device input {slot.tensor.name!r} is not C-contiguous; TensorRT reads dense "
                "memory. Pass .contiguous() (torch) or cupy.ascontiguousarray(x)."
            )
        if slot.tensor.location == "host":
            raise LayoutError(
                f"Input {slot.tensor.name!r} is a host (shape) tensor; pass a numpy array."
            )
        if info.device is not None and info.device != self.backend.device:
            raise DeviceError(
                f"Input {slot.tensor.name!r} lives on device {info.device}; this Runner runs on "
                f"device {self.backend.device}."
            )
        return info

    def _set_shape(self, slot: _Input, shape: Shape) -> None:
        name = slot.tensor.name
        if self._implicit:
            self._batch = shape[0]
        else:
            self._family.set_input_shape(self.context, name, shape)
        mem = self.buffers.ensure(name, shape)
        if mem is not slot.mem:
            slot.mem = mem
        slot.shape = shape

    def _resolve_outputs(self) -> None:
        for mem in list(self._outputs):
            shape = self._family.tensor_shape(self.context, mem.name)
            if self._implicit:
                shape = (self._batch or 1, *shape[1:])
            if any(d < 0 for d in shape):
                raise ShapeError(
                    f"Output {mem.name!r} has a data-dependent shape {shape}; not supported by "
                    "this Runner yet."
                )
            self._out_shapes[mem.name] = shape
            grown = self.buffers.ensure(mem.name, shape)
            if grown is not mem:
                self._outputs[self._outputs.index(mem)] = grown
                self._bound_dirty = True

    def _rebind(self, slot: _Input, pointer: int) -> None:
        if slot.bound != pointer or slot.mem.device != self.buffers.bindings[self._slot(slot)]:
            slot.bound = pointer
            self.buffers.bindings[self._slot(slot)] = pointer
            self._bound_dirty = True

    def _slot(self, slot: _Input) -> int:
        return self.buffers._slot_of[slot.tensor.index]

    def _enqueue(self) -> None:
        bindings = self.buffers.bindings
        if self._bound_dirty:
            refused = self._family.bind(self.context, bindings.names, self._addresses())
            if refused is not None:
                raise explain_failure(self._family, self.context, f"bind tensor {refused!r}")
            self._bound_dirty = False
        if not self._family.enqueue(self.context, bindings, self.stream, self._batch):
            raise explain_failure(self._family, self.context, "execute the engine")

    def _addresses(self) -> list[int]:
        bindings = self.buffers.bindings
        return [bindings[self.buffers._slot_of[i]] for i in range(len(self.tensors))]

    def synchronize(self) -> dict[str, Any]:
        """Waits for the enqueued inference; returns the outputs by name."""
        self._check_open()
        if not self._pending:
            raise ExecutionError("Nothing was enqueued; call infer_async(feed) first.")
        self.backend.synchronize(self.stream)
        self._pending = False
        result: dict[str, Any] = {}
        for mem in self._outputs:
            shape = self._out_shapes[mem.name]
            if self.outputs_kind == "device":
                result[mem.name] = self.backend.device_array(mem.device, shape, mem.dtype, self)
            else:
                nbytes = mem.tensor.nbytes(shape)
                view = host_array(
                    mem.host_ptr, nbytes, mem.dtype, shape, mem.tensor.bits_per_element
                )
                result[mem.name] = view.copy()
        return result

    def infer(self, feed: Mapping[str, Any]) -> dict[str, Any]:
        """Runs one inference synchronously: ``{input name: array}`` -> ``{output name: array}``."""
        self.infer_async(feed)
        return self.synchronize()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"profile {self.profile}"
        return (
            f"<Runner {self._family.NAME} API, {state}, {self.backend.name}:{self.backend.device}>"
        )


def _range(family: Any, engine: Any, tensor: IOTensor, profile: int) -> tuple[Shape, Shape]:
    low, _, high = family.profile_shapes(engine, tensor.name, profile)
    return low, high


def __dir__() -> list[str]:
    return __all__
