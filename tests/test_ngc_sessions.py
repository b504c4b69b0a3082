"""The `ngc` nox session drives docker / podman correctly, and skips when it cannot run.

Fake ``docker``, ``podman`` and ``nvidia-smi`` executables record their argv to a file, so
these tests need neither a GPU nor a container engine. Every matrix row is checked through
ci/ngc.py's helpers; a few rows go through nox end-to-end in a subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_ngc() -> ModuleType:
    # ci/ is not a package on sys.path under pytest; load the file directly.
    spec = importlib.util.spec_from_file_location("_trtcompat_ci_ngc", ROOT / "ci" / "ngc.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


ngc = _load_ngc()
MATRIX = ngc.load_matrix()
ROWS = {row.trt: row for row in MATRIX.ngc}

FAKE = """#!{python}
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as f:
    f.write(json.dumps({{"name": {name!r}, "argv": sys.argv[1:]}}) + "\\n")
sys.exit(int(os.environ.get("FAKE_{upper}_RC", "0")))
"""

MakeBin = Callable[..., Path]


@pytest.fixture
def fake_bin(tmp_path: Path) -> MakeBin:
    """Returns make(*names): a directory holding recording fakes of those executables."""

    def make(*names: str) -> Path:
        bindir = tmp_path / "bin"
        bindir.mkdir(exist_ok=True)
        for name in names:
            exe = bindir / name
            upper = name.upper().replace("-", "_")
            exe.write_text(FAKE.format(python=sys.executable, name=name, upper=upper))
            exe.chmod(0o755)
        return bindir

    return make


def _calls(log: Path, name: str | None = None) -> list[list[str]]:
    if not log.exists():
        return []
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    return [e["argv"] for e in entries if name is None or e["name"] == name]


# --------------------------------------------------------------------------- helpers, every row


def _check_common(argv: list[str], row: object, checkout: Path) -> str:
    """Assertions shared by docker and podman; returns the inner script."""
    assert argv[1:3] == ["run", "--rm"]
    assert f"{checkout.resolve()}:/src:ro" in argv
    assert argv[argv.index(f"{checkout.resolve()}:/src:ro") - 1] == "-v"
    envs = {argv[i + 1] for i, a in enumerate(argv) if a == "-e"}
    assert f"TRTCOMPAT_EXPECT_TRT_VERSION={row.version}" in envs  # type: ignore[attr-defined]
    assert not any("INDEX_URL" in e or "TOKEN" in e for e in envs)
    image_at = argv.index(row.image)  # type: ignore[attr-defined]
    assert argv[image_at + 1 : image_at + 3] == ["bash", "-c"]
    assert len(argv) == image_at + 4, "the script must be the last argument"
    return argv[-1]


@pytest.mark.parametrize("trt", list(ROWS))
def test_docker_command_every_row(trt: str, tmp_path: Path) -> None:
    row = ROWS[trt]
    argv = ngc.container_command("/usr/bin/docker", row, tmp_path, ["-x", "-k", "name with space"])
    assert argv[0] == "/usr/bin/docker"
    assert argv[argv.index("--gpus") + 1] == "all"
    assert "nvidia.com/gpu=all" not in argv
    script = _check_common(argv, row, tmp_path)
    assert "-m 'not multi_gpu'" in script
    assert script.rstrip().endswith("-x -k 'name with space'")  # posargs, shell-quoted
    assert "/tmp/trtcompat" in script
    assert "--system-site-packages" in script
    assert '-m pip install --quiet ".[test,cuda]"' in script


@pytest.mark.parametrize("trt", list(ROWS))
def test_podman_command_every_row(trt: str, tmp_path: Path) -> None:
    row = ROWS[trt]
    argv = ngc.container_command("/opt/bin/podman", row, tmp_path)
    assert argv[argv.index("--device") + 1] == "nvidia.com/gpu=all"  # CDI
    assert "--gpus" not in argv
    script = _check_common(argv, row, tmp_path)
    assert script.rstrip().endswith("-m 'not multi_gpu' -p no:cacheprovider")


def test_inner_script_is_valid_shell() -> None:
    script = ngc.inner_script(["-k", "it's"])
    subprocess.run(["bash", "-n", "-c", script], check=True)


@pytest.mark.parametrize(
    ("env", "names", "expected"),
    [
        ({}, ("docker", "podman"), "docker"),
        ({}, ("podman",), "podman"),
        ({"TRTCOMPAT_CONTAINER_ENGINE": "podman"}, ("docker", "podman"), "podman"),
        ({}, (), None),
        ({"TRTCOMPAT_CONTAINER_ENGINE": "podman"}, ("docker",), None),
        ({"TRTCOMPAT_CONTAINER_ENGINE": "lxc"}, ("docker",), None),
    ],
)
def test_find_engine(
    fake_bin: MakeBin, env: dict[str, str], names: tuple[str, ...], expected: str | None
) -> None:
    bindir = fake_bin(*names) if names else fake_bin()
    path, reason = ngc.find_engine({"PATH": str(bindir), **env})
    if expected is None:
        assert path is None
        assert reason
    else:
        assert path == str(bindir / expected)


def test_gpu_problem(fake_bin: MakeBin, tmp_path: Path) -> None:
    env = {"PATH": str(fake_bin()), "FAKE_LOG": str(tmp_path / "log")}
    assert ngc.gpu_problem(env) == "no GPU: nvidia-smi is not on PATH"
    fake_bin("nvidia-smi")
    assert ngc.gpu_problem(env) is None
    assert _calls(tmp_path / "log", "nvidia-smi") == [["-L"]]
    problem = ngc.gpu_problem({**env, "FAKE_NVIDIA_SMI_RC": "9"})
    assert problem is not None
    assert "exited with 9" in problem


def test_python_problem() -> None:
    row = ROWS["8.6"]
    assert ngc.python_problem(row, f">={row.python}") is None
    problem = ngc.python_problem(row, f">{row.python}")
    assert problem is not None
    assert row.image in problem
    assert row.python in problem


# --------------------------------------------------------------------------- nox end-to-end


def _nox(
    tmp_path: Path, bindir: Path, *sessions: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("nox")
    args = [
        sys.executable,
        "-m",
        "nox",
        "-f",
        str(ROOT / "noxfile.py"),
        "--envdir",
        str(tmp_path / "nox"),
        "--no-color",
        "-s",
        *sessions,
    ]
    full_env = {
        # Only the fakes on PATH: a real docker CLI on the host must not be picked up.
        "PATH": str(bindir),
        "HOME": str(tmp_path),
        "FAKE_LOG": str(tmp_path / "log"),
        "SYSTEMROOT": os.environ.get("SYSTEMROOT", ""),
        **(env or {}),
    }
    return subprocess.run(
        args, env=full_env, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )


REQUIRES_PYTHON = ngc.project_requires_python(ROOT)
# Rows whose image Python can install trtcompat; the others must fail loudly (see below).
RUNNABLE = [t for t, r in ROWS.items() if ngc.python_problem(r, REQUIRES_PYTHON) is None]
BLOCKED = [t for t in ROWS if t not in RUNNABLE]


def _run_calls(log: Path, engine: str) -> list[list[str]]:
    return [argv for argv in _calls(log, engine) if argv[:1] == ["run"]]


def test_nox_ngc_docker_end_to_end(tmp_path: Path, fake_bin: MakeBin) -> None:
    # The oldest and newest runnable lines, in one nox call, with posargs forwarded.
    picked = [RUNNABLE[0], RUNNABLE[-1]]
    bindir = fake_bin("docker", "podman", "nvidia-smi")
    proc = _nox(tmp_path, bindir, *map(ngc.ngc_session_name, picked), "--", "-x")
    assert proc.returncode == 0, proc.stderr
    runs = _run_calls(tmp_path / "log", "docker")
    assert [argv[argv.index("bash") - 1] for argv in runs] == [ROWS[t].image for t in picked]
    for trt, argv in zip(picked, runs):
        full = [str(bindir / "docker"), *argv]
        assert full == ngc.container_command(full[0], ROWS[trt], ROOT, ["-x"])
    assert _calls(tmp_path / "log", "podman") == []  # docker is preferred
    assert ["-L"] in _calls(tmp_path / "log", "nvidia-smi")


def test_nox_ngc_podman_from_env(tmp_path: Path, fake_bin: MakeBin) -> None:
    trt = RUNNABLE[0]
    bindir = fake_bin("docker", "podman", "nvidia-smi")
    proc = _nox(
        tmp_path, bindir, ngc.ngc_session_name(trt), env={"TRTCOMPAT_CONTAINER_ENGINE": "podman"}
    )
    assert proc.returncode == 0, proc.stderr
    (argv,) = _run_calls(tmp_path / "log", "podman")
    assert "nvidia.com/gpu=all" in argv
    assert ROWS[trt].image in argv
    assert _calls(tmp_path / "log", "docker") == []


@pytest.mark.parametrize(
    ("names", "env", "reason"),
    [
        (("nvidia-smi",), {}, "no container engine: neither docker nor podman is on PATH"),
        (("docker",), {}, "no GPU: nvidia-smi is not on PATH"),
        (("podman", "nvidia-smi"), {"FAKE_NVIDIA_SMI_RC": "6"}, "no GPU: `"),
        (("docker", "nvidia-smi"), {"FAKE_DOCKER_RC": "1"}, "container engine not usable: `"),
    ],
    ids=["no-engine", "no-nvidia-smi", "nvidia-smi-fails", "no-daemon"],
)
def test_nox_ngc_skips_with_reason(
    tmp_path: Path, fake_bin: MakeBin, names: tuple[str, ...], env: dict[str, str], reason: str
) -> None:
    trt = RUNNABLE[-1]
    proc = _nox(tmp_path, fake_bin(*names), ngc.ngc_session_name(trt), env=env)
    out = proc.stdout + proc.stderr
    # Skipped is not passed: the reason is printed and nothing was run in a container.
    assert f"Session {ngc.ngc_session_name(trt)} skipped: {reason}" in out
    assert proc.returncode == 0
    assert all(argv[:1] != ["run"] for argv in _calls(tmp_path / "log"))


@pytest.mark.skipif(not BLOCKED, reason="every matrix row's Python satisfies requires-python")
def test_nox_ngc_errors_when_image_python_too_old(tmp_path: Path, fake_bin: MakeBin) -> None:
    trt = BLOCKED[0]
    proc = _nox(tmp_path, fake_bin("docker", "nvidia-smi"), ngc.ngc_session_name(trt))
    assert proc.returncode != 0
    assert f"ships Python {ROWS[trt].python}" in proc.stdout + proc.stderr
    assert _run_calls(tmp_path / "log", "docker") == []  # failed before pulling anything
