"""The cuda-python backend: the CUDA runtime API through ``cuda.bindings.runtime``.

cuda-python 12.6.1 moved ``cuda.cudart`` to ``cuda.bindings.runtime`` and 13.0 removed the
old path, so the new one is tried first and the old one (with its DeprecationWarning hushed)
only for cuda-python < 12.6.1.

cuda-python returns ``(err, *values)`` tuples instead of raising, so every hook checks the
code and raises :class:`~trtcompat.backends._common.CudaCallError`; on the hot path that check
is one comparison of the returned ``(err,)`` with ``(cudaSuccess,)`` (in C: the enum member is
a singleton, so its identity decides), falling back to ``int(err)`` only where they differ
(``_common.check_result``: a binding that hands back plain ints).

Without a driver the majors differ: cuda-python 12.9 and 13 return
``cudaErrorInsufficientDriver``, while 11.8 to 12.8 *raise* ``RuntimeError("Failed to dlopen
libcuda.so.1")`` on the first call and, having marked themselves initialized, ``RuntimeError(
'Function "cuInit" not found')`` on every later one. The device-count probe turns both into
:class:`DriverLoadError` and keeps the first words for every later probe.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

from trtcompat.backends._base import CudaBackendBase
from trtcompat.backends._common import (
    BoundStreamOps,
    Codes,
    CudaCallError,
    check_result,
    checked_call,
    checked_copy,
    graph_replay_builder,
    round_trip_builder,
)
from trtcompat.backends._registry import unavailable

__all__ = ["CudaPythonBackend", "DriverLoadError"]


def _load_cudart() -> Any:
    try:
        from cuda.bindings import runtime

        return runtime
    except ImportError:
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            from cuda import cudart

        return cudart
    except ImportError as exc:
        raise unavailable("cuda_python", "cuda-python (cuda-bindings)", exc) from exc


cudart = _load_cudart()
_SUCCESS = cudart.cudaError_t.cudaSuccess
_H2D = cudart.cudaMemcpyKind.cudaMemcpyHostToDevice
_D2H = cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost
_D2D = cudart.cudaMemcpyKind.cudaMemcpyDeviceToDevice


class DriverLoadError(RuntimeError):
    """cuda-python (before 12.9) could not load the CUDA driver; the message is its words."""


#: What cuda-python < 12.9 said when its first call could not load the driver; it never
#: retries, and its later calls only say that a function is missing.
_load_failure: str | None = None


def _device_count_result() -> Any:
    """``cudaGetDeviceCount()``, with a driver that fails to load raised as DriverLoadError."""
    global _load_failure
    if _load_failure is not None:
        raise DriverLoadError(_load_failure)
    try:
        return cudart.cudaGetDeviceCount()
    except RuntimeError as exc:  # raised by the binding itself, never a returned code
        _load_failure = str(exc)
        raise DriverLoadError(_load_failure) from exc


def _check(result: Any, call: str) -> Any:
    """Unwraps a cuda-python ``(err, *values)`` tuple.

    Returns:
        None for no values, the value for one, else the tuple of values.

    Raises:
        CudaCallError: ``err`` is not ``cudaSuccess``.
    """
    err, *values = result
    if err is not _SUCCESS and int(err) != 0:
        raise CudaCallError(err, call)
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


class CudaPythonBackend(CudaBackendBase):
    """Device memory, pinned memory, copies, streams, events and graphs through cuda-python.

    Attributes:
        name: Always ``"cuda_python"``.
        device: The CUDA device index.
    """

    name: str = "cuda_python"
    # DriverLoadError is raised by the device-count probe only (any later call follows a
    # probe that succeeded), so the hot paths still see CudaCallError alone.
    errors = (CudaCallError, DriverLoadError)

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, DriverLoadError):
            return f"cuda-python could not load the CUDA driver ({exc})"
        if not isinstance(exc, CudaCallError):
            return str(exc)
        err = exc.code
        name = getattr(err, "name", f"cudaError {int(err)}")
        try:
            text = cudart.cudaGetErrorString(err)[1].decode()
        except Exception:  # the error text is a nicety; never mask the real failure
            text = "no description"
        return f"{exc.call} returned {name} ({text})"

    def _lib_device_count(self) -> int:
        return int(_check(_device_count_result(), "cudaGetDeviceCount"))

    def _lib_enter_device(self) -> int:
        # cudaGetDevice is a thread-local read, so checking is cheap and stays right even when
        # other code (torch, cupy, the user) switched this thread's device; the previous
        # device is restored so callers never see their current device move.
        previous = int(_check(cudart.cudaGetDevice(), "cudaGetDevice"))
        if previous != self.device:
            _check(cudart.cudaSetDevice(self.device), "cudaSetDevice")
        return previous

    def _lib_leave_device(self, previous: int) -> None:
        if previous != self.device:
            _check(cudart.cudaSetDevice(previous), "cudaSetDevice")

    def is_active(self) -> bool:
        """Whether :attr:`device` is this thread's current device (one cudaGetDevice, none
        where the process sees one device)."""
        if self._only_device:
            return True
        err, current = cudart.cudaGetDevice()
        # Both operands are bools already: no bool() call on this per-call check.
        return current == self.device and (err is _SUCCESS or not int(err))

    def _bind(self, handle: int) -> BoundStreamOps:
        memcpy, sync_fn, graph_fn = (
            cudart.cudaMemcpyAsync,
            cudart.cudaStreamSynchronize,
            cudart.cudaGraphLaunch,
        )
        # cuda-python wraps a plain int stream in a new cudaStream_t on every call; one made
        # here is passed through as is.
        wrap = getattr(cudart, "cudaStream_t", None)
        stream: Any = handle if wrap is None else wrap(handle)
        codes = Codes((_SUCCESS,))  # calls without values return (err,)
        copy = "cudaMemcpyAsync"
        graphs = self._graphs

        def launch_graph(graph: int) -> None:
            # cuda-python launches its own cudaGraphExec_t object, kept by handle.
            result = graph_fn(graphs.require(graph, "launch_graph"), stream)
            if result != codes.ok:
                check_result(result, "cudaGraphLaunch")

        sync = checked_call(sync_fn, (stream,), "cudaStreamSynchronize", codes)
        bare_sync = functools.partial(sync_fn, stream)
        return BoundStreamOps(
            checked_copy(memcpy, (_H2D, stream), copy, codes),
            checked_copy(memcpy, (_D2H, stream), copy, codes),
            checked_copy(memcpy, (_D2D, stream), copy, codes),
            sync,
            self.errors,
            launch_graph,
            # Each copy a partial with every argument bound, its code compared inline.
            round_trip_builder(
                lambda d, s, n: functools.partial(memcpy, d, s, n, _H2D, stream),
                lambda d, s, n: functools.partial(memcpy, d, s, n, _D2H, stream),
                bare_sync,
                codes,
                (copy, copy, "cudaStreamSynchronize"),
            ),
            graph_replay_builder(
                # The executable object looked up once, when the replay is built.
                lambda g: functools.partial(graph_fn, graphs.require(g, "graph_replay"), stream),
                bare_sync,
                codes,
                ("cudaGraphLaunch", "cudaStreamSynchronize"),
            ),
        )

    def _lib_malloc(self, size: int) -> tuple[int, object]:
        return int(_check(cudart.cudaMalloc(size), "cudaMalloc")), None

    def _lib_free(self, ptr: int, owner: object) -> None:
        _check(cudart.cudaFree(ptr), "cudaFree")

    def _lib_malloc_host(self, size: int) -> tuple[int, object]:
        return int(_check(cudart.cudaMallocHost(size), "cudaMallocHost")), None

    def _lib_free_host(self, ptr: int, owner: object) -> None:
        _check(cudart.cudaFreeHost(ptr), "cudaFreeHost")

    def _lib_create_stream(self) -> tuple[int, object]:
        stream = _check(cudart.cudaStreamCreate(), "cudaStreamCreate")
        return int(stream), stream

    def _lib_destroy_stream(self, stream: int, obj: object) -> None:
        _check(cudart.cudaStreamDestroy(stream), "cudaStreamDestroy")

    def _lib_create_event(self) -> tuple[int, object]:
        event = _check(
            cudart.cudaEventCreateWithFlags(cudart.cudaEventDisableTiming),
            "cudaEventCreateWithFlags",
        )
        return int(event), event

    def _lib_record_event(self, event: int, obj: object, stream: int) -> None:
        _check(cudart.cudaEventRecord(event, stream), "cudaEventRecord")

    def _lib_event_synchronize(self, event: int, obj: object) -> None:
        _check(cudart.cudaEventSynchronize(event), "cudaEventSynchronize")

    def _lib_destroy_event(self, event: int, obj: object) -> None:
        _check(cudart.cudaEventDestroy(event), "cudaEventDestroy")

    def _lib_mem_info(self) -> tuple[int, int]:
        free, total = _check(cudart.cudaMemGetInfo(), "cudaMemGetInfo")
        return int(free), int(total)

    def _lib_pointer_device(self, ptr: int) -> int | None:
        attrs = _check(cudart.cudaPointerGetAttributes(ptr), "cudaPointerGetAttributes")
        if int(attrs.type) == 0:  # cudaMemoryTypeUnregistered: plain host memory, no device
            return None
        return int(attrs.device)

    def _lib_begin_capture(self, stream: int) -> None:
        mode = cudart.cudaStreamCaptureMode.cudaStreamCaptureModeThreadLocal
        _check(cudart.cudaStreamBeginCapture(stream, mode), "cudaStreamBeginCapture")

    def _lib_end_capture(self, stream: int) -> tuple[int, object]:
        graph = _check(cudart.cudaStreamEndCapture(stream), "cudaStreamEndCapture")
        try:
            executable = _check(cudart.cudaGraphInstantiate(graph, 0), "cudaGraphInstantiate")
        finally:
            _check(cudart.cudaGraphDestroy(graph), "cudaGraphDestroy")
        return int(executable), executable

    def _lib_destroy_graph(self, graph: int, obj: object) -> None:
        _check(cudart.cudaGraphExecDestroy(obj), "cudaGraphExecDestroy")
