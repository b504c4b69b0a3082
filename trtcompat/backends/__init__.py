"""Device-memory backends: the required ``Backend`` Protocol and its optional capabilities,
one record per backend (:data:`RECORDS`), and :func:`get_backend`, which picks one.

``get_backend()`` resolves a name in this order: the ``name`` argument, then the
``TRTCOMPAT_BACKEND`` environment variable, then the first usable library of pycuda,
cuda_python, cupy and torch; ``"host"`` (plain process memory) is picked automatically only
when none is usable and the machine has no GPU at all. Importing this package imports no CUDA
or array library: each backend module imports its library when it is first picked.
"""

from __future__ import annotations

import glob
import importlib
import os
import threading
from collections.abc import Callable

from trtcompat.backends._common import (
    BoundStreamOps,
    CopyArgs,
    CudaCallError,
    GraphReplay,
    GraphReplayBuilder,
    RoundTrip,
    RoundTripBuilder,
    sequential_graph_replay,
    sequential_round_trip,
)
from trtcompat.backends._protocol import (
    REQUIRED,
    ActiveQuery,
    Backend,
    BuiltinBackend,
    EventOps,
    GraphCapture,
    HotPath,
    MemoryInfo,
    StreamOps,
    missing_members,
)
from trtcompat.backends._readers import (
    CudaStream,
    DeviceArrayInfo,
    producer_stream,
    stream_handle,
)
from trtcompat.backends._registry import RECORDS, BackendRecord, array_reading, record_for
from trtcompat.errors import BackendProtocolError, BackendUnavailableError, DeviceError

__all__ = [
    "BACKEND_NAMES",
    "ENV_VAR",
    "REQUIRED",
    "ActiveQuery",
    "BuiltinBackend",
    "CudaStream",
    "DeviceArrayInfo",
    "EventOps",
    "HotPath",
    "MemoryInfo",
    "resolve_backend",
    "producer_stream",
    "stream_handle",
    "RECORDS",
    "BackendRecord",
    "Backend",
    "BoundStreamOps",
    "CopyArgs",
    "CudaCallError",
    "GraphCapture",
    "GraphReplay",
    "GraphReplayBuilder",
    "RoundTrip",
    "RoundTripBuilder",
    "StreamOps",
    "array_reading",
    "available_backends",
    "get_backend",
    "missing_members",
    "gpu_present",
    "sequential_graph_replay",
    "sequential_round_trip",
]

#: Every backend name, in autodetection order (``host`` last: it is never autodetected
#: on a machine that has a GPU). From :data:`RECORDS`, the one registry.
BACKEND_NAMES: tuple[str, ...] = tuple(record.name for record in RECORDS)

#: The environment variable that names the backend when ``get_backend`` is given none.
ENV_VAR = "TRTCOMPAT_BACKEND"

_LOCK = threading.RLock()
_CACHE: dict[tuple[str, int], BuiltinBackend] = {}
_AUTO: dict[int, str] = {}  # device -> the name autodetection settled on


def _factory(name: str) -> Callable[[int], BuiltinBackend]:
    record = record_for(name)
    assert record is not None  # get_backend refused unknown names
    module = importlib.import_module(record.module, __name__)
    factory: Callable[[int], BuiltinBackend] = getattr(module, record.cls)
    return factory


def _installed(name: str) -> bool:
    record = record_for(name)
    return record is not None and record.installed()


def gpu_present() -> bool:
    """Whether this machine has an NVIDIA GPU, judged by files only (initializes nothing).

    Linux: a ``/dev/nvidia<N>`` node, or Jetson's ``/dev/nvhost-ctrl-gpu``. WSL 2: its
    ``/dev/dxg`` exists for a GPU of any vendor, so it counts only together with the
    NVIDIA driver's ``libcuda`` that Windows mounts under ``/usr/lib/wsl/lib``.
    """
    if glob.glob("/dev/nvidia[0-9]*") or os.path.exists("/dev/nvhost-ctrl-gpu"):
        return True
    return os.path.exists("/dev/dxg") and bool(glob.glob("/usr/lib/wsl/lib/libcuda.so*"))


_gpu_present = gpu_present  # the name autodetection calls (tests replace it)


def available_backends() -> list[str]:
    """The backends whose library is installed, in autodetection order; ``"host"`` always.

    Uses ``importlib.util.find_spec`` only, so no library is imported and no GPU is touched;
    an installed library may still prove unusable (no driver) when it is picked. cuda-python
    counts only with its runtime module (a bare ``cuda`` namespace package does not).

    Returns:
        Names from :data:`BACKEND_NAMES`.
    """
    return [name for name in BACKEND_NAMES if _installed(name)]


def _create(name: str, device: int) -> BuiltinBackend:
    key = (name, device)
    backend = _CACHE.get(key)
    if backend is None:
        with _LOCK:  # one instance per (name, device), even when threads race to make it
            backend = _CACHE.get(key)
            if backend is None:
                backend = _factory(name)(device)
                _CACHE[key] = backend
    return backend


def _autodetect(device: int) -> BuiltinBackend:
    reasons: list[str] = []
    for name in BACKEND_NAMES[:-1]:
        if not _installed(name):
            reasons.append(f"{name}: not installed")
            continue
        try:
            backend = _create(name, device)
        except BackendUnavailableError as exc:  # installed, but no driver or no GPU
            reasons.append(f"{name}: {exc}")
            continue
        _AUTO[device] = name
        return backend
    if not _gpu_present():
        backend = _create("host", device)
        _AUTO[device] = "host"
        return backend
    raise BackendUnavailableError(
        "This machine has a GPU but no usable CUDA library was found ("
        + "; ".join(reasons)
        + "); install one, e.g. pip install cuda-python (trtcompat's 'cuda' extra), "
        + 'or pass name="host" '
        "to use plain process memory"
    )


def get_backend(name: str | None = None, *, device: int = 0) -> BuiltinBackend:
    """Returns the shared backend instance for ``name`` on CUDA device ``device``.

    Args:
        name: ``"pycuda"``, ``"cuda_python"``, ``"cupy"``, ``"torch"`` or ``"host"``. None
            reads ``TRTCOMPAT_BACKEND``, and when that is unset or empty picks the first
            usable library in that order (``"host"`` only on a machine without a GPU).
        device: The CUDA device index every allocation and copy lands on.

    Returns:
        A :class:`Backend`; the same object for the same ``(name, device)``.

    Raises:
        BackendUnavailableError: The name is unknown, its library is not installed (the
            message names the pip extra), or nothing usable was found.
        DeviceError: ``device`` does not exist (the message gives the device count).
    """
    source = "name"
    if name is None:
        env = os.environ.get(ENV_VAR, "").strip()
        if env:
            name, source = env, f"${ENV_VAR}"
    if name is None:
        chosen = _AUTO.get(device)
        return _create(chosen, device) if chosen is not None else _autodetect(device)
    if record_for(name) is None:
        raise BackendUnavailableError(
            f"Unknown backend {name!r} (from {source}); valid names: {', '.join(BACKEND_NAMES)}"
        )
    return _create(name, device)


def resolve_backend(backend: str | Backend | None, device: int = 0) -> Backend:
    """``backend`` as a backend object on ``device``: a name (or None) through
    :func:`get_backend`, an object as it is once it has every required member.

    Raises:
        BackendProtocolError: ``backend`` is neither a name nor an object with every member
            of :data:`~trtcompat.backends._protocol.REQUIRED` (the message lists the missing).
        BackendUnavailableError: As :func:`get_backend`, for a name.
        DeviceError: A backend object on another device than an explicit ``device``.
    """
    if backend is None or isinstance(backend, str):
        return get_backend(backend, device=device)
    missing = missing_members(backend)
    if missing:
        raise BackendProtocolError(
            f"backend={backend!r} is not a memory backend: it lacks {', '.join(missing)}. "
            f"Pass a backend name ({', '.join(BACKEND_NAMES)}) or an object with every "
            "member of trtcompat.backends.Backend."
        )
    if device not in (0, backend.device):
        # device=0 is the default, so only an explicit other device can disagree.
        raise DeviceError(
            f"device={device} was given with a {backend.name!r} backend object on device "
            f"{backend.device}. Pass one of them: the backend's device is the one used."
        )
    return backend


def _reset() -> None:
    """Forgets cached instances and autodetection results (for tests)."""
    with _LOCK:
        _CACHE.clear()
        _AUTO.clear()


def __dir__() -> list[str]:
    return __all__
