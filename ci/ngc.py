"""The test matrix as data: read ``ci/matrix.toml`` and turn its rows into commands.

Two container families: ``[[ngc]]`` (x86-64 NGC TensorRT images, ``docker run --gpus``)
and ``[[jetson]]`` (arm64 L4T images on a Jetson, ``docker run --runtime nvidia``).

noxfile.py, the GitHub workflow, tests/test_matrix.py and the README's support table all
go through this module, so the table lives in one file and every consumer agrees with it.
It uses the standard library plus ``packaging`` (a dependency of both trtcompat and nox),
and never imports trtcompat, so it works before the package is installed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from packaging.specifiers import SpecifierSet
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only; pytest and nox both depend on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the tests load this file by path; ci.deps sits beside it
    sys.path.insert(0, str(ROOT))

from ci.deps import core_requirements  # noqa: E402

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
JETSON_TABLE_START = "<!-- jetson-table:start -->"
JETSON_TABLE_END = "<!-- jetson-table:end -->"
JETSON_TABLE_HEADER = ("JetPack", "L4T", "TensorRT", "image", "CUDA", "Python")

#: Environment variable naming the host's L4T release file (tests point it at a fake).
TEGRA_RELEASE_ENV = "TRTCOMPAT_NV_TEGRA_RELEASE"
TEGRA_RELEASE_FILE = "/etc/nv_tegra_release"
JETSON_PLATFORM = "linux/arm64"


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
    id: str = ""  # the nox parameter where one line has two rows (8.6 on Python 3.8 and 3.10)
    bindings: str = ""  # PyPI pin of NVIDIA's bindings the rehearsal imports ("" = the fake)

    @property
    def key(self) -> str:
        """The nox parameter and GitHub job id: ``id``, else the TensorRT line."""
        return self.id or self.trt

    @property
    def jetson(self) -> bool:
        """False: an x86-64 NGC image."""
        return False


@dataclasses.dataclass(frozen=True)
class JetsonRow:
    """One JetPack line and the L4T image with its TensorRT, for arm64 Jetson hosts."""

    jetpack: str
    l4t: str
    trt: str
    version: str
    image: str
    cuda: str
    python: str
    confirmed: bool
    source: str
    note: str = ""
    backend: str = ""  # the extra installing the device backend; default cuda<CUDA major>
    bindings: str = ""  # PyPI pin of NVIDIA's (x86-64) bindings the rehearsal imports

    @property
    def key(self) -> str:
        """The nox parameter: the JetPack line."""
        return self.jetpack

    @property
    def jetson(self) -> bool:
        """True: run with the NVIDIA container runtime on an arm64 Jetson."""
        return True


Row = Union[NgcRow, JetsonRow]


@dataclasses.dataclass(frozen=True)
class RealWheelRow:
    """A lean / dispatch runtime wheel that installs from PyPI and imports on CPU."""

    id: str
    requirement: str
    module: str
    version: str


@dataclasses.dataclass(frozen=True)
class OracleRow:
    """A full TensorRT bindings wheel (``tensorrt_bindings``) imported on CPU over stub libraries.

    ``release`` is the module's ``__version__``; ``requirement`` the pip pin that installs it
    (with ``--no-deps``: the ``-libs`` it depends on come only from NVIDIA's index);
    ``python`` one of the Pythons the wheel has a build for.
    """

    release: str
    requirement: str
    python: str
    note: str = ""

    @property
    def id(self) -> str:
        """The nox parameter: the release."""
        return self.release


@dataclasses.dataclass(frozen=True)
class Matrix:
    """The tables of ci/matrix.toml, in file order."""

    ngc: tuple[NgcRow, ...]
    real_wheel: tuple[RealWheelRow, ...]
    jetson: tuple[JetsonRow, ...] = ()
    oracle: tuple[OracleRow, ...] = ()


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
            jetson=_rows(raw, "jetson", JetsonRow),
            oracle=_rows(raw, "oracle", OracleRow),
        )
    except TypeError as exc:  # missing required key
        raise ValueError(f"{path}: {exc}") from None


def _find(rows: Sequence[Any], key_of: Callable[[Any], str], value: str, what: str) -> Any:
    """The row whose key is ``value``; ``KeyError`` names ``what`` and the valid keys."""
    for row in rows:
        if key_of(row) == value:
            return row
    raise KeyError(f"no {what} {value!r} in ci/matrix.toml; valid: {[key_of(r) for r in rows]}")


def ngc_ids(matrix: Matrix | None = None) -> list[str]:
    """The row keys (TensorRT lines), in table order: the ids of the ``ngc`` nox session."""
    return [row.key for row in (matrix or load_matrix()).ngc]


def ngc_row(trt: str, matrix: Matrix | None = None) -> NgcRow:
    """The row with this key; ``KeyError`` names the valid keys."""
    row: NgcRow = _find((matrix or load_matrix()).ngc, lambda r: r.key, trt, "TensorRT line")
    return row


def jetson_ids(matrix: Matrix | None = None) -> list[str]:
    """The JetPack lines, in table order: the ids of the ``jetson`` nox session."""
    return [row.key for row in (matrix or load_matrix()).jetson]


def jetson_row(jetpack: str, matrix: Matrix | None = None) -> JetsonRow:
    """The ``[[jetson]]`` row of one JetPack line; ``KeyError`` names the valid lines."""
    row: JetsonRow = _find((matrix or load_matrix()).jetson, lambda r: r.key, jetpack,
                           "JetPack line")
    return row


def real_wheel_row(row_id: str, matrix: Matrix | None = None) -> RealWheelRow:
    """The ``[[real_wheel]]`` row with this id."""
    row: RealWheelRow = _find((matrix or load_matrix()).real_wheel, lambda r: r.id, row_id,
                              "real_wheel")
    return row


def oracle_row(release: str, matrix: Matrix | None = None) -> OracleRow:
    """The ``[[oracle]]`` row of one TensorRT release; ``KeyError`` names the valid ones."""
    row: OracleRow = _find((matrix or load_matrix()).oracle, lambda r: r.release, release,
                           "oracle release")
    return row


def ngc_session_name(trt: str) -> str:
    """The name nox gives the parametrized session, as passed to ``nox -s``."""
    # nox formats un-id'd parameters as name=repr(value): ngc(trt='8.6').
    return f"ngc(trt={trt!r})"


def jetson_session_name(jetpack: str) -> str:
    """``jetson(jetpack='5.1')``, as passed to ``nox -s``."""
    return f"jetson(jetpack={jetpack!r})"


def runnable(rows: Sequence[Row], requires_python: str) -> list[Row]:
    """The rows whose image Python can install trtcompat (the others stop with a message)."""
    return [row for row in rows if python_problem(row, requires_python) is None]


def github_matrix_json(matrix: Matrix | None = None, family: str = "ngc") -> str:
    """The JSON list of row keys a GitHub job runs (``ngc`` or ``jetson``).

    Rows below the Python floor are left out: their session only reports that.
    """
    matrix = matrix or load_matrix()
    rows: Sequence[Row] = matrix.jetson if family == "jetson" else matrix.ngc
    keys = [row.key for row in runnable(rows, project_requires_python())]
    return json.dumps(keys, separators=(",", ":"))


# --------------------------------------------------------------------------- README table


def _markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(row) + " |" for row in [header, *rows]]
    lines.insert(1, "|" + "|".join("---" for _ in header) + "|")
    return "\n".join(lines) + "\n"


def render_support_table(matrix: Matrix | None = None) -> str:
    """The markdown NGC table README.md and docs/MATRIX.md carry between the markers."""
    return _markdown(TABLE_HEADER, [(r.version, f"`{r.image}`", r.cuda, r.python)
                                    for r in (matrix or load_matrix()).ngc])


def render_jetson_table(matrix: Matrix | None = None) -> str:
    """The markdown Jetson table README.md and docs/MATRIX.md carry between the markers."""
    return _markdown(JETSON_TABLE_HEADER, [
        (r.jetpack, r.l4t, r.version, f"`{r.image}`", r.cuda, r.python)
        for r in (matrix or load_matrix()).jetson])


def extract_support_table(readme_text: str, start_marker: str = TABLE_START,
                          end_marker: str = TABLE_END) -> str:
    """The text between two markers (stripped, plus one newline)."""
    try:
        start = readme_text.index(start_marker) + len(start_marker)
        end = readme_text.index(end_marker, start)
    except ValueError:
        raise ValueError(f"no {start_marker} ... {end_marker} block") from None
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


def read_tegra_release(env: Mapping[str, str] | None = None) -> str | None:
    """The host's L4T release line (``# R35 (release), REVISION: 4.1, ...``); None off Jetson."""
    env = os.environ if env is None else env
    path = env.get(TEGRA_RELEASE_ENV) or TEGRA_RELEASE_FILE
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.readline()
    except OSError:
        return None


def host_l4t(release_line: str) -> str | None:
    """``"35.4.1"`` from ``# R35 (release), REVISION: 4.1, ...``; None when unparsable."""
    match = re.match(r"#\s*R(\d+)\s*\(release\),\s*REVISION:\s*([\d.]+)", release_line)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def l4t_compatible(image_l4t: str, host: str) -> bool:
    """Whether a host on L4T ``host`` runs an image built for L4T ``image_l4t``.

    jetson-containers' rule (``jetson_containers/l4t_version.py``,
    ``l4t_version_compatible``): JetPack 6 images of r36.0-36.3 run only on hosts below
    r36.4, and r36.4+ images only on r36.4+ hosts (36.4 moved the driver's user-space
    interface); JetPack 5 (R35), 5.0 (R34) and 7 (R38 and later) run any image of their own
    line; 4.6.1+ (R32.7+) any R32.7+ image; anything else needs the exact release.
    """
    img, hst = Version(image_l4t), Version(host)
    if hst.major >= 38:
        return img.major >= 38
    if hst.major == 36:
        return img.major == 36 and (img.minor >= 4) == (hst.minor >= 4)
    if hst.major in (34, 35):
        return img.major == hst.major
    if hst >= Version("32.7"):
        return img.major == 32 and img >= Version("32.7")
    return img.release == hst.release


def l4t_hosts(image_l4t: str) -> str:
    """The hosts an image of L4T ``image_l4t`` runs on, in words (for messages)."""
    img = Version(image_l4t)
    if img.major >= 38:
        return "an L4T R38+ host (JetPack 7)"
    if img.major == 36:
        return ("an L4T R36.4+ host (JetPack 6.1+)" if img.minor >= 4
                else "an L4T R36.0-R36.3 host (JetPack 6.0); not R36.4+")
    if img.major in (34, 35):
        return f"an L4T R{img.major}.x host"
    if img >= Version("32.7"):
        return "an L4T R32.7+ host (JetPack 4.6.1+)"
    return f"an L4T R{image_l4t} host exactly"


def jetson_problem(row: JetsonRow, env: Mapping[str, str] | None = None) -> str | None:
    """None when this host is a Jetson whose L4T release runs the row's image.

    The container borrows the host's driver, so the image's L4T must be one the host's
    supports: :func:`l4t_compatible` (an R36.3 image does not run on an R36.4 host).
    """
    line = read_tegra_release(env)
    if line is None:
        return f"not a Jetson: {TEGRA_RELEASE_FILE} not found"
    l4t = host_l4t(line)
    if l4t is None:
        return f"cannot read the L4T release from {line.strip()!r}"
    if not l4t_compatible(row.l4t, l4t):
        return (f"host runs L4T R{l4t}; JetPack {row.jetpack} images "
                f"(L4T R{row.l4t}) need {l4t_hosts(row.l4t)}")
    return None


def project_requires_python(root: Path = ROOT) -> str:
    """``[project] requires-python`` from pyproject.toml."""
    with open(root / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["requires-python"])


def python_problem(row: Row, requires_python: str) -> str | None:
    """None when the image's Python satisfies the project's ``requires-python``."""
    if Version(row.python) in SpecifierSet(requires_python):
        return None
    what = f"JetPack {row.jetpack}" if isinstance(row, JetsonRow) else f"TensorRT {row.trt}"
    return (
        f"{row.image} ({what}) ships Python {row.python}, below trtcompat's floor "
        f"(requires-python {requires_python!r}): trtcompat cannot be installed there. "
        f"Move that fleet to a newer line or run trtcompat from a layer in the image with "
        f"Python {SpecifierSet(requires_python)}"
    )


# --------------------------------------------------------------------------- requirements


def backend_extra(row: Row) -> str:
    """The trtcompat extra installing a device backend the image can load.

    cuda-python's cudart must match the image's CUDA major (``cuda11``/``cuda12``/
    ``cuda13``); a Jetson row may name another (``pycuda`` builds against the image's CUDA).
    """
    if isinstance(row, JetsonRow) and row.backend:
        return row.backend
    return f"cuda{Version(row.cuda).major}"


def install_requirements(row: Row, root: Path = ROOT) -> list[str]:
    """What ``pip install`` gets inside the image: the project with its test and backend
    extras, plus the core requirements that hold on the image's Python (numpy, ml_dtypes,
    packaging with the floors pyproject.toml gives that Python)."""
    reqs = [str(r) for r in core_requirements(row.python, root)]
    return [f".[test,{backend_extra(row)}]", *reqs]


# --------------------------------------------------------------------------- commands


def inner_script(pytest_args: Sequence[str] = (),
                 requirements: Sequence[str] = (".[test,cuda12]",)) -> str:
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
        # Old images ship pip 20: upgrade it so wheels with current metadata install.
        '"$PY" -m pip install --quiet --upgrade pip',
        # A backend extra matching the image's CUDA, so tests/real_trt has a device backend;
        # numpy and ml_dtypes from wheels only (no compiler in the runtime images).
        f'"$PY" -m pip install --quiet --only-binary=numpy,ml-dtypes '
        f'{shlex.join(requirements)}',
        '"$PY" -c "import tensorrt; print(\'TensorRT\', tensorrt.__version__)"',
        f'exec "$PY" -m pytest tests {args}',
    ])


def container_env(row: Row) -> dict[str, str]:
    """Environment passed into the container: the expected version and pip quietening.

    Nothing is forwarded from the host environment (index URLs can carry credentials).
    """
    return {
        "TRTCOMPAT_EXPECT_TRT_VERSION": row.version,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_ROOT_USER_ACTION": "ignore",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def container_command(engine_path: str, row: Row, checkout: Path | str,
                      pytest_args: Sequence[str] = ()) -> list[str]:
    """The full ``docker run`` / ``podman run`` argv for one matrix row."""
    kind = engine_kind(engine_path)
    if kind == "podman":
        # CDI (nvidia-ctk cdi generate, on Jetson too); label=disable lets SELinux hosts
        # open the device.
        gpu = ["--device", "nvidia.com/gpu=all", "--security-opt=label=disable"]
    elif row.jetson:
        # JetPack's docker has the NVIDIA runtime, which mounts the L4T driver (CSV mode);
        # `--gpus` is not supported on JetPack 5.
        gpu = ["--runtime", "nvidia"]
    else:
        gpu = ["--gpus", "all"]  # needs nvidia-container-toolkit
    platform = ["--platform", JETSON_PLATFORM] if row.jetson else []
    argv = [engine_path, "run", "--rm", *gpu, *platform,
            "-v", f"{Path(checkout).resolve()}:{SRC_MOUNT}:ro", "-w", "/tmp"]
    for key, value in container_env(row).items():
        argv += ["-e", f"{key}={value}"]
    script = inner_script(pytest_args, install_requirements(row))
    argv += [row.image, "bash", "-c", script]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """``python ci/ngc.py github-matrix|support-table|ids``: print derived data."""
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "github-matrix": github_matrix_json,
        "github-jetson-matrix": lambda: github_matrix_json(family="jetson"),
        "support-table": render_support_table,
        "jetson-table": render_jetson_table,
        "ids": lambda: "\n".join(ngc_ids()),
        "jetson-ids": lambda: "\n".join(jetson_ids()),
    }
    if len(args) != 1 or args[0] not in commands:
        print(f"usage: python ci/ngc.py {{{'|'.join(commands)}}}", file=sys.stderr)
        return 2
    print(commands[args[0]]().rstrip("\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
