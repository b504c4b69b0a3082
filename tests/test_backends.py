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
from trtcompat.backends._common import CudaArrayView, check_device
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
    with pytest.raises(BackendError, match=r"free\(0x[0-9a-f]+\): not a live device allocation"):
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
        r"device 1 does not exist: the host backend has 1 device \(index 0\)", str(info.value)
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
    module_name, class_name = backends._CLASSES[name]
    full = "trtcompat.backends" + module_name
    module = types.ModuleType(full)
    setattr(module, class_name, factory)
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
        r"unknown backend 'nope' \(from name\); "
        r"valid names: pycuda, cuda_python, cupy, torch, host",
        str(info.value),
    )


@pytest.mark.usefixtures("registry")
def test_unknown_env_name_says_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.ENV_VAR, " cuda ")
    with pytest.raises(
        BackendUnavailableError, match=r"^unknown backend 'cuda' \(from \$TRTCOMPAT"
    ):
        backends.get_backend()


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize(
    ("name", "extra"),
    [("pycuda", "pycuda"), ("cuda_python", "cuda"), ("cupy", "cupy"), ("torch", "torch")],
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
    assert message.startswith(f"backend {name!r} needs ")
    assert message.endswith(f'install it with: pip install "trtcompat[{extra}]"')


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
    with pytest.raises(DeviceError, match=r"device 1 does not exist.*1 device"):
        backends.get_backend(device=1)

    backends._reset()
    monkeypatch.setattr(backends, "_gpu_present", lambda: True)
    with pytest.raises(BackendUnavailableError) as info:
        backends.get_backend()
    message = str(info.value)
    assert "has a GPU but no usable CUDA library" in message
    assert "pycuda: not installed" in message
    assert "cupy: backend 'cupy' needs" in message
    assert 'pip install "trtcompat[cuda]"' in message


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
        DeviceError, match=r"^device 1 does not exist: the host backend has 1 device"
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
loaded = sorted(m for m in sys.modules if m.split(".")[0] in watched)
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


class _FakeCudart:
    """Just enough of cuda.bindings.runtime, on process memory, to drive the backend."""

    cudaError_t = _Err
    cudaMemcpyKind = enum.IntEnum(
        "cudaMemcpyKind", "cudaMemcpyHostToDevice cudaMemcpyDeviceToHost cudaMemcpyDeviceToDevice"
    )
    cudaEventDisableTiming = 2

    def __init__(self) -> None:
        self.buffers: dict[int, Any] = {}
        self.device_calls: list[int] = []

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
        ctypes.memmove(dst, src, n)
        return (_Err.cudaSuccess,)

    def cudaMemGetInfo(self) -> tuple[_Err, int, int]:
        return _Err.cudaSuccess, 100, 200

    def cudaGetErrorString(self, err: _Err) -> tuple[_Err, bytes]:
        return _Err.cudaSuccess, {2: b"out of memory"}.get(int(err), b"invalid argument")


def _use_fake_cudart(monkeypatch: pytest.MonkeyPatch, *, old_layout: bool) -> _FakeCudart:
    fake = _FakeCudart()
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
        r"cudaMalloc\(2147483648\) failed: cudaErrorMemoryAllocation \(out of memory\)",
        str(info.value),
    )
    with pytest.raises(DeviceError, match=r"device 1 does not exist: 1 device\(s\)"):
        backends.get_backend("cuda_python", device=1)
