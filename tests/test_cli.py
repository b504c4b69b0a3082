"""The trtcompat command: doctor, demo, and the hand-off to scan and inspect."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from trtcompat.cli import main


def test_doctor_text_without_tensorrt(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "TensorRT:        not found: No TensorRT Python module could be imported" in out
    assert "memory backends: " in out and "host" in out


def test_doctor_json_with_a_fake(era: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tensorrt"]["module"] == "tensorrt"
    assert report["tensorrt"]["families"] == (["bindings"] if era == "8.4" else ["bindings", "tensors"] if era == "8.6" else ["tensors"])
    assert report["backends"]["host"] is True and isinstance(report["gpu"], bool)


def test_demo_prints_the_same_table_for_every_era(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("== TensorRT ") == 4
    assert "The I/O tensor table is identical on all 4 eras." in out
    assert out.count("labels for ids [0 1 2]: [1, 2, 3]") == 4


def test_scan_is_handed_its_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "old.py"
    source.write_text("import tensorrt as trt\nn = engine.num_bindings\n")
    assert main(["scan", str(source), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["total"] >= 1 and report["findings"][0]["line"] == 2


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_python_dash_m() -> None:
    out = subprocess.run([sys.executable, "-m", "trtcompat", "doctor", "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["trtcompat"]
