"""The fakes as users use them: default compute, enums across instances, plan files on the
command line (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import trtcompat as tc
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_engine, era_info, fake_tensorrt
from trtcompat.testing._planfile import decode_plan, encode_plan, plan_release

ROOT = Path(__file__).resolve().parents[1]

# Output names differ from the inputs', and the second output is another dtype.
PAIRED = EngineSpec(
    (
        TensorSpec("a", np.float32, (2, 3), True),
        TensorSpec("b", np.int32, (4,), True),
        TensorSpec("first", np.float32, (2, 3), False),
        TensorSpec("second", np.float32, (4,), False),
    ),
    name="paired",
)


@pytest.mark.parametrize("era", ERAS)
def test_spec_without_compute_pairs_outputs_with_inputs_by_order(era: str) -> None:
    with fake_tensorrt(era):
        engine = tc.load_engine(build_engine(PAIRED, era).serialize())
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        b = np.array([1, -2, 3, 40], np.int32)
        with tc.Runner(engine, backend="host") as runner:
            out = runner.infer({"a": a, "b": b})
    np.testing.assert_array_equal(out["first"], a)
    np.testing.assert_array_equal(out["second"], b.astype(np.float32))
    assert out["second"].dtype == np.float32


def test_spec_without_compute_needs_an_input_per_output() -> None:
    lonely = EngineSpec(
        (
            TensorSpec("x", np.float32, (2,), True),
            TensorSpec("y", np.float32, (2,), False),
            TensorSpec("z", np.float32, (2,), False),
        ),
        name="lonely",
    )
    with pytest.raises(ValueError, match="pairs output i with input i; it has 2 outputs and 1"):
        build_engine(lonely, "10")


@pytest.mark.parametrize("era", [e for e in ERAS if era_info(e).has_tensors])
def test_engine_built_inside_fake_tensorrt_speaks_its_types(era: str) -> None:
    with fake_tensorrt(era) as trt:
        engine = build_engine(PAIRED, era)
        assert isinstance(engine, trt.ICudaEngine)
        assert engine.get_tensor_mode("a") == trt.TensorIOMode.INPUT
        assert engine.get_tensor_dtype("b") == trt.DataType.INT32
    with fake_tensorrt(era) as other:  # another instance of the same era: enums still equal
        assert engine.get_tensor_mode("first") == other.TensorIOMode.OUTPUT


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=full, cwd=ROOT, timeout=120
    )


@pytest.mark.parametrize("era", ["8.4", "10"])
def test_write_plan_then_inspect_from_the_command_line(era: str, tmp_path: Path) -> None:
    plan = tmp_path / "model.plan"
    wrote = _run(
        "-m",
        "trtcompat.testing",
        "write-plan",
        str(plan),
        "--era",
        era,
        "--input",
        "images:FLOAT:-1,3:1,3:2,3:8,3",
        "--output",
        "scores:HALF:-1,3",
    )
    assert wrote.returncode == 0, wrote.stderr
    module = "trtcompat.testing.era_" + era.replace(".", "_")
    assert f"TRTCOMPAT_TRT_MODULE={module}" in wrote.stdout
    shown = _run("-m", "trtcompat", "inspect", str(plan), env={"TRTCOMPAT_TRT_MODULE": module})
    assert shown.returncode == 0, shown.stderr
    assert f"{module} {era_info(era).version}" in shown.stdout
    assert "images  input   FLOAT  (-1, 3)" in shown.stdout
    assert "scores  output  HALF   (-1, 3)" in shown.stdout
    loaded = _run(
        "-c",
        "import trtcompat, numpy as np; e = trtcompat.load_engine('"
        + str(plan)
        + "'); r = trtcompat.Runner(e, backend='host'); "
        "print(r.infer({'images': np.ones((2, 3), np.float32)})['scores'].sum())",
        env={"TRTCOMPAT_TRT_MODULE": module},
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "6.0"


def test_write_plan_refuses_a_dynamic_input_without_a_range(tmp_path: Path) -> None:
    result = _run(
        "-m",
        "trtcompat.testing",
        "write-plan",
        str(tmp_path / "m.plan"),
        "--era",
        "10",
        "--input",
        "x:FLOAT:-1,3",
        "--output",
        "y:FLOAT:-1,3",
    )
    assert result.returncode == 2 and "a dynamic input needs :MIN:OPT:MAX" in result.stderr


def test_a_plan_with_callables_names_why_it_cannot_travel() -> None:
    spec = EngineSpec(
        (TensorSpec("x", np.float32, (2,), True), TensorSpec("y", np.float32, (2,), False)),
        compute=lambda feed: {"y": feed["x"]},
    )
    # The registry of callables is per process; an unknown key is what another process sees.
    built = bytes(build_engine(spec, "10").serialize())
    body = decode_plan(built).replace(b'"key": "', b'"key": "elsewhere-')
    plan = encode_plan(body, plan_release(built))
    with fake_tensorrt("10"), pytest.raises(
        tc.EngineLoadError,
        match="built in another process from an EngineSpec with compute= or launch=",
    ):
        tc.load_engine(plan)
