"""load_engine: plans from paths and bytes; clear errors for everything else."""

from __future__ import annotations

from pathlib import Path

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
    assert err.value.messages and "magic tag mismatch" in err.value.messages[0]
    assert err.value.version is not None and err.value.version in str(err.value)
    assert str(err.value).startswith(f"TensorRT {err.value.version} refused the plan (18 bytes).")


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
    with pytest.raises(tc.EngineLoadError, match=r"^Expected a plan path or bytes; got int\.$"):
        tc.load_engine(42)  # type: ignore[arg-type]


def test_with_a_given_runtime(era: str, trt: object) -> None:
    runtime = trt.Runtime(trt.Logger())  # type: ignore[attr-defined]
    assert tc.io_tensors(tc.load_engine(build_plan(STATIC, era), runtime=runtime))
    with pytest.raises(tc.EngineLoadError, match=r"\(nothing logged\)"):
        tc.load_engine(b"junk", runtime=runtime)
