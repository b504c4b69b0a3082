"""What the README and docs tell a new user to run, checked against the project: install
lines that can work (trtcompat is not on PyPI), extras that exist, the opt-in pytest plugin,
and the license the metadata names, in the wheel."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the test extra installs tomli before 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

#: Every text a user reads an install line in: the docs and the messages the code prints.
TEXTS = sorted(
    [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "trtcompat").rglob("*.py")]
)

#: ``pip install trtcompat``, ``pip install "trtcompat[migrate]"``: the name alone, which pip
#: looks up on PyPI, where trtcompat is not. ``./trtcompat``, a wheel or ``trtcompat @ URL``
#: do not match.
_FROM_PYPI = re.compile(
    r"""pip install\s+(?:-\S+\s+)*["']?trtcompat(?:\[[^\]]*\])?["']?(?![\w.\[-])(?!\s*@)"""
)


def _pyproject() -> dict[str, object]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return dict(tomllib.load(f)["project"])


def _extras() -> set[str]:
    extras = _pyproject()["optional-dependencies"]
    assert isinstance(extras, dict)
    return set(extras)


def _install_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Install", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_install_line_asks_pypi_for_trtcompat(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [m.group(0).strip() for m in _FROM_PYPI.finditer(text)]
    assert not found, f"{path.name}: trtcompat is not on PyPI, yet it says {found}"


def test_the_pypi_pattern_catches_what_it_must() -> None:
    for wrong in ("pip install trtcompat\n", 'pip install "trtcompat[migrate]"`',
                  "- run: pip install trtcompat", """with: pip install "trtcompat[migrate]"'"""):
        assert _FROM_PYPI.search(wrong), wrong
    for right in ('pip install "./trtcompat[cuda]"', "pip install ./trtcompat ",
                  'pip install "trtcompat[migrate] @ git+https://x/trtcompat.git"',
                  "pip install trtcompat-lean"):
        assert not _FROM_PYPI.search(right), right


def test_every_extra_in_an_install_line_exists_and_the_readme_lists_them_all() -> None:
    extras = _extras()
    named: set[str] = set()
    for path in (ROOT / "README.md", *(ROOT / "docs").glob("*.md")):
        for bracket in re.findall(r"trtcompat(?:-\*\.whl\)|\])?\[([a-z0-9_,]+)\]",
                                  path.read_text(encoding="utf-8")):
            named.update(bracket.split(","))
    assert named and named <= extras, named - extras
    # the README's list: bullets that start with the extras' names, then a colon
    heads = re.findall(r"^- (`[^:]+`):", _install_section(), re.MULTILINE)
    listed = {name for head in heads for name in re.findall(r"`([a-z0-9]+)`", head)}
    assert extras - {"test", "dev"} == listed


def test_the_readme_says_pycuda_builds_from_source_and_what_it_needs() -> None:
    install = _install_section()
    pycuda = install.split("- `pycuda`:", 1)[1].split("\n- ", 1)[0]
    assert "from source" in pycuda and "`cuda.h`" in pycuda


def _pytest_fixtures(tmp_path: Path, *options: str) -> str:
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *options, "--fixtures"],
        capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def test_the_testing_doc_enables_the_fixture_the_way_that_works(tmp_path: Path) -> None:
    testing = (ROOT / "docs" / "TESTING.md").read_text(encoding="utf-8")
    assert "registered by installing" not in testing
    command = re.search(r"`pytest (-p trtcompat\.testing\.pytest_plugin) --fixtures`", testing)
    assert command, "docs/TESTING.md lost the command that lists the fixture"
    assert "fake_trt" in _pytest_fixtures(tmp_path, *command.group(1).split())
    assert "fake_trt" not in _pytest_fixtures(tmp_path)  # installing alone registers nothing


def test_the_license_is_apache_2_and_the_wheel_carries_it(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    text = (ROOT / "LICENSE").read_bytes()
    # The canonical text of https://www.apache.org/licenses/LICENSE-2.0.txt, unedited.
    assert hashlib.sha256(text).hexdigest() == (
        "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
    )
    project = _pyproject()
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    wheel = next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path),
                                                   versions=["standard"])))
    with zipfile.ZipFile(wheel) as archive:
        licenses = [n for n in archive.namelist() if "/licenses/" in n]
        assert [n.split("/licenses/")[1] for n in licenses] == ["LICENSE"]
        assert archive.read(licenses[0]) == text
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    assert "License-Expression: Apache-2.0" in lines and "License-File: LICENSE" in lines
