"""trtcompat's sessions. CI only calls these; the rows come from ci/matrix.toml.

    nox -l                        list sessions
    nox -t cpu                    what CI runs on every push (no GPU needed)
    nox -s tests-3.8              the suite on the oldest Python with the lowest numpy/ml_dtypes
    nox -s ngc                    every TensorRT line in its NGC image (GPU + docker/podman)
    nox -s "ngc(trt='8.6')"       one line
    nox -s "jetson(jetpack='5.1')"  one JetPack line, on an arm64 Jetson
    nox -s real                   the lean/dispatch runtime wheels from PyPI, on CPU
    nox -s oracle                 NVIDIA's full bindings of every real release (8.6.1, 10.x,
                                  11.x) imported on CPU over stub libraries: the fakes, the
                                  version table and trtcompat checked against them
    nox -s "oracle(10.3.0)"       one release
    nox -s cuda_python            each cuda-python major without a GPU driver, on CPU
    nox -s rehearse               every ngc/jetson row's own container script, on this CPU
    nox -s "rehearse(ngc-10.16)"  one row (ids: ngc-<line>, jetson-<JetPack>)

See docs/MATRIX.md.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # nox loads this file by path; make `ci` importable

from ci import deps, pythons, trt_stubs  # noqa: E402
from ci import ngc as ci  # noqa: E402  (the session below is called ngc)
from ci import rehearse as rehearsal  # noqa: E402  (the session below is called rehearse)

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
_ORACLE_PYTHONS = sorted({row.python for row in MATRIX.oracle})
_pyenv_version = pythons.expose_pyenv_versions(
    sorted({OLDEST, NEWEST, *_ORACLE_PYTHONS}), os.environ
)
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


@nox.session(venv_backend="venv", tags=["cpu"])
@nox.parametrize(
    ["python", "release"],
    [(row.python, row.release) for row in MATRIX.oracle],
    ids=[row.release for row in MATRIX.oracle],
)
def oracle(session: nox.Session, release: str) -> None:
    """NVIDIA's real bindings of one release, imported on CPU, as the oracle (tests/oracle).

    Installs the bindings wheel with ``--no-deps`` (its ``-libs`` come only from NVIDIA's
    index), compiles stub TensorRT libraries for it (ci/trt_stubs.py: the C entry points
    return NULL, so ``Runtime(logger)`` raises TypeError as without a GPU) and runs
    tests/oracle with ``TRTCOMPAT_ORACLE_RELEASE`` naming the release, the module importable
    as ``tensorrt``. Skips (never passes) without a C compiler and binutils.
    """
    problem = trt_stubs.tool_problem()
    if problem is not None:
        session.skip(problem)
    row = ci.oracle_row(release, MATRIX)
    # The project and pytest only (tests/oracle needs nothing of the test extra): a row is
    # then mostly its test run (docs/MATRIX.md has the timings).
    session.install("-e", ".", "pytest")
    session.install("--no-deps", "--only-binary=:all:", row.requirement)
    package = session.run(
        "python", "-c", "import importlib.util, os; "
        "print(os.path.dirname(importlib.util.find_spec('tensorrt_bindings').origin))",
        silent=True,
    )
    assert isinstance(package, str)
    stubs = Path(session.create_tmp()) / "trt-stubs"
    trt_stubs.build_stub_libs(trt_stubs.find_extensions(Path(package.strip())), stubs)
    trt_stubs.write_module_alias(stubs, "tensorrt_bindings")
    env = {
        "LD_LIBRARY_PATH": os.pathsep.join(filter(None, [str(stubs),
                                                         os.environ.get("LD_LIBRARY_PATH")])),
        "PYTHONPATH": str(stubs),
        "TRTCOMPAT_ORACLE_RELEASE": row.release,
    }
    session.run("pytest", "tests/oracle", *session.posargs, env=env)


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


@nox.session(venv_backend="none", tags=["cpu"])
@nox.parametrize("row", [nox.param(i, id=i) for i in rehearsal.row_ids(MATRIX)])
def rehearse(session: nox.Session, row: str) -> None:
    """One ngc/jetson row's container script on this machine, without its image (ci/rehearse.py).

    The script ci/ngc.py hands the image runs in a private mount namespace (checkout at
    /src read-only, a fresh /tmp), with the row's Python first on PATH and NVIDIA's real
    bindings of the row's release (over stub libraries) or trtcompat's fake as `tensorrt`.
    Fails when the row's requirements do not install on its Python, the script fails, or
    the suite fails; tests/real_trt skips what needs a GPU, saying so.
    """
    matrix_row = rehearsal.matrix_row(row, MATRIX)
    problem = ci.python_problem(matrix_row, REQUIRES_PYTHON)
    if problem is not None:
        # The device session stops with this error; here the row has nothing to rehearse.
        session.skip(problem)
    problem = rehearsal.host_problem()
    if problem is not None:
        session.skip(problem)
    stand = rehearsal.stand_in(matrix_row)
    if stand.kind == "real":
        problem = trt_stubs.tool_problem()
        if problem is not None:
            session.skip(problem)
    session.log(f"rehearsing {matrix_row.image}: {rehearsal.architecture_note(matrix_row)}")
    session.log(f"import tensorrt: {stand.describe()}")
    gap = rehearsal.version_gap(matrix_row, stand)
    if gap is not None:
        session.warn(gap)
    differs = rehearsal.rehearsal_requirements(matrix_row)[1]
    if differs is not None:
        session.warn(differs)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=session.create_tmp()))
    try:
        _rehearse_in(session, row, matrix_row, stand, run_dir)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _rehearse_in(session: nox.Session, row_id: str, row: ci.Row,
                 stand: rehearsal.StandIn, run_dir: Path) -> None:
    """Prepare the row's Python and `tensorrt` under run_dir, then run the script there."""
    python_dir = rehearsal.python_bin_dir(row) or rehearsal.link_python(
        row, run_dir / rehearsal.REHEARSAL_DIR / "bin")
    if python_dir is None:
        session.skip(f"Python {row.python} is not installed here (pyenv install {row.python})")
    session.log(f"python3 = Python {row.python} from {python_dir}")
    if stand.kind == "real":
        site = run_dir / rehearsal.REHEARSAL_DIR / "site"
        stubs = run_dir / rehearsal.REHEARSAL_DIR / "stubs"
        session.run(*rehearsal.bindings_install_command(python_dir / "python3", stand, site),
                    external=True)
        package = rehearsal.bindings_package(site)
        trt_stubs.build_stub_libs(trt_stubs.find_extensions(package), stubs)
        trt_stubs.write_module_alias(stubs, "tensorrt_bindings")
        pythonpath = [rehearsal.inside(run_dir, site), rehearsal.inside(run_dir, stubs)]
        library_path = [rehearsal.inside(run_dir, stubs)]
    else:
        pythonpath = [rehearsal.inside(run_dir, rehearsal.write_fake_shim(run_dir))]
        library_path = []
    env = rehearsal.rehearsal_env(row, stand, str(python_dir), pythonpath, library_path)
    # posargs replace the plan: `nox -s "rehearse(ngc-8.0)" -- -m "not multi_gpu"` runs all.
    pytest_args = session.posargs or rehearsal.load_plan().pytest_args(row_id)
    session.log(f"pytest args after `tests`: {pytest_args or '(none: the whole suite)'}")
    script = rehearsal.script_for(row, pytest_args)
    session.run(*rehearsal.namespace_command(ROOT, run_dir, script), env=env,
                include_outer_env=False, external=True)
