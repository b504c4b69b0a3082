"""Rehearse a matrix row on this machine: the row's own container script, without the image.

``nox -s "rehearse(ngc-10.16)"`` runs the script ``ci/ngc.py inner_script`` generates for
that row (the one ``docker run`` hands the NGC / L4T image) on a CPU-only Linux host:

* a private mount namespace (``unshare --mount``, which needs root) binds the checkout
  read-only at ``/src`` and a fresh per-run directory over ``/tmp``, so the script's
  ``/tmp/trtcompat`` and ``/tmp/venv`` are private to the run (parallel and repeated runs
  do not collide) and vanish with it;
* the row's Python (pyenv's ``versions/X.Y.Z/bin``, else ``pythonX.Y`` from PATH) comes first
  on PATH as ``python3``;
* ``import tensorrt`` answers with NVIDIA's real bindings of the row's release where PyPI has
  the wheel (the row's ``bindings`` pin; the stub libraries of ``ci/trt_stubs.py`` stand in
  for ``libnvinfer``), else with trtcompat's fake of that release (8.0 - 8.5);
* ``TRTCOMPAT_REHEARSAL=1`` tells ``tests/real_trt`` to check what needs no GPU (the module
  against the row, its surface) and to skip what needs one, with that reason.

What the image itself brings (its TensorRT build, CUDA, driver, arm64 for Jetson rows) is
not rehearsed: docs/MATRIX.md says what each run proves. Standard library plus
``packaging``; never imports trtcompat.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only; pytest and nox both depend on tomli there
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the tests load this file by path; ci.* sits beside it
    sys.path.insert(0, str(ROOT))

from ci import pythons  # noqa: E402
from ci.ngc import (  # noqa: E402
    MATRIX_PATH,
    SRC_MOUNT,
    JetsonRow,
    Matrix,
    Row,
    backend_extra,
    container_env,
    inner_script,
    install_requirements,
    load_matrix,
)

#: Set to "1" in a rehearsal; tests/real_trt then skips what needs a GPU, with that reason.
REHEARSAL_ENV = "TRTCOMPAT_REHEARSAL"
#: "real" (NVIDIA's bindings over stub libraries) or "fake" (trtcompat.testing).
MODULE_ENV = "TRTCOMPAT_REHEARSAL_MODULE"
#: real: the bindings' version (their ``__version__``); fake: the release line asked for.
STAND_IN_ENV = "TRTCOMPAT_REHEARSAL_TRT"
#: Where the per-run directory appears inside the namespace (the script's own /tmp).
RUN_MOUNT = "/tmp"
#: Under the per-run directory: the bindings, the stub libraries, the fake's shim.
REHEARSAL_DIR = "rehearsal"

#: Host variables a rehearsal keeps: how to reach the package index (the machine's pip
#: configuration, proxies, CA bundles) and the basics of a shell. A container gets none of
#: the host's; everything else is left out so the host cannot leak into the run.
_KEPT_PREFIXES = ("PIP_", "SSL_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
_KEPT_NAMES = ("HOME", "LANG", "LC_ALL", "TERM", "USER", "http_proxy", "https_proxy",
               "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "PIP_CACHE_DIR")

#: The shim that makes ``import tensorrt`` trtcompat's fake of the row's release. It runs
#: inside the script's venv (where the script installed trtcompat) and keeps no state.
FAKE_SHIM = '''\
"""Written by ci/rehearse.py: ``import tensorrt`` is trtcompat's fake of the row's release.

TRTCOMPAT_REHEARSAL_TRT names the release ("8.5"). Where this trtcompat has no fake of
exactly that release, the newest coarse era not newer than it stands in (the oldest when
all are newer); tests/real_trt/test_version.py says so in its skip reason.
"""
import os
import sys

from packaging.version import Version
from trtcompat.testing import ERAS, era_info, make_module


def _key(release):
    try:
        return era_info(release).key
    except ValueError:
        older = [e for e in ERAS if Version(e) <= Version(release)]
        return max(older, key=Version) if older else min(ERAS, key=Version)


_fake = make_module(_key(os.environ["TRTCOMPAT_REHEARSAL_TRT"]), __name__)
# An installed module has a spec; importlib.util.find_spec("tensorrt") reads it.
_fake.__spec__ = __spec__
sys.modules[__name__] = _fake
'''


@dataclasses.dataclass(frozen=True)
class StandIn:
    """What answers ``import tensorrt`` in a row's rehearsal."""

    kind: str  # "real" or "fake"
    requirement: str  # the bindings' pip pin ("" for a fake)
    version: str  # real: the bindings' version; fake: the row's release line

    def describe(self) -> str:
        """One line for the session log."""
        if self.kind == "real":
            return (f"NVIDIA's real tensorrt {self.version} ({self.requirement}, the full "
                    f"bindings over stub libraries)")
        return (f"trtcompat's fake of TensorRT {self.version} (PyPI has no bindings wheel "
                f"of {self.version})")


def row_ids(matrix: Matrix | None = None) -> list[str]:
    """``ngc-<key>`` and ``jetson-<key>`` for every row, in file order: the session's ids."""
    matrix = matrix or load_matrix()
    return ([f"ngc-{row.key}" for row in matrix.ngc]
            + [f"jetson-{row.key}" for row in matrix.jetson])


def matrix_row(row_id: str, matrix: Matrix | None = None) -> Row:
    """The row of a rehearsal id (``ngc-8.6-py3.8``, ``jetson-5.1``); KeyError names the ids."""
    matrix = matrix or load_matrix()
    family, _, key = row_id.partition("-")
    rows: Sequence[Row] = matrix.ngc if family == "ngc" else (
        matrix.jetson if family == "jetson" else ())
    for row in rows:
        if row.key == key:
            return row
    raise KeyError(f"no matrix row {row_id!r}; valid: {row_ids(matrix)}")


@dataclasses.dataclass(frozen=True)
class Plan:
    """``[rehearsal]`` of ci/matrix.toml: which rows run the whole suite in ``nox -t cpu``."""

    full_suite: tuple[str, ...]
    quick_pytest_args: tuple[str, ...]
    why: str = ""

    def pytest_args(self, row_id: str) -> list[str]:
        """What the row's script hands pytest after ``tests``: nothing for a full row."""
        return [] if row_id in self.full_suite else list(self.quick_pytest_args)


def load_plan(path: Path | str = MATRIX_PATH) -> Plan:
    """Read ``[rehearsal]``; ValueError on unknown keys, like the row tables."""
    with open(path, "rb") as f:
        table = dict(tomllib.load(f).get("rehearsal", {}))
    fields = {f.name for f in dataclasses.fields(Plan)}
    unknown = set(table) - fields
    if unknown:
        raise ValueError(f"[rehearsal]: unknown keys {sorted(unknown)}")
    return Plan(full_suite=tuple(table.get("full_suite", ())),
                quick_pytest_args=tuple(table.get("quick_pytest_args", ())),
                why=str(table.get("why", "")))


def pinned_version(requirement: str) -> str:
    """``10.16.0.72`` from ``tensorrt-cu13-bindings==10.16.0.72``; ValueError unless one ``==``."""
    specs = list(Requirement(requirement).specifier)
    if len(specs) != 1 or specs[0].operator != "==" or "*" in specs[0].version:
        raise ValueError(f"{requirement!r} does not pin one version with '=='")
    return specs[0].version


def stand_in(row: Row) -> StandIn:
    """The real bindings of the row's ``bindings`` pin, else the fake of its release line."""
    if row.bindings:
        return StandIn("real", row.bindings, pinned_version(row.bindings))
    return StandIn("fake", "", row.trt)


def version_matches(installed: str, expected: str) -> bool:
    """``expected`` is the full version or a dotted prefix of it (11.4 matches 11.4.0.106)."""
    return installed == expected or installed.startswith(expected + ".")


def version_gap(row: Row, stand: StandIn) -> str | None:
    """Why the rehearsed module is not the image's build, or None when it is.

    A row may name a build PyPI does not have (8.6.3 is container-only); the row keeps the
    image's value and the rehearsal says what it imported instead.
    """
    if stand.kind == "fake":
        return (f"row {row.key}: the image ships TensorRT {row.version}; the rehearsal imports "
                f"trtcompat's fake of {row.trt}, not NVIDIA's module (no wheel on PyPI)")
    if version_matches(stand.version, row.version):
        return None
    return (f"row {row.key}: the image ships TensorRT {row.version}, which PyPI's bindings do "
            f"not name; the rehearsal imports {stand.version} ({stand.requirement}) instead, "
            f"and the image's own build is checked only on the GPU host")


def architecture_note(row: Row) -> str:
    """Which architecture the row is rehearsed on, against the one its image targets."""
    machine = os.uname().machine
    if isinstance(row, JetsonRow):
        return (f"JetPack {row.jetpack} runs arm64 (L4T R{row.l4t}); this rehearsal runs its "
                f"Python {row.python} and requirements on {machine}, with the {machine} wheels")
    return f"{row.image} is x86-64; rehearsed on {machine}"


# --------------------------------------------------------------------------- host checks


def host_problem(env: Mapping[str, str] | None = None, timeout: float = 30) -> str | None:
    """Why this host cannot rehearse (no Linux, no root, no ``unshare``), or None."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return f"a rehearsal needs Linux mount namespaces; this is {sys.platform}"
    if os.geteuid() != 0:
        return ("a rehearsal needs root for its mount namespace (unshare --mount binds the "
                f"checkout at {SRC_MOUNT}); run as root, or run the row with `nox -s ngc` on a "
                "GPU host")
    unshare = shutil.which("unshare", path=env.get("PATH", os.defpath))
    if unshare is None:
        return "a rehearsal needs `unshare` (util-linux): apt-get install util-linux"
    try:
        Path(SRC_MOUNT).mkdir(exist_ok=True)  # the empty mount point; the bind is private
    except OSError as exc:
        return f"cannot create the mount point {SRC_MOUNT}: {exc}"
    try:
        proc = subprocess.run([unshare, "--mount", "--propagation", "private", "true"],
                              capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`unshare --mount` failed: {exc}"
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        return "`unshare --mount` is refused here" + (f": {detail[-1]}" if detail else "")
    return None


def python_bin_dir(row: Row, env: Mapping[str, str] | None = None) -> Path | None:
    """The directory whose ``python3`` is the row's Python: pyenv's newest patch of X.Y.

    None when pyenv has no such version; :func:`link_python` then links ``pythonX.Y`` from
    PATH instead.
    """
    env = os.environ if env is None else env
    root = pythons.pyenv_root(env)
    if root is None:
        return None
    patch = pythons.installed_versions(root).get(row.python)
    return None if patch is None else root / "versions" / patch / "bin"


def link_python(row: Row, bin_dir: Path, env: Mapping[str, str] | None = None) -> Path | None:
    """``bin_dir/python3`` linked to ``pythonX.Y`` from PATH; None when there is none."""
    env = os.environ if env is None else env
    found = shutil.which(f"python{row.python}", path=env.get("PATH", os.defpath))
    if found is None:
        return None
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / "python3").symlink_to(found)
    return bin_dir


# --------------------------------------------------------------------------- the run


def inside(run_dir: Path, path: Path) -> str:
    """Where ``path`` (under ``run_dir``) appears in the namespace, where run_dir is /tmp."""
    return str(Path(RUN_MOUNT) / path.relative_to(run_dir))


def write_fake_shim(run_dir: Path) -> Path:
    """Write the ``tensorrt.py`` shim under the run directory; return its directory."""
    fake = run_dir / REHEARSAL_DIR / "fake"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "tensorrt.py").write_text(FAKE_SHIM)
    return fake


def bindings_install_command(python: Path, stand: StandIn, target: Path) -> list[str]:
    """``python -m pip install`` of the bindings wheel alone (its -libs are NVIDIA-index-only)."""
    return [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary=:all:",
            "--target", str(target), stand.requirement]


def bindings_package(site: Path) -> Path:
    """The installed bindings package under ``site`` (``tensorrt_bindings``)."""
    package = site / "tensorrt_bindings"
    if not package.is_dir():
        found = sorted(p.name for p in site.iterdir())
        raise FileNotFoundError(f"no tensorrt_bindings package in {str(site)!r}: {found}")
    return package


def rehearsal_env(row: Row, stand: StandIn, python_dir: str, pythonpath: Sequence[str],
                  library_path: Sequence[str] = (),
                  host_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The script's whole environment: the container's, the rehearsal's, PATH and pip's.

    Paths are as the namespace sees them. Nothing else of the host's environment passes
    (a virtualenv, PYTHONPATH or PYENV_VERSION of the caller would change what runs).
    """
    host_env = os.environ if host_env is None else host_env
    env = {k: v for k, v in host_env.items()
           if k in _KEPT_NAMES or k.startswith(_KEPT_PREFIXES)}
    env.update(container_env(row))
    env["PATH"] = os.pathsep.join([python_dir, host_env.get("PATH", os.defpath)])
    env["TMPDIR"] = RUN_MOUNT  # the container's temporary directory (nox sets its own)
    env[REHEARSAL_ENV] = "1"
    env[MODULE_ENV] = stand.kind
    env[STAND_IN_ENV] = stand.version
    env["PYTHONPATH"] = os.pathsep.join(pythonpath)
    if library_path:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(library_path)
    return env


#: Run inside ``unshare --mount``: $1 the checkout, $2 the run directory, $3 the script.
NAMESPACE_SETUP = (
    'set -eu; '
    f'mount --bind "$1" {SRC_MOUNT}; mount -o remount,bind,ro {SRC_MOUNT}; '
    f'mount --bind "$2" {RUN_MOUNT}; cd {RUN_MOUNT}; '
    'exec bash -c "$3"'
)


def namespace_command(checkout: Path | str, run_dir: Path | str, script: str,
                      unshare: str = "unshare") -> list[str]:
    """The argv running ``script`` as the container would, in a private mount namespace.

    The container runs ``bash -c SCRIPT`` in ``/tmp`` with the checkout at ``/src:ro``; so
    does this, with the run directory as its ``/tmp``.
    """
    return [unshare, "--mount", "--propagation", "private", "bash", "-c", NAMESPACE_SETUP,
            "rehearse", str(Path(checkout).resolve()), str(Path(run_dir).resolve()), script]


#: Backend extras that compile against the image's CUDA (headers and libcuda) at install
#: time: a CPU host has neither, so the rehearsal installs the row without them.
SOURCE_BUILT_BACKENDS = frozenset({"pycuda"})


def rehearsal_requirements(row: Row) -> tuple[list[str], str | None]:
    """The row's ``install_requirements``, and why they differ where they must.

    Identical except for a backend that builds from source against the image's CUDA
    (JetPack 5's pycuda): that extra is left out (``.[test]``), and the reason returned.
    """
    requirements = install_requirements(row)
    backend = backend_extra(row)
    if backend not in SOURCE_BUILT_BACKENDS:
        return requirements, None
    project = f".[test,{backend}]"
    assert requirements[0] == project, requirements
    why = (f"the row's backend extra {backend!r} compiles against the image's CUDA "
           f"{row.cuda} (cuda.h, libcuda), which a CPU host lacks: the rehearsal installs "
           f"'.[test]' instead; the GPU run installs {project!r}")
    return [".[test]", *requirements[1:]], why


def script_for(row: Row, pytest_args: Sequence[str] = ()) -> str:
    """The row's inner script: the one ``container_command`` hands the image, generated by
    the same function (``rehearsal_requirements`` says where the requirements differ)."""
    return inner_script(pytest_args, rehearsal_requirements(row)[0])


__all__ = [
    "FAKE_SHIM",
    "MODULE_ENV",
    "NAMESPACE_SETUP",
    "Plan",
    "REHEARSAL_ENV",
    "STAND_IN_ENV",
    "StandIn",
    "architecture_note",
    "bindings_install_command",
    "bindings_package",
    "host_problem",
    "inside",
    "link_python",
    "load_plan",
    "matrix_row",
    "namespace_command",
    "pinned_version",
    "python_bin_dir",
    "rehearsal_env",
    "row_ids",
    "rehearsal_requirements",
    "script_for",
    "stand_in",
    "version_gap",
    "version_matches",
    "write_fake_shim",
]
