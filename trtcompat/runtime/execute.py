"""``execute`` and ``do_inference``: the one call that replaces execute_async_v2 /
execute_async (implicit batch) / set_tensor_address + execute_async_v3, and the samples'
classic helper built on it."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any

from numpy.typing import NDArray

from .._dispatch import family_for
from .._family import Family, Shape, explain_failure
from ..backends import Backend
from ..errors import TrtCompatError
from ._hostmem import host_array
from ._streamops import active_check, stream_ops, translate
from ._subbyte import unpack
from .allocator import BindingList, HostDeviceMem

__all__ = ["do_inference", "execute", "explain_failure"]


def execute(
    context: Any, bindings: Sequence[int], stream: int, batch_size: int | None = None
) -> None:
    """Enqueues one inference on ``stream``, on any TensorRT.

    Args:
        context: An ``IExecutionContext``.
        bindings: Device addresses: the ``bindings`` from :func:`allocate_buffers`, or a list
            indexed by binding index (8.x) / I/O index (8.5+).
        stream: A CUDA stream handle (int).
        batch_size: The batch for implicit-batch engines (default: ``max_batch_size``).

    Raises:
        ExecutionError: TensorRT returned False; names the tensors and shapes.
    """
    if isinstance(bindings, BindingList):
        family, names = bindings.family, bindings.names
    else:  # a plain list indexed like the engine's tensors; the family is cached per class
        family, names = family_for(context.engine), None
    if not family.execute(context, bindings, names, stream, batch_size):
        raise explain_failure(family, context, "execute the engine")


class _Classic:
    """``do_inference``'s whole per-call work for one set of static buffers (allocate_buffers'
    lists), worked out on its first call: the copies, the stream's ops, the results."""

    __slots__ = (
        "addresses",
        "backend",
        "downloads",
        "family",
        "inputs",
        "is_active",
        "names",
        "ops",
        "outputs",
        "results",
        "stream",
        "uploads",
    )

    def __init__(
        self,
        bindings: BindingList,
        inputs: list[HostDeviceMem],
        outputs: list[HostDeviceMem],
        stream: int,
        backend: Backend,
        ops: Any,
    ) -> None:
        #: What a call must match: the same lists (element by element), stream and addresses.
        self.inputs, self.outputs, self.stream = list(inputs), list(outputs), stream
        self.addresses = list(bindings)
        self.family, self.names = bindings.family, bindings.names
        self.backend, self.ops = backend, ops
        self.is_active: Callable[[], bool] = active_check(backend)
        self.uploads = tuple((m.device, m.host_ptr, m.nbytes) for m in inputs if not m.on_host_only)
        self.downloads = tuple(
            (m.host_ptr, m.device, m.nbytes) for m in outputs if not m.on_host_only
        )
        self.results = tuple(m.host for m in outputs)


#: id(bindings) -> (a weak reference to that BindingList, its plan); an entry goes with its
#: list. Only trtcompat's BindingList is cached: a plain list has no weak references.
_CLASSIC: dict[int, tuple[Any, _Classic]] = {}


def _remember(
    bindings: BindingList,
    inputs: Sequence[HostDeviceMem],
    outputs: Sequence[HostDeviceMem],
    stream: int,
    backend: Backend,
    ops: Any,
) -> None:
    if type(inputs) is not list or type(outputs) is not list:
        return  # a call with other sequence types would never match (see do_inference)
    key = id(bindings)
    ref = weakref.ref(bindings, lambda _: _CLASSIC.pop(key, None))
    _CLASSIC[key] = (ref, _Classic(bindings, inputs, outputs, stream, backend, ops))


def _run_classic(plan: _Classic, context: Any, bindings: Sequence[int]) -> list[NDArray[Any]]:
    ops = plan.ops
    try:
        for dst, src, nbytes in plan.uploads:
            ops.htod(dst, src, nbytes)
        if not plan.family.execute(context, bindings, plan.names, plan.stream, None):
            raise explain_failure(plan.family, context, "execute the engine")
        for dst, src, nbytes in plan.downloads:
            ops.dtoh(dst, src, nbytes)
        ops.synchronize()
    except ops.errors as exc:
        raise translate(plan.backend, exc, "do_inference") from exc
    return list(plan.results)


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
    stream: int,
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
    entry = _CLASSIC.get(id(bindings)) if batch_size is None else None
    if entry is not None:  # static buffers seen before: only check that nothing changed
        ref, plan = entry
        if (
            ref() is bindings
            and plan.stream == stream
            and plan.inputs == inputs
            and plan.outputs == outputs
            and plan.addresses == bindings
        ):
            if plan.is_active():
                return _run_classic(plan, context, bindings)
            with plan.backend.activate():
                return _run_classic(plan, context, bindings)
    mems = [*inputs, *outputs]
    if not mems:
        raise TrtCompatError("do_inference needs the buffers from trtcompat.allocate_buffers.")
    backend = mems[0].backend
    if backend is None:
        raise TrtCompatError(
            "do_inference needs HostDeviceMem objects from trtcompat.allocate_buffers."
        )
    family = bindings.family if isinstance(bindings, BindingList) else family_for(context.engine)
    # The backend's own bound copies of this stream (cached by the backend per stream), not
    # its guarded methods: one device switch for the round trip, errors translated here once.
    ops = stream_ops(backend, stream)
    with backend.activate():
        try:
            shapes = _run_shapes(family, context, inputs, outputs, batch_size)
            sizes = [_nbytes(m, shapes, batch_size) for m in mems]
            for mem, nbytes in zip(inputs, sizes):
                if not mem.on_host_only:
                    ops.htod(mem.device, mem.host_ptr, nbytes)
            execute(context, bindings, stream, batch_size)
            for mem, nbytes in zip(outputs, sizes[len(inputs) :]):
                if not mem.on_host_only:
                    ops.dtoh(mem.host_ptr, mem.device, nbytes)
            ops.synchronize()
        except ops.errors as exc:
            raise translate(backend, exc, "do_inference") from exc
    if shapes is None and batch_size is None and not any(_packed(m) for m in outputs):
        if isinstance(bindings, BindingList):
            _remember(bindings, inputs, outputs, stream, backend, ops)
        return [mem.host for mem in outputs]
    return [_produced(m, shapes, batch_size) for m in outputs]


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
