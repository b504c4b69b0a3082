"""Tiny ONNX models made in code (onnx.helper) for the build tests: no files from outside."""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17)]
#: The weights of scale_relu: 1/3 is not an fp16 (or bf16) number, so reduced precision shows.
WEIGHTS = np.array([1 / 3, 2.0, -3.0], dtype=np.float32)


def scale_relu(batch: Any = "N", name: str = "scale_relu") -> Any:
    """y = relu(x * WEIGHTS), x of shape (batch, 3)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 3])
    w = numpy_helper.from_array(WEIGHTS, "w")
    nodes = [helper.make_node("Mul", ["x", "w"], ["m"], name="mul"),
             helper.make_node("Relu", ["m"], ["y"], name="relu")]  # fmt: skip
    return helper.make_model(helper.make_graph(nodes, name, [x], [y], [w]), opset_imports=OPSET)


def expected(x: Any) -> Any:
    """What scale_relu computes in float32."""
    return np.maximum(x * WEIGHTS, 0).astype(np.float32)


def with_custom_op() -> Any:
    """A model whose second node is an op no importer knows."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("FancyNorm", ["r"], ["y"], name="fancy", domain="com.example")]  # fmt: skip
    graph = helper.make_graph(nodes, "custom", [x], [y])
    return helper.make_model(graph, opset_imports=[*OPSET, helper.make_opsetid("com.example", 1)])


def quantized() -> Any:
    """x -> QuantizeLinear -> DequantizeLinear -> y (explicit int8 quantization)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    scale = numpy_helper.from_array(np.array(0.5, dtype=np.float32), "scale")
    zero = numpy_helper.from_array(np.array(0, dtype=np.int8), "zero")
    nodes = [helper.make_node("QuantizeLinear", ["x", "scale", "zero"], ["q"], name="q"),
             helper.make_node("DequantizeLinear", ["q", "scale", "zero"], ["y"], name="dq")]  # fmt: skip
    graph = helper.make_graph(nodes, "qdq", [x], [y], [scale, zero])
    # opset 19: the reference evaluator implements QuantizeLinear from there on.
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


def half_inside() -> Any:
    """y = float32(float16(x) * 2): fp32 I/O, an fp16 computation inside."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float16), "two")
    nodes = [helper.make_node("Cast", ["x"], ["h"], to=TensorProto.FLOAT16, name="to_half"),
             helper.make_node("Mul", ["h", "two"], ["m"], name="mul"),
             helper.make_node("Cast", ["m"], ["y"], to=TensorProto.FLOAT, name="to_float")]  # fmt: skip
    graph = helper.make_graph(nodes, "half_inside", [x], [y], [two])
    return helper.make_model(graph, opset_imports=OPSET)


def two_inputs() -> Any:
    """z = a + b, a of shape (N, 4), b of shape (N, 4)."""
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["N", 4])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, ["N", 4])
    z = helper.make_tensor_value_info("z", TensorProto.FLOAT, ["N", 4])
    graph = helper.make_graph([helper.make_node("Add", ["a", "b"], ["z"])], "add", [a, b], [z])
    return helper.make_model(graph, opset_imports=OPSET)


RANGE = {"x": ((1, 3), (2, 3), (4, 3))}


def images_model() -> Any:
    """output = images * 2, images of shape (N, 3, 224, 224): the README's model.onnx."""
    images = helper.make_tensor_value_info("images", TensorProto.FLOAT, ["N", 3, 224, 224])
    output = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 3, 224, 224])
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two")
    node = helper.make_node("Mul", ["images", "two"], ["output"])
    graph = helper.make_graph([node], "readme", [images], [output], [two])
    return helper.make_model(graph, opset_imports=OPSET)
