"""Checks against a real TensorRT runtime wheel (lean/dispatch import on CPU).

Run by ``nox -s real``, which installs one wheel per session and sets
``TRTCOMPAT_TRT_MODULE`` and ``TRTCOMPAT_EXPECT_TRT_VERSION``. Without those (a plain
``pytest``), the module skips: there is no real runtime to check.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import trtcompat as tc
from trtcompat import _dtypes
from trtcompat.testing import make_module, release_key

MODULE = os.environ.get("TRTCOMPAT_TRT_MODULE", "")
EXPECTED = os.environ.get("TRTCOMPAT_EXPECT_TRT_VERSION", "")

pytestmark = pytest.mark.skipif(
    not (MODULE and EXPECTED), reason="no real TensorRT wheel in this environment (nox -s real)"
)


@pytest.fixture(scope="module")
def real() -> ModuleType:
    return importlib.import_module(MODULE)


def _era(version: str) -> str:
    # The fake of the wheel's own release: a 10.15 module against the 10.15 fake, not 10.16's.
    return release_key(version)


def test_discovery_and_version(real: ModuleType) -> None:
    info = tc.runtime_info()
    assert info.module == MODULE
    assert info.version == EXPECTED == real.__version__
    assert info.families == ("tensors",)
    assert info.flavor == ("lean" if "lean" in MODULE else "dispatch")


def test_every_real_datatype_maps_with_its_size(real: ModuleType) -> None:
    members = real.DataType.__members__
    assert len(members) >= 10
    for name, value in members.items():
        dtype = _dtypes.numpy_dtype(value)  # by member name, never trt.nptype
        bits = _dtypes.bits_of(_dtypes.enum_name(value))
        itemsize = value.itemsize  # tensorrt's own: 0.5 for INT4/FP4, None for E8M0
        if itemsize is not None:
            assert bits == itemsize * 8, name
        assert bits >= 8 or name in ("INT4", "FP4")
        if bits >= 8:
            assert dtype.itemsize * 8 == bits, name


_ML_DTYPES_NAMES = {
    "BF16": "bfloat16",
    "FP8": "float8_e4m3fn",
    "INT4": "int4",
    "FP4": "float4_e2m1fn",
    "E8M0": "float8_e8m0fnu",
}


def test_nptype_refuses_what_trtcompat_maps(real: ModuleType) -> None:
    # Why trtcompat never routes through trt.nptype (docs/TRT_API.md, "DataType and numpy").
    for name, ml_name in _ML_DTYPES_NAMES.items():
        with pytest.raises(TypeError):
            real.nptype(getattr(real.DataType, name))
        assert _dtypes.numpy_dtype(getattr(real.DataType, name)).name == ml_name


def _public(cls: Any) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")} | (
        {n for n in ("__getitem__", "__len__") if n in vars(cls)}
    )


@pytest.mark.parametrize("cls", ["ICudaEngine", "IExecutionContext", "Runtime", "Dims"])
def test_fake_offers_nothing_the_live_class_lacks(real: ModuleType, cls: str) -> None:
    fake = getattr(make_module(_era(real.__version__)), cls)
    extra = _public(fake) - _public(getattr(real, cls))
    assert not extra, f"fake {cls} has {sorted(extra)}, which {MODULE} {real.__version__} lacks"


@pytest.mark.parametrize("enum_name", ["DataType", "TensorIOMode", "TensorLocation"])
def test_fake_enums_match_the_live_enums(real: ModuleType, enum_name: str) -> None:
    fake = getattr(make_module(_era(real.__version__)), enum_name)
    assert set(fake.__members__) == set(getattr(real, enum_name).__members__)


def test_capturing_logger_subclasses_the_live_ilogger(real: ModuleType) -> None:
    from trtcompat import _trtlog

    logger = _trtlog.logger_for(real)
    assert isinstance(logger, real.ILogger) and _trtlog.logger_for(real) is logger
    start = _trtlog.mark()
    logger.log(real.ILogger.Severity.ERROR, "plan refused")
    logger.log(real.ILogger.Severity.INFO, "progress")  # not kept: never a reason
    assert _trtlog.lines_since(start) == ("[ERROR] plan refused",)


# What each machine must answer when asked to load a plan that is not one: on a machine
# without a usable GPU, TensorRT cannot create a Runtime (and the object it returns crashes
# the process when touched); on a GPU machine the Runtime works and the plan is refused.
_NO_RUNTIME = "could not create a TensorRT Runtime. TensorRT said:\n  [ERROR] "
# A plan of the installed release that passes every header check but holds no engine (the
# smallest plan lean 11.4 reads to the end, docs/PLAN_FORMAT.md): only TensorRT can refuse it.
# Bytes that are no plan at all are refused by load_engine's header check before TensorRT.
_REFUSED = f"refused the plan built by TensorRT {EXPECTED.rsplit('.', 1)[0]} (36 bytes)."


def _no_engine_plan() -> bytes:
    from _plans import sectioned_plan

    return sectioned_plan(tuple(int(p) for p in EXPECTED.split(".")), [])


def _check_load_error(err: tc.EngineLoadError) -> None:
    assert err.trt_log, "the error must carry TensorRT's own lines"
    assert all(line.startswith(("[ERROR] ", "[INTERNAL_ERROR] ", "[WARNING] ")) for line in err.trt_log)
    text = str(err)
    assert all(line in text for line in err.trt_log)
    assert err.version == EXPECTED
    if isinstance(err, tc.RuntimeCreationError):
        assert _NO_RUNTIME in text and "createInferRuntime" in err.trt_log[0]
    else:
        assert _REFUSED in text


def test_load_engine_of_a_bad_plan_raises_with_tensorrts_line(real: ModuleType) -> None:
    for _ in range(2):  # a second attempt in the same process behaves the same
        with pytest.raises(tc.EngineLoadError) as err:
            tc.load_engine(_no_engine_plan())
        _check_load_error(err.value)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # A child process: a crash (SIGSEGV) shows as a negative return code instead of
    # killing the test session.
    return subprocess.run(
        [sys.executable, "-m", "trtcompat", *args], capture_output=True, text=True, timeout=120
    )


def test_bytes_that_are_no_plan_get_the_header_verdict_before_tensorrt(real: ModuleType) -> None:
    # No Runtime is created for them (none could be on a machine without a GPU).
    with pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(b"not a plan" * 8)
    assert type(err.value) is tc.EngineLoadError and err.value.trt_log == ()
    assert str(err.value).startswith(
        "The given bytes are not a TensorRT plan: they start with b'not ', a plan starts with "
        "b'ftrt'."
    )


def test_load_engine_in_a_fresh_process_does_not_crash(tmp_path: Path) -> None:
    plan = tmp_path / "x.plan"
    plan.write_bytes(_no_engine_plan())
    code = (
        "import sys, trtcompat\n"
        "try:\n"
        "    trtcompat.load_engine(open(sys.argv[1], 'rb').read())\n"
        "except trtcompat.EngineLoadError as err:\n"
        "    print(type(err).__name__)\n"
        "    print('\\n'.join(err.trt_log))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(plan)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    kind, *lines = out.stdout.splitlines()
    assert kind in ("RuntimeCreationError", "EngineLoadError") and lines


def test_inspect_of_a_bad_plan(tmp_path: Path) -> None:
    plan = tmp_path / "x.plan"
    plan.write_bytes(_no_engine_plan())
    out = _cli("inspect", str(plan))
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert out.stdout == ""
    assert out.stderr.startswith(f"trtcompat inspect {plan}: ")
    assert "[ERROR] " in out.stderr
    assert _NO_RUNTIME in out.stderr or _REFUSED in out.stderr


def test_doctor_reports_the_runtime() -> None:
    out = _cli("doctor", "--json")
    assert out.returncode in (0, 1), (out.returncode, out.stderr)
    report = json.loads(out.stdout)
    trt = report["tensorrt"]
    assert trt["module"] == MODULE and trt["version"] == EXPECTED
    if trt["runtime"] == "created":  # a GPU machine
        assert out.returncode == 0 and report["gpu"]["devices"]
    else:
        assert out.returncode == 1
        assert any("createInferRuntime" in line for line in trt["runtime_error"])
        text = _cli("doctor")
        assert "TensorRT runtime: cannot be created; TensorRT said:\n  [ERROR] " in text.stdout


def test_removed_members_are_gone_from_the_live_classes(real: ModuleType) -> None:
    from trtcompat import _versions

    version = _versions.parse_version(real.__version__)
    for cls, removed in _versions.REMOVED.items():
        for member, since in removed.items():
            if version >= since:
                assert not hasattr(getattr(real, cls), member), f"{cls}.{member}"
            else:
                assert hasattr(getattr(real, cls), member) or member == "__len__", f"{cls}.{member}"
