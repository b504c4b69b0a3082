"""The Runner's cold path: a plan per input-shape set (and set of zero-copy pointers), made
from a feed, kept in a bounded LRU.

A plan holds what one call needs: the pinned views to stage host inputs into, the copies as
``(dst, src, nbytes)``, the family's launch, the backend's round trip of those and the
result builder, all computed when shapes or addresses change. :func:`plan_call` is the one
staging function: the plan's ``stage`` (check the feed, stage it) and its fast call (the
same, then the round trip and the result, in the same frame) are both made by it; INT4 /
FP4 inputs and shape-tensor values (plans without a fast call) are checked around it.
:class:`Plans` checks a feed fully and makes (or finds) its plan; the Runner keeps the
lifecycle, the public methods and the warm call.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .._family import Family, Shape
from ..backends import Backend, GraphReplay, StreamOps
from ..errors import DTypeError, ShapeError
from ._arrays import fingerprint_for
from ._feed import InputSlot, choose_profile
from ._graphs import GraphCache
from ._hostmem import host_array
from ._output_allocator import DataDependentOutputs
from ._streamops import Copy, round_trip
from ._subbyte import fed_shape, is_packed, pack_into, packed_form, unpack
from .allocator import Buffers

__all__ = ["LaunchRefused", "Plan", "Plans", "check_device_output", "plan_call"]

#: Plans kept per Runner, least recently used dropped first (zero-copy pointers vary
#: freely, so the keys are unbounded).
MAX_PLANS = 32


class LaunchRefused(Exception):
    """The engine's enqueue returned False inside a fast call (the Runner explains it)."""


def _never(stream: int) -> bool:
    """A plan's launch before it is built; a staging-only call's work: never called."""
    raise AssertionError  # pragma: no cover


def _idle() -> None:
    """A staging-only call's synchronize: never called."""
    raise AssertionError  # pragma: no cover


def _staged() -> None:
    """A staging-only call's ``play``: a marker on which it returns at once; never called. It
    sits where a graph's replay would, so the fast call (``play`` None) tests nothing for it."""
    raise AssertionError  # pragma: no cover


def _not_built(feed: Mapping[str, Any]) -> Any:
    """A plan's stage before it is built: never called."""
    raise AssertionError  # pragma: no cover


class Plan:
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
        "stage",
        "uploads",
        "values",
        "waits",
    )

    def __init__(self, key: tuple[Any, ...], profile: int, batch: int | None) -> None:
        self.key = key
        self.profile = profile
        self.batch = batch
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
        #: Zero-copy inputs whose ``__cuda_array_interface__`` names a producer stream (v3):
        #: each call orders the work after it (such plans take the general path).
        self.waits: list[str] = []
        #: Zero-copy inputs' device pointers, to bind again when the plan comes back.
        self.pointers: dict[str, int] = {}
        #: Host-location (shape tensor) inputs whose values shape the outputs: (name, bytes).
        self.values: list[tuple[str, bytes]] = []
        self.uploads: list[Copy] = []
        self.downloads: list[Copy] = []
        self.launch: Callable[[int], bool] = _never
        #: ``enqueue(stream)``: copies in, launch, copies out, no wait (one call of the
        #: backend's round trip). Data-dependent outputs are copied after it, sized by the run.
        self.enqueue: Callable[[int], bool] = _never
        #: Outputs: (name, shape) for the current call; data-dependent ones updated per call.
        self.outputs: dict[str, Shape] = {}
        self.data_dependent = False
        #: ``results()`` -> the output dict; chosen once per plan.
        self.results: Callable[[], dict[str, Any]] = dict
        #: (name, array) of the outputs ``results()`` returns (host views or device arrays).
        self.arrays: tuple[tuple[str, Any], ...] = ()
        #: ``stage(feed)``: not None where ``feed`` matches this plan (host inputs copied into
        #: pinned memory), else None (see :func:`plan_call`).
        self.stage: Callable[[Mapping[str, Any]], Any] = _not_built
        #: The whole warm call in one frame, where the plan allows it (see :func:`plan_call`).
        self.call: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None


def plan_call(
    plan: Plan,
    ops: StreamOps | None,
    stream: int,
    copy: bool,
    replay: GraphReplay | None,
) -> Callable[[Mapping[str, Any]], Any]:
    """The one staging function of ``plan``: ``call(feed)`` checks ``feed`` against the plan
    (numpy: type, shape, dtype; device arrays: their fingerprint) and stages the host inputs
    into pinned memory; None (nothing done but staging) where it does not match.

    Without ``ops`` that is all: it returns the plan's ``arrays`` as they are (the plan's
    ``stage``; packed inputs and shape-tensor values are checked by
    :func:`_staging_packed_and_values` around it). With ``ops`` it is the plan's fast call,
    the whole warm call in this one frame: then the round trip (or, for device arrays in and
    out, the launch and the wait; or ``replay`` of its graph) and the result (copies with
    ``copy``). Raises LaunchRefused where the launch returned False.
    """
    # Host inputs as (name, (shape, dtype), pinned view): shape and dtype compared as one
    # tuple, which keeps this call within complexity 15 (radon) beside the stage's return.
    host = tuple((name, (shape, dtype), view) for name, shape, dtype, view in plan.host)
    device = tuple(plan.device)
    work: Callable[[int], bool] = _never
    sync: Callable[[], Any] = _idle
    play: Callable[[], object] | None = replay
    if ops is not None:
        # The copies, the launch and the synchronize as one call of the backend's, its copies
        # bound with every argument (see BoundStreamOps.round_trip).
        work = round_trip(ops, plan.uploads, plan.launch, plan.downloads)
        sync = ops.synchronize
    else:
        play = _staged
    staged = _staged
    launch = plan.launch
    zero_copy = not plan.uploads and not plan.downloads  # device arrays in and out
    arrays, ndarray, copyto = plan.arrays, np.ndarray, np.copyto

    def call(feed: Mapping[str, Any]) -> Any:
        for name, layout, view in host:
            value = feed[name]
            if value.__class__ is not ndarray or (value.shape, value.dtype) != layout:
                return None
            if value is not view:
                copyto(view, value)
        for name, cls, fingerprint, expected in device:
            value = feed[name]
            if value.__class__ is not cls or fingerprint(value) != expected:
                return None
        if play is not None:
            if play is staged:  # the plan's stage: matched and staged, nothing to run
                return arrays
            play()
        elif zero_copy:  # nothing to copy: the launch and the wait, no round-trip frame
            if not launch(stream):
                raise LaunchRefused
            sync()
        elif not work(stream):
            raise LaunchRefused
        if copy:
            return {name: array.copy() for name, array in arrays}
        return dict(arrays)

    return call


def _staging_packed_and_values(
    plan: Plan, staging: Callable[[Mapping[str, Any]], Any]
) -> Callable[[Mapping[str, Any]], Any]:
    """``stage`` of a plan with INT4 / FP4 inputs or shape-tensor values (plans without a
    fast call): those checked (packed inputs packed into pinned memory), then ``staging``."""
    packed, values = tuple(plan.packed), tuple(plan.values)

    def stage(feed: Mapping[str, Any]) -> Any:
        for name, shape, dtype, view in packed:
            value = feed[name]
            if value.__class__ is not np.ndarray or value.shape != shape or value.dtype != dtype:
                return None
            if value is not view:
                pack_into(view.reshape(-1), value)
        if not all(feed[n].tobytes() == data for n, data in values):
            return None
        return staging(feed)

    return stage


def check_device_output(tensor: Any) -> None:
    """DTypeError for an INT4 / FP4 output asked for as a device array."""
    if is_packed(tensor):
        raise DTypeError(
            f"Output {tensor.name!r} is {tensor.trt_dtype}, packed two per byte; no device "
            "array type holds 4-bit elements. Use outputs='host' (ml_dtypes arrays come back)."
        )


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


class Plans:
    """A Runner's plans: checks a feed fully, makes (or finds) its plan and puts it on the
    context (profile, shapes, addresses); keeps the pinned views and the plans, the least
    recently used dropped past MAX_PLANS, all of them when some buffer moved."""

    def __init__(
        self,
        *,
        family: Family,
        context: Any,
        buffers: Buffers,
        backend: Backend,
        ops: StreamOps,
        stream: int,
        slots: Sequence[InputSlot],
        dds: DataDependentOutputs,
        graphs: GraphCache | None,
        device_outputs: bool,
        copy_outputs: bool,
        candidates: Sequence[int] | None,
        profile: int,
    ) -> None:
        """``candidates``: the profiles ``"auto"`` chooses from; None for a fixed profile."""
        self.family, self.context, self.buffers, self.backend = family, context, buffers, backend
        self.ops, self.stream, self.slots, self.dds, self.graphs = ops, stream, slots, dds, graphs
        self.device_outputs, self.copy_outputs = device_outputs, copy_outputs
        self.candidates = candidates
        #: The profile the context is on.
        self.profile = profile
        self.implicit = family.has_implicit_batch(context.engine)
        tensors = buffers.tensors
        #: Inputs whose host bytes are packed (INT4, FP4): fed as ml_dtypes or packed uint8.
        self.packed_inputs = frozenset(t.name for t in tensors if t.is_input and is_packed(t))
        self.output_names = [t.name for t in tensors if not t.is_input]
        self.names = tuple(t.name for t in tensors)
        self.moves = buffers.moves
        self._plans: OrderedDict[tuple[Any, ...], Plan] = OrderedDict()
        self._views: dict[tuple[str, Shape], Any] = {}
        #: The input shapes the context holds now (to set only what changed).
        self._context_shapes: dict[str, Shape] = {}

    def __len__(self) -> int:
        return len(self._plans)

    def clear(self) -> None:
        """Drops every plan and view."""
        self._plans.clear()
        self._views.clear()

    def close(self) -> None:
        """Drops every plan and view and every reference to the Runner's context, buffers,
        stream ops and graphs (on 8.x a context kept alive would hold its profile)."""
        self.clear()
        del self.context, self.buffers, self.ops, self.dds, self.graphs

    def refresh(self) -> bool:
        """Drops every plan and view where some buffer moved since (their pointers are
        stale); whether it did."""
        if self.buffers.moves == self.moves:
            return False
        self.clear()
        self.moves = self.buffers.moves
        return True

    # -- a feed's plan ---------------------------------------------------------------------
    def prepare(self, feed: Mapping[str, Any]) -> Plan:
        """Checks ``feed`` fully (its names are checked already) and makes (or finds) its
        plan, put on the context; stages the host inputs."""
        shapes, kinds = self._shapes_of(feed)
        profile = self._profile_for(shapes)
        batch = self._batch_of(shapes) if self.implicit else None
        # The fed dtype tells INT4 / FP4 inputs given as ml_dtypes from packed uint8 apart.
        key = tuple(
            (
                shape,
                0 if info is None else info.pointer,
                self._value_key(slot, feed),
                feed[slot.tensor.name].dtype if info is None else None,
            )
            for slot, shape, info in zip(self.slots, shapes, kinds)
        )
        self.refresh()  # memory moved (host_input): cached pointers are stale
        plan = self._plans.get(key)
        if plan is None:
            plan = self._build(key, feed, shapes, kinds, profile, batch)
        else:
            self._plans.move_to_end(key)
            self._activate(plan)
        if plan.stage(feed) is None:  # pragma: no cover - built from this very feed
            raise AssertionError(plan.key)  # a fresh plan refused its own feed
        return plan

    def _shapes_of(self, feed: Mapping[str, Any]) -> tuple[list[Shape], list[Any]]:
        """Each input's shape and kind (None: a host array; else its DeviceArrayInfo)."""
        device = self.backend.device
        shapes: list[Shape] = []
        kinds: list[Any] = []
        for slot in self.slots:
            value = feed[slot.tensor.name]
            if isinstance(value, np.ndarray):
                if slot.tensor.name in self.packed_inputs:
                    shapes.append(fed_shape(slot.tensor, value))
                else:
                    slot.check_dtype(value.dtype)
                    shapes.append(tuple(value.shape))
                kinds.append(None)
            else:
                info = slot.device_info(value, device)
                shapes.append(info.shape)
                kinds.append(info)
        for slot, shape in zip(self.slots, shapes):
            slot.check_rank(shape)
        return shapes, kinds

    def _profile_for(self, shapes: Sequence[Shape]) -> int:
        """The profile these shapes run on: chosen (``"auto"``) or checked against."""
        if self.candidates is not None:
            return choose_profile(self.slots, shapes, self.candidates, self.profile)
        for slot, shape in zip(self.slots, shapes):
            slot.check_shape(shape, self.profile)
        return self.profile

    def check_shape(self, slot: InputSlot, dims: Shape) -> None:
        """Whether this Runner's profile (any of them, ``"auto"``) holds ``dims`` for
        ``slot``: ShapeError or (``"auto"``) ProfileError where not."""
        slot.check_rank(dims)
        if self.candidates is None:
            slot.check_shape(dims, self.profile)
        elif not any(slot.fits(dims, k) for k in self.candidates):
            choose_profile([slot], [dims], self.candidates, self.profile)

    def _value_key(self, slot: InputSlot, feed: Mapping[str, Any]) -> bytes:
        # Shape-tensor inputs (host location) decide output shapes by their values.
        if slot.tensor.location != "host" or not slot.tensor.is_shape_tensor:
            return b""
        return bytes(np.asarray(feed[slot.tensor.name]).tobytes())

    def _batch_of(self, shapes: Sequence[Shape]) -> int:
        batches = {shape[0] for shape in shapes}
        if len(batches) > 1:
            given = ", ".join(f"{s.tensor.name!r} {shape}" for s, shape in zip(self.slots, shapes))
            raise ShapeError(
                f"The inputs of an implicit-batch engine share one batch size (the first "
                f"dimension); got {given}."
            )
        return shapes[0][0]

    # -- the context -----------------------------------------------------------------------
    def _set_context(self, profile: int, shapes: Mapping[str, Shape]) -> None:
        fam, context = self.family, self.context
        if fam.active_profile(context) != profile:
            fam.set_profile(context, profile, self.stream)
            self.profile = profile
            self._context_shapes = {}
        if self.implicit:
            return  # the batch travels with the launch
        for name, shape in shapes.items():
            if self._context_shapes.get(name) != shape:
                fam.set_input_shape(context, name, shape)
                self._context_shapes[name] = shape

    def _activate(self, plan: Plan) -> None:
        """Puts a cached plan's profile, shapes and addresses back on the context."""
        self._set_context(plan.profile, plan.shapes)
        for name, pointer in plan.pointers.items():
            self.buffers.bind(name, pointer)
        for name, *_ in plan.host:
            self.buffers.bind(name, self.buffers[name].device)
        self._set_launch(plan)

    def _set_launch(self, plan: Plan) -> None:
        """The plan's launch for the addresses bound now, its round trip, stage, fast call."""
        plan.launch = self.family.make_launch(
            self.context, self.buffers.addresses(plan.profile), self.names, plan.batch
        )
        plan.enqueue = round_trip(self.ops, plan.uploads, plan.launch, plan.downloads, wait=False)
        plan.stage = plan_call(plan, None, self.stream, False, None)
        if plan.packed or plan.values:
            plan.stage = _staging_packed_and_values(plan, plan.stage)
        self.set_fast_call(plan)

    def set_fast_call(self, plan: Plan) -> None:
        """The plan's fast call; with graphs, only once its graph exists (it replays that).
        Plans with packed inputs or outputs, shape-tensor values, data-dependent outputs or
        inputs whose producer stream must be waited on have none: they take the general
        path."""
        replay = None if self.graphs is None else self.graphs.replay(plan.key)
        if (
            plan.packed
            or plan.packed_outputs
            or plan.values
            or plan.data_dependent
            or plan.waits
            or (self.graphs is not None and replay is None)
        ):
            plan.call = None
            return
        copy = not self.device_outputs and self.copy_outputs
        plan.call = plan_call(plan, self.ops, self.stream, copy, replay)

    # -- building ----------------------------------------------------------------------------
    def _build(
        self,
        key: tuple[Any, ...],
        feed: Mapping[str, Any],
        shapes: Sequence[Shape],
        kinds: Sequence[Any],
        profile: int,
        batch: int | None,
    ) -> Plan:
        plan = Plan(key, profile, batch)
        plan.shapes = {s.tensor.name: shape for s, shape in zip(self.slots, shapes)}
        self._set_context(profile, plan.shapes)
        for slot, shape, info in zip(self.slots, shapes, kinds):
            if info is not None:
                self._add_device_input(plan, slot.tensor.name, feed[slot.tensor.name], info)
            else:
                self._add_host_input(plan, slot, shape, feed)
        if self.refresh():  # an input grew: views of other plans are stale
            plan.host = [(n, s, d, self.view(n, s)) for n, s, d, _ in plan.host]
            plan.packed = [(n, s, d, self.view(n, plan.shapes[n])) for n, s, d, _ in plan.packed]
        if plan.values:
            # TensorRT 10/11 reads a shape-tensor input's values at its bound (host) address
            # when output shapes are asked for: bind the addresses before asking below.
            self.family.make_launch(
                self.context, self.buffers.addresses(profile), self.names, batch
            )
        results: list[tuple[str, Any]] = []
        for name in self.output_names:
            self._add_output(plan, name, results)
        self.refresh()  # growth above moved memory other plans point at
        plan.arrays = tuple(results)
        plan.results = self._results(results, plan.packed_outputs)
        self._set_launch(plan)
        if len(self._plans) >= MAX_PLANS:
            self._plans.popitem(last=False)
        self._plans[key] = plan
        return plan

    def _add_device_input(self, plan: Plan, name: str, value: Any, info: Any) -> None:
        """A zero-copy input: bound where it lies, recognised by its fingerprint."""
        self.buffers.bind(name, info.pointer)
        plan.pointers[name] = info.pointer
        fingerprint = fingerprint_for(type(value))
        plan.device.append((name, type(value), fingerprint, fingerprint(value)))
        # v3 names a stream (the legacy default 1 too: the next call may name another), so
        # which one, and whether to wait for it, is read per call.
        if info.stream is not None:
            plan.waits.append(name)

    def _add_host_input(
        self, plan: Plan, slot: InputSlot, shape: Shape, feed: Mapping[str, Any]
    ) -> None:
        """A host input: its pinned buffer (grown to ``shape``), bound, staged by the plan."""
        t = slot.tensor
        mem = self.buffers.ensure(t.name, shape)
        self.buffers.bind(t.name, mem.device)
        view = self.view(t.name, shape)
        if t.name in self.packed_inputs:
            fed = feed[t.name]
            plan.packed.append((t.name, tuple(fed.shape), fed.dtype, view))
        else:
            plan.host.append((t.name, shape, t.dtype, view))
        if t.location != "host":
            plan.uploads.append((mem.device, mem.host_ptr, t.nbytes(shape)))
        elif t.is_shape_tensor:
            np.copyto(view, feed[t.name])  # TensorRT reads the values to infer shapes
            plan.values.append((t.name, self._value_key(slot, feed)))

    def _add_output(self, plan: Plan, name: str, results: list[tuple[str, Any]]) -> None:
        """An output of this plan's shapes: its buffer (grown), bound, its result array and
        its copy out; a data-dependent one watched instead (sized by each run)."""
        shape = self.family.tensor_shape(self.context, name)
        if plan.batch is not None:  # implicit batch: the context reports -1 for it
            shape = (plan.batch, *shape[1:])
        plan.outputs[name] = shape
        if any(d < 0 for d in shape):
            self.dds.watch(self.context, name, shape)
            plan.data_dependent = True
            return
        mem = self.buffers.ensure(name, shape)
        self.buffers.bind(name, mem.device)
        nbytes = mem.tensor.nbytes(shape)
        if self.device_outputs:
            check_device_output(mem.tensor)
            results.append((name, self.backend.device_array(mem.device, shape, mem.dtype, self)))
            return
        bits = mem.tensor.bits_per_element
        results.append((name, host_array(mem.host_ptr, nbytes, mem.dtype, shape, bits)))
        if is_packed(mem.tensor):
            plan.packed_outputs[name] = (shape, mem.dtype)
        if mem.tensor.location != "host":  # TensorRT writes host (shape) outputs in place
            plan.downloads.append((mem.host_ptr, mem.device, nbytes))

    def _results(
        self, arrays: Sequence[tuple[str, Any]], packed: Mapping[str, tuple[Shape, Any]]
    ) -> Callable[[], dict[str, Any]]:
        """The plan's result builder: unpacking INT4 / FP4, copying, or the arrays as they are."""
        if packed:
            return _unpacking(arrays, packed, self.copy_outputs)
        if not self.device_outputs and self.copy_outputs:
            return _copies(arrays)
        return _same(arrays)

    # -- pinned input views ----------------------------------------------------------------
    def view(self, name: str, shape: Shape) -> Any:
        """The pinned host view of ``name`` shaped ``shape``: one object per shape, so an
        array from ``Runner.host_input`` is recognized (no copy) when fed back."""
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
