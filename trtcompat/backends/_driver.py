"""The CUDA driver API through ctypes, for the backends whose library has no raw-pointer calls.

PyCUDA's copy functions take only its own ``Stream`` objects and buffer objects, its
``Event`` has no ``CUevent`` handle, and torch exposes no ``cudaMemcpyAsync`` and no graph
capture on a raw stream (``torch.cuda.cudart()`` binds six functions; ``torch.cuda.CUDAGraph``
captures torch's current stream into torch's allocator pool). The Protocol passes raw
addresses and handles that may come from any library, so those two backends make their
copies, events, stream synchronization, pointer queries and graph capture here, in
``libcuda``, which both already load (it is the driver itself, not a toolkit library).

Every function returns a ``CUresult``; 0 is success. :class:`DriverCalls` holds the hooks of
:class:`~trtcompat.backends._base.CudaBackendBase` that both backends share.
"""

from __future__ import annotations

import ctypes
import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

from trtcompat.backends._base import CudaBackendBase
from trtcompat.backends._common import (
    BoundStreamOps,
    Codes,
    CudaCallError,
    checked_call,
    checked_copy,
    graph_replay_builder,
    round_trip_builder,
)
from trtcompat.errors import BackendUnavailableError

__all__ = ["DriverCalls", "LibCuda", "libcuda"]

_P, _U64, _SZ = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_size_t
_UINT, _INT, _ULL = ctypes.c_uint, ctypes.c_int, ctypes.c_ulonglong
_PP = ctypes.POINTER(ctypes.c_void_p)
_SIGNATURES: dict[str, tuple[Any, ...]] = {
    "cuInit": (_UINT,),
    "cuDeviceGetCount": (ctypes.POINTER(_INT),),
    "cuDeviceGet": (ctypes.POINTER(_INT), _INT),
    "cuDevicePrimaryCtxRetain": (_PP, _INT),
    "cuCtxPushCurrent_v2": (_P,),
    "cuCtxPopCurrent_v2": (_PP,),
    "cuCtxGetCurrent": (_PP,),
    "cuCtxSetCurrent": (_P,),
    "cuMemcpyHtoDAsync_v2": (_U64, _P, _SZ, _P),
    "cuMemcpyDtoHAsync_v2": (_P, _U64, _SZ, _P),
    "cuMemcpyDtoDAsync_v2": (_U64, _U64, _SZ, _P),
    "cuStreamCreate": (_PP, _UINT),
    "cuStreamDestroy_v2": (_P,),
    "cuStreamSynchronize": (_P,),
    "cuEventCreate": (_PP, _UINT),
    "cuEventRecord": (_P, _P),
    "cuEventSynchronize": (_P,),
    "cuEventDestroy_v2": (_P,),
    "cuPointerGetAttribute": (_P, _INT, _U64),
    "cuMemGetInfo_v2": (ctypes.POINTER(_SZ), ctypes.POINTER(_SZ)),
    "cuMemHostAlloc": (_PP, _SZ, _UINT),
    "cuMemFreeHost": (_P,),
    "cuStreamBeginCapture_v2": (_P, _INT),
    "cuStreamEndCapture": (_P, _PP),
    "cuGraphInstantiateWithFlags": (_PP, _P, _ULL),
    "cuGraphDestroy": (_P,),
    "cuGraphLaunch": (_P, _P),
    "cuGraphExecDestroy": (_P,),
    "cuGetErrorName": (_INT, ctypes.POINTER(ctypes.c_char_p)),
    "cuGetErrorString": (_INT, ctypes.POINTER(ctypes.c_char_p)),
}

#: The functions also loaded without argtypes (``LibCuda.bare``): the round trip's and the
#: graph replay's.
_BARE = ("cuMemcpyHtoDAsync_v2", "cuMemcpyDtoHAsync_v2", "cuStreamSynchronize", "cuGraphLaunch")

CU_EVENT_DISABLE_TIMING = 0x2
CU_MEMHOSTALLOC_PORTABLE = 0x1  # pinned for every context, as cudaMallocHost's memory is
CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL = 9
CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1
CUDA_ERROR_INVALID_VALUE = 1
#: Every driver call returns a ``CUresult``: ``CUDA_SUCCESS`` is 0.
CODES = Codes(0)


class LibCuda:
    """``libcuda`` with the signatures above set: each function is a ctypes function that
    returns the ``CUresult`` as an int (attribute access, e.g. ``lib.cuStreamSynchronize``).

    Raises:
        BackendUnavailableError: The driver library cannot be loaded.
    """

    def __init__(self, backend: str) -> None:
        names = ("nvcuda.dll",) if sys.platform == "win32" else ("libcuda.so.1", "libcuda.so")
        lib = held = bare = None
        for libname in names:
            try:
                lib = ctypes.CDLL(libname)
                held = ctypes.PyDLL(libname)
                bare = ctypes.CDLL(libname)  # its own function objects: no argtypes set
                break
            except OSError:
                continue
        if lib is None or held is None or bare is None:
            raise BackendUnavailableError(
                f"Backend {backend!r} cannot load the CUDA driver (tried {', '.join(names)}); "
                "install the NVIDIA driver and check it with nvidia-smi"
            )
        for fname, argtypes in _SIGNATURES.items():
            fn = getattr(lib, fname)
            fn.argtypes, fn.restype = list(argtypes), ctypes.c_int
            setattr(self, fname, fn)
        # The per-call "is this thread's context ours?" query: PyDLL keeps the GIL (the call
        # never blocks) and no argtypes means a byref passes unconverted; a third of the cost
        # of the converted call above.
        self.current_context_held = held.cuCtxGetCurrent
        self.current_context_held.restype = ctypes.c_int
        #: The round trip's calls without argtypes, for arguments converted to ctypes
        #: instances once, when the round trip is built (converting four ints costs about
        #: half as much again as the call); they release the GIL as the functions above do.
        self.bare: dict[str, Any] = {}
        for fname in _BARE:
            fn = self.bare[fname] = getattr(bare, fname)
            fn.restype = ctypes.c_int

    def __getattr__(self, name: str) -> Any:  # the ctypes functions set above, for mypy
        raise AttributeError(name)

    def check(self, result: int, call: str) -> None:
        """Raises :class:`CudaCallError` unless ``result`` is ``CUDA_SUCCESS``."""
        if result:
            raise CudaCallError(result, call)

    def describe(self, code: int) -> str:
        """``"CUDA_ERROR_NAME (its description)"`` for a ``CUresult``."""
        name, text = ctypes.c_char_p(), ctypes.c_char_p()
        self.cuGetErrorName(code, ctypes.byref(name))
        self.cuGetErrorString(code, ctypes.byref(text))
        label = (name.value or b"").decode() or f"CUresult {code}"
        return f"{label} ({(text.value or b'no description').decode()})"


@functools.lru_cache(maxsize=None)
def libcuda(backend: str) -> LibCuda:
    """The process's :class:`LibCuda`, initialized (``cuInit``); loaded once per backend name.

    Raises:
        BackendUnavailableError: No driver library, or ``cuInit`` failed (no GPU, old driver).
    """
    lib = LibCuda(backend)
    result = lib.cuInit(0)
    if result:
        raise BackendUnavailableError(
            f"Backend {backend!r} cannot use CUDA: cuInit failed with {lib.describe(result)}; "
            "check the NVIDIA driver with nvidia-smi"
        )
    return lib


def bind_stream_ops(lib: LibCuda, stream: int) -> BoundStreamOps:
    """The driver's async copies and stream synchronize with ``stream`` fixed, each
    ``CUresult`` compared with 0 inline (:data:`CODES`).

    The round trip and the graph replay bind the functions loaded without argtypes
    (``LibCuda.bare``) to arguments converted to ctypes once, when they are built.
    """
    bare, handle = lib.bare, _P(stream)
    bare_htod, bare_dtoh = bare["cuMemcpyHtoDAsync_v2"], bare["cuMemcpyDtoHAsync_v2"]
    bare_sync = functools.partial(bare["cuStreamSynchronize"], handle)
    bare_graph = bare["cuGraphLaunch"]
    graph_fn = lib.cuGraphLaunch

    def launch_graph(graph: int) -> None:
        result = graph_fn(graph, stream)
        if result:
            raise CudaCallError(result, "cuGraphLaunch")

    return BoundStreamOps(
        checked_copy(lib.cuMemcpyHtoDAsync_v2, (stream,), "cuMemcpyHtoDAsync", CODES),
        checked_copy(lib.cuMemcpyDtoHAsync_v2, (stream,), "cuMemcpyDtoHAsync", CODES),
        checked_copy(lib.cuMemcpyDtoDAsync_v2, (stream,), "cuMemcpyDtoDAsync", CODES),
        checked_call(lib.cuStreamSynchronize, (stream,), "cuStreamSynchronize", CODES),
        (CudaCallError,),
        launch_graph,
        # Each copy a partial with its arguments converted once, as _SIGNATURES types them.
        round_trip_builder(
            lambda d, s, n: functools.partial(bare_htod, _U64(d), _P(s), _SZ(n), handle),
            lambda d, s, n: functools.partial(bare_dtoh, _P(d), _U64(s), _SZ(n), handle),
            bare_sync,
            CODES,
            ("cuMemcpyHtoDAsync", "cuMemcpyDtoHAsync", "cuStreamSynchronize"),
        ),
        graph_replay_builder(
            lambda graph: functools.partial(bare_graph, _P(graph), handle),
            bare_sync,
            CODES,
            ("cuGraphLaunch", "cuStreamSynchronize"),
        ),
    )


class DriverCalls(CudaBackendBase):
    """The :class:`CudaBackendBase` hooks the driver API serves, for pycuda and torch.

    Subclasses call :meth:`_use_driver` in ``__init__`` before any hook runs.
    """

    errors: tuple[type[BaseException], ...] = (CudaCallError,)
    _driver: LibCuda
    #: The device's primary context (the one the runtime, TensorRT, torch and cupy use).
    _primary: int

    def _use_driver(self, name: str) -> None:
        """Loads the driver and retains the device's primary context, for the life of the
        process (the backend is cached and shared; released, the driver could destroy the
        context under its other users).

        Raises:
            BackendUnavailableError: The driver is missing or cannot retain the context.
        """
        self._driver = lib = libcuda(name)
        handle = ctypes.c_void_p()
        result = lib.cuDevicePrimaryCtxRetain(ctypes.byref(handle), self.device)
        if result:
            raise BackendUnavailableError(
                f"Backend {name!r} cannot use CUDA device {self.device}: "
                f"cuDevicePrimaryCtxRetain returned {lib.describe(result)}; check the GPU "
                "with nvidia-smi"
            )
        self._primary = int(handle.value or 0)
        self._slots = threading.local()  # per thread: where cuCtxGetCurrent writes

    def is_active(self) -> bool:
        """Whether the primary context of :attr:`device` is this thread's current context."""
        slots = self._slots
        try:
            found, ref = slots.current
        except AttributeError:  # this thread's first query
            found = ctypes.c_void_p()
            ref = ctypes.byref(found)
            slots.current = found, ref
        active: bool = self._driver.current_context_held(ref) == 0 and found.value == self._primary
        return active

    def _current_context(self) -> int:
        """This thread's current context (0 where none is)."""
        found = ctypes.c_void_p()
        self._checked("cuCtxGetCurrent", self._driver.cuCtxGetCurrent, ctypes.byref(found))
        return int(found.value or 0)

    def _settle_primary(self) -> bool:
        """Where this thread has no context at all, makes the primary one current and leaves
        it so, as the CUDA runtime's first call in a thread does; later calls in this thread
        then find it active (see :meth:`is_active`). Returns whether it is current now."""
        current = self._current_context()
        if not current:
            self._checked("cuCtxSetCurrent", self._driver.cuCtxSetCurrent, self._primary)
            return True
        return current == self._primary

    def _checked(self, call: str, fn: Callable[..., int], *args: Any) -> None:
        result = fn(*args)
        if result:
            raise CudaCallError(result, call)

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, CudaCallError):
            return f"{exc.call} returned {self._driver.describe(int(exc.code))}"
        return str(exc)

    def _bind(self, stream: int) -> BoundStreamOps:
        return bind_stream_ops(self._driver, stream)

    def _lib_create_stream(self) -> tuple[int, object]:
        # cuStreamCreate(0): a blocking stream, ordered with the legacy default stream.
        handle = ctypes.c_void_p()
        self._checked("cuStreamCreate", self._driver.cuStreamCreate, ctypes.byref(handle), 0)
        return int(handle.value or 0), None

    def _lib_destroy_stream(self, stream: int, obj: object) -> None:
        self._checked("cuStreamDestroy", self._driver.cuStreamDestroy_v2, stream)

    def _lib_create_event(self) -> tuple[int, object]:
        handle = ctypes.c_void_p()
        lib = self._driver
        self._checked(
            "cuEventCreate", lib.cuEventCreate, ctypes.byref(handle), CU_EVENT_DISABLE_TIMING
        )
        return int(handle.value or 0), None

    def _lib_record_event(self, event: int, obj: object, stream: int) -> None:
        self._checked("cuEventRecord", self._driver.cuEventRecord, event, stream)

    def _lib_event_synchronize(self, event: int, obj: object) -> None:
        self._checked("cuEventSynchronize", self._driver.cuEventSynchronize, event)

    def _lib_destroy_event(self, event: int, obj: object) -> None:
        self._checked("cuEventDestroy", self._driver.cuEventDestroy_v2, event)

    def _lib_mem_info(self) -> tuple[int, int]:
        free, total = ctypes.c_size_t(), ctypes.c_size_t()
        lib = self._driver
        self._checked("cuMemGetInfo", lib.cuMemGetInfo_v2, ctypes.byref(free), ctypes.byref(total))
        return int(free.value), int(total.value)

    def _lib_pointer_device(self, ptr: int) -> int | None:
        ordinal = ctypes.c_int(-1)
        result = self._driver.cuPointerGetAttribute(
            ctypes.byref(ordinal), CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, ptr
        )
        if result == CUDA_ERROR_INVALID_VALUE:  # memory the driver does not know
            return None
        if result:
            raise CudaCallError(result, "cuPointerGetAttribute")
        return int(ordinal.value)

    def _lib_begin_capture(self, stream: int) -> None:
        self._checked(
            "cuStreamBeginCapture",
            self._driver.cuStreamBeginCapture_v2,
            stream,
            CU_STREAM_CAPTURE_MODE_THREAD_LOCAL,
        )

    def _lib_end_capture(self, stream: int) -> tuple[int, object]:
        lib = self._driver
        graph, executable = ctypes.c_void_p(), ctypes.c_void_p()
        self._checked("cuStreamEndCapture", lib.cuStreamEndCapture, stream, ctypes.byref(graph))
        try:
            self._checked(
                "cuGraphInstantiateWithFlags",
                lib.cuGraphInstantiateWithFlags,
                ctypes.byref(executable),
                graph,
                0,
            )
        finally:
            self._checked("cuGraphDestroy", lib.cuGraphDestroy, graph)
        return int(executable.value or 0), None

    def _lib_destroy_graph(self, graph: int, obj: object) -> None:
        self._checked("cuGraphExecDestroy", self._driver.cuGraphExecDestroy, graph)
