"""``execute`` and ``do_inference``: the one call that replaces execute_async_v2 /
execute_async (implicit batch) / set_tensor_address + execute_async_v3, and the samples'
classic helper built on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _trtlog
from .._dispatch import family_for
from .._family import Family
from ..errors import ExecutionError, TrtCompatError
from .allocator import BindingList, HostDeviceMem

__all__ = ["do_inference", "execute", "explain_failure"]


def explain_failure(family: Family, context: Any, what: str) -> ExecutionError:
    """An ExecutionError naming the engine's tensors, the context's shapes and what TensorRT
    logged on this thread since the last error quoted it."""
    engine = context.engine
    parts = []
    for t in family.io_tensors(engine):
        try:
            shape: Any = family.tensor_shape(context, t.name)
        except TrtCompatError as err:
            shape = f"unknown ({err})"
        parts.append(f"{t.mode} {t.name!r} {t.trt_dtype} shape {shape}")
    profile = family.active_profile(context)
    said = _trtlog.unclaimed()
    return ExecutionError(
        f"TensorRT refused to {what} ({family.NAME} API, profile {profile}). Tensors: "
        + "; ".join(parts)
        + (
            ". The runtime said:" + "".join(f"\n  {line}" for line in said)
            if said
            else ". Nothing reached trtcompat's logger (TensorRT logs to the logger of the "
            "process's first Runtime or Builder; load engines with trtcompat.load_engine)."
        ),
        trt_log=said,
    )


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
    else:
        family = family_for(context.engine)
        names = tuple(t.name for t in family.io_tensors(context.engine))
    if not family.execute(context, bindings, names, stream, batch_size):
        raise explain_failure(family, context, "execute the engine")


def do_inference(
    context: Any,
    bindings: Sequence[int],
    inputs: Sequence[HostDeviceMem],
    outputs: Sequence[HostDeviceMem],
    stream: int,
    batch_size: int | None = None,
) -> list[np.ndarray]:
    """The samples' helper: copy inputs in, execute, copy outputs back, synchronize.

    Returns:
        The outputs' host arrays (the buffers' own pinned views).
    """
    mems = [*inputs, *outputs]
    if not mems:
        raise ValueError("do_inference needs the buffers from trtcompat.allocate_buffers.")
    backend = mems[0].backend
    if backend is None:
        raise TypeError("do_inference needs HostDeviceMem objects from trtcompat.allocate_buffers.")
    with backend.activate():  # one device switch for the round trip, not one per call
        for mem in inputs:
            if not mem.on_host_only:
                backend.memcpy_htod_async(mem.device, mem.host_ptr, mem.nbytes, stream)
        execute(context, bindings, stream, batch_size)
        for mem in outputs:
            if not mem.on_host_only:
                backend.memcpy_dtoh_async(mem.host_ptr, mem.device, mem.nbytes, stream)
        backend.synchronize(stream)
    return [mem.host for mem in outputs]


def __dir__() -> list[str]:
    return __all__
