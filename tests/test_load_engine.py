"""load_engine: plans from paths and bytes; clear errors for everything else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
from _engines import STATIC
from _plans import junk_engine_plan

import trtcompat as tc
from trtcompat.testing import build_plan, era_info, fake_tensorrt
from trtcompat.testing._planfile import encode_plan


def test_from_path_and_bytes(era: str, tmp_path: Path) -> None:
    plan = build_plan(STATIC, era)
    path = tmp_path / "model.plan"
    path.write_bytes(plan)
    for source in (path, str(path), plan, bytearray(plan), memoryview(plan)):
        engine = tc.load_engine(source)
        assert [t.name for t in tc.io_tensors(engine)] == ["x", "y"]


def test_not_a_plan_is_the_header_readers_verdict(era: str, tmp_path: Path) -> None:
    # One verdict everywhere: what plan_info says, before any Runtime, naming the file.
    junk = b"\x00not a plan at all"
    with pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(junk)
    assert re.fullmatch(
        r"The given bytes are not a TensorRT plan: they start with b'\\x00not', a plan "
        r"starts with b'ftrt'\. Check that the file is a serialized engine \(not ONNX, not a "
        r"timing cache, not a Torch-TensorRT or Triton wrapper around one\)\.",
        str(err.value),
    )
    with pytest.raises(tc.PlanFormatError) as header:
        tc.plan_info(junk)
    assert str(err.value) == str(header.value)
    assert err.value.trt_log == () and err.value.version == era_info(era).version
    path = tmp_path / "model.plan"
    path.write_bytes(junk)
    with pytest.raises(tc.EngineLoadError) as from_file:
        tc.load_engine(path)
    assert str(from_file.value).startswith(f"{str(path)!r} is not a TensorRT plan: it starts ")


def test_a_plan_tensorrt_refuses_quotes_its_log(era: str) -> None:
    plan = junk_engine_plan(era_info(era).version)
    with pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(plan)
    log = err.value.trt_log
    assert log == ("[ERROR] 1: [runtime.cpp::deserializeCudaEngine] The plan is corrupt or "
                   "was built in another process.",)
    assert str(err.value) == (
        f"TensorRT {era_info(era).version} refused the plan built by TensorRT "
        f"{tc.plan_info(plan).version} ({len(plan)} bytes). This release built it, so the "
        f"version is not the reason; a plan also only loads on the GPU model that built it, "
        f"unless built hardware-compatible. The runtime said:\n  {log[0]}"
    )


def test_each_refusal_quotes_only_its_own_lines(era: str) -> None:
    release = era_info(era).version
    with pytest.raises(tc.EngineLoadError) as first:
        tc.load_engine(junk_engine_plan(release))
    with pytest.raises(tc.EngineLoadError) as second:
        tc.load_engine(encode_plan(b'{"key": "no such engine"}', release))
    assert len(first.value.trt_log) == len(second.value.trt_log) == 1
    assert "corrupt" in first.value.trt_log[0]
    assert "built in another process from an EngineSpec" in second.value.trt_log[0]


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
        tc.load_engine(junk_engine_plan(era_info(era).version))
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
        tc.load_engine(junk_engine_plan(era_info(era).version))


@pytest.mark.parametrize(("runtime", "built"), [("10", "8.6"), ("11", "10")])
def test_plan_from_an_older_version_compatible_release_goes_to_tensorrt(
    runtime: str, built: str
) -> None:
    # 8.6+ plans may be version-compatible: the header cannot tell, TensorRT decides.
    with fake_tensorrt(runtime), pytest.raises(
        tc.EngineLoadError, match="not compatible with this version of TensorRT"
    ) as err:
        tc.load_engine(build_plan(STATIC, built))
    assert len(err.value.trt_log) == 1


@pytest.mark.parametrize(("runtime", "built"), [("8.4", "8.6"), ("8.6", "10"), ("10", "11")])
def test_plan_from_a_newer_release_is_refused_before_tensorrt(runtime: str, built: str) -> None:
    plan = build_plan(STATIC, built)
    mine, short = era_info(runtime).version, tc.plan_info(plan).version
    mine_short = ".".join(mine.split(".")[:3])
    with fake_tensorrt(runtime), pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(plan)
    assert err.value.trt_log == ()
    assert str(err.value) == (
        f"TensorRT {mine} cannot load the plan in the given bytes ({len(plan)} bytes): The "
        f"plan was built by TensorRT {short}, newer than the installed TensorRT {mine_short}; "
        f"plans never load on an older TensorRT, version-compatible or not. Rebuild it with "
        f"TensorRT {mine_short}, or upgrade the runtime to {short} or newer."
    )


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
        tc.load_engine(junk_engine_plan(era_info(era).version), runtime=runtime)
    assert err.value.trt_log == ()
    assert "here the one you passed" in str(err.value)
