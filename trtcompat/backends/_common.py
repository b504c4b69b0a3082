"""Pieces every backend shares: owner tables, argument checks, error builders, a CAI view.

Nothing here imports a CUDA library; numpy is the only third-party import.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import numpy as np

from trtcompat.errors import BackendError, BackendUnavailableError, DeviceError

__all__ = [
    "ActiveGuard",
    "EXTRAS",
    "CudaArrayView",
    "HandleTable",
    "OwnerTable",
    "check_device",
    "check_nbytes",
    "translate",
    "unavailable",
]

#: The pip extra that installs each backend's library (``pip install "trtcompat[<extra>]"``).
EXTRAS: dict[str, str] = {
    "pycuda": "pycuda",
    "cuda_python": "cuda",
    "cupy": "cupy",
    "torch": "torch",
}


def unavailable(name: str, package: str, exc: BaseException) -> BackendUnavailableError:
    """The error for backend ``name`` whose ``package`` failed to import; names the pip extra."""
    return BackendUnavailableError(
        f"backend {name!r} needs {package}, which could not be imported ({exc}); "
        f'install it with: pip install "trtcompat[{EXTRAS[name]}]"'
    )


@contextlib.contextmanager
def translate(what: str, *errors: type[Exception]) -> Iterator[None]:
    """Re-raises any of ``errors`` raised inside as ``BackendError("<what> failed: ...")``."""
    try:
        yield
    except errors as exc:
        raise BackendError(f"{what} failed: {exc}") from exc


def check_device(name: str, device: int, count: int) -> None:
    """Raises unless ``device`` is a valid index among ``count`` visible CUDA devices.

    Raises:
        BackendUnavailableError: No device is visible at all (driver present, GPU absent).
        DeviceError: ``device`` is negative, not an int, or ``>= count``.
    """
    if count <= 0:
        raise BackendUnavailableError(f"backend {name!r} sees no CUDA device (device count is 0)")
    if isinstance(device, bool) or not isinstance(device, int) or not 0 <= device < count:
        raise DeviceError(
            f"CUDA device {device!r} does not exist: {count} device(s) visible "
            f"(valid indices 0..{count - 1}); check CUDA_VISIBLE_DEVICES"
        )


def check_nbytes(nbytes: int, what: str) -> int:
    """Validates an allocation size; returns the size to request (at least 1 byte).

    Zero-byte requests get one byte so that every allocation has its own, non-null address
    (``cudaMalloc(0)`` may return a null pointer, which would collide in the owner tables).

    Raises:
        BackendError: ``nbytes`` is negative or not an int.
    """
    if isinstance(nbytes, bool) or not isinstance(nbytes, int) or nbytes < 0:
        raise BackendError(f"{what}: size must be a non-negative int, got {nbytes!r}")
    return max(nbytes, 1)


@dataclass(frozen=True)
class _Entry:
    owner: object
    nbytes: int
    kind: str  # "device" or "host": frees must come through the matching method


class OwnerTable:
    """Thread-safe map from an allocation's address to the object that keeps it alive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[int, _Entry] = {}
        self._starts: list[int] = []  # sorted, for "which allocation contains this address"

    def add(self, ptr: int, owner: object, nbytes: int, kind: str) -> None:
        """Records a new allocation."""
        with self._lock:
            self._entries[ptr] = _Entry(owner, nbytes, kind)
            bisect.insort(self._starts, ptr)

    def pop(self, ptr: int, kind: str, op: str) -> object:
        """Removes and returns the owner of ``ptr``.

        Raises:
            BackendError: ``ptr`` is unknown, already freed, or of the other kind.
        """
        with self._lock:
            entry = self._entries.get(ptr)
            if entry is None or entry.kind != kind:
                found = "" if entry is None else f" (it is {entry.kind} memory)"
                raise BackendError(
                    f"{op}(0x{ptr:x}): not a live {kind} allocation of this backend{found}; "
                    "it was never allocated here or was already freed"
                )
            del self._entries[ptr]
            del self._starts[bisect.bisect_left(self._starts, ptr)]
            return entry.owner

    def find(self, ptr: int) -> tuple[int, int, str] | None:
        """Returns ``(start, nbytes, kind)`` of the allocation containing ``ptr``, or None."""
        with self._lock:
            i = bisect.bisect_right(self._starts, ptr) - 1
            if i < 0:
                return None
            start = self._starts[i]
            entry = self._entries[start]
            # An allocation of n bytes is reported as containing addresses start..start+n-1.
            return (start, entry.nbytes, entry.kind) if ptr < start + entry.nbytes else None

    def total_bytes(self) -> int:
        """The bytes of all live allocations."""
        with self._lock:
            return sum(entry.nbytes for entry in self._entries.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class HandleTable:
    """Thread-safe map from a stream or event handle to the library object behind it."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._lock = threading.Lock()
        self._items: dict[int, object] = {}

    def add(self, handle: int, obj: object) -> int:
        """Records ``obj`` under ``handle``; returns ``handle``."""
        with self._lock:
            self._items[handle] = obj
        return handle

    def pop(self, handle: int, op: str) -> object:
        """Removes and returns the object of ``handle``.

        Raises:
            BackendError: The handle was not created by this backend or was already destroyed.
        """
        with self._lock:
            if handle not in self._items:
                raise BackendError(
                    f"{op}(0x{handle:x}): not a live {self._what} of this backend; "
                    "it was never created here or was already destroyed"
                )
            return self._items.pop(handle)

    def require(self, handle: int, op: str) -> object:
        """The object of ``handle``.

        Raises:
            BackendError: The handle is not live (never created here, or destroyed).
        """
        with self._lock:
            if handle in self._items:
                return self._items[handle]
        raise BackendError(f"{op}(0x{handle:x}): not a live {self._what} of this backend")

    def get(self, handle: int) -> object | None:
        """The object of ``handle``, or None."""
        with self._lock:
            return self._items.get(handle)

    def __contains__(self, handle: object) -> bool:
        with self._lock:
            return handle in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class CudaArrayView:
    """A zero-copy device array: device memory described by ``__cuda_array_interface__`` v3.

    Any consumer of the interface (cupy, torch, numba, TensorRT-facing code) can wrap it
    without a copy. The view keeps ``owner`` alive, so the memory outlives every consumer.

    Attributes:
        ptr: The device address of the first element.
        shape: The array shape.
        dtype: The numpy dtype of the elements.
        owner: Whatever keeps the memory alive.
    """

    __slots__ = ("dtype", "owner", "ptr", "shape")

    def __init__(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> None:
        self.ptr = int(ptr)
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.owner = owner

    @property
    def nbytes(self) -> int:
        """The byte size of the described array."""
        return int(math.prod(self.shape)) * int(self.dtype.itemsize)

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        # "stream": None tells consumers that no synchronization is needed: the backend's
        # callers order their own streams before handing the memory on.
        return {
            "shape": self.shape,
            "typestr": self.dtype.str,
            "data": (self.ptr, False),
            "strides": None,
            "stream": None,
            "version": 3,
        }

    def __repr__(self) -> str:
        return f"CudaArrayView(ptr=0x{self.ptr:x}, shape={self.shape}, dtype={self.dtype})"


def __dir__() -> list[str]:
    return __all__


class ActiveGuard:
    """A backend's device guard, and how it is skipped inside its own ``activate()`` block.

    Every backend call makes its device current (push a context, set a device) and restores
    the previous one; the Runner wraps a whole inference in ``activate()`` once, so the calls
    inside need not pay that again. The depth is per thread, as CUDA's current device is.
    Plain classes, not generator context managers: this runs several times per inference.

    Args:
        enter: Makes the device current; returns what ``leave`` needs to restore.
        leave: Restores what ``enter`` returned.
    """

    def __init__(self, enter: Callable[[], Any], leave: Callable[[Any], None]) -> None:
        self.enter = enter
        self.leave = leave
        self.local = threading.local()

    def call_guard(self) -> AbstractContextManager[None]:
        """The guard one call needs: none inside ``activate()``, else a device switch."""
        if getattr(self.local, "depth", 0):
            return _NOTHING
        return _Switch(self)

    def activate(self) -> AbstractContextManager[None]:
        """Switches to the device once, for everything inside the block (re-entrant)."""
        return _Activation(self)


_NOTHING: AbstractContextManager[None] = contextlib.nullcontext()


class _Switch:
    __slots__ = ("guard", "token")

    def __init__(self, guard: ActiveGuard) -> None:
        self.guard = guard
        self.token: Any = None

    def __enter__(self) -> None:
        self.token = self.guard.enter()

    def __exit__(self, *exc: object) -> None:
        self.guard.leave(self.token)


class _Activation(_Switch):
    __slots__ = ()

    def __enter__(self) -> None:
        self.token = self.guard.enter()
        local = self.guard.local
        local.depth = getattr(local, "depth", 0) + 1

    def __exit__(self, *exc: object) -> None:
        self.guard.local.depth -= 1
        self.guard.leave(self.token)
