"""Two GPUs: buffers, streams and Runners land on the device asked for (needs >= 2 GPUs)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from _gpu_engine import GPU_DYNAMIC, MIB, NAMES, reference

import trtcompat as tc
from trtcompat.backends import Backend, get_backend
from trtcompat.errors import BackendUnavailableError
from trtcompat.testing import build_plan, fake_tensorrt

pytestmark = [pytest.mark.gpu, pytest.mark.multi_gpu]


def _device_count() -> int:
    from cuda.bindings import runtime

    err, count = runtime.cudaGetDeviceCount()
    return int(count) if int(err) == 0 else 0


@pytest.fixture(autouse=True)
def _two_gpus() -> None:
    if _device_count() < 2:
        pytest.skip(f"needs 2 or more GPUs; this machine has {_device_count()}")


@pytest.fixture(params=NAMES)
def pair(request: pytest.FixtureRequest) -> tuple[Backend, Backend]:
    try:
        return get_backend(request.param, device=0), get_backend(request.param, device=1)
    except BackendUnavailableError as exc:
        pytest.skip(f"{request.param} unavailable: {exc}")


def test_buffers_on_device_1(pair: tuple[Backend, Backend]) -> None:
    _, second = pair
    with fake_tensorrt("10"):
        engine = tc.load_engine(build_plan(GPU_DYNAMIC, "10"))
        with tc.allocate_buffers(engine, backend=second) as buffers:
            for mem in (*buffers.inputs, *buffers.outputs):
                assert second.pointer_device(mem.device) == 1


def test_two_runners_two_gpus_side_by_side(pair: tuple[Backend, Backend]) -> None:
    start = [b.mem_info()[0] for b in pair]
    errors: list[BaseException] = []
    with fake_tensorrt("10"):
        engine = tc.load_engine(build_plan(GPU_DYNAMIC, "10"))

        def work(backend: Backend) -> None:
            try:
                with tc.Runner(engine, backend=backend) as runner:
                    for i in range(2000):
                        batch = 1 + i % 64
                        x = np.full((batch, 256), i % 7, np.float32)
                        ids = np.arange(batch, dtype=np.int32)
                        out = runner.infer({"x": x, "ids": ids})
                        np.testing.assert_array_equal(out["y"], reference(x))
            except BaseException as err:  # reported below
                errors.append(err)

        threads = [threading.Thread(target=work, args=(b,)) for b in pair]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    assert not errors, errors[0]
    end = [b.mem_info()[0] for b in pair]
    print(
        f"\n{pair[0].name}: free MiB per GPU {[s // MIB for s in start]} -> {[e // MIB for e in end]}"
    )
    assert all(abs(e - s) <= MIB for s, e in zip(start, end))
