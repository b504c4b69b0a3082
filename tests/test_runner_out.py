"""``Runner.infer(feed, out={name: array})``: outputs written into the caller's arrays, on every
era (host backend), checked before anything is written."""

from __future__ import annotations

import ctypes
import re
import tracemalloc
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, NONZERO, OUTPUTS_FIRST, STATIC
from _frames import frames_in
from test_runner_graphs import CapturingHost, Doubler

import trtcompat as tc
from trtcompat.runtime import _out as out_module
from trtcompat.runtime import _plan as plan_module
from trtcompat.runtime import runner as runner_module
from trtcompat.testing import EngineSpec, Launch, TensorSpec, build_engine, build_plan


def _engine(spec: Any, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


def _x(batch: int = 2, value: float = 1.0) -> np.ndarray:
    return np.full((batch, 3), value, np.float32)


def test_static_output_into_the_callers_array(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        y = np.zeros((2, 3), np.float32)
        address = y.ctypes.data
        for k in range(3):  # the same array every call: no new one is made for it
            x = np.arange(6, dtype=np.float32).reshape(2, 3) + k
            found = runner.infer({"x": x}, out={"y": y})
            assert found["y"] is y and y.ctypes.data == address
            np.testing.assert_array_equal(y, x * 2)
        # A plain call afterwards: the fast path, a fresh copy, the caller's array untouched.
        plain = runner.infer({"x": _x(value=5)})
        assert plain["y"] is not y
        np.testing.assert_array_equal(plain["y"], 10)
        np.testing.assert_array_equal(y, (np.arange(6).reshape(2, 3) + 2) * 2)


def test_dynamic_shapes_each_checked(era: str, host: Any) -> None:
    with tc.Runner(_engine(DYNAMIC, era), backend=host) as runner:
        for batch in (1, 8, 3):
            y = np.empty((batch, 3), np.float32)
            assert runner.infer({"x": _x(batch, batch)}, out={"y": y})["y"] is y
            np.testing.assert_array_equal(y, 2 * batch)
        y = np.full((3, 3), -1, np.float32)
        with pytest.raises(
            tc.ShapeError,
            match=r"^out\['y'\] has shape \(3, 3\); output 'y' has shape \(4, 3\) for these "
            r"inputs\. Pass an array of that shape\.$",
        ):
            runner.infer({"x": _x(4)}, out={"y": y})
        np.testing.assert_array_equal(y, -1)  # nothing written


@pytest.mark.parametrize("copy_outputs", [True, False])
def test_a_subset_of_outputs(era: str, host: Any, copy_outputs: bool) -> None:
    # Outputs not named come back as copy_outputs says; named ones land in the given array.
    engine = _engine(OUTPUTS_FIRST, era)
    with tc.Runner(engine, backend=host, copy_outputs=copy_outputs) as runner:
        prob = np.empty((5, 2), np.float16)
        feed = {"ids": np.arange(5, dtype=np.int32), "x": np.zeros((5, 2), np.float16)}
        found = runner.infer(feed, out={"prob": prob})
        assert list(found) == ["count", "prob"] and found["prob"] is prob
        np.testing.assert_array_equal(prob, 1)
        np.testing.assert_array_equal(found["count"], np.arange(5) * 3)
        pinned = runner.buffers["count"].host
        assert np.shares_memory(found["count"], pinned) is (not copy_outputs)


def test_a_pinned_view_passed_back_is_not_copied(era: str, host: Any) -> None:
    with tc.Runner(_engine(STATIC, era), backend=host, copy_outputs=False) as runner:
        view = runner.infer({"x": _x()})["y"]
        found = runner.infer({"x": _x(value=4)}, out={"y": view})
        assert found["y"] is view
        np.testing.assert_array_equal(view, 8)


@pytest.mark.parametrize("era", ["8.4", "8.6"], indirect=True)
def test_implicit_batch(era: str, host: Any) -> None:
    with tc.Runner(_engine(IMPLICIT, era), backend=host) as runner:
        y = np.empty((4, 3), np.float32)
        assert runner.infer({"x": _x(4, 3)}, out={"y": y})["y"] is y
        np.testing.assert_array_equal(y, 6)


def _read_only() -> np.ndarray:
    array = np.full((2, 3), -1, np.float32)
    array.flags.writeable = False
    return array


BAD_OUT = [
    (
        {"y": np.full((2, 3), -1, np.float64)},
        tc.DTypeError,
        r"out['y'] is float64; output 'y' is float32. Pass an array of float32.",
    ),
    (
        {"y": np.full((3, 2), -1, np.float32).T},
        tc.LayoutError,
        r"out['y'] is not C-contiguous (strides (4, 8)); output 'y' is written as one block. "
        r"Pass a C-contiguous array (np.empty(shape, dtype)).",
    ),
    (
        {"y": _read_only()},
        tc.LayoutError,
        r"out['y'] is read-only (flags.writeable is False); output 'y' cannot be written into "
        r"it. Pass a writable array.",
    ),
    (
        {"y": np.full((2, 2), -1, np.float32)},
        tc.ShapeError,
        r"out['y'] has shape (2, 2); output 'y' has shape (2, 3) for these inputs. Pass an "
        r"array of that shape.",
    ),
    (
        {"y": [[-1.0] * 3] * 2},
        tc.LayoutError,
        r"out['y'] is a list; out= takes numpy arrays in host memory, e.g. np.empty(shape, "
        r"'float32').",
    ),
    (
        {"x": np.full((2, 3), -1, np.float32)},
        tc.UnknownTensorError,
        r"out= names 'x', which is an input. The outputs are 'y'.",
    ),
    (
        {"z": np.full((2, 3), -1, np.float32)},
        tc.UnknownTensorError,
        r"out= names 'z', which is not a tensor of this engine. The outputs are 'y'.",
    ),
    (
        [np.full((2, 3), -1, np.float32)],
        tc.DTypeError,
        r"out must be a mapping of output name to numpy array (e.g. {'y': array}); got list.",
    ),
]


@pytest.mark.parametrize(
    ("out", "error", "message"),
    BAD_OUT,
    ids=["dtype", "strided", "read_only", "shape", "not_numpy", "input", "unknown", "list"],
)
def test_bad_out_refused_before_anything_is_written(
    era: str, host: Any, out: Any, error: type[Exception], message: str
) -> None:
    with tc.Runner(_engine(DYNAMIC, era), backend=host) as runner:
        runner.infer({"x": _x()})  # warm: the refusal must not depend on a cold plan
        with pytest.raises(error, match="^" + re.escape(message) + "$"):
            runner.infer({"x": _x(value=3)}, out=out)
        for array in out.values() if isinstance(out, dict) else out:
            np.testing.assert_array_equal(np.asarray(array), -1)
        # The Runner still works, with out= and without.
        y = np.empty((2, 3), np.float32)
        runner.infer({"x": _x(value=3)}, out={"y": y})
        np.testing.assert_array_equal(y, 6)
        np.testing.assert_array_equal(runner.infer({"x": _x(value=4)})["y"], 8)


def test_device_outputs_refuse_out(era: str, host: Any) -> None:
    message = (
        r"^out= takes numpy arrays for host outputs; this Runner returns device arrays "
        r"\(outputs='device'\), which it owns\. Use outputs='host' with out=, or copy the "
        r"device arrays yourself\.$"
    )
    with tc.Runner(_engine(STATIC, era), backend=host, outputs="device") as runner:
        y = np.full((2, 3), -1, np.float32)
        with pytest.raises(tc.OptionError, match=message):
            runner.infer({"x": _x()}, out={"y": y})
        np.testing.assert_array_equal(y, -1)


def test_data_dependent_output(era: str, host: Any) -> None:
    if era == "8.4":  # the binding API has no data-dependent shapes at all
        return
    with tc.Runner(_engine(NONZERO, era), backend=host) as runner:
        x = np.array([0, 3, 0, 5, 1], np.float32)
        idx = np.empty(3, np.int32)
        assert runner.infer({"x": x}, out={"idx": idx})["idx"] is idx
        np.testing.assert_array_equal(idx, [1, 3, 4])
        wrong = np.full(4, -1, np.int32)  # its shape is known only after the run
        with pytest.raises(
            tc.ShapeError,
            match=r"^out\['idx'\] has shape \(4,\); output 'idx' has shape \(3,\) for these "
            r"inputs\. Pass an array of that shape\.$",
        ):
            runner.infer({"x": x}, out={"idx": wrong})
        np.testing.assert_array_equal(wrong, -1)
        grown = np.empty(64, np.int32)  # the output allocator grows the buffer meanwhile
        runner.infer({"x": np.ones(64, np.float32)}, out={"idx": grown})
        np.testing.assert_array_equal(grown, np.arange(64))


def _double_in_place(run: Launch) -> None:
    x, y = run.tensors["x"], run.tensors["y"]
    count = int(np.prod(x.shape))
    xs = np.ctypeslib.as_array((ctypes.c_float * count).from_address(x.address))
    ys = np.ctypeslib.as_array((ctypes.c_float * count).from_address(y.address))
    np.multiply(xs, 2, out=ys)


@pytest.fixture
def capturing() -> Iterator[CapturingHost]:
    backend = CapturingHost()
    yield backend
    assert backend.outstanding() == 0, "allocations leaked"


@pytest.mark.parametrize("era", ["8.6", "10"], indirect=True)
def test_graph_runner(era: str, trt: ModuleType, capturing: CapturingHost) -> None:
    spec = EngineSpec(
        (
            TensorSpec("x", np.float32, (-1, 4), True, (((1, 4), (4, 4), (8, 4)),)),
            TensorSpec("y", np.float32, (-1, 4), False, like="x"),
        ),
        launch=Doubler(capturing),
        name="doubler",
    )
    engine = build_engine(spec, era, trt)
    with tc.Runner(engine, backend=capturing, cuda_graph=True) as runner:
        y = np.empty((2, 4), np.float32)
        for value in (1, 2, 3):  # captured on the first call, replayed after
            runner.infer({"x": np.full((2, 4), value, np.float32)}, out={"y": y})
            np.testing.assert_array_equal(y, 2 * value)
        assert capturing.replays >= 2


def test_no_new_array_for_an_output_in_out(host: Any) -> None:
    # 1 MiB output: without out= each call makes a 1 MiB copy; with out= it makes none (the
    # engine's kernel works in place, allocating nothing).
    from trtcompat.testing import fake_tensorrt

    spec = EngineSpec(
        (
            TensorSpec("x", np.float32, (256, 1024), True),
            TensorSpec("y", np.float32, (256, 1024), False),
        ),
        launch=_double_in_place,
        name="mib",
    )
    with fake_tensorrt("10"), tc.Runner(_engine(spec, "10"), backend=host) as runner:
        x = np.ones((256, 1024), np.float32)
        y = np.empty_like(x)
        runner.infer({"x": x}, out={"y": y})
        runner.infer({"x": x})

        def peak(**out: Any) -> int:
            tracemalloc.start()
            try:
                runner.infer({"x": x}, **out)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        plain, into = peak(), peak(out={"y": y})
        assert plain - into >= x.nbytes * 0.9, (plain, into)
        np.testing.assert_array_equal(y, 2)


@pytest.mark.parametrize("era", ["10", "11"], indirect=True)  # the eras with INT4
def test_int4_output_unpacked_into_the_callers_array(era: str, host: Any) -> None:
    import ml_dtypes

    int4 = np.dtype(ml_dtypes.int4)
    spec = EngineSpec(
        (TensorSpec("x", "INT4", (5,), True), TensorSpec("y", "INT4", (5,), False)),
        compute=lambda feed: {"y": feed["x"].copy()},  # packed bytes in, the same bytes out
        name="int4_echo",
    )
    with tc.Runner(_engine(spec, era), backend=host) as runner:
        values = np.array([1, -2, 3, -8, 7], int4)
        y = np.zeros(5, int4)
        assert runner.infer({"x": values}, out={"y": y})["y"] is y
        assert y.astype(np.int8).tolist() == [1, -2, 3, -8, 7]
        with pytest.raises(tc.DTypeError, match=r"^out\['y'\] is uint8; output 'y' is int4\."):
            runner.infer({"x": values}, out={"y": np.zeros(3, np.uint8)})


def _runtime_frames(fn: Any) -> list[str]:
    """The functions of the Runner's modules (runner.py, _out.py, _plan.py) one call of ``fn``
    enters, in order."""
    return frames_in({runner_module.__file__, out_module.__file__, plan_module.__file__}, fn)


def test_a_warm_call_without_out_enters_no_new_frame(era: str, host: Any) -> None:
    # The warm call stays Runner.infer + the plan's one-frame fast call: out= costs it nothing
    # but one test.
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        feed, y = {"x": _x()}, np.empty((2, 3), np.float32)
        runner.infer(feed, out={"y": y})
        runner.infer(feed)
        assert _runtime_frames(lambda: runner.infer(feed)) == ["infer", "call"]
        into = _runtime_frames(lambda: runner.infer(feed, out={"y": y}))
        assert {"_infer_into", "check_out", "_finish_into"} <= set(into)  # the out= path ran


def test_a_warm_infer_async_and_synchronize_enter_no_frame_before_the_work(
    era: str, host: Any
) -> None:
    # The feed, closed and device tests stay inline on the warm path, as in Runner.infer:
    # no frame between the public call and the work (the GPU suite's infer_async+sync row).
    with tc.Runner(_engine(STATIC, era), backend=host) as runner:
        feed = {"x": _x()}
        runner.infer_async(feed)
        runner.synchronize()
        assert _runtime_frames(lambda: runner.infer_async(feed)) == [
            "infer_async", "_enqueue_checked", "_enqueue", "call", "_stream_work"
        ]  # fmt: skip
        assert _runtime_frames(runner.synchronize) == ["synchronize", "_finish", "results"]
        runner.close()
        with pytest.raises(tc.ClosedError):  # the inline checks still refuse a closed Runner
            runner.infer_async(feed)
        with pytest.raises(tc.ClosedError):
            runner.synchronize()
