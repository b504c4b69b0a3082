"""Recognizing device arrays without importing their libraries: one reader per array type,
chosen the first time the type is seen (``functools.lru_cache`` keyed by the type).

A type is read by its backend's own reader where the registry names one (torch, cupy:
``backends/_registry.py``), else through ``__cuda_array_interface__``, else DLPack
(``backends/_readers.py``). So JAX, Numba, cuda.core or any DLPack array binds zero-copy
without a backend of its own.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..backends import RECORDS
from ..backends._readers import (
    DeviceArrayInfo,
    Fingerprint,
    Reader,
    cai_fingerprint,
    cai_info,
    dlpack_fingerprint,
    dlpack_info,
)

__all__ = ["DeviceArrayInfo", "device_array_info", "fingerprint_for", "reader_for"]


def _not_device(obj: Any) -> None:
    del obj
    return None


def _instance_interfaces(obj: Any) -> DeviceArrayInfo | None:
    # A class without either interface may still give one per instance (an attribute set
    # on the object): the array interface first, as for classes.
    info = cai_info(obj)
    return info if info is not None else dlpack_info(obj)


def _instance_fingerprint(obj: Any) -> Any:
    if getattr(obj, "__cuda_array_interface__", None) is not None:
        return cai_fingerprint(obj)
    return dlpack_fingerprint(obj)


@functools.lru_cache(maxsize=256)  # per array type: a process feeds a handful
def _reading(cls: type) -> tuple[Reader, Fingerprint | None]:
    if issubclass(cls, np.ndarray):  # host memory (numpy's __dlpack__ says kDLCPU)
        return _not_device, None
    for record in RECORDS:
        if record.arrays is not None and record.arrays.matches(cls):
            return record.arrays.read, record.arrays.fingerprint
    # __cuda_array_interface__ before DLPack where a type has both: a dict read, no capsule.
    if hasattr(cls, "__cuda_array_interface__"):
        return cai_info, cai_fingerprint
    if hasattr(cls, "__dlpack__") and hasattr(cls, "__dlpack_device__"):
        return dlpack_info, dlpack_fingerprint
    return _instance_interfaces, _instance_fingerprint


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
