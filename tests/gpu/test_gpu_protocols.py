"""Arrays and streams of libraries without a backend, on real GPU memory (issue 25, item 4):
a wrapper exposing only DLPack, one exposing only ``__cuda_array_interface__``, and a stream
exposing only ``__cuda_stream__``, each through the Runner and the samples' helpers.

The fake engines launch real CuPy kernels on the bound addresses and the given stream
(``y = 2 * x + 1``), so a wrong pointer or stream gives a wrong answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from _gpu_engine import GPU_STATIC, reference

import trtcompat as tc
from trtcompat.backends import Backend
from trtcompat.testing import build_plan, fake_tensorrt

pytestmark = pytest.mark.gpu


@pytest.fixture(params=["8.6", "10"], ids=["trt8.6", "trt10"])
def era(request: pytest.FixtureRequest) -> Any:
    with fake_tensorrt(request.param):
        yield request.param


class DLPackOnly:
    """Only ``__dlpack__`` / ``__dlpack_device__``, forwarded to ``array`` (cupy or torch)."""

    def __init__(self, array: Any) -> None:
        self._array = array

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._array.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> Any:
        return self._array.__dlpack_device__()


class InterfaceOnly:
    """Only ``__cuda_array_interface__``, forwarded to ``array``."""

    def __init__(self, array: Any) -> None:
        self._array = array

    @property
    def __cuda_array_interface__(self) -> Any:
        return self._array.__cuda_array_interface__


class StreamOnly:
    """Only ``__cuda_stream__`` (cuda.core's protocol) around a raw handle."""

    def __init__(self, handle: int) -> None:
        self.handle = handle

    def __cuda_stream__(self) -> tuple[int, int]:
        return (0, self.handle)


def _arrays(library: str) -> tuple[Any, Any]:
    """A (4, 1024) float32 CUDA array of ``library`` and a function giving it as numpy."""
    if library == "cupy":
        cp = pytest.importorskip("cupy")
        x = cp.arange(4096, dtype=cp.float32).reshape(4, 1024)
        return x, cp.asnumpy
    torch = pytest.importorskip("torch")
    t = torch.arange(4096, dtype=torch.float32, device="cuda").reshape(4, 1024)
    return t, lambda a: a.cpu().numpy()


@pytest.mark.parametrize("library", ["cupy", "torch"])
@pytest.mark.parametrize("wrap", [DLPackOnly, InterfaceOnly], ids=["dlpack", "cai"])
def test_a_runner_binds_a_protocol_only_array_in_place(
    era: str, backend: Backend, library: str, wrap: Any
) -> None:
    x, to_numpy = _arrays(library)
    producer = wrap(x)
    with tc.Runner(tc.load_engine(build_plan(GPU_STATIC, era)), backend=backend) as runner:
        for _ in range(3):  # cold, then warm calls (the fingerprint path)
            np.testing.assert_array_equal(runner.infer({"x": producer})["y"],
                                          reference(to_numpy(x)))
        address = x.data.ptr if library == "cupy" else x.data_ptr()
        assert runner.buffers.bound("x") == address  # zero-copy: the caller's memory
        x[0, 0] = 100  # the kernel reads where the array lies
        assert float(runner.infer({"x": producer})["y"][0, 0]) == 201.0


@pytest.mark.parametrize("wrap", [DLPackOnly, InterfaceOnly], ids=["dlpack", "cai"])
def test_a_protocol_only_array_of_the_wrong_layout_or_dtype_is_refused(
    era: str, backend: Backend, wrap: Any
) -> None:
    cp = pytest.importorskip("cupy")
    with tc.Runner(tc.load_engine(build_plan(GPU_STATIC, era)), backend=backend) as runner:
        with pytest.raises(tc.LayoutError, match="not C-contiguous"):
            runner.infer({"x": wrap(cp.zeros((1024, 4), cp.float32).T)})
        with pytest.raises(tc.DTypeError, match="expects float32"):
            runner.infer({"x": wrap(cp.zeros((4, 1024), cp.float64))})


def test_do_inference_and_execute_on_a_stream_only_object(era: str, backend: Backend) -> None:
    engine = tc.load_engine(build_plan(GPU_STATIC, era))
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=backend) as buffers:
        inputs, outputs, bindings, stream = buffers
        wrapped = StreamOnly(stream)
        x = np.random.default_rng(0).random((4, 1024), dtype=np.float32)
        buffers["x"].host[...] = x
        for _ in range(2):  # cold, then the remembered plan
            (y,) = tc.do_inference(context, bindings, inputs, outputs, wrapped)
            np.testing.assert_array_equal(y, reference(x))
        (mem_x,), (mem_y,) = inputs, outputs
        buffers["x"].host[...] = x + 1
        backend.memcpy_htod_async(mem_x.device, mem_x.host_ptr, mem_x.nbytes, stream)
        tc.execute(context, bindings, wrapped)
        backend.memcpy_dtoh_async(mem_y.host_ptr, mem_y.device, mem_y.nbytes, stream)
        backend.synchronize(stream)
        np.testing.assert_array_equal(mem_y.host.reshape(4, 1024), reference(x + 1))


class InterfaceOnStream:
    """Only ``__cuda_array_interface__`` v3, naming ``stream`` as the producer's stream."""

    def __init__(self, array: Any, stream: int) -> None:
        self._array, self._stream = array, stream

    @property
    def __cuda_array_interface__(self) -> Any:
        return {**self._array.__cuda_array_interface__, "version": 3, "stream": self._stream}


def test_a_runner_waits_for_the_producer_stream_an_array_names(
    era: str, backend: Backend
) -> None:
    """The producer fills ``x`` on its own non-blocking stream after ~0.1 s of spinning; a
    Runner that did not order its work after that stream would read the zeros before it."""
    cp = pytest.importorskip("cupy")
    spin = cp.RawKernel(
        r'extern "C" __global__ void spin(long long n)'
        r"{ long long t = clock64(); while (clock64() - t < n) {} }",
        "spin",
    )
    side = cp.cuda.Stream(non_blocking=True)
    with tc.Runner(tc.load_engine(build_plan(GPU_STATIC, era)), backend=backend) as runner:
        x = cp.zeros((4, 1024), cp.float32)
        for value in (7.0, 9.0):  # cold, then a warm call (same array): each waits
            x.fill(0)
            cp.cuda.Device().synchronize()
            with side:
                spin((1,), (1,), (np.int64(200_000_000),))
                x.fill(value)
            y = runner.infer({"x": InterfaceOnStream(x, side.ptr)})["y"]
            np.testing.assert_array_equal(y, np.full((4, 1024), 2 * value + 1, np.float32))
