"""Runner: the same feed-in, arrays-out code on every era (host backend)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, NONZERO, OUTPUTS_FIRST, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat.testing import build_plan, fake_tensorrt


def _engine(spec: Any, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


def test_static(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        x = np.arange(6, dtype=np.float32).reshape(2, 3)
        out = runner.infer({"x": x})
        assert list(out) == ["y"]
        np.testing.assert_array_equal(out["y"], x * 2)


def test_dynamic_batch_sizes(era: str, host: Any) -> None:
    with tc.Runner(_engine(DYNAMIC, era), backend=host) as runner:
        for batch in (1, 8, 3, 3, 5):
            x = np.random.default_rng(batch).random((batch, 3), dtype=np.float32)
            out = runner.infer({"x": x})
            assert out["y"].shape == (batch, 3)
            np.testing.assert_array_equal(out["y"], x * 2)


def test_two_profile_engine_on_profile_1(era: str, host: Any) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile=1) as runner:
        x = np.ones((11, 4), np.float32)
        bias = np.arange(4, dtype=np.float32)
        np.testing.assert_array_equal(runner.infer({"x": x, "bias": bias})["y"], x + bias)
        with pytest.raises(
            tc.ShapeError,
            match=r"^Input 'x' shape \(2, 4\) is outside the profile 1 range \(5, 4\)\.\.\(16, 4\)\.$",
        ):
            runner.infer({"x": np.ones((2, 4), np.float32), "bias": bias})


def test_several_runners_on_one_engine(era: str, host: Any) -> None:
    # On 8.x a second context starts on profile -1; the Runner selects its profile itself.
    engine = _engine(TWO_PROFILES, era)
    bias = np.zeros(4, np.float32)
    with tc.Runner(engine, backend=host) as a, tc.Runner(engine, backend=host) as b, tc.Runner(
        engine, backend=host, profile=1
    ) as c:
        for runner, batch in ((a, 2), (b, 3), (c, 9)):
            x = np.full((batch, 4), batch, np.float32)
            np.testing.assert_array_equal(runner.infer({"x": x, "bias": bias})["y"], x)


@pytest.mark.parametrize("era", ["8.4", "8.6"], indirect=True)
def test_implicit_batch(era: str, host: Any) -> None:
    with tc.Runner(_engine(IMPLICIT, era), backend=host) as runner:
        for batch in (1, 8, 4):
            x = np.full((batch, 3), batch, np.float32)
            out = runner.infer({"x": x})
            np.testing.assert_array_equal(out["y"], x * 2)
        with pytest.raises(
            tc.ShapeError,
            match=r"^Input 'x' shape \(9, 3\) is outside the max_batch_size range \(1, 3\)\.\.\(8, 3\)\.$",
        ):
            runner.infer({"x": np.ones((9, 3), np.float32)})


def test_outputs_first_int32_fp16(era: str, host: Any) -> None:
    with tc.Runner(_engine(OUTPUTS_FIRST, era), backend=host) as runner:
        out = runner.infer({"ids": np.arange(5, dtype=np.int32), "x": np.zeros((5, 2), np.float16)})
        assert list(out) == ["count", "prob"]
        np.testing.assert_array_equal(out["count"], np.arange(5) * 3)
        assert out["prob"].dtype == np.float16 and out["prob"].shape == (5, 2)
        np.testing.assert_array_equal(out["prob"], 1)


def test_async_then_synchronize(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        with pytest.raises(
            tc.ExecutionError, match=r"^Nothing was enqueued; call infer_async\(feed\) first\.$"
        ):
            runner.synchronize()
        runner.infer_async({"x": np.ones((2, 3), np.float32)})
        np.testing.assert_array_equal(runner.synchronize()["y"], 2)


def test_outputs_are_copies(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        first = runner.infer({"x": np.ones((2, 3), np.float32)})["y"]
        runner.infer({"x": np.zeros((2, 3), np.float32)})
        np.testing.assert_array_equal(first, 2)


def test_device_outputs(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host, outputs="device") as runner:
        y = runner.infer({"x": np.ones((2, 3), np.float32)})["y"]
        assert y.shape == (2, 3)
        np.testing.assert_array_equal(np.asarray(y), 2)


@pytest.mark.parametrize("layout", ["fortran", "strided", "readonly"])
def test_host_arrays_in_any_layout(era: str, host: Any, layout: str) -> None:
    base = np.arange(12, dtype=np.float32).reshape(4, 3)
    x = {"fortran": np.asfortranarray(base[:2]), "strided": base[::2]}.get(layout, base[:2].copy())
    if layout == "readonly":
        x.setflags(write=False)
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        np.testing.assert_array_equal(runner.infer({"x": x})["y"], np.asarray(x) * 2)


def test_validation_messages(era: str, host: Any) -> None:
    with tc.Runner(_engine(DYNAMIC, era), backend=host) as runner:
        good = np.ones((2, 3), np.float32)
        cases: list[tuple[Any, type[Exception], str]] = [
            ({}, tc.MissingInputError, r"^Missing input 'x'\. The inputs are 'x'\.$"),
            (
                {"x": good, "z": good},
                tc.UnknownTensorError,
                r"^Input 'z' is not a tensor of this engine\. The inputs are 'x'\.$",
            ),
            (
                {"y": good},
                tc.UnknownTensorError,
                r"^Input 'y' is an output\. The inputs are 'x'\.$",
            ),
            (
                {"x": good.astype(np.float64)},
                tc.DTypeError,
                r"^Input 'x' expects float32; got float64\. Convert with \.astype\('float32'\)\.$",
            ),
            (
                {"x": np.ones(3, np.float32)},
                tc.ShapeError,
                r"^Input 'x' has rank 2 \(-1, 3\); got shape \(3,\) \(rank 1\)\.$",
            ),
            (
                {"x": np.ones((9, 3), np.float32)},
                tc.ShapeError,
                r"^Input 'x' shape \(9, 3\) is outside the profile 0 range \(1, 3\)\.\.\(8, 3\)\.$",
            ),
            (
                {"x": [[1.0, 2.0, 3.0]]},
                tc.DTypeError,
                r"^Input 'x' must be a numpy array or a CUDA device array",
            ),
        ]
        for feed, error, message in cases:
            with pytest.raises(error, match=message):
                runner.infer(feed)
        np.testing.assert_array_equal(runner.infer({"x": good})["y"], 2)  # still usable


def test_closed_runner(era: str, host: Any) -> None:
    runner = tc.Runner(_engine(STATIC, era), backend=host)
    with runner:
        pass
    runner.close()
    with pytest.raises(tc.ClosedError, match=r"^This Runner was closed; create a new one\.$"):
        runner.infer({"x": np.ones((2, 3), np.float32)})


def test_graph_capture_needs_a_capable_backend(era: str, host: Any) -> None:
    with pytest.raises(tc.BackendError, match=r"^Backend 'host' cannot capture CUDA graphs\."):
        tc.Runner(_engine(STATIC, era), backend=host, cuda_graph=True)


@pytest.mark.parametrize("value", ["gpu", "bogus", None, 1])
def test_bad_outputs_kind(era: str, value: Any) -> None:
    with pytest.raises(
        tc.OptionError,
        match=rf"^Runner\(outputs={re.escape(repr(value))}\): outputs takes 'host' \(numpy "
        r"arrays\) or 'device' \(the backend's device arrays, zero-copy\)\.$",
    ):
        tc.Runner(_engine(STATIC, era), backend="host", outputs=value)
    assert issubclass(tc.OptionError, ValueError)  # what it raised before: still caught


@pytest.mark.parametrize("value", ["best", "0", 1.0, True, None])
def test_bad_profile_value(era: str, host: Any, value: Any) -> None:
    with pytest.raises(
        tc.ProfileError,
        match=rf"^Runner\(profile={re.escape(repr(value))}\): profile takes an optimization "
        r"profile index \(0\.\.1 for this engine\) or 'auto' \(for each call, a profile "
        r"whose range holds its shapes\)\.$",
    ):
        tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile=value)


def test_numpy_integer_profile(era: str, host: Any) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile=np.int64(1)) as runner:
        assert runner.profile == 1 and type(runner.profile) is int


def test_pinned_input_and_output_views(era: str, host: Any) -> None:
    with tc.Runner(_engine(DYNAMIC, era), backend=host, copy_outputs=False) as runner:
        view = runner.host_input("x", (4, 3))
        assert view.shape == (4, 3) and view.ctypes.data == runner.buffers["x"].host_ptr
        view[:] = np.arange(12, dtype=np.float32).reshape(4, 3)
        first = runner.infer({"x": view})["y"]
        np.testing.assert_array_equal(first, np.arange(12).reshape(4, 3) * 2)
        assert first.ctypes.data == runner.buffers["y"].host_ptr  # a view, not a copy
        view[:] = 1
        np.testing.assert_array_equal(runner.infer({"x": view})["y"], 2)
        np.testing.assert_array_equal(first, 2)  # the same memory, overwritten by design
        with pytest.raises(tc.ShapeError, match=r"outside the profile 0 range"):
            runner.host_input("x", (9, 3))
        with pytest.raises(tc.UnknownTensorError, match=r"^Input 'y' is an output\."):
            runner.host_input("y")



def test_data_dependent_output_through_an_output_allocator(era: str, host: Any) -> None:
    if era == "8.4":  # the binding API has no data-dependent shapes at all
        with pytest.raises(tc.EngineLoadError, match="has no data-dependent output shapes"):
            _engine(NONZERO, era)
        return
    with tc.Runner(_engine(NONZERO, era), backend=host) as runner:
        for x in ([0, 3, 0, 5], [1] * 64, [0, 0], [0.0] * 9 + [2.0]):
            arr = np.asarray(x, np.float32)
            out = runner.infer({"x": arr})["idx"]
            np.testing.assert_array_equal(out, np.flatnonzero(arr))
        assert runner.buffers["idx"].nbytes >= 64 * 4  # grown when TensorRT asked


def test_plain_allocation_refuses_data_dependent_outputs(host: Any) -> None:
    with fake_tensorrt("10"):
        engine = _engine(NONZERO, "10")
        with pytest.raises(
            tc.ShapeError, match=r"^Output 'idx' has a data-dependent shape \(-1,\); give shapes="
        ):
            tc.allocate_buffers(engine, backend=host)
