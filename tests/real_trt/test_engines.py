"""trtcompat against engines built by the real TensorRT builder, checked against numpy.

Each engine computes y = x + x, so every output is exactly 2 * input in its own dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from _build import (
    build_dynamic,
    build_implicit_batch,
    build_mixed_dtypes,
    build_two_profiles,
)

RNG = np.random.default_rng(0)


def _stream_handle(stream: Any) -> int:
    """The raw cudaStream_t as int, whatever wrapper the backend returns."""
    for attr in ("handle", "ptr", "cuda_stream"):
        if hasattr(stream, attr):
            return int(getattr(stream, attr))
    return int(stream)


def _fill(mem: Any, data: np.ndarray) -> None:
    flat = mem.host.reshape(-1)
    flat[: data.size] = data.ravel()


def _read(mem: Any, shape: tuple[int, ...]) -> np.ndarray:
    n = int(np.prod(shape))
    return np.array(mem.host.reshape(-1)[:n]).reshape(shape)


# --------------------------------------------------------------------------- io_tensors


def test_io_tensors_dynamic(trt: Any, tc: Any, load: Any) -> None:
    io = {t.name: t for t in tc.io_tensors(load(build_dynamic(trt)))}
    assert set(io) == {"x", "y"}
    assert io["x"].is_input
    assert not io["y"].is_input
    assert io["x"].shape == (-1, 4)
    assert io["y"].shape == (-1, 4)
    assert io["x"].dtype == np.dtype(np.float32) == io["y"].dtype
    assert io["x"].location == "device"


def test_io_tensors_mixed_dtypes(trt: Any, tc: Any, load: Any) -> None:
    io = {t.name: t for t in tc.io_tensors(load(build_mixed_dtypes(trt)))}
    assert {n: io[n].dtype for n in ("a", "a2", "h", "h2")} == {
        "a": np.dtype(np.int32),
        "a2": np.dtype(np.int32),
        "h": np.dtype(np.float16),
        "h2": np.dtype(np.float16),
    }


def test_io_tensors_two_profiles_lists_each_tensor_once(trt: Any, tc: Any, load: Any) -> None:
    # 8.x replicates bindings per profile ("x [profile 1]"); trtcompat must not.
    names = [t.name for t in tc.io_tensors(load(build_two_profiles(trt)))]
    assert sorted(names) == ["x", "y"]


# --------------------------------------------------------------------------- allocate + execute


def test_allocate_buffers_do_inference(trt: Any, tc: Any, load: Any, backend_name: str) -> None:
    engine = load(build_dynamic(trt))
    context = engine.create_execution_context()
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    tc.set_input_shape(context, "x", x.shape)
    buffers = tc.allocate_buffers(engine, context, backend=backend_name, shapes={"x": x.shape})
    inputs, outputs, bindings, stream = buffers
    assert [m.name for m in inputs] == ["x"]
    assert [m.name for m in outputs] == ["y"]
    _fill(inputs[0], x)
    results = tc.do_inference(context, bindings, inputs, outputs, stream)
    np.testing.assert_array_equal(
        np.asarray(results[0]).reshape(-1)[: x.size].reshape(x.shape), 2 * x
    )


def test_execute_with_own_copies(trt: Any, tc: Any, load: Any, backend_name: str) -> None:
    # execute() only enqueues; the caller moves the data with the backend's copies.
    engine = load(build_dynamic(trt))
    backend = tc.backends.get_backend(backend_name)
    context = engine.create_execution_context()
    x = RNG.standard_normal((2, 4)).astype(np.float32)
    tc.set_input_shape(context, "x", x.shape)
    inputs, outputs, bindings, stream = tc.allocate_buffers(
        engine, context, backend=backend_name, shapes={"x": x.shape}
    )
    handle = _stream_handle(stream)
    _fill(inputs[0], x)
    backend.memcpy_htod_async(inputs[0].device, inputs[0].host.ctypes.data, x.nbytes, handle)
    tc.execute(context, bindings, stream)
    backend.memcpy_dtoh_async(outputs[0].host.ctypes.data, outputs[0].device, x.nbytes, handle)
    backend.synchronize(handle)
    np.testing.assert_array_equal(_read(outputs[0], x.shape), 2 * x)


# --------------------------------------------------------------------------- Runner


@pytest.mark.parametrize("batch", [1, 5, 8])
def test_runner_dynamic(trt: Any, tc: Any, load: Any, backend_name: str, batch: int) -> None:
    x = RNG.standard_normal((batch, 4)).astype(np.float32)
    with tc.Runner(load(build_dynamic(trt)), backend=backend_name) as run:
        out = run.infer({"x": x})
    assert set(out) == {"y"}
    assert out["y"].shape == x.shape
    assert out["y"].dtype == np.float32
    np.testing.assert_array_equal(out["y"], 2 * x)


@pytest.mark.parametrize(("profile", "batch"), [(0, 3), (1, 6)])
def test_runner_two_profiles(
    trt: Any, tc: Any, load: Any, backend_name: str, profile: int, batch: int
) -> None:
    x = RNG.standard_normal((batch, 4)).astype(np.float32)
    with tc.Runner(load(build_two_profiles(trt)), backend=backend_name, profile=profile) as run:
        np.testing.assert_array_equal(run.infer({"x": x})["y"], 2 * x)


def test_runner_two_profiles_rejects_batch_outside_profile(
    trt: Any, tc: Any, load: Any, backend_name: str
) -> None:
    x = np.zeros((6, 4), np.float32)  # profile 0 allows batch 1..4
    run = tc.Runner(load(build_two_profiles(trt)), backend=backend_name, profile=0)
    with run, pytest.raises(tc.errors.ShapeError, match="x"):
        run.infer({"x": x})


def test_runner_mixed_dtypes(trt: Any, tc: Any, load: Any, backend_name: str) -> None:
    a = RNG.integers(-1000, 1000, (2, 3), dtype=np.int32)
    h = RNG.standard_normal((2, 3)).astype(np.float16)
    with tc.Runner(load(build_mixed_dtypes(trt)), backend=backend_name) as run:
        out = run.infer({"a": a, "h": h})
    assert out["a2"].dtype == np.int32
    assert out["h2"].dtype == np.float16
    np.testing.assert_array_equal(out["a2"], 2 * a)
    np.testing.assert_array_equal(out["h2"], h + h)  # doubling is exact in fp16


def test_runner_implicit_batch(
    trt: Any, trt_version: tuple[int, int], tc: Any, load: Any, backend_name: str
) -> None:
    if trt_version[0] >= 10:
        # Breakpoint: 10.0 removed implicit-batch networks.
        pytest.skip(f"TensorRT {trt.__version__} cannot build implicit-batch engines")
    engine = load(build_implicit_batch(trt, max_batch=8))
    io = {t.name: t for t in tc.io_tensors(engine)}
    assert io["x"].shape == (8, 4), "implicit batch: max_batch_size is prepended"
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    with tc.Runner(engine, backend=backend_name) as run:
        np.testing.assert_array_equal(run.infer({"x": x})["y"], 2 * x)


# --------------------------------------------------------------------------- legacy facade


def test_legacy_wrap_binding_surface(trt: Any, tc: Any, load: Any) -> None:
    legacy = tc.legacy.wrap(load(build_dynamic(trt)))
    assert legacy.num_bindings == 2
    inputs = [i for i in range(legacy.num_bindings) if legacy.binding_is_input(i)]
    assert inputs == [0]
    assert tuple(legacy.get_binding_shape(0)) == (-1, 4)
    assert legacy.max_batch_size == 1  # explicit batch engines report 1, as TensorRT 8 did


def test_legacy_execute_async_v2(trt: Any, tc: Any, load: Any, backend_name: str) -> None:
    # Unmigrated TensorRT 8 code: bindings list + execute_async_v2, on any TensorRT.
    engine = load(build_dynamic(trt))
    backend = tc.backends.get_backend(backend_name)
    legacy = tc.legacy.wrap(engine)
    ctx = legacy.create_execution_context()
    x = RNG.standard_normal((4, 4)).astype(np.float32)
    tc.set_input_shape(ctx, "x", x.shape)
    inputs, outputs, bindings, stream = tc.allocate_buffers(
        engine, backend=backend_name, shapes={"x": x.shape}
    )
    handle = _stream_handle(stream)
    _fill(inputs[0], x)
    backend.memcpy_htod_async(inputs[0].device, inputs[0].host.ctypes.data, x.nbytes, handle)
    assert ctx.execute_async_v2(bindings, handle) is True
    backend.memcpy_dtoh_async(outputs[0].host.ctypes.data, outputs[0].device, x.nbytes, handle)
    backend.synchronize(handle)
    np.testing.assert_array_equal(_read(outputs[0], x.shape), 2 * x)
