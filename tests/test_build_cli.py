"""``trtcompat build``: Polygraphy's shape spelling, precision options, --json, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from _onnx_models import expected, scale_relu, two_inputs

import trtcompat
from trtcompat.cli import main
from trtcompat.cli._build import parse_shapes

SHAPES = ["--trt-min-shapes", "x:[1,3]", "--trt-opt-shapes", "x:[2,3]",
          "--trt-max-shapes", "x:[4,3]"]  # fmt: skip


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.onnx"
    onnx.save(scale_relu(), str(path))
    return path


def test_build_writes_a_plan_that_computes_the_model(
    era: str, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model.plan"
    assert main(["build", str(model), "-o", str(out), *SHAPES, "--fp16", "--json", "-q"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["precision_applied"] == "fp16"
    assert report["profiles"] == [{"x": [[1, 3], [2, 3], [4, 3]]}]
    assert report["plan_size"] == out.stat().st_size
    engine = trtcompat.load_engine(str(out))
    assert trtcompat.profile_shapes(engine, "x") == ((1, 3), (2, 3), (4, 3))
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    with trtcompat.Runner(engine, backend="host") as runner:
        y = runner.infer({"x": x})["y"]
    np.testing.assert_allclose(y, expected(x), rtol=2e-3)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_min_and_max_take_the_opt_shape(
    era: str, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model.plan"
    assert main(["build", str(model), "-o", str(out), "--trt-opt-shapes", "x:[2,3]", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["profiles"] == [{"x": [[2, 3], [2, 3], [2, 3]]}]


def test_repeated_shape_options_make_several_profiles(
    era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "add.onnx"
    onnx.save(two_inputs(), str(path))
    argv = ["build", str(path), "-o", str(tmp_path / "add.plan"), "--json", "-q"]
    for low, high in ((1, 4), (8, 16)):
        argv += ["--trt-min-shapes", f"a:[{low},4]", f"b:[{low},4]",
                 "--trt-max-shapes", f"a:[{high},4]", f"b:[{high},4]"]  # fmt: skip
    assert main(argv) == 0
    profiles = json.loads(capsys.readouterr().out)["profiles"]
    assert [p["a"] for p in profiles] == [[[1, 4], [1, 4], [4, 4]], [[8, 4], [8, 4], [16, 4]]]


def test_progress_goes_to_stderr(
    era: str, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", str(model), "-o", str(tmp_path / "m.plan"), *SHAPES]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"Wrote {tmp_path / 'm.plan'}: ")
    if era in ("10", "11"):  # TensorRT's progress monitor
        assert "[build] Building engine: step 3/3" in captured.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], r"dynamic inputs \(x \(-1, 3\)\)"),
        ([*SHAPES, "--int8"], r"needs a model with Q/DQ"),
        (
            [*SHAPES, "--precision", "model", "--version-compatible"],
            r"TensorRT 8.6 added|TensorRT 9.3 added",
        ),
    ],
)
def test_errors_exit_2_with_the_reason(
    era: str, model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    extra: list[str], message: str,
) -> None:  # fmt: skip
    out = tmp_path / "m.plan"
    code = main(["build", str(model), "-o", str(out), "-q", *extra])
    err = capsys.readouterr().err
    if era in ("10", "11") and "--version-compatible" in extra:
        assert code == 0
        return
    assert code == 2 and err.startswith("trtcompat build: ")
    assert __import__("re").search(message, err), err
    assert not out.exists()


def test_parse_shapes_in_polygraphy_spelling() -> None:
    assert parse_shapes(["input:[1,3,224,224]", "ids:[8, 128]", "scalar:[]"]) == {
        "input": (1, 3, 224, 224),
        "ids": (8, 128),
        "scalar": (),
    }
    assert parse_shapes(["a:b:[2]"]) == {"a:b": (2,)}
    with pytest.raises(ValueError, match=r"'input=1x3' is not a shape; write NAME:\[D0,D1,...\]"):
        parse_shapes(["input=1x3"])


def test_precision_options_are_exclusive(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["build", str(model), "-o", "x.plan", "--fp16", "--int8"])
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_build_runs_as_a_command_on_a_fake(model: Path, tmp_path: Path) -> None:
    env: dict[str, Any] = {**os.environ, "TRTCOMPAT_TRT_MODULE": "trtcompat.testing.era_11"}
    out = tmp_path / "m.plan"
    done = subprocess.run(
        [sys.executable, "-m", "trtcompat", "build", str(model), "-o", str(out), *SHAPES,
         "--workspace", "64M", "--json", "-q"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["tensorrt_version"].startswith("11.") and report["workspace"] == 64 << 20


def test_the_docs_name_every_report_key() -> None:
    from trtcompat import BuildReport

    docs = (Path(__file__).parents[1] / "docs" / "CLI.md").read_text()
    section = docs.split("## `build`", 1)[1]
    missing = [f for f in BuildReport.__dataclass_fields__ if f"`{f}`" not in section]
    assert missing == []


def test_polygraphy_spellings_of_the_options(
    model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat.testing import fake_tensorrt

    argv = ["build", str(model), "-o", str(tmp_path / "m.plan"), *SHAPES, "--json", "-q",
            "--strongly-typed", "--hardware-compatibility-level", "ampere_plus", "--refittable",
            "--strip-plan", "--builder-optimization-level", "4"]  # fmt: skip
    with fake_tensorrt("10"):
        assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["precision_applied"] == "model" and "STRONGLY_TYPED" in report["network_flags"]
    assert {"REFIT", "STRIP_PLAN"} <= set(report["builder_flags"])
    assert report["settings"]["hardware_compatibility_level"] == "AMPERE_PLUS"
    assert report["settings"]["builder_optimization_level"] == 4
