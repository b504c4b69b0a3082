"""Models and builders for the plan store tests: tiny ONNX models (with external data), and a
builder that counts its builds and returns a header-true plan for the installed fake."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from _plans import sectioned_plan

from trtcompat.discovery import runtime_info


def onnx_model(folder: Path, weights: np.ndarray, *, external: bool, name: str = "model") -> Path:
    """``y = x + w`` as ``folder/<name>.onnx``; with ``external``, ``w`` lives in
    ``folder/<name>.weights`` (ONNX external data)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(weights.astype(np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])],
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(weights.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(weights.shape))],
        [w],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = folder / f"{name}.onnx"
    if external:
        onnx.save_model(
            model,
            str(path),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=f"{name}.weights",
            size_threshold=0,
        )
    else:
        onnx.save_model(model, str(path))
    return path


@dataclass(frozen=True)
class Config:
    """The part of BuildConfig the store reads (key_fields, hardware_compatibility)."""

    precision: str = "fp32"
    hardware_compatibility: str | None = None
    timing_cache: str | None = None  # not part of the key, like BuildConfig's

    def key_fields(self) -> dict[str, Any]:
        return {"precision": self.precision, "hardware_compatibility": self.hardware_compatibility}


@dataclass
class Result:
    plan: bytes
    report: Any = None


@dataclass
class CountingBuilder:
    """Builds a sectioned plan whose header names the installed (fake) TensorRT."""

    calls: list[Any] = field(default_factory=list)
    payload: bytes = b"\x01" * 40

    def __call__(self, model: Any, config: Any) -> Result:
        self.calls.append((model, config))
        version = tuple(int(p) for p in runtime_info().version.split("."))
        tag = str(len(self.calls)).encode()
        return Result(sectioned_plan(version, ((1, self.payload + tag),)), {"build": len(self.calls)})


def files_under(root: Path) -> list[str]:
    """Every file under ``root``, relative, sorted."""
    return sorted(
        os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
    )
