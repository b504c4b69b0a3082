"""Fake plans in the real header layout; write-plan's dtype spellings and atomic write;
EngineSpec's profile count; the CLI under a closed pipe and `plans` on one file."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _engines import STATIC

import trtcompat as tc
from trtcompat.cli import main
from trtcompat.testing import (
    ERAS,
    EngineSpec,
    EngineSpecError,
    TensorSpec,
    build_engine,
    build_plan,
    era_info,
    fake_tensorrt,
)
from trtcompat.testing._planfile import (
    FAKE_ENGINE_SECTION,
    FakePlanError,
    decode_plan,
    encode_plan,
    plan_release,
)

ROOT = Path(__file__).parents[1]
#: No callables: its plan loads in any process, as write-plan's do.
PORTABLE = EngineSpec(
    (TensorSpec("x", np.float32, (2, 3), True), TensorSpec("y", np.float32, (2, 3), False)),
    name="portable",
)


def _short(era: str) -> str:
    return era_info(era).version.rsplit(".", 1)[0]


# -- the header of a fake plan ------------------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
def test_plan_info_reads_a_fake_plan_as_a_real_one(era: str) -> None:
    plan = build_plan(STATIC, era)
    info = tc.plan_info(plan)
    version = era_info(era).version
    assert info.tensorrt_version == tuple(int(p) for p in version.split("."))
    assert info.magic == b"ftrt" and info.header_format == 0 and info.platform_tag == 0
    if era in ("10", "11"):  # the sectioned layout: one section, the fake engine, and the marker
        assert info.declared_size == info.size == len(plan)
        assert info.section_count == 1 and info.sections is not None
        (section,) = info.sections
        assert (section.kind, section.offset) == (FAKE_ENGINE_SECTION, 56)
        assert plan[section.offset : section.offset + section.size] == decode_plan(plan)
        assert struct.unpack_from("<I", plan, len(plan) - 4)[0] == 0x8B8D8B99
    else:  # the 8.x layout: what #3073 says for 8.4, nothing claimed for 8.6
        assert info.sections is None and info.declared_size is None
        assert info.serialization_version == (213 if era == "8.4" else None)


@pytest.mark.parametrize("era", ERAS)
def test_serialize_returns_a_plan_with_the_real_header(era: str) -> None:
    with fake_tensorrt(era) as trt:
        engine = build_engine(STATIC, era, trt)
        plan = bytes(engine.serialize())
        assert tc.plan_info(plan).version == _short(era)
        again = tc.load_engine(plan)  # load_engine's header check passes, the fake reads it
        assert [t.name for t in tc.io_tensors(again)] == ["x", "y"]


@pytest.mark.parametrize("era", ERAS)
def test_plans_and_inspect_work_on_fake_plans(
    era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.plan"
    path.write_bytes(build_plan(STATIC, era))
    with fake_tensorrt(era):
        assert main(["plans", str(tmp_path), "--json"]) == 0
        row = json.loads(capsys.readouterr().out)["plans"][0]
        assert (row["verdict"], row["reason"]) == ("yes", "")
        assert row["header"]["tensorrt_version"] == _short(era)
        assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"Built by TensorRT: {_short(era)} (build " in out
    assert "not a TensorRT plan" not in out


def test_the_fake_runtime_refuses_another_fake_release_by_logging() -> None:
    # As real TensorRT: deserialize_cuda_engine returns None, the reason goes to the logger.
    with fake_tensorrt("10") as trt:
        said: list[str] = []

        class Logger(trt.ILogger):  # type: ignore[name-defined,misc]
            def log(self, severity: Any, msg: str) -> None:
                said.append(msg)

        runtime = trt.Runtime(Logger())
        assert runtime.deserialize_cuda_engine(build_plan(STATIC, "8.6")) is None
        assert said == [
            "1: [stdArchiveReader.cpp] The engine plan file is not compatible with this version "
            "of TensorRT, expecting library version 10.16.1.11 got 8.6.1.6, please rebuild."
        ]
        said.clear()
        damaged = bytearray(build_plan(STATIC, "10"))
        damaged[-1] ^= 0xFF
        assert runtime.deserialize_cuda_engine(bytes(damaged)) is None
        assert said == [
            "1: [runtime.cpp::deserializeCudaEngine] The plan does not end with the "
            "end-of-plan marker."
        ]


def test_encode_and_decode() -> None:
    body = b'{"any": "bytes"}' + bytes(range(7))
    for release in ("8.4.3.1", "8.6.1.6", "10.16.1.11", "11.4.0.106"):
        plan = encode_plan(body, release)
        assert decode_plan(plan) == decode_plan(bytearray(plan)) == body
        assert plan_release(memoryview(plan)) == release
        assert tc.plan_info(plan).version == release.rsplit(".", 1)[0]
    assert len(encode_plan(b"", "11.4.0.106")) == 60  # header, one entry, marker
    with pytest.raises(ValueError, match=r"^TensorRT release '10\.300\.0' does not fit"):
        encode_plan(body, "10.300.0")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: b"TRTC" + p[4:], r"Serialization assertion magicTagRead == kMAGIC_TAG failed"),
        (lambda p: p[:20], r"Serialization assertion bufferSize >= minBufferSize failed\."),
        (lambda p: p[:28] + b"\x01" + p[29:], r"header\.pad == expectedPlatformTag failed\."),
        (lambda p: p[:-8], r"Serialization assertion plan\.header\.size == blobSize failed\."),
        (
            lambda p: p[:48] + struct.pack("<Q", 10**6) + p[56:],
            r"Section 0 of the plan lies outside it or is not 8-aligned\.",
        ),
        (
            lambda p: p[:32] + struct.pack("<I", 7) + p[36:],
            r"No engine found in plan\.",
        ),
    ],
)
def test_decode_makes_the_checks_tensorrt_makes(damage: Any, message: str) -> None:
    plan = encode_plan(b"engine", "11.4.0.106")
    with pytest.raises(FakePlanError, match=message):
        decode_plan(damage(plan))


def test_the_readme_plan_info_line_runs_on_a_fake_plan(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'print(tc.plan_info("model.plan").version)' in readme
    path = tmp_path / "model.plan"
    path.write_bytes(build_plan(STATIC, "11"))
    assert tc.plan_info(str(path)).version == "11.4.0"


# -- write-plan ---------------------------------------------------------------------------


def _write_plan(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "trtcompat.testing", "write-plan", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_write_plan_takes_numpy_and_tensorrt_names(tmp_path: Path) -> None:
    done = _write_plan(
        "m.plan", "--era", "10", "--input", "images:FLOAT32:2,3", "--input", "ids:int32:4",
        "--output", "y:float:2,3", "--output", "z:Int32:4", cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    with fake_tensorrt("10"):
        engine = tc.load_engine(tmp_path / "m.plan")
        assert [(t.name, t.trt_dtype) for t in tc.io_tensors(engine)] == [
            ("images", "FLOAT"), ("ids", "INT32"), ("y", "FLOAT"), ("z", "INT32"),
        ]


def test_write_plan_names_the_dtypes_it_takes_and_writes_nothing(tmp_path: Path) -> None:
    done = _write_plan(
        "m.plan", "--era", "10", "--input", "images:FLOAT33:2,3", "--output", "y:FLOAT:2,3",
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == (
        "python -m trtcompat.testing write-plan: error: argument --input: "
        "'images:FLOAT33:2,3': unknown DTYPE 'FLOAT33'. Use a TensorRT DataType name (FLOAT, "
        "HALF, INT8, INT32, BOOL, UINT8, FP8, BF16, INT64, INT4, FP4, E8M0) or a numpy name "
        "(float32, float16, int8, int32, bool, uint8, float8_e4m3fn, bfloat16, int64, int4, "
        "float4_e2m1fn, float8_e8m0fnu); any case."
    )
    assert os.listdir(tmp_path) == []


def test_write_plan_into_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "m.plan"
    done = _write_plan(
        str(target), "--era", "10", "--input", "x:FLOAT:2", "--output", "y:FLOAT:2", cwd=tmp_path
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[-1] == (
        f"python -m trtcompat.testing write-plan: error: cannot write {str(target)!r}: No such "
        f"file or directory"
    )
    assert os.listdir(tmp_path) == []


_ARGS = ["write-plan", "m.plan", "--era", "10", "--input", "x:FLOAT:2", "--output", "y:FLOAT:2"]


def test_write_plan_leaves_the_old_file_when_building_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trtcompat.testing import __main__ as write_plan

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.plan").write_bytes(b"the old plan")

    def failing(spec: EngineSpec, era: str) -> bytes:
        raise tc.DTypeError("no such dtype")

    monkeypatch.setattr(write_plan, "build_plan", failing)
    with pytest.raises(tc.DTypeError):
        write_plan.main(_ARGS)
    assert (tmp_path / "m.plan").read_bytes() == b"the old plan"
    assert os.listdir(tmp_path) == ["m.plan"]


def test_write_plan_leaves_the_old_file_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat.testing import __main__ as write_plan

    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.plan").write_bytes(b"the old plan")

    def full(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(SystemExit) as stop:
        write_plan.main(_ARGS)
    assert stop.value.code == 2
    assert capsys.readouterr().err.endswith(
        "write-plan: error: cannot write 'm.plan': No space left on device\n"
    )
    assert (tmp_path / "m.plan").read_bytes() == b"the old plan"
    assert os.listdir(tmp_path) == ["m.plan"]  # the temporary file is gone too


# -- EngineSpec profile counts --------------------------------------------------------------


def _dynamic(name: str, ranges: int) -> TensorSpec:
    profiles = tuple(((1, 3), (2 + k, 3), (4 + k, 3)) for k in range(ranges))
    return TensorSpec(name, np.float32, (-1, 3), True, profiles=profiles)


def test_engine_spec_infers_the_profile_count() -> None:
    y = TensorSpec("y", np.float32, (-1, 3), False, like="x")
    spec = EngineSpec((_dynamic("x", 2), y))
    assert spec.num_profiles == 2
    engine = build_engine(spec, "10")
    assert engine.num_optimization_profiles == 2
    assert [list(d) for d in engine.get_tensor_profile_shape("x", 1)] == [[1, 3], [3, 3], [5, 3]]
    static = EngineSpec((TensorSpec("x", np.float32, (2,), True),
                         TensorSpec("y", np.float32, (2,), False)))
    assert static.num_profiles == 1


@pytest.mark.parametrize(
    ("tensors", "count", "message"),
    [
        (
            ("x2", "b1"),
            2,
            r"EngineSpec 'fake_engine': num_profiles=2, but the dynamic inputs give \(min, opt, "
            r"max\) ranges for 'x' 2, 'b' 1 profiles\. Give every dynamic input one range per "
            r"profile, and num_profiles that count \(or leave it out\)\.",
        ),
        (
            ("x2",),
            1,
            r"EngineSpec 'fake_engine': num_profiles=1, but the dynamic inputs give \(min, opt, "
            r"max\) ranges for 'x' 2 profiles\. .*",
        ),
        (
            ("x2", "b3"),
            0,
            r"EngineSpec 'fake_engine': num_profiles left out, but the dynamic inputs give "
            r"\(min, opt, max\) ranges for 'x' 2, 'b' 3 profiles\. .*",
        ),
    ],
)
def test_engine_spec_refuses_a_profile_count_mismatch(
    tensors: tuple[str, ...], count: int, message: str
) -> None:
    inputs = tuple(_dynamic(t[0], int(t[1])) for t in tensors)
    y = TensorSpec("y", np.float32, (-1, 3), False, like="x")
    with pytest.raises(EngineSpecError) as err:
        EngineSpec((*inputs, y), num_profiles=count)
    assert re.fullmatch(message, str(err.value), flags=re.DOTALL), str(err.value)
    assert isinstance(err.value, ValueError) and isinstance(err.value, tc.TrtCompatError)


def test_engine_spec_refuses_a_negative_profile_count() -> None:
    with pytest.raises(EngineSpecError) as err:
        EngineSpec(PORTABLE.tensors, num_profiles=-1)
    assert str(err.value) == (
        "EngineSpec 'fake_engine': num_profiles=-1; give 1 or more, or leave it out to count "
        "the dynamic inputs' ranges."
    )


# -- the command line -----------------------------------------------------------------------


def _piped(args: list[str], module: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    # A real pipe whose reader has gone away, as `| head -1` does once it has its line. The
    # read end is closed before the command starts, so its first write meets the closed
    # pipe whatever the timing (with `head`, a short output may win the race and fit).
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRTCOMPAT_TRT_MODULE": module}
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "trtcompat", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            timeout=120,
        )
    finally:
        os.close(write_end)


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    for k in range(3):
        (tmp_path / f"m{k}.plan").write_bytes(build_plan(PORTABLE, "10"))
    for args in (["plans", "--json", str(tmp_path)], ["inspect", str(tmp_path / "m0.plan")]):
        done = _piped(args, "trtcompat.testing.era_10", tmp_path)
        assert (done.returncode, done.stderr) == (141, b""), (args, done.stderr.decode())


def test_plans_takes_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "model.plan"
    path.write_bytes(build_plan(STATIC, "10"))
    with fake_tensorrt("11"):
        assert main(["plans", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        "Installed TensorRT: 11.4.0.106",
        f"maybe   10.16.1    {path}",
    ]
    with fake_tensorrt("11"):
        assert main(["plans", str(tmp_path / "missing.plan")]) == 2
    assert capsys.readouterr().err == (
        f"trtcompat plans: {str(tmp_path / 'missing.plan')!r} does not exist; give a "
        f"directory of plans or one plan file.\n"
    )
