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
from trtcompat.backends import Backend, get_backend
from trtcompat.testing import ERAS, build_plan, fake_tensorrt

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


@pytest.mark.parametrize("name", ["cuda_python", "cupy"])
def test_cuda_graph_replays_correctly(era: str, name: str) -> None:
    backend = get_backend(name)
    with tc.Runner(
        tc.load_engine(build_plan(GPU_STATIC, era)), backend=backend, cuda_graph=True
    ) as runner:
        for i in range(5):  # call 1 runs eagerly and captures; 2.. replay the graph
            x = np.full((4, 1024), i, np.float32)
            np.testing.assert_array_equal(runner.infer({"x": x})["y"], reference(x))
        assert len(runner._graphs) == 1


def test_zero_copy_device_inputs_and_outputs(era: str) -> None:
    import cupy as cp
    import torch

    engine = tc.load_engine(build_plan(GPU_STATIC, era))
    with tc.Runner(engine, backend="cupy", outputs="device") as runner:
        x = cp.arange(4096, dtype=cp.float32).reshape(4, 1024)
        y = runner.infer({"x": x})["y"]
        assert isinstance(y, cp.ndarray)
        cp.testing.assert_array_equal(y, x * 2 + 1)
    with tc.Runner(engine, backend="torch") as runner:
        t = torch.ones((4, 1024), dtype=torch.float32, device="cuda")
        np.testing.assert_array_equal(runner.infer({"x": t})["y"], 3)
        with pytest.raises(tc.LayoutError, match="not C-contiguous"):
            runner.infer({"x": torch.ones((1024, 4), device="cuda").t()})


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
