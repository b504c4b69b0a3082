"""allocate_buffers + execute and the Runner on real GPU memory, every era and backend.

The fake engines launch real CuPy kernels on the addresses they are bound to and on the
given stream, so a wrong pointer, size, profile slot or stream ordering gives a wrong answer.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest
from _gpu_engine import GPU_DYNAMIC, GPU_IMPLICIT, GPU_STATIC, MIB, reference

import trtcompat as tc
from trtcompat.backends import Backend
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_plan, fake_tensorrt

pytestmark = pytest.mark.gpu


@pytest.fixture(params=ERAS, ids=[f"trt{e}" for e in ERAS])
def era(request: pytest.FixtureRequest) -> Any:
    with fake_tensorrt(request.param):
        yield request.param


def _feed(batch: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(batch)
    return {
        "x": rng.random((batch, 256), dtype=np.float32),
        "ids": np.arange(batch, dtype=np.int32),
    }


def test_classic_loop_with_execute(era: str, backend: Backend) -> None:
    engine = tc.load_engine(build_plan(GPU_DYNAMIC, era))
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=backend) as buffers:
        inputs, outputs, bindings, stream = buffers
        for batch in (1, 17, 64):
            feed = _feed(batch)
            tc.set_input_shape(context, "x", (batch, 256))
            tc.set_input_shape(context, "ids", (batch,))
            buffers["x"].host[:batch] = feed["x"]
            buffers["ids"].host[:batch] = feed["ids"]
            ids_out, y = tc.do_inference(context, bindings, inputs, outputs, stream)
            np.testing.assert_allclose(y[:batch], reference(feed["x"]), rtol=1e-6)
            np.testing.assert_array_equal(ids_out[:batch], feed["ids"] + 1)


def test_runner(era: str, backend: Backend) -> None:
    engine = tc.load_engine(build_plan(GPU_DYNAMIC, era))
    with tc.Runner(engine, backend=backend) as runner:
        for batch in (3, 64, 3, 9):
            feed = _feed(batch)
            out = runner.infer(feed)
            np.testing.assert_allclose(out["y"], reference(feed["x"]), rtol=1e-6)
            np.testing.assert_array_equal(out["ids_out"], feed["ids"] + 1)


@pytest.mark.parametrize("era", ["8.4", "8.6"], indirect=True)
def test_runner_implicit_batch(era: str, backend: Backend) -> None:
    with tc.Runner(tc.load_engine(build_plan(GPU_IMPLICIT, era)), backend=backend) as runner:
        for batch in (1, 16, 5):
            x = np.full((batch, 128), batch, np.float32)
            np.testing.assert_array_equal(runner.infer({"x": x})["y"], reference(x))


def test_cuda_graph_replays_correctly(era: str, backend: Backend) -> None:
    with tc.Runner(
        tc.load_engine(build_plan(GPU_STATIC, era)), backend=backend, cuda_graph=True
    ) as runner:
        for i in range(7):  # call 1 runs eagerly and captures; 2.. replay the graph
            x = np.full((4, 1024), i, np.float32)
            if i % 3 == 2:  # the replay without the wait, then the wait
                runner.infer_async({"x": x})
                y = runner.synchronize()["y"]
            else:
                y = runner.infer({"x": x})["y"]
            np.testing.assert_array_equal(y, reference(x))
        assert len(runner._graphs) == 1


def test_runner_out_into_callers_arrays(era: str, backend: Backend) -> None:
    """``infer(feed, out=...)``: outputs land in the caller's arrays (eager and graph Runners),
    a wrong shape is refused before the run writes anything."""
    engine = tc.load_engine(build_plan(GPU_DYNAMIC, era))
    with tc.Runner(engine, backend=backend) as runner:
        for batch in (3, 64, 3):
            feed = _feed(batch)
            y, ids_out = np.empty((batch, 256), np.float32), np.empty(batch, np.int32)
            found = runner.infer(feed, out={"y": y, "ids_out": ids_out})
            assert found["y"] is y and found["ids_out"] is ids_out
            np.testing.assert_allclose(y, reference(feed["x"]), rtol=1e-6)
            np.testing.assert_array_equal(ids_out, feed["ids"] + 1)
        wrong = np.full((4, 256), -1, np.float32)
        with pytest.raises(tc.ShapeError, match=r"^out\['y'\] has shape \(4, 256\)"):
            runner.infer(_feed(5), out={"y": wrong})
        np.testing.assert_array_equal(wrong, -1)
    with tc.Runner(
        tc.load_engine(build_plan(GPU_STATIC, era)), backend=backend, cuda_graph=True
    ) as graph:
        y = np.empty((4, 1024), np.float32)
        for i in range(4):  # call 1 captures; the others replay
            x = np.full((4, 1024), i, np.float32)
            assert graph.infer({"x": x}, out={"y": y})["y"] is y
            np.testing.assert_array_equal(y, reference(x))


def test_samples_host_assignment(era: str, backend: Backend) -> None:
    """The samples' ``inputs[0].host = x``: copied into the pinned buffer that do_inference
    sends, on the static (cached round trip) and the dynamic path."""
    engine = tc.load_engine(build_plan(GPU_STATIC, era))
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=backend) as buffers:
        inputs, outputs, bindings, stream = buffers
        pinned = inputs[0].host
        for i in range(3):
            x = np.full((4, 1024), i + 0.5, np.float32)
            inputs[0].host = x.ravel() if i % 2 else x  # flat (10.x samples) or shaped
            assert inputs[0].host is pinned
            (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
            np.testing.assert_array_equal(y, reference(x))
    engine = tc.load_engine(build_plan(GPU_DYNAMIC, era))
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=backend) as buffers:
        inputs, outputs, bindings, stream = buffers
        feed = _feed(17)
        tc.set_input_shape(context, "x", (17, 256))
        tc.set_input_shape(context, "ids", (17,))
        buffers["x"].host = feed["x"]
        buffers["ids"].host = feed["ids"]
        ids_out, y = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_allclose(y, reference(feed["x"]), rtol=1e-6)
        np.testing.assert_array_equal(ids_out, feed["ids"] + 1)


def test_zero_copy_device_inputs_and_outputs(era: str) -> None:
    """Device arrays are bound where they lie and outputs="device" hands out the Runner's own
    output memory: checked by address and by writing through it, not by the array's type."""
    import cupy as cp
    import torch

    from trtcompat.runtime._arrays import device_array_info

    engine = tc.load_engine(build_plan(GPU_STATIC, era))
    with tc.Runner(engine, backend="cupy", outputs="device") as runner:
        x = cp.arange(4096, dtype=cp.float32).reshape(4, 1024)
        y = runner.infer({"x": x})["y"]
        info = device_array_info(y)
        assert info is not None and info.shape == (4, 1024) and info.dtype == np.float32
        assert info.pointer == runner.buffers["y"].device  # the Runner's buffer, no copy
        assert runner.buffers.bound("x") == x.data.ptr  # the caller's array, bound in place
        cp.testing.assert_array_equal(y, x * 2 + 1)
        x[0, 0] = 100  # the kernel reads the caller's memory: the next run sees the write
        y2 = runner.infer({"x": x})["y"]
        assert float(y2[0, 0]) == 201.0
        assert device_array_info(y2).pointer == info.pointer  # type: ignore[union-attr]
    with tc.Runner(engine, backend="torch") as runner:
        t = torch.ones((4, 1024), dtype=torch.float32, device="cuda")
        np.testing.assert_array_equal(runner.infer({"x": t})["y"], 3)
        assert runner.buffers.bound("x") == t.data_ptr()
        t.fill_(5)
        np.testing.assert_array_equal(runner.infer({"x": t})["y"], 11)
        with pytest.raises(tc.LayoutError, match="not C-contiguous"):
            runner.infer({"x": torch.ones((1024, 4), device="cuda").t()})


def _free(backend: Backend) -> int:
    """Free device memory once the array libraries hand back what they cache (CuPy's pools
    hold the kernel's temporaries, torch's caching allocator holds freed tensors): what is
    left is what someone still owns. Collects no garbage."""
    import sys

    cupy = sys.modules.get("cupy")
    if cupy is not None:
        cupy.cuda.runtime.deviceSynchronize()
        cupy.get_default_memory_pool().free_all_blocks()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
    return backend.mem_info()[0]


def test_closed_runner_returns_its_device_memory(backend: Backend) -> None:
    """After close() (and the with block), free device memory is back where it was: the
    context, buffers and stream are released, not left for the garbage collector.

    The fake context has no activation memory of its own, so 64 MiB buffers carry the
    measurement; with real TensorRT the context's activation memory is in the same sum."""
    import gc
    import weakref

    big = EngineSpec(
        (
            TensorSpec("x", np.float32, (16, 1 << 20), True),
            TensorSpec("y", np.float32, (16, 1 << 20), False),
        ),
        launch=GPU_STATIC.launch,
        name="gpu_big",
    )
    with fake_tensorrt("10"):
        engine = tc.load_engine(build_plan(big, "10"))
        x = np.ones((16, 1 << 20), np.float32)
        with tc.Runner(engine, backend=backend) as warm:  # lazy library state, kernels
            warm.infer({"x": x})
        gc.collect()
        before = _free(backend)
        runner = tc.Runner(engine, backend=backend)
        np.testing.assert_array_equal(runner.infer({"x": x})["y"], 3)
        held = _free(backend)
        context = weakref.ref(runner.context)
        runner.close()
        after_close = _free(backend)  # no gc.collect(): close() itself must free
        assert context() is None, "a closed Runner still references its context"
    print(
        f"\n{backend.name}: free {before / MIB:.1f} -> {held / MIB:.1f} (open) -> "
        f"{after_close / MIB:.1f} MiB (closed)"
    )
    assert before - held >= 100 * MIB  # the 2 x 64 MiB buffers were on the device
    assert abs(after_close - before) <= MIB


def test_allocate_close_cycles_leave_memory_flat(backend: Backend) -> None:
    with fake_tensorrt("10"):
        engine = tc.load_engine(build_plan(GPU_DYNAMIC, "10"))
        tc.allocate_buffers(engine, backend=backend).close()  # warm-up: lazy library state
        start = backend.mem_info()[0]
        for _ in range(2000):
            tc.allocate_buffers(engine, backend=backend).close()
        end = backend.mem_info()[0]
    print(
        f"\n{backend.name}: free device memory {start / MIB:.1f} -> {end / MIB:.1f} MiB after 2000 cycles"
    )
    assert abs(end - start) <= MIB


def test_four_threads_with_their_own_runners(era: str, backend: Backend) -> None:
    engine = tc.load_engine(build_plan(GPU_DYNAMIC, era))
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            with tc.Runner(engine, backend=backend) as runner:
                for i in range(50):
                    feed = _feed(1 + (seed * 7 + i) % 64)
                    out = runner.infer(feed)
                    np.testing.assert_allclose(out["y"], reference(feed["x"]), rtol=1e-6)
        except BaseException as err:  # reported below; a thread must not swallow it
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "deadlock"
    assert not errors, errors[0]
