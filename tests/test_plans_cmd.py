"""trtcompat plans DIR and the header part of trtcompat inspect."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from _plans import sectioned_plan

from trtcompat.cli import main


def _fleet(root: Path, runtime: tuple[int, int, int, int]) -> None:
    (root / "sub").mkdir()
    (root / "same.plan").write_bytes(sectioned_plan(runtime))
    (root / "sub" / "newer.engine").write_bytes(sectioned_plan((runtime[0], runtime[1] + 1, 0, 0)))
    (root / "noext").write_bytes(sectioned_plan(runtime))  # found by its magic
    (root / "notes.txt").write_text("not a plan")  # ignored
    (root / "broken.trt").write_bytes(b"\x08\x01onnx")


def test_plans_json_verdicts_and_exit_code(
    era: str, trt: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = tuple(int(p) for p in trt.__version__.split("."))  # type: ignore[attr-defined]
    _fleet(tmp_path, runtime)  # type: ignore[arg-type]
    assert main(["plans", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["tensorrt"] == trt.__version__  # type: ignore[attr-defined]
    verdicts = {Path(r["path"]).name: r["verdict"] for r in report["plans"]}
    assert verdicts == {
        "same.plan": "yes",
        "noext": "yes",
        "newer.engine": "no",
        "broken.trt": "no",
    }
    newer = next(r for r in report["plans"] if r["path"].endswith("newer.engine"))
    assert newer["header"]["tensorrt_version"] == f"{runtime[0]}.{runtime[1] + 1}.0"
    assert "newer than the installed TensorRT" in newer["reason"]


def test_plans_all_loadable_exits_zero_and_prints_a_table(
    era: str, trt: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = tuple(int(p) for p in trt.__version__.split("."))  # type: ignore[attr-defined]
    (tmp_path / "a.plan").write_bytes(sectioned_plan(runtime))  # type: ignore[arg-type]
    assert main(["plans", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"Installed TensorRT: {trt.__version__}" in out  # type: ignore[attr-defined]
    assert "yes" in out and "a.plan" in out


def test_plans_without_tensorrt_is_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    (tmp_path / "a.plan").write_bytes(sectioned_plan((10, 3, 0, 26)))
    assert main(["plans", str(tmp_path), "--json"]) == 1
    row = json.loads(capsys.readouterr().out)["plans"][0]
    assert row["verdict"] == "unknown" and row["header"]["tensorrt_version"] == "10.3.0"


def test_plans_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plans", str(tmp_path / "missing")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_inspect_shows_the_header_without_tensorrt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    path = tmp_path / "m.plan"
    path.write_bytes(sectioned_plan((10, 16, 1, 11)))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Built by TensorRT: 10.16.1 (build 11)" in out and "Sections: 1 (end marker ok)" in out
    assert main(["inspect", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["header"]["declared_size"] == path.stat().st_size
