"""DataType -> numpy, byte sizes, and every real DataType of 10.16 and 11.4."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from trtcompat import DTypeError, ShapeError, _dtypes
from trtcompat.iotensor import IOTensor

SURFACES = Path(__file__).parent / "data" / "surfaces"

EXPECTED = {
    "FLOAT": (np.float32, 32),
    "HALF": (np.float16, 16),
    "INT8": (np.int8, 8),
    "INT32": (np.int32, 32),
    "BOOL": (np.bool_, 8),
    "UINT8": (np.uint8, 8),
    "FP8": (ml_dtypes.float8_e4m3fn, 8),
    "BF16": (ml_dtypes.bfloat16, 16),
    "INT64": (np.int64, 64),
    "INT4": (ml_dtypes.int4, 4),
    # ml_dtypes 0.2 (the last for Python 3.8) lacks these two: they map to a DTypeError there.
    "FP4": (getattr(ml_dtypes, "float4_e2m1fn", None), 4),
    "E8M0": (getattr(ml_dtypes, "float8_e8m0fnu", None), 8),
}


@pytest.mark.parametrize("surface", sorted(p.name for p in SURFACES.glob("tensorrt_*.json")))
def test_every_real_datatype_maps(surface: str) -> None:
    members = json.loads((SURFACES / surface).read_text())["enums"]["DataType"]
    assert members  # the real module lists them
    for name in members:
        dtype, bits = EXPECTED[name]
        assert _dtypes.bits_of(name) == bits
        if dtype is None:
            continue  # test_missing_ml_dtype_is_a_dtype_error
        assert _dtypes.numpy_dtype(name) == np.dtype(dtype)
        if bits >= 8:
            assert np.dtype(dtype).itemsize * 8 == bits


def test_enum_values_by_name() -> None:
    class Fake:
        name = "HALF"

    assert _dtypes.numpy_dtype(Fake()) == np.float16
    assert _dtypes.enum_name("DataType.BF16") == "BF16"  # old pybind str() form


def test_unknown_datatype() -> None:
    with pytest.raises(TypeError, match=r"^Unknown TensorRT DataType 'FP6'\. Known: FLOAT, "):
        _dtypes.numpy_dtype("FP6")


def test_reverse_mapping() -> None:
    assert _dtypes.trt_name_for(ml_dtypes.bfloat16) == "BF16"
    with pytest.raises(TypeError, match="No TensorRT DataType for numpy dtype"):
        _dtypes.trt_name_for(np.complex64)


@pytest.mark.parametrize("name", ["FP4", "E8M0"])
def test_missing_ml_dtype_is_a_dtype_error(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # What ml_dtypes 0.2 (Python 3.8) gives: no float4_e2m1fn / float8_e8m0fnu attribute.
    kind = _dtypes.ML_DTYPES[name][0]
    monkeypatch.delattr(ml_dtypes, kind, raising=False)
    monkeypatch.setattr(_dtypes, "_NUMPY", {k: v for k, v in _dtypes._NUMPY.items() if k != name})
    with pytest.raises(
        DTypeError,
        match=rf"^TensorRT DataType {name} maps to ml_dtypes\.{kind}, "
        rf"which ml_dtypes .* lacks; install ml_dtypes>=0\.5\.0",
    ):
        _dtypes.numpy_dtype(name)


def _tensor(trt_dtype: str, shape: tuple[int, ...], **kw: int) -> IOTensor:
    # Sizes follow the DataType name alone; uint8 stands in where ml_dtypes lacks the type.
    dtype = np.dtype(EXPECTED[trt_dtype][0] or np.uint8)
    return IOTensor("t", shape, dtype, True, trt_dtype, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("trt_dtype", "shape", "nbytes"),
    [
        ("FLOAT", (2, 3), 24),
        ("HALF", (5,), 10),
        ("INT4", (3,), 2),
        ("INT4", (4,), 2),
        ("FP4", (2, 5), 5),
        ("INT64", (3,), 24),
        ("BOOL", (7,), 7),
        ("FLOAT", (0, 3), 0),
    ],
)
def test_nbytes(trt_dtype: str, shape: tuple[int, ...], nbytes: int) -> None:
    assert _tensor(trt_dtype, shape).nbytes() == nbytes


def test_nbytes_pads_the_vectorized_dim() -> None:
    t = _tensor("HALF", (1, 3, 2, 2), vectorized_dim=1, components_per_element=8)
    assert t.nbytes() == 1 * 8 * 2 * 2 * 2


def test_nbytes_needs_a_concrete_shape_of_the_right_rank() -> None:
    t = _tensor("FLOAT", (-1, 3))
    with pytest.raises(
        ShapeError, match=r"^Tensor 't' needs a concrete shape to size a buffer; got \(-1, 3\)\.$"
    ):
        t.nbytes()
    assert t.nbytes((4, 3)) == 48
    with pytest.raises(
        ShapeError, match=r"^Tensor 't' has rank 2 \(-1, 3\); got shape \(4,\) of rank 1\.$"
    ):
        t.nbytes((4,))


def test_iotensor_is_frozen_and_slotted() -> None:
    t = _tensor("FLOAT", (1,))
    with pytest.raises(AttributeError):
        t.name = "u"  # type: ignore[misc]
    # Breakpoint: dataclass(slots=True) is 3.10+ (trtcompat._compat).
    assert hasattr(t, "__dict__") == (sys.version_info < (3, 10))
    assert (t.mode, t.is_dynamic) == ("input", False)
