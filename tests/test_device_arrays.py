"""Device-array recognition without the libraries: a reader chosen once per type, and CuPy's
own fields read instead of its per-access ``__cuda_array_interface__`` dict."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from trtcompat.runtime._arrays import (
    DeviceArrayInfo,
    device_array_info,
    fingerprint_for,
    reader_for,
)


class _Pointer:
    def __init__(self, ptr: int, device_id: int) -> None:
        self.ptr, self.device_id = ptr, device_id


class _Flags:
    def __init__(self, c_contiguous: bool) -> None:
        self.c_contiguous = c_contiguous


class _Device:
    def __init__(self, index: int) -> None:
        self.id = index


class FakeCupyArray:
    """What trtcompat reads of a cupy.ndarray; the interface dict must not be built."""

    def __init__(
        self, ptr: int, shape: tuple[int, ...], contiguous: bool = True, device: int = 1
    ) -> None:
        self._ptr, self.shape, self._contiguous = ptr, shape, contiguous
        self.dtype = np.dtype(np.float16)
        self._device = device
        self.strides = (2 * shape[1], 2) if contiguous else (2, 2 * shape[0])

    # Descriptors on the class, as cupy.ndarray has them.
    @property
    def data(self) -> _Pointer:
        return _Pointer(self._ptr, self._device)

    @property
    def flags(self) -> _Flags:
        return _Flags(self._contiguous)

    @property
    def device(self) -> _Device:
        return _Device(self._device)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        raise AssertionError("read through the interface dict, not CuPy's own fields")


FakeCupyArray.__module__ = "cupy._core.core"


class InterfaceOnly:
    """Any other producer of ``__cuda_array_interface__`` (numba, pycuda's GPUArray...)."""

    def __init__(self, strides: tuple[int, ...] | None) -> None:
        self.reads = 0
        self._strides = strides

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        self.reads += 1
        return {
            "data": (4096, False),
            "shape": (2, 3),
            "typestr": "<f4",
            "strides": self._strides,
            "version": 3,
        }


def test_cupy_arrays_are_read_from_their_own_fields() -> None:
    info = device_array_info(FakeCupyArray(8192, (4, 5)))
    assert info == DeviceArrayInfo(8192, (4, 5), np.dtype(np.float16), True, 1)
    strided = device_array_info(FakeCupyArray(8192, (4, 5), contiguous=False))
    assert strided is not None and not strided.contiguous


@pytest.mark.parametrize(
    ("strides", "contiguous"), [(None, True), ((12, 4), True), ((4, 8), False)]
)
def test_other_producers_go_through_the_interface(
    strides: tuple[int, ...] | None, contiguous: bool
) -> None:
    array = InterfaceOnly(strides)
    info = device_array_info(array)
    assert info == DeviceArrayInfo(4096, (2, 3), np.dtype(np.float32), contiguous, None)
    assert array.reads == 1


def test_the_reader_is_chosen_once_per_type() -> None:
    assert reader_for(FakeCupyArray) is reader_for(FakeCupyArray)
    assert device_array_info(np.zeros(3)) is None  # host arrays are not device arrays
    assert device_array_info(object()) is None


@pytest.mark.parametrize(
    "other",
    [
        FakeCupyArray(4096, (4, 5)),  # another address
        FakeCupyArray(8192, (5, 4)),  # another shape
        FakeCupyArray(8192, (4, 5), contiguous=False),  # another layout
        # (no "another device" case: under unified addressing one pointer is one device's)
    ],
    ids=["pointer", "shape", "strides"],
)
def test_a_fingerprint_tells_apart_every_fact_a_plan_relies_on(other: FakeCupyArray) -> None:
    fingerprint = fingerprint_for(FakeCupyArray)
    first = FakeCupyArray(8192, (4, 5))
    assert fingerprint(first) == fingerprint(FakeCupyArray(8192, (4, 5)))  # equal arrays
    assert fingerprint(first) != fingerprint(other)
    wider = FakeCupyArray(8192, (4, 5))
    wider.dtype = np.dtype(np.float32)
    assert fingerprint(first) != fingerprint(wider)


@pytest.mark.parametrize("change", ["strides", "typestr", "data"])
def test_an_interface_fingerprint_tells_apart_every_fact(change: str) -> None:
    fingerprint = fingerprint_for(InterfaceOnly)
    base, other = InterfaceOnly((12, 4)), InterfaceOnly((12, 4))
    assert fingerprint(base) == fingerprint(other)
    cai = dict(other.__cuda_array_interface__)
    cai[change] = {"strides": (4, 8), "typestr": "<i4", "data": (8192, False)}[change]

    class Changed:
        __cuda_array_interface__ = cai

    assert fingerprint(base) != fingerprint_for(Changed)(Changed())
