"""allocate_buffers + execute / do_inference: the classic loop, on every era, host memory."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, OUTPUTS_FIRST, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat.testing import build_plan, era_info


def _engine(spec: Any, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


def test_classic_four_tuple_static(era: str, host: Any) -> None:
    engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert [m.name for m in inputs] == ["x"] and [m.name for m in outputs] == ["y"]
        assert inputs[0].host.shape == (2, 3) and inputs[0].nbytes == 24
        np.copyto(inputs[0].host, np.arange(6, dtype=np.float32).reshape(2, 3))
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, np.arange(6).reshape(2, 3) * 2)


@pytest.mark.parametrize("batch", [1, 3, 8])
def test_dynamic_batch_sized_from_profile_max(era: str, host: Any, batch: int) -> None:
    engine = _engine(DYNAMIC, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert buffers["x"].shape == (8, 3) and buffers["y"].shape == (8, 3)
        tc.set_input_shape(context, "x", (batch, 3))
        assert tc.tensor_shape(context, "y") == (batch, 3)
        data = np.random.default_rng(batch).random((batch, 3), dtype=np.float32)
        inputs[0].host[:batch] = data
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y[:batch], data * 2)


def test_explicit_shapes_size_the_buffers(era: str, host: Any) -> None:
    engine = _engine(DYNAMIC, era)
    with tc.allocate_buffers(engine, backend=host, shapes={"x": (2, 3), "y": (2, 3)}) as buffers:
        assert buffers["x"].nbytes == 24 and buffers["y"].nbytes == 24
    with pytest.raises(
        tc.UnknownTensorError,
        match=r"^shapes= names 'z', which the engine lacks; it has 'x', 'y'\.$",
    ):
        tc.allocate_buffers(engine, backend=host, shapes={"z": (1,)})


def test_two_profile_engine_on_profile_1(era: str, host: Any) -> None:
    engine = _engine(TWO_PROFILES, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host, profile=1) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert buffers["x"].shape == (16, 4)
        if era_info(era).has_bindings and era == "8.4":
            # one slot per binding of every profile; profile 1's slots filled, profile 0's zero
            assert len(bindings) == 6 and bindings[:3] == [0, 0, 0] and all(bindings[3:])
        else:
            assert len(bindings) == 3 and all(bindings)
        context.set_optimization_profile_async(1, stream)
        tc.set_input_shape(context, "x", (12, 4))
        buffers["x"].host[:12] = 1.5
        buffers["bias"].host[:] = np.arange(4, dtype=np.float32)
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y[:12], np.tile(np.arange(4) + 1.5, (12, 1)))


def test_bindings_family_on_8_6_lays_out_every_profile() -> None:
    from trtcompat.testing import fake_tensorrt

    with fake_tensorrt("8.6"):
        engine = _engine(TWO_PROFILES, "8.6")
        with tc.allocate_buffers(engine, backend="host", profile=1, family="bindings") as buffers:
            assert len(buffers.bindings) == 6 and buffers.bindings[:3] == [0, 0, 0]


@pytest.mark.parametrize("batch", [1, 5, 8])
@pytest.mark.parametrize("era", ["8.4", "8.6"], indirect=True)
def test_implicit_batch(era: str, host: Any, batch: int) -> None:
    engine = _engine(IMPLICIT, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert buffers["x"].shape == (8, 3)  # max_batch_size leads
        inputs[0].host[:batch] = np.full((batch, 3), 4, np.float32)
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream, batch_size=batch)
        np.testing.assert_array_equal(y[:batch], np.full((batch, 3), 8))


def test_outputs_first_int32_fp16(era: str, host: Any) -> None:
    engine = _engine(OUTPUTS_FIRST, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        assert [m.name for m in outputs] == ["count", "prob"]
        assert [m.dtype for m in outputs] == [np.dtype(np.int32), np.dtype(np.float16)]
        tc.set_input_shape(context, "x", (8, 2))
        tc.set_input_shape(context, "ids", (8,))
        buffers["x"].host[:] = 0.5
        buffers["ids"].host[:] = np.arange(8)
        count, prob = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(count, np.arange(8) * 3)
        np.testing.assert_array_equal(prob, np.full((8, 2), 1.5, np.float16))


def test_grows_on_demand(era: str, host: Any) -> None:
    engine = _engine(DYNAMIC, era)
    with tc.allocate_buffers(engine, backend=host, shapes={"x": (1, 3), "y": (1, 3)}) as buffers:
        small = buffers["x"]
        assert buffers.ensure("x", (1, 3)) is small  # fits: nothing changes
        grown = buffers.ensure("x", (6, 3))
        assert grown is not small and grown.nbytes == 72 and grown.device in buffers.bindings


def test_close_is_idempotent_and_frees(era: str, host: Any) -> None:
    buffers = tc.allocate_buffers(_engine(STATIC, era), backend=host)
    assert host.outstanding() > 0
    buffers.close()
    buffers.close()
    assert buffers.closed and all(b == 0 for b in buffers.bindings)
    with pytest.raises(tc.ClosedError, match=r"^These buffers were closed; allocate new ones\.$"):
        buffers["x"]
    with pytest.raises(tc.ClosedError):
        tuple(buffers)


def test_execute_false_becomes_execution_error(era: str, host: Any) -> None:
    engine = _engine(DYNAMIC, era)
    with tc.allocate_buffers(engine, backend=host) as buffers:
        context = engine.create_execution_context()
        # no input shape set on this context: TensorRT refuses to run
        with pytest.raises(tc.ExecutionError) as err:
            tc.execute(context, buffers.bindings, buffers.stream)
        text = str(err.value)
        assert text.startswith("TensorRT refused to execute the engine (")
        assert "input 'x' FLOAT shape" in text and "output 'y' FLOAT shape" in text


def test_execute_takes_a_plain_list(era: str, host: Any) -> None:
    engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=host) as buffers:
        x, y, stream = buffers["x"], buffers["y"], buffers.stream
        x.host[:] = 0
        host.memcpy_htod_async(x.device, x.host_ptr, 24, stream)
        x.host[:] = 2  # host side only: the engine must not see it
        tc.execute(context, list(buffers.bindings), stream)
        host.memcpy_dtoh_async(y.host_ptr, y.device, 24, stream)
        np.testing.assert_array_equal(y.host, 0)
        host.memcpy_htod_async(x.device, x.host_ptr, 24, stream)
        tc.execute(context, list(buffers.bindings), stream)
        host.memcpy_dtoh_async(y.host_ptr, y.device, 24, stream)
        np.testing.assert_array_equal(y.host, 4)
