"""The samples' ``inputs[i].host = x`` on trtcompat's buffers: it copies ``x`` into the pinned
buffer (as the TensorRT 10 samples' setter does), so ``do_inference`` computes on ``x`` on every
era; the checks and errors are ``write()``'s."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, OUTPUTS_FIRST, STATIC

import trtcompat as tc
from trtcompat.testing import EngineSpec, TensorSpec, build_plan


def _engine(spec: Any, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


def _double(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": feed["x"] * 2}


# The issue's engine: one NCHW input, its double out.
NCHW = EngineSpec(
    (
        TensorSpec("x", np.float32, (4, 3, 8, 8), True),
        TensorSpec("y", np.float32, (4, 3, 8, 8), False),
    ),
    compute=_double,
    name="nchw",
)


def _is_pinned(mem: Any) -> bool:
    return bool(mem.host.ctypes.data == mem.host_ptr)


def test_the_issue_repro(era: str, host: Any) -> None:
    engine = _engine(NCHW, era)
    context = engine.create_execution_context()
    inputs, outputs, bindings, stream = buffers = tc.allocate_buffers(engine, backend=host)
    with buffers:
        inputs[0].host = np.full((4, 3, 8, 8), 7, np.float32)
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, np.full((4, 3, 8, 8), 14, np.float32))
        assert _is_pinned(inputs[0]) and inputs[0].host.shape == (4, 3, 8, 8)
        with pytest.raises(tc.DTypeError):  # the issue's float64 array: refused, not run on
            inputs[0].host = np.full((4, 3, 8, 8), 7.0)


def test_samples_10_style_flat_assignment_every_call(era: str, host: Any) -> None:
    # TensorRT 10 samples: host buffers are flat; ``inputs[0].host = image`` each iteration.
    engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    inputs, outputs, bindings, stream = buffers = tc.allocate_buffers(engine, backend=host)
    with buffers:
        pinned = inputs[0].host
        for k in range(4):  # the second call onwards takes do_inference's warm path
            x = np.arange(6, dtype=np.float32) + k
            inputs[0].host = x
            assert inputs[0].host is pinned  # reading keeps giving the pinned array
            (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
            np.testing.assert_array_equal(y.ravel(), x * 2)
        assert not np.shares_memory(pinned, x)


def test_samples_8_style_shaped_assignment_then_write(era: str, host: Any) -> None:
    # TensorRT 8 samples: ``host`` was a plain attribute; rebinding it to the caller's array
    # must not make later writes land in that array.
    engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    inputs, outputs, bindings, stream = buffers = tc.allocate_buffers(engine, backend=host)
    with buffers:
        mine = np.full((2, 3), 3, np.float32)
        inputs[0].host = mine
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, np.full((2, 3), 6, np.float32))
        inputs[0].write(np.full((2, 3), 5, np.float32))
        np.testing.assert_array_equal(mine, 3)  # the caller's array untouched
        assert _is_pinned(inputs[0])
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, np.full((2, 3), 10, np.float32))


@pytest.mark.parametrize("batch", [1, 3, 8])
def test_dynamic_engine_with_the_shape_set(era: str, host: Any, batch: int) -> None:
    # TensorRT 10 samples on a dynamic engine: set the input shape, assign the smaller array.
    engine = _engine(DYNAMIC, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        inputs[0].host = np.full((8, 3), -1, np.float32)
        tc.set_input_shape(context, "x", (batch, 3))
        x = np.random.default_rng(batch).random((batch, 3), dtype=np.float32)
        inputs[0].host = x
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        assert y.shape == (batch, 3)
        np.testing.assert_array_equal(y, x * 2)
        # The rest of the buffer keeps what it held (as the 10.x samples' setter leaves it).
        np.testing.assert_array_equal(inputs[0].host[batch:], -1)


def test_dynamic_engine_smaller_array_without_a_shape_runs_the_whole_buffer(
    era: str, host: Any
) -> None:
    # No shape set on the context: do_inference runs at the size the buffers were allocated
    # for (the profile's max); the assigned rows come first, the rest is what was there.
    engine = _engine(DYNAMIC, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        inputs[0].host = np.full((8, 3), 4, np.float32)
        inputs[0].host = np.ones(6, np.float32)  # two rows, flat
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        assert y.shape == (8, 3)
        np.testing.assert_array_equal(y[:2], 2)
        np.testing.assert_array_equal(y[2:], 8)


def test_two_inputs_in_engine_order(era: str, host: Any) -> None:
    engine = _engine(OUTPUTS_FIRST, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host, shapes={"x": (3, 2), "ids": (3,)}) as b:
        inputs, outputs, bindings, stream = b
        tc.set_input_shape(context, "x", (3, 2))
        tc.set_input_shape(context, "ids", (3,))
        by_name = {m.name: m for m in inputs}
        by_name["x"].host = np.full((3, 2), 2, np.float16)
        by_name["ids"].host = np.array([1, 2, 3], np.int32)
        found = dict(zip((m.name for m in outputs), tc.do_inference(context, bindings, inputs, outputs, stream)))
        np.testing.assert_array_equal(found["count"], [3, 6, 9])
        np.testing.assert_array_equal(found["prob"], np.full((3, 2), 3, np.float16))


@pytest.mark.parametrize("era", ["8.4", "8.6"], indirect=True)
def test_implicit_batch_samples_8(era: str, host: Any) -> None:
    # The 8.x samples' do_inference(..., batch_size=n) on an implicit-batch engine.
    engine = _engine(IMPLICIT, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        x = np.arange(12, dtype=np.float32).reshape(4, 3)
        inputs[0].host = x
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream, batch_size=4)
        np.testing.assert_array_equal(y, x * 2)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (np.zeros((2, 3)), tc.DTypeError),  # float64 into float32
        (np.zeros(7, np.float32), tc.ShapeError),  # more elements than the buffer holds
        ("seven", tc.DTypeError),
        (None, tc.DTypeError),
        (b"\x00" * 24, tc.DTypeError),
        ([[1.0], [1.0, 2.0]], tc.DTypeError),  # ragged: numpy cannot make one array
    ],
    ids=["float64", "too_big", "str", "none", "bytes", "ragged"],
)
def test_the_setter_checks_what_write_checks(
    era: str, host: Any, value: Any, error: type[Exception]
) -> None:
    engine = _engine(STATIC, era)
    with tc.allocate_buffers(engine, backend=host) as buffers:
        mem = buffers["x"]
        mem.write(np.full((2, 3), 9, np.float32))
        with pytest.raises(error) as by_write:
            mem.write(value)
        with pytest.raises(error) as by_setter:
            mem.host = value
        assert str(by_setter.value) == str(by_write.value)
        assert str(by_setter.value).startswith("Tensor 'x'")
        np.testing.assert_array_equal(mem.host, 9)  # nothing written
        assert _is_pinned(mem)


def test_non_numeric_messages(era: str, host: Any) -> None:
    with tc.allocate_buffers(_engine(STATIC, era), backend=host) as buffers:
        with pytest.raises(
            tc.DTypeError,
            # numpy >= 1.24 refuses a ragged list; older numpy makes an object array of it.
            match=r"^Tensor 'x' (takes a numpy array of float32; got \[\[1\.0\], \[1\.0, 2\.0\]\], "
            r"which numpy cannot read as one array \(|holds float32; got \[\[1\.0\], \[1\.0, "
            r"2\.0\]\] \(numpy dtype object\), which is not numeric data\.)",
        ):
            buffers["x"].host = [[1.0], [1.0, 2.0]]
        with pytest.raises(
            tc.DTypeError,
            match=r"^Tensor 'x' holds float32; got 'seven' \(numpy dtype <U5\), which is not "
            r"numeric data\. Pass a numpy array of float32\.$",
        ):
            buffers["x"].host = "seven"
        with pytest.raises(
            tc.DTypeError,
            match=r"^Tensor 'x' holds float32; got float64\. Convert with \.astype\('float32'\)\.$",
        ):
            buffers["x"].host = np.zeros((2, 3))


def _as_uint8(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": (feed["x"] + 1).astype(np.uint8)}


BYTES_IN = EngineSpec(
    (TensorSpec("x", np.uint8, (6,), True), TensorSpec("y", np.uint8, (6,), False)),
    compute=_as_uint8,
    name="bytes_in",
)


@pytest.mark.parametrize("era", ["8.6", "10", "11"], indirect=True)  # 8.4 has no UINT8
def test_raw_bytes_into_a_uint8_buffer(era: str, host: Any) -> None:
    # The TensorRT 10 samples' setter takes bytes for uint8 buffers; so does write().
    engine = _engine(BYTES_IN, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        inputs[0].host = bytes([0, 1, 2, 3, 4, 5])
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, [1, 2, 3, 4, 5, 6])
        inputs[0].write(bytearray([9, 9]))  # fewer: the first two elements
        np.testing.assert_array_equal(inputs[0].host, [9, 9, 2, 3, 4, 5])
        with pytest.raises(tc.ShapeError, match=r"^Tensor 'x': shape \(7,\) needs 7 bytes"):
            inputs[0].host = bytes(7)


def test_a_hand_made_record_is_refused_by_do_inference(era: str, host: Any) -> None:
    # HostDeviceMem built by hand (not by allocate_buffers): no pinned pointer, no backend.
    engine = _engine(STATIC, era)
    tensor = tc.io_tensors(engine)[0]
    host_array = np.zeros((2, 3), np.float32)
    mem = tc.HostDeviceMem("x", host_array, 0, 24, (2, 3), tensor.dtype, tensor)
    assert mem.host_ptr == 0 and mem.backend is None and mem.host is host_array
    mem.host = np.ones((2, 3), np.float32)  # still copies into the array it was given
    np.testing.assert_array_equal(host_array, 1)
    with pytest.raises(
        tc.TrtCompatError,
        match=r"^do_inference needs HostDeviceMem objects from trtcompat\.allocate_buffers\.$",
    ):
        tc.do_inference(engine.create_execution_context(), [0, 0], [mem], [], 0)


def test_raw_bytes_into_another_dtype_are_refused(era: str, host: Any) -> None:
    message = (
        r"^Tensor 'x' holds float32; got 24 raw bytes\. Read them as that dtype first: "
        r"np\.frombuffer\(data, 'float32'\)\.$"
    )
    with tc.allocate_buffers(_engine(STATIC, era), backend=host) as buffers:
        with pytest.raises(tc.DTypeError, match=message):
            buffers["x"].host = bytes(24)
        with pytest.raises(tc.DTypeError, match=message):
            buffers["x"].write(memoryview(bytearray(24)))


@pytest.mark.parametrize("era", ["10", "11"], indirect=True)
def test_int4_input_as_ml_dtypes_or_packed_bytes(era: str, host: Any) -> None:
    import ml_dtypes

    int4 = np.dtype(ml_dtypes.int4)
    spec = EngineSpec(
        (TensorSpec("x", "INT4", (5,), True), TensorSpec("y", "INT4", (5,), False)),
        compute=lambda feed: {"y": feed["x"].copy()},  # packed bytes in, the same bytes out
        name="int4_echo",
    )
    engine = _engine(spec, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        values = [1, -2, 3, -8, 7]
        inputs[0].host = np.array(values, int4)
        assert bytes(inputs[0].host) == bytes([0xE1, 0x83, 0x07])  # TensorRT's packing
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        assert y.astype(np.int8).tolist() == values
        inputs[0].host = bytes([0x7F, 0x80, 0x0E])  # packed bytes as they are
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        assert y.astype(np.int8).tolist() == [-1, 7, 0, -8, -2]
