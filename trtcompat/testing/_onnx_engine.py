"""What a fake engine built from an ONNX model computes: the model itself, run by onnx's
reference evaluator (``onnx.reference.ReferenceEvaluator``), so a fake build, load and infer
gives the model's real outputs without a GPU.

The model travels inside the fake plan (:meth:`OnnxCompute.plan_payload`), so such a plan loads
in any process, as a real plan carries its kernels and weights.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["OnnxCompute", "compute_from_payload"]

#: Reduced precisions a weakly typed fake build applies (the FP16 / BF16 builder flags): the
#: float32 outputs carry that type's rounding, as TensorRT's reduced-precision kernels give.
_ROUNDINGS = ("fp16", "bf16")


class OnnxCompute:
    """A fake engine's host computation: run the ONNX model on the inputs.

    Args:
        model: The serialized ONNX model (weights included).
        reduced: ``"fp16"`` or ``"bf16"`` where the build set that builder flag on a weakly
            typed network; None for full precision or a strongly typed network (whose model
            already holds its own types).
    """

    __slots__ = ("_evaluator", "_lock", "model", "reduced")

    def __init__(self, model: bytes, reduced: str | None = None) -> None:
        if reduced is not None and reduced not in _ROUNDINGS:
            raise ValueError(f"reduced must be one of {_ROUNDINGS} or None, not {reduced!r}.")
        self.model = bytes(model)
        self.reduced = reduced
        self._evaluator: Any = None
        self._lock = threading.Lock()

    def _session(self) -> Any:
        with self._lock:
            if self._evaluator is None:
                import onnx
                from onnx.reference import ReferenceEvaluator

                self._evaluator = ReferenceEvaluator(onnx.load_from_string(self.model))
            return self._evaluator

    def __call__(self, feed: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
        session = self._session()
        inputs = {name: np.array(feed[name]) for name in session.input_names}
        results = session.run(None, inputs)
        outputs = {}
        for name, value in zip(session.output_names, results):
            array = np.asarray(value)
            if self.reduced is not None and array.dtype == np.float32:
                array = _rounded(array, self.reduced)
            outputs[name] = array
        return outputs

    def plan_payload(self) -> dict[str, Any]:
        """What a fake plan stores to rebuild this computation in another process."""
        return {
            "kind": "onnx",
            "model": base64.b64encode(self.model).decode("ascii"),
            "reduced": self.reduced,
        }


def _rounded(array: NDArray[Any], reduced: str) -> NDArray[Any]:
    if reduced == "fp16":
        return array.astype(np.float16).astype(np.float32)
    import ml_dtypes

    return array.astype(ml_dtypes.bfloat16).astype(np.float32)


def compute_from_payload(payload: Mapping[str, Any]) -> OnnxCompute:
    """The computation a fake plan's ``plan_payload`` describes.

    Raises:
        ValueError: a payload of another kind, or a damaged one.
    """
    if payload.get("kind") != "onnx":
        raise ValueError(f"Unknown fake compute kind {payload.get('kind')!r}.")
    try:
        model = base64.b64decode(str(payload["model"]), validate=True)
    except (KeyError, ValueError) as err:
        raise ValueError(f"The fake plan's model is damaged: {err}") from None
    reduced = payload.get("reduced")
    return OnnxCompute(model, None if reduced is None else str(reduced))
