"""Shared by the GPU tests: the backend names, and fake engines whose execute launches real
GPU work (CuPy) on the bound device addresses, on the stream TensorRT would be given:
``y = 2 * x + 1`` (and ``ids_out = ids + 1``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trtcompat.testing import EngineSpec, Launch, LaunchTensor, TensorSpec

#: The CUDA memory backends every GPU test runs against.
NAMES = ["pycuda", "cuda_python", "cupy", "torch"]
MIB = 1 << 20


def _wrap(cp: Any, t: LaunchTensor, device: int) -> Any:
    nbytes = int(np.prod(t.shape)) * t.dtype.itemsize
    memory = cp.cuda.UnownedMemory(t.address, max(nbytes, 1), None, device)
    return cp.ndarray(t.shape, t.dtype, cp.cuda.MemoryPointer(memory, 0))


class _StreamHandle:
    """A raw ``cudaStream_t`` behind the CUDA stream protocol (``__cuda_stream__``)."""

    def __init__(self, handle: int) -> None:
        self.handle = handle

    def __cuda_stream__(self) -> tuple[int, int]:
        return (0, self.handle)


def _stream(cp: Any, handle: int) -> Any:
    # CuPy 14 deprecates ExternalStream (a DeprecationWarning, an error under this suite's
    # filterwarnings) in favour of Stream.from_external; older CuPy has only the former.
    from_external = getattr(cp.cuda.Stream, "from_external", None)
    if from_external is not None:
        return from_external(_StreamHandle(handle))
    return cp.cuda.ExternalStream(handle)


def launch(job: Launch) -> None:
    """Runs the engine's math as CuPy kernels on ``job.stream``, on the inputs' device."""
    import cupy as cp

    device = int(cp.cuda.runtime.pointerGetAttributes(job.tensors["x"].address).device)
    with cp.cuda.Device(device), _stream(cp, job.stream):
        t = job.tensors
        cp.add(cp.multiply(_wrap(cp, t["x"], device), 2), 1, out=_wrap(cp, t["y"], device))
        if "ids" in t:
            cp.add(_wrap(cp, t["ids"], device), 1, out=_wrap(cp, t["ids_out"], device))


def reference(x: np.ndarray) -> np.ndarray:
    """What the GPU computes, on the host."""
    return x * 2 + 1


GPU_DYNAMIC = EngineSpec(
    (
        TensorSpec("ids_out", np.int32, (-1,), False, like="ids"),
        TensorSpec("x", np.float32, (-1, 256), True, profiles=(((1, 256), (8, 256), (64, 256)),)),
        TensorSpec("ids", np.int32, (-1,), True, profiles=(((1,), (8,), (64,)),)),
        TensorSpec("y", np.float32, (-1, 256), False, like="x"),
    ),
    launch=launch,
    name="gpu_dynamic",
)

GPU_STATIC = EngineSpec(
    (
        TensorSpec("x", np.float32, (4, 1024), True),
        TensorSpec("y", np.float32, (4, 1024), False),
    ),
    launch=launch,
    name="gpu_static",
)

GPU_IMPLICIT = EngineSpec(
    (TensorSpec("x", np.float32, (128,), True), TensorSpec("y", np.float32, (128,), False)),
    launch=launch,
    implicit_batch=True,
    max_batch_size=16,
    name="gpu_implicit",
)
