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
    assert "memory backends: " in out and "  host: usable" in out
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
    assert list(report["backends"]) == list(backends.BACKEND_NAMES)
    assert report["backends"]["cupy"]["versions"] == ["cupy-cuda12x 13.3.0"]
    assert [n for n, facts in report["backends"].items() if facts["installed"]] == ["cupy", "host"]
    monkeypatch.undo()
    assert main(["doctor", "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    installed = [n for n, facts in report["backends"].items() if facts["installed"]]
    assert installed == backends.available_backends()


def _cupy_installed(monkeypatch: pytest.MonkeyPatch, probe: Any) -> None:
    """cupy on disk (as available_backends sees it) whose get_backend does ``probe``."""
    from trtcompat.cli import _doctor

    monkeypatch.setattr(_doctor, "available_backends", lambda: ["cupy", "host"])
    monkeypatch.setattr(
        _doctor, "_distributions_of", lambda modules: {"cupy": ["cupy-cuda12x 13.3.0"]}
    )
    monkeypatch.setattr(_doctor, "_probe", lambda name: probe(name) if name == "cupy" else "host")


@pytest.mark.usefixtures("era")
def test_doctor_says_installed_but_not_usable_when_no_device_is_reached(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from trtcompat.errors import BackendUnavailableError

    said = "Backend 'cupy' cannot use CUDA: cudaErrorInsufficientDriver; check the NVIDIA driver"

    def no_driver(name: str) -> str:
        raise BackendUnavailableError(said)

    _cupy_installed(monkeypatch, no_driver)
    assert main(["doctor", "--json"]) == 0  # Runner still gets the host backend
    facts = json.loads(capsys.readouterr().out)["backends"]
    assert facts["cupy"] == {"versions": ["cupy-cuda12x 13.3.0"], "installed": True,
                             "usable": False, "error": said}
    assert facts["host"] == {"versions": [], "installed": True, "usable": True, "error": None}
    assert facts["torch"] == {"versions": [], "installed": False, "usable": False, "error": None}
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"  cupy (cupy-cuda12x 13.3.0): installed, not usable: {said}\n" in out
    assert "  torch: not installed\n" in out


@pytest.mark.usefixtures("era")
def test_doctor_says_usable_when_the_backend_reached_a_device(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _cupy_installed(monkeypatch, lambda name: name)
    assert main(["doctor"]) == 0
    assert "  cupy (cupy-cuda12x 13.3.0): installed, usable\n" in capsys.readouterr().out


@pytest.mark.usefixtures("era")
def test_doctor_reports_a_library_that_fails_in_an_unforeseen_way(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(name: str) -> str:
        raise RuntimeError("cupy_backends.cuda.api.runtime.CUDARuntimeError: boom")

    _cupy_installed(monkeypatch, broken)
    assert main(["doctor", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backends"]["cupy"]["error"] == (
        "RuntimeError: cupy_backends.cuda.api.runtime.CUDARuntimeError: boom"
    )


@pytest.mark.usefixtures("era")
@pytest.mark.parametrize("json_flag", [False, True])
def test_doctor_reports_trtcompat_backend_that_does_not_resolve(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, json_flag: bool
) -> None:
    monkeypatch.setenv("TRTCOMPAT_BACKEND", "nonsense")
    assert main(["doctor", "--json"] if json_flag else ["doctor"]) == 1
    captured = capsys.readouterr()
    said = ("Unknown backend 'nonsense' (from $TRTCOMPAT_BACKEND); valid names: pycuda, "
            "cuda_python, cupy, torch, host")
    if json_flag:
        assert json.loads(captured.out)["backend"] == {
            "env": "nonsense", "resolves_to": None, "error": said}
    else:
        assert f"Runner's backend: none (TRTCOMPAT_BACKEND='nonsense'): {said}\n" in captured.out
    assert captured.err == (
        "trtcompat doctor: TRTCOMPAT_BACKEND='nonsense' does not resolve to a usable backend "
        "(see above).\n"
    )


@pytest.mark.usefixtures("era")
def test_doctor_reports_the_backend_runner_would_use(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from trtcompat import backends

    backends._reset()
    monkeypatch.setattr(backends, "_installed", lambda name: name == "host")
    monkeypatch.setattr(backends, "_gpu_present", lambda: False)
    assert main(["doctor", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backend"] == {
        "env": None, "resolves_to": "host", "error": None}
    monkeypatch.setenv("TRTCOMPAT_BACKEND", "host")
    assert main(["doctor"]) == 0
    assert "Runner's backend: host (TRTCOMPAT_BACKEND='host')\n" in capsys.readouterr().out
    # a GPU machine without any usable library: Runner() would raise, so doctor exits 1
    backends._reset()
    monkeypatch.delenv("TRTCOMPAT_BACKEND")
    monkeypatch.setattr(backends, "_gpu_present", lambda: True)
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    assert "Runner's backend: none (TRTCOMPAT_BACKEND unset): This machine has a GPU but no " in captured.out
    assert captured.err == "trtcompat doctor: no usable memory backend (see above).\n"
    backends._reset()


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


def test_the_fakes_command_line_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    from trtcompat.testing.__main__ import main as testing_main

    with pytest.raises(SystemExit) as stop:
        testing_main(["-h"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "python -m trtcompat.testing write-plan: writes a fake plan file" in out
    assert "``" not in out and "::" not in out and ":func:" not in out


def test_doctor_json_with_a_fake(era: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tensorrt"]["module"] == "tensorrt"
    assert report["tensorrt"]["families"] == (["bindings"] if era == "8.4" else ["bindings", "tensors"] if era == "8.6" else ["tensors"])
    assert report["backends"]["host"] == {"versions": [], "installed": True, "usable": True,
                                          "error": None}
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
