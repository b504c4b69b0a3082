"""The network side of the fake builder: ``ITensor``, ``ILayer``, ``INetworkDefinition``
(inputs, outputs and the identity / elementwise / activation layers) and the ONNX parser
(``OnnxParser``, ``ParserError``), which reads models with the ``onnx`` package. Names,
parameter names and defaults follow NVIDIA's ``pyGraph.cpp`` and ``parsers/pyOnnx.cpp``."""

from __future__ import annotations

import os
import types
from collections.abc import Sequence
from typing import Any

from packaging.version import Version

from .._versions import has_member
from ._release_members import members_of

__all__ = ["network_classes", "network_model"]

# What the fake parser makes of an ONNX node (the layer onnx-tensorrt's importer adds for it).
_LAYER_OF_OP = {
    "Conv": "CONVOLUTION", "Relu": "ACTIVATION", "Sigmoid": "ACTIVATION", "Tanh": "ACTIVATION",
    "MaxPool": "POOLING", "AveragePool": "POOLING", "Softmax": "SOFTMAX",
    "Concat": "CONCATENATION", "Add": "ELEMENTWISE", "Sub": "ELEMENTWISE", "Mul": "ELEMENTWISE",
    "Div": "ELEMENTWISE", "Pow": "ELEMENTWISE", "Max": "ELEMENTWISE", "Min": "ELEMENTWISE",
    "Neg": "UNARY", "Abs": "UNARY", "Exp": "UNARY", "Log": "UNARY", "Sqrt": "UNARY",
    "Reshape": "SHUFFLE", "Transpose": "SHUFFLE", "Flatten": "SHUFFLE", "ReduceSum": "REDUCE",
    "ReduceMean": "REDUCE", "Constant": "CONSTANT", "Identity": "IDENTITY",
    "MatMul": "MATRIX_MULTIPLY", "Gemm": "MATRIX_MULTIPLY", "Cast": "CAST",
    "QuantizeLinear": "QUANTIZE", "DequantizeLinear": "DEQUANTIZE",
}  # fmt: skip
# ONNX TensorProto element type -> TensorRT DataType member.
_ONNX_TO_TRT = {1: "FLOAT", 10: "HALF", 3: "INT8", 6: "INT32", 9: "BOOL", 2: "UINT8", 7: "INT64",
                16: "BF16", 17: "FP8"}  # fmt: skip
_TRT_TO_ONNX = {v: k for k, v in _ONNX_TO_TRT.items()}
_ONNX_OP_OF = {
    "SUM": "Add", "PROD": "Mul", "MAX": "Max", "MIN": "Min", "SUB": "Sub", "DIV": "Div",
    "POW": "Pow", "RELU": "Relu", "SIGMOID": "Sigmoid", "TANH": "Tanh",
}  # fmt: skip


def network_classes(mod: types.ModuleType, version: Version) -> dict[str, type]:
    """The network and parser classes of release ``version`` for the fake module ``mod``."""
    return {
        "ITensor": _tensor_class(version),
        "ILayer": _layer_class(),
        "INetworkDefinition": _network_class(mod, version),
        "OnnxParser": _parser_class(mod, version),
        "ParserError": _parser_error_class(version),
    }


# -- network ---------------------------------------------------------------------------------


def _tensor_class(version: Version) -> type:
    def __init__(self: Any, network: Any, name: str, dtype: Any, shape: Sequence[int]) -> None:
        self._network = network
        self.name = name
        self.dtype = dtype
        self._shape = tuple(int(d) for d in shape)

    members = {
        "__init__": __init__,
        "shape": property(lambda self: self._network._mod.Dims(self._shape)),
        "is_network_input": property(lambda self: self in self._network._inputs),
        "is_network_output": property(lambda self: self in self._network._outputs),
        "is_shape_tensor": property(lambda self: False),
        "is_execution_tensor": property(lambda self: True),
        "__repr__": lambda self: f"<ITensor {self.name} {self._shape}>",
    }
    return type("ITensor", (), members_of("ITensor", version, members))


def _layer_class() -> type:
    def __init__(
        self: Any, layer_type: Any, name: str, inputs: list[Any], outputs: list[Any]
    ) -> None:
        self.type = layer_type
        self.name = name
        self._inputs = inputs
        self._outputs = outputs

    members = {
        "__init__": __init__,
        "num_inputs": property(lambda self: len(self._inputs)),
        "num_outputs": property(lambda self: len(self._outputs)),
        "get_input": lambda self, index: self._inputs[index],
        "get_output": lambda self, index: self._outputs[index],
    }
    return type("ILayer", (), members)


def _network_class(mod: types.ModuleType, version: Version) -> type:
    def __init__(self: Any, flags: int, builder: Any) -> None:
        self._mod = mod
        self._flags = int(flags)
        self._builder = builder
        self._inputs = []
        self._outputs = []
        self._layers = []
        self._onnx = None  # the parsed model (OnnxParser) ...
        self._nodes = []  # ... or the layers added here
        self.name = "Unnamed Network 0"

    def _flag_set(self: Any, flag_name: str) -> bool:
        flag = getattr(mod.NetworkDefinitionCreationFlag, flag_name, None)
        return flag is not None and bool(self._flags & (1 << int(flag)))

    def _implicit(self: Any) -> bool:
        # Breakpoint: 10.0 removed implicit batch (networks are explicit batch, flag or not).
        return has_member("Builder", "max_batch_size", version) and not self._flag_set(
            "EXPLICIT_BATCH"
        )

    def _strongly_typed(self: Any) -> bool:
        # Breakpoint: 11.0 made every network strongly typed.
        return not has_member("BuilderFlag", "FP16", version) or self._flag_set("STRONGLY_TYPED")

    def add_input(self: Any, name: str, dtype: Any, shape: Sequence[int]) -> Any:
        tensor = mod.ITensor(self, name, dtype, shape)
        self._inputs.append(tensor)
        return tensor

    def mark_output(self: Any, tensor: Any) -> None:
        self._outputs.append(tensor)

    def _add_layer(self: Any, layer_type: str, op: str, inputs: list[Any], shape: Any) -> Any:
        out = mod.ITensor(self, f"({op}_{len(self._layers)})_output", inputs[0].dtype, shape)
        layer = mod.ILayer(
            getattr(mod.LayerType, layer_type), f"{op}_{len(self._layers)}", inputs, [out]
        )
        self._layers.append(layer)
        self._nodes.append((op, [t.name for t in inputs], out.name))
        return layer

    def add_identity(self: Any, input: Any) -> Any:
        return self._add_layer("IDENTITY", "Identity", [input], input._shape)

    def add_activation(self: Any, input: Any, type: Any) -> Any:
        return self._add_layer("ACTIVATION", _ONNX_OP_OF[type.name], [input], input._shape)

    def add_elementwise(self: Any, input1: Any, input2: Any, op: Any) -> Any:
        shape = tuple(max(a, b) for a, b in zip(input1._shape, input2._shape))
        return self._add_layer("ELEMENTWISE", _ONNX_OP_OF[op.name], [input1, input2], shape)

    members = {
        "__init__": __init__,
        "_flag_set": _flag_set,
        "_implicit": _implicit,
        "_strongly_typed": _strongly_typed,
        "_add_layer": _add_layer,
        "num_inputs": property(lambda self: len(self._inputs)),
        "num_outputs": property(lambda self: len(self._outputs)),
        "num_layers": property(lambda self: len(self._layers)),
        "get_input": lambda self, index: self._inputs[index],
        "get_output": lambda self, index: self._outputs[index],
        "get_layer": lambda self, index: self._layers[index],
        "__len__": lambda self: len(self._layers),
        "__getitem__": lambda self, index: self._layers[index],
        "add_input": add_input,
        "mark_output": mark_output,
        "add_identity": add_identity,
        "add_activation": add_activation,
        "add_elementwise": add_elementwise,
        "has_implicit_batch_dimension": property(_implicit),
        "has_explicit_precision": property(lambda self: self._flag_set("EXPLICIT_PRECISION")),
        "flags": property(lambda self: self._flags),
        "get_flag": lambda self, flag: bool(self._flags & (1 << int(flag))),
        "builder": property(lambda self: self._builder),
    }
    return type("INetworkDefinition", (), members_of("INetworkDefinition", version, members))


# -- ONNX parser -----------------------------------------------------------------------------


def _parser_error_class(version: Version) -> type:
    def __init__(self: Any, code: Any, desc: str, node: int, node_name: str, op: str) -> None:
        self._code, self._desc, self._node = code, desc, node
        self._node_name, self._op = node_name, op

    def __str__(self: Any) -> str:
        # pyOnnx.cpp's parser_error_str; 9.3+ names the node and its operator as well
        if not has_member("ParserError", "node_name", version):
            return f"In node {self._node} (importModel): {self._code.name}: {self._desc}"
        return (
            f"In node {self._node} with name: {self._node_name} and operator: {self._op} "
            f"(importModel): {self._code.name}: {self._desc}"
        )

    members = {
        "__init__": __init__,
        "__str__": __str__,
        "__repr__": __str__,
        "code": lambda self: self._code,
        "desc": lambda self: self._desc,
        "file": lambda self: "ModelImporter.cpp",
        "line": lambda self: 0,
        "func": lambda self: "importModel",
        "node": lambda self: self._node,
        "node_name": lambda self: self._node_name,
        "node_operator": lambda self: self._op,
        "local_function_stack": lambda self: [],
        "local_function_stack_size": lambda self: 0,
    }
    return type("ParserError", (), members_of("ParserError", version, members))


def _parser_class(mod: types.ModuleType, version: Version) -> type:
    def __init__(self: Any, network: Any, logger: Any) -> None:
        self._network = network
        self._logger = logger
        self._errors = []

    def _error(
        self: Any, code: str, desc: str, node: int = -1, name: str = "", op: str = ""
    ) -> None:
        self._errors.append(mod.ParserError(getattr(mod.ErrorCode, code), desc, node, name, op))
        self._logger.log(mod.ILogger.Severity.ERROR, f"ModelImporter.cpp: {desc}")

    def _check_importers(self: Any, graph: Any) -> bool:
        """False (an error per node) where a node's op has no importer (no ONNX schema)."""
        import onnx

        for index, node in enumerate(graph.node):
            if not onnx.defs.has(node.op_type, node.domain or ""):
                self._error(
                    "UNSUPPORTED_NODE",
                    f"No importer registered for op: {node.op_type}. Attempting to import as "
                    "plugin. Plugin not found, are the plugin name, version, and namespace "
                    "correct?",
                    index, node.name, node.op_type,
                )  # fmt: skip
        return not self._errors

    def _add_inputs(self: Any, graph: Any) -> bool:
        """The graph's inputs (initializers are weights, not inputs) as network inputs."""
        initializers = {i.name for i in graph.initializer}
        for value in graph.input:
            if value.name in initializers:
                continue
            dtype = _trt_dtype(mod, value.type.tensor_type.elem_type)
            if dtype is None:
                code = "UNSUPPORTED_NODE_DATATYPE"  # Breakpoint: 9.3 added this ErrorCode
                self._error(
                    code if hasattr(mod.ErrorCode, code) else "INVALID_VALUE",
                    f"Input {value.name}: this TensorRT has no DataType for ONNX type "
                    f"{value.type.tensor_type.elem_type}.",
                )
                return False
            self._network.add_input(value.name, dtype, _dims(value))
        return True

    def _add_layers(self: Any, graph: Any, inferred: Any) -> None:
        """One layer per node, its outputs typed and shaped by onnx's shape inference."""
        network = self._network
        known = {v.name: v for v in (*inferred.graph.value_info, *inferred.graph.output)}
        for index, node in enumerate(graph.node):
            layer_type = _LAYER_OF_OP.get(node.op_type, "PLUGIN_V2")
            layer_type = layer_type if hasattr(mod.LayerType, layer_type) else "PLUGIN_V2"
            outputs = [
                mod.ITensor(
                    network,
                    out,
                    _trt_dtype(mod, _elem(known.get(out))) or mod.DataType.FLOAT,
                    _dims(known[out]) if out in known else (),
                )
                for out in node.output
            ]
            network._layers.append(
                mod.ILayer(
                    getattr(mod.LayerType, layer_type), node.name or f"node_{index}", [], outputs
                )
            )

    def _load(self: Any, model: Any) -> bool:
        import onnx

        graph = model.graph
        if self._network._implicit():
            self._error("INVALID_GRAPH", "The ONNX parser needs an explicit-batch network "
                        "(NetworkDefinitionCreationFlag.EXPLICIT_BATCH).")  # fmt: skip
            return False
        if not _check_importers(self, graph):
            return False
        try:
            inferred = onnx.shape_inference.infer_shapes(model)
        except Exception as err:  # onnx raises its own InferenceError types
            self._error("INVALID_GRAPH", f"Shape inference failed: {err}")
            return False
        if not _add_inputs(self, graph):
            return False
        _add_layers(self, graph, inferred)
        network = self._network
        for value in inferred.graph.output:
            dtype = _trt_dtype(mod, _elem(value)) or mod.DataType.FLOAT
            network.mark_output(mod.ITensor(network, value.name, dtype, _dims(value)))
        network.name = graph.name or network.name
        network._onnx = model
        return True

    def parse(self: Any, model: Any, path: str | None = None) -> bool:
        import onnx

        try:
            proto = onnx.load_from_string(bytes(model))
            if path is not None:
                onnx.load_external_data_for_model(proto, os.path.dirname(os.path.abspath(path)))
        except Exception as err:  # protobuf's DecodeError and onnx's own errors
            self._error("MODEL_DESERIALIZE_FAILED", f"Failed to parse ONNX model: {err}")
            return False
        return bool(self._load(proto))

    def parse_from_file(self: Any, model: str) -> bool:
        import onnx

        try:
            proto = onnx.load(model)
        except Exception as err:
            self._error(
                "MODEL_DESERIALIZE_FAILED", f"Failed to parse ONNX model from {model}: {err}"
            )
            return False
        return bool(self._load(proto))

    def supports_operator(self: Any, op_name: str) -> bool:
        import onnx

        return bool(onnx.defs.has(op_name))

    members = {
        "__init__": __init__,
        "_error": _error,
        "_load": _load,
        "parse": parse,
        "parse_from_file": parse_from_file,
        "supports_operator": supports_operator,
        "num_errors": property(lambda self: len(self._errors)),
        "get_error": lambda self, index: self._errors[index],
        "clear_errors": lambda self: self._errors.clear(),
    }
    return type("OnnxParser", (), members_of("OnnxParser", version, members))


def _elem(value: Any) -> int:
    return int(value.type.tensor_type.elem_type) if value is not None else 1


def _trt_dtype(mod: types.ModuleType, elem_type: int) -> Any:
    name = _ONNX_TO_TRT.get(int(elem_type))
    return getattr(mod.DataType, name, None) if name else None


def _dims(value: Any) -> tuple[int, ...]:
    dims = value.type.tensor_type.shape.dim
    return tuple(int(d.dim_value) if d.HasField("dim_value") else -1 for d in dims)


def network_model(network: Any) -> Any:
    # A network defined through the layer API becomes the ONNX graph it computes.
    from onnx import helper

    def value(tensor: Any) -> Any:
        shape = [d if d >= 0 else None for d in tensor._shape]
        return helper.make_tensor_value_info(tensor.name, _TRT_TO_ONNX[tensor.dtype.name], shape)

    nodes = [helper.make_node(op, inputs, [output]) for op, inputs, output in network._nodes]
    graph = helper.make_graph(
        nodes,
        network.name,
        [value(t) for t in network._inputs],
        [value(t) for t in network._outputs],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
