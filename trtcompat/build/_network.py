"""The network side of a build: the ONNX model parsed into it (from its file, so external-data
weights are found), parser errors made typed, the inputs read back, profiles checked against
them, and Q/DQ layers found."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .. import _trtlog
from .._capabilities import offers
from ..errors import BuildError, OnnxParseError, ProfileError

__all__ = ["add_profiles", "network_inputs", "parse_into", "quantized_types", "reduced_tensor"]

#: DataType members below float32 precision.
_REDUCED = ("HALF", "BF16", "FP8", "INT8", "INT4", "FP4")


def parse_into(parser: Any, source: str | bytes) -> None:
    """Parses ``source`` (a path: ``parse_from_file``, so external data resolves against the
    file's folder; bytes: ``parse``) into the parser's network.

    Raises:
        BuildError: the file is missing.
        OnnxParseError: the parser refused the model; ``errors`` lists each error.
    """
    start = _trtlog.mark()
    if isinstance(source, str):
        if not os.path.isfile(source):
            raise BuildError(f"No ONNX model at {source!r}.")
        ok = parser.parse_from_file(source)
    else:
        ok = parser.parse(source)
    said = _trtlog.lines_since(start)
    if ok:
        return
    errors = []
    for index in range(parser.num_errors):
        error = parser.get_error(index)
        name = error.node_name() if offers(error, "node_name") else ""
        operator = error.node_operator() if offers(error, "node_operator") else ""
        errors.append((int(error.node()), str(name), str(operator), str(error.desc())))
    listed = "\n  ".join(_describe(*e) for e in errors) or "(the parser gave no error)"
    where = source if isinstance(source, str) else "the model bytes"
    raise OnnxParseError(
        f"TensorRT's ONNX parser refused {where} with {len(errors)} error(s):\n  {listed}",
        errors=tuple(errors),
        trt_log=said,
    )


def _describe(node: int, name: str, operator: str, desc: str) -> str:
    if node < 0:
        return desc
    label = " ".join(part for part in (operator, repr(name) if name else "") if part)
    return f"node {node}{f' ({label})' if label else ''}: {desc}"


def network_inputs(network: Any) -> dict[str, tuple[int, ...]]:
    """The network's inputs, ``{name: shape}`` with -1 for dynamic dimensions."""
    found = {}
    for index in range(network.num_inputs):
        tensor = network.get_input(index)
        found[str(tensor.name)] = tuple(int(d) for d in tensor.shape)
    return found


def quantized_types(network: Any) -> set[str] | None:
    """The DataType names the network's Quantize layers produce (``{"INT8"}``), or None where
    it has no Quantize or Dequantize layer at all (no explicit quantization)."""
    found: set[str] | None = None
    for index in range(network.num_layers):
        layer = network.get_layer(index)
        kind = getattr(layer.type, "name", "")
        if kind not in ("QUANTIZE", "DEQUANTIZE"):
            continue
        found = found if found is not None else set()
        if kind == "QUANTIZE":
            found.update(
                getattr(layer.get_output(j).dtype, "name", "") for j in range(layer.num_outputs)
            )
    return found


def reduced_tensor(network: Any) -> tuple[str, str] | None:
    """``(tensor name, DataType name)`` of the first network input or layer output of a type
    below float32 (HALF, BF16, FP8, INT8, ...), or None where the network has none."""
    tensors = [network.get_input(i) for i in range(network.num_inputs)]
    for index in range(network.num_layers):
        layer = network.get_layer(index)
        tensors.extend(layer.get_output(j) for j in range(layer.num_outputs))
    for tensor in tensors:
        kind = getattr(tensor.dtype, "name", "")
        if kind in _REDUCED:
            return str(tensor.name), kind
    return None


def add_profiles(
    builder: Any,
    config: Any,
    inputs: Mapping[str, tuple[int, ...]],
    profiles: tuple[Mapping[str, tuple[tuple[int, ...], ...]], ...],
) -> None:
    """Checks ``profiles`` against the parsed ``inputs`` and adds them to ``config``.

    Raises:
        ProfileError: an input name the network lacks, a range of the wrong rank or one that
            changes a fixed dimension, a dynamic input without a range, or a profile
            TensorRT refused.
    """
    dynamic = [name for name, shape in inputs.items() if -1 in shape]
    if dynamic and not profiles:
        shown = ", ".join(f"{n} {inputs[n]}" for n in dynamic)
        raise ProfileError(
            f"The model has dynamic inputs ({shown}) and the config gives no optimization "
            "profile. Give a range for each, e.g. BuildConfig(profiles=[{"
            f"{dynamic[0]!r}: (min, opt, max)}}]) or --trt-min-shapes / --trt-opt-shapes / "
            "--trt-max-shapes."
        )
    for index, ranges in enumerate(profiles):
        _check_profile_names(index, ranges, inputs, dynamic)
        profile = builder.create_optimization_profile()
        for name, shapes in ranges.items():
            for label, given in zip(("min", "opt", "max"), shapes):
                _check_range_shape(index, name, label, tuple(given), inputs[name])
            profile.set_shape(name, *shapes)
        start = _trtlog.mark()
        if config.add_optimization_profile(profile) < 0:
            said = _trtlog.lines_since(start)
            raise ProfileError(
                f"TensorRT refused optimization profile {index} ({dict(ranges)}).",
                trt_log=said,
            )


def _check_profile_names(
    index: int,
    ranges: Mapping[str, tuple[tuple[int, ...], ...]],
    inputs: Mapping[str, tuple[int, ...]],
    dynamic: list[str],
) -> None:
    """A profile names only the model's inputs, and every dynamic one of them."""
    unknown = sorted(set(ranges) - set(inputs))
    if unknown:
        known = ", ".join(f"{n} {s}" for n, s in inputs.items())
        raise ProfileError(
            f"Profile {index} names {unknown}, which the model has no input for; its "
            f"inputs are: {known}."
        )
    missing = [name for name in dynamic if name not in ranges]
    if missing:
        raise ProfileError(
            f"Profile {index} gives no range for the dynamic input(s) {missing}; every "
            f"profile needs one for each of {dynamic}."
        )


def _check_range_shape(
    index: int, name: str, label: str, given: tuple[int, ...], shape: tuple[int, ...]
) -> None:
    """A min / opt / max shape has the input's rank and varies only its -1 dimensions."""
    if len(given) != len(shape):
        raise ProfileError(
            f"Profile {index}, input {name!r}: {label} shape {given} has "
            f"rank {len(given)}; the input {shape} has rank {len(shape)}."
        )
    fixed = [i for i, (d, g) in enumerate(zip(shape, given)) if d != -1 and d != g]
    if fixed:
        raise ProfileError(
            f"Profile {index}, input {name!r}: {label} shape {given} "
            f"changes dimension(s) {fixed}, which the model fixes at "
            f"{shape}; only the -1 dimensions may vary."
        )
