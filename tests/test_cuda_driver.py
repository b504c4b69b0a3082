"""The CUDA driver as ``trtcompat doctor`` and ``build_target`` read it, over a stand-in for
``libcuda`` that answers the driver API's calls the way cuda.h defines them (status 0 on
success, results written through the pointers passed)."""

from __future__ import annotations

import ctypes
from typing import Any

import pytest

from trtcompat import _cuda_driver
from trtcompat._cuda_driver import CudaDevice
from trtcompat.build import _target
from trtcompat.cli import _doctor

_NOT_INITIALIZED, _INVALID_DEVICE = 3, 101


class FakeLibcuda:
    """Devices as ``(name, (major, minor), memory)``; ``current``: the device of the context
    current on the calling thread (None: no context); ``broken``: ordinals whose name cannot
    be read."""

    def __init__(
        self,
        devices: list[tuple[str, tuple[int, int], int]],
        current: int | None = None,
        broken: tuple[int, ...] = (),
        version: int | None = 12080,
        init_status: int = 0,
    ) -> None:
        self.devices, self.current, self.broken = devices, current, broken
        self.version, self.init_status = version, init_status
        self.asked: list[int] = []  # the handles whose attributes were read

    def cuInit(self, flags: int) -> int:
        return self.init_status

    def cuDriverGetVersion(self, out: Any) -> int:
        if self.version is None:
            return _NOT_INITIALIZED
        out.contents.value = self.version
        return 0

    def cuDeviceGetCount(self, out: Any) -> int:
        out.contents.value = len(self.devices)
        return 0

    def cuDeviceGet(self, out: Any, ordinal: int) -> int:
        if not 0 <= ordinal < len(self.devices):
            return _INVALID_DEVICE
        out.contents.value = ordinal
        return 0

    def cuCtxGetCurrent(self, out: Any) -> int:
        out.contents.value = None if self.current is None else 0x1000
        return 0

    def cuCtxGetDevice(self, out: Any) -> int:
        out.contents.value = self.current
        return 0

    def cuDeviceGetName(self, name: Any, size: int, device: ctypes.c_int) -> int:
        if device.value in self.broken:
            return _INVALID_DEVICE
        name.value = self.devices[device.value][0].encode()[: size - 1]
        return 0

    def cuDeviceGetAttribute(self, out: Any, attribute: int, device: ctypes.c_int) -> int:
        self.asked.append(device.value)
        major, minor = self.devices[device.value][1]
        # CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR / _MINOR (cuda.h)
        out.contents.value = {75: major, 76: minor}[attribute]
        return 0

    def cuDeviceTotalMem_v2(self, out: Any, device: ctypes.c_int) -> int:
        out.contents.value = self.devices[device.value][2]
        return 0


H100 = ("NVIDIA H100 80GB HBM3", (9, 0), 85_000_000_000)
L4 = ("NVIDIA L4", (8, 9), 23_000_000_000)


def _loads(monkeypatch: pytest.MonkeyPatch, lib: object) -> None:
    monkeypatch.setattr(_cuda_driver.ctypes, "CDLL", lambda name: lib)


def test_no_driver_library_names_the_first_loader_error(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []

    def refuse(name: str) -> object:
        tried.append(name)
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(_cuda_driver.ctypes, "CDLL", refuse)
    assert _cuda_driver.open_driver() == (
        None, "no CUDA driver library (libcuda.so.1: cannot open shared object file)"
    )  # fmt: skip
    assert tried == ["libcuda.so.1", "libcuda.so", "nvcuda.dll"]


def test_a_later_library_name_is_tried_when_the_first_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib = FakeLibcuda([H100])

    def load(name: str) -> object:
        if name == "libcuda.so.1":
            raise OSError("missing")
        return lib

    monkeypatch.setattr(_cuda_driver.ctypes, "CDLL", load)
    assert _cuda_driver.open_driver() == (lib, None)


def test_a_failing_cuinit_is_reported_with_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    _loads(monkeypatch, FakeLibcuda([H100], init_status=100))  # CUDA_ERROR_NO_DEVICE
    assert _cuda_driver.open_driver() == (None, "cuInit failed with CUDA error 100")


@pytest.mark.parametrize(("encoded", "text"), [(12080, "12.8"), (13010, "13.1"), (11040, "11.4")])
def test_the_driver_version_is_major_dot_minor(encoded: int, text: str) -> None:
    assert _cuda_driver.driver_version(FakeLibcuda([], version=encoded)) == text


def test_an_unanswered_driver_version_is_none() -> None:
    assert _cuda_driver.driver_version(FakeLibcuda([], version=None)) is None


def test_devices_are_described_in_ordinal_order_skipping_one_that_cannot_be_read() -> None:
    lib = FakeLibcuda([H100, L4, L4], broken=(1,))
    assert _cuda_driver.devices(lib) == [
        CudaDevice(0, "NVIDIA H100 80GB HBM3", "9.0", 85_000_000_000),
        CudaDevice(2, "NVIDIA L4", "8.9", 23_000_000_000),
    ]


def test_the_current_contexts_device_is_the_one_builds_run_on() -> None:
    lib = FakeLibcuda([H100, L4], current=1)
    assert _cuda_driver.current_device(lib) == CudaDevice(1, "NVIDIA L4", "8.9", 23_000_000_000)
    assert set(lib.asked) == {1}


def test_without_a_current_context_device_zero_is_the_one() -> None:
    lib = FakeLibcuda([H100, L4], current=None)
    assert _cuda_driver.current_device(lib) == CudaDevice(0, "NVIDIA H100 80GB HBM3", "9.0", 85_000_000_000)
    assert set(lib.asked) == {0}
    assert _cuda_driver.current_device(FakeLibcuda([])) is None  # no device 0


def test_build_target_keys_on_the_current_device(monkeypatch: pytest.MonkeyPatch) -> None:
    _loads(monkeypatch, FakeLibcuda([H100, L4], current=1))
    real_module = object()  # no __trtcompat_fake_gpu__: the driver is asked
    assert _target.gpu_identity(real_module) == ("NVIDIA L4", "8.9")
    _loads(monkeypatch, FakeLibcuda([H100], init_status=100))
    assert _target.gpu_identity(real_module) == (None, None)


def test_doctor_lists_every_device_the_driver_describes(monkeypatch: pytest.MonkeyPatch) -> None:
    _loads(monkeypatch, FakeLibcuda([H100, L4]))
    report = _doctor.gpu_report()
    assert (report["cuda_driver"], report["error"]) == ("12.8", None)
    assert report["devices"] == [
        {"index": 0, "name": "NVIDIA H100 80GB HBM3", "compute_capability": "9.0",
         "memory_bytes": 85_000_000_000},
        {"index": 1, "name": "NVIDIA L4", "compute_capability": "8.9",
         "memory_bytes": 23_000_000_000},
    ]  # fmt: skip


def test_doctor_says_why_no_device_is_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    _loads(monkeypatch, FakeLibcuda([]))
    assert _doctor.gpu_report()["error"] == "the CUDA driver sees no device"
    _loads(monkeypatch, FakeLibcuda([H100], init_status=100))
    report = _doctor.gpu_report()
    assert (report["error"], report["devices"]) == ("cuInit failed with CUDA error 100", [])
