"""Reading device arrays and streams of any library without importing it.

A device array is read through the first of: its library's own fields (torch, cupy: their
registry records name the reader, since their interfaces cost more or refuse some tensors),
``__cuda_array_interface__`` (v2 / v3: Numba, CuPy, PyCUDA, JAX, cuda.core), or DLPack
(``__dlpack__`` / ``__dlpack_device__``: JAX, cuda.core, any array-API library). A stream is
an int handle, or an object with ``__cuda_stream__`` (cuda.core's protocol). Nothing here
imports a CUDA or array library; numpy reads the dtypes.
"""

from __future__ import annotations

import ctypes
import functools
import operator
from typing import Any, Callable, NamedTuple, Optional, Protocol, SupportsIndex

import numpy as np

from trtcompat.errors import BackendError, DeviceError, DTypeError, LayoutError

__all__ = [
    "CudaStream",
    "DeviceArrayInfo",
    "Fingerprint",
    "Reader",
    "cai_fingerprint",
    "cai_info",
    "cupy_fingerprint",
    "cupy_info",
    "dlpack_fingerprint",
    "dlpack_info",
    "producer_stream",
    "stream_handle",
    "torch_fingerprint",
    "torch_info",
]


class DeviceArrayInfo(NamedTuple):
    """What trtcompat needs of a device array: its pointer, shape, dtype, layout, device.

    ``device`` is None where the array does not say (a bare ``__cuda_array_interface__``);
    ``stream`` is the stream ``__cuda_array_interface__`` v3 names as the producer's, as given
    (1, the legacy default stream, included; :func:`producer_stream` says whether a call must
    wait for it), None where the array names none.
    """

    pointer: int
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    contiguous: bool
    device: int | None
    stream: int | None = None


#: ``reader(obj)``: the facts of one device array, or None where ``obj`` is not one.
Reader = Callable[[Any], Optional[DeviceArrayInfo]]
#: A device array's identity for the hot path: equal fingerprints (of one type) mean the same
#: pointer (hence device), shape, dtype and strides, so the checks made on its first use
#: still hold.
Fingerprint = Callable[[Any], Any]


def _c_strides(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...]:
    strides, step = [], itemsize
    for d in reversed(shape):
        strides.append(step)
        step *= max(d, 1)
    return tuple(reversed(strides))


def _contiguous(shape: tuple[int, ...], strides: Any, itemsize: int) -> bool:
    """C-contiguous: no strides given, or the dense ones (any stride of a dimension of
    extent 1 or an empty array is immaterial, as numpy's flags judge it)."""
    if strides is None or 0 in shape:
        return True
    dense = _c_strides(shape, itemsize)
    return all(d == 1 or s == t for d, s, t in zip(shape, strides, dense))


# -- torch and cupy: their own fields (named by their registry records) ----------------------

@functools.lru_cache(maxsize=None)  # keyed by torch dtype: a fixed, small set
def _torch_dtype(dtype: Any) -> np.dtype[Any]:
    """The numpy dtype of a torch dtype, by its name (torch is never imported here)."""
    name = str(dtype).split(".", 1)[-1]  # "torch.float16" -> "float16"
    if name == "bfloat16":
        import ml_dtypes

        bfloat: np.dtype[Any] = np.dtype(ml_dtypes.bfloat16)
        return bfloat
    aliases = {"bool": "bool", "half": "float16", "float": "float32"}
    found: np.dtype[Any] = np.dtype(aliases.get(name, name))
    return found


def torch_info(obj: Any) -> DeviceArrayInfo | None:
    """A CUDA torch tensor's facts (None for a CPU tensor). torch tensors expose
    ``__cuda_array_interface__`` too, but it refuses tensors that require grad and bfloat16;
    the tensor's own fields have neither limit."""
    if not obj.is_cuda:
        return None
    return DeviceArrayInfo(
        obj.data_ptr(),
        tuple(obj.shape),
        _torch_dtype(obj.dtype),
        obj.is_contiguous(),
        obj.device.index,
    )


def torch_fingerprint(obj: Any) -> Any:
    """Pointer, shape, dtype and strides of a torch tensor."""
    return obj.data_ptr(), obj.shape, obj.dtype, obj.stride()


def cupy_info(obj: Any) -> DeviceArrayInfo | None:
    """A ``cupy.ndarray``'s facts. CuPy builds ``__cuda_array_interface__`` afresh on every
    access (a dict with strides and the current stream: several µs); its own fields are plain
    attribute reads."""
    return DeviceArrayInfo(
        obj.data.ptr, obj.shape, obj.dtype, obj.flags.c_contiguous, obj.device.id
    )


def cupy_fingerprint(obj: Any) -> Any:
    """Pointer, shape, dtype and strides of a ``cupy.ndarray``."""
    return obj.data.ptr, obj.shape, obj.dtype, obj.strides


# -- __cuda_array_interface__ ------------------------------------------------------------------


def cai_info(obj: Any) -> DeviceArrayInfo | None:
    """The facts of an object with ``__cuda_array_interface__`` (v2 or v3); None without one.

    v3's ``stream``: an int is the stream the producer may still write on (the consumer must
    order its work after that stream's); None or absent (v2), nothing to wait for.
    """
    cai = getattr(obj, "__cuda_array_interface__", None)
    if cai is None:
        return None
    shape = tuple(int(d) for d in cai["shape"])
    dtype = np.dtype(cai["typestr"])
    contiguous = _contiguous(shape, cai.get("strides"), dtype.itemsize)
    device = getattr(getattr(obj, "device", None), "id", None)
    stream = cai.get("stream")
    return DeviceArrayInfo(
        int(cai["data"][0]),
        shape,
        dtype,
        contiguous,
        device if isinstance(device, int) else None,
        None if stream is None else int(stream),
    )


#: ``__cuda_array_interface__`` v3's ``stream`` values that need no wait: absent or None
#: (nothing queued), and 1, the legacy default stream, which every stream trtcompat creates
#: (blocking streams) is already ordered after. 2 (the per-thread default stream) is waited on:
#: it is not ordered with other blocking streams.
_NO_WAIT = (None, 1)


def producer_stream(obj: Any) -> int | None:
    """The stream whose queued work ``obj``'s memory may still await, read now from its
    ``__cuda_array_interface__`` v3 ``stream`` (the consumer must order its work after it);
    None where nothing need be waited for. Read per call: a producer may name another
    stream each time for the same memory."""
    cai = getattr(obj, "__cuda_array_interface__", None)
    stream: Any = None if cai is None else cai.get("stream")
    if stream in _NO_WAIT:
        return None
    return int(stream)


def cai_fingerprint(obj: Any) -> Any:
    """Pointer, shape, typestr and strides from ``__cuda_array_interface__``."""
    cai = obj.__cuda_array_interface__
    return cai["data"][0], tuple(cai["shape"]), cai["typestr"], cai.get("strides")


# -- DLPack ---------------------------------------------------------------------------------
# dlpack.h (v0.8 and later, unchanged in 1.x for the unversioned capsule): a "dltensor"
# PyCapsule holds a DLManagedTensor*, whose first member is the DLTensor below.

#: ``DLDeviceType`` values: the CUDA device, and pinned host memory CUDA allocated.
KDL_CPU, KDL_CUDA, KDL_CUDA_HOST, KDL_CUDA_MANAGED = 1, 2, 3, 13


class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", ctypes.c_void_p),
        ("device", _DLDevice),
        ("ndim", ctypes.c_int32),
        ("dtype", _DLDataType),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("byte_offset", ctypes.c_uint64),
    ]


_CAPSULE_NAME = b"dltensor"
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

#: The memory of the other ``DLDeviceType`` values, for the error.
_DL_DEVICES = {KDL_CPU: "CPU", KDL_CUDA_HOST: "pinned host (kDLCUDAHost)", 4: "OpenCL",
               7: "Vulkan", 8: "Metal", 10: "ROCm"}

#: ``DLDataTypeCode`` -> numpy kind letter: kDLInt, kDLUInt, kDLFloat, kDLBool (6).
_DL_KINDS = {0: "i", 1: "u", 2: "f", 6: "b"}
_KDL_BFLOAT = 4


def _dl_dtype(code: int, bits: int, lanes: int) -> np.dtype[Any]:
    if lanes != 1:
        raise DTypeError(
            f"A DLPack array of {lanes}-lane vectors (type code {code}, {bits} bits) cannot "
            "be bound; TensorRT tensors are of scalars. Pass an array of one lane."
        )
    if code == _KDL_BFLOAT and bits == 16:
        import ml_dtypes

        bfloat: np.dtype[Any] = np.dtype(ml_dtypes.bfloat16)
        return bfloat
    kind = _DL_KINDS.get(code)
    if kind is None or bits % 8:
        raise DTypeError(
            f"DLPack type code {code} of {bits} bits has no numpy dtype trtcompat binds; "
            "pass an int, uint, float, bfloat16 or bool array."
        )
    found: np.dtype[Any] = np.dtype("?" if kind == "b" else f"{kind}{bits // 8}")
    return found


def dlpack_info(obj: Any) -> DeviceArrayInfo | None:
    """The facts of an object with ``__dlpack__`` / ``__dlpack_device__``; None without them.
    (numpy arrays are host arrays: the runtime takes them before any reader.)

    Raises:
        DeviceError: The array is not in CUDA device memory (numpy's own arrays never get
            here: they are host arrays).
        DTypeError: A dtype no numpy dtype matches (vectors of several lanes, complex).
        LayoutError: The producer cannot export the array without a copy.

    The capsule is read, not consumed: the producer keeps owning the memory (trtcompat binds
    its address as it does any caller's device array, valid while ``obj`` lives) and the
    capsule's destructor releases its own reference. ``__dlpack__()`` is called with no
    stream, which DLPack defines as the legacy default stream: the producer orders its
    pending work before that stream, and every stream trtcompat creates is a blocking one,
    ordered after the legacy default stream.
    """
    device_of = getattr(obj, "__dlpack_device__", None)
    if device_of is None or not hasattr(obj, "__dlpack__"):
        return None
    kind, index = device_of()
    if int(kind) not in (KDL_CUDA, KDL_CUDA_MANAGED):
        where = _DL_DEVICES.get(int(kind), f"DLPack device type {int(kind)}")
        raise DeviceError(
            f"A {type(obj).__name__} array lives in {where} memory (__dlpack_device__() is "
            f"{(kind, index)!r}), not on a CUDA device; pass a numpy array for host memory, "
            "or move the array to the GPU."
        )
    try:
        # copy=False (DLPack's 2023.12 signature): a view or BufferError, never a copy that
        # would die with the capsule. Older producers take no keyword.
        capsule = obj.__dlpack__(copy=False)
    except TypeError:
        capsule = obj.__dlpack__()
    except BufferError as exc:
        raise LayoutError(
            f"A {type(obj).__name__} array cannot be exported through DLPack without a copy "
            f"({exc}); pass a contiguous CUDA array (or its copy) instead."
        ) from exc
    address = _capsule_pointer(capsule, _CAPSULE_NAME)
    tensor = _DLTensor.from_address(address)  # DLManagedTensor starts with its DLTensor
    shape = tuple(int(tensor.shape[i]) for i in range(tensor.ndim))
    dtype = _dl_dtype(tensor.dtype.code, tensor.dtype.bits, tensor.dtype.lanes)
    # DLPack strides count elements, not bytes; NULL means dense (C order).
    strides = (
        None
        if not tensor.strides
        else tuple(int(tensor.strides[i]) * dtype.itemsize for i in range(tensor.ndim))
    )
    pointer = int(tensor.data or 0) + int(tensor.byte_offset)
    contiguous = _contiguous(shape, strides, dtype.itemsize)
    del capsule  # its destructor calls the producer's deleter: obj still owns the memory
    return DeviceArrayInfo(pointer, shape, dtype, contiguous, int(index))


def dlpack_fingerprint(obj: Any) -> Any:
    """The DLPack facts themselves (the pointer is known only through a capsule)."""
    return dlpack_info(obj)


# -- streams ---------------------------------------------------------------------------------


class CudaStream(Protocol):
    """A stream object of another library: cuda.core's ``__cuda_stream__`` protocol."""

    def __cuda_stream__(self) -> tuple[int, int]:
        """``(version, handle)``: protocol version 0 and the ``cudaStream_t`` as an int."""
        ...  # pragma: no cover



def stream_handle(stream: int | CudaStream | Any) -> int:
    """``stream`` as a ``cudaStream_t`` int: an int (or any integer, ``__index__``) as it
    is, an object with
    ``__cuda_stream__`` (cuda.core's protocol: ``(version, handle)``) as its handle.

    Raises:
        BackendError: Anything else (the message names the accepted kinds).
    """
    if isinstance(stream, bool):
        pass  # an int to Python, never a stream: refused below
    elif isinstance(stream, int):
        return stream
    elif isinstance(stream, SupportsIndex):
        return operator.index(stream)  # numpy's integers
    protocol = getattr(stream, "__cuda_stream__", None)
    if protocol is not None:
        version, handle = protocol()
        if int(version) == 0 and isinstance(handle, int) and not isinstance(handle, bool):
            return handle
        raise BackendError(
            f"{type(stream).__name__}.__cuda_stream__() returned ({version!r}, {handle!r}); "
            "trtcompat reads version 0 of the protocol, (0, handle as int). Pass the "
            "stream's handle as an int instead."
        )
    raise BackendError(
        f"stream={stream!r} is not a CUDA stream: pass the cudaStream_t handle as an int "
        "(torch: stream.cuda_stream, cupy: stream.ptr) or an object with __cuda_stream__ "
        "(cuda.core's Stream)."
    )
