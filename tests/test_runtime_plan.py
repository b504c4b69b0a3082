"""The runtime after the hot-path redesign: profiles chosen by shape, nothing kept after close,
the classic idiom on a fresh context, typed errors for bad feeds, Buffers' own binding state."""

from __future__ import annotations

import gc
import warnings
import weakref
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, STATIC, TWO_PROFILES, binding_era

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.testing import EngineSpec, TensorSpec, build_plan


def _engine(spec: Any, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


def _two_feed(batch: int) -> dict[str, np.ndarray]:
    return {"x": np.full((batch, 4), batch, np.float32), "bias": np.arange(4, dtype=np.float32)}


# -- profile="auto" ----------------------------------------------------------------------------
def test_auto_profile_follows_the_shapes(era: str, host: Any) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile="auto") as runner:
        for batch, profile in ((2, 0), (9, 1), (3, 0), (16, 1), (4, 0)):
            feed = _two_feed(batch)
            out = runner.infer(feed)["y"]
            np.testing.assert_array_equal(out, feed["x"] + feed["bias"])
            assert runner.profile == profile
            assert runner.context.active_optimization_profile == profile


def test_auto_profile_none_fits_lists_every_range(era: str, host: Any) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile="auto") as runner:
        with pytest.raises(tc.ProfileError) as info:
            runner.infer(_two_feed(17))
        text = str(info.value)
        assert "'x' (17, 4)" in text
        assert "profile 0: 'x' (1, 4)..(4, 4), 'bias' (4,)..(4,)" in text
        assert "profile 1: 'x' (5, 4)..(16, 4), 'bias' (4,)..(4,)" in text
        np.testing.assert_array_equal(runner.infer(_two_feed(3))["y"][0], np.arange(4) + 3)


def test_auto_profile_prefers_the_nearest_opt_shape(era: str, host: Any) -> None:
    # Both profiles hold batch 4..5 here; the nearest opt (2 vs 8) decides.
    spec = EngineSpec(
        (
            TensorSpec("x", np.float32, (-1,), True, profiles=(((1,), (2,), (8,)), ((4,), (8,), (8,)))),
            TensorSpec("y", np.float32, (-1,), False),
        ),
        compute=lambda feed: {"y": feed["x"] * 2},
        num_profiles=2,
        name="overlapping",
    )
    with tc.Runner(_engine(spec, era), backend=host, profile="auto") as runner:
        runner.infer({"x": np.ones(3, np.float32)})
        assert runner.profile == 0
        runner.infer({"x": np.ones(7, np.float32)})
        assert runner.profile == 1
        runner.infer({"x": np.ones(5, np.float32)})  # |5-2| = 3 > |5-8| = 3? tie: stay
        assert runner.profile == 1


def test_auto_profile_skips_profile_zero_held_by_another_context(era: str, host: Any) -> None:
    engine = _engine(TWO_PROFILES, era)
    holder = engine.create_execution_context()  # takes profile 0 (8.x: exclusively)
    with tc.Runner(engine, backend=host, profile="auto") as runner:
        if binding_era(era):
            assert runner.profile == 1
            with pytest.raises(tc.ProfileError, match=r"profile 1: 'x' \(5, 4\)\.\.\(16, 4\)"):
                runner.infer(_two_feed(2))
        else:
            np.testing.assert_array_equal(runner.infer(_two_feed(2))["y"][0], np.arange(4) + 2)
    del holder


def test_auto_profile_refuses_at_once_when_the_only_profile_is_held(era: str, host: Any) -> None:
    engine = _engine(DYNAMIC, era)
    holder = engine.create_execution_context()  # takes profile 0 (8.x: exclusively)
    if binding_era(era):
        with pytest.raises(tc.ProfileError, match=r"only optimization profile \(0\) is held"):
            tc.Runner(engine, backend=host, profile="auto")
    else:
        with tc.Runner(engine, backend=host, profile="auto") as runner:
            y = runner.infer({"x": np.ones((3, 3), np.float32)})["y"]
            np.testing.assert_array_equal(y, np.full((3, 3), 2, np.float32))
    del holder


# -- nothing kept after close ------------------------------------------------------------------
@pytest.mark.parametrize("use_with", [True, False])
def test_closed_runner_keeps_no_context_stream_or_buffers(
    era: str, host: Any, use_with: bool
) -> None:
    engine = _engine(DYNAMIC, era)
    runner = tc.Runner(engine, backend=host)
    runner.infer({"x": np.ones((3, 3), np.float32)})
    context, buffers = weakref.ref(runner.context), weakref.ref(runner.buffers)
    if use_with:
        with runner:
            pass
    else:
        runner.close()
    was = gc.isenabled()
    gc.disable()  # freed by reference counts alone: no cycle keeps them
    try:
        assert context() is None and buffers() is None
    finally:
        if was:
            gc.enable()
    # On 8.x the freed context released profile 0: the classic idiom works right after.
    inputs, outputs, bindings, stream = bufs = tc.allocate_buffers(engine, backend=host)
    fresh = engine.create_execution_context()
    assert fresh.active_optimization_profile == 0
    inputs[0].host[:] = 1
    (y,) = tc.do_inference(fresh, bindings, inputs, outputs, stream)
    np.testing.assert_array_equal(y, 2)
    bufs.close()


def test_allocate_buffers_keeps_no_context(era: str, host: Any, monkeypatch: Any) -> None:
    engine = _engine(DYNAMIC, era)
    made: list[Any] = []
    real = type(engine).create_execution_context

    def spy(self: Any) -> Any:
        context = real(self)
        made.append(weakref.ref(context))
        return context

    monkeypatch.setattr(type(engine), "create_execution_context", spy)
    with tc.allocate_buffers(engine, backend=host):
        assert made and all(ref() is None for ref in made)


# -- the classic idiom on a fresh context --------------------------------------------------------
@pytest.mark.parametrize("spec", [STATIC, DYNAMIC], ids=["static", "dynamic"])
def test_classic_idiom_fresh_context_unset_shapes_use_the_buffers(
    era: str, host: Any, spec: EngineSpec
) -> None:
    engine = _engine(spec, era)
    inputs, outputs, bindings, stream = bufs = tc.allocate_buffers(engine, backend=host)
    context = engine.create_execution_context()
    shape = inputs[0].shape  # (2, 3) static; profile max (8, 3) dynamic
    data = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    np.copyto(inputs[0].host, data)
    (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
    assert y.shape == shape
    np.testing.assert_array_equal(y, data * 2)
    bufs.close()


def test_classic_idiom_shapes_the_caller_set_are_used(era: str, host: Any) -> None:
    engine = _engine(DYNAMIC, era)
    inputs, outputs, bindings, stream = bufs = tc.allocate_buffers(engine, backend=host)
    context = engine.create_execution_context()
    tc.set_input_shape(context, "x", (2, 3))
    inputs[0].host[:2] = 5
    inputs[0].host[2:] = -1  # beyond the shape set: must not reach the output
    outputs[0].host[:] = 0
    (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
    assert y.shape == (2, 3)
    np.testing.assert_array_equal(y, 10)
    np.testing.assert_array_equal(outputs[0].host[2:], 0)  # only 2 rows copied back
    bufs.close()


@pytest.mark.parametrize("era", ["8.4", "8.6"], indirect=True)
def test_classic_idiom_implicit_batch_returns_batch_rows(era: str, host: Any) -> None:
    engine = _engine(IMPLICIT, era)
    inputs, outputs, bindings, stream = bufs = tc.allocate_buffers(engine, backend=host)
    context = engine.create_execution_context()
    inputs[0].host[:] = 3
    (y,) = tc.do_inference(context, bindings, inputs, outputs, stream, batch_size=2)
    assert y.shape == (2, 3)
    np.testing.assert_array_equal(y, 6)
    bufs.close()


def test_implicit_batch_runs_without_a_warnings_filter_per_call(host: Any) -> None:
    from trtcompat.testing import fake_tensorrt

    with fake_tensorrt("8.6"):
        engine = _engine(IMPLICIT, "8.6")
        with tc.Runner(engine, backend=host) as runner:
            x = np.ones((2, 3), np.float32)
            runner.infer({"x": x})
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a DeprecationWarning leaking out would raise
                np.testing.assert_array_equal(runner.infer({"x": x})["y"], 2)
                filters = list(warnings.filters)
                for _ in range(3):
                    np.testing.assert_array_equal(runner.infer({"x": x})["y"], 2)
                assert warnings.filters == filters  # nothing changes per call
            # The user's own call of the deprecated member still warns.
            with pytest.warns(DeprecationWarning, match="execute_async is deprecated"):
                runner.context.execute_async(1, runner.buffers.addresses(), runner.stream)


# -- bad feeds are typed errors -----------------------------------------------------------------
def test_non_mapping_feed_is_a_typed_error(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        for feed in ([np.ones((2, 3), np.float32)], np.ones((2, 3), np.float32)):
            with pytest.raises(tc.TrtCompatError, match=r"^feed must be a mapping") as info:
                runner.infer(feed)  # type: ignore[arg-type]
            assert isinstance(info.value, TypeError)


def test_misspelled_name_with_the_right_count_names_it(era: str, host: Any) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host) as runner:
        feed = {"x": np.ones((2, 4), np.float32), "biass": np.zeros(4, np.float32)}
        with pytest.raises(
            tc.UnknownTensorError,
            match=r"^Input 'biass' is not a tensor of this engine\. The inputs are 'x', 'bias'\.$",
        ):
            runner.infer(feed)


def test_device_argument_disagreeing_with_the_backend_object_raises(era: str, host: Any) -> None:
    engine = _engine(STATIC, era)
    with pytest.raises(tc.DeviceError, match=r"device=1 was given with a 'host' backend object"):
        tc.Runner(engine, backend=host, device=1)
    with pytest.raises(tc.DeviceError, match=r"device=1 was given"):
        tc.allocate_buffers(engine, backend=host, device=1)


# -- Buffers ------------------------------------------------------------------------------------
def test_len_and_unpacking_agree(era: str, host: Any) -> None:
    with tc.allocate_buffers(_engine(TWO_PROFILES, era), backend=host) as buffers:
        assert len(buffers) == len(list(buffers)) == 4


def test_bind_and_addresses_per_profile(era: str, host: Any) -> None:
    with tc.allocate_buffers(_engine(TWO_PROFILES, era), backend=host) as buffers:
        x = buffers["x"]
        buffers.bind("x", 0x1000)
        assert buffers.bound("x") == 0x1000
        assert 0x1000 in buffers.bindings and x.device not in buffers.bindings
        zero, one = buffers.addresses(0), buffers.addresses(1)
        if buffers.family.NAME == "bindings":  # every profile's bindings: profile k at k * 3
            assert zero[:3] == [0x1000, buffers["bias"].device, buffers["y"].device]
            assert zero[3:] == [0, 0, 0] and one[3:] == zero[:3] and one[:3] == [0, 0, 0]
        else:
            assert zero == one == [0x1000, buffers["bias"].device, buffers["y"].device]


def test_close_keeps_freeing_after_a_failed_free_and_reports_the_first(era: str) -> None:
    backend = get_backend("host")
    before = backend.outstanding()
    buffers = tc.allocate_buffers(_engine(TWO_PROFILES, era), backend=backend)
    real_free = backend.free
    failed: list[int] = []

    def free(ptr: int) -> None:
        if not failed:
            failed.append(ptr)
            real_free(ptr)  # freed, but reported as failing: the rest must still be freed
            raise tc.BackendError("first free failed")
        real_free(ptr)

    backend.free = free  # type: ignore[method-assign]
    try:
        with pytest.raises(tc.BackendError, match=r"^first free failed$"):
            buffers.close()
    finally:
        del backend.free
    assert backend.outstanding() == before and buffers.closed


# -- outputs ------------------------------------------------------------------------------------
def _partial(feed: Any) -> dict[str, np.ndarray]:
    x = feed["x"]
    return {"idx": np.flatnonzero(x).astype(np.int32), "z": np.tile(x, (1, 4))}


PARTIAL = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1, 1), True, profiles=(((1, 1), (4, 1), (8, 1)),)),
        TensorSpec("idx", np.int32, (-1,), False, data_dependent=True),
        TensorSpec("z", np.float32, (-1, 4), False, like="x"),
    ),
    compute=_partial,
    name="partial",
)


@pytest.mark.parametrize("era", ["8.6", "10", "11"], indirect=True)
def test_data_dependent_output_then_partially_unknown_output(era: str, host: Any) -> None:
    with tc.Runner(_engine(PARTIAL, era), backend=host) as runner:
        for x in ([0, 2, 0, 3], [1, 1, 1, 1, 1, 1, 1, 1], [0.0]):
            arr = np.asarray(x, np.float32)[:, None]
            out = runner.infer({"x": arr})
            assert list(out) == ["idx", "z"]
            np.testing.assert_array_equal(out["idx"], np.flatnonzero(arr))
            assert out["z"].shape == (arr.size, 4)  # (-1, 4) resolved from the input
            np.testing.assert_array_equal(out["z"], np.tile(arr, (1, 4)))
        assert out["idx"].shape == (0,)  # legitimately empty


def test_profile_shapes_of_an_output_and_zero_sized_static_dims(era: str) -> None:
    spec = EngineSpec(
        (
            TensorSpec("x", np.float32, (-1, 3), True, profiles=(((1, 3), (2, 3), (4, 3)),)),
            TensorSpec("e", np.float32, (0, 3), True),
            TensorSpec("y", np.float32, (-1, 3), False, like="x"),
        ),
        compute=lambda feed: {"y": feed["x"]},
        name="zero_dim",
    )
    engine = _engine(spec, era)
    assert tc.profile_shapes(engine, "e", 0) == ((0, 3), (0, 3), (0, 3))
    low, opt, high = tc.profile_shapes(engine, "y", 0)
    assert low == opt == high and low[1:] == (3,)  # outputs: their declared shape, 3 times
