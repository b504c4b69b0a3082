"""fp16 / bf16 on strongly typed TensorRT (11.x): the ONNX model converted before parsing.

TensorRT 11 removed the FP16 and BF16 builder flags; NVIDIA's migration guide replaces them
with a model whose graph holds the reduced types ("Strong typing with ModelOpt AutoCast").
fp16 uses onnxconverter-common's ``float16.convert_float_to_float16`` (the ``build`` extra;
it installs on Python 3.8 to 3.13), or ModelOpt AutoCast where only that is installed; bf16
needs ModelOpt AutoCast (``convert_to_f16(low_precision_type="bf16")``), which
onnxconverter-common cannot do. Either keeps the graph's inputs and outputs in their types
when ``keep_io_types`` is set.
"""

from __future__ import annotations

from typing import Any

from ..errors import PrecisionError

__all__ = ["convert_model"]


def _distribution_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def convert_model(model: Any, precision: str, *, keep_io_types: bool) -> tuple[Any, str]:
    """``(converted ModelProto, what converted it)`` for ``precision`` ``"fp16"``/``"bf16"``.

    Raises:
        PrecisionError: no converter for that precision is installed.
    """
    if precision == "fp16":
        try:
            from onnxconverter_common.float16 import convert_float_to_float16
        except ImportError:
            pass
        else:
            converted = convert_float_to_float16(model, keep_io_types=keep_io_types)
            version = _distribution_version("onnxconverter-common")
            return converted, (
                f"onnxconverter-common {version} float16.convert_float_to_float16"
                f"(keep_io_types={keep_io_types})"
            )
    autocast = _modelopt_autocast()
    if autocast is None:
        need = (
            "trtcompat's `build` extra (onnxconverter-common) or "
            "`pip install 'nvidia-modelopt[onnx]'`"
            if precision == "fp16"
            else "`pip install 'nvidia-modelopt[onnx]'` (ModelOpt AutoCast; Python 3.10+)"
        )
        raise PrecisionError(
            f"precision={precision!r} on a strongly typed TensorRT (11.x has no "
            f"BuilderFlag.{precision.upper()}) means converting the ONNX model to "
            f"{precision}, and no converter for it is installed: {need}. trtcompat never "
            "builds a lower precision than asked."
        )
    converted = autocast.convert_to_f16(
        model, low_precision_type=precision, keep_io_types=keep_io_types
    )
    version = _distribution_version("nvidia-modelopt")
    return converted, (
        f"nvidia-modelopt {version} AutoCast convert_to_f16(low_precision_type={precision!r}, "
        f"keep_io_types={keep_io_types})"
    )


def _modelopt_autocast() -> Any:
    try:
        from modelopt.onnx import autocast
    except ImportError:
        return None
    return autocast if hasattr(autocast, "convert_to_f16") else None
