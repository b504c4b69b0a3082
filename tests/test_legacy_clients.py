"""TensorRT 8 clients, unchanged, through ``trtcompat.legacy.wrap`` on every era's fake, on
the host (the GPU variants are ``tests/gpu/test_gpu_legacy_clients.py``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, STATIC
from _legacy_clients import samples_common, trt_wrapper_class

from trtcompat import legacy
from trtcompat.testing import ERAS, build_engine, era_info, fake_tensorrt


@pytest.mark.parametrize("era", ERAS)
def test_samples_common_allocate_buffers_and_do_inference_v2(era: str) -> None:
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with fake_tensorrt(era) as trt, samples_common(trt) as common, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 8.x's own, on the native view
        engine = legacy.wrap(build_engine(STATIC, era))
        inputs, outputs, bindings, stream = common.allocate_buffers(engine)
        assert len(bindings) == engine.num_bindings == 2
        context = engine.create_execution_context()
        inputs[0].host[:] = x.ravel()
        [y] = common.do_inference_v2(context, bindings, inputs, outputs, stream)
    np.testing.assert_array_equal(y.reshape(2, 3), x * 2)


@pytest.mark.parametrize("era", [e for e in ERAS if era_info(e).implicit_batch])
def test_samples_common_do_inference_with_a_batch(era: str) -> None:
    x = np.arange(24, dtype=np.float32).reshape(8, 3)
    with fake_tensorrt(era) as trt, samples_common(trt) as common, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        engine = legacy.wrap(build_engine(IMPLICIT, era))
        inputs, outputs, bindings, stream = common.allocate_buffers(engine)  # max batch 8
        context = engine.create_execution_context()
        inputs[0].host[:] = x.ravel()
        [y] = common.do_inference(context, bindings, inputs, outputs, stream, batch_size=5)
    np.testing.assert_array_equal(y[:15].reshape(5, 3), x[:5] * 2)


@pytest.mark.parametrize("era", ERAS)
def test_mmdeploy_style_trt_wrapper_on_cpu_tensors(era: str) -> None:
    torch = pytest.importorskip("torch")
    with fake_tensorrt(era) as trt, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        wrapper_class = trt_wrapper_class(trt, torch, "cpu")
        raw = build_engine(DYNAMIC, era)
        if not era_info(era).has_bindings:
            with pytest.raises(TypeError, match="should be ICudaEngine"):
                wrapper_class(object())
        model = wrapper_class(legacy.wrap(raw))
        x = torch.arange(15, dtype=torch.float32).reshape(5, 3)
        out = model({"x": x})
    assert tuple(out["y"].shape) == (5, 3)
    assert torch.equal(out["y"], x * 2)
