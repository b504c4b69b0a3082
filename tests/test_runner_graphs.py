"""Runner(cuda_graph=True) on a CPU backend that captures: the graph plumbing without a GPU.

The host backend plus stream capture: while a stream captures, its copies and the engine's
launches are recorded instead of run, and a graph replays them in order (as CUDA does, it
reads the staging memory when it runs, not when it was captured). Real capture and replay
are tested in tests/gpu.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import trtcompat as tc
from trtcompat.backends import BoundStreamOps, GraphCapture
from trtcompat.backends._host import HostBackend
from trtcompat.testing import EngineSpec, Launch, LaunchTensor, TensorSpec, build_engine


class CapturingHost(HostBackend):
    """The host backend with stream capture (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self.recording: dict[int, list[Callable[[], None]]] = {}
        self.graphs: dict[int, list[Callable[[], None]]] = {}
        self.replays = 0
        #: Per replay: "wait" (a warm call's launch-and-wait) or "enqueue" (launch only).
        self.replay_kinds: list[str] = []
        self._next_graph = 0x6000

    def run_or_record(self, stream: int, work: Callable[[], None]) -> None:
        if stream in self.recording:
            self.recording[stream].append(work)
        else:
            work()

    def begin_capture(self, stream: int) -> None:
        assert stream not in self.recording, "a capture is already under way"
        self.recording[stream] = []

    def end_capture(self, stream: int) -> int:
        self._next_graph += 1
        self.graphs[self._next_graph] = self.recording.pop(stream)
        return self._next_graph

    def launch_graph(self, graph: int, stream: int) -> None:
        self.stream_ops(stream).launch_graph(graph)

    def destroy_graph(self, graph: int) -> None:
        del self.graphs[graph]

    def _bind(self, stream: int) -> BoundStreamOps:
        plain = super()._bind(stream)

        def copier(copy: Callable[[int, int, int], None]) -> Callable[[int, int, int], None]:
            def maybe(dst: int, src: int, nbytes: int) -> None:
                self.run_or_record(stream, lambda: copy(dst, src, nbytes))

            return maybe

        def launch_graph(graph: int) -> None:
            self.replays += 1
            for work in self.graphs[graph]:
                work()

        def graph_replay(graph: int, wait: bool = True) -> Callable[[], None]:
            def replay() -> None:
                self.replay_kinds.append("wait" if wait else "enqueue")
                launch_graph(graph)
                if wait:
                    plain.synchronize()

            return replay

        return BoundStreamOps(
            copier(plain.htod), copier(plain.dtoh), copier(plain.dtod), plain.synchronize,
            plain.errors, launch_graph, None, graph_replay,
        )


def _floats(tensor: LaunchTensor) -> Any:
    count = int(np.prod(tensor.shape))
    return np.ctypeslib.as_array((ctypes.c_float * count).from_address(tensor.address))


class Doubler:
    """The engine's kernel, ``y = 2 * x``, run on the stream (recorded while it captures);
    counts the launches it ran directly and can fail the next launch."""

    def __init__(self, backend: CapturingHost) -> None:
        self.backend = backend
        self.direct = 0
        self.fail_next = False

    def __call__(self, run: Launch) -> None:
        if self.fail_next:
            self.fail_next = False
            raise ValueError("the enqueue failed")
        x, y = _floats(run.tensors["x"]), _floats(run.tensors["y"])

        def compute() -> None:
            y[:] = 2 * x

        if run.stream not in self.backend.recording:
            self.direct += 1
        self.backend.run_or_record(run.stream, compute)


@pytest.fixture
def capturing() -> Iterator[CapturingHost]:
    backend = CapturingHost()
    yield backend
    assert backend.outstanding() == 0, "allocations leaked"
    assert not backend.recording, "a capture was left open"


def _runner(trt: ModuleType, era: str, backend: CapturingHost) -> tuple[tc.Runner, Doubler]:
    kernel = Doubler(backend)
    profile = (((1, 4), (4, 4), (8, 4)),)
    spec = EngineSpec(
        (
            TensorSpec("x", np.float32, (-1, 4), True, profile),
            TensorSpec("y", np.float32, (-1, 4), False, like="x"),
        ),
        launch=kernel,
        name="doubler",
    )
    return tc.Runner(build_engine(spec, era, trt), backend=backend, cuda_graph=True), kernel


@pytest.mark.parametrize("era", ["8.6", "10"], indirect=True)
def test_one_graph_per_shape_captured_once_and_replayed_with_new_data(
    era: str, trt: ModuleType, capturing: CapturingHost
) -> None:
    assert isinstance(capturing, GraphCapture)
    runner, kernel = _runner(trt, era, capturing)
    with runner:
        for i in range(4):  # call 1: eager run and capture; 2-4 replay with new inputs
            x = np.full((2, 4), i, np.float32)
            np.testing.assert_array_equal(runner.infer({"x": x})["y"], 2 * x)
        assert (kernel.direct, capturing.replays, len(capturing.graphs)) == (1, 3, 1)
        assert capturing.replay_kinds == ["wait"] * 3  # the warm call's bound replay
        x = np.arange(12, dtype=np.float32).reshape(3, 4)  # another shape: its own graph
        np.testing.assert_array_equal(runner.infer({"x": x})["y"], 2 * x)
        np.testing.assert_array_equal(runner.infer({"x": x + 1})["y"], 2 * x + 2)
        assert (kernel.direct, capturing.replays, len(capturing.graphs)) == (2, 4, 2)
        back = np.full((2, 4), 7, np.float32)  # the first shape again: its graph, no capture
        runner.infer_async({"x": back})
        np.testing.assert_array_equal(runner.synchronize()["y"], 2 * back)
        np.testing.assert_array_equal(runner.infer({"x": back - 1})["y"], 2 * back - 2)
        assert (kernel.direct, capturing.replays, len(capturing.graphs)) == (2, 6, 2)
        assert capturing.replay_kinds[-2:] == ["enqueue", "wait"]  # infer_async, then infer
    assert capturing.graphs == {}  # close destroyed every graph


@pytest.mark.parametrize("era", ["10"], indirect=True)
def test_a_failed_capture_is_ended_and_destroyed_and_the_next_call_captures(
    era: str, trt: ModuleType, capturing: CapturingHost
) -> None:
    runner, kernel = _runner(trt, era, capturing)
    x = np.ones((2, 4), np.float32)
    with runner:
        original = capturing.begin_capture

        def begin_then_fail(stream: int) -> None:  # the eager run passes, the captured fails
            original(stream)
            kernel.fail_next = True

        capturing.begin_capture = begin_then_fail  # type: ignore[method-assign]
        with pytest.raises(ValueError, match="the enqueue failed"):
            runner.infer({"x": x})
        assert capturing.graphs == {} and not capturing.recording
        capturing.begin_capture = original  # type: ignore[method-assign]
        for value in (3, 4):  # captures now, then replays
            np.testing.assert_array_equal(runner.infer({"x": x * value})["y"], 2 * value * x)
        assert (len(capturing.graphs), capturing.replays) == (1, 1)


@pytest.mark.parametrize("era", ["10"], indirect=True)
def test_a_graph_runner_runs_infer_async_and_synchronize_under_activate(
    era: str, trt: ModuleType, capturing: CapturingHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On the current device too: a capture needs activate(), so the warm test written out
    # in infer_async / synchronize holds only for Runners without graphs.
    entered: list[str] = []
    activate = capturing.activate

    def counted() -> Any:
        entered.append("activate")
        return activate()

    monkeypatch.setattr(capturing, "activate", counted)
    runner, _ = _runner(trt, era, capturing)
    with runner:
        x = np.ones((2, 4), np.float32)
        runner.infer({"x": x})  # eager run and capture
        entered.clear()
        for _ in range(2):
            runner.infer_async({"x": x})
            np.testing.assert_array_equal(runner.synchronize()["y"], 2 * x)
        assert entered == ["activate"] * 4 and capturing.is_active()
