"""The one round-trip and graph-replay builder (issue 25, item 5): a pluggable error check
that adds no Python frame to a warm call, and the copy callables made in one place."""

from __future__ import annotations

import enum
import functools
import sys
from collections.abc import Callable
from typing import Any

import pytest

from trtcompat.backends import CudaCallError
from trtcompat.backends._common import (
    Codes,
    check_result,
    checked_call,
    checked_copy,
    graph_replay_builder,
    round_trip_builder,
)
from trtcompat.backends._host import HostBackend
from trtcompat.errors import BackendError


def _python_frames(fn: Callable[[], Any]) -> list[str]:
    """The Python functions one call of ``fn`` enters (C calls are not frames)."""
    seen: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            seen.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return [name for name in seen if name != "<lambda>"]  # the caller's own lambda


def _c_call(result: Any) -> Callable[..., Callable[[], Any]]:
    """A binder whose bound call is a C function returning ``result`` (no Python frame)."""
    return lambda *args: functools.partial(max, result, result)


class _Err(enum.IntEnum):
    success = 0
    invalid = 1


@pytest.mark.parametrize(
    ("codes", "ok"),
    [(None, 0), (Codes(0), 0), (Codes((_Err.success,)), (_Err.success,))],
    ids=["raises", "driver", "cuda-python"],
)
def test_a_warm_round_trip_runs_one_python_frame_whatever_the_check(codes: Any, ok: Any) -> None:
    build = round_trip_builder(_c_call(ok), _c_call(ok), functools.partial(max, ok, ok), codes)
    work = build([(1, 2, 3)] * 4, bool, [(4, 5, 6)] * 4)
    frames = _python_frames(lambda: work(1))
    assert frames == [work.__name__]  # one frame, nothing per copy, launch or check
    replay = graph_replay_builder(_c_call(ok), functools.partial(max, ok, ok), codes)(9)
    assert _python_frames(replay) == [replay.__name__]


def test_a_code_equal_to_success_but_not_identical_passes() -> None:
    # A binding handing back a plain 0 where the enum member is expected.
    build = round_trip_builder(_c_call((0,)), _c_call((0,)), _c_call((0,))(), Codes((_Err.success,)))
    assert build([(1, 2, 3)], bool, [(4, 5, 6)])(1) is True


@pytest.mark.parametrize("step", [0, 1, 2])
def test_a_failed_code_raises_naming_its_call_and_stops(step: int) -> None:
    log: list[str] = []

    def call(name: str, index: int) -> Callable[..., Callable[[], Any]]:
        def bind(*args: Any) -> Callable[[], Any]:
            def run() -> Any:
                log.append(name)
                return (_Err.invalid,) if index == step else (_Err.success,)

            return run

        return bind

    sync = call("sync", 2)()
    build = round_trip_builder(
        call("up", 0), call("down", 1), sync, Codes((_Err.success,)), ("cuUp", "cuDown", "cuSync")
    )
    with pytest.raises(CudaCallError) as info:
        build([(1, 2, 3)], bool, [(4, 5, 6)])(1)
    assert info.value.call == ("cuUp", "cuDown", "cuSync")[step]
    assert info.value.code is _Err.invalid
    assert log == ["up", "down", "sync"][: step + 1]


def test_a_refused_launch_stops_before_the_copies_out() -> None:
    log: list[str] = []
    build = round_trip_builder(
        lambda *a: functools.partial(log.append, "up"),
        lambda *a: functools.partial(log.append, "down"),
        functools.partial(log.append, "sync"),
    )
    assert build([(1, 2, 3)], lambda arg: False, [(4, 5, 6)])(0) is False
    assert log == ["up"]
    assert build([(1, 2, 3)], lambda arg: True, [(4, 5, 6)], wait=False)(0) is True
    assert log == ["up", "up", "down"]  # no synchronize without wait


def test_check_result_reads_a_code_or_the_first_item_of_a_tuple() -> None:
    check_result(0, "cuX")
    check_result((_Err.success, 5), "cudaX")
    with pytest.raises(CudaCallError, match=r"^cuX returned error 700$"):
        check_result(700, "cuX")
    with pytest.raises(CudaCallError, match=r"^cudaX returned error 1$"):
        check_result((_Err.invalid,), "cudaX")


def test_checked_copy_and_call_pass_the_fixed_arguments_and_check_them() -> None:
    seen: list[tuple[Any, ...]] = []

    def lib(*args: Any) -> int:
        seen.append(args)
        return 0 if args[0] else 4

    copy = checked_copy(lib, ("kind", "stream"), "cuCopy", Codes(0))
    copy(1, 2, 3)
    assert seen == [(1, 2, 3, "kind", "stream")]
    with pytest.raises(CudaCallError, match="cuCopy returned error 4"):
        copy(0, 2, 3)
    raising = checked_copy(lib, ("stream",), "unused", None)
    raising(0, 5, 6)  # the library raises itself: its result is not looked at
    assert seen[-1] == (0, 5, 6, "stream")
    sync = checked_call(lib, (0,), "cuSync", Codes(0))
    with pytest.raises(CudaCallError, match="cuSync returned error 4"):
        sync()
    assert isinstance(checked_call(lib, (1,), "x", None), functools.partial)


def test_a_backends_stream_ops_are_bound_once_per_stream() -> None:
    host = HostBackend()
    stream = host.create_stream()
    try:
        assert host.stream_ops(stream) is host.stream_ops(stream)
        assert host.stream_ops(0) is not host.stream_ops(stream)
    finally:
        host.destroy_stream(stream)


def test_the_host_backends_checked_copies_keep_refusing_a_size_equal_to_a_passed_one() -> None:
    """The LRU of passed copies is typed: ``True`` (== 1) and ``1.0`` are not the size 1
    that passed, and are refused as sizes every time."""
    host = HostBackend()
    dst, src = host.malloc(8), host.malloc_host(8)
    try:
        ops = host.stream_ops(0)
        ops.htod(dst, src, 1)
        ops.htod(dst, src, 1)  # the cached pass
        for size in (True, 1.0):
            with pytest.raises(BackendError, match=r"size must be a non-negative int"):
                ops.htod(dst, src, size)  # type: ignore[arg-type]
    finally:
        host.free(dst)
        host.free_host(src)


def test_the_host_backend_checks_a_copy_once_per_epoch_and_keeps_64(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = HostBackend()
    dst, src = host.malloc(256), host.malloc_host(256)
    checked: list[int] = []
    check = host._check_copy

    def counting(d: int, s: int, nbytes: int, stream: int, op: str) -> None:
        checked.append(nbytes)
        check(d, s, nbytes, stream, op)

    monkeypatch.setattr(host, "_check_copy", counting)
    try:
        ops = host.stream_ops(0)
        ops.htod(dst, src, 8)
        ops.htod(dst, src, 8)
        assert checked == [8]  # the second is the warm call: a lookup
        host.free(host.malloc(8))  # the tables changed: a new epoch
        ops.htod(dst, src, 8)
        assert checked == [8, 8]
        checked.clear()
        for size in range(1, 101):  # 99 other copies: the oldest 36 (8 first) make room
            ops.htod(dst, src, size)
        ops.htod(dst, src, 100)
        ops.htod(dst, src, 37)
        assert checked == [n for n in range(1, 101) if n != 8]  # 37..100 are still held
        ops.htod(dst, src, 36)
        assert checked[-1] == 36  # dropped, so checked anew
    finally:
        host.free(dst)
        host.free_host(src)
