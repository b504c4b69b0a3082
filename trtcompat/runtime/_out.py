"""``Runner.infer(feed, out=...)``: the caller's arrays that outputs are written into, checked
before anything is written (numpy ufuncs' ``out=``, one array per output name)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from .._family import Shape
from ..errors import DTypeError, LayoutError, OptionError, ShapeError, UnknownTensorError
from ..iotensor import IOTensor

__all__ = ["check_out", "check_out_shape", "check_static_shapes"]


def check_out(
    out: Any, outputs: Mapping[str, IOTensor], inputs: Collection[str], kind: str
) -> Mapping[str, np.ndarray[Any, Any]]:
    """``out`` itself, once checked: ``{output name: array}``, each array a writable
    C-contiguous numpy array of its output's dtype (shapes are checked per call, once TensorRT
    has them).

    Raises:
        OptionError: the Runner returns device arrays (``kind == "device"``).
        DTypeError: ``out`` is not a mapping, or an array has another dtype.
        UnknownTensorError: a name that is not an output.
        LayoutError: not a numpy array, not C-contiguous, or read-only.
    """
    if kind != "host":
        raise OptionError(
            "out= takes numpy arrays for host outputs; this Runner returns device arrays "
            "(outputs='device'), which it owns. Use outputs='host' with out=, or copy the "
            "device arrays yourself."
        )
    if type(out) is not dict and not isinstance(out, Mapping):
        raise DTypeError(
            f"out must be a mapping of output name to numpy array (e.g. {{'y': array}}); got "
            f"{type(out).__name__}."
        )
    for name, array in out.items():
        tensor = outputs.get(name)
        if tensor is None:
            kind_of = "an input" if name in inputs else "not a tensor of this engine"
            expected = ", ".join(repr(n) for n in outputs)
            raise UnknownTensorError(
                f"out= names {name!r}, which is {kind_of}. The outputs are {expected}."
            )
        if type(array) is not np.ndarray and not isinstance(array, np.ndarray):
            cls = type(array)
            where = "" if cls.__module__ == "builtins" else f"{cls.__module__}."
            raise LayoutError(
                f"out[{name!r}] is a {where}{cls.__qualname__}; out= takes numpy "
                f"arrays in host memory, e.g. np.empty(shape, {str(tensor.dtype)!r})."
            )
        if array.dtype != tensor.dtype:
            raise DTypeError(
                f"out[{name!r}] is {array.dtype}; output {name!r} is {tensor.dtype}. Pass an "
                f"array of {tensor.dtype}."
            )
        flags = array.flags
        if not flags.c_contiguous:
            raise LayoutError(
                f"out[{name!r}] is not C-contiguous (strides {array.strides}); output {name!r} "
                "is written as one block. Pass a C-contiguous array (np.empty(shape, dtype))."
            )
        if not flags.writeable:
            raise LayoutError(
                f"out[{name!r}] is read-only (flags.writeable is False); output {name!r} "
                "cannot be written into it. Pass a writable array."
            )
    return out


def check_out_shape(name: str, array: np.ndarray[Any, Any], shape: Sequence[int]) -> None:
    """ShapeError unless ``array`` has the shape output ``name`` has in this call."""
    if array.shape != tuple(shape):
        raise ShapeError(
            f"out[{name!r}] has shape {array.shape}; output {name!r} has shape {tuple(shape)} "
            "for these inputs. Pass an array of that shape."
        )


def check_static_shapes(
    targets: Mapping[str, Any], shapes: Mapping[str, Shape], data_dependent: bool
) -> None:
    """:func:`check_out_shape` for every target whose output shape is known before the run
    (with ``data_dependent``, outputs still holding -1 are checked after it)."""
    for name, array in targets.items():
        shape = shapes[name]
        if array.shape != shape and (not data_dependent or all(d >= 0 for d in shape)):
            check_out_shape(name, array, shape)
