"""A fake-built engine reads and writes the memory it is bound to: host memory directly,
device memory (where the CUDA driver says so) through the driver's copies on the launch's
stream. The driver here is a stand-in that calls host memory "device" and copies with
memmove, so the device path runs (and is counted) without a GPU."""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
import pytest
from _onnx_models import RANGE, expected, scale_relu

import trtcompat
from trtcompat import BuildConfig, build_plan
from trtcompat.testing import _onnx_engine


class StandInDriver:
    """cuPointerGetAttribute says DEVICE; the copies are memmoves; calls are recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def cuPointerGetAttribute(self, kind: Any, attribute: int, address: Any) -> int:
        kind._obj.value = 2  # CU_MEMORYTYPE_DEVICE
        return 0

    def cuMemcpyDtoHAsync_v2(self, dst: Any, src: Any, size: Any, stream: Any) -> int:
        ctypes.memmove(dst.value, src.value, size.value)
        self.calls.append(("DtoH", stream.value or 0))
        return 0

    def cuMemcpyHtoDAsync_v2(self, dst: Any, src: Any, size: Any, stream: Any) -> int:
        ctypes.memmove(dst.value, src.value, size.value)
        self.calls.append(("HtoD", stream.value or 0))
        return 0

    def cuStreamSynchronize(self, stream: Any) -> int:
        self.calls.append(("sync", stream.value or 0))
        return 0


def test_device_memory_goes_through_the_driver_on_the_launch_stream(
    era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver = StandInDriver()
    monkeypatch.setattr(_onnx_engine, "_driver", lambda: driver)
    plan = build_plan(scale_relu().SerializeToString(), BuildConfig(profiles=[RANGE])).plan
    x = np.array([[1.0, -2.0, 3.0], [0.5, 0.5, -0.5]], dtype=np.float32)
    engine = trtcompat.load_engine(plan)
    context = engine.create_execution_context()
    with trtcompat.allocate_buffers(engine, context, backend="host") as buffers:
        inputs, outputs, bindings, stream = buffers
        trtcompat.set_input_shape(context, "x", x.shape)
        buffers["x"].host[: x.shape[0]] = x
        (y,) = trtcompat.do_inference(context, bindings, inputs, outputs, stream)
    np.testing.assert_array_equal(y[: x.shape[0]], expected(x))
    kinds = [kind for kind, _ in driver.calls]
    assert kinds == ["DtoH", "sync", "HtoD", "sync"]  # input in, compute, output out
    assert {s for _, s in driver.calls} == {int(getattr(stream, "handle", stream) or 0)}


def test_host_memory_is_read_directly_without_a_driver(
    era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_onnx_engine, "_driver", lambda: None)
    plan = build_plan(scale_relu().SerializeToString(), BuildConfig(profiles=[RANGE])).plan
    x = np.array([[1.0, -2.0, 3.0]], dtype=np.float32)
    with trtcompat.Runner(trtcompat.load_engine(plan), backend="host") as runner:
        np.testing.assert_array_equal(runner.infer({"x": x})["y"], expected(x))
