"""One record per memory backend: everything trtcompat knows about its library in one place.

A record gives the backend's registry name, the module and class that implement it, how to
tell (without importing anything) that its library is installed, the pip distribution and
trtcompat extra that install it, and, for a library whose arrays are better read through
their own fields than through ``__cuda_array_interface__`` / DLPack, the array reader.
Adding a backend is its module plus one record in :data:`RECORDS`.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from trtcompat.backends import _readers
from trtcompat.errors import BackendUnavailableError

__all__ = [
    "RECORDS",
    "ArrayReading",
    "BackendRecord",
    "array_reading",
    "record_for",
    "unavailable",
]


@dataclass(frozen=True)
class ArrayReading:
    """How a library's own array type is read, and recognised without importing it.

    Attributes:
        package: The top-level module the array class is defined in (``cls.__module__``'s
            first part).
        attributes: The class attributes that tell its arrays from its other classes.
        read: The reader (see :data:`trtcompat.backends._readers.Reader`).
        fingerprint: The per-call identity of one of its arrays.
    """

    package: str
    attributes: tuple[str, ...]
    read: _readers.Reader
    fingerprint: _readers.Fingerprint

    def matches(self, cls: type) -> bool:
        """Whether ``cls`` is this library's array class."""
        return cls.__module__.partition(".")[0] == self.package and all(
            hasattr(cls, a) for a in self.attributes
        )


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


def _always() -> bool:
    return True


@dataclass(frozen=True)
class BackendRecord:
    """Everything about one backend outside its module.

    Attributes:
        name: The registry name (``get_backend(name)``, ``TRTCOMPAT_BACKEND``).
        module: Its module, relative to ``trtcompat.backends`` (imported when first picked).
        cls: The class in that module; called with the device index.
        imports: The top-level module its library is imported as (``trtcompat doctor`` reports
            that module's distributions).
        package: The pip distribution to install; None for the host backend (no library).
        extra: The trtcompat extra (pyproject.toml's optional dependencies) that installs it.
        installed: Whether the library is on disk, found without importing anything.
        arrays: How its own array type is read; None where ``__cuda_array_interface__`` and
            DLPack serve (or it has no arrays).
    """

    name: str
    module: str
    cls: str
    imports: str
    package: str | None
    extra: str | None
    installed: Callable[[], bool]
    arrays: ArrayReading | None = None


def _spec_of(module: str) -> Callable[[], bool]:
    return lambda: _has_spec(module)


#: Every backend, in autodetection order (``host`` last: it is never autodetected on a
#: machine that has a GPU).
RECORDS: tuple[BackendRecord, ...] = (
    BackendRecord("pycuda", "._pycuda", "PyCudaBackend", "pycuda", "pycuda", "pycuda",
                  _spec_of("pycuda")),
    BackendRecord("cuda_python", "._cuda_python", "CudaPythonBackend", "cuda", "cuda-python",
                  "cuda", _cuda_python_installed),
    BackendRecord("cupy", "._cupy", "CupyBackend", "cupy", "cupy-cuda12x", "cupy",
                  _spec_of("cupy"),
                  ArrayReading("cupy", ("data", "flags", "device"), _readers.cupy_info,
                               _readers.cupy_fingerprint)),
    BackendRecord("torch", "._torch", "TorchBackend", "torch", "torch", "torch",
                  _spec_of("torch"),
                  ArrayReading("torch", ("data_ptr",), _readers.torch_info,
                               _readers.torch_fingerprint)),
    BackendRecord("host", "._host", "HostBackend", "", None, None, _always),
)

_BY_NAME = {record.name: record for record in RECORDS}


def record_for(name: str) -> BackendRecord | None:
    """The record of backend ``name``, or None for a name no backend has."""
    return _BY_NAME.get(name)


def unavailable(name: str, package: str, exc: BaseException) -> BackendUnavailableError:
    """The error for backend ``name`` whose ``package`` failed to import; names the pip
    distribution and the trtcompat extra from its record."""
    record = _BY_NAME.get(name)
    if record is None or record.package is None:
        how = f"install {package}"
    else:
        how = f"install it with: pip install {record.package} (trtcompat's {record.extra!r} extra)"
    return BackendUnavailableError(
        f"Backend {name!r} needs {package}, which could not be imported ({exc}); {how}"
    )


def _instance_interfaces(obj: Any) -> _readers.DeviceArrayInfo | None:
    # A class without either interface may still give one per instance (an attribute set
    # on the object): the array interface first, as for classes.
    info = _readers.cai_info(obj)
    return info if info is not None else _readers.dlpack_info(obj)


def _instance_fingerprint(obj: Any) -> Any:
    if getattr(obj, "__cuda_array_interface__", None) is not None:
        return _readers.cai_fingerprint(obj)
    return _readers.dlpack_fingerprint(obj)


def array_reading(cls: type) -> tuple[_readers.Reader, _readers.Fingerprint]:
    """The reader and the fingerprint of arrays of ``cls`` (not a numpy array): its
    backend's own where a record names them, else ``__cuda_array_interface__`` (a dict
    read, preferred where a type has both), else DLPack, else whichever an instance has.
    """
    for record in RECORDS:
        if record.arrays is not None and record.arrays.matches(cls):
            return record.arrays.read, record.arrays.fingerprint
    if hasattr(cls, "__cuda_array_interface__"):
        return _readers.cai_info, _readers.cai_fingerprint
    if hasattr(cls, "__dlpack__") and hasattr(cls, "__dlpack_device__"):
        return _readers.dlpack_info, _readers.dlpack_fingerprint
    return _instance_interfaces, _instance_fingerprint
