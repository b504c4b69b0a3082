"""The backend registry and the host backend, on CPU only (GPU backends: tests/gpu)."""

from __future__ import annotations

import ctypes
import enum
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
import threading
import types
import warnings
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import trtcompat.backends as backends
from trtcompat.backends._base import PinnedPool
from trtcompat.backends._common import CudaArrayView, CudaCallError, check_device, fix_for
from trtcompat.backends._host import HostBackend
from trtcompat.errors import BackendError, BackendUnavailableError, DeviceError

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = {"pycuda": "pycuda", "cuda_python": "cuda", "cupy": "cupy", "torch": "torch"}


@pytest.fixture
def host() -> HostBackend:
    return HostBackend()  # a private instance, so outstanding() counts only this test


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(backends.ENV_VAR, raising=False)
    backends._reset()
    yield
    backends._reset()


def _write(ptr: int, data: bytes) -> None:
    ctypes.memmove(ptr, data, len(data))


# -- host backend -------------------------------------------------------------------------


def test_host_roundtrip_moves_real_bytes(host: HostBackend) -> None:
    payload = bytes(range(256)) * 5 + b"tail"
    n = len(payload)
    src, dst = host.malloc_host(n), host.malloc_host(n)
    dev_a, dev_b = host.malloc(n), host.malloc(n)
    stream = host.create_stream()
    _write(src, payload)
    host.memcpy_htod_async(dev_a, src, n, stream)
    host.memcpy_dtod_async(dev_b, dev_a, n, stream)
    host.memcpy_dtoh_async(dst, dev_b, n, stream)
    host.synchronize(stream)
    assert ctypes.string_at(dst, n) == payload
    assert ctypes.string_at(dev_a, n) == payload


@pytest.mark.parametrize("nbytes", [0, 1, 3, 255, 256, 257, 4097])
def test_host_allocations_are_256_byte_aligned_and_distinct(host: HostBackend, nbytes: int) -> None:
    ptrs = [host.malloc(nbytes) for _ in range(4)] + [host.malloc_host(nbytes) for _ in range(4)]
    assert all(p != 0 and p % 256 == 0 for p in ptrs)
    assert len(set(ptrs)) == len(ptrs)


def test_host_double_free_and_unknown_pointers_raise(host: HostBackend) -> None:
    dev, pinned = host.malloc(64), host.malloc_host(64)
    host.free(dev)
    with pytest.raises(
        BackendError, match=r"^Cannot free\(0x[0-9a-f]+\): not a live device allocation"
    ):
        host.free(dev)
    with pytest.raises(BackendError, match=r"\(it is host memory\)"):
        host.free(pinned)
    with pytest.raises(BackendError, match="free_host"):
        host.free_host(pinned + 8)  # inside an allocation, but not its start
    host.free_host(pinned)
    with pytest.raises(BackendError, match="already freed"):
        host.free_host(pinned)


def test_host_outstanding_counts_device_and_host_allocations(host: HostBackend) -> None:
    assert host.outstanding() == 0
    ptrs = [host.malloc(10), host.malloc(20), host.malloc(0)]
    pinned = [host.malloc_host(5), host.malloc_host(7)]
    assert host.outstanding() == 5
    for p in ptrs:
        host.free(p)
    assert host.outstanding() == 2
    for p in pinned:
        host.free_host(p)
    assert host.outstanding() == 0


def test_host_mem_info_tracks_device_bytes(host: HostBackend) -> None:
    free0, total = host.mem_info()
    assert 0 < free0 <= total
    ptr = host.malloc(1 << 20)
    assert host.mem_info() == (free0 - (1 << 20), total)
    host.free(ptr)
    assert host.mem_info() == (free0, total)


def test_host_rejects_overruns_null_pointers_and_bad_sizes(host: HostBackend) -> None:
    dev, pinned = host.malloc(100), host.malloc_host(200)
    _write(pinned, b"\x07" * 200)
    _write(dev, bytes(100))
    with pytest.raises(
        BackendError, match=r"run past the end of the 100-byte device .*\(by 100 bytes\)"
    ):
        host.memcpy_htod_async(dev, pinned, 200, 0)
    with pytest.raises(BackendError, match="run past the end"):
        host.memcpy_dtoh_async(pinned, dev + 50, 51, 0)
    assert ctypes.string_at(dev, 100) == bytes(100)  # nothing was written
    with pytest.raises(BackendError, match="null pointer"):
        host.memcpy_dtod_async(0, dev, 1, 0)
    with pytest.raises(BackendError, match="non-negative int"):
        host.malloc(-1)
    host.memcpy_dtod_async(0, 0, 0, 0)  # an empty copy touches nothing


def test_host_streams_and_events_are_checked_handles(host: HostBackend) -> None:
    stream, event = host.create_stream(), host.create_event()
    assert stream != event
    assert 0 not in (stream, event)
    host.record_event(event, stream)
    host.event_synchronize(event)
    host.destroy_stream(stream)
    with pytest.raises(BackendError, match="not a live stream"):
        host.synchronize(stream)
    with pytest.raises(BackendError, match="destroy_stream"):
        host.destroy_stream(stream)
    host.destroy_event(event)
    with pytest.raises(BackendError, match=r"event_synchronize\(0x[0-9a-f]+\): not a live event"):
        host.event_synchronize(event)
    host.synchronize(0)  # the default stream always exists


def test_host_device_array_is_zero_copy_and_keeps_owner(host: HostBackend) -> None:
    class Owner:
        pass

    owner = Owner()
    alive = weakref.ref(owner)
    ptr = host.malloc(4 * 6)
    arr = host.device_array(ptr, (2, 3), np.float32, owner)
    del owner
    arr[...] = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert ctypes.string_at(ptr, 24) == np.arange(6, dtype=np.float32).tobytes()
    assert arr.ctypes.data == ptr
    assert alive() is not None
    del arr
    assert alive() is None
    assert host.device_array(ptr, (0, 3), np.float32, None).shape == (0, 3)


def test_host_device_array_bfloat16(host: HostBackend) -> None:
    ml_dtypes = pytest.importorskip("ml_dtypes")
    ptr = host.malloc(8)
    arr = host.device_array(ptr, (4,), ml_dtypes.bfloat16, None)
    arr[:] = [1.0, 2.0, -3.0, 0.5]
    assert ctypes.string_at(ptr, 8) == np.array([1, 2, -3, 0.5], ml_dtypes.bfloat16).tobytes()


def test_host_pointer_device(host: HostBackend) -> None:
    ptr = host.malloc(16)
    assert host.pointer_device(ptr) == host.pointer_device(ptr + 15) == 0
    with pytest.raises(BackendError, match="not inside a live allocation"):
        host.pointer_device(ptr + 16)


def test_host_is_a_backend_and_thread_safe(host: HostBackend) -> None:
    assert isinstance(host, backends.Backend)
    seen: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(200):
            p = host.malloc(32)
            with lock:
                seen.append(p)
            host.free(p)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert host.outstanding() == 0
    assert len(seen) == 1600


def test_host_device_other_than_zero_raises() -> None:
    with pytest.raises(DeviceError) as info:
        HostBackend(1)
    assert re.fullmatch(
        r"Device 1 does not exist: the host backend has 1 device \(index 0\); pass device=0",
        str(info.value),
    )


# -- shared helpers -----------------------------------------------------------------------


def test_cuda_array_view_interface() -> None:
    view = CudaArrayView(0x1000, (2, 3), np.float16, owner="keep")
    assert view.__cuda_array_interface__ == {
        "shape": (2, 3),
        "typestr": "<f2",
        "data": (0x1000, False),
        "strides": None,
        "stream": None,
        "version": 3,
    }
    assert view.nbytes == 12
    assert view.owner == "keep"


def test_check_device_messages() -> None:
    with pytest.raises(DeviceError, match=r"^CUDA device 3 does not exist: 1 device\(s\) visible"):
        check_device("cupy", 3, 1)
    with pytest.raises(DeviceError, match="-1"):
        check_device("cupy", -1, 2)
    with pytest.raises(BackendUnavailableError, match="sees no CUDA device"):
        check_device("cupy", 0, 0)


# -- registry -----------------------------------------------------------------------------

_BLOCK = {  # what to set to None in sys.modules so that importing a library fails
    "pycuda": ("pycuda", "pycuda.driver"),
    "cuda_python": ("cuda", "cuda.bindings", "cuda.bindings.runtime", "cuda.cudart"),
    "cupy": ("cupy", "cupy.cuda"),
    "torch": ("torch",),
}


def _pretend_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *names: str) -> None:
    """Makes find_spec report exactly ``names`` (backend names) as installed."""
    real = importlib.util.find_spec
    (tmp_path / "bindings").mkdir(exist_ok=True)
    (tmp_path / "bindings" / "runtime.py").touch()

    def find_spec(name: str, package: str | None = None) -> Any:
        top = name.split(".")[0]
        if top not in {"pycuda", "cuda", "cupy", "torch"}:
            return real(name, package)
        backend = "cuda_python" if top == "cuda" else top
        if backend not in names:
            return None
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(tmp_path)]  # holds cuda/bindings/
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def _forget(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    """Drops ``module`` from sys.modules for this test; whatever it imports is undone after."""
    monkeypatch.setitem(sys.modules, module, None)  # records the original entry (or none)
    monkeypatch.delitem(sys.modules, module)


def _install(monkeypatch: pytest.MonkeyPatch, name: str, factory: Any) -> None:
    """Makes ``name``'s backend module a fake whose class is ``factory``."""
    record = next(r for r in backends.RECORDS if r.name == name)
    full = "trtcompat.backends" + record.module
    module = types.ModuleType(full)
    setattr(module, record.cls, factory)
    monkeypatch.setitem(sys.modules, full, module)


def _usable(name: str) -> type[HostBackend]:
    return type(f"Fake_{name}", (HostBackend,), {"name": name})


def _raising(exc: Exception) -> Any:
    def factory(device: int) -> HostBackend:
        raise exc

    return factory


@pytest.mark.usefixtures("registry")
def test_unknown_name_lists_valid_names() -> None:
    with pytest.raises(BackendUnavailableError) as info:
        backends.get_backend("nope")
    assert re.fullmatch(
        r"Unknown backend 'nope' \(from name\); "
        r"valid names: pycuda, cuda_python, cupy, torch, host",
        str(info.value),
    )


@pytest.mark.usefixtures("registry")
def test_unknown_env_name_says_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.ENV_VAR, " cuda ")
    with pytest.raises(
        BackendUnavailableError, match=r"^Unknown backend 'cuda' \(from \$TRTCOMPAT"
    ):
        backends.get_backend()


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("pycuda", "pycuda (trtcompat's 'pycuda' extra)"),
        ("cuda_python", "cuda-python (trtcompat's 'cuda' extra)"),
        ("cupy", "cupy-cuda12x (trtcompat's 'cupy' extra)"),
        ("torch", "torch (trtcompat's 'torch' extra)"),
    ],
)
def test_missing_library_names_the_pip_extra(
    monkeypatch: pytest.MonkeyPatch, name: str, extra: str
) -> None:
    for module in _BLOCK[name]:
        monkeypatch.setitem(sys.modules, module, None)
    _forget(monkeypatch, f"trtcompat.backends._{name}")
    with pytest.raises(BackendUnavailableError) as info:
        backends.get_backend(name)
    message = str(info.value)
    assert message.startswith(f"Backend {name!r} needs ")
    assert message.endswith(f"install it with: pip install {extra}")


@pytest.mark.usefixtures("registry")
def test_autodetect_takes_the_first_usable_in_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _pretend_installed(monkeypatch, tmp_path, "pycuda", "cuda_python", "cupy", "torch")
    _install(monkeypatch, "pycuda", _raising(BackendUnavailableError("no driver")))
    _install(monkeypatch, "cuda_python", _raising(BackendUnavailableError("no GPU")))
    for name in ("cupy", "torch"):
        _install(monkeypatch, name, _usable(name))
    assert backends.get_backend().name == "cupy"
    assert backends.get_backend() is backends.get_backend("cupy")  # one shared instance


@pytest.mark.usefixtures("registry")
def test_autodetect_skips_missing_libraries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _pretend_installed(monkeypatch, tmp_path, "torch")
    for name in ("pycuda", "cuda_python", "cupy", "torch"):
        _install(monkeypatch, name, _usable(name))
    assert backends.get_backend().name == "torch"
    assert backends.available_backends() == ["torch", "host"]


@pytest.mark.usefixtures("registry")
def test_env_beats_autodetect_and_name_beats_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _pretend_installed(monkeypatch, tmp_path, "pycuda", "cupy")
    _install(monkeypatch, "pycuda", _usable("pycuda"))
    _install(monkeypatch, "cupy", _usable("cupy"))
    assert backends.get_backend().name == "pycuda"
    monkeypatch.setenv(backends.ENV_VAR, "cupy")
    assert backends.get_backend().name == "cupy"
    assert backends.get_backend("host").name == "host"
    monkeypatch.setenv(backends.ENV_VAR, "")  # empty means unset
    assert backends.get_backend().name == "pycuda"


@pytest.mark.usefixtures("registry")
def test_host_is_autodetected_only_without_a_gpu(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _pretend_installed(monkeypatch, tmp_path, "cupy")  # installed, but its import fails
    for module in _BLOCK["cupy"]:
        monkeypatch.setitem(sys.modules, module, None)
    _forget(monkeypatch, "trtcompat.backends._cupy")
    monkeypatch.setattr(backends, "_gpu_present", lambda: False)
    assert type(backends.get_backend()) is HostBackend
    with pytest.raises(DeviceError, match=r"Device 1 does not exist.*1 device"):
        backends.get_backend(device=1)

    backends._reset()
    monkeypatch.setattr(backends, "_gpu_present", lambda: True)
    with pytest.raises(BackendUnavailableError) as info:
        backends.get_backend()
    message = str(info.value)
    assert "has a GPU but no usable CUDA library" in message
    assert "pycuda: not installed" in message
    assert "cupy: Backend 'cupy' needs" in message
    assert "pip install cuda-python (trtcompat's 'cuda' extra)" in message


@pytest.mark.usefixtures("registry")
def test_device_error_stops_autodetection(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _pretend_installed(monkeypatch, tmp_path, "pycuda", "cupy")
    _install(monkeypatch, "pycuda", _raising(DeviceError("CUDA device 5 does not exist")))
    _install(monkeypatch, "cupy", _usable("cupy"))
    with pytest.raises(DeviceError, match="device 5"):
        backends.get_backend(device=5)


@pytest.mark.usefixtures("registry")
def test_explicit_host_device_1_raises() -> None:
    with pytest.raises(
        DeviceError, match=r"^Device 1 does not exist: the host backend has 1 device"
    ):
        backends.get_backend("host", device=1)


@pytest.mark.usefixtures("registry")
def test_instances_are_created_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    gate = threading.Barrier(8)

    class Slow(HostBackend):
        name = "torch"

        def __init__(self, device: int = 0) -> None:
            made.append(device)
            threading.Event().wait(0.05)  # widen the race window
            super().__init__(device)

    _install(monkeypatch, "torch", Slow)
    got: list[object] = []

    def call() -> None:
        gate.wait()
        got.append(backends.get_backend("torch"))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert made == [0]
    assert len(got) == 8
    assert all(b is got[0] for b in got)
    backends._reset()
    assert backends.get_backend("torch") is not got[0]


def test_importing_backends_imports_no_cuda_library() -> None:
    code = """
import sys
startup = set(sys.modules)  # a .pth may import `cuda` at start (cuda-bindings 12.9)
watched = {"pycuda", "cupy", "torch", "cuda"}
asked = []
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in watched:
            asked.append(name)
        return None
sys.meta_path.insert(0, Watch())
import trtcompat.backends as b
assert not asked, asked
b.available_backends()
b.get_backend("host").malloc(8)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in watched and m not in startup)
assert not loaded, loaded
print("ok")
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(backends.ENV_VAR, None)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


# -- cuda_python backend logic, against a fake runtime -----------------------------------


class _Err(enum.IntEnum):
    cudaSuccess = 0
    cudaErrorInvalidValue = 1
    cudaErrorMemoryAllocation = 2


class _Exec(int):
    """cuda-python's ``cudaGraphExec_t``: an object whose int() is the handle."""


class _FakeCudart:
    """Just enough of cuda.bindings.runtime, on process memory, to drive the backend."""

    cudaError_t = _Err
    cudaMemcpyKind = enum.IntEnum(
        "cudaMemcpyKind", "cudaMemcpyHostToDevice cudaMemcpyDeviceToHost cudaMemcpyDeviceToDevice"
    )
    cudaEventDisableTiming = 2
    cudaStreamCaptureMode = enum.IntEnum("cudaStreamCaptureMode", "cudaStreamCaptureModeThreadLocal")

    def __init__(self) -> None:
        self.buffers: dict[int, Any] = {}
        self.device_calls: list[int] = []
        self.copies: list[tuple[int, int]] = []
        self.synced: list[int] = []
        self.graphs: list[tuple[Any, ...]] = []

    def cudaGetDeviceCount(self) -> tuple[_Err, int]:
        return _Err.cudaSuccess, 1

    def cudaGetDevice(self) -> tuple[_Err, int]:
        return _Err.cudaSuccess, 0

    def cudaSetDevice(self, device: int) -> tuple[_Err]:
        self.device_calls.append(device)
        return (_Err.cudaSuccess,)

    def cudaMalloc(self, size: int) -> tuple[_Err, int | None]:
        if size > 1 << 30:
            return _Err.cudaErrorMemoryAllocation, None
        buf = ctypes.create_string_buffer(size)
        self.buffers[ctypes.addressof(buf)] = buf
        return _Err.cudaSuccess, ctypes.addressof(buf)

    cudaMallocHost = cudaMalloc

    def cudaFree(self, ptr: int) -> tuple[_Err]:
        found = self.buffers.pop(ptr, None) is not None
        return (_Err.cudaSuccess if found else _Err.cudaErrorInvalidValue,)

    cudaFreeHost = cudaFree

    def cudaMemcpyAsync(self, dst: int, src: int, n: int, kind: int, stream: int) -> tuple[_Err]:
        if not dst or not src:
            return (_Err.cudaErrorInvalidValue,)
        self.copies.append((int(kind), stream))
        ctypes.memmove(dst, src, n)
        return (_Err.cudaSuccess,)

    def cudaStreamSynchronize(self, stream: int) -> tuple[_Err]:
        self.synced.append(stream)
        return (_Err.cudaSuccess if stream != 0xBAD else _Err.cudaErrorInvalidValue,)

    def cudaMemGetInfo(self) -> tuple[_Err, int, int]:
        return _Err.cudaSuccess, 100, 200

    def cudaStreamBeginCapture(self, stream: int, mode: int) -> tuple[_Err]:
        self.graphs.append(("begin", stream))
        return (_Err.cudaSuccess,)

    def cudaStreamEndCapture(self, stream: int) -> tuple[_Err, object]:
        self.graphs.append(("end", stream))
        return _Err.cudaSuccess, "graph"

    def cudaGraphInstantiate(self, graph: object, flags: int) -> tuple[_Err, _Exec]:
        return _Err.cudaSuccess, _Exec(0x7100)

    def cudaGraphDestroy(self, graph: object) -> tuple[_Err]:
        return (_Err.cudaSuccess,)

    def cudaGraphLaunch(self, executable: object, stream: int) -> tuple[_Err]:
        self.graphs.append(("launch", executable, stream))
        return (_Err.cudaSuccess if stream != 0xBAD else _Err.cudaErrorInvalidValue,)

    def cudaGraphExecDestroy(self, executable: object) -> tuple[_Err]:
        self.graphs.append(("exec_destroy", executable))
        return (_Err.cudaSuccess,)

    def cudaGetErrorString(self, err: _Err) -> tuple[_Err, bytes]:
        return _Err.cudaSuccess, {2: b"out of memory"}.get(int(err), b"invalid argument")


def _use_fake_cudart(
    monkeypatch: pytest.MonkeyPatch, *, old_layout: bool, fake: _FakeCudart | None = None
) -> _FakeCudart:
    fake = fake or _FakeCudart()
    cuda = types.ModuleType("cuda")
    if old_layout:  # cuda-python < 12.6.1: ``from cuda import cudart``, deprecated since

        def __getattr__(name: str) -> Any:
            warnings.warn("cuda.cudart is deprecated", DeprecationWarning, stacklevel=2)
            return fake

        cuda.__getattr__ = __getattr__  # type: ignore[method-assign]
        monkeypatch.setitem(sys.modules, "cuda.bindings", None)
    else:
        bindings = types.ModuleType("cuda.bindings")
        bindings.runtime = fake  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "cuda.bindings", bindings)
    monkeypatch.setitem(sys.modules, "cuda", cuda)
    _forget(monkeypatch, "trtcompat.backends._cuda_python")
    return fake


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("old_layout", [False, True])
def test_cuda_python_backend_on_fake_runtime(
    monkeypatch: pytest.MonkeyPatch, old_layout: bool
) -> None:
    fake = _use_fake_cudart(monkeypatch, old_layout=old_layout)
    backend = backends.get_backend("cuda_python")
    assert backend.name == "cuda_python"
    assert backend.mem_info() == (100, 200)
    host, dev = backend.malloc_host(16), backend.malloc(16)
    _write(host, b"0123456789abcdef")
    backend.memcpy_htod_async(dev, host, 16, 0)
    assert ctypes.string_at(dev, 16) == b"0123456789abcdef"
    assert fake.device_calls == []  # device 0 was already current: no cudaSetDevice
    backend.free(dev)
    with pytest.raises(BackendError, match="already freed"):
        backend.free(dev)
    with pytest.raises(BackendError) as info:
        backend.malloc(2 << 30)
    assert re.fullmatch(
        r"Backend 'cuda_python' \(device 0\): malloc\(2147483648 bytes\) failed: cudaMalloc "
        r"returned cudaErrorMemoryAllocation \(out of memory\)\. Free device memory .*",
        str(info.value),
    )
    with pytest.raises(DeviceError, match=r"device 1 does not exist: 1 device\(s\)"):
        backends.get_backend("cuda_python", device=1)


class _NoDriverCudart(_FakeCudart):
    """cuda-python 11.8 to 12.8 without libcuda: the first call raises the dlopen failure,
    every later one that a function is missing (measured; tests/real_cuda_python runs the
    real ones)."""

    def __init__(self) -> None:
        super().__init__()
        self.probes = 0

    def cudaGetDeviceCount(self) -> tuple[_Err, int]:
        self.probes += 1
        if self.probes == 1:
            raise RuntimeError("Failed to dlopen libcuda.so.1")
        raise RuntimeError('Function "cuInit" not found')


@pytest.mark.usefixtures("registry")
def test_cuda_python_that_cannot_load_the_driver_is_unavailable_with_its_first_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _NoDriverCudart()
    _use_fake_cudart(monkeypatch, old_layout=True, fake=fake)
    for _ in range(2):
        with pytest.raises(BackendUnavailableError) as info:
            backends.get_backend("cuda_python")
        assert str(info.value) == (
            "Backend 'cuda_python' cannot use CUDA: cuda-python could not load the CUDA driver "
            "(Failed to dlopen libcuda.so.1); check the NVIDIA driver with nvidia-smi"
        )
    assert fake.probes == 1  # the library is not asked again: it would only say "cuInit"
    # the default skips it and, with no GPU on the machine, takes the host backend
    monkeypatch.setattr(backends, "_installed", lambda name: name in ("cuda_python", "host"))
    monkeypatch.setattr(backends, "_gpu_present", lambda: False)
    assert backends.get_backend().name == "host"


@pytest.mark.usefixtures("registry")
def test_cuda_python_stream_ops_are_bound_and_raise_on_error_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _use_fake_cudart(monkeypatch, old_layout=False)
    backend = backends.get_backend("cuda_python")
    ops = backend.stream_ops(0x51)
    assert isinstance(ops, backends.StreamOps)
    assert backend.stream_ops(0x51) is ops  # built once per stream
    src, dst = backend.malloc_host(8), backend.malloc(8)
    _write(src, b"stream!!")
    with backend.activate():
        ops.htod(dst, src, 8)
        ops.dtoh(src, dst, 4)
        ops.dtod(dst, dst, 8)
        ops.synchronize()
    assert ctypes.string_at(dst, 8) == b"stream!!"
    kinds = fake.cudaMemcpyKind
    assert fake.copies == [
        (int(kinds.cudaMemcpyHostToDevice), 0x51),
        (int(kinds.cudaMemcpyDeviceToHost), 0x51),
        (int(kinds.cudaMemcpyDeviceToDevice), 0x51),
    ]
    assert fake.synced == [0x51]
    with pytest.raises(ops.errors) as info:  # a code, not an exception, from the library
        ops.htod(0, src, 8)
    assert isinstance(info.value, CudaCallError)
    assert info.value.call == "cudaMemcpyAsync"
    error = backend.translate_error(info.value, "copying input 'x' to the device")
    assert isinstance(error, BackendError)
    assert re.fullmatch(
        r"Backend 'cuda_python' \(device 0\): copying input 'x' to the device failed: "
        r"cudaMemcpyAsync returned cudaErrorInvalidValue \(invalid argument\)\. Check that "
        r"both addresses are live allocations on this device and that the byte count fits "
        r"both\.",
        str(error),
    )
    # the guarded method says the same, with the copy's own words
    with pytest.raises(BackendError, match=r"host-to-device copy of 8 bytes .* failed: "):
        backend.memcpy_htod_async(0, src, 8, 0x51)
    with pytest.raises(BackendError, match=r"synchronize\(stream 0xbad\) failed"):
        backend.synchronize(0xBAD)


# -- StreamOps of the host backend and the driver-API backends ----------------------------


def test_host_stream_ops_copy_and_keep_the_checks(host: HostBackend) -> None:
    stream = host.create_stream()
    ops = host.stream_ops(stream)
    assert isinstance(ops, backends.StreamOps)
    assert ops.errors == (BackendError,)
    src, dev, dst = host.malloc_host(16), host.malloc(16), host.malloc_host(16)
    _write(src, b"0123456789abcdef")
    ops.htod(dev, src, 16)
    ops.dtod(dev + 8, dev, 8)
    ops.dtoh(dst, dev, 16)
    ops.synchronize()
    assert ctypes.string_at(dst, 16) == b"0123456701234567"
    with pytest.raises(ops.errors) as info:
        ops.htod(dev, src, 17)  # one byte past both allocations
    error = host.translate_error(info.value, "copying input 'x'")
    assert str(error).startswith("Backend 'host' (device 0): copying input 'x' failed: Cannot ")
    host.destroy_stream(stream)
    with pytest.raises(BackendError, match="not a live stream"):
        ops.synchronize()


class _FakeLib:
    """A LibCuda stand-in: each function records its call and returns a CUresult."""

    def __init__(self, fail: int = 0, answers: list[int] | None = None) -> None:
        self.calls: list[tuple[str, tuple[int, ...]]] = []
        self.fail = fail
        self.answers = iter(answers or [])  # results for the first calls, then ``fail``

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any) -> int:
            # the round trip's bare functions get ctypes instances, the others plain ints
            values = tuple(getattr(a, "value", a) for a in args)
            self.calls.append((name, values))
            if name.startswith("cuMemcpy"):
                ctypes.memmove(values[0], values[1], values[2])
            return next(self.answers, self.fail)

        return call

    @property
    def bare(self) -> dict[str, Any]:
        names = ("cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2", "cuStreamSynchronize",
                 "cuGraphLaunch")
        return {name: getattr(self, name) for name in names}

    def describe(self, code: int) -> str:
        return {1: "CUDA_ERROR_INVALID_VALUE (invalid argument)"}.get(code, f"CUresult {code}")


def test_driver_stream_ops_bind_the_stream_and_raise_on_cuda_results() -> None:
    from trtcompat.backends._driver import bind_stream_ops

    lib = _FakeLib()
    ops = bind_stream_ops(lib, 0x77)  # type: ignore[arg-type]
    a, b = ctypes.create_string_buffer(b"abcd", 4), ctypes.create_string_buffer(4)
    ops.htod(ctypes.addressof(b), ctypes.addressof(a), 4)
    ops.synchronize()
    assert b.raw == b"abcd"
    assert lib.calls == [
        ("cuMemcpyHtoDAsync_v2", (ctypes.addressof(b), ctypes.addressof(a), 4, 0x77)),
        ("cuStreamSynchronize", (0x77,)),
    ]
    failing = bind_stream_ops(_FakeLib(fail=1), 0x77)  # type: ignore[arg-type]
    for name, call in [
        ("cuMemcpyDtoHAsync", lambda: failing.dtoh(1, 2, 0)),
        ("cuMemcpyDtoDAsync", lambda: failing.dtod(1, 2, 0)),
        ("cuStreamSynchronize", failing.synchronize),
    ]:
        with pytest.raises(failing.errors) as info:
            call()
        assert isinstance(info.value, CudaCallError)
        assert (info.value.call, int(info.value.code)) == (name, 1)


# -- round trips: the copies, the launch and the synchronize as one call --------------------


def _check_round_trip(ops: Any, src: int, dev: int, dst: int) -> None:
    """``ops.round_trip`` copies in before the launch, out after it, hands the launch its
    argument, and copies nothing out when the launch refuses."""
    _write(src, b"roundtrp")
    _write(dst, b"........")
    seen: list[tuple[Any, bytes, bytes]] = []

    def launch(arg: Any) -> bool:
        seen.append((arg, ctypes.string_at(dev, 8), ctypes.string_at(dst, 8)))
        return True

    work = ops.round_trip([(dev, src, 8)], launch, [(dst, dev, 8)])
    assert work("context") is True
    assert seen == [("context", b"roundtrp", b"........")]  # in before, out after
    assert ctypes.string_at(dst, 8) == b"roundtrp"
    _write(dst, b"........")
    _write(src, b"refused!")
    refused = ops.round_trip([(dev, src, 8)], lambda arg: False, [(dst, dev, 8)])
    assert refused(None) is False
    assert ctypes.string_at(dev, 8) == b"refused!"
    assert ctypes.string_at(dst, 8) == b"........"  # nothing after a refused launch


def test_host_round_trip_keeps_the_checked_copies(host: HostBackend) -> None:
    stream = host.create_stream()
    ops = host.stream_ops(stream)
    src, dev, dst = host.malloc_host(8), host.malloc(8), host.malloc_host(8)
    _check_round_trip(ops, src, dev, dst)
    work = ops.round_trip([(dev, src, 9)], lambda arg: True, [])  # one byte past both
    with pytest.raises(ops.errors, match="Cannot "):
        work(None)


def test_driver_round_trip_binds_converted_arguments_and_checks_every_result() -> None:
    from trtcompat.backends._driver import bind_stream_ops

    lib = _FakeLib()
    ops = bind_stream_ops(lib, 0x77)  # type: ignore[arg-type]
    bufs = [ctypes.create_string_buffer(8) for _ in range(3)]
    src, dev, dst = (ctypes.addressof(b) for b in bufs)
    _check_round_trip(ops, src, dev, dst)
    assert lib.calls[:3] == [
        ("cuMemcpyHtoDAsync_v2", (dev, src, 8, 0x77)),
        ("cuMemcpyDtoHAsync_v2", (dst, dev, 8, 0x77)),
        ("cuStreamSynchronize", (0x77,)),
    ]
    assert [name for name, _ in lib.calls[3:]] == ["cuMemcpyHtoDAsync_v2"]  # refused: no more
    del lib.calls[:]
    assert ops.round_trip([(dev, src, 8)], lambda arg: True, [(dst, dev, 8)], wait=False)(0)
    assert [name for name, _ in lib.calls] == ["cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2"]
    for fail_on, call in [(0, "cuMemcpyHtoDAsync"), (1, "cuMemcpyDtoHAsync"),
                          (2, "cuStreamSynchronize")]:
        failing = _FakeLib(answers=[0] * fail_on + [1])  # the call number fail_on fails
        ops = bind_stream_ops(failing, 0x77)  # type: ignore[arg-type]
        work = ops.round_trip([(dev, src, 8)], lambda arg: True, [(dst, dev, 8)])
        with pytest.raises(CudaCallError) as info:
            work(None)
        assert (info.value.call, int(info.value.code)) == (call, 1)
        assert len(failing.calls) == fail_on + 1  # nothing after the failed call


@pytest.mark.usefixtures("registry")
def test_cuda_python_round_trip_checks_every_code(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _use_fake_cudart(monkeypatch, old_layout=False)
    backend = backends.get_backend("cuda_python")
    ops = backend.stream_ops(0x51)
    src, dev, dst = backend.malloc_host(8), backend.malloc(8), backend.malloc_host(8)
    with backend.activate():
        _check_round_trip(ops, src, dev, dst)
    kinds = fake.cudaMemcpyKind
    assert fake.copies == [
        (int(kinds.cudaMemcpyHostToDevice), 0x51),
        (int(kinds.cudaMemcpyDeviceToHost), 0x51),
        (int(kinds.cudaMemcpyHostToDevice), 0x51),  # refused: nothing after
    ]
    assert fake.synced == [0x51]
    with backend.activate():
        assert ops.round_trip([(dev, src, 8)], bool, [(dst, dev, 8)], wait=False)(1)
    assert fake.synced == [0x51]  # enqueued only
    for uploads, downloads in [([(0, src, 8)], []), ([], [(0, dev, 8)])]:
        work = ops.round_trip(uploads, lambda arg: True, downloads)
        with pytest.raises(CudaCallError, match="cudaMemcpyAsync"):
            work(None)
    with pytest.raises(CudaCallError, match="cudaStreamSynchronize"):
        backend.stream_ops(0xBAD).round_trip([], lambda arg: True, [])(None)


@pytest.mark.usefixtures("registry")
def test_cupy_round_trip_copies_and_synchronizes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_cupy(monkeypatch)
    backend = backends.get_backend("cupy")
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    src, dev, dst = backend.malloc_host(8), backend.malloc(8), backend.malloc_host(8)
    with backend.activate():
        _check_round_trip(ops, src, dev, dst)
        with pytest.raises(ops.errors, match="cudaErrorInvalidValue"):
            ops.round_trip([(0, src, 8)], lambda arg: True, [])(None)
    assert fake.log["sync"] == [stream]  # once: not after the refused launch
    with backend.activate():
        assert ops.round_trip([(dev, src, 8)], bool, [(dst, dev, 8)], wait=False)(1)
    assert fake.log["sync"] == [stream]  # enqueued only


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("count", [1, 2])
def test_runtime_backends_is_active_queries_only_with_several_devices(
    monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """With one visible device a runtime-API thread is always on it: no cudaGetDevice per
    call. With several, the query decides."""
    current = [1]
    queried: list[str] = []
    cupy = _fake_cupy(monkeypatch).runtime
    monkeypatch.setattr(cupy, "getDeviceCount", lambda: count)
    monkeypatch.setattr(cupy, "getDevice", lambda: queried.append("cupy") or current[0])
    cudart = _use_fake_cudart(monkeypatch, old_layout=False)
    monkeypatch.setattr(cudart, "cudaGetDeviceCount", lambda: (_Err.cudaSuccess, count))
    monkeypatch.setattr(
        cudart, "cudaGetDevice",
        lambda: queried.append("cuda_python") or (_Err.cudaSuccess, current[0]),
    )
    for name in ("cupy", "cuda_python"):
        backend = backends.get_backend(name, device=0)
        del queried[:]
        assert backend.is_active() is (count == 1)  # device 1 is current
        current[0] = 0
        assert backend.is_active() is True
        current[0] = 1
        assert queried == ([] if count == 1 else [name, name])


# -- graph replays: a captured graph's launch and the synchronize as one call --------------


def test_driver_graph_replay_binds_converted_arguments_and_checks_every_result() -> None:
    from trtcompat.backends._driver import bind_stream_ops

    lib = _FakeLib()
    ops = bind_stream_ops(lib, 0x77)  # type: ignore[arg-type]
    replay = ops.graph_replay(0x9000)
    replay()
    replay()
    assert lib.calls == [
        ("cuGraphLaunch", (0x9000, 0x77)),
        ("cuStreamSynchronize", (0x77,)),
    ] * 2
    del lib.calls[:]
    ops.graph_replay(0x9000, wait=False)()
    assert lib.calls == [("cuGraphLaunch", (0x9000, 0x77))]  # launched, not waited for
    for fail_on, call in [(0, "cuGraphLaunch"), (1, "cuStreamSynchronize")]:
        failing = _FakeLib(answers=[0] * fail_on + [1])
        with pytest.raises(CudaCallError) as info:
            bind_stream_ops(failing, 0x77).graph_replay(0x9000)()  # type: ignore[arg-type]
        assert (info.value.call, int(info.value.code)) == (call, 1)
        assert len(failing.calls) == fail_on + 1  # nothing after the failed call


@pytest.mark.usefixtures("registry")
def test_cuda_python_graph_replay_launches_the_executable_and_checks_codes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = _use_fake_cudart(monkeypatch, old_layout=False)
    backend = backends.get_backend("cuda_python")
    assert isinstance(backend, backends.GraphCapture)
    backend.begin_capture(0x51)
    graph = backend.end_capture(0x51)
    ops = backend.stream_ops(0x51)
    with backend.activate():
        ops.graph_replay(graph)()
        ops.graph_replay(graph, wait=False)()
    launches = [entry for entry in fake.graphs if entry[0] == "launch"]
    assert launches == [("launch", 0x7100, 0x51)] * 2
    assert all(type(entry[1]) is _Exec for entry in launches)  # its own object, not the int
    assert fake.synced == [0x51]  # the second replay did not wait
    with pytest.raises(CudaCallError, match="cudaGraphLaunch"):
        backend.stream_ops(0xBAD).graph_replay(graph)()
    assert fake.synced == [0x51]  # nothing after the failed launch
    backend.destroy_graph(graph)
    with pytest.raises(BackendError, match=r"^Cannot graph_replay\(0x7100\): not a live graph"):
        ops.graph_replay(graph)


@pytest.mark.usefixtures("registry")
def test_cupy_graph_replay_launches_and_synchronizes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_cupy(monkeypatch)
    backend = backends.get_backend("cupy")
    stream = backend.create_stream()
    backend.begin_capture(stream)
    graph = backend.end_capture(stream)
    ops = backend.stream_ops(stream)
    with backend.activate():
        ops.graph_replay(graph)()
        ops.graph_replay(graph, wait=False)()
    assert fake.log["graph"][-2:] == [("launch", 0x7000, stream)] * 2
    assert fake.log["sync"] == [stream]  # the second replay did not wait


def test_stream_ops_without_a_graph_replay_get_one_from_launch_graph(host: HostBackend) -> None:
    from trtcompat.runtime._streamops import graph_replay

    calls: list[Any] = []
    own = backends.BoundStreamOps(  # the default: launch_graph, then synchronize
        *(lambda *a: None,) * 3, lambda: calls.append("sync"), (), calls.append
    )
    third_party = types.SimpleNamespace(  # a StreamOps written before graph replays existed
        launch_graph=calls.append, synchronize=lambda: calls.append("sync")
    )
    for ops in (own, third_party):
        graph_replay(ops, 0x10)()
        graph_replay(ops, 0x20, wait=False)()
        assert calls == [0x10, "sync", 0x20]
        del calls[:]
    refused = host.stream_ops(host.create_stream()).graph_replay(0x30)  # no graphs here
    with pytest.raises(BackendError, match="cannot launch CUDA graphs"):
        refused()


def test_stream_ops_without_a_round_trip_get_one_from_their_copies(host: HostBackend) -> None:
    from trtcompat.runtime._streamops import round_trip

    stream = host.create_stream()
    own = host.stream_ops(stream)
    synced: list[str] = []
    third_party = types.SimpleNamespace(  # a StreamOps written before round trips existed
        htod=own.htod, dtoh=own.dtoh, synchronize=lambda: synced.append("sync")
    )
    src, dev, dst = host.malloc_host(8), host.malloc(8), host.malloc_host(8)
    _write(src, b"3rdparty")
    assert round_trip(third_party, [(dev, src, 8)], bool, [(dst, dev, 8)])(1) is True
    assert ctypes.string_at(dst, 8) == b"3rdparty"
    assert synced == ["sync"]
    _write(src, b"no wait!")
    assert round_trip(third_party, [(dev, src, 8)], bool, [(dst, dev, 8)], wait=False)(1)
    assert ctypes.string_at(dst, 8) == b"no wait!"
    assert synced == ["sync"]  # copied, not synchronized


# -- the shared base class, on a fake CuPy ------------------------------------------------


class _CudaRuntimeError(RuntimeError):
    pass


def _fake_cupy(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """A ``cupy`` whose ``cuda.runtime`` works on process memory and records what it did."""
    log: dict[str, list[Any]] = {"hostAlloc": [], "freeHost": [], "graph": [], "sync": []}
    buffers: dict[int, Any] = {}

    def alloc(size: int, *flags: int) -> int:
        if size > 1 << 30:
            raise _CudaRuntimeError("cudaErrorMemoryAllocation: out of memory")
        buf = ctypes.create_string_buffer(size + 256)
        ptr = ctypes.addressof(buf) + (-ctypes.addressof(buf) % 256)
        buffers[ptr] = buf
        return ptr

    def host_alloc(size: int, flags: int) -> int:
        log["hostAlloc"].append(size)
        return alloc(size)

    def free_host(ptr: int) -> None:
        log["freeHost"].append(ptr)
        del buffers[ptr]

    def memcpy(dst: int, src: int, n: int, kind: int, stream: int) -> None:
        if not dst or not src:
            raise _CudaRuntimeError("cudaErrorInvalidValue: invalid argument")
        ctypes.memmove(dst, src, n)

    def sync(stream: int) -> None:
        log["sync"].append(stream)

    def end_capture(stream: int) -> int:
        log["graph"].append(("end", stream))
        return 0x6000

    runtime = types.SimpleNamespace(
        CUDARuntimeError=_CudaRuntimeError,
        getDeviceCount=lambda: 1,
        getDevice=lambda: 0,
        setDevice=lambda d: None,
        memcpyHostToDevice=1,
        memcpyDeviceToHost=2,
        memcpyDeviceToDevice=3,
        memcpyAsync=memcpy,
        streamSynchronize=sync,
        malloc=alloc,
        free=lambda ptr: buffers.pop(ptr),
        hostAlloc=host_alloc,
        freeHost=free_host,
        streamCreate=lambda: 0x5100,
        streamDestroy=lambda s: None,
        streamCaptureModeThreadLocal=1,
        streamBeginCapture=lambda s, mode: log["graph"].append(("begin", s, mode)),
        streamEndCapture=end_capture,
        graphInstantiate=lambda g: 0x7000,
        graphDestroy=lambda g: log["graph"].append(("destroy", g)),
        graphLaunch=lambda g, s: log["graph"].append(("launch", g, s)),
        graphExecDestroy=lambda g: log["graph"].append(("exec_destroy", g)),
        memGetInfo=lambda: (100, 200),
    )
    cuda = types.ModuleType("cupy.cuda")
    cuda.runtime = runtime  # type: ignore[attr-defined]
    cupy = types.ModuleType("cupy")
    cupy.cuda = cuda  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    monkeypatch.setitem(sys.modules, "cupy.cuda", cuda)
    _forget(monkeypatch, "trtcompat.backends._cupy")
    return types.SimpleNamespace(log=log, runtime=runtime)


@pytest.mark.usefixtures("registry")
def test_cupy_stream_ops_and_graphs_on_a_fake_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_cupy(monkeypatch)
    backend = backends.get_backend("cupy")
    assert isinstance(backend, backends.Backend)
    assert isinstance(backend, backends.GraphCapture)
    stream = backend.create_stream()
    ops = backend.stream_ops(stream)
    assert ops.errors == (_CudaRuntimeError,)
    src, dev, dst = backend.malloc_host(8), backend.malloc(8), backend.malloc_host(8)
    _write(src, b"cupy-ops")
    with backend.activate():
        ops.htod(dev, src, 8)
        ops.dtoh(dst, dev, 8)
        ops.synchronize()
    assert ctypes.string_at(dst, 8) == b"cupy-ops"
    assert fake.log["sync"] == [stream]
    with pytest.raises(ops.errors) as info:
        ops.dtod(0, dev, 8)
    assert re.fullmatch(
        r"Backend 'cupy' \(device 0\): copying output 'y' failed: cudaErrorInvalidValue: "
        r"invalid argument\. Check that both addresses .*\.",
        str(backend.translate_error(info.value, "copying output 'y'")),
    )
    with pytest.raises(BackendError, match=r"^Backend 'cupy' \(device 0\): malloc\(2147483648"):
        backend.malloc(2 << 30)
    backend.begin_capture(stream)
    graph = backend.end_capture(stream)
    backend.launch_graph(graph, stream)
    backend.destroy_graph(graph)
    assert fake.log["graph"] == [
        ("begin", stream, 1),
        ("end", stream),
        ("destroy", 0x6000),  # the graph is freed once instantiated
        ("launch", 0x7000, stream),
        ("exec_destroy", 0x7000),
    ]
    with pytest.raises(BackendError, match=r"^Cannot launch_graph\(0x7000\): not a live graph"):
        backend.launch_graph(graph, stream)
    backend.destroy_stream(stream)
    assert backend.stream_ops(stream) is not ops  # a destroyed stream's ops are forgotten


@pytest.mark.usefixtures("registry")
def test_small_pinned_buffers_share_one_pinned_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _fake_cupy(monkeypatch)
    backend = backends.get_backend("cupy")
    sizes = [16 << 10] * 20 + [1, 255, 257]
    ptrs = [backend.malloc_host(n) for n in sizes]
    assert fake.log["hostAlloc"] == [PinnedPool.CHUNK]  # 23 buffers, one pinning call
    assert all(p % 256 == 0 for p in ptrs)
    ends = sorted((p, p + n) for p, n in zip(ptrs, sizes))
    assert all(a_end <= b for (_, a_end), (b, _) in zip(ends, ends[1:]))  # no overlap
    big = backend.malloc_host(PinnedPool.SMALL + 1)  # large buffers are pinned on their own
    assert fake.log["hostAlloc"] == [PinnedPool.CHUNK, PinnedPool.SMALL + 1]
    for p in ptrs:
        backend.free_host(p)
    backend.free_host(big)
    assert fake.log["freeHost"] == [big]  # the emptied chunk is kept for the next buffers
    again = backend.malloc_host(64)
    assert fake.log["hostAlloc"] == [PinnedPool.CHUNK, PinnedPool.SMALL + 1]
    assert again == min(ptrs)  # carved from the start of the kept chunk
    with pytest.raises(BackendError, match="already freed"):
        backend.free_host(ptrs[1])
    backend.free_host(again)


def test_pinned_pool_unpins_a_full_chunk_once_it_empties() -> None:
    pinned: list[int] = []
    unpinned: list[int] = []
    keep: list[Any] = []

    def alloc(size: int) -> tuple[int, object]:
        buf = ctypes.create_string_buffer(size)
        keep.append(buf)
        pinned.append(ctypes.addressof(buf))
        return ctypes.addressof(buf), buf

    pool = PinnedPool(alloc, lambda ptr, owner: unpinned.append(ptr))
    per_chunk = PinnedPool.CHUNK // PinnedPool.SMALL
    first = [pool.allocate(PinnedPool.SMALL) for _ in range(per_chunk)]
    second = pool.allocate(100)  # does not fit: a second chunk becomes the current one
    assert len(pinned) == 2
    for p in first:
        assert pool.owns(p)
        pool.release(p)
    assert unpinned == [pinned[0]]  # the retired chunk went back as soon as it emptied
    pool.release(second)
    assert unpinned == [pinned[0]]  # the current chunk stays for reuse ...
    pool.drain()
    assert unpinned == [pinned[0], pinned[1]]  # ... until drained


def test_fix_for_names_a_remedy_per_failure_kind() -> None:
    assert fix_for("cudaErrorMemoryAllocation (out of memory)").startswith("Free device memory")
    assert fix_for("CUDA_ERROR_INVALID_VALUE (invalid argument)").startswith("Check that both")
    assert "backend.activate()" in fix_for("CUDA_ERROR_INVALID_CONTEXT (invalid device context)")
    assert "capture" in fix_for("cudaErrorStreamCaptureUnsupported (operation not permitted)")
    assert fix_for("something new").startswith("Check the arguments")


# -- what the registry reports ---------------------------------------------------------------


def _cuda_namespace(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        if name != "cuda":
            return real(name, package)
        spec = importlib.machinery.ModuleSpec("cuda", None, is_package=True)
        spec.submodule_search_locations = [str(folder)]
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ((), False),  # an empty ``cuda`` namespace
        (("core/__init__.py", "pathfinder/__init__.py"), False),  # cuda-core, cuda-pathfinder
        (("bindings/__init__.py", "bindings/_version.py"), False),  # no runtime module
        (("bindings/runtime.cpython-312-x86_64-linux-gnu.so",), True),  # cuda-python >= 12.6.1
        (("cudart.cpython-310-x86_64-linux-gnu.so",), True),  # cuda-python < 12.6.1
    ],
)
def test_cuda_python_counts_only_with_its_runtime_module(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, files: tuple[str, ...], expected: bool
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).touch()
    _cuda_namespace(monkeypatch, tmp_path)
    assert ("cuda_python" in backends.available_backends()) is expected


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ({"/dev/nvidia0"}, True),
        ({"/dev/nvhost-ctrl-gpu"}, True),  # Jetson
        ({"/dev/dxg"}, False),  # WSL 2 with a GPU of another vendor
        ({"/dev/dxg", "/usr/lib/wsl/lib/libcuda.so.1"}, True),  # WSL 2 with NVIDIA's driver
        (set(), False),
    ],
)
def test_gpu_present_reads_device_nodes_and_wsl_driver(
    monkeypatch: pytest.MonkeyPatch, paths: set[str], expected: bool
) -> None:
    import fnmatch

    monkeypatch.setattr(
        backends.glob, "glob", lambda pattern: [p for p in paths if fnmatch.fnmatch(p, pattern)]
    )
    monkeypatch.setattr(backends.os.path, "exists", lambda path: path in paths)
    assert backends.gpu_present() is expected


def test_free_drops_the_owner_before_the_after_free_hook() -> None:
    """torch empties its cache in that hook: a tensor still referenced would stay cached."""
    from trtcompat.backends._base import CudaBackendBase

    class Owner:
        pass

    seen: list[bool] = []

    class Minimal(CudaBackendBase):
        name = "minimal"

        def _lib_device_count(self) -> int:
            return 1

        def _lib_enter_device(self) -> None:
            return None

        def _lib_leave_device(self, token: None) -> None:
            return None

        def _lib_malloc(self, size: int) -> tuple[int, object]:
            owner = Owner()
            self.alive = weakref.ref(owner)
            return 0x1000, owner

        def _lib_free(self, ptr: int, owner: object) -> None:
            return None

        def _lib_after_free(self) -> None:
            seen.append(self.alive() is None)

    backend = Minimal()
    backend.free(backend.malloc(8))
    assert seen == [True]
