"""ci/rehearse.py: each matrix row's own container script, rehearsed on a CPU host.

The whole rehearsal (`nox -s rehearse`) runs in the cpu tag; these tests check its parts
quickly: the ids and stand-ins per row, that the script is the container's very script,
the environment it gets, the mount namespace (where this host allows one), the fake shim,
and the plan that picks the rows running the whole suite.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


rehearse = _load("_trtcompat_ci_rehearse", ROOT / "ci" / "rehearse.py")
ngc = sys.modules["ci.ngc"]  # the module rehearse.py builds on (its dataclasses)
MATRIX = ngc.load_matrix()
ALL_ROWS = [*MATRIX.ngc, *MATRIX.jetson]
REQUIRES_PYTHON = ngc.project_requires_python(ROOT)
IDS = rehearse.row_ids(MATRIX)


def test_one_id_per_row_in_file_order() -> None:
    assert len(IDS) == len(ALL_ROWS) == len(set(IDS))
    assert IDS[0] == f"ngc-{MATRIX.ngc[0].key}"
    assert IDS[-1] == f"jetson-{MATRIX.jetson[-1].key}"
    for row_id, row in zip(IDS, ALL_ROWS):
        assert rehearse.matrix_row(row_id, MATRIX) is row
    with pytest.raises(KeyError, match=r"ngc-8\.6-py3\.8"):
        rehearse.matrix_row("ngc-9.9", MATRIX)
    with pytest.raises(KeyError):
        rehearse.matrix_row("jetson-8.6", MATRIX)  # a TensorRT line is not a JetPack line


@pytest.mark.parametrize("row", ALL_ROWS, ids=IDS)
def test_stand_in_per_row(row: object) -> None:
    stand = rehearse.stand_in(row)
    trt = Version(row.trt)  # type: ignore[attr-defined]
    if trt < Version("8.6"):
        # PyPI's oldest bindings wheel is tensorrt-bindings 8.6.1.
        assert stand.kind == "fake" and stand.version == row.trt  # type: ignore[attr-defined]
        assert "fake" in stand.describe()
        return
    assert stand.kind == "real", "PyPI has bindings for 8.6.1 and every 10.x / 11.x"
    requirement = Requirement(stand.requirement)
    assert requirement.name in {"tensorrt-bindings", "tensorrt-cu12-bindings",
                                "tensorrt-cu13-bindings"}
    if requirement.name != "tensorrt-bindings":  # cuNN: the row's CUDA major
        assert requirement.name == f"tensorrt-cu{Version(row.cuda).major}-bindings"  # type: ignore[attr-defined]
    version = Version(stand.version)
    assert (version.major, version.minor) == (trt.major, trt.minor), stand.requirement
    assert "NVIDIA's real tensorrt" in stand.describe()


def test_pinned_version() -> None:
    assert rehearse.pinned_version("tensorrt-cu13-bindings==10.16.0.72") == "10.16.0.72"
    for loose in ("tensorrt-bindings>=8.6", "tensorrt-bindings", "x==1.*", "x==1,!=2"):
        with pytest.raises(ValueError, match="pin one version"):
            rehearse.pinned_version(loose)


def test_version_gap_names_each_mismatch() -> None:
    rows = {f"{'jetson' if r.jetson else 'ngc'}-{r.key}": r for r in ALL_ROWS}
    gaps = {i: rehearse.version_gap(r, rehearse.stand_in(r)) for i, r in rows.items()}
    # PyPI has the image's own build of these (10.16.0.72 included, not only 10.16.1.11).
    for exact in ("ngc-8.6-py3.8", "ngc-10.16", "ngc-11.0", "ngc-11.1", "ngc-11.4"):
        assert gaps[exact] is None, gaps[exact]
    assert "8.6.3" in gaps["ngc-8.6"] and "8.6.1" in gaps["ngc-8.6"]
    assert "10.0.1.6" in gaps["ngc-10.0"]
    assert "8.6.2" in gaps["jetson-6.0"]
    assert "fake" in gaps["ngc-8.0"]


def test_version_gap_on_a_made_up_row() -> None:
    row = ngc.NgcRow(trt="10.16", version="10.16.0.72", image="i", cuda="13.2.0",
                     python="3.12", pip="", confirmed=False, source="s",
                     bindings="tensorrt-cu13-bindings==10.16.1.11")
    gap = rehearse.version_gap(row, rehearse.stand_in(row))
    assert gap is not None and "10.16.0.72" in gap and "10.16.1.11" in gap
    prefix = ngc.NgcRow(trt="11.4", version="11.4", image="i", cuda="13.4", python="3.12",
                        pip="", confirmed=False, source="s",
                        bindings="tensorrt-cu13-bindings==11.4.0.106")
    assert rehearse.version_gap(prefix, rehearse.stand_in(prefix)) is None


@pytest.mark.parametrize("row", ngc.runnable(ALL_ROWS, REQUIRES_PYTHON),
                         ids=lambda r: f"{'jetson' if r.jetson else 'ngc'}-{r.key}")
def test_script_is_the_containers_script(row: object, tmp_path: Path) -> None:
    requirements, why = rehearse.rehearsal_requirements(row)
    for engine in ("docker", "podman"):
        argv = ngc.container_command(engine, row, tmp_path, ["-x"])
        if why is None:
            assert rehearse.script_for(row, ["-x"]) == argv[-1]
        else:  # only the install line differs, in the backend extra alone
            ours, theirs = rehearse.script_for(row, ["-x"]).splitlines(), argv[-1].splitlines()
            diff = [(a, b) for a, b in zip(ours, theirs) if a != b]
            assert len(ours) == len(theirs) and len(diff) == 1, diff
            assert diff[0][1].replace(f"'.[test,{row.backend}]'", "'.[test]'") == diff[0][0]  # type: ignore[attr-defined]
    assert requirements[1:] == ngc.install_requirements(row)[1:]
    command = rehearse.namespace_command(tmp_path, tmp_path / "run", rehearse.script_for(row))
    assert command[:4] == ["unshare", "--mount", "--propagation", "private"]
    assert command[-3:] == [str(tmp_path.resolve()), str((tmp_path / "run").resolve()),
                            rehearse.script_for(row)]


def test_only_a_source_built_backend_changes_the_requirements() -> None:
    changed = {r.key: why for r in ALL_ROWS
               for why in [rehearse.rehearsal_requirements(r)[1]] if why is not None}
    assert set(changed) == {r.key for r in MATRIX.jetson if r.backend == "pycuda"}
    for why in changed.values():
        assert "pycuda" in why and "CUDA" in why


def test_rehearsal_env_keeps_only_what_it_names() -> None:
    row = MATRIX.ngc[-1]
    stand = rehearse.stand_in(row)
    host = {"PATH": "/usr/bin", "HOME": "/root", "PIP_INDEX_URL": "https://mirror/simple",
            "VIRTUAL_ENV": "/venv", "PYTHONPATH": "/elsewhere", "PYENV_VERSION": "3.11.7",
            "LD_LIBRARY_PATH": "/opt/lib", "SECRET_TOKEN": "x"}
    env = rehearse.rehearsal_env(row, stand, "/py/bin", ["/tmp/rehearsal/site"],
                                 ["/tmp/rehearsal/stubs"], host_env=host)
    for key, value in ngc.container_env(row).items():
        assert env[key] == value
    assert env["PATH"] == "/py/bin:/usr/bin"
    assert env["PYTHONPATH"] == "/tmp/rehearsal/site"
    assert env["LD_LIBRARY_PATH"] == "/tmp/rehearsal/stubs"
    assert env[rehearse.REHEARSAL_ENV] == "1"
    assert env["TMPDIR"] == "/tmp"  # inside the private /tmp, not nox's session directory
    assert env[rehearse.MODULE_ENV] == "real"
    assert env[rehearse.STAND_IN_ENV] == stand.version
    assert env["PIP_INDEX_URL"] == "https://mirror/simple" and env["HOME"] == "/root"
    for leaked in ("VIRTUAL_ENV", "PYENV_VERSION", "SECRET_TOKEN"):
        assert leaked not in env
    fake = rehearse.rehearsal_env(MATRIX.ngc[0], rehearse.stand_in(MATRIX.ngc[0]), "/py/bin",
                                  ["/tmp/rehearsal/fake"], host_env=host)
    assert "LD_LIBRARY_PATH" not in fake and fake[rehearse.MODULE_ENV] == "fake"


def test_inside_maps_the_run_dir_to_tmp(tmp_path: Path) -> None:
    assert rehearse.inside(tmp_path, tmp_path / "rehearsal" / "site") == "/tmp/rehearsal/site"
    with pytest.raises(ValueError, match="elsewhere"):
        rehearse.inside(tmp_path, Path("/elsewhere"))


def test_architecture_note() -> None:
    machine = os.uname().machine
    jetson = next(r for r in MATRIX.jetson if r.python == "3.10")
    note = rehearse.architecture_note(jetson)
    assert "arm64" in note and machine in note and jetson.l4t in note
    assert machine in rehearse.architecture_note(MATRIX.ngc[0])


def test_python_bin_dir_from_pyenv(tmp_path: Path) -> None:
    for patch in ("3.10.4", "3.10.13", "3.12.1"):
        exe = tmp_path / "versions" / patch / "bin" / "python"
        exe.parent.mkdir(parents=True)
        exe.write_text("")
    row = next(r for r in MATRIX.ngc if r.python == "3.10")
    found = rehearse.python_bin_dir(row, {"PYENV_ROOT": str(tmp_path)})
    assert found == tmp_path / "versions" / "3.10.13" / "bin"
    row38 = next(r for r in MATRIX.ngc if r.python == "3.8")
    assert rehearse.python_bin_dir(row38, {"PYENV_ROOT": str(tmp_path)}) is None


def test_link_python(tmp_path: Path) -> None:
    bindir = tmp_path / "path"
    bindir.mkdir()
    (bindir / "python3.8").write_text("#!/bin/sh\n")
    (bindir / "python3.8").chmod(0o755)
    row = next(r for r in MATRIX.ngc if r.python == "3.8")
    linked = rehearse.link_python(row, tmp_path / "bin", {"PATH": str(bindir)})
    assert linked == tmp_path / "bin"
    assert os.readlink(linked / "python3") == str(bindir / "python3.8")
    row312 = next(r for r in MATRIX.ngc if r.python == "3.12")
    assert rehearse.link_python(row312, tmp_path / "bin2", {"PATH": str(bindir)}) is None


def test_bindings_install_command_and_package(tmp_path: Path) -> None:
    stand = rehearse.stand_in(MATRIX.ngc[-1])
    argv = rehearse.bindings_install_command(Path("/py/python3"), stand, tmp_path)
    assert argv[:4] == ["/py/python3", "-m", "pip", "install"]
    assert "--no-deps" in argv and "--only-binary=:all:" in argv
    assert argv[argv.index("--target") + 1] == str(tmp_path) and argv[-1] == stand.requirement
    with pytest.raises(FileNotFoundError, match="tensorrt_bindings"):
        rehearse.bindings_package(tmp_path)
    (tmp_path / "tensorrt_bindings").mkdir()
    assert rehearse.bindings_package(tmp_path) == tmp_path / "tensorrt_bindings"


# --------------------------------------------------------------------------- the namespace


@pytest.fixture(scope="module")
def namespace_ok() -> None:
    problem = rehearse.host_problem()
    if problem is not None:
        pytest.skip(problem)


def test_namespace_binds_the_checkout_read_only_and_a_private_tmp(
    namespace_ok: None, tmp_path: Path
) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("marker\n")
    runs = [tmp_path / "run1", tmp_path / "run2"]
    script = "\n".join([
        "set -eu",
        "test \"$(cat /src/pyproject.toml)\" = marker",
        "if touch /src/written 2>/dev/null; then echo 'checkout writable'; exit 3; fi",
        "test \"$(pwd)\" = /tmp",
        "seen=$(ls /tmp); echo \"$seen\" > /tmp/listing",  # this run's /tmp: its own files
        "mkdir -p /tmp/trtcompat && echo \"$RUN\" > /tmp/trtcompat/owner",
    ])
    for i, run in enumerate(runs):
        run.mkdir()
        (run / f"only-in-{i}").write_text("")
        proc = subprocess.run(rehearse.namespace_command(checkout, run, script),
                              env={**os.environ, "RUN": str(i)}, capture_output=True,
                              text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert (run / "trtcompat" / "owner").read_text() == f"{i}\n"
        assert (run / "listing").read_text().split() == [f"only-in-{i}"]
    assert not (checkout / "written").exists()


# --------------------------------------------------------------------------- the fake shim


@pytest.mark.parametrize("release", ["8.6", "10"])
def test_fake_shim_answers_import_tensorrt(tmp_path: Path, release: str) -> None:
    shim = rehearse.write_fake_shim(tmp_path)
    assert shim == tmp_path / "rehearsal" / "fake"
    code = ("import importlib.util, tensorrt, trtcompat; from trtcompat.testing import era_of; "
            "assert importlib.util.find_spec('tensorrt') is not None; "
            "print(era_of(tensorrt), tensorrt.__version__ == trtcompat.runtime_info().version)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(ROOT)]),
           rehearse.STAND_IN_ENV: release}
    env.pop("TRTCOMPAT_TRT_MODULE", None)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [release, "True"]


def test_fake_shim_without_an_exact_fake_takes_the_nearest_older_era(tmp_path: Path) -> None:
    shim = rehearse.write_fake_shim(tmp_path)
    code = ("import tensorrt; from packaging.version import Version; "
            "from trtcompat.testing import ERAS, era_of, era_info\n"
            "try:\n    era_info('8.5'); exact = True\nexcept ValueError:\n    exact = False\n"
            "key = era_of(tensorrt)\n"
            "assert exact or Version(key) <= Version('8.5'), key\nprint('ok')")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(ROOT)]),
           rehearse.STAND_IN_ENV: "8.5"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


# --------------------------------------------------------------------------- the plan


def test_plan_names_existing_rows_and_a_quick_selection() -> None:
    plan = rehearse.load_plan()
    assert plan.full_suite and set(plan.full_suite) <= set(IDS)
    runnable = {f"{'jetson' if r.jetson else 'ngc'}-{r.key}"
                for r in ngc.runnable(ALL_ROWS, REQUIRES_PYTHON)}
    assert set(plan.full_suite) <= runnable, "a row below the floor cannot run the suite"
    assert plan.pytest_args(plan.full_suite[0]) == []
    quick = next(i for i in IDS if i not in plan.full_suite)
    assert plan.pytest_args(quick) == list(plan.quick_pytest_args)
    assert "real_trt" in " ".join(plan.quick_pytest_args)
    assert "min" in plan.why, "the choice must carry the measurement behind it"
    # Each Python the rows use runs the whole suite on at least one row.
    full_pythons = {rehearse.matrix_row(i, MATRIX).python for i in plan.full_suite}
    assert full_pythons == {r.python for r in ngc.runnable(ALL_ROWS, REQUIRES_PYTHON)}


def test_plan_rejects_unknown_keys(tmp_path: Path) -> None:
    bad = tmp_path / "matrix.toml"
    bad.write_text("[rehearsal]\nfull_suit = []\n")
    with pytest.raises(ValueError, match="full_suit"):
        rehearse.load_plan(bad)
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert rehearse.load_plan(empty).pytest_args("ngc-8.0") == []
