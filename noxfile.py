"""trtcompat's sessions. CI only calls these; the rows come from ci/matrix.toml.

    nox -l                        list sessions
    nox -t cpu                    what CI runs on every push (no GPU needed)
    nox -s ngc                    every TensorRT line in its NGC image (GPU + docker/podman)
    nox -s "ngc(trt='8.6')"       one line
    nox -s real                   the lean/dispatch runtime wheels from PyPI, on CPU

See docs/MATRIX.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # nox loads this file by path; make `ci` importable

from ci import ngc as ci  # noqa: E402  (the session below is called ngc)

nox.needs_version = ">=2025.2.9"
nox.options.error_on_external_run = True

REQUIRES_PYTHON = ci.project_requires_python(ROOT)
MATRIX = ci.load_matrix()


@nox.session(tags=["cpu"])
def tests(session: nox.Session) -> None:
    """Whole test suite against the fakes; GPU and real-TensorRT tests skip themselves."""
    # nox: tests/test_ngc_sessions.py runs nox end-to-end against fake engines.
    session.install("-e", ".[test]", "nox>=2025.2.9")
    session.run("pytest", *session.posargs)


@nox.session(tags=["cpu"])
@nox.parametrize("wheel", [row.id for row in MATRIX.real_wheel])
def real(session: nox.Session, wheel: str) -> None:
    """Real TensorRT lean/dispatch runtime wheels from PyPI (import on CPU), one venv each."""
    row = ci.real_wheel_row(wheel, MATRIX)
    session.install("-e", ".[test]", row.requirement)
    env = {"TRTCOMPAT_TRT_MODULE": row.module, "TRTCOMPAT_EXPECT_TRT_VERSION": row.version}
    session.run("pytest", "tests/real_wheels", *session.posargs, env=env)


@nox.session(tags=["cpu"])
def lint(session: nox.Session) -> None:
    """ruff check (the formatter is not enforced yet)."""
    session.install("ruff")
    session.run("ruff", "check", ".", *session.posargs)


@nox.session(tags=["cpu"])
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package."""
    session.install("-e", ".[test]", "mypy")  # pytest and libcst carry types we check against
    session.run("mypy", "--strict", "trtcompat", *session.posargs)


@nox.session(tags=["cpu"])
def demo(session: nox.Session) -> None:
    """python -m trtcompat demo: the end-to-end tour on the fakes."""
    session.install("-e", ".")
    session.run("python", "-m", "trtcompat", "demo", *session.posargs)


@nox.session(tags=["bench"], default=False)
def bench(session: nox.Session) -> None:
    """CPU overhead benchmark of the dispatch layer (numbers, not pass/fail)."""
    session.install("-e", ".[test]", "polygraphy")  # a contender, not a dependency
    session.run("python", "benchmarks/cpu_overhead.py", *session.posargs)
    session.run("python", "benchmarks/scaling.py", *session.posargs)


@nox.session(venv_backend="none", default=False, tags=["gpu", "container"])
@nox.parametrize("trt", ci.ngc_ids(MATRIX))
def ngc(session: nox.Session, trt: str) -> None:
    """Test suite inside the NGC TensorRT image of one line (needs a GPU and docker/podman)."""
    # No venv here: this session only drives the container engine. Skips (never passes)
    # when the host cannot run it, so a green `nox -s ngc` always means tests ran.
    row = ci.ngc_row(trt, MATRIX)
    engine, why = ci.find_engine()
    if engine is None:
        session.skip(why)
    problem = ci.gpu_problem() or ci.engine_problem(engine)
    if problem is not None:
        session.skip(problem)
    problem = ci.python_problem(row, REQUIRES_PYTHON)
    if problem is not None:
        session.error(problem)
    if not row.confirmed:
        session.warn(f"ci/matrix.toml row {trt} is unconfirmed ({row.note}); the version "
                     f"test inside the container checks it")
    session.log(f"{why}: {row.image} (TensorRT {row.version}, CUDA {row.cuda}, "
                f"Python {row.python})")
    session.run(*ci.container_command(engine, row, ROOT, session.posargs), external=True)
