"""The timing cache of a build: loaded from a path, refused with a warning when TensorRT says
it belongs to another release or GPU (the build goes on with an empty one), and saved back
atomically (temporary file, fsync, rename), so a crash never leaves half a cache.

From 10.16 the pybind sources wrap the timing-cache bindings (``IBuilderConfig``'s
``create/set/get_timing_cache``, ``ITimingCache.serialize``) in deprecation warnings, with no
replacement in TensorRT itself; a caller who asks for a timing cache gets it, without
warnings about trtcompat's own calls (:func:`_quiet`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .. import _trtlog
from .._atomic import write_atomically
from ..errors import BuildError, TrtCompatWarning

__all__ = ["TimingCacheUse", "attach_timing_cache", "save_timing_cache"]


@dataclass(frozen=True)
class TimingCacheUse:
    """What a build did with its timing cache.

    Attributes:
        path: The cache file.
        loaded: Whether the file's cache was used.
        refused: Why the file's cache was not used (TensorRT's words), or None.
    """

    path: str
    loaded: bool
    refused: str | None


@contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*timing_cache")
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=r"serialize")
        yield


def attach_timing_cache(config: Any, path: str) -> TimingCacheUse:
    """Gives ``config`` the cache at ``path`` (an empty one where there is none or TensorRT
    refuses it, with a :class:`~trtcompat.TrtCompatWarning`)."""
    blob = _read_cache(path)
    cache, refused = _loaded_cache(config, blob) if blob else (None, None)
    if refused is not None:
        warnings.warn(
            f"The timing cache {path!r} is not used: {refused}. The build goes on with an "
            "empty cache, and the file is replaced by this build's cache.",
            TrtCompatWarning,
            stacklevel=3,
        )
    if cache is None:
        with _quiet():
            cache = config.create_timing_cache(b"")
        if not _set(config, cache):
            raise BuildError(f"TensorRT refused an empty timing cache for {path!r}.")
    return TimingCacheUse(path, bool(blob) and refused is None, refused)


def _read_cache(path: str) -> bytes:
    """The cache file's bytes; none where there is no file yet."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return b""
    except OSError as err:
        raise BuildError(f"Cannot read the timing cache {path!r}: {err}.") from None


def _loaded_cache(config: Any, blob: bytes) -> tuple[Any, str | None]:
    """The cache made from ``blob`` and set on ``config``, or None and why TensorRT refused it
    (its log lines)."""
    start = _trtlog.mark()
    with _quiet():
        cache = config.create_timing_cache(blob)
    said = _trtlog.lines_since(start)
    if cache is None or _trtlog.errors_in(said):
        return None, " ".join(said) or "TensorRT could not read it"
    if not _set(config, cache):
        refused = " ".join(_trtlog.lines_since(start)) or (
            "TensorRT says it was made by another TensorRT or GPU"
        )
        return None, refused
    return cache, None


def _set(config: Any, cache: Any) -> bool:
    with _quiet():
        return bool(config.set_timing_cache(cache, False))


def save_timing_cache(config: Any, path: str) -> None:
    """Writes the config's cache to ``path`` atomically."""
    with _quiet():
        cache = config.get_timing_cache()
        if cache is None:
            return
        data = bytes(cache.serialize())
    write_atomically(path, data)
