"""The logger trtcompat gives TensorRT, and the lines it keeps so that errors can quote them.

TensorRT keeps one logger pointer per process: the logger of the first live Runtime, Builder
or Refitter gets every message, and a later, different logger only earns a warning
(docs/TRT_API.md, "Logging"). So trtcompat hands every Runtime it creates the same logger
instance per TensorRT module, and records what it hears in one bounded ring shared by all
threads. An error raised after TensorRT refused something quotes the lines this thread
logged since the failing call began (:func:`mark` / :func:`lines_since`), or, on paths that
take no mark, since the last error claimed them (:func:`unclaimed`).
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from types import ModuleType
from typing import Any

__all__ = ["KEPT", "errors_in", "lines_since", "logger_for", "mark", "unclaimed"]

#: How many lines the ring keeps (all threads together).
KEPT = 256

# Severities kept: INFO and VERBOSE are progress reports (TensorRT sends hundreds while it
# deserializes), never the reason for a refusal.
_KEPT_SEVERITIES = ("INTERNAL_ERROR", "ERROR", "WARNING")
_ERROR_SEVERITIES = ("[INTERNAL_ERROR]", "[ERROR]")

_lock = threading.Lock()
_records: deque[tuple[int, int, str]] = deque(maxlen=KEPT)  # (sequence, thread id, line)
_sequence = 0
_claimed: dict[int, int] = {}  # thread id -> the last sequence an error quoted
_loggers: weakref.WeakKeyDictionary[ModuleType, Any] = weakref.WeakKeyDictionary()


def _severity_name(severity: Any) -> str:
    name = getattr(severity, "name", None)
    return name if isinstance(name, str) else str(severity).rsplit(".", 1)[-1]


def _record(severity: Any, msg: str) -> None:
    global _sequence
    name = _severity_name(severity)
    if name not in _KEPT_SEVERITIES:
        return
    with _lock:
        _sequence += 1
        _records.append((_sequence, threading.get_ident(), f"[{name}] {msg}"))


def logger_for(trt: ModuleType) -> Any:
    """The one ``ILogger`` trtcompat gives every Runtime of module ``trt`` (made once).

    It prints nothing: it keeps TensorRT's warnings and errors for the errors trtcompat
    raises (``TrtCompatError.trt_log``).
    """
    with _lock:
        logger = _loggers.get(trt)
    if logger is not None:
        return logger

    class CapturingLogger(trt.ILogger):  # type: ignore[name-defined,misc]
        """Keeps TensorRT's warnings and errors for trtcompat's error messages."""

        def __init__(self) -> None:
            trt.ILogger.__init__(self)

        def log(self, severity: Any, msg: str) -> None:
            _record(severity, msg)

    made = CapturingLogger()
    with _lock:
        return _loggers.setdefault(trt, made)


def mark() -> int:
    """A position in the log: pass it to :func:`lines_since` after the call it precedes."""
    return _sequence


def lines_since(position: int) -> tuple[str, ...]:
    """The lines this thread logged after ``position`` (oldest first); claims them."""
    me = threading.get_ident()
    with _lock:
        lines = tuple(line for seq, tid, line in _records if seq > position and tid == me)
        _claimed[me] = _sequence
    return lines


def unclaimed() -> tuple[str, ...]:
    """The lines this thread logged since an error last quoted its lines; claims them.

    For failure paths that took no :func:`mark` (the enqueue hot path): TensorRT logs its
    reason on the calling thread just before it returns ``False``.
    """
    with _lock:
        since = _claimed.get(threading.get_ident(), 0)
    return lines_since(since)


def errors_in(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The ``ERROR`` and ``INTERNAL_ERROR`` lines among ``lines``."""
    return tuple(line for line in lines if line.startswith(_ERROR_SEVERITIES))
