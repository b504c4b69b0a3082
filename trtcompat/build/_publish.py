"""Atomic publication of files in the plan store, and the typed error for failed writes.

A file is published by writing a temporary file in the same folder, ``fsync``-ing it,
renaming it over the final name (atomic on POSIX within one file system) and ``fsync``-ing
the folder so the rename itself survives a power loss. A reader sees the old file or the
whole new one, never a part; a crash leaves at most a temporary file, which the next writer
under the entry's lock removes.
"""

from __future__ import annotations

import contextlib
import errno
import os

from .._atomic import TEMP_SUFFIX, remove, write_atomically
from ..errors import PlanStoreError

__all__ = ["TEMP_SUFFIX", "ensure_dir", "publish", "remember", "remove", "store_error"]

_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def store_error(err: OSError, what: str, root: str) -> PlanStoreError:
    """The :class:`PlanStoreError` for ``err`` raised while doing ``what`` in the store at
    ``root``, with the fix for a read-only or full store."""
    if err.errno in _READ_ONLY:
        why = (
            f"the store {root!r} is read-only ({err.strerror}). Use a writable root "
            f"(PlanStore(root=...) or $TRTCOMPAT_PLAN_STORE), or build the plan where the "
            f"store is writable; a read-only store still serves the plans it has."
        )
    elif err.errno in _FULL:
        why = (
            f"no space left for the store {root!r} ({err.strerror}). Free space, or prune "
            f"the store (`trtcompat store prune --max-bytes SIZE`)."
        )
    else:
        why = f"{err.strerror or err} (store {root!r})."
    error = PlanStoreError(f"Cannot {what}: {why}")
    error.errno = err.errno
    return error


def ensure_dir(path: str) -> None:
    """Creates ``path`` and its parents (raises ``OSError``)."""
    os.makedirs(path, exist_ok=True)


def publish(path: str, data: bytes, *, durable: bool = True) -> None:
    """Writes ``data`` to ``path`` atomically (:func:`trtcompat._atomic.write_atomically`).

    Raises:
        OSError: the write failed; nothing is left at ``path`` that was not there before,
            and the temporary file is removed.
    """
    write_atomically(path, data, durable=durable)


def remember(path: str, data: bytes) -> None:
    """Publishes a cache file that may be lost (not ``fsync``-ed); a failure is ignored, so
    a read-only or full store only forgets."""
    with contextlib.suppress(OSError):
        publish(path, data, durable=False)


def __dir__() -> list[str]:
    return __all__
