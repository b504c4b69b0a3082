"""Every CUDA backend against a real GPU: real bytes, real streams, real memory accounting.

Skips as a module on machines without an NVIDIA device node; the check touches no CUDA
library, so collection never initializes CUDA. Each backend whose library is missing or
cannot use the GPU skips with the reason.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Any

import numpy as np
import pytest
from _gpu_engine import MIB, NAMES

from trtcompat.backends import Backend, GraphCapture, StreamOps, get_backend
from trtcompat.errors import BackendError, DeviceError

pytestmark = pytest.mark.gpu


def _host_view(ptr: int, nbytes: int) -> np.ndarray[Any, np.dtype[np.uint8]]:
    return np.ctypeslib.as_array((ctypes.c_uint8 * nbytes).from_address(ptr))


def _device_count() -> int:
    from cuda.bindings import runtime

    err, count = runtime.cudaGetDeviceCount()
    assert int(err) == 0
    return int(count)


def test_autodetect_on_a_gpu_machine_picks_a_cuda_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRTCOMPAT_BACKEND", raising=False)
    assert get_backend().name in NAMES


def test_roundtrip_on_a_created_stream(backend: Backend) -> None:
    n = 3 * MIB + 13
    payload = np.random.default_rng(0).integers(0, 256, n, dtype=np.uint8)
    src, dst = backend.malloc_host(n), backend.malloc_host(n)
    dev_a, dev_b = backend.malloc(n), backend.malloc(n)
    stream = backend.create_stream()
    try:
        _host_view(src, n)[:] = payload
        backend.memcpy_htod_async(dev_a, src, n, stream)
        backend.memcpy_dtod_async(dev_b, dev_a, n, stream)
        backend.memcpy_dtoh_async(dst, dev_b, n, stream)
        backend.synchronize(stream)
        np.testing.assert_array_equal(_host_view(dst, n), payload)
        # pageable (plain numpy) host memory works too, on the default stream
        pageable = np.zeros(n, dtype=np.uint8)
        backend.memcpy_dtoh_async(pageable.ctypes.data, dev_a, n, 0)
        backend.synchronize(0)
        np.testing.assert_array_equal(pageable, payload)
        backend.memcpy_htod_async(dev_a, src, 0, stream)  # empty copies are allowed
    finally:
        backend.destroy_stream(stream)
        for ptr in (dev_a, dev_b):
            backend.free(ptr)
        for ptr in (src, dst):
            backend.free_host(ptr)


def test_events_order_host_after_device(backend: Backend) -> None:
    n = 16 * MIB
    src, dst, dev = backend.malloc_host(n), backend.malloc_host(n), backend.malloc(n)
    stream, event = backend.create_stream(), backend.create_event()
    _host_view(src, n)[:] = 7
    _host_view(dst, n)[:] = 0
    backend.memcpy_htod_async(dev, src, n, stream)
    backend.memcpy_dtoh_async(dst, dev, n, stream)
    backend.record_event(event, stream)
    backend.event_synchronize(event)
    assert int(_host_view(dst, n).min()) == 7
    backend.destroy_event(event)
    with pytest.raises(BackendError):
        backend.destroy_event(event)
    backend.destroy_stream(stream)
    with pytest.raises(BackendError):
        backend.destroy_stream(stream)
    backend.free(dev)
    backend.free_host(src)
    backend.free_host(dst)


def test_mem_info_sees_allocations(backend: Backend) -> None:
    free0, total = backend.mem_info()
    assert 0 < free0 <= total
    ptr = backend.malloc(256 * MIB)
    free1, _ = backend.mem_info()
    assert free0 - free1 >= 250 * MIB
    backend.free(ptr)
    free2, _ = backend.mem_info()
    assert abs(free2 - free0) <= MIB


def _write_through_array_library(array: Any, values: np.ndarray[Any, Any]) -> None:
    """Writes ``values`` into a device array or CUDA-array-interface view, in place."""
    if type(array).__module__.startswith("torch"):
        import torch

        array.copy_(torch.from_numpy(values))
        torch.cuda.synchronize()
        return
    import cupy

    cupy.asarray(array)[...] = cupy.asarray(values)  # asarray of a CAI view: zero-copy
    cupy.cuda.runtime.deviceSynchronize()


def test_device_array_is_zero_copy(backend: Backend) -> None:
    values = np.arange(1024, dtype=np.float32).reshape(32, 32)
    ptr, host = backend.malloc(values.nbytes), backend.malloc_host(values.nbytes)
    array = backend.device_array(ptr, values.shape, np.float32, owner=None)
    assert tuple(array.shape) == values.shape
    _write_through_array_library(array, values)
    backend.memcpy_dtoh_async(host, ptr, values.nbytes, 0)
    backend.synchronize(0)
    got = _host_view(host, values.nbytes).view(np.float32).reshape(values.shape)
    np.testing.assert_array_equal(got, values)
    if backend.name == "torch":
        import ml_dtypes
        import torch

        assert array.data_ptr() == ptr
        assert backend.device_array(ptr, (8,), ml_dtypes.bfloat16, None).dtype == torch.bfloat16
    elif backend.name == "cupy":
        assert array.data.ptr == ptr
    else:
        assert array.__cuda_array_interface__["data"] == (ptr, False)
    del array
    backend.free(ptr)
    backend.free_host(host)


def test_pointer_device_for_own_and_foreign_memory(backend: Backend) -> None:
    ptr = backend.malloc(4096)
    assert backend.pointer_device(ptr) == 0
    assert backend.pointer_device(ptr + 100) == 0
    other = get_backend("cuda_python")
    foreign = other.malloc(4096)
    assert backend.pointer_device(foreign) == 0
    other.free(foreign)
    backend.free(ptr)


def test_foreign_memory_and_streams(backend: Backend) -> None:
    """Copies into memory and onto streams that another library created."""
    other = get_backend("cuda_python")
    n = MIB + 1
    foreign_dev, foreign_stream = other.malloc(n), other.create_stream()
    src, dst = np.full(n, 42, dtype=np.uint8), np.zeros(n, dtype=np.uint8)
    backend.memcpy_htod_async(foreign_dev, src.ctypes.data, n, foreign_stream)
    backend.memcpy_dtoh_async(dst.ctypes.data, foreign_dev, n, foreign_stream)
    backend.synchronize(foreign_stream)
    np.testing.assert_array_equal(dst, src)
    other.destroy_stream(foreign_stream)
    other.free(foreign_dev)


def test_free_errors(backend: Backend) -> None:
    ptr, pinned = backend.malloc(100), backend.malloc_host(100)
    backend.free(ptr)
    with pytest.raises(BackendError, match="already freed"):
        backend.free(ptr)
    with pytest.raises(BackendError, match="host memory"):
        backend.free(pinned)
    with pytest.raises(BackendError):
        backend.free(0xDEAD0000)
    backend.free_host(pinned)


def test_missing_device_raises_device_error(backend: Backend) -> None:
    count = _device_count()
    with pytest.raises(DeviceError, match=rf"device {count} does not exist: {count} device"):
        get_backend(backend.name, device=count)


def test_threads_each_get_the_device(backend: Backend) -> None:
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            n = 64 * 1024
            data = np.full(n, seed, dtype=np.uint8)
            out = np.zeros(n, dtype=np.uint8)
            dev, stream = backend.malloc(n), backend.create_stream()
            with backend.activate():
                backend.memcpy_htod_async(dev, data.ctypes.data, n, stream)
                backend.memcpy_dtoh_async(out.ctypes.data, dev, n, stream)
                backend.synchronize(stream)
            assert (out == seed).all()
            backend.destroy_stream(stream)
            backend.free(dev)
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i + 1,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_allocation_cycles_leak_nothing(backend: Backend) -> None:
    device_sizes = [1, 255, 4096, 65536 + 3, MIB, 3 * MIB + 7]
    host_sizes = [1, 4096, 65536 + 3]

    def cycle(i: int) -> None:
        dev = backend.malloc(device_sizes[i % len(device_sizes)])
        host = backend.malloc_host(host_sizes[i % len(host_sizes)])
        backend.free(dev)
        backend.free_host(host)

    live = len(backend._memory)  # type: ignore[attr-defined]
    for i in range(len(device_sizes) * len(host_sizes)):  # warm-up: driver pools settle
        cycle(i)
    backend.synchronize(0)
    start, _ = backend.mem_info()
    for i in range(2000):
        cycle(i)
    backend.synchronize(0)
    end, _ = backend.mem_info()
    assert abs(start - end) <= MIB, (start, end)
    assert len(backend._memory) == live  # type: ignore[attr-defined]


# -- StreamOps and GraphCapture, for real ---------------------------------------------------


def test_stream_ops_move_real_bytes_on_their_stream(backend: Backend) -> None:
    n = 2 * MIB + 5
    payload = np.random.default_rng(1).integers(0, 256, n, dtype=np.uint8)
    src, dst = backend.malloc_host(n), backend.malloc_host(n)
    dev_a, dev_b = backend.malloc(n), backend.malloc(n)
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    assert isinstance(ops, StreamOps)
    try:
        _host_view(src, n)[:] = payload
        _host_view(dst, n)[:] = 0
        with backend.activate():
            ops.htod(dev_a, src, n)
            ops.dtod(dev_b, dev_a, n)
            ops.dtoh(dst, dev_b, n)
            ops.synchronize()  # the copies were queued on ``stream``: this waits for them
        np.testing.assert_array_equal(_host_view(dst, n), payload)
    finally:
        backend.destroy_stream(stream)
        for ptr in (dev_a, dev_b):
            backend.free(ptr)
        for ptr in (src, dst):
            backend.free_host(ptr)


def test_stream_ops_errors_translate_to_backend_error(backend: Backend) -> None:
    src = backend.malloc_host(64)
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    try:
        with backend.activate(), pytest.raises(ops.errors) as info:
            ops.htod(0, src, 64)  # a null device address: invalid value, not sticky
        error = backend.translate_error(info.value, "copying input 'x' to the device")
        assert isinstance(error, BackendError)
        assert str(error).startswith(
            f"Backend {backend.name!r} (device 0): copying input 'x' to the device failed: "
        )
        with pytest.raises(BackendError, match=r"host-to-device copy of 64 bytes"):
            backend.memcpy_htod_async(0, src, 64, stream)
        backend.synchronize(stream)  # the stream still works after the refused copy
    finally:
        backend.destroy_stream(stream)
        backend.free_host(src)


def test_graph_capture_replays_the_copies_with_new_host_data(backend: Backend) -> None:
    assert isinstance(backend, GraphCapture)
    n = 64 * 1024
    src, dst, dev = backend.malloc_host(n), backend.malloc_host(n), backend.malloc(n)
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    try:
        with backend.activate():
            backend.begin_capture(stream)
            try:
                ops.htod(dev, src, n)
                ops.dtoh(dst, dev, n)
            finally:
                graph = backend.end_capture(stream)
            for value in (3, 9):  # the graph reads the host buffer when it runs, not before
                _host_view(src, n)[:] = value
                _host_view(dst, n)[:] = 0
                backend.launch_graph(graph, stream)
                ops.synchronize()
                assert int(_host_view(dst, n).min()) == int(_host_view(dst, n).max()) == value
        backend.destroy_graph(graph)
        with pytest.raises(BackendError, match="not a live graph"):
            backend.launch_graph(graph, stream)
    finally:
        backend.destroy_stream(stream)
        backend.free(dev)
        backend.free_host(src)
        backend.free_host(dst)


def test_small_pinned_buffers_are_pinned_and_distinct(backend: Backend) -> None:
    n = 16 * 1024
    ptrs = [backend.malloc_host(n) for _ in range(20)]
    dev = backend.malloc(n)
    try:
        for i, ptr in enumerate(ptrs):
            _host_view(ptr, n)[:] = i
        with backend.activate():
            ops = backend.stream_ops(0)
            for i, ptr in enumerate(ptrs[:-1]):
                ops.htod(dev, ptr, n)
                ops.dtoh(ptrs[-1], dev, n)
                ops.synchronize()
                assert int(_host_view(ptrs[-1], n).max()) == i
    finally:
        backend.free(dev)
        for ptr in ptrs:
            backend.free_host(ptr)


def test_a_thread_is_active_after_its_first_guarded_call(backend: Backend) -> None:
    """Hot paths skip activate() where is_active() says so: in a new thread, the device is
    active inside activate(), and stays so afterwards (the primary context is current, as
    after any CUDA runtime call), so later calls there switch nothing."""
    seen: dict[str, bool] = {}

    def work() -> None:
        with backend.activate():
            seen["inside"] = backend.is_active()
        stream = backend.create_stream()
        backend.destroy_stream(stream)
        seen["after"] = backend.is_active()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == {"inside": True, "after": True}


@pytest.mark.parametrize("name", ["pycuda", "torch"])
def test_another_context_is_seen_switched_from_and_restored(name: str) -> None:
    """A thread with a context of its own current (pycuda.autoinit's kind): the driver
    backends report it inactive, a Runner still computes right (switching), and the
    caller's context is current again afterwards."""
    drv = pytest.importorskip("pycuda.driver")
    from _gpu_engine import GPU_STATIC, reference

    import trtcompat as tc
    from trtcompat.testing import build_plan, fake_tensorrt

    backend = get_backend(name)
    drv.init()
    own = drv.Device(0).make_context()  # created and pushed: current in this thread
    try:
        assert not backend.is_active()
        with fake_tensorrt("10"), tc.Runner(
            tc.load_engine(build_plan(GPU_STATIC, "10")), backend=backend
        ) as runner:
            x = np.full((4, 1024), 3, np.float32)
            np.testing.assert_array_equal(runner.infer({"x": x})["y"], reference(x))
            assert not backend.is_active()
        current = ctypes.c_void_p()
        assert ctypes.CDLL("libcuda.so.1").cuCtxGetCurrent(ctypes.byref(current)) == 0
        assert current.value == own.handle
    finally:
        own.pop()
        own.detach()
