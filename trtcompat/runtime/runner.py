"""The Runner: one execution context, its buffers and stream; feed arrays in, get arrays out.

The hot path is kept lean: input shapes are set only when they change, validation results are
cached per shape, addresses are bound only when they change, and nothing is looked up by
version: the API family was chosen once, in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from .._dispatch import family_for
from .._family import Shape
from ..backends import Backend, get_backend
from ..errors import (
    ClosedError,
    ExecutionError,
)
from ..iotensor import IOTensor
from ._arrays import DeviceArrayInfo
from ._feed import InputSlot, check_names
from ._graphs import GraphCache
from ._hostmem import host_array
from ._output_allocator import DataDependentOutputs
from ._outputs import Outputs
from .allocator import Buffers, HostDeviceMem, allocate_buffers
from .execute import explain_failure

__all__ = ["Runner"]

OutputKind = Literal["host", "device"]


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
        outputs: ``"host"`` (numpy arrays) or ``"device"`` (zero-copy device arrays, valid until
            the next call).
        copy_outputs: With ``outputs="host"``: return copies (default), or views of the pinned
            output buffers, valid until the next call (no host copy; for latency-bound serving).
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
        copy_outputs: bool = True,
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
        self.profile = profile
        self.outputs_kind: OutputKind = outputs
        self.copy_outputs = copy_outputs
        if cuda_graph:
            GraphCache.require(self.backend)  # before a context and stream exist
        with self.backend.activate():
            context = engine.create_execution_context()
        if context is None:
            raise ExecutionError("TensorRT could not create an execution context (out of memory?).")
        self.context = context
        self.stream = self.backend.create_stream()
        self._graphs = GraphCache(self.backend, self.stream) if cuda_graph else None
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
                _data_dependent_ok=True,
            )
        except BaseException:
            self.backend.destroy_stream(self.stream)
            raise
        self._closed = False
        self.tensors = self.buffers.tensors
        fam = self._family
        self._implicit = fam.has_implicit_batch(engine)
        what = "max_batch_size range" if self._implicit else f"profile {profile} range"
        self._inputs = {
            t.name: InputSlot(t, self.buffers[t.name], *_range(fam, engine, t, profile), what)
            for t in self.tensors
            if t.is_input
        }
        self._input_names = frozenset(self._inputs)
        self._dds = DataDependentOutputs(self.engine, context, self.buffers, fam, cuda_graph)
        self._enqueue_call = fam.enqueue
        self._out = Outputs(self.buffers, self._dds)
        self._bound_dirty = True
        self._pending = False
        self._batch: int | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Frees buffers, stream and context. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self.backend.synchronize(self.stream)
            if self._graphs is not None:
                self._graphs.close()
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

    # -- the hot path ----------------------------------------------------------------------
    def infer_async(self, feed: Mapping[str, Any]) -> None:
        """Validates ``feed``, copies host inputs in and enqueues inference and output copies.

        Call :meth:`synchronize` for the results.
        """
        self._admit(feed)
        # One device switch for the whole call, not one per copy (backends skip theirs inside).
        with self.backend.activate():
            self._infer_async(feed)
        self._pending = True

    def _admit(self, feed: Mapping[str, Any]) -> None:
        self._check_open()
        if type(feed) is not dict or feed.keys() != self._input_names:
            check_names(feed, self._inputs, self._out.shapes)

    def _infer_async(self, feed: Mapping[str, Any]) -> None:
        changed = False
        staged: list[tuple[InputSlot, Any]] = []
        for name, value in feed.items():
            slot = self._inputs[name]
            if isinstance(value, np.ndarray):
                shape, dev = value.shape, None
                if value.dtype != slot.tensor.dtype:
                    slot.check_dtype(value.dtype)
            else:
                dev = slot.device_info(value, self.backend.device)
                shape = dev.shape
            if shape != slot.shape:
                slot.check_shape(shape)
                self._set_shape(slot, shape)
                changed = True
            staged.append((slot, value if dev is None else dev))
        if changed:
            self._resolve_outputs()
        uploads = []
        for slot, value in staged:
            if isinstance(value, DeviceArrayInfo):
                if slot.bound != value.pointer:
                    self._rebind(slot, value.pointer)
                continue
            if slot.bound != slot.mem.device:
                self._rebind(slot, slot.mem.device)
            if slot.upload:
                # Host arrays in any layout (Fortran, strided, read-only) land C-ordered here;
                # the pinned view itself (from host_input) needs no copy.
                if value is not slot.view:
                    np.copyto(slot.view, value)
                if slot.tensor.location != "host":
                    uploads.append((slot.mem, slot.upload))
        if self._graphs is not None:
            key = tuple((slot.shape, slot.bound) for slot in self._inputs.values())
            self._graphs.run(key, lambda: self._run_stream(uploads))
        else:
            self._run_stream(uploads)

    def _run_stream(self, uploads: list[tuple[HostDeviceMem, int]]) -> None:
        backend, stream = self.backend, self.stream
        for mem, nbytes in uploads:
            backend.memcpy_htod_async(mem.device, mem.host_ptr, nbytes, stream)
        self._enqueue()
        self._out.after_enqueue()
        if self.outputs_kind == "host":
            self._out.download(backend, stream)

    def _set_shape(self, slot: InputSlot, shape: Shape) -> None:
        name = slot.tensor.name
        if self._implicit:
            self._batch = shape[0]
        else:
            self._family.set_input_shape(self.context, name, shape)
        mem = self.buffers.ensure(name, shape)
        if mem is not slot.mem:
            slot.mem, slot.bound = mem, mem.device
            self._bound_dirty = True  # ensure() moved the buffer and refilled its slot
        slot.shape = shape
        # Cached per shape, so a call with an unchanged shape only copies.
        slot.upload = slot.tensor.nbytes(shape)
        slot.view = host_array(mem.host_ptr, slot.upload, mem.dtype, shape, slot.bits)

    def _resolve_outputs(self) -> None:
        batch = (self._batch or 1) if self._implicit else None
        if self._out.resolve(self._family, self.context, batch):
            self._bound_dirty = True  # an output buffer moved

    def _rebind(self, slot: InputSlot, pointer: int) -> None:
        slot.bound = pointer
        self.buffers.bindings[self.buffers._slot_of[slot.tensor.index]] = pointer
        self._bound_dirty = True

    def _enqueue(self) -> None:
        bindings = self.buffers.bindings
        if self._bound_dirty:
            refused = self._family.bind(self.context, bindings.names, self._addresses())
            if refused is not None:
                raise explain_failure(self._family, self.context, f"bind tensor {refused!r}")
            self._bound_dirty = False
        if not self._enqueue_call(self.context, bindings, self.stream, self._batch):
            raise explain_failure(self._family, self.context, "execute the engine")

    def _addresses(self) -> list[int]:
        bindings = self.buffers.bindings
        return [bindings[self.buffers._slot_of[i]] for i in range(len(self.tensors))]

    def synchronize(self) -> dict[str, Any]:
        """Waits for the enqueued inference; returns the outputs by name."""
        self._check_open()
        if not self._pending:
            raise ExecutionError("Nothing was enqueued; call infer_async(feed) first.")
        with self.backend.activate():
            return self._synchronize()

    def _synchronize(self) -> dict[str, Any]:
        self.backend.synchronize(self.stream)
        self._pending = False
        return self._out.results(self.outputs_kind, self.copy_outputs, self.backend, self)

    def host_input(self, name: str, shape: Sequence[int] | None = None) -> np.ndarray:
        """The pinned host buffer of input ``name`` as an array of ``shape``.

        Fill it and pass it back in the feed: the Runner then skips its host copy. Valid until
        the input's shape changes.

        Raises:
            UnknownTensorError: ``name`` is not an input.
            ShapeError: ``shape`` is outside the profile.
        """
        self._check_open()
        if name not in self._inputs:
            check_names({name: None}, self._inputs, self._out.shapes)
        slot = self._inputs[name]
        dims = tuple(int(d) for d in shape) if shape is not None else slot.shape or slot.mem.shape
        if dims != slot.shape:
            slot.check_shape(dims)
            self._set_shape(slot, dims)
            self._resolve_outputs()
        view: np.ndarray = slot.view
        return view

    def infer(self, feed: Mapping[str, Any]) -> dict[str, Any]:
        """Runs one inference synchronously: ``{input name: array}`` -> ``{output name: array}``."""
        self._admit(feed)
        with self.backend.activate():  # one device switch for the whole round trip
            self._infer_async(feed)
            self._pending = True
            return self._synchronize()

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
