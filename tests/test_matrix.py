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
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
IMAGE_RE = re.compile(r"^nvcr\.io/nvidia/tensorrt:\d\d\.\d\d-py3$")
README = ROOT / "README.md"


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


def test_rows_exist_for_every_required_line() -> None:
    lines = [row.trt for row in MATRIX.ngc]
    for required in ("8.0", "8.2", "8.4", "8.5", "8.6", "10.0"):
        assert required in lines
    majors = {Version(t).major for t in lines}
    assert {8, 10, 11} <= majors
    assert any(Version(t) >= Version("11.0") for t in lines if Version(t).major == 11)


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
    versions = [Version(row.trt) for row in MATRIX.ngc]
    assert versions == sorted(versions)
    assert len(set(versions)) == len(versions), "duplicate TensorRT line"
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


def test_github_matrix_json() -> None:
    assert json.loads(ngc.github_matrix_json(MATRIX)) == [row.trt for row in MATRIX.ngc]
    workflow = (ROOT / "ci" / "github" / "gpu-matrix.yml").read_text()
    # The workflow derives the rows; it must not repeat the table.
    for row in MATRIX.ngc:
        assert row.image not in workflow
    assert "ci/ngc.py github-matrix" in workflow
    assert "fail-fast: false" in workflow


def test_render_support_table() -> None:
    table = ngc.render_support_table(MATRIX)
    lines = table.splitlines()
    assert lines[0] == "| TensorRT | NGC image | CUDA | Python |"
    assert lines[1] == "|---|---|---|---|"
    assert len(lines) == 2 + len(MATRIX.ngc)
    for line, row in zip(lines[2:], MATRIX.ngc):
        assert line == f"| {row.trt} | `{row.image}` | {row.cuda} | {row.python} |"


def test_readme_support_table_matches_matrix() -> None:
    if not README.exists():
        pytest.skip("README.md does not exist yet")
    text = README.read_text(encoding="utf-8")
    # Once the README exists, the table must be there and current: regenerate it with
    # `python ci/ngc.py support-table`.
    assert ngc.extract_support_table(text) == ngc.render_support_table(MATRIX)


def test_extract_support_table_detects_drift() -> None:
    table = ngc.render_support_table(MATRIX)
    readme = f"# x\n{ngc.TABLE_START}\n{table}\n{ngc.TABLE_END}\nmore\n"
    assert ngc.extract_support_table(readme) == table
    stale = readme.replace(MATRIX.ngc[-1].cuda, "0.0", 1)
    assert ngc.extract_support_table(stale) != table
    with pytest.raises(ValueError, match="support-table"):
        ngc.extract_support_table("# no markers\n")
