"""Writing a file whole or not at all: the one atomic writer of plans, timing caches and the
plan store's entries.

The data goes to a temporary file in the target's folder, which is renamed over the target
(atomic on POSIX within one file system); with ``durable``, the file is ``fsync``-ed before
the rename and the folder after it, so the rename itself survives a power loss. A reader sees
the old file or the whole new one; a failure leaves nothing behind but what was there.
"""

from __future__ import annotations

import contextlib
import os
import uuid

__all__ = ["TEMP_SUFFIX", "remove", "write_atomically"]

#: Temporary files are named ``<target>.<unique hex>.tmp``, so a cleaner can find them.
TEMP_SUFFIX = ".tmp"


def write_atomically(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Writes ``data`` to ``path`` atomically; with ``durable``, also through to the disk.

    Raises:
        OSError: the write failed; ``path`` is as it was and the temporary file is removed.
    """
    target = os.fspath(path)
    temp = f"{target}.{uuid.uuid4().hex}{TEMP_SUFFIX}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked (a signal, a full pipe)
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException:
        remove(temp)
        raise
    if durable:
        folder = os.open(os.path.dirname(os.path.abspath(target)), os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def remove(path: str | os.PathLike[str]) -> None:
    """Removes ``path`` if it exists."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def __dir__() -> list[str]:
    return __all__
