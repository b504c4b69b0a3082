"""Device-memory backends behind one Protocol, and the registry that picks one.

``get_backend()`` resolves a name in this order: the ``name`` argument, then the
``TRTCOMPAT_BACKEND`` environment variable, then the first usable library of pycuda,
cuda_python, cupy and torch; ``"host"`` (plain process memory) is picked automatically only
when none is usable and the machine has no GPU at all. Importing this package imports no CUDA
or array library: each backend module imports its library when it is first picked.
"""

from __future__ import annotations

import glob
import importlib
import importlib.util
import os
import threading
from collections.abc import Callable
from pathlib import Path

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
from trtcompat.backends._protocol import Backend, GraphCapture, StreamOps
from trtcompat.errors import BackendUnavailableError

__all__ = [
    "BACKEND_NAMES",
    "ENV_VAR",
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
    "available_backends",
    "get_backend",
    "gpu_present",
    "sequential_graph_replay",
    "sequential_round_trip",
]

#: Every backend name, in autodetection order (``host`` last: it is never autodetected
#: on a machine that has a GPU).
BACKEND_NAMES: tuple[str, ...] = ("pycuda", "cuda_python", "cupy", "torch", "host")

#: The environment variable that names the backend when ``get_backend`` is given none.
ENV_VAR = "TRTCOMPAT_BACKEND"

# name -> (module, class); the module is imported only when the backend is picked.
_CLASSES: dict[str, tuple[str, str]] = {
    "pycuda": ("._pycuda", "PyCudaBackend"),
    "cuda_python": ("._cuda_python", "CudaPythonBackend"),
    "cupy": ("._cupy", "CupyBackend"),
    "torch": ("._torch", "TorchBackend"),
    "host": ("._host", "HostBackend"),
}

_LOCK = threading.RLock()
_CACHE: dict[tuple[str, int], Backend] = {}
_AUTO: dict[int, str] = {}  # device -> the name autodetection settled on


def _factory(name: str) -> Callable[[int], Backend]:
    module_name, class_name = _CLASSES[name]
    module = importlib.import_module(module_name, __name__)
    factory: Callable[[int], Backend] = getattr(module, class_name)
    return factory


def _has_spec(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # parent missing / set to None, or a broken __spec__
        return False


def _cuda_python_installed() -> bool:
    # find_spec("cuda.bindings") would import the ``cuda`` package; look at its folders instead.
    # ``cuda`` is a namespace package that cuda-core, cuda-pathfinder and others also fill, so
    # only the runtime module itself counts: cuda/bindings/runtime* (cuda-python >= 12.6.1)
    # or cuda/cudart* (older).
    try:
        spec = importlib.util.find_spec("cuda")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    for location in spec.submodule_search_locations:
        folder = Path(location)
        if any(folder.glob("bindings/runtime*")) or any(folder.glob("cudart*")):
            return True
    return False


def _installed(name: str) -> bool:
    if name == "host":
        return True
    if name == "cuda_python":
        return _cuda_python_installed()
    return _has_spec(name)


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


def _create(name: str, device: int) -> Backend:
    key = (name, device)
    backend = _CACHE.get(key)
    if backend is None:
        with _LOCK:  # one instance per (name, device), even when threads race to make it
            backend = _CACHE.get(key)
            if backend is None:
                backend = _factory(name)(device)
                _CACHE[key] = backend
    return backend


def _autodetect(device: int) -> Backend:
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


def get_backend(name: str | None = None, *, device: int = 0) -> Backend:
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
    if name not in _CLASSES:
        raise BackendUnavailableError(
            f"Unknown backend {name!r} (from {source}); valid names: {', '.join(BACKEND_NAMES)}"
        )
    return _create(name, device)


def _reset() -> None:
    """Forgets cached instances and autodetection results (for tests)."""
    with _LOCK:
        _CACHE.clear()
        _AUTO.clear()


def __dir__() -> list[str]:
    return __all__
