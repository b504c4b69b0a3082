"""The `ngc` nox session drives docker / podman correctly, and skips when it cannot run.

Fake ``docker``, ``podman`` and ``nvidia-smi`` executables record their argv to a file, so
these tests need neither a GPU nor a container engine. Every matrix row is checked through
ci/ngc.py's helpers; a few rows go through nox end-to-end in a subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
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
ROWS = {row.key: row for row in MATRIX.ngc}
JETSON = {row.jetpack: row for row in MATRIX.jetson}
REQUIRES_PYTHON = ngc.project_requires_python(ROOT)
# Every row with a Python at or above the floor, both families: what the commands cover.
ALL_ROWS = [*MATRIX.ngc, *MATRIX.jetson]
RUNNABLE_ROWS = ngc.runnable(ALL_ROWS, REQUIRES_PYTHON)
ROW_IDS = [f"{'jetson' if r.jetson else 'ngc'}-{r.key}" for r in RUNNABLE_ROWS]

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


def _install_line(script: str) -> list[str]:
    (line,) = [ln for ln in script.splitlines() if "--only-binary" in ln]
    return shlex.split(line)


@pytest.mark.parametrize("row", RUNNABLE_ROWS, ids=ROW_IDS)
def test_docker_command_every_row(row: object, tmp_path: Path) -> None:
    argv = ngc.container_command("/usr/bin/docker", row, tmp_path, ["-x", "-k", "name with space"])
    assert argv[0] == "/usr/bin/docker"
    image_at = argv.index(row.image)  # type: ignore[attr-defined]
    if row.jetson:  # type: ignore[attr-defined]
        # JetPack's docker: the NVIDIA runtime mounts the L4T driver; arm64 images only.
        assert argv[argv.index("--runtime") + 1] == "nvidia"
        assert argv[argv.index("--platform") + 1] == "linux/arm64"
        assert "--gpus" not in argv
        assert argv.index("--runtime") < image_at and argv.index("--platform") < image_at
    else:
        assert argv[argv.index("--gpus") + 1] == "all"
        assert "--runtime" not in argv
        assert "--platform" not in argv
    assert "nvidia.com/gpu=all" not in argv
    script = _check_common(argv, row, tmp_path)
    assert "-m 'not multi_gpu'" in script
    assert script.rstrip().endswith("-x -k 'name with space'")  # posargs, shell-quoted
    assert "/tmp/trtcompat" in script
    assert "--system-site-packages" in script
    # The row's own requirements: the backend extra for its CUDA, its Python's floors.
    install = _install_line(script)
    assert install[:6] == ["$PY", "-m", "pip", "install", "--quiet",
                           "--only-binary=numpy,ml-dtypes"]
    assert install[-len(ngc.install_requirements(row)):] == ngc.install_requirements(row)


@pytest.mark.parametrize("row", RUNNABLE_ROWS, ids=ROW_IDS)
def test_podman_command_every_row(row: object, tmp_path: Path) -> None:
    argv = ngc.container_command("/opt/bin/podman", row, tmp_path)
    assert argv[argv.index("--device") + 1] == "nvidia.com/gpu=all"  # CDI, on Jetson too
    assert "--gpus" not in argv
    assert "--runtime" not in argv
    assert ("--platform" in argv) == row.jetson  # type: ignore[attr-defined]
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
    assert ">= >=" not in problem, problem  # the specifier was once printed after ">= "
    assert problem.endswith(f"with Python >{row.python}"), problem


@pytest.mark.parametrize(
    ("release", "jetpack", "expected"),
    [
        ("# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref", "5.1", None),
        ("# R35 (release), REVISION: 2.1, GCID: 1, BOARD: t186ref", "5.1", None),
        ("# R36 (release), REVISION: 3.0, GCID: 36191598, BOARD: generic", "5.1",
         "host runs L4T R36.3.0; JetPack 5.1 images (L4T R35.4.1) need an L4T R35.x host"),
        ("# R36 (release), REVISION: 4.3, GCID: 1, BOARD: generic", "6.2", None),
        ("garbage", "6.0", "cannot read the L4T release from 'garbage'"),
        (None, "6.0", "not a Jetson: /etc/nv_tegra_release not found"),
    ],
)
def test_jetson_problem(tmp_path: Path, release: str | None, jetpack: str,
                        expected: str | None) -> None:
    path = tmp_path / "nv_tegra_release"
    if release is not None:
        path.write_text(release + "\n")
    env = {ngc.TEGRA_RELEASE_ENV: str(path)}
    assert ngc.jetson_problem(JETSON[jetpack], env) == expected


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


RUNNABLE = [r.key for r in ngc.runnable(MATRIX.ngc, REQUIRES_PYTHON)]


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


def test_every_ngc_row_is_runnable() -> None:
    # The Python floor (3.8) covers every NGC image, TensorRT 8.0 included.
    assert list(ROWS) == RUNNABLE


def test_nox_jetson_below_floor_stops_with_a_message(tmp_path: Path, fake_bin: MakeBin) -> None:
    # JetPack 4.6 ships Python 3.6: an error (not a skip) on any host, before any docker call.
    proc = _nox(tmp_path, fake_bin("docker"), ngc.jetson_session_name("4.6"))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "ships Python 3.6, below trtcompat's floor" in out
    assert _calls(tmp_path / "log") == []


def _tegra(tmp_path: Path, line: str) -> dict[str, str]:
    release = tmp_path / "nv_tegra_release"
    release.write_text(line + "\n")
    return {ngc.TEGRA_RELEASE_ENV: str(release)}


def test_nox_jetson_docker_end_to_end(tmp_path: Path, fake_bin: MakeBin) -> None:
    bindir = fake_bin("docker", "podman")  # no nvidia-smi: JetPack 5 has none
    env = _tegra(tmp_path, "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref")
    proc = _nox(tmp_path, bindir, ngc.jetson_session_name("5.1"), "--", "-x", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (argv,) = _run_calls(tmp_path / "log", "docker")
    full = [str(bindir / "docker"), *argv]
    assert full == ngc.container_command(full[0], JETSON["5.1"], ROOT, ["-x"])
    assert argv[argv.index("--runtime") + 1] == "nvidia"
    assert argv[argv.index("--platform") + 1] == "linux/arm64"
    assert f"{ROOT}:/src:ro" in argv
    assert "'.[test,pycuda]'" in argv[-1]


def test_nox_jetson_skips_on_other_hosts(tmp_path: Path, fake_bin: MakeBin) -> None:
    bindir = fake_bin("docker")
    name = ngc.jetson_session_name("5.1")
    env = _tegra(tmp_path, "# R36 (release), REVISION: 4.3, GCID: 1, BOARD: generic")
    out = _nox(tmp_path, bindir, name, env=env)
    assert f"Session {name} skipped: host runs L4T R36.4.3" in out.stdout + out.stderr
    off = _nox(tmp_path, bindir, name, env={ngc.TEGRA_RELEASE_ENV: str(tmp_path / "none")})
    assert f"Session {name} skipped: not a Jetson" in off.stdout + off.stderr
    assert _run_calls(tmp_path / "log", "docker") == []


# --------------------------------------------------------------------------- real CLIs

#: Where a CLI is pointed instead of a daemon: it parses the whole argv, then fails to connect.
NO_DAEMON = {"docker": ["-H", "unix:///nonexistent/trtcompat-docker.sock"],
             "podman": ["--remote", "--url", "unix:///nonexistent/trtcompat-podman.sock"]}
CONNECT_ERROR = {"docker": "Cannot connect to the Docker daemon",
                 "podman": "unable to connect to Podman"}


def _installed_clis() -> list[str]:
    """Every docker / podman executable on PATH (two docker versions are both checked)."""
    found: dict[str, str] = {}
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        for name in NO_DAEMON:
            exe = Path(folder) / name
            if exe.is_file() and os.access(exe, os.X_OK):
                found.setdefault(str(exe.resolve()), str(exe))
    return sorted(found.values())


CLIS = _installed_clis()


def _without_daemon(argv: list[str]) -> tuple[list[str], str]:
    kind = ngc.engine_kind(argv[0])
    return [argv[0], *NO_DAEMON[kind], *argv[1:]], kind


def _cli_says(argv: list[str]) -> tuple[int, str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    return proc.returncode, proc.stderr + proc.stdout


@pytest.mark.skipif(not CLIS, reason="neither docker nor podman is installed: no CLI to parse "
                                     "the rows' argv (apt-get install docker.io podman)")
@pytest.mark.parametrize("cli", CLIS or ["none"])
@pytest.mark.parametrize("row", RUNNABLE_ROWS, ids=ROW_IDS)
def test_real_cli_accepts_every_rows_argv(cli: str, row: object, tmp_path: Path) -> None:
    # The argv of `nox -s ngc` / `jetson` exactly, with the CLI pointed at no daemon: it must
    # parse every flag and stop only where it would connect.
    argv, kind = _without_daemon(ngc.container_command(cli, row, tmp_path))
    rc, said = _cli_says(argv)
    assert rc != 0
    assert CONNECT_ERROR[kind] in said, said
    assert "unknown flag" not in said and "invalid" not in said.lower(), said


@pytest.mark.skipif(not CLIS, reason="neither docker nor podman is installed")
@pytest.mark.parametrize("cli", CLIS or ["none"])
def test_real_cli_check_rejects_a_bad_argv(cli: str, tmp_path: Path) -> None:
    # The check above can fail: a flag the CLI does not know stops it before connecting.
    good = ngc.container_command(cli, MATRIX.ngc[-1], tmp_path)
    argv, kind = _without_daemon([good[0], good[1], "--no-such-flag", *good[2:]])
    rc, said = _cli_says(argv)
    assert rc != 0
    assert CONNECT_ERROR[kind] not in said, said
    assert "no-such-flag" in said, said


# --------------------------------------------------------------------------- L4T rule


@pytest.mark.parametrize(
    ("image", "host", "ok"),
    [
        ("36.3.0", "36.2.0", True),
        ("36.3.0", "36.3.0", True),
        ("36.3.0", "36.4.0", False),  # jetson-containers: r36.0-36.3 images need a host < r36.4
        ("36.4.0", "36.3.0", False),  # and r36.4+ images an r36.4+ host
        ("36.4.0", "36.4.3", True),
        ("36.4.3", "36.4.0", True),
        ("35.4.1", "35.6.0", True),
        ("35.4.1", "36.4.0", False),
        ("34.1.1", "34.1.0", True),
        ("38.2.0", "38.2.1", True),
        ("38.2.0", "39.0.0", True),
        ("36.4.0", "38.2.0", False),
        ("32.7.1", "32.7.4", True),
        ("32.6.1", "32.7.1", False),
        ("32.6.1", "32.6.1", True),
        ("32.5.0", "32.6.1", False),
    ],
)
def test_l4t_compatible(image: str, host: str, ok: bool) -> None:
    assert ngc.l4t_compatible(image, host) is ok


def test_jetson_problem_follows_the_r36_4_split(tmp_path: Path) -> None:
    path = tmp_path / "nv_tegra_release"
    env = {ngc.TEGRA_RELEASE_ENV: str(path)}
    path.write_text("# R36 (release), REVISION: 4.0, GCID: 1, BOARD: generic\n")
    problem = ngc.jetson_problem(JETSON["6.0"], env)  # an r36.3.0 image on an r36.4 host
    assert problem is not None and "R36.0-R36.3" in problem and "not R36.4+" in problem
    assert ngc.jetson_problem(JETSON["6.2"], env) is None
    path.write_text("# R36 (release), REVISION: 3.0, GCID: 1, BOARD: generic\n")
    assert ngc.jetson_problem(JETSON["6.0"], env) is None
    problem = ngc.jetson_problem(JETSON["6.2"], env)
    assert problem is not None and "R36.4+" in problem
