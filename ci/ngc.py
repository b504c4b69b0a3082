"""The test matrix as data: read ``ci/matrix.toml`` and turn its rows into commands.

noxfile.py, the GitHub workflow, tests/test_matrix.py and the README's support table all
go through this module, so the table lives in one file and every consumer agrees with it.
It uses the standard library plus ``packaging`` (a dependency of both trtcompat and nox),
and never imports trtcompat, so it works before the package is installed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only; pytest and nox both depend on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
MATRIX_PATH = ROOT / "ci" / "matrix.toml"

#: Environment variable that picks the container engine ("docker" or "podman").
ENGINE_ENV = "TRTCOMPAT_CONTAINER_ENGINE"
ENGINES = ("docker", "podman")

#: Where the checkout is mounted (read-only) and where the container copies it to.
SRC_MOUNT = "/src"
WORK_DIR = "/tmp/trtcompat"

#: Markers between which README.md carries the generated support table.
TABLE_START = "<!-- support-table:start -->"
TABLE_END = "<!-- support-table:end -->"
TABLE_HEADER = ("TensorRT", "NGC image", "CUDA", "Python")


@dataclasses.dataclass(frozen=True)
class NgcRow:
    """One supported TensorRT line and the NGC image that ships it."""

    trt: str
    version: str
    image: str
    cuda: str
    python: str
    pip: str
    confirmed: bool
    source: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class RealWheelRow:
    """A lean / dispatch runtime wheel that installs from PyPI and imports on CPU."""

    id: str
    requirement: str
    module: str
    version: str


@dataclasses.dataclass(frozen=True)
class Matrix:
    """Both tables of ci/matrix.toml, in file order."""

    ngc: tuple[NgcRow, ...]
    real_wheel: tuple[RealWheelRow, ...]


def _rows(raw: Mapping[str, Any], key: str, cls: type[Any]) -> tuple[Any, ...]:
    fields = {f.name for f in dataclasses.fields(cls)}
    rows = []
    for i, table in enumerate(raw.get(key, [])):
        unknown = set(table) - fields
        if unknown:
            # A typo such as `cofirmed = true` must not silently fall back to a default.
            raise ValueError(f"[[{key}]] row {i}: unknown keys {sorted(unknown)}")
        rows.append(cls(**table))
    return tuple(rows)


def load_matrix(path: Path | str = MATRIX_PATH) -> Matrix:
    """Parse ``matrix.toml``; raises ``ValueError`` on unknown or missing keys."""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    try:
        return Matrix(
            ngc=_rows(raw, "ngc", NgcRow),
            real_wheel=_rows(raw, "real_wheel", RealWheelRow),
        )
    except TypeError as exc:  # missing required key
        raise ValueError(f"{path}: {exc}") from None


def ngc_ids(matrix: Matrix | None = None) -> list[str]:
    """The TensorRT lines, in table order: the ids of the ``ngc`` nox session."""
    return [row.trt for row in (matrix or load_matrix()).ngc]


def ngc_row(trt: str, matrix: Matrix | None = None) -> NgcRow:
    """The row for one TensorRT line; ``KeyError`` names the valid lines."""
    matrix = matrix or load_matrix()
    for row in matrix.ngc:
        if row.trt == trt:
            return row
    raise KeyError(f"no TensorRT line {trt!r} in ci/matrix.toml; valid: {ngc_ids(matrix)}")


def real_wheel_row(row_id: str, matrix: Matrix | None = None) -> RealWheelRow:
    """The ``[[real_wheel]]`` row with this id."""
    matrix = matrix or load_matrix()
    for row in matrix.real_wheel:
        if row.id == row_id:
            return row
    valid = [r.id for r in matrix.real_wheel]
    raise KeyError(f"no real_wheel {row_id!r} in ci/matrix.toml; valid: {valid}")


def ngc_session_name(trt: str) -> str:
    """The name nox gives the parametrized session, as passed to ``nox -s``."""
    # nox formats un-id'd parameters as name=repr(value): ngc(trt='8.6').
    return f"ngc(trt={trt!r})"


def github_matrix_json(matrix: Matrix | None = None) -> str:
    """The JSON list the GitHub workflow's first job prints to ``$GITHUB_OUTPUT``."""
    return json.dumps(ngc_ids(matrix), separators=(",", ":"))


# --------------------------------------------------------------------------- README table


def render_support_table(matrix: Matrix | None = None) -> str:
    """The markdown support table the README carries between the support-table markers."""
    rows = [TABLE_HEADER, *((r.trt, f"`{r.image}`", r.cuda, r.python) for r in
                            (matrix or load_matrix()).ngc)]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("---" for _ in TABLE_HEADER) + "|")
    return "\n".join(lines) + "\n"


def extract_support_table(readme_text: str) -> str:
    """The text between the README markers (stripped, plus one newline)."""
    try:
        start = readme_text.index(TABLE_START) + len(TABLE_START)
        end = readme_text.index(TABLE_END, start)
    except ValueError:
        raise ValueError(f"README has no {TABLE_START} ... {TABLE_END} block") from None
    return readme_text[start:end].strip() + "\n"


# --------------------------------------------------------------------------- host checks


def find_engine(env: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """The container engine to use, as ``(path, reason)``; path None means none usable.

    ``TRTCOMPAT_CONTAINER_ENGINE`` picks one explicitly (and then it must be on PATH);
    otherwise docker is preferred over podman.
    """
    env = os.environ if env is None else env
    path = env.get("PATH", os.defpath)
    wanted = env.get(ENGINE_ENV, "").strip()
    if wanted:
        if wanted not in ENGINES:
            return None, f"{ENGINE_ENV}={wanted!r} is not one of {', '.join(ENGINES)}"
        found = shutil.which(wanted, path=path)
        if found is None:
            return None, f"{ENGINE_ENV}={wanted} but {wanted} is not on PATH"
        return found, f"{wanted} (from {ENGINE_ENV})"
    for name in ENGINES:
        found = shutil.which(name, path=path)
        if found is not None:
            return found, name
    return None, "no container engine: neither docker nor podman is on PATH"


def engine_kind(engine_path: str) -> str:
    """``"docker"`` or ``"podman"`` from the executable's name."""
    name = Path(engine_path).name
    return "podman" if name.startswith("podman") else "docker"


def _run_quiet(argv: Sequence[str], env: Mapping[str, str] | None, timeout: float) -> str | None:
    """Run argv; None on success, else a one-line reason."""
    try:
        proc = subprocess.run(
            list(argv), env=None if env is None else dict(env), capture_output=True,
            text=True, timeout=timeout, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`{shlex.join(argv)}` failed: {exc}"
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        tail = f": {detail[-1]}" if detail else ""
        return f"`{shlex.join(argv)}` exited with {proc.returncode}{tail}"
    return None


def gpu_problem(env: Mapping[str, str] | None = None, timeout: float = 30) -> str | None:
    """None when ``nvidia-smi -L`` lists a GPU on this host, else why not."""
    env = os.environ if env is None else env
    smi = shutil.which("nvidia-smi", path=env.get("PATH", os.defpath))
    if smi is None:
        return "no GPU: nvidia-smi is not on PATH"
    problem = _run_quiet([smi, "-L"], env, timeout)
    return None if problem is None else f"no GPU: {problem}"


def engine_problem(engine_path: str, env: Mapping[str, str] | None = None,
                   timeout: float = 30) -> str | None:
    """None when the engine answers ``info`` (a docker CLI without a daemon does not)."""
    problem = _run_quiet([engine_path, "info"], env, timeout)
    return None if problem is None else f"container engine not usable: {problem}"


def project_requires_python(root: Path = ROOT) -> str:
    """``[project] requires-python`` from pyproject.toml."""
    with open(root / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["requires-python"])


def python_problem(row: NgcRow, requires_python: str) -> str | None:
    """None when the image's Python satisfies the project's ``requires-python``."""
    if Version(row.python) in SpecifierSet(requires_python):
        return None
    return (
        f"{row.image} ships Python {row.python}, but pyproject.toml requires-python is "
        f"{requires_python!r}: trtcompat cannot be installed in this image. Lower "
        f"requires-python (and dependency floors) or drop TensorRT {row.trt} from "
        f"ci/matrix.toml"
    )


# --------------------------------------------------------------------------- commands


def inner_script(pytest_args: Sequence[str] = ()) -> str:
    """The shell script run inside the container.

    The checkout is mounted read-only, so it is copied (without VCS and nox state) to a
    writable directory first: pip builds in-tree and pytest writes caches. The venv uses
    --system-site-packages because the image installs TensorRT system-wide; images
    without python3-venv fall back to installing into the throw-away container itself.
    """
    args = shlex.join(["-m", "not multi_gpu", "-p", "no:cacheprovider", *pytest_args])
    return "\n".join([
        "set -eu",
        f"mkdir -p {WORK_DIR}",
        f"tar -C {SRC_MOUNT} --exclude=./.git --exclude=./.nox --exclude=./.venv -cf - . "
        f"| tar -C {WORK_DIR} -xf -",
        f"cd {WORK_DIR}",
        "if python3 -m venv --system-site-packages /tmp/venv >/dev/null 2>&1; then",
        "  PY=/tmp/venv/bin/python",
        "else",
        "  PY=python3; export PIP_BREAK_SYSTEM_PACKAGES=1",
        "fi",
        # [cuda]: cuda-python, so at least one device backend exists for tests/real_trt.
        '"$PY" -m pip install --quiet ".[test,cuda]"',
        '"$PY" -c "import tensorrt; print(\'TensorRT\', tensorrt.__version__)"',
        f'exec "$PY" -m pytest tests {args}',
    ])


def container_env(row: NgcRow) -> dict[str, str]:
    """Environment passed into the container: the expected version and pip quietening.

    Nothing is forwarded from the host environment (index URLs can carry credentials).
    """
    return {
        "TRTCOMPAT_EXPECT_TRT_VERSION": row.version,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_ROOT_USER_ACTION": "ignore",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def container_command(engine_path: str, row: NgcRow, checkout: Path | str,
                      pytest_args: Sequence[str] = ()) -> list[str]:
    """The full ``docker run`` / ``podman run`` argv for one matrix row."""
    kind = engine_kind(engine_path)
    if kind == "docker":
        gpu = ["--gpus", "all"]  # needs nvidia-container-toolkit
    else:
        # CDI (nvidia-ctk cdi generate); label=disable lets SELinux hosts open the device.
        gpu = ["--device", "nvidia.com/gpu=all", "--security-opt=label=disable"]
    argv = [engine_path, "run", "--rm", *gpu,
            "-v", f"{Path(checkout).resolve()}:{SRC_MOUNT}:ro", "-w", "/tmp"]
    for key, value in container_env(row).items():
        argv += ["-e", f"{key}={value}"]
    argv += [row.image, "bash", "-c", inner_script(pytest_args)]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """``python ci/ngc.py github-matrix|support-table|ids``: print derived data."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "github-matrix": github_matrix_json,
        "support-table": render_support_table,
        "ids": lambda: "\n".join(ngc_ids()),
    }
    if len(args) != 1 or args[0] not in commands:
        print(f"usage: python ci/ngc.py {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    print(commands[args[0]]().rstrip("\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
