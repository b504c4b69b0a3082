"""Arrays and streams of libraries without a backend (issue 25, item 4): DLPack,
``__cuda_array_interface__`` v2 / v3 and ``__cuda_stream__``, on the host backend.

The host backend's "device" memory is process memory, so a numpy array's bytes stand in
for a CUDA array's: the wrappers below expose only one protocol each, claiming device 0
(their DLPack capsules are made here, so the tests run on numpy 1.21 too).
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np
import pytest
from _engines import STATIC

import trtcompat as tc
from trtcompat.backends import _readers
from trtcompat.runtime._arrays import device_array_info, fingerprint_for, reader_for
from trtcompat.testing import build_engine


class _DLManagedTensor(ctypes.Structure):
    """dlpack.h's DLManagedTensor: the DLTensor, the producer's context and its deleter."""

    _fields_ = [
        ("dl_tensor", _readers._DLTensor),
        ("manager_ctx", ctypes.c_void_p),
        ("deleter", ctypes.c_void_p),
    ]


_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]

#: numpy kind -> DLDataTypeCode (kDLInt, kDLUInt, kDLFloat, kDLComplex, kDLBool).
_DL_CODES = {"i": 0, "u": 1, "f": 2, "c": 5, "b": 6}


def _capsule(array: np.ndarray, kind: int, device: int, keep: list[Any]) -> Any:
    """A "dltensor" capsule of ``array``'s memory labelled as memory of ``(kind, device)``,
    made here (numpy before 1.22 exports none); ``keep`` holds its structures alive."""
    ndim, itemsize = array.ndim, array.dtype.itemsize
    shape = (ctypes.c_int64 * max(ndim, 1))(*array.shape)
    strides = (ctypes.c_int64 * max(ndim, 1))(*(s // itemsize for s in array.strides))
    managed = _DLManagedTensor()
    tensor = managed.dl_tensor
    tensor.data = array.ctypes.data
    tensor.device.device_type, tensor.device.device_id = kind, device
    tensor.ndim = ndim
    tensor.dtype.code, tensor.dtype.bits = _DL_CODES[array.dtype.kind], itemsize * 8
    tensor.dtype.lanes = 1
    tensor.shape = ctypes.cast(shape, ctypes.POINTER(ctypes.c_int64))
    tensor.strides = ctypes.cast(strides, ctypes.POINTER(ctypes.c_int64))
    keep.extend((array, shape, strides, managed))
    return _capsule_new(ctypes.addressof(managed), b"dltensor", None)


class DLPackOnly:
    """An array exposing only ``__dlpack__`` / ``__dlpack_device__`` (the legacy signature,
    no keywords), as a CUDA array of ``device``."""

    def __init__(self, array: np.ndarray, device: int = 0, kind: int = 2) -> None:
        self.array, self.device_id, self.kind = array, device, kind
        self.exports = 0
        self.keep: list[Any] = []

    def __dlpack_device__(self) -> tuple[int, int]:
        return (self.kind, self.device_id)

    def __dlpack__(self) -> Any:
        self.exports += 1
        return _capsule(self.array, self.kind, self.device_id, self.keep)


class Relabelled(DLPackOnly):
    """A capsule whose other fields are changed too: the data pointer moved into
    ``byte_offset``, NULL strides, or vectors of two lanes."""

    def __init__(self, array: np.ndarray, change: str) -> None:
        super().__init__(array)
        self.change = change

    def __dlpack__(self) -> Any:
        capsule = super().__dlpack__()
        tensor = _readers._DLTensor.from_address(_readers._capsule_pointer(capsule, b"dltensor"))
        if self.change == "offset":
            tensor.data, tensor.byte_offset = tensor.data - 64, 64
        elif self.change == "null strides":
            tensor.strides = None
        else:
            tensor.dtype.lanes = 2
        return capsule


class DLPackWithCopy(DLPackOnly):
    """The 2023.12 signature: ``copy=False`` must be honoured (BufferError where a view is
    impossible)."""

    def __init__(self, array: np.ndarray, refuse: bool = False) -> None:
        super().__init__(array)
        self.refuse = refuse
        self.copies: list[Any] = []

    def __dlpack__(self, *, stream: Any = None, copy: Any = None) -> Any:
        self.copies.append(copy)
        if self.refuse:
            raise BufferError("this array lives in another process")
        return super().__dlpack__()


class InterfaceOnly:
    """An array exposing only ``__cuda_array_interface__`` of the given version."""

    def __init__(self, array: np.ndarray, version: int = 3, stream: int | None = None) -> None:
        self.array, self.version, self.stream = array, version, stream

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        cai: dict[str, Any] = {
            "data": (self.array.ctypes.data, False),
            "shape": self.array.shape,
            "typestr": self.array.dtype.str,
            "strides": None if self.array.flags.c_contiguous else self.array.strides,
            "version": self.version,
        }
        if self.version >= 3:
            cai["stream"] = self.stream
        return cai


class CoreStream:
    """A stream exposing only ``__cuda_stream__`` (cuda.core's protocol)."""

    def __init__(self, handle: int, version: int = 0) -> None:
        self.handle, self.version = handle, version

    def __cuda_stream__(self) -> tuple[int, int]:
        return (self.version, self.handle)


# -- reading ---------------------------------------------------------------------------------


def test_dlpack_reads_pointer_shape_dtype_and_layout_from_the_capsule() -> None:
    base = np.arange(24, dtype=np.float16).reshape(4, 6)
    info = device_array_info(DLPackOnly(base[1:], device=0))
    assert info == tc.backends.DeviceArrayInfo(
        base[1:].ctypes.data, (3, 6), np.dtype(np.float16), True, 0
    )
    strided = device_array_info(DLPackOnly(base[:, ::2]))
    assert strided is not None and strided.shape == (4, 3) and not strided.contiguous
    row = base[::2][:1]  # extent 1 with the stride of two rows: still dense
    assert row.flags.c_contiguous and device_array_info(DLPackOnly(row)).contiguous  # type: ignore[union-attr]
    for dtype in (np.int8, np.uint16, np.int64, np.float64):
        read = device_array_info(DLPackOnly(np.zeros(3, dtype)))
        assert read is not None and read.dtype == np.dtype(dtype)
    # numpy < 1.25 exports no bool through DLPack: its code (kDLBool, 6) read directly.
    assert _readers._dl_dtype(6, 8, 1) == np.dtype(np.bool_)
    assert str(_readers._dl_dtype(4, 16, 1)) == "bfloat16"


def test_dlpack_of_complex_or_several_lanes_is_a_dtype_error() -> None:
    with pytest.raises(tc.DTypeError, match=r"^DLPack type code 5 of 128 bits has no numpy"):
        device_array_info(DLPackOnly(np.zeros(2, np.complex128)))
    with pytest.raises(tc.DTypeError, match=r"^A DLPack array of 2-lane vectors"):
        device_array_info(Relabelled(np.zeros(2, np.float32), "lanes"))


def test_dlpack_adds_the_byte_offset_and_reads_null_strides_as_dense() -> None:
    array = np.zeros((3, 5), np.float32)
    moved = device_array_info(Relabelled(array, "offset"))
    assert moved is not None and moved.pointer == array.ctypes.data
    dense = device_array_info(Relabelled(array[:, ::2], "null strides"))
    assert dense is not None and dense.contiguous  # NULL strides: C order, whatever numpy had
    empty = device_array_info(DLPackOnly(np.zeros((0, 4), np.float32)[:, ::2]))
    assert empty is not None and empty.contiguous  # nothing to read: any strides will do


def test_dlpack_of_managed_memory_is_a_device_array() -> None:
    array = np.zeros(4, np.int32)
    info = device_array_info(DLPackOnly(array, device=0, kind=13))  # kDLCUDAManaged
    assert info is not None and info.device == 0
    with pytest.raises(tc.DeviceError, match=r"lives in pinned host \(kDLCUDAHost\) memory"):
        device_array_info(DLPackOnly(array, kind=3))


def test_dlpack_of_host_memory_is_a_device_error() -> None:
    class NotNumpy(DLPackOnly):
        pass

    with pytest.raises(tc.DeviceError, match=r"^A NotNumpy array lives in CPU memory"):
        device_array_info(NotNumpy(np.zeros(3, np.float32), kind=1))
    assert device_array_info(np.zeros(3, np.float32)) is None  # numpy: a host array


def test_dlpack_asks_for_no_copy_and_refuses_a_producer_that_would_copy() -> None:
    array = np.zeros((2, 3), np.float32)
    producer = DLPackWithCopy(array)
    assert device_array_info(producer).pointer == array.ctypes.data  # type: ignore[union-attr]
    assert producer.copies == [False]
    with pytest.raises(tc.LayoutError, match="cannot be exported through DLPack without a copy"):
        device_array_info(DLPackWithCopy(array, refuse=True))


def test_the_array_interface_is_preferred_where_a_type_has_both() -> None:
    class Both(InterfaceOnly):
        def __dlpack__(self) -> Any:
            raise AssertionError("read through DLPack")

        def __dlpack_device__(self) -> tuple[int, int]:
            raise AssertionError("read through DLPack")

    array = np.ones(4, np.float32)
    assert device_array_info(Both(array)).pointer == array.ctypes.data  # type: ignore[union-attr]
    assert reader_for(Both) is _readers.cai_info
    assert reader_for(DLPackOnly) is _readers.dlpack_info


def test_array_interface_v2_and_v3_with_its_stream() -> None:
    array = np.ones((2, 2), np.int32)
    v2 = device_array_info(InterfaceOnly(array, version=2))
    assert v2 is not None and v2.stream is None and v2.device is None
    v3 = device_array_info(InterfaceOnly(array, version=3, stream=7))
    assert v3 is not None and v3.stream == 7
    # A dimension of extent 1 may carry any stride and still be dense.
    row = device_array_info(InterfaceOnly(np.ones((1, 4), np.float32)[:, :]))
    assert row is not None and row.contiguous


def test_fingerprints_of_dlpack_arrays_follow_the_memory() -> None:
    array = np.zeros((2, 3), np.float32)
    fingerprint = fingerprint_for(DLPackOnly)
    same, other = DLPackOnly(array), DLPackOnly(np.zeros((2, 3), np.float32))
    assert fingerprint(same) == fingerprint(DLPackOnly(array))
    assert fingerprint(same) != fingerprint(other)
    with pytest.raises(KeyError):
        fingerprint_for(np.ndarray)


# -- through the Runner ----------------------------------------------------------------------


@pytest.mark.parametrize("wrap", [DLPackOnly, InterfaceOnly], ids=["dlpack", "cai"])
def test_a_runner_binds_an_array_of_either_protocol_zero_copy(era: str, host: Any, wrap: Any) -> None:
    memory = np.arange(6, dtype=np.float32).reshape(2, 3)
    producer = wrap(memory)
    with tc.Runner(tc.load_engine(_plan(era)), backend=host) as runner:
        np.testing.assert_array_equal(runner.infer({"x": producer})["y"], memory * 2)
        memory[:] = 5.0  # read where it lies: the same producer, warm
        np.testing.assert_array_equal(runner.infer({"x": producer})["y"], np.full((2, 3), 10.0))


def _plan(era: str) -> bytes:
    from trtcompat.testing import build_plan

    return build_plan(STATIC, era)


@pytest.mark.parametrize(
    ("producer", "error", "words"),
    [
        (lambda: DLPackOnly(np.zeros((2, 3), np.float64)), tc.DTypeError, "expects float32"),
        (lambda: DLPackOnly(np.zeros((3, 2), np.float32).T), tc.LayoutError, "not C-contiguous"),
        (lambda: DLPackOnly(np.zeros((2, 3), np.float32), device=1), tc.DeviceError,
         "lives on device 1"),
        (lambda: InterfaceOnly(np.zeros((3, 2), np.float32).T), tc.LayoutError,
         "not C-contiguous"),
    ],
    ids=["dtype", "layout", "device", "cai-layout"],
)
def test_a_runner_refuses_a_wrong_protocol_array_with_the_typed_errors(
    host: Any, producer: Any, error: type[Exception], words: str
) -> None:
    with tc.Runner(build_engine(STATIC, "10"), backend=host) as runner, pytest.raises(
        error, match=words
    ):
        runner.infer({"x": producer()})


# -- streams ---------------------------------------------------------------------------------


def test_stream_handle_reads_ints_and_the_cuda_stream_protocol() -> None:
    assert _readers.stream_handle(5) == 5
    assert _readers.stream_handle(np.int64(9)) == 9
    assert _readers.stream_handle(CoreStream(0x1234)) == 0x1234
    with pytest.raises(tc.BackendError, match=r"returned \(1, 4660\); trtcompat reads version 0"):
        _readers.stream_handle(CoreStream(0x1234, version=1))
    with pytest.raises(tc.BackendError, match=r"^stream='s' is not a CUDA stream"):
        _readers.stream_handle("s")
    with pytest.raises(tc.BackendError, match=r"^stream=True is not a CUDA stream"):
        _readers.stream_handle(True)


def test_execute_and_do_inference_take_a_cuda_stream_object(host: Any) -> None:
    engine = build_engine(STATIC, "10")
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 3.0
        wrapped = CoreStream(stream)
        for _ in range(2):  # cold, then the remembered plan
            out = tc.do_inference(context, bindings, [x], [y], wrapped)
            np.testing.assert_array_equal(out[0], np.full((2, 3), 6.0, np.float32))
        host.memcpy_htod_async(x.device, x.host_ptr, x.nbytes, stream)
        tc.execute(context, bindings, wrapped)
        host.memcpy_dtoh_async(y.host_ptr, y.device, y.nbytes, stream)
        np.testing.assert_array_equal(y.host, np.full((2, 3), 6.0, np.float32))
        with pytest.raises(tc.BackendError, match="is not a CUDA stream"):
            tc.execute(context, bindings, object())  # type: ignore[arg-type]


# -- __cuda_array_interface__ v3's stream: the work is ordered after the producer's ----------


#: Streams of another library in the tests below (the host backend made neither).
producers = (0x5EED, 2)


def _recording_synchronize(host: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Records every stream the backend is asked to synchronize; a stream of another
    library (any handle the host backend did not make) is taken as waited for."""
    seen: list[int] = []
    own = host.synchronize

    def synchronize(stream: int) -> None:
        seen.append(stream)
        if stream not in producers:
            own(stream)

    monkeypatch.setattr(host, "synchronize", synchronize)
    return seen


@pytest.mark.parametrize("stream", [0x5EED, 2])
def test_a_v3_producer_stream_is_waited_on_before_every_call(
    era: str, host: Any, monkeypatch: pytest.MonkeyPatch, stream: int
) -> None:
    seen = _recording_synchronize(host, monkeypatch)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    array = InterfaceOnly(x, version=3, stream=stream)
    with tc.Runner(build_engine(STATIC, era), backend=host) as runner:
        before = len(seen)
        for _ in range(3):  # cold, then warm calls: each waits
            np.testing.assert_array_equal(runner.infer({"x": array})["y"], x * 2)
        assert seen[before:] == [stream] * 3
        array.stream = 1  # the legacy default stream: already ordered, no wait
        runner.infer({"x": array})
        assert seen[before:] == [stream] * 3


@pytest.mark.parametrize(("version", "stream"), [(3, None), (3, 1), (2, None)])
def test_no_producer_stream_means_no_wait(
    era: str, host: Any, monkeypatch: pytest.MonkeyPatch, version: int, stream: int | None
) -> None:
    seen = _recording_synchronize(host, monkeypatch)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    array = InterfaceOnly(x, version=version, stream=stream)
    with tc.Runner(build_engine(STATIC, era), backend=host) as runner:
        before = len(seen)
        for _ in range(2):
            np.testing.assert_array_equal(runner.infer({"x": array})["y"], x * 2)
        assert seen[before:] == []
    assert _readers.producer_stream(array) is None
