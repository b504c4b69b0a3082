"""Recognizing device arrays without importing their libraries: one reader per array type,
chosen the first time the type is seen (``functools.lru_cache`` keyed by the type).

A type is read by its backend's own reader where the registry names one (torch, cupy:
``backends/_registry.py``), else through ``__cuda_array_interface__``, else DLPack
(``backends/_readers.py``). So JAX, Numba, cuda.core or any DLPack array binds zero-copy
without a backend of its own.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional

import numpy as np

from ..backends import DeviceArrayInfo, array_reading

__all__ = ["DeviceArrayInfo", "device_array_info", "fingerprint_for", "reader_for"]

#: ``reader(obj)``: the facts of one device array, None where ``obj`` is not one.
Reader = Callable[[Any], Optional[DeviceArrayInfo]]
#: ``fingerprint(obj)``: pointer, shape, dtype and strides, compared per call.
Fingerprint = Callable[[Any], Any]


def _not_device(obj: Any) -> None:
    del obj
    return None


@functools.lru_cache(maxsize=256)  # per array type: a process feeds a handful
def _reading(cls: type) -> tuple[Reader, Fingerprint | None]:
    if issubclass(cls, np.ndarray):  # host memory (numpy's __dlpack__ says kDLCPU)
        return _not_device, None
    return array_reading(cls)


def reader_for(cls: type) -> Reader:
    """The function that reads device-array facts from instances of ``cls``."""
    return _reading(cls)[0]


def fingerprint_for(cls: type) -> Fingerprint:
    """The cheap per-call identity of device arrays of ``cls`` (a few field reads, no
    :class:`DeviceArrayInfo`): a plan made for one array recognizes it, or an equal one,
    without reading every fact again. Only for types :func:`reader_for` reads as device
    arrays (KeyError for numpy's)."""
    fingerprint = _reading(cls)[1]
    if fingerprint is None:
        raise KeyError(cls)
    return fingerprint


def device_array_info(obj: Any) -> DeviceArrayInfo | None:
    """The device-array facts of ``obj``, or None when it is not a device array."""
    return reader_for(type(obj))(obj)
