"""TensorRT 8 clients, unchanged, through ``trtcompat.legacy.wrap`` on every era's fake, with
real device memory: the samples' pycuda ``allocate_buffers`` + ``do_inference_v2`` and an
mmdeploy-style ``TRTWrapper`` on torch CUDA tensors and torch's current stream. The fake
engines launch real GPU work (CuPy) on the bound device addresses."""

from __future__ import annotations

import sys
import types
import warnings

import numpy as np
import pytest
from _gpu_engine import GPU_DYNAMIC, GPU_STATIC, reference
from _legacy_clients import samples_common, trt_wrapper_class

from trtcompat import legacy
from trtcompat.testing import ERAS, build_engine, fake_tensorrt

pytestmark = pytest.mark.gpu


@pytest.mark.parametrize("era", ERAS)
def test_samples_pycuda_allocate_buffers_and_do_inference_v2(
    era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = pytest.importorskip("pycuda.driver")
    pytest.importorskip("cupy")
    import pycuda

    # The samples' `import pycuda.autoinit` makes a context of its own current for the rest
    # of the process; a real engine would run in it, but the fake engine's CuPy kernels live in
    # the primary context. So autoinit is stood in for by the primary context, pushed while the
    # client runs and popped afterwards.
    driver.init()
    primary = driver.Device(0).retain_primary_context()
    autoinit = types.ModuleType("pycuda.autoinit")
    autoinit.context = primary  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pycuda.autoinit", autoinit)
    primary.push()
    try:
        x = np.random.default_rng(3).random((4, 1024)).astype(np.float32)
        quiet = warnings.catch_warnings()
        with fake_tensorrt(era) as trt, samples_common(trt, pycuda) as common, quiet:
            warnings.simplefilter("ignore", DeprecationWarning)  # 8.x's own deprecations
            engine = legacy.wrap(build_engine(GPU_STATIC, era))
            inputs, outputs, bindings, stream = common.allocate_buffers(engine)
            context = engine.create_execution_context()
            inputs[0].host[:] = x.ravel()
            [y] = common.do_inference_v2(context, bindings, inputs, outputs, stream)
        np.testing.assert_allclose(y.reshape(4, 1024), reference(x), rtol=1e-6)
    finally:
        primary.pop()


@pytest.mark.parametrize("era", ERAS)
def test_mmdeploy_style_trt_wrapper_on_torch_cuda(era: str) -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("cupy")
    if not torch.cuda.is_available():
        pytest.fail("a GPU is present but torch sees no CUDA device")
    with fake_tensorrt(era) as trt, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = trt_wrapper_class(trt, torch, "cuda")(legacy.wrap(build_engine(GPU_DYNAMIC, era)))
        x = torch.rand((9, 256), device="cuda")
        ids = torch.arange(9, dtype=torch.int32, device="cuda")
        side = torch.cuda.Stream()
        with torch.cuda.stream(side):  # the wrapper enqueues on the current (side) stream
            out = model({"x": x, "ids": ids})
        side.synchronize()
    assert torch.equal(out["ids_out"], ids + 1)
    torch.testing.assert_close(out["y"], x * 2 + 1)
