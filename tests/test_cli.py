"""The trtcompat command: doctor, demo, and the hand-off to scan and inspect."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trtcompat.cli import main


def test_doctor_text_without_tensorrt(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["doctor"]) == 1  # no usable TensorRT
    captured = capsys.readouterr()
    out = captured.out
    assert "TensorRT:        not found: No TensorRT Python module could be imported" in out
    assert "memory backends: " in out and "host" in out
    assert captured.err == "trtcompat doctor: no usable TensorRT (see above).\n"


def test_doctor_shows_a_broken_install_with_its_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    (tmp_path / "tensorrt").mkdir()
    (tmp_path / "tensorrt" / "__init__.py").write_text(
        'raise ImportError("libnvinfer.so.10: cannot open shared object file")\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tensorrt")
    assert main(["doctor"]) == 1
    assert (
        "  tensorrt is installed but failed to import: ImportError: libnvinfer.so.10: cannot "
        "open shared object file\n"
    ) in capsys.readouterr().out


def test_doctor_when_tensorrt_cannot_create_a_runtime(
    era: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    trt = sys.modules["tensorrt"]
    line = "createInferRuntime: Error Code 6: API Usage Error (CUDA initialization failure)"

    def dead_runtime(logger: Any) -> object:
        logger.log(trt.ILogger.Severity.ERROR, line)  # type: ignore[attr-defined]
        return object()

    monkeypatch.setattr(trt, "Runtime", dead_runtime)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"TensorRT runtime: cannot be created; TensorRT said:\n  [ERROR] {line}\n" in out
    assert main(["doctor", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["tensorrt"]["runtime"] is None
    assert report["tensorrt"]["runtime_error"] == [f"[ERROR] {line}"]


def test_doctor_gpu_facts_come_from_the_driver(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, era: str
) -> None:
    from trtcompat.cli import _doctor

    gpu = {
        "driver": "570.86.15",
        "cuda_driver": "12.8",
        "devices": [{"index": 0, "name": "NVIDIA H200", "compute_capability": "9.0",
                     "memory_bytes": 150 * 2**30}],
        "error": None,
    }
    monkeypatch.setattr(_doctor, "gpu_report", lambda: gpu)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert (
        "GPU 0:           NVIDIA H200, compute capability 9.0, 150.0 GiB; driver 570.86.15, "
        "CUDA 12.8\n"
    ) in out
    assert "TensorRT runtime: created" in out


def test_doctor_backends_are_the_registrys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, era: str
) -> None:
    from trtcompat import backends
    from trtcompat.cli import _doctor

    monkeypatch.setattr(_doctor, "available_backends", lambda: ["cupy", "host"])
    monkeypatch.setattr(
        _doctor, "_distributions_of", lambda modules: {"cupy": ["cupy-cuda12x 13.3.0"]}
    )
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["backends"] == {"cupy": {"versions": ["cupy-cuda12x 13.3.0"]}, "host": {"versions": []}}
    monkeypatch.undo()
    assert main(["doctor", "--json"]) in (0, 1)
    assert list(json.loads(capsys.readouterr().out)["backends"]) == backends.available_backends()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from trtcompat import __version__

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"trtcompat {__version__}\n"


def test_help_has_every_command_and_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and ":func:" not in out
    for command in ("doctor", "demo", "inspect", "scan"):
        assert f"    {command}  " in out
    for command in ("doctor", "demo"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "Needs no GPU" in capsys.readouterr().out or command == "doctor"


def test_doctor_json_with_a_fake(era: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tensorrt"]["module"] == "tensorrt"
    assert report["tensorrt"]["families"] == (["bindings"] if era == "8.4" else ["bindings", "tensors"] if era == "8.6" else ["tensors"])
    assert report["backends"]["host"] == {"versions": []}
    assert report["tensorrt"]["runtime"] == "created"
    assert set(report["gpu"]) == {"driver", "cuda_driver", "devices", "error"}


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
                         capture_output=True, text=True)
    assert json.loads(out.stdout)["trtcompat"]
    assert out.returncode == (0 if json.loads(out.stdout)["tensorrt"].get("runtime") else 1)


@pytest.mark.parametrize(
    ("line", "version"),
    [
        ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.15  Fri Jan 24 2025\n", "570.86.15"),
        ("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build\n", "580.159.04"),
        ("something else entirely\n", None),
    ],
)
def test_doctor_reads_the_kernel_driver_version(
    line: str, version: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trtcompat.cli import _doctor

    proc = tmp_path / "version"
    proc.write_text(line)
    monkeypatch.setattr(_doctor, "_KERNEL_DRIVER", str(proc))
    assert _doctor._kernel_driver() == version
