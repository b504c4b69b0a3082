"""INT4 / FP4 tensors through Runner.infer, allocate_buffers + do_inference and
HostDeviceMem.write/read, on the fakes of the eras that have them (10, 11): TensorRT's packed
layout (even element in the low nibble) checked byte for byte against hand-written bytes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import ml_dtypes
import numpy as np
import pytest

import trtcompat as tc
from trtcompat import _dtypes
from trtcompat.runtime import _subbyte
from trtcompat.testing import EngineSpec, TensorSpec, build_plan, fake_tensorrt

FP4 = getattr(ml_dtypes, "float4_e2m1fn", None)
INT4 = np.dtype(ml_dtypes.int4)
#: int4 values and their packed bytes, written out by hand: element 2k in the low nibble.
#: 1 -> 0x1, -2 -> 0xE, 3 -> 0x3, -8 -> 0x8, 7 -> 0x7 (odd count: last high nibble 0).
VALUES = [1, -2, 3, -8, 7]
BYTES = [0xE1, 0x83, 0x07]


@pytest.fixture(params=["10", "11"], ids=["trt10", "trt11"])
def subbyte_era(request: pytest.FixtureRequest) -> Iterator[str]:
    """The eras whose DataType has INT4 and FP4, with the fake installed."""
    with fake_tensorrt(request.param):
        yield request.param


def _recorder(seen: list[bytes], reply: bytes | None = None) -> Any:
    def compute(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        seen.append(bytes(feed["x"]))  # the fake hands sub-byte tensors over as packed bytes
        data = np.frombuffer(reply, np.uint8) if reply is not None else feed["x"]
        return {"y": data.copy()}

    return compute


def _engine(era: str, shape: tuple[int, ...], compute: Any, dtype: Any = "INT4") -> Any:
    spec = EngineSpec(
        (
            TensorSpec("x", dtype, shape, True, profiles=(((1,), (5,), (8,)),) if -1 in shape else ()),
            TensorSpec("y", dtype, shape, False),
        ),
        compute=compute,
        name="int4",
    )
    return tc.load_engine(build_plan(spec, era))


def test_pack_puts_the_even_element_in_the_low_nibble() -> None:
    packed = _subbyte.pack(np.array(VALUES, INT4))
    assert packed.dtype == np.uint8
    assert list(packed) == BYTES
    back = _subbyte.unpack(np.array(BYTES, np.uint8), (5,), INT4)
    assert back.dtype == INT4
    assert back.astype(np.int8).tolist() == VALUES


def test_every_int4_value_round_trips() -> None:
    values = np.arange(-8, 8, dtype=np.int8).astype(INT4).reshape(4, 4)
    back = _subbyte.unpack(_subbyte.pack(values), (4, 4), INT4)
    np.testing.assert_array_equal(back.astype(np.int8), values.astype(np.int8))


def test_runner_packs_int4_inputs_and_unpacks_outputs(subbyte_era: str, host: Any) -> None:
    seen: list[bytes] = []
    reply = bytes([0x7F, 0x80, 0x0E])  # nibbles low first: 0xF=-1, 0x7=7, 0, 0x8=-8, 0xE=-2
    engine = _engine(subbyte_era, (5,), _recorder(seen, reply))
    with tc.Runner(engine, backend=host) as runner:
        out = runner.infer({"x": np.array(VALUES, INT4)})["y"]
    assert seen == [bytes(BYTES)]
    assert out.dtype == INT4 and out.shape == (5,)
    assert out.astype(np.int8).tolist() == [-1, 7, 0, -8, -2]


def test_runner_round_trips_int4_byte_exact(subbyte_era: str, host: Any) -> None:
    rng = np.random.default_rng(4)
    engine = _engine(subbyte_era, (-1,), None)  # output i is input i: the bytes come back
    with tc.Runner(engine, backend=host) as runner:
        for n in (8, 5, 1, 8):  # even, odd, one element, and a cached plan again
            x = rng.integers(-8, 8, n).astype(INT4)
            y = runner.infer({"x": x})["y"]
            assert y.dtype == INT4 and y.shape == (n,)
            np.testing.assert_array_equal(y.astype(np.int8), x.astype(np.int8))
            assert bytes(_subbyte.pack(y)) == bytes(_subbyte.pack(x))


def test_runner_accepts_packed_uint8_with_the_last_dimension_halved(
    subbyte_era: str, host: Any
) -> None:
    seen: list[bytes] = []
    engine = _engine(subbyte_era, (2, 4), _recorder(seen))
    packed = np.array([[0xE1, 0x83], [0x07, 0x10]], np.uint8)  # logical (2, 4)
    with tc.Runner(engine, backend=host) as runner:
        out = runner.infer({"x": packed})["y"]
        assert seen == [bytes([0xE1, 0x83, 0x07, 0x10])]
        assert out.shape == (2, 4)
        assert out.astype(np.int8).tolist() == [[1, -2, 3, -8], [7, 0, 0, 1]]
        # The same logical shape as ml_dtypes next: another plan, the same bytes.
        again = runner.infer({"x": out})["y"]
        assert seen[-1] == seen[0]
        np.testing.assert_array_equal(again.astype(np.int8), out.astype(np.int8))
        # host_input hands out the packed pinned bytes in that form; fed back, no copy.
        pinned = runner.host_input("x")
        assert pinned.dtype == np.uint8 and pinned.shape == (2, 2)
        pinned[...] = [[0x21, 0x43], [0x65, 0x07]]
        out = runner.infer({"x": pinned})["y"]
        assert out.astype(np.int8).tolist() == [[1, 2, 3, 4], [5, 6, 7, 0]]


def test_runner_refuses_other_dtypes_and_wrong_packed_sizes(subbyte_era: str, host: Any) -> None:
    engine = _engine(subbyte_era, (2, 4), None)
    with tc.Runner(engine, backend=host) as runner:
        with pytest.raises(tc.DTypeError) as info:
            runner.infer({"x": np.zeros((2, 4), np.int8)})
        text = str(info.value)
        assert "'x'" in text and "int4" in text and "uint8" in text and "int8" in text
        with pytest.raises(tc.ShapeError) as shape_info:
            runner.infer({"x": np.zeros((2, 4), np.uint8)})  # unpacked bytes: logical (2, 8)
        assert "(2, 8)" in str(shape_info.value)
        with pytest.raises(tc.ShapeError):
            runner.infer({"x": np.zeros((2, 5), INT4)})
        np.testing.assert_array_equal(
            runner.infer({"x": np.ones((2, 4), INT4)})["y"].astype(np.int8), np.ones((2, 4))
        )


def test_host_input_refuses_an_odd_last_dimension(subbyte_era: str, host: Any) -> None:
    with tc.Runner(_engine(subbyte_era, (-1,), None), backend=host) as runner:
        with pytest.raises(tc.ShapeError) as info:
            runner.host_input("x", (5,))
        assert "odd last dimension" in str(info.value)
        assert runner.host_input("x", (6,)).shape == (3,)


def test_device_outputs_of_int4_are_refused_with_the_fix(subbyte_era: str, host: Any) -> None:
    with tc.Runner(_engine(subbyte_era, (4,), None), backend=host, outputs="device") as runner:
        with pytest.raises(tc.DTypeError) as info:
            runner.infer({"x": np.ones(4, INT4)})
        assert "outputs='host'" in str(info.value)


def test_classic_idiom_with_int4(subbyte_era: str, host: Any) -> None:
    seen: list[bytes] = []
    engine = _engine(subbyte_era, (5,), _recorder(seen))
    with tc.allocate_buffers(engine, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert inputs[0].host.dtype == np.uint8 and inputs[0].host.size == 3  # packed bytes
        inputs[0].write(np.array(VALUES, INT4))
        assert bytes(inputs[0].host) == bytes(BYTES)
        context = engine.create_execution_context()
        [out] = tc.do_inference(context, bindings, inputs, outputs, stream)
        assert seen == [bytes(BYTES)]
        assert out.dtype == INT4 and out.astype(np.int8).tolist() == VALUES
        assert outputs[0].read().astype(np.int8).tolist() == VALUES
        inputs[0].write(np.array([0x21, 0x43], np.uint8))  # packed bytes: logical (4,)
        assert bytes(inputs[0].host)[:2] == bytes([0x21, 0x43])
        inputs[0].write(np.zeros(6, INT4))  # 3 bytes hold up to 6 elements, not 7+
        with pytest.raises(tc.ShapeError, match=r"^Tensor 'x': shape \(7,\) needs 4 bytes; its "
                           r"buffer holds 3 \(sized for \(5,\)\)"):
            inputs[0].write(np.zeros(7, INT4))  # 7 nibbles round up to 4 bytes
        with pytest.raises(tc.ShapeError):
            inputs[0].write(np.zeros(8, INT4))
        with pytest.raises(tc.DTypeError):
            inputs[0].write(np.zeros(5, np.float32))
        del context


@pytest.mark.skipif(FP4 is None, reason="this ml_dtypes has no float4_e2m1fn (needs 0.5)")
def test_runner_round_trips_fp4(subbyte_era: str, host: Any) -> None:
    seen: list[bytes] = []
    engine = _engine(subbyte_era, (4,), _recorder(seen), dtype="FP4")
    x = np.array([0.5, -6.0, 1.5, 0.0], FP4)  # codes 0x1, 0xF, 0x3, 0x0
    with tc.Runner(engine, backend=host) as runner:
        y = runner.infer({"x": x})["y"]
    assert seen == [bytes([0xF1, 0x03])]
    assert y.dtype == np.dtype(FP4)
    np.testing.assert_array_equal(y.astype(np.float32), x.astype(np.float32))


def test_fp4_without_ml_dtypes_support_raises_the_dtype_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ml_dtypes 0.2 (the last release for Python 3.8) has no float4_e2m1fn / float8_e8m0fnu.
    monkeypatch.delattr(ml_dtypes, "float4_e2m1fn", raising=False)
    monkeypatch.delattr(ml_dtypes, "float8_e8m0fnu", raising=False)
    monkeypatch.delitem(_dtypes._NUMPY, "FP4", raising=False)
    monkeypatch.delitem(_dtypes._NUMPY, "E8M0", raising=False)
    for name in ("FP4", "E8M0"):
        with pytest.raises(tc.DTypeError) as info:
            _dtypes.numpy_dtype(name)
        assert "ml_dtypes>=0.5.0" in str(info.value)


def test_int4_write_sizes_by_nibbles(subbyte_era: str, host: Any) -> None:
    # (10,) INT4 = 5 bytes. 11 nibbles need 6 bytes: refused before any byte is written.
    engine = _engine(subbyte_era, (10,), _recorder([]))
    with tc.allocate_buffers(engine, backend=host) as buffers:
        mem = buffers["x"]
        mem.write(np.arange(-5, 5, dtype=np.int8).astype(INT4))
        before = bytes(mem.host)
        with pytest.raises(tc.ShapeError, match=r"^Tensor 'x': shape \(11,\) needs 6 bytes; its "
                           r"buffer holds 5 \(sized for \(10,\)\)"):
            mem.write(np.zeros(11, INT4))
        assert bytes(mem.host) == before
