"""GraphCache's bookkeeping on a recording backend: eager run then capture, bound replays,
a failed capture ended and destroyed, close. (Real capture and replay: tests/gpu.)"""

from __future__ import annotations

from typing import Any

import pytest

from trtcompat.backends import BoundStreamOps
from trtcompat.errors import BackendError
from trtcompat.runtime._graphs import GraphCache


class _Recorder:
    """A GraphCapture backend that records calls; each end_capture makes a new graph."""

    name = "recorder"

    def __init__(self, *, end_fails: bool = False) -> None:
        self.log: list[Any] = []
        self.live: set[int] = set()
        self.end_fails = end_fails
        self._next = 0x100

    def synchronize(self, stream: int) -> None:
        self.log.append(("sync", stream))

    def begin_capture(self, stream: int) -> None:
        self.log.append(("begin", stream))

    def end_capture(self, stream: int) -> int:
        self.log.append(("end", stream))
        if self.end_fails:
            raise BackendError("capture invalidated")
        self._next += 1
        self.live.add(self._next)
        return self._next

    def launch_graph(self, graph: int, stream: int) -> None:  # pragma: no cover - unused
        raise AssertionError("the cache replays through the stream's ops")

    def destroy_graph(self, graph: int) -> None:
        self.log.append(("destroy", graph))
        self.live.remove(graph)

    def ops(self, stream: int) -> BoundStreamOps:
        def nothing(*args: int) -> None:
            pass

        return BoundStreamOps(
            nothing, nothing, nothing,
            lambda: self.log.append(("wait", stream)),
            (),
            lambda graph: self.log.append(("launch", graph)),
        )


def test_first_run_is_eager_then_captured_and_later_runs_replay() -> None:
    backend = _Recorder()
    cache = GraphCache(backend, 7, backend.ops(7))  # type: ignore[arg-type]
    work = lambda: backend.log.append("work")  # noqa: E731
    assert cache.replay(("a",)) is None
    assert cache.run(("a",), work) is True  # captured now
    assert backend.log == ["work", ("sync", 7), ("begin", 7), "work", ("end", 7)]
    assert len(cache) == 1
    del backend.log[:]
    assert cache.run(("a",), work) is False  # replayed, without the wait
    replay = cache.replay(("a",))
    assert replay is not None
    replay()
    assert backend.log == [("launch", 0x101), ("launch", 0x101), ("wait", 7)]
    cache.run(("b",), work)  # another key: its own graph
    assert len(cache) == 2 and backend.live == {0x101, 0x102}
    cache.close()
    assert backend.live == set() and len(cache) == 0


def test_a_capture_whose_work_fails_is_ended_and_destroyed() -> None:
    backend = _Recorder()
    cache = GraphCache(backend, 7, backend.ops(7))  # type: ignore[arg-type]
    calls = []

    def work() -> None:
        calls.append(1)
        if len(calls) == 2:  # the eager run passes, the captured one fails
            raise ValueError("the enqueue failed")

    with pytest.raises(ValueError, match="the enqueue failed"):
        cache.run(("a",), work)
    assert backend.log[-2:] == [("end", 7), ("destroy", 0x101)]
    assert backend.live == set() and cache.replay(("a",)) is None  # nothing leaked or kept
    invalidated = _Recorder(end_fails=True)  # the capture's own error is not the one raised
    cache = GraphCache(invalidated, 7, invalidated.ops(7))  # type: ignore[arg-type]
    calls.clear()
    with pytest.raises(ValueError, match="the enqueue failed"):
        cache.run(("a",), work)
    assert len(cache) == 0


def test_a_backend_without_capture_is_refused() -> None:
    class NoGraphs:
        name = "nographs"

    with pytest.raises(BackendError, match="'nographs' cannot capture CUDA graphs"):
        GraphCache.require(NoGraphs())  # type: ignore[arg-type]
