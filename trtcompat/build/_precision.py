"""Precision as intent: what "fp16" (or any precision) takes on the installed release.

Up to 10.x a network is weakly typed unless asked otherwise, and the precision comes from
builder flags; 11.x has strongly typed networks only (the FP16 / BF16 / INT8 / FP8 flags are
gone), so there fp16 and bf16 come from converting the ONNX model and int8 / fp8 from the
model's Q/DQ nodes. Each decision here asks the module what it has (``BuilderFlag.FP16``
present or not), and names the release from the version table where it refuses.
docs/BUILD.md gives NVIDIA's sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._capabilities import added_in, builder_flag, strongly_typed_networks, weakly_typed
from ..errors import PrecisionError

__all__ = ["PrecisionPlan", "plan_precision"]

_FLAG_OF = {"fp16": "FP16", "bf16": "BF16", "int8": "INT8", "fp8": "FP8", "tf32": "TF32"}
_QUANTIZATION = (
    "NVIDIA ModelOpt's ONNX quantization (`python -m modelopt.onnx.quantization "
    "--onnx_path model.onnx --quantize_mode {mode}`) writes a model with Q/DQ nodes"
)


@dataclass(frozen=True)
class PrecisionPlan:
    """How a requested precision is met on one release.

    Attributes:
        requested: The config's precision.
        applied: What the plan computes in (equal to ``requested`` when the build goes on).
        set_flags / clear_flags: BuilderFlag names to set and clear.
        strongly_typed: Create the network with ``STRONGLY_TYPED`` (only where the flag
            exists and weak typing is still the default).
        convert: ``"fp16"`` / ``"bf16"``: convert the ONNX model before parsing (strongly
            typed releases).
        needs_qdq: The network must hold Q/DQ layers (int8, fp8).
        weakly_typed: Whether the release still has weakly typed networks (builder precision
            flags); False on 11.x, where every network computes in the model's own types.
    """

    requested: str
    applied: str
    set_flags: tuple[str, ...]
    clear_flags: tuple[str, ...]
    strongly_typed: bool
    convert: str | None
    needs_qdq: bool
    weakly_typed: bool


def _version(trt: Any) -> str:
    return str(getattr(trt, "__version__", "unknown"))


def _release_adding(cls: str, member: str) -> str:
    added = added_in(cls, member)
    return f"TensorRT {added}" if added is not None else "TensorRT 8.0"


def plan_precision(trt: Any, precision: str, *, from_onnx: bool) -> PrecisionPlan:
    """How ``precision`` is met with module ``trt``.

    Args:
        trt: The TensorRT module.
        precision: A ``BuildConfig.precision``.
        from_onnx: Whether the model is an ONNX graph (which can be converted), not a
            function that defines the network.

    Raises:
        PrecisionError: the release cannot meet it (with the release that could, or the
            tool that makes the model meet it).
    """
    weak = weakly_typed(trt)  # Breakpoint: 11.0 removed weak typing
    version = _version(trt)
    if precision == "fp32":
        # TF32 is on by default in every release's builder config: fp32 means it off.
        clear_tf32 = ("TF32",) if builder_flag(trt, "TF32") is not None else ()
        return PrecisionPlan(precision, "fp32", (), clear_tf32, False, None, False, weak)
    if precision == "tf32":
        if builder_flag(trt, "TF32") is None:
            raise PrecisionError(
                f"precision='tf32' needs BuilderFlag.TF32, which TensorRT {version} lacks."
            )
        return PrecisionPlan(precision, "tf32", ("TF32",), (), False, None, False, weak)
    if precision == "model":
        return _model_types(trt, weak, version)
    needs_qdq = precision in ("int8", "fp8")
    if weak:
        flag = _required_flag(trt, precision, version, lowered_hint=not needs_qdq)
        return PrecisionPlan(precision, precision, (flag,), (), False, None, needs_qdq, weak)
    if needs_qdq:
        return PrecisionPlan(precision, precision, (), (), False, None, True, weak)
    # fp16, bf16 on a strongly typed release: the ONNX model is converted.
    if not from_onnx:
        raise PrecisionError(
            f"precision={precision!r} on TensorRT {version} (strongly typed networks only) "
            "needs an ONNX model to convert; a network defined through the API carries its "
            "own types: give its tensors the types you want and use precision='model'."
        )
    return PrecisionPlan(precision, precision, (), (), False, precision, False, weak)


def _model_types(trt: Any, weak: bool, version: str) -> PrecisionPlan:
    # precision="model": a strongly typed network; weakly typed releases must be asked for it.
    if weak and not strongly_typed_networks(trt):
        raise PrecisionError(
            "precision='model' builds a strongly typed network (the model's own types), "
            "which needs NetworkDefinitionCreationFlag.STRONGLY_TYPED: "
            f"{_release_adding('NetworkDefinitionCreationFlag', 'STRONGLY_TYPED')} added "
            f"it, the installed TensorRT is {version}. Use precision='fp32' or 'fp16' "
            "here, or build on a newer TensorRT."
        )
    return PrecisionPlan("model", "model", (), (), weak, None, False, weak)


def _required_flag(trt: Any, precision: str, version: str, *, lowered_hint: bool) -> str:
    """The BuilderFlag a weakly typed release needs for ``precision``; refused where it lacks
    it (never a lower precision instead)."""
    flag = _FLAG_OF[precision]
    if builder_flag(trt, flag) is not None:
        return flag
    hint = (
        " and trtcompat never builds a lower precision than asked. Use precision='fp16' or "
        "'fp32', or build on a newer TensorRT."
        if lowered_hint
        else "."
    )
    raise PrecisionError(
        f"precision={precision!r} needs BuilderFlag.{flag}, which "
        f"{_release_adding('BuilderFlag', flag)} added; the installed TensorRT is "
        f"{version}{hint}"
    )


def qdq_missing_error(trt: Any, precision: str) -> PrecisionError:
    """The error for an int8 / fp8 request on a model without Q/DQ nodes."""
    mode = "int8" if precision == "int8" else "fp8"
    return PrecisionError(
        f"precision={precision!r} needs a model with Q/DQ (QuantizeLinear / DequantizeLinear) "
        f"nodes (the model has none): trtcompat gives TensorRT {_version(trt)} no calibrator "
        "(11.x has none at all), and without Q/DQ scales no layer would be built in "
        f"{precision}. "
        f"{_QUANTIZATION.format(mode=mode)}; build that model with precision={precision!r}."
    )
