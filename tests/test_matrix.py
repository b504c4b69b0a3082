"""ci/matrix.toml is well-formed, and the noxfile, the workflow and the README agree with it."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
IMAGE_RE = re.compile(r"^nvcr\.io/nvidia/tensorrt:\d\d\.\d\d-py3$")
JETSON_IMAGE_RE = re.compile(
    r"^nvcr\.io/nvidia/(l4t-jetpack:r\d+\.\d+\.\d+|l4t-tensorrt:r[\d.]+-runtime"
    r"|tensorrt:\d\d\.\d\d-py3)$"
)
README = ROOT / "README.md"
MATRIX_DOC = ROOT / "docs" / "MATRIX.md"
PYPROJECT = ROOT / "pyproject.toml"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


ngc = _load("_trtcompat_ci_ngc", ROOT / "ci" / "ngc.py")
MATRIX = ngc.load_matrix()


def _all_rows_for_bindings() -> list[object]:
    return [*MATRIX.ngc, *MATRIX.jetson]


def version_matches(installed: str, expected: str) -> bool:
    """The rule tests/real_trt/test_version.py applies: equal, or ``expected`` a prefix."""
    return installed == expected or installed.startswith(expected + ".")


def test_rows_exist_for_every_required_line() -> None:
    lines = [row.trt for row in MATRIX.ngc]
    for required in ("8.0", "8.2", "8.4", "8.5", "8.6", "10.0"):
        assert required in lines
    majors = {Version(t).major for t in lines}
    assert {8, 10, 11} <= majors
    assert any(Version(t) >= Version("11.0") for t in lines if Version(t).major == 11)
    # 8.6 runs on both Pythons its images ship: 3.8 (23.04) and 3.10 (23.05 on).
    assert {row.python for row in MATRIX.ngc if row.trt == "8.6"} == {"3.8", "3.10"}


def test_every_tensorrt_8_row_runs_on_the_python_floor() -> None:
    requires = ngc.project_requires_python(ROOT)
    assert requires == ">=3.8"
    for row in MATRIX.ngc:
        assert ngc.python_problem(row, requires) is None, row.key
    for row in MATRIX.jetson:
        if Version(row.python) >= Version("3.8"):
            assert ngc.python_problem(row, requires) is None, row.key
        else:  # JetPack 4.6: Python 3.6
            problem = ngc.python_problem(row, requires)
            assert problem is not None
            assert f"JetPack {row.jetpack}" in problem
            assert f"Python {row.python}" in problem
            assert "below trtcompat's floor" in problem


def test_jetson_rows() -> None:
    assert [row.jetpack for row in MATRIX.jetson] == ["4.6", "5.1", "6.0", "6.2", "7.0"]
    by_line = {row.jetpack: row for row in MATRIX.jetson}
    expected = {"5.1": ("8.5.2", "11.4", "3.8"), "6.0": ("8.6.2", "12.2", "3.10"),
                "6.2": ("10.3", "12.6", "3.10")}
    for jetpack, (version, cuda, python) in expected.items():
        row = by_line[jetpack]
        assert row.version.startswith(version), jetpack
        assert (row.cuda, row.python) == (cuda, python), jetpack
    for row in MATRIX.jetson:
        assert JETSON_IMAGE_RE.match(row.image), row.image
        assert re.fullmatch(r"\d+\.\d+\.\d+", row.l4t)
        assert row.version == row.trt or row.version.startswith(row.trt + ".")
        assert row.source.startswith("https://")
        if not row.confirmed:
            assert row.note


# The last numpy / ml_dtypes release with a binary wheel for each Python an image ships
# (PyPI, checked with `pip download --only-binary=:all: --python-version X`).
WHEELS = {
    "3.8": {"numpy": "1.24.4", "ml_dtypes": "0.2.0"},
    "3.10": {"numpy": "2.2.6", "ml_dtypes": "0.5.1"},
    "3.12": {"numpy": "2.2.6", "ml_dtypes": "0.5.1"},
}
# Lowest releases with a wheel for that Python: a floor below them would send pip to an sdist.
FIRST_WHEELS = {
    "3.8": {"numpy": "1.17.3", "ml_dtypes": "0.2.0"},
    "3.10": {"numpy": "1.21.2", "ml_dtypes": "0.2.0"},
    "3.12": {"numpy": "1.26.0", "ml_dtypes": "0.3.0"},
}


def _all_rows() -> list[object]:
    return [*MATRIX.ngc, *MATRIX.jetson]


@pytest.mark.parametrize("row", _all_rows(), ids=lambda r: f"{type(r).__name__}-{r.key}")
def test_install_requirements_per_row(row: object) -> None:
    if Version(row.python) < Version("3.8"):  # type: ignore[attr-defined]
        return  # stops before installing (test_every_tensorrt_8_row_runs_on_the_python_floor)
    requirements = ngc.install_requirements(row)
    project, *core = requirements
    extras = set(project[len(".["):-1].split(","))
    assert project.startswith(".[") and "test" in extras
    (backend,) = extras - {"test"}
    optional = ngc.tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    assert backend in optional, f"{backend} is not an extra in pyproject.toml"
    cuda_major = Version(row.cuda).major  # type: ignore[attr-defined]
    if backend.startswith("cuda"):
        # cuda-python's cudart has to be the image's CUDA major.
        (req,) = [Requirement(r) for r in optional[backend]]
        assert req.name == "cuda-python"
        assert req.specifier.contains(f"{cuda_major}.9.0")
        assert not req.specifier.contains(f"{cuda_major + 1}.0.0")
        assert not req.specifier.contains(f"{cuda_major - 1}.9.0")
    else:
        assert backend == "pycuda" and row.jetson, "pycuda only where a wheel cannot fit"  # type: ignore[attr-defined]
    if cuda_major == 11 and not row.jetson:  # type: ignore[attr-defined]
        assert backend == "cuda11"
    by_name = {Requirement(r).name.replace("-", "_"): Requirement(r) for r in core}
    assert set(by_name) == {"numpy", "ml_dtypes", "packaging"}
    python = row.python  # type: ignore[attr-defined]
    for name in ("numpy", "ml_dtypes"):
        spec = by_name[name].specifier
        assert spec.contains(WHEELS[python][name]), (python, name, str(spec))
        floor = Version(next(s.version for s in spec if s.operator == ">="))
        assert floor >= Version(FIRST_WHEELS[python][name]), (python, name, str(spec))


@pytest.mark.parametrize("row", MATRIX.ngc, ids=lambda r: r.trt)
def test_ngc_row_fields(row: object) -> None:
    assert IMAGE_RE.match(row.image), row.image  # type: ignore[attr-defined]
    trt, version = row.trt, row.version  # type: ignore[attr-defined]
    assert re.fullmatch(r"\d+\.\d+", trt)
    # The expected version is the line itself or a more precise release of it.
    assert version == trt or version.startswith(trt + "."), (trt, version)
    assert re.fullmatch(r"\d+\.\d+(\.\d+)*", row.cuda)  # type: ignore[attr-defined]
    assert re.fullmatch(r"3\.\d+", row.python)  # type: ignore[attr-defined]
    assert row.source.startswith("https://")  # type: ignore[attr-defined]
    assert isinstance(row.confirmed, bool)  # type: ignore[attr-defined]
    if not row.confirmed:  # type: ignore[attr-defined]
        assert row.note, "an unconfirmed row must say what is and is not known"  # type: ignore[attr-defined]


def test_ngc_rows_sorted_and_unique() -> None:
    versions = [Version(row.version) for row in MATRIX.ngc]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions), "duplicate TensorRT release"
    keys = [row.key for row in MATRIX.ngc]
    assert len(set(keys)) == len(keys), "duplicate nox parameter"
    images = [row.image for row in MATRIX.ngc]
    assert len(set(images)) == len(images), "two lines claim the same image"
    # Newer TensorRT lines ship in newer (or equal) monthly images.
    tags = [row.image.rsplit(":", 1)[1] for row in MATRIX.ngc]
    assert tags == sorted(tags)


def test_pip_requirements_name_the_row_version() -> None:
    for row in MATRIX.ngc:
        if Version(row.trt) < Version("8.6"):
            assert row.pip == "", f"{row.trt}: no pip route exists before 8.6"
        elif row.pip:
            name, _, pinned = row.pip.partition("==")
            assert name in {"tensorrt", "tensorrt-cu12", "tensorrt-cu13"}
            assert pinned.startswith(row.trt + "."), (row.trt, row.pip)


@pytest.mark.parametrize("row", _all_rows_for_bindings(), ids=lambda r: r.key)
def test_bindings_pin_the_rows_release(row: object) -> None:
    # PyPI's full bindings start at tensorrt-bindings 8.6.1: older rows rehearse on the fake.
    trt, bindings = Version(row.trt), row.bindings  # type: ignore[attr-defined]
    if trt < Version("8.6"):
        assert bindings == "", f"{row.key}: PyPI has no bindings before 8.6.1"  # type: ignore[attr-defined]
        return
    requirement = Requirement(bindings)
    (spec,) = requirement.specifier
    assert spec.operator == "=="
    pinned = Version(spec.version)
    assert (pinned.major, pinned.minor) == (trt.major, trt.minor), bindings
    expected_name = ("tensorrt-bindings" if trt.major == 8
                     else f"tensorrt-cu{Version(row.cuda).major}-bindings")  # type: ignore[attr-defined]
    assert requirement.name == expected_name
    pip = getattr(row, "pip", "")
    if pip and version_matches(str(pinned), row.version):  # type: ignore[attr-defined]
        # Where PyPI has the image's own build, the pip route names that build too.
        assert pip.partition("==")[2] == str(pinned), (pip, bindings)


def test_real_wheel_rows() -> None:
    ids = [row.id for row in MATRIX.real_wheel]
    assert len(set(ids)) == len(ids)
    requirements = {row.requirement for row in MATRIX.real_wheel}
    for required in (
        "tensorrt-lean-cu12==10.15.1.29",
        "tensorrt-lean-cu12==10.16.1.11",
        "tensorrt-dispatch-cu12==10.16.1.11",
        "tensorrt-lean-cu13==11.4.0.106",
    ):
        assert required in requirements
    assert any(r.startswith("tensorrt-lean-cu13==11.0.") for r in requirements)
    for row in MATRIX.real_wheel:
        name, _, version = row.requirement.partition("==")
        flavour = name.split("-")[1]  # lean / dispatch
        assert row.module == f"tensorrt_{flavour}"
        assert version == row.version
        # -libs are binary wheels on PyPI only from 10.15.1.29 (see matrix.toml).
        assert Version(version) >= Version("10.15.1.29")


def test_oracle_rows() -> None:
    releases = [row.release for row in MATRIX.oracle]
    assert len(set(releases)) == len(releases)
    assert releases == sorted(releases, key=Version)  # oldest first, as nox lists them
    assert releases[0] == "8.6.1"
    minors = {(Version(r).major, Version(r).minor) for r in releases}
    # Every 10.x and 11.x minor PyPI has a bindings wheel of (10.0 ... 10.16, 11.0 ... 11.4).
    assert {(10, m) for m in range(17)} | {(11, m) for m in range(5)} <= minors
    for row in MATRIX.oracle:
        name, _, pinned = row.requirement.partition("==")
        assert pinned == row.release, row
        expected = "tensorrt-bindings" if row.release.startswith("8.") else "tensorrt-cu12-bindings"
        assert name == expected, row
        assert Version(row.python) >= Version("3.8") and Version(row.python) <= Version("3.13")
        # Wheels: 8.6.1 cp38-cp311; 10.0-10.8 up to cp312; 10.9 on up to cp313.
        if row.release.startswith("8."):
            assert Version(row.python) <= Version("3.11"), row
        elif Version(row.release) < Version("10.9"):
            assert Version(row.python) <= Version("3.12"), row


def test_hosted_ci_sets_up_every_python_the_cpu_sessions_need() -> None:
    workflow = (ROOT / "ci" / "github" / "gpu-matrix.yml").read_text()
    cpu_job = workflow.split("\n  rows:")[0]
    versions = set(re.findall(r"^\s+(3\.\d+)$", cpu_job, flags=re.M))
    assert {"3.8", "3.13"} | {row.python for row in MATRIX.oracle} <= versions


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "matrix.toml"
    text = (ROOT / "ci" / "matrix.toml").read_text()
    bad.write_text(text.replace("confirmed =", "cofirmed =", 1))
    with pytest.raises(ValueError, match="unknown keys"):
        ngc.load_matrix(bad)


def test_nox_sessions_are_parametrized_from_the_matrix() -> None:
    # `nox -l` is the public view of the parametrization (and of the exact session ids).
    pytest.importorskip("nox")
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-l", "--no-color"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    listed_ngc = re.findall(r"^[*-] (ngc\(.*?\)) ", proc.stdout, flags=re.M)
    assert listed_ngc == [ngc.ngc_session_name(t) for t in ngc.ngc_ids(MATRIX)]
    assert re.search(r"^- ngc\(trt='8\.6'\) \[gpu,container\]", proc.stdout, flags=re.M), (
        "ngc must be tagged gpu,container and not selected by a plain `nox`"
    )
    listed_real = re.findall(r"^[*-] real\(wheel='(.*?)'\) \[cpu\]", proc.stdout, flags=re.M)
    assert listed_real == [row.id for row in MATRIX.real_wheel]
    listed_oracle = re.findall(r"^\* oracle\((.*?)\) \[cpu\]", proc.stdout, flags=re.M)
    assert listed_oracle == [row.release for row in MATRIX.oracle]
    listed_jetson = re.findall(r"^- (jetson\(.*?\)) \[jetson,container\]", proc.stdout,
                               flags=re.M)
    assert listed_jetson == [ngc.jetson_session_name(j) for j in ngc.jetson_ids(MATRIX)]
    # One rehearsal per ngc and jetson row, in the cpu tag (CI rehearses every row).
    listed_rehearse = re.findall(r"^\* rehearse\((.*?)\) \[cpu\]", proc.stdout, flags=re.M)
    assert listed_rehearse == [f"ngc-{r.key}" for r in MATRIX.ngc] + [
        f"jetson-{r.key}" for r in MATRIX.jetson]
    # The suite and the type check run on the oldest and the newest supported Python.
    for name in ("tests", "typecheck"):
        assert re.search(rf"^\* {name}-3\.8 \[cpu\]", proc.stdout, flags=re.M), name
        assert re.search(rf"^\* {name}-3\.1[3-9] \[cpu\]", proc.stdout, flags=re.M), name


def test_github_matrix_json() -> None:
    assert json.loads(ngc.github_matrix_json(MATRIX)) == [row.key for row in MATRIX.ngc]
    jetson = json.loads(ngc.github_matrix_json(MATRIX, family="jetson"))
    assert jetson == [r.jetpack for r in MATRIX.jetson if Version(r.python) >= Version("3.8")]
    assert "4.6" not in jetson  # below the floor: its session only says so
    workflow = (ROOT / "ci" / "github" / "gpu-matrix.yml").read_text()
    # The workflow derives the rows; it must not repeat the table.
    for row in _all_rows():
        assert row.image not in workflow  # type: ignore[attr-defined]
    assert "ci/ngc.py github-matrix" in workflow
    assert "ci/ngc.py github-jetson-matrix" in workflow
    assert "runs-on: [self-hosted, linux, arm64, jetson]" in workflow
    assert "jetson(jetpack=" in workflow
    assert workflow.count("fail-fast: false") == 2


def test_render_support_table() -> None:
    table = ngc.render_support_table(MATRIX)
    lines = table.splitlines()
    assert lines[0] == "| TensorRT | NGC image | CUDA | Python |"
    assert lines[1] == "|---|---|---|---|"
    assert len(lines) == 2 + len(MATRIX.ngc)
    for line, row in zip(lines[2:], MATRIX.ngc):
        assert line == f"| {row.version} | `{row.image}` | {row.cuda} | {row.python} |"
    jetson = ngc.render_jetson_table(MATRIX).splitlines()
    assert jetson[0] == "| JetPack | L4T | TensorRT | image | CUDA | Python |"
    assert len(jetson) == 2 + len(MATRIX.jetson)
    for line, r in zip(jetson[2:], MATRIX.jetson):
        assert line == f"| {r.jetpack} | {r.l4t} | {r.version} | `{r.image}` | {r.cuda} | {r.python} |"


@pytest.mark.parametrize("doc", [README, MATRIX_DOC], ids=["README", "MATRIX"])
def test_docs_tables_match_matrix(doc: Path) -> None:
    # Regenerate with `python ci/ngc.py support-table` / `jetson-table`.
    text = doc.read_text(encoding="utf-8")
    assert ngc.extract_support_table(text) == ngc.render_support_table(MATRIX)
    jetson = ngc.extract_support_table(text, ngc.JETSON_TABLE_START, ngc.JETSON_TABLE_END)
    assert jetson == ngc.render_jetson_table(MATRIX)


def test_extract_support_table_detects_drift() -> None:
    table = ngc.render_support_table(MATRIX)
    readme = f"# x\n{ngc.TABLE_START}\n{table}\n{ngc.TABLE_END}\nmore\n"
    assert ngc.extract_support_table(readme) == table
    stale = readme.replace(MATRIX.ngc[-1].cuda, "0.0", 1)
    assert ngc.extract_support_table(stale) != table
    with pytest.raises(ValueError, match="support-table"):
        ngc.extract_support_table("# no markers\n")
