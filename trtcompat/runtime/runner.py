"""The Runner: one execution context, its buffers and stream; feed arrays in, get arrays out.

The hot path is a plan per input-shape set (and zero-copy pointers), made by
``runtime/_plan.py`` when shapes or addresses change: the pinned views to stage host inputs
into, the copies, the family's launch and the result builder. A call that matches the
current plan runs the plan's fast call (one frame: check and stage the feed, the backend's
round trip, the result). Reading it end to end takes this file, ``_plan.plan_call``, the
backend's stream ops and the family's launch.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, Union

import numpy as np
from numpy.typing import NDArray

from .._dispatch import family_for
from .._family import explain_failure
from ..backends import Backend, producer_stream
from ..errors import (
    ClosedError,
    ExecutionError,
    OptionError,
    ProfileError,
)
from ._feed import InputSlot, check_names
from ._graphs import GraphCache
from ._hostmem import host_array
from ._out import check_out, check_out_shape, check_static_shapes
from ._output_allocator import DataDependentOutputs
from ._plan import LaunchRefused, Plan, Plans, check_device_output
from ._streamops import active_check, stream_ops, translate
from ._subbyte import is_packed, packed_form, unpack
from .allocator import Buffers, choose_backend, make_buffers

__all__ = ["Runner"]

OutputKind = Literal["host", "device"]
ProfileChoice = Union[int, Literal["auto"]]
_T = TypeVar("_T")


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


def _check_outputs(outputs: Any) -> None:
    if not isinstance(outputs, str) or outputs not in ("host", "device"):
        raise OptionError(
            f"Runner(outputs={outputs!r}): outputs takes 'host' (numpy arrays) or 'device' "
            "(the backend's device arrays, zero-copy)."
        )


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
        _check_outputs(outputs)
        self._closed = True  # until everything below exists
        fam = self._family = family_for(engine, family)
        auto = isinstance(profile, str) and profile == "auto"
        index = 0 if auto else self._checked_profile(engine, profile)
        self.engine = engine
        self.backend = choose_backend(backend, device)
        self.outputs_kind: OutputKind = outputs
        self.copy_outputs = copy_outputs
        self.auto_profile = auto
        if cuda_graph:
            GraphCache.require(self.backend)  # before a context and stream exist
        context = self._create_context(engine)
        candidates, start = self._profiles(context, auto, index)  # before a stream exists
        stream = self.backend.create_stream()
        buffers = self._open_buffers(context, stream, start)
        self.context: Any = context
        self.stream = stream
        self.buffers: Buffers = buffers
        self._closed = False
        self.tensors = buffers.tensors
        self._inputs = self._input_slots(candidates if auto else [start])
        self._input_names = frozenset(self._inputs)
        self._output_names = [t.name for t in self.tensors if not t.is_input]
        self._output_tensors = {t.name: t for t in self.tensors if not t.is_input}
        self._dds = DataDependentOutputs(engine, fam, buffers, cuda_graph)
        with self.backend.activate():
            self._ops = stream_ops(self.backend, stream)
        self._graphs = GraphCache(self.backend, stream, self._ops) if cuda_graph else None
        self._errors: tuple[type[BaseException], ...] = tuple(self._ops.errors)
        self._is_active = active_check(self.backend)
        self._plans = Plans(
            family=fam,
            context=context,
            buffers=buffers,
            backend=self.backend,
            ops=self._ops,
            stream=stream,
            slots=list(self._inputs.values()),
            dds=self._dds,
            graphs=self._graphs,
            device_outputs=outputs == "device",
            copy_outputs=copy_outputs,
            candidates=candidates if auto else None,
            profile=start,
        )
        self._plan: Plan | None = None
        #: The current plan's fast call (None: closed, no plan yet, or a plan without one);
        #: set with the plan by ``_use_plan``, so a warm call reads one attribute.
        self._warm: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None
        self._arity = len(self._inputs)
        self._pending: Plan | None = None

    def _profiles(self, context: Any, auto: bool, index: int) -> tuple[list[int], int]:
        """(the profiles ``"auto"`` chooses from, the profile to start on). On 8.x a new
        context starts on -1 where another context holds profile 0: ``"auto"`` then leaves
        profile 0 to that context."""
        fam = self._family
        held = fam.active_profile(context) < 0
        count = fam.num_profiles(self.engine)
        candidates = [k for k in range(count) if not (auto and held and k == 0)]
        if auto and not candidates:
            raise ProfileError(
                "Runner(profile='auto'): this engine's only optimization profile (0) is held "
                "by another execution context (TensorRT 8.x gives a profile to one context at "
                "a time). Close that context first, or rebuild the engine with more profiles."
            )
        return candidates, candidates[0] if auto else index

    def _input_slots(self, profiles: Sequence[int]) -> dict[str, InputSlot]:
        """Each input's slot: its tensor and its shape range in each of ``profiles``."""
        fam, engine = self._family, self.engine
        what = (
            "max_batch_size range" if fam.has_implicit_batch(engine) else "profile {profile} range"
        )
        return {
            t.name: InputSlot(t, {k: fam.profile_shapes(engine, t.name, k) for k in profiles}, what)
            for t in self.tensors
            if t.is_input
        }

    def _checked_profile(self, engine: Any, profile: Any) -> int:
        """``profile`` (not ``"auto"``) as an index of one of the engine's profiles."""
        from .._family import check_profile

        index = _profile_index(profile, self._family.num_profiles(engine))
        check_profile(engine, index)
        return index

    def _create_context(self, engine: Any) -> Any:
        with self.backend.activate():
            context = engine.create_execution_context()
        if context is None:
            raise ExecutionError("TensorRT could not create an execution context (out of memory?).")
        return context

    def _open_buffers(self, context: Any, stream: int, profile: int) -> Buffers:
        """The context on ``profile`` and its buffers on ``stream``; the stream destroyed
        where that fails."""
        fam = self._family
        try:
            if fam.active_profile(context) != profile:
                fam.set_profile(context, profile, stream)
                self.backend.synchronize(stream)
            return make_buffers(
                self.engine,
                self.backend,
                profile=profile,
                context=context,
                family=fam.NAME,
                stream=stream,
                data_dependent_ok=True,
            )
        except BaseException:
            self.backend.destroy_stream(stream)
            raise

    @property
    def profile(self) -> int:
        """The optimization profile the context is on now."""
        return self._plans.profile

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
            self._pending = None
            self._plans.close()
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

    def _on_device(self, work: Callable[..., _T], *args: Any) -> _T:
        """``work(*args)`` on the backend's device: as it is where the device is current
        already, else inside ``activate()``. Graph Runners always enter ``activate()`` (a
        capture runs under it)."""
        if self._graphs is None and self._is_active():
            return work(*args)
        with self.backend.activate():
            return work(*args)

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
            except LaunchRefused:
                raise explain_failure(self._family, self.context, "execute the engine") from None
            except KeyError:  # as many names as inputs, but not theirs: refused just below
                found = None
            if found is not None:  # every input name was found: exactly the inputs
                return found
        self._check_feed(feed)
        if out is not None:
            targets = check_out(out, self._output_tensors, self._inputs, self.outputs_kind)
            return self._on_device(self._infer_into, feed, targets)
        with self.backend.activate():  # one device switch for the whole round trip
            return self._finish(self._enqueue_checked(feed, "Runner.infer"), "Runner.infer")

    def _check_feed(self, feed: Mapping[str, Any]) -> None:
        """ClosedError after close; UnknownTensorError / MissingInputError for a feed whose
        names are not exactly the inputs."""
        self._check_open()
        if type(feed) is not dict or feed.keys() != self._input_names:
            check_names(feed, self._inputs, self._output_names)

    def _infer_into(self, feed: Mapping[str, Any], targets: Mapping[str, Any]) -> dict[str, Any]:
        """``infer(feed, out=...)`` on the device: outputs named in ``targets`` written into
        the caller's arrays."""
        plan = self._enqueue_checked(feed, "Runner.infer", targets)
        return self._finish_into(plan, targets)

    def _finish_into(self, plan: Plan, targets: Mapping[str, Any]) -> dict[str, Any]:
        """Waits for ``plan``'s work; copies the outputs in ``targets`` out of pinned memory
        into those arrays (the others as :meth:`_finish` returns them)."""
        self._wait("Runner.infer")
        arrays: Sequence[tuple[str, Any]] = plan.arrays
        packed = plan.packed_outputs
        if plan.data_dependent:  # their shapes are known only now; nothing written yet
            for name, target in targets.items():
                check_out_shape(name, target, plan.outputs[name])
            arrays = [*arrays, *self._data_dependent_views(plan)]
            packed = {**packed, **self._data_dependent_packed(plan)}
        found = {
            name: self._written(view, packed.get(name), targets.get(name)) for name, view in arrays
        }
        if plan.data_dependent:  # in engine order, as every result is
            return {name: found[name] for name in self._output_names}
        return found

    def _written(self, view: Any, packed: tuple[Any, Any] | None, target: Any) -> Any:
        """One output of an ``out=`` call: written into ``target`` where given, else as
        :meth:`_finish` returns it (a copy, a pinned view or unpacked)."""
        value = view if packed is None else unpack(view, packed[0], packed[1])
        if target is None:
            return value.copy() if self.copy_outputs and packed is None else value
        if target is not value:  # a pinned view passed back is already written
            np.copyto(target, value)
        return target

    def _data_dependent_views(self, plan: Plan) -> list[tuple[str, Any]]:
        """(name, pinned view) of each data-dependent output, shaped as this run made it."""
        views = []
        for name in self._dds.names:
            mem, shape = self.buffers[name], plan.outputs[name]
            nbytes = mem.tensor.nbytes(shape)
            bits = mem.tensor.bits_per_element
            views.append((name, host_array(mem.host_ptr, nbytes, mem.dtype, shape, bits)))
        return views

    def _data_dependent_packed(self, plan: Plan) -> dict[str, tuple[Any, Any]]:
        """The INT4 / FP4 data-dependent outputs: name -> (shape of this run, dtype)."""
        found = {}
        for name in self._dds.names:
            mem = self.buffers[name]
            if is_packed(mem.tensor):
                found[name] = (plan.outputs[name], mem.dtype)
        return found

    def infer_async(self, feed: Mapping[str, Any]) -> None:
        """Validates ``feed``, copies host inputs in and enqueues inference and output copies.

        Call :meth:`synchronize` for the results.
        """
        # The warm call's tests are written out (as in :meth:`infer`): the feed is checked in
        # full, and the device switched through :meth:`_on_device`, only where they fail.
        if self._closed or type(feed) is not dict or feed.keys() != self._input_names:
            self._check_feed(feed)
        if self._graphs is None and self._is_active():
            self._pending = self._enqueue_checked(feed, "Runner.infer_async")
        else:
            self._pending = self._on_device(self._enqueue_checked, feed, "Runner.infer_async")

    def _enqueue_checked(
        self, feed: Mapping[str, Any], what: str, out: Mapping[str, Any] | None = None
    ) -> Plan:
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
        if self._graphs is None and self._is_active():  # warm: no frame for the guard
            return self._finish(plan, "Runner.synchronize")
        return self._on_device(self._finish, plan, "Runner.synchronize")

    def _wait(self, what: str) -> None:
        """Synchronizes the stream (errors name ``what``)."""
        try:
            self._ops.synchronize()
        except self._errors as exc:
            raise translate(self.backend, exc, what) from exc

    def _finish(self, plan: Plan, what: str) -> dict[str, Any]:
        """Waits for ``plan``'s work and builds its results (errors name ``what``)."""
        try:  # :meth:`_wait` written out: the warm synchronize enters one frame less
            self._ops.synchronize()
        except self._errors as exc:
            raise translate(self.backend, exc, what) from exc
        if plan.data_dependent:
            return self._data_dependent_results(plan)
        return plan.results()

    def _enqueue(self, feed: Mapping[str, Any], out: Mapping[str, Any] | None = None) -> Plan:
        plan = self._plan
        if plan is None or plan.stage(feed) is None:
            self._use_plan(None)  # none current until the feed's plan is ready
            plan = self._plans.prepare(feed)
            self._use_plan(plan)
        if out:  # the caller's output arrays: shapes known now are checked before the run
            check_static_shapes(out, plan.outputs, plan.data_dependent)
        for name in plan.waits:  # __cuda_array_interface__ v3: order after the producer
            producer = producer_stream(feed[name])
            if producer is not None:
                self.backend.synchronize(producer)
        if self._graphs is None:
            self._stream_work(plan)
        elif self._graphs.run(plan.key, lambda: self._stream_work(plan)):
            self._plans.set_fast_call(plan)  # captured now: warm calls replay it
            self._use_plan(plan)
        return plan

    def _stream_work(self, plan: Plan) -> None:
        """Copies in, launch, copies out on the stream: the plan's round trip without the
        wait. Data-dependent outputs are copied after it: their sizes are read once the
        launch has produced them. A graph captures this (graphs refuse data-dependent
        outputs)."""
        if not plan.enqueue(self.stream):
            raise explain_failure(self._family, self.context, "execute the engine")
        if plan.data_dependent:
            self._download_data_dependent(plan)

    # -- data-dependent outputs (sizes known only after each enqueue) ----------------------
    def _download_data_dependent(self, plan: Plan) -> None:
        for name, shape in self._dds.collect().items():
            plan.outputs[name] = shape
            if self.outputs_kind == "host":
                mem = self.buffers[name]  # the allocator may have grown it
                nbytes = mem.tensor.nbytes(shape)
                if nbytes:
                    self._ops.dtoh(mem.host_ptr, mem.device, nbytes)

    def _data_dependent_results(self, plan: Plan) -> dict[str, Any]:
        found = plan.results()
        for name in self._dds.names:
            mem, shape = self.buffers[name], plan.outputs[name]
            if self.outputs_kind == "device":
                check_device_output(mem.tensor)
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
            ProfileError: with ``profile="auto"``, no profile holds ``shape``.
        """
        self._check_open()
        if name not in self._inputs:
            check_names({name: None}, self._inputs, self._output_names)
        slot = self._inputs[name]
        dims = tuple(int(d) for d in shape) if shape is not None else self.buffers[name].shape
        self._plans.check_shape(slot, dims)
        if name in self._plans.packed_inputs:
            packed_form(slot.tensor, dims)  # ShapeError before anything is allocated
        self.buffers.ensure(name, dims)
        if self._plans.refresh():  # the current plan points at freed memory
            self._use_plan(None)
        view: NDArray[Any] = self._plans.view(name, dims)
        return view

    def _use_plan(self, plan: Plan | None) -> None:
        """Makes ``plan`` the current one (None: none), with its fast call."""
        self._plan = plan
        self._warm = None if plan is None else plan.call

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"profile {self.profile}"
        return (
            f"<Runner {self._family.NAME} API, {state}, {self.backend.name}:{self.backend.device}>"
        )
