"""trtcompat's sessions. CI only calls these; the rows come from ci/matrix.toml.

    nox -l                        list sessions
    nox -t cpu                    what CI runs on every push (no GPU needed)
    nox -s tests-3.8              the suite on the oldest Python with the lowest numpy/ml_dtypes
    nox -s ngc                    every TensorRT line in its NGC image (GPU + docker/podman)
    nox -s "ngc(trt='8.6')"       one line
    nox -s "jetson(jetpack='5.1')"  one JetPack line, on an arm64 Jetson
    nox -s real                   the lean/dispatch runtime wheels from PyPI, on CPU
    nox -s cuda_python            each cuda-python major without a GPU driver, on CPU

See docs/MATRIX.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # nox loads this file by path; make `ci` importable

from ci import deps, pythons  # noqa: E402
from ci import ngc as ci  # noqa: E402  (the session below is called ngc)

nox.needs_version = ">=2025.2.9"
nox.options.error_on_external_run = True

REQUIRES_PYTHON = ci.project_requires_python(ROOT)
MATRIX = ci.load_matrix()

#: The oldest and newest supported Python: the suite runs on both (classifiers list the
#: ones between). The oldest gets the lowest numpy / ml_dtypes pyproject.toml allows there.
OLDEST, NEWEST = "3.8", "3.13"
LOWEST_PINNED = ("numpy", "ml_dtypes")
#: The cuda-python extra the oldest Python's suite runs with: what `pip install
#: "trtcompat[cuda]"` resolves there (cuda-python 12.3, which raises without a driver).
OLDEST_CUDA_MAJOR = "12"
#: The other cuda-python lines checked without a driver, (Python, major): 11.8 (raises like
#: 12.3, on TensorRT 8's Python), 12.9 and 13.x (return cudaErrorInsufficientDriver).
CUDA_PYTHON_ROWS = [(OLDEST, "11"), (NEWEST, "12"), (NEWEST, "13")]

# Under pyenv, `python3.8` is a shim that fails unless pyenv exposes 3.8: expose the
# installed versions the sessions need (a no-op without pyenv or when they already run).
_pyenv_version = pythons.expose_pyenv_versions([OLDEST, NEWEST], os.environ)
if _pyenv_version is not None:
    os.environ["PYENV_VERSION"] = _pyenv_version


# venv (the target's own ensurepip), not virtualenv: virtualenv 21 no longer seeds pip
# into a 3.8 environment.
@nox.session(python=[OLDEST, NEWEST], venv_backend="venv", tags=["cpu"])
def tests(session: nox.Session) -> None:
    """Whole test suite against the fakes; GPU and real-TensorRT tests skip themselves.

    On the oldest Python with the lowest numpy and ml_dtypes (from wheels) and the cuda-python
    that the `cuda` extra resolves there (tests/real_cuda_python checks it without a driver),
    on the newest with the newest releases.
    """
    # nox: tests/test_ngc_sessions.py runs nox end-to-end against fake engines.
    python = str(session.python)
    oldest = python == OLDEST
    pins = deps.lowest_pins(python, LOWEST_PINNED) if oldest else []
    extras = f"test,cuda{OLDEST_CUDA_MAJOR}" if oldest else "test"
    env = {"TRTCOMPAT_EXPECT_CUDA_PYTHON": OLDEST_CUDA_MAJOR} if oldest else {}
    session.install("--only-binary=numpy,ml-dtypes", "-e", f".[{extras}]", *pins)
    session.run("python", "-c", "import sys, numpy, ml_dtypes; print('Python', "
                "sys.version.split()[0], 'numpy', numpy.__version__, 'ml_dtypes', "
                "ml_dtypes.__version__)", silent=False)
    session.run("pytest", *session.posargs, env=env)


@nox.session(venv_backend="venv", tags=["cpu"])
@nox.parametrize(
    ("python", "major"), CUDA_PYTHON_ROWS, ids=[f"cuda{m}-py{p}" for p, m in CUDA_PYTHON_ROWS]
)
def cuda_python(session: nox.Session, major: str) -> None:
    """The cuda_python backend without a GPU driver, against the real cuda-python of one
    major (the `cudaNN` extra): the default falls back, an explicit choice gets the typed
    error with the library's words. Only tests/real_cuda_python (seconds)."""
    session.install("-e", f".[cuda{major}]", "pytest")
    session.run("pytest", "tests/real_cuda_python", *session.posargs,
                env={"TRTCOMPAT_EXPECT_CUDA_PYTHON": major})


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


@nox.session(python=[OLDEST, NEWEST], venv_backend="venv", tags=["cpu"])
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package, against each Python's own stdlib.

    Current mypy cannot target 3.8 (`--python-version 3.8` is refused), so on 3.8 this
    installs the newest mypy that runs there (1.14), which checks 3.8's stdlib stubs.
    """
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


@nox.session(python=NEWEST, venv_backend="venv", default=False)
def mutants(session: nox.Session) -> None:
    """Mutation testing (mutmut) of the version-fact and input-check modules; score per module.

    pyproject.toml [tool.mutmut] names the modules and the test files that exercise them;
    mutmut runs, for each mutant, only the tests that reached the mutated function in its
    coverage pass (all of them, no sampling: about 2,300 mutants took ~5-9 minutes on two
    cores; with plan.py, runtime/runner.py, legacy/_context.py and migrate/_guards.py added
    (issue 25) about 4,500). tools/mutants_score.py then prints the score per module
    without the mutants listed in tools/mutants-equivalent.txt (each with the reason it
    cannot change behaviour), reruns the survivors of lazily cached modules in fresh
    processes, and fails under 90%.
    Not in the cpu tag: it is slow, and a new surviving mutant asks for a test or a listed
    reason, not for a red push. ``nox -s mutants -- --fail-under 0`` only reports.
    """
    session.install("-e", ".[test]", "mutmut>=3.3")
    # mutmut keeps its results in mutants/ and reruns only mutants whose function changed.
    session.run("mutmut", "run", "--max-children", str(os.cpu_count() or 2))
    session.run("python", "tools/mutants_score.py", "--fail-under", "90", *session.posargs)


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
    _run_row(session, row, engine, why)


@nox.session(venv_backend="none", default=False, tags=["jetson", "container"])
@nox.parametrize("jetpack", ci.jetson_ids(MATRIX))
def jetson(session: nox.Session, jetpack: str) -> None:
    """Test suite inside the L4T image of one JetPack line (arm64 Jetson + NVIDIA runtime)."""
    # A row below the Python floor stops here on any host: it is a fact about the image.
    row = ci.jetson_row(jetpack, MATRIX)
    problem = ci.python_problem(row, REQUIRES_PYTHON)
    if problem is not None:
        session.error(problem)
    problem = ci.jetson_problem(row)
    if problem is not None:
        session.skip(problem)
    engine, why = ci.find_engine()
    if engine is None:
        session.skip(why)
    problem = ci.engine_problem(engine)
    if problem is not None:
        session.skip(problem)
    _run_row(session, row, engine, why)


def _run_row(session: nox.Session, row: ci.Row, engine: str, why: str) -> None:
    """Check the row's Python, then run the suite in its image."""
    problem = ci.python_problem(row, REQUIRES_PYTHON)
    if problem is not None:
        session.error(problem)
    if not row.confirmed:
        session.warn(f"ci/matrix.toml row {row.key} is unconfirmed ({row.note}); the "
                     f"version test inside the container checks it")
    session.log(f"{why}: {row.image} (TensorRT {row.version}, CUDA {row.cuda}, "
                f"Python {row.python})")
    session.run(*ci.container_command(engine, row, ROOT, session.posargs), external=True)
