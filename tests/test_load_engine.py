"""load_engine: plans from paths and bytes; clear errors for everything else."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from _engines import STATIC

import trtcompat as tc
from trtcompat.testing import build_plan


def test_from_path_and_bytes(era: str, tmp_path: Path) -> None:
    plan = build_plan(STATIC, era)
    path = tmp_path / "model.plan"
    path.write_bytes(plan)
    for source in (path, str(path), plan, bytearray(plan), memoryview(plan)):
        engine = tc.load_engine(source)
        assert [t.name for t in tc.io_tensors(engine)] == ["x", "y"]


def test_not_a_plan(era: str) -> None:
    with pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(b"\x00not a plan at all")
    log = err.value.trt_log
    assert len(log) == 1 and log[0].startswith("[ERROR] ") and "magic tag mismatch" in log[0]
    assert err.value.version is not None and err.value.version in str(err.value)
    assert str(err.value).startswith(f"TensorRT {err.value.version} refused the plan (18 bytes).")
    assert str(err.value).endswith(f"The runtime said:\n  {log[0]}")


def test_each_refusal_quotes_only_its_own_lines(era: str) -> None:
    with pytest.raises(tc.EngineLoadError) as first:
        tc.load_engine(b"\x00not a plan at all")
    with pytest.raises(tc.EngineLoadError) as second:
        tc.load_engine(build_plan(STATIC, "10" if era != "10" else "8.6"))
    assert len(first.value.trt_log) == len(second.value.trt_log) == 1
    assert "not compatible with this version" in second.value.trt_log[0]


def test_one_logger_for_every_runtime(era: str, trt: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # TensorRT keeps one logger per process: a second, different one only earns a warning.
    loggers = []
    real_runtime = trt.Runtime

    def recording_runtime(logger: Any) -> Any:
        loggers.append(logger)
        return real_runtime(logger)

    monkeypatch.setattr(trt, "Runtime", recording_runtime)
    tc.load_engine(build_plan(STATIC, era))
    tc.load_engine(build_plan(STATIC, era))
    assert len(loggers) == 2 and loggers[0] is loggers[1]
    assert isinstance(loggers[0], trt.ILogger)


CUDA_FAILURE = (
    "createInferRuntime: Error Code 6: API Usage Error (CUDA initialization failure with "
    "error: 35 In checkCudaInstallation at /_src/runtime/dispatch/runtime.cpp:811)"
)


class _DeadRuntime:
    """What TensorRT returns when createInferRuntime fails: touching it crashes the process
    (SIGSEGV with the real wheels); here touching it fails the test instead."""

    touched: ClassVar[list[str]] = []

    def __init__(self, logger: Any) -> None:
        logger.log(logger.Severity.ERROR, CUDA_FAILURE)

    def __getattribute__(self, name: str) -> Any:
        _DeadRuntime.touched.append(name)
        raise AssertionError(f"the dead runtime was touched: {name}")


def test_a_runtime_tensorrt_failed_to_create_is_never_touched(
    era: str, trt: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trt, "Runtime", _DeadRuntime)
    _DeadRuntime.touched.clear()
    with pytest.raises(tc.RuntimeCreationError) as err:
        tc.load_engine(b"not a plan" * 8)
    assert _DeadRuntime.touched == []
    assert err.value.trt_log == (f"[ERROR] {CUDA_FAILURE}",)
    assert isinstance(err.value, tc.EngineLoadError)
    text = str(err.value)
    assert f"could not create a TensorRT Runtime. TensorRT said:\n  [ERROR] {CUDA_FAILURE}" in text
    assert "trtcompat doctor" in text
    with pytest.raises(tc.RuntimeCreationError):
        tc.create_runtime()


def test_a_runtime_constructor_that_raises(
    era: str, trt: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refusing(logger: Any) -> Any:
        raise TypeError("pybind11::init(): factory function returned nullptr")

    monkeypatch.setattr(trt, "Runtime", refusing)
    with pytest.raises(tc.RuntimeCreationError, match="factory function returned nullptr"):
        tc.load_engine(b"not a plan" * 8)


def test_plan_from_another_version(era: str) -> None:
    other = "10" if era != "10" else "8.6"
    with pytest.raises(tc.EngineLoadError, match="not compatible with this version of TensorRT"):
        tc.load_engine(build_plan(STATIC, other))


def test_empty_and_missing_files(era: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.plan"
    empty.write_bytes(b"")
    with pytest.raises(
        tc.EngineLoadError, match=r"^The plan in '.*empty\.plan' is empty \(0 bytes\)\.$"
    ):
        tc.load_engine(empty)
    with pytest.raises(
        tc.EngineLoadError,
        match=r"^Cannot read plan file '.*missing\.plan': No such file or directory\.$",
    ):
        tc.load_engine(tmp_path / "missing.plan")


def test_wrong_source_type(era: str) -> None:
    with pytest.raises(tc.EngineLoadError, match=r"^Expected a plan path, bytes or a buffer \(such as engine\.serialize\(\)'s IHostMemory\); got int\.$"):
        tc.load_engine(42)  # type: ignore[arg-type]


def test_plan_from_serialize_loads(era: str) -> None:
    # serialize() returns an IHostMemory (a buffer without len()), not bytes.
    hmem = tc.load_engine(build_plan(STATIC, era)).serialize()
    with pytest.raises(TypeError):
        len(hmem)
    assert tc.io_tensors(tc.load_engine(hmem))


def test_with_a_given_runtime(era: str, trt: object) -> None:
    runtime = trt.Runtime(trt.Logger())  # type: ignore[attr-defined]
    assert tc.io_tensors(tc.load_engine(build_plan(STATIC, era), runtime=runtime))
    with pytest.raises(tc.EngineLoadError, match=r"nothing reached trtcompat's logger") as err:
        tc.load_engine(b"junk", runtime=runtime)
    assert err.value.trt_log == ()
    assert "here the one you passed" in str(err.value)
