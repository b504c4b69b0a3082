"""``execute`` and ``do_inference``: the one call that replaces execute_async_v2 /
execute_async (implicit batch) / set_tensor_address + execute_async_v3, and the samples'
classic helper built on it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from numpy.typing import NDArray

from .._dispatch import family_for
from .._family import Family, Shape, explain_failure
from ..backends import Backend, CudaStream, stream_handle
from ..errors import TrtCompatError
from ._hostmem import host_array
from ._streamops import Copy, active_check, round_trip, stream_ops, translate
from ._subbyte import unpack
from .allocator import BindingList, HostDeviceMem

__all__ = ["do_inference", "execute", "explain_failure"]


def execute(
    context: Any, bindings: Sequence[int], stream: int | CudaStream, batch_size: int | None = None
) -> None:
    """Enqueues one inference on ``stream``, on any TensorRT.

    Args:
        context: An ``IExecutionContext``.
        bindings: Device addresses: the ``bindings`` from :func:`allocate_buffers`, or a list
            indexed by binding index (8.x) / I/O index (8.5+). A TensorRT 8 list of every
            profile's bindings (``K * n`` slots for ``K`` profiles and ``n`` I/O tensors) is
            read as TensorRT 8 reads it, on every version: the active profile's slots.
        stream: A CUDA stream: its handle (int), or an object with ``__cuda_stream__``
            (cuda.core's protocol).
        batch_size: The batch for implicit-batch engines (default: ``max_batch_size``).

    Raises:
        ExecutionError: TensorRT returned False; names the tensors and shapes.
    """
    if not isinstance(stream, int):  # an object with __cuda_stream__ (cuda.core's)
        stream = stream_handle(stream)
    if isinstance(bindings, BindingList):
        family, names = bindings.family, bindings.names
    else:  # a plain list indexed like the engine's tensors; the family is cached per class
        family, names = family_for(context.engine), None
        if family.NAME == "tensors":
            bindings = _active_profile_slots(family, context, bindings)
    if not family.execute(context, bindings, names, stream, batch_size):
        raise explain_failure(family, context, "execute the engine")


def _active_profile_slots(family: Family, context: Any, bindings: Sequence[int]) -> Sequence[int]:
    # An 8.x list of every profile's bindings (K * n slots, the samples' per-profile
    # arithmetic) holds the active profile's n addresses at k * n: a name-based family binds
    # those, as TensorRT 8 did. A list of n (one per I/O tensor) is used as it is.
    engine = context.engine
    profiles = family.num_profiles(engine)
    count = len(family.tensor_names(engine))
    if profiles < 2 or len(bindings) != profiles * count:
        return bindings
    first = max(family.active_profile(context), 0) * count
    return bindings[first : first + count]


class _RoundTrip:
    """One ``do_inference``'s work on its stream: copies in, execute, copies out, wait; built
    once (the backend binds the copies, see ``round_trip``) and run as one call."""

    __slots__ = ("backend", "errors", "family", "is_active", "stream", "work")

    def __init__(
        self,
        backend: Backend,
        family: Family,
        names: Sequence[str] | None,
        stream: int,
        bindings: Sequence[int],
        batch_size: int | None,
        uploads: Sequence[Copy],
        downloads: Sequence[Copy],
    ) -> None:
        # The backend's own bound copies of this stream (cached by the backend per stream),
        # not its guarded methods: one device switch for the round trip, errors translated
        # here once.
        ops = stream_ops(backend, stream)
        self.backend, self.family, self.stream = backend, family, stream
        self.errors: tuple[type[BaseException], ...] = tuple(ops.errors)
        self.is_active: Callable[[], bool] = active_check(backend)
        # The family's execute with all but the context bound: no frame of ours around it. A
        # copy of the addresses: a remembered trip must not keep the caller's list alive.
        launch = functools.partial(
            family.execute,
            bindings=list(bindings),
            names=names,
            stream=stream,
            batch_size=batch_size,
        )
        self.work = round_trip(ops, uploads, launch, downloads)

    def run(self, context: Any) -> None:
        """Runs it on the backend's device (entering ``activate()`` only where that is not
        current); library errors come out typed, a refused launch explained."""
        try:
            if self.is_active():
                done = self.work(context)
            else:
                with self.backend.activate():
                    done = self.work(context)
        except self.errors as exc:
            raise translate(self.backend, exc, "do_inference") from exc
        if not done:
            raise explain_failure(self.family, context, "execute the engine")


class _Classic:
    """``do_inference``'s round trip for one set of static buffers (allocate_buffers' lists),
    kept on their :class:`BindingList` from its first call, with what a later call must match
    to reuse it."""

    __slots__ = ("addresses", "inputs", "outputs", "results", "trip")

    def __init__(
        self,
        bindings: BindingList,
        inputs: list[HostDeviceMem],
        outputs: list[HostDeviceMem],
        trip: _RoundTrip,
    ) -> None:
        #: What a call must match: the same lists (element by element), stream and addresses.
        self.inputs, self.outputs, self.addresses = list(inputs), list(outputs), list(bindings)
        self.trip = trip
        self.results = tuple(m.host for m in outputs)


def _run_shapes(
    family: Family,
    context: Any,
    inputs: Sequence[HostDeviceMem],
    outputs: Sequence[HostDeviceMem],
    batch_size: int | None,
) -> dict[str, Shape] | None:
    """The shapes this run uses, per tensor; None where every tensor is static.

    Inputs the caller left unset on ``context`` (a -1 in its shape) get the shape their
    buffers were sized for; outputs are read back from the context for those inputs.
    """
    mems = (*inputs, *outputs)
    if not any(m.tensor.is_dynamic for m in mems) or family.has_implicit_batch(context.engine):
        return None  # static, or implicit batch (rows follow batch_size, see _nbytes)
    shapes: dict[str, Shape] = {}
    for mem in inputs:
        shape = family.tensor_shape(context, mem.name) if mem.tensor.is_dynamic else mem.shape
        if any(d < 0 for d in shape):
            family.set_input_shape(context, mem.name, mem.shape)
            shape = mem.shape
        shapes[mem.name] = shape
    for mem in outputs:
        shapes[mem.name] = family.tensor_shape(context, mem.name)
    return shapes


def do_inference(
    context: Any,
    bindings: Sequence[int],
    inputs: Sequence[HostDeviceMem],
    outputs: Sequence[HostDeviceMem],
    stream: int | CudaStream,
    batch_size: int | None = None,
) -> list[NDArray[Any]]:
    """The samples' helper: copy inputs in, execute, copy outputs back, synchronize.

    Works on a fresh context: dynamic inputs whose shape the caller did not set on
    ``context`` run at the shape their buffers were sized for (the profile's max by
    default); inputs the caller did set run at that shape, and the outputs are resolved
    for it. Only the bytes of those shapes are copied.

    Returns:
        One array per output, alike on every TensorRT: a view of the output's pinned host
        buffer shaped as TensorRT produced it this run (implicit batch: ``batch_size`` rows,
        ``max_batch_size`` when None). Views, not copies: valid until the next run. Use
        ``.ravel()`` where code expects the samples' flat arrays. INT4 / FP4 outputs are the
        exception: they come back unpacked, as new ml_dtypes arrays of that shape (numpy
        has no view of packed 4-bit memory; docs/SUBBYTE.md).

    Raises:
        TrtCompatError: the buffers are not trtcompat's, or TensorRT refused to run.
    """
    if not isinstance(stream, int):  # an object with __cuda_stream__ (cuda.core's)
        stream = stream_handle(stream)
    # Static buffers seen before (their trip kept on the BindingList): the same lists (element
    # by element), stream and addresses reuse it. The test is written out here, not a method:
    # the warm call's one frame of ours is the trip's run.
    classic = bindings.classic if isinstance(bindings, BindingList) else None
    if (
        classic is not None
        and batch_size is None
        and classic.trip.stream == stream
        and classic.inputs == inputs
        and classic.outputs == outputs
        and classic.addresses == bindings
    ):
        classic.trip.run(context)
        return list(classic.results)
    return _run_cold(context, bindings, inputs, outputs, stream, batch_size)


def _run_cold(
    context: Any,
    bindings: Sequence[int],
    inputs: Sequence[HostDeviceMem],
    outputs: Sequence[HostDeviceMem],
    stream: int,
    batch_size: int | None,
) -> list[NDArray[Any]]:
    """``do_inference`` without a kept trip: shapes resolved, copies sized, trip built, run;
    kept on the BindingList where the buffers are static."""
    backend = _backend_of(inputs, outputs)
    if isinstance(bindings, BindingList):  # as execute() resolves them
        family, names = bindings.family, bindings.names
    else:
        family, names = family_for(context.engine), None
    with backend.activate():
        shapes = _run_shapes(family, context, inputs, outputs, batch_size)
        uploads, downloads = _copies(inputs, outputs, shapes, batch_size)
        trip = _RoundTrip(backend, family, names, stream, bindings, batch_size, uploads, downloads)
        trip.run(context)
    if shapes is None and batch_size is None and not any(_packed(m) for m in outputs):
        if isinstance(bindings, BindingList) and type(inputs) is list and type(outputs) is list:
            # Only lists are kept: a call with other sequence types would never match.
            bindings.classic = _Classic(bindings, inputs, outputs, trip)
        return [mem.host for mem in outputs]
    return [_produced(m, shapes, batch_size) for m in outputs]


def _copies(
    inputs: Sequence[HostDeviceMem],
    outputs: Sequence[HostDeviceMem],
    shapes: dict[str, Shape] | None,
    batch: int | None,
) -> tuple[list[Copy], list[Copy]]:
    """(uploads, downloads) of this run's bytes; host-only (shape) tensors need none."""
    uploads = [
        (m.device, m.host_ptr, _nbytes(m, shapes, batch)) for m in inputs if not m.on_host_only
    ]
    downloads = [
        (m.host_ptr, m.device, _nbytes(m, shapes, batch)) for m in outputs if not m.on_host_only
    ]
    return uploads, downloads


def _backend_of(inputs: Sequence[HostDeviceMem], outputs: Sequence[HostDeviceMem]) -> Backend:
    """The backend the buffers were allocated on; TrtCompatError for buffers not trtcompat's."""
    mems = [*inputs, *outputs]
    if not mems:
        raise TrtCompatError("do_inference needs the buffers from trtcompat.allocate_buffers.")
    backend: Backend | None = mems[0].backend
    if backend is None:
        raise TrtCompatError(
            "do_inference needs HostDeviceMem objects from trtcompat.allocate_buffers."
        )
    return backend


def _packed(mem: HostDeviceMem) -> bool:
    return mem.tensor.bits_per_element < 8


def _batched(mem: HostDeviceMem, batch: int | None) -> bool:
    # Implicit batch: the leading dimension is the batch (sized max_batch_size).
    return batch is not None and mem.tensor.shape[:1] == (-1,)


def _nbytes(mem: HostDeviceMem, shapes: dict[str, Shape] | None, batch: int | None) -> int:
    if shapes is not None:
        return mem.tensor.nbytes(shapes[mem.name])
    if batch is not None and _batched(mem, batch):
        return mem.tensor.nbytes((batch, *mem.shape[1:]))
    return mem.nbytes


def _produced(mem: HostDeviceMem, shapes: dict[str, Shape] | None, batch: int | None) -> Any:
    if shapes is not None:
        shape = shapes[mem.name]
    elif batch is not None and _batched(mem, batch):
        shape = (batch, *mem.shape[1:])
    elif _packed(mem):
        shape = mem.shape
    else:
        return mem.host
    if _packed(mem):
        return unpack(mem.host, shape, mem.dtype)
    nbytes = mem.tensor.nbytes(shape)
    return host_array(mem.host_ptr, nbytes, mem.dtype, shape, mem.tensor.bits_per_element)


def __dir__() -> list[str]:
    return __all__
