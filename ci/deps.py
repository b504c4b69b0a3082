"""trtcompat's core requirements as pyproject.toml states them, for one target Python.

The floors live in one place, ``[project] dependencies`` (with a marker per Python where
the lowest binary wheel differs). nox's lowest-dependency session pins them, and the
container sessions install what applies to the image's Python; both read them here.
Uses the standard library plus ``packaging``; never imports trtcompat.
"""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - pytest and nox both depend on tomli before 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def project_table(root: Path = ROOT) -> dict[str, object]:
    """``[project]`` of pyproject.toml."""
    with open(root / "pyproject.toml", "rb") as f:
        return dict(tomllib.load(f)["project"])


def core_requirements(python: str, root: Path = ROOT) -> list[Requirement]:
    """The core dependencies whose marker holds on Python ``python`` (``"3.8"``), unmarked."""
    deps = project_table(root)["dependencies"]
    assert isinstance(deps, list)
    chosen = []
    for text in deps:
        req = Requirement(str(text))
        if req.marker is None or req.marker.evaluate({"python_version": python,
                                                      "python_full_version": f"{python}.0"}):
            req.marker = None
            chosen.append(req)
    return chosen


def floor(req: Requirement) -> str:
    """The lowest version ``req`` admits through a ``>=`` clause; ValueError without one."""
    lows = [spec.version for spec in req.specifier if spec.operator == ">="]
    if len(lows) != 1:
        raise ValueError(f"{req}: expected exactly one '>=' floor in pyproject.toml")
    return lows[0]


def lowest_pins(python: str, names: tuple[str, ...], root: Path = ROOT) -> list[str]:
    """``["numpy==1.21", ...]``: the floors of ``names`` for ``python``, as pip pins."""
    by_name = {req.name.replace("_", "-").lower(): req for req in core_requirements(python, root)}
    pins = []
    for name in names:
        req = by_name[name.replace("_", "-").lower()]
        pins.append(f"{req.name}=={floor(req)}")
    return pins


__all__ = ["core_requirements", "floor", "lowest_pins", "project_table"]
