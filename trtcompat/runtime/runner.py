"""The Runner: one execution context, its buffers and stream; feed arrays in, get arrays out.

The hot path is a plan per input-shape set (and zero-copy pointers): the pinned views to
stage host inputs into, the copies as ``(dst, src, nbytes)``, the family's launch and the
result builder, all computed when shapes or addresses change. A call that matches the current
plan checks the names, stages, copies, launches, synchronizes and builds the result, nothing
else. Reading it end to end takes this file, the backend's stream ops and the family's
launch.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Union

import numpy as np
from numpy.typing import NDArray

from .._dispatch import family_for
from .._family import Shape, explain_failure
from ..backends import Backend, GraphReplay
from ..errors import (
    ClosedError,
    DTypeError,
    ExecutionError,
    OptionError,
    ProfileError,
    ShapeError,
)
from ._arrays import fingerprint_for
from ._feed import InputSlot, check_names, choose_profile
from ._graphs import GraphCache
from ._hostmem import host_array
from ._out import check_out, check_out_shape, check_static_shapes
from ._output_allocator import DataDependentOutputs
from ._streamops import Copy, active_check, round_trip, stream_ops, translate
from ._subbyte import fed_shape, is_packed, pack_into, packed_form, unpack
from .allocator import Buffers, choose_backend, make_buffers

__all__ = ["Runner"]

OutputKind = Literal["host", "device"]
ProfileChoice = Union[int, Literal["auto"]]

#: Plans kept per Runner; past this the cache starts over (zero-copy pointers vary freely).
_MAX_PLANS = 32


class _Plan:
    """Everything one input-shape set (and set of zero-copy pointers) needs per call."""

    __slots__ = (
        "arrays",
        "batch",
        "call",
        "data_dependent",
        "device",
        "downloads",
        "enqueue",
        "host",
        "key",
        "launch",
        "outputs",
        "packed",
        "packed_outputs",
        "pointers",
        "profile",
        "results",
        "shapes",
        "uploads",
        "values",
    )

    def __init__(self) -> None:
        self.key: tuple[Any, ...] = ()
        self.profile = 0
        self.batch: int | None = None
        #: Input shapes in input order (what the context gets).
        self.shapes: dict[str, Shape] = {}
        #: Host-fed inputs: (name, shape, dtype, pinned view to stage into).
        self.host: list[tuple[str, Shape, Any, Any]] = []
        #: Host-fed INT4 / FP4 inputs: (name, fed shape, fed dtype, packed pinned view).
        self.packed: list[tuple[str, Shape, Any, Any]] = []
        #: INT4 / FP4 outputs: name -> (shape, ml_dtypes dtype) to unpack into.
        self.packed_outputs: dict[str, tuple[Shape, Any]] = {}
        #: Zero-copy inputs: (name, type, its fingerprint function, the array's fingerprint).
        self.device: list[tuple[str, type, Callable[[Any], Any], Any]] = []
        #: Zero-copy inputs' device pointers, to bind again when the plan comes back.
        self.pointers: dict[str, int] = {}
        #: Host-location (shape tensor) inputs whose values shape the outputs: (name, bytes).
        self.values: list[tuple[str, bytes]] = []
        self.uploads: list[Copy] = []
        self.downloads: list[Copy] = []
        self.launch: Callable[[int], bool] = _never
        #: ``enqueue(stream)``: copies in, launch, copies out, no wait (one call of the
        #: backend's round trip); None where data-dependent outputs need the general path.
        self.enqueue: Callable[[int], bool] | None = None
        #: Outputs: (name, shape) for the current call; data-dependent ones updated per call.
        self.outputs: dict[str, Shape] = {}
        self.data_dependent = False
        #: ``results()`` -> the output dict; chosen once per plan.
        self.results: Callable[[], dict[str, Any]] = dict
        #: (name, array) of the outputs ``results()`` returns (host views or device arrays).
        self.arrays: tuple[tuple[str, Any], ...] = ()
        #: The whole warm call in one frame, where the plan allows it (see ``_fast_call``).
        self.call: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None

    def stage(self, feed: Mapping[str, Any]) -> bool:
        """Copies host inputs into pinned memory if ``feed`` matches this plan; else False."""
        for name, shape, dtype, view in self.host:
            value = feed[name]
            if value.__class__ is not np.ndarray or value.shape != shape or value.dtype != dtype:
                return False
            if value is not view:
                np.copyto(view, value)
        for name, shape, dtype, view in self.packed:
            value = feed[name]
            if value.__class__ is not np.ndarray or value.shape != shape or value.dtype != dtype:
                return False
            if value is not view:
                pack_into(view.reshape(-1), value)
        for name, cls, fingerprint, expected in self.device:
            value = feed[name]
            if value.__class__ is not cls or fingerprint(value) != expected:
                return False
        return not self.values or all(feed[n].tobytes() == data for n, data in self.values)


class _LaunchRefused(Exception):
    """The engine's enqueue returned False inside a fast call (the Runner explains it)."""


def _fast_call(
    plan: _Plan, ops: Any, stream: int, copy: bool, replay: GraphReplay | None
) -> Callable[[Mapping[str, Any]], dict[str, Any] | None] | None:
    """A warm call of ``plan`` as one frame: check and stage the feed, copy in, launch, copy
    out, synchronize (or ``replay`` its graph, which does all that), build the result; None
    (nothing done but host staging) where the feed does not match. Plans with packed inputs,
    shape-tensor values or data-dependent outputs take the general path (returns None for
    those)."""
    if plan.packed or plan.values or plan.data_dependent:
        return None
    host, device = tuple(plan.host), tuple(plan.device)
    # The copies, the launch and the synchronize as one call of the backend's, its copies
    # bound with every argument (see BoundStreamOps.round_trip).
    work = round_trip(ops, plan.uploads, plan.launch, plan.downloads)
    launch, sync = plan.launch, ops.synchronize
    zero_copy = not plan.uploads and not plan.downloads  # device arrays in and out
    arrays, ndarray, copyto = plan.arrays, np.ndarray, np.copyto

    def call(feed: Mapping[str, Any]) -> dict[str, Any] | None:
        for name, shape, dtype, view in host:
            value = feed[name]
            if value.__class__ is not ndarray or value.shape != shape or value.dtype != dtype:
                return None
            if value is not view:
                copyto(view, value)
        for name, cls, fingerprint, expected in device:
            value = feed[name]
            if value.__class__ is not cls or fingerprint(value) != expected:
                return None
        if replay is not None:
            replay()
        elif zero_copy:  # nothing to copy: the launch and the wait, no round-trip frame
            if not launch(stream):
                raise _LaunchRefused
            sync()
        elif not work(stream):
            raise _LaunchRefused
        if copy:
            return {name: array.copy() for name, array in arrays}
        return dict(arrays)

    return call


def _check_device_output(tensor: Any) -> None:
    if is_packed(tensor):
        raise DTypeError(
            f"Output {tensor.name!r} is {tensor.trt_dtype}, packed two per byte; no device "
            "array type holds 4-bit elements. Use outputs='host' (ml_dtypes arrays come back)."
        )


def _never(stream: int) -> bool:
    raise AssertionError("a plan ran before it was built")  # pragma: no cover


def _copies(views: Sequence[tuple[str, Any]]) -> Callable[[], dict[str, Any]]:
    def results() -> dict[str, Any]:
        return {name: view.copy() for name, view in views}

    return results


def _same(arrays: Sequence[tuple[str, Any]]) -> Callable[[], dict[str, Any]]:
    def results() -> dict[str, Any]:
        return dict(arrays)

    return results


def _unpacking(
    arrays: Sequence[tuple[str, Any]], packed: Mapping[str, tuple[Shape, Any]], copy: bool
) -> Callable[[], dict[str, Any]]:
    """Results where some outputs are INT4 / FP4: those are unpacked into new arrays."""

    def results() -> dict[str, Any]:
        found = {}
        for name, view in arrays:
            entry = packed.get(name)
            if entry is not None:
                found[name] = unpack(view, entry[0], entry[1])
            else:
                found[name] = view.copy() if copy else view
        return found

    return results


def _profile_index(profile: Any, count: int) -> int:
    """``profile`` as an int index (numpy integers too); ProfileError for anything else."""
    try:
        if isinstance(profile, bool):
            raise TypeError
        return operator.index(profile)
    except TypeError:
        raise ProfileError(
            f"Runner(profile={profile!r}): profile takes an optimization profile index "
            f"(0..{count - 1} for this engine) or 'auto' (for each call, a profile whose range "
            "holds its shapes)."
        ) from None


class Runner:
    """Runs an engine on any TensorRT: ``Runner(engine).infer({"x": array}) -> {"y": array}``.

    Args:
        engine: An ``ICudaEngine`` of any supported TensorRT.
        backend: Memory backend name or object (default: ``trtcompat.backends.get_backend()``).
        profile: The optimization profile this Runner's context uses. Selected explicitly, so
            several Runners on one engine work on 8.x too (where a second context would
            otherwise start on profile -1). ``"auto"``: for each set of input shapes, the
            profile whose range holds them (nearest opt shape first; on 8.x not profile 0
            while another context holds it), switched on this Runner's stream.
        device: The CUDA device (a backend object on another device raises DeviceError).
        cuda_graph: Capture copies and enqueue in a CUDA graph per input shapes and bound
            addresses, and replay it.
        outputs: ``"host"`` (numpy arrays) or ``"device"`` (zero-copy device arrays, valid until
            the next call).
        copy_outputs: With ``outputs="host"``: return copies (default), or views of the pinned
            output buffers, valid until the next call (no host copy; for latency-bound serving).
        family: Force ``"bindings"`` or ``"tensors"`` where both exist.

    A Runner is not thread-safe; give each thread its own (they may share the engine).
    After :meth:`close` (or the ``with`` block) it holds no context, stream or buffers.

    Raises:
        ProfileError: ``profile`` is neither an int index of the engine's profiles nor
            ``"auto"`` (the message names the parameter and the range).
        OptionError: ``outputs`` is neither ``"host"`` nor ``"device"``.
    """

    def __init__(
        self,
        engine: Any,
        *,
        backend: str | Backend | None = None,
        profile: ProfileChoice = 0,
        device: int = 0,
        cuda_graph: bool = False,
        outputs: OutputKind = "host",
        copy_outputs: bool = True,
        family: str | None = None,
    ) -> None:
        if not isinstance(outputs, str) or outputs not in ("host", "device"):
            raise OptionError(
                f"Runner(outputs={outputs!r}): outputs takes 'host' (numpy arrays) or 'device' "
                "(the backend's device arrays, zero-copy)."
            )
        self._closed = True  # until everything below exists
        fam = self._family = family_for(engine, family)
        count = fam.num_profiles(engine)
        auto = isinstance(profile, str) and profile == "auto"
        index = 0 if auto else _profile_index(profile, count)
        if not auto:
            from .._family import check_profile

            check_profile(engine, index)
        self.engine = engine
        self.backend = choose_backend(backend, device)
        self.outputs_kind: OutputKind = outputs
        self.copy_outputs = copy_outputs
        self.auto_profile = auto
        if cuda_graph:
            GraphCache.require(self.backend)  # before a context and stream exist
        with self.backend.activate():
            context = engine.create_execution_context()
        if context is None:
            raise ExecutionError("TensorRT could not create an execution context (out of memory?).")
        stream = self.backend.create_stream()
        # 8.x: a new context starts on -1 when another context holds profile 0; "auto" then
        # leaves profile 0 to that context.
        held = fam.active_profile(context) < 0
        self._candidates = [k for k in range(count) if not (auto and held and k == 0)]
        start = index if not auto else (self._candidates or [0])[0]
        try:
            if fam.active_profile(context) != start:
                fam.set_profile(context, start, stream)
                self.backend.synchronize(stream)
            buffers = make_buffers(
                engine, context, self.backend, start, None, fam.NAME, stream, True
            )
        except BaseException:
            self.backend.destroy_stream(stream)
            raise
        self.context: Any = context
        self.stream = stream
        self.buffers: Buffers = buffers
        self.profile = start
        self._closed = False
        self.tensors = buffers.tensors
        self._implicit = fam.has_implicit_batch(engine)
        what = "max_batch_size range" if self._implicit else "profile {profile} range"
        wanted = self._candidates if auto else [start]
        self._inputs = {
            t.name: InputSlot(t, {k: fam.profile_shapes(engine, t.name, k) for k in wanted}, what)
            for t in self.tensors
            if t.is_input
        }
        self._slots = list(self._inputs.values())
        self._input_names = frozenset(self._inputs)
        #: Inputs whose host bytes are packed (INT4, FP4): fed as ml_dtypes or packed uint8.
        self._packed = frozenset(t.name for t in self.tensors if t.is_input and is_packed(t))
        self._output_names = [t.name for t in self.tensors if not t.is_input]
        self._output_tensors = {t.name: t for t in self.tensors if not t.is_input}
        self._names = tuple(t.name for t in self.tensors)
        self._dds = DataDependentOutputs(engine, fam, buffers, cuda_graph)
        with self.backend.activate():
            self._ops = stream_ops(self.backend, stream)
        self._graphs = GraphCache(self.backend, stream, self._ops) if cuda_graph else None
        self._errors: tuple[type[BaseException], ...] = tuple(self._ops.errors)
        self._is_active = active_check(self.backend)
        self._plans: dict[tuple[Any, ...], _Plan] = {}
        self._views: dict[tuple[str, Shape], Any] = {}
        self._plan: _Plan | None = None
        #: The current plan's fast call (None: closed, no plan yet, or a plan without one);
        #: set with the plan by ``_use_plan``, so a warm call reads one attribute.
        self._warm: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None
        self._arity = len(self._slots)
        self._moves = buffers.moves
        self._pending: _Plan | None = None
        #: The input shapes the context holds now (to set only what changed).
        self._context_shapes: dict[str, Shape] = {}

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Frees buffers, stream and context, and drops every reference to them. Idempotent."""
        if self._closed:
            return
        self._closed = True
        backend = self.backend
        try:
            backend.synchronize(self.stream)
            if self._graphs is not None:
                self._graphs.close()
        finally:
            self._plans, self._pending, self._views = {}, None, {}
            self._use_plan(None)
            self._graphs = None
            self._dds.close()
            try:
                self.buffers.close()
            finally:
                backend.destroy_stream(self.stream)
                # Nothing of this Runner may keep the context (on 8.x it holds a profile).
                del self.context, self.buffers, self._ops, self._dds

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ClosedError("This Runner was closed; create a new one.")

    # -- the hot path ----------------------------------------------------------------------
    def infer(
        self, feed: Mapping[str, Any], out: Mapping[str, NDArray[Any]] | None = None
    ) -> dict[str, Any]:
        """Runs one inference synchronously: ``{input name: array}`` -> ``{output name: array}``.

        Args:
            feed: One array per input, by name.
            out: Numpy arrays to write outputs into, by output name (as numpy ufuncs' ``out=``;
                any subset of the outputs): each must have the output's dtype and its shape for
                this call, be C-contiguous and writable. The result maps those names to these
                very arrays; no new array is made for them, whatever ``copy_outputs`` says.
                Outputs not named come back as usual. Only for ``outputs="host"``.

        Raises:
            DTypeError, LayoutError, ShapeError, UnknownTensorError: a bad ``out`` (naming the
                output, what it needs and what was given); nothing is written into it then. A
                data-dependent output's shape is known only after the run, so an ``out`` of
                another shape for it is refused after the run, before anything is written.
            OptionError: ``out`` with ``outputs="device"``.
        """
        call = self._warm
        if (
            call is not None
            and out is None
            and type(feed) is dict
            and len(feed) == self._arity
            and self._is_active()
        ):
            try:  # a warm call on an active device: one frame of work, no device switch
                found = call(feed)
            except self._errors as exc:
                raise translate(self.backend, exc, "Runner.infer") from exc
            except _LaunchRefused:
                raise explain_failure(self._family, self.context, "execute the engine") from None
            except KeyError:  # as many names as inputs, but not theirs: refused just below
                found = None
            if found is not None:  # every input name was found: exactly the inputs
                return found
        self._check_open()
        if type(feed) is not dict or feed.keys() != self._input_names:
            check_names(feed, self._inputs, self._output_names)
        if out is not None:
            return self._infer_into(feed, out)
        with self.backend.activate():  # one device switch for the whole round trip
            return self._infer(feed)

    def _infer_into(self, feed: Mapping[str, Any], out: Any) -> dict[str, Any]:
        """``infer(feed, out=out)``: outputs named in ``out`` written into the caller's arrays."""
        targets = check_out(out, self._output_tensors, self._inputs, self.outputs_kind)
        if self._is_active():
            plan = self._enqueue_checked(feed, "Runner.infer", targets)
            return self._finish_into(plan, targets)
        with self.backend.activate():
            plan = self._enqueue_checked(feed, "Runner.infer", targets)
            return self._finish_into(plan, targets)

    def _finish_into(self, plan: _Plan, targets: Mapping[str, Any]) -> dict[str, Any]:
        """Waits for ``plan``'s work; copies the outputs in ``targets`` out of pinned memory
        into those arrays (the others as :meth:`_finish` returns them)."""
        try:
            self._ops.synchronize()
        except self._errors as exc:
            raise translate(self.backend, exc, "Runner.infer") from exc
        arrays: Sequence[tuple[str, Any]] = plan.arrays
        packed = plan.packed_outputs
        if plan.data_dependent:  # their shapes are known only now; nothing written yet
            for name, target in targets.items():
                check_out_shape(name, target, plan.outputs[name])
            arrays = [*arrays, *self._data_dependent_views(plan)]
            packed = dict(packed)
            for name in self._dds.names:
                mem = self.buffers[name]
                if is_packed(mem.tensor):
                    packed[name] = (plan.outputs[name], mem.dtype)
        copy = self.copy_outputs
        found: dict[str, Any] = {}
        for name, view in arrays:
            entry = packed.get(name) if packed else None
            value = view if entry is None else unpack(view, entry[0], entry[1])
            target = targets.get(name)
            if target is None:  # as _finish returns it: a copy, a pinned view or unpacked
                found[name] = value.copy() if copy and entry is None else value
                continue
            if target is not value:  # a pinned view passed back is already written
                np.copyto(target, value)
            found[name] = target
        if plan.data_dependent:  # in engine order, as every result is
            return {name: found[name] for name in self._output_names}
        return found

    def _data_dependent_views(self, plan: _Plan) -> list[tuple[str, Any]]:
        """(name, pinned view) of each data-dependent output, shaped as this run made it."""
        views = []
        for name in self._dds.names:
            mem, shape = self.buffers[name], plan.outputs[name]
            nbytes = mem.tensor.nbytes(shape)
            bits = mem.tensor.bits_per_element
            views.append((name, host_array(mem.host_ptr, nbytes, mem.dtype, shape, bits)))
        return views

    def _infer(self, feed: Mapping[str, Any]) -> dict[str, Any]:
        """``infer`` on the device: any plan, made or switched to as ``feed`` needs."""
        return self._finish(self._enqueue_checked(feed, "Runner.infer"), "Runner.infer")

    def infer_async(self, feed: Mapping[str, Any]) -> None:
        """Validates ``feed``, copies host inputs in and enqueues inference and output copies.

        Call :meth:`synchronize` for the results.
        """
        if self._closed:
            self._check_open()
        if type(feed) is not dict or feed.keys() != self._input_names:
            check_names(feed, self._inputs, self._output_names)
        if self._graphs is None and self._is_active():  # (graph capture: under activate())
            self._pending = self._enqueue_checked(feed, "Runner.infer_async")
            return
        with self.backend.activate():
            self._pending = self._enqueue_checked(feed, "Runner.infer_async")

    def _enqueue_checked(
        self, feed: Mapping[str, Any], what: str, out: Mapping[str, Any] | None = None
    ) -> _Plan:
        """:meth:`_enqueue`, the library's errors raised as typed ones naming ``what``."""
        try:
            return self._enqueue(feed, out)
        except self._errors as exc:
            raise translate(self.backend, exc, what) from exc

    def synchronize(self) -> dict[str, Any]:
        """Waits for the enqueued inference; returns the outputs by name."""
        if self._closed:
            self._check_open()
        plan = self._pending
        if plan is None:
            raise ExecutionError("Nothing was enqueued; call infer_async(feed) first.")
        self._pending = None
        if self._is_active():
            return self._finish(plan, "Runner.synchronize")
        with self.backend.activate():
            return self._finish(plan, "Runner.synchronize")

    def _finish(self, plan: _Plan, what: str) -> dict[str, Any]:
        """Waits for ``plan``'s work and builds its results (errors name ``what``)."""
        try:
            self._ops.synchronize()
        except self._errors as exc:
            raise translate(self.backend, exc, what) from exc
        if plan.data_dependent:
            return self._data_dependent_results(plan)
        return plan.results()

    def _enqueue(self, feed: Mapping[str, Any], out: Mapping[str, Any] | None = None) -> _Plan:
        plan = self._plan
        if plan is None or not plan.stage(feed):
            plan = self._prepare(feed)
        if out:  # the caller's output arrays: shapes known now are checked before the run
            check_static_shapes(out, plan.outputs, plan.data_dependent)
        if self._graphs is not None:
            if self._graphs.run(plan.key, lambda: self._stream_work(plan)):
                self._set_fast_call(plan)  # captured now: warm calls replay it
                self._use_plan(plan)
        else:
            self._stream_work(plan)
        return plan

    def _stream_work(self, plan: _Plan) -> None:
        """Copies in, launch, copies out on the stream: the plan's round trip without the wait,
        or, with data-dependent outputs (whose sizes are read between launch and copies),
        step by step. A graph captures this (graphs refuse data-dependent outputs)."""
        if plan.enqueue is not None:
            if not plan.enqueue(self.stream):
                raise explain_failure(self._family, self.context, "execute the engine")
            return
        ops = self._ops
        for dst, src, nbytes in plan.uploads:
            ops.htod(dst, src, nbytes)
        if not plan.launch(self.stream):
            raise explain_failure(self._family, self.context, "execute the engine")
        if plan.data_dependent:
            self._download_data_dependent(plan)
        for dst, src, nbytes in plan.downloads:
            ops.dtoh(dst, src, nbytes)

    # -- plans (when shapes or addresses change) -------------------------------------------
    def _prepare(self, feed: Mapping[str, Any]) -> _Plan:
        """Checks ``feed`` fully and makes (or finds) its plan; stages the host inputs."""
        device = self.backend.device
        shapes: list[Shape] = []
        kinds: list[Any] = []  # per input: None (host array) or its DeviceArrayInfo
        for slot in self._slots:
            value = feed[slot.tensor.name]
            if isinstance(value, np.ndarray):
                if slot.tensor.name in self._packed:
                    shapes.append(fed_shape(slot.tensor, value))
                else:
                    slot.check_dtype(value.dtype)
                    shapes.append(tuple(value.shape))
                kinds.append(None)
            else:
                info = slot.device_info(value, device)
                shapes.append(info.shape)
                kinds.append(info)
        for slot, shape in zip(self._slots, shapes):
            slot.check_rank(shape)
        if self.auto_profile:
            profile = choose_profile(self._slots, shapes, self._candidates, self.profile)
        else:
            profile = self.profile
            for slot, shape in zip(self._slots, shapes):
                slot.check_shape(shape, profile)
        batch = self._batch_of(shapes) if self._implicit else None
        # The fed dtype tells INT4 / FP4 inputs given as ml_dtypes from packed uint8 apart.
        key = tuple(
            (
                shape,
                0 if info is None else info.pointer,
                self._value_key(slot, feed),
                feed[slot.tensor.name].dtype if info is None else None,
            )
            for slot, shape, info in zip(self._slots, shapes, kinds)
        )
        if self.buffers.moves != self._moves:  # memory moved: cached pointers are stale
            self._forget_plans()
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build(key, feed, shapes, kinds, profile, batch)
        else:
            self._activate(plan)
        self._use_plan(plan)
        if not plan.stage(feed):  # pragma: no cover - built from this very feed
            raise ExecutionError("internal: a fresh plan refused its own feed")
        return plan

    def _value_key(self, slot: InputSlot, feed: Mapping[str, Any]) -> bytes:
        # Shape-tensor inputs (host location) decide output shapes by their values.
        if slot.tensor.location != "host" or not slot.tensor.is_shape_tensor:
            return b""
        return bytes(np.asarray(feed[slot.tensor.name]).tobytes())

    def _batch_of(self, shapes: Sequence[Shape]) -> int:
        batches = {shape[0] for shape in shapes}
        if len(batches) > 1:
            given = ", ".join(f"{s.tensor.name!r} {shape}" for s, shape in zip(self._slots, shapes))
            raise ShapeError(
                f"The inputs of an implicit-batch engine share one batch size (the first "
                f"dimension); got {given}."
            )
        return shapes[0][0]

    def _set_context(self, profile: int, shapes: Mapping[str, Shape]) -> None:
        fam, context = self._family, self.context
        if fam.active_profile(context) != profile:
            fam.set_profile(context, profile, self.stream)
            self.profile = profile
            self._context_shapes = {}
        if self._implicit:
            return  # the batch travels with the launch
        for name, shape in shapes.items():
            if self._context_shapes.get(name) != shape:
                fam.set_input_shape(context, name, shape)
                self._context_shapes[name] = shape

    def _activate(self, plan: _Plan) -> None:
        """Puts a cached plan's profile, shapes and addresses back on the context."""
        self._set_context(plan.profile, plan.shapes)
        for name, pointer in plan.pointers.items():
            self.buffers.bind(name, pointer)
        for name, *_ in plan.host:
            self.buffers.bind(name, self.buffers[name].device)
        self._set_launch(plan)

    def _set_launch(self, plan: _Plan) -> None:
        """The plan's launch for the addresses bound now, and its fast call."""
        plan.launch = self._family.make_launch(
            self.context, self.buffers.addresses(plan.profile), self._names, plan.batch
        )
        if not plan.data_dependent:
            plan.enqueue = round_trip(
                self._ops, plan.uploads, plan.launch, plan.downloads, wait=False
            )
        self._set_fast_call(plan)

    def _set_fast_call(self, plan: _Plan) -> None:
        """The plan's fast call; with graphs, only once its graph exists (it replays that)."""
        copy = self.outputs_kind == "host" and self.copy_outputs
        if self._graphs is None:
            plan.call = _fast_call(plan, self._ops, self.stream, copy, None)
            return
        replay = self._graphs.replay(plan.key)
        plan.call = None if replay is None else _fast_call(
            plan, self._ops, self.stream, copy, replay
        )

    def _build(
        self,
        key: tuple[Any, ...],
        feed: Mapping[str, Any],
        shapes: Sequence[Shape],
        kinds: Sequence[Any],
        profile: int,
        batch: int | None,
    ) -> _Plan:
        buffers, fam = self.buffers, self._family
        plan = _Plan()
        plan.key, plan.profile, plan.batch = key, profile, batch
        plan.shapes = {s.tensor.name: shape for s, shape in zip(self._slots, shapes)}
        self._set_context(profile, plan.shapes)
        for slot, shape, info in zip(self._slots, shapes, kinds):
            t = slot.tensor
            if info is not None:
                buffers.bind(t.name, info.pointer)
                plan.pointers[t.name] = info.pointer
                value = feed[t.name]
                fingerprint = fingerprint_for(type(value))
                plan.device.append((t.name, type(value), fingerprint, fingerprint(value)))
                continue
            mem = buffers.ensure(t.name, shape)
            buffers.bind(t.name, mem.device)
            nbytes = t.nbytes(shape)
            view = self._view(t.name, shape)
            if t.name in self._packed:
                fed = feed[t.name]
                plan.packed.append((t.name, tuple(fed.shape), fed.dtype, view))
            else:
                plan.host.append((t.name, shape, t.dtype, view))
            if t.location == "host":
                if t.is_shape_tensor:
                    np.copyto(view, feed[t.name])  # TensorRT reads the values to infer shapes
                    plan.values.append((t.name, self._value_key(slot, feed)))
            else:
                plan.uploads.append((mem.device, mem.host_ptr, nbytes))
        if buffers.moves != self._moves:  # an input grew: views of other plans are stale
            self._forget_plans()
            plan.host = [(n, s, d, self._view(n, s)) for n, s, d, _ in plan.host]
            plan.packed = [(n, s, d, self._view(n, plan.shapes[n])) for n, s, d, _ in plan.packed]
        if plan.values:
            # TensorRT 10/11 reads a shape-tensor input's values at its bound (host) address
            # when output shapes are asked for: bind the addresses before asking below.
            fam.make_launch(self.context, buffers.addresses(profile), self._names, batch)
        results: list[tuple[str, Any]] = []
        packed: dict[str, tuple[Shape, Any]] = {}
        for name in self._output_names:
            shape = fam.tensor_shape(self.context, name)
            if batch is not None:  # implicit batch: the context reports -1 for it
                shape = (batch, *shape[1:])
            plan.outputs[name] = shape
            if any(d < 0 for d in shape):
                self._dds.watch(self.context, name, shape)
                plan.data_dependent = True
                continue
            mem = buffers.ensure(name, shape)
            buffers.bind(name, mem.device)
            nbytes = mem.tensor.nbytes(shape)
            if self.outputs_kind == "device":
                _check_device_output(mem.tensor)
                array = self.backend.device_array(mem.device, shape, mem.dtype, self)
                results.append((name, array))
                continue
            view = host_array(mem.host_ptr, nbytes, mem.dtype, shape, mem.tensor.bits_per_element)
            results.append((name, view))
            if is_packed(mem.tensor):
                packed[name] = (shape, mem.dtype)
            if mem.tensor.location != "host":  # TensorRT writes host (shape) outputs in place
                plan.downloads.append((mem.host_ptr, mem.device, nbytes))
        if buffers.moves != self._moves:  # growth above moved memory other plans point at
            self._forget_plans()
        plan.arrays = tuple(results)
        plan.packed_outputs = packed
        if packed:
            plan.results = _unpacking(results, packed, self.copy_outputs)
        elif self.outputs_kind == "host" and self.copy_outputs:
            plan.results = _copies(results)
        else:
            plan.results = _same(results)
        self._set_launch(plan)
        if len(self._plans) >= _MAX_PLANS:
            self._plans.clear()
        self._plans[key] = plan
        return plan

    # -- data-dependent outputs (sizes known only after each enqueue) ----------------------
    def _download_data_dependent(self, plan: _Plan) -> None:
        for name, shape in self._dds.collect().items():
            plan.outputs[name] = shape
            if self.outputs_kind == "host":
                mem = self.buffers[name]  # the allocator may have grown it
                nbytes = mem.tensor.nbytes(shape)
                if nbytes:
                    self._ops.dtoh(mem.host_ptr, mem.device, nbytes)

    def _data_dependent_results(self, plan: _Plan) -> dict[str, Any]:
        found = plan.results()
        for name in self._dds.names:
            mem, shape = self.buffers[name], plan.outputs[name]
            if self.outputs_kind == "device":
                _check_device_output(mem.tensor)
                found[name] = self.backend.device_array(mem.device, shape, mem.dtype, self)
                continue
            nbytes = mem.tensor.nbytes(shape)
            view = host_array(mem.host_ptr, nbytes, mem.dtype, shape, mem.tensor.bits_per_element)
            if is_packed(mem.tensor):
                found[name] = unpack(view, shape, mem.dtype)
            else:
                found[name] = view.copy() if self.copy_outputs else view
        return {name: found[name] for name in self._output_names}

    # -- pinned input views ----------------------------------------------------------------
    def host_input(self, name: str, shape: Sequence[int] | None = None) -> NDArray[Any]:
        """The pinned host buffer of input ``name`` as an array of ``shape``.

        Fill it and pass it back in the feed: the Runner then skips its host copy. Valid until
        the input's shape changes. INT4 / FP4 inputs: the packed bytes, uint8 of ``shape``
        with its last dimension halved (see docs/SUBBYTE.md).

        Raises:
            UnknownTensorError: ``name`` is not an input.
            ShapeError: ``shape`` is outside the profile (or, INT4 / FP4, its last dimension
                is odd, so it has no packed uint8 form).
        """
        self._check_open()
        if name not in self._inputs:
            check_names({name: None}, self._inputs, self._output_names)
        slot = self._inputs[name]
        mem = self.buffers[name]
        dims = tuple(int(d) for d in shape) if shape is not None else mem.shape
        slot.check_rank(dims)
        if self.auto_profile:
            if not any(slot.fits(dims, k) for k in self._candidates):
                choose_profile([slot], [dims], self._candidates, self.profile)
        else:
            slot.check_shape(dims, self.profile)
        if name in self._packed:
            packed_form(slot.tensor, dims)  # ShapeError before anything is allocated
        self.buffers.ensure(name, dims)
        if self.buffers.moves != self._moves:  # the current plan points at freed memory
            self._forget_plans()
        view: NDArray[Any] = self._view(name, dims)
        return view

    def _view(self, name: str, shape: Shape) -> Any:
        """The pinned host view of ``name`` shaped ``shape``: one object per shape, so an
        array from :meth:`host_input` is recognized (no copy) when fed back."""
        view = self._views.get((name, shape))
        if view is None:
            mem = self.buffers[name]
            nbytes = mem.tensor.nbytes(shape)
            bits = mem.tensor.bits_per_element
            view = host_array(mem.host_ptr, nbytes, mem.dtype, shape, bits)
            if bits < 8 and shape and shape[-1] % 2 == 0:
                view = view.reshape(packed_form(mem.tensor, shape))
            self._views[(name, shape)] = view
        return view

    def _forget_plans(self) -> None:
        """Drops every plan and view: some buffer moved, so their pointers are stale."""
        self._plans.clear()
        self._views.clear()
        self._use_plan(None)
        self._moves = self.buffers.moves

    def _use_plan(self, plan: _Plan | None) -> None:
        """Makes ``plan`` the current one (None: none), with its fast call."""
        self._plan = plan
        self._warm = None if plan is None else plan.call

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"profile {self.profile}"
        return (
            f"<Runner {self._family.NAME} API, {state}, {self.backend.name}:{self.backend.device}>"
        )
