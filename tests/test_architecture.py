"""The import rules of docs/ARCHITECTURE.md hold in the code: each unit imports only the units
its row allows, so a layer cannot start reaching past the family layer (or into the fakes)
without this test and that page changing together."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "trtcompat"
PACKAGES = ("_family", "runtime", "cli", "backends", "migrate", "testing", "legacy", "build")
CORE = {
    "errors",
    "_compat",
    "_api_changes",
    "_versions",
    "_detect",
    "_dtypes",
    "iotensor",
    "_trtlog",
    "_planprefix",
}
UPPER = CORE | {
    "plan",
    "discovery",
    "_family",
    "_dispatch",
    "engine",
    "backends",
    "runtime",
    "legacy",
}

# unit -> the units it may import (docs/ARCHITECTURE.md, "The layers").
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "_compat": set(),
    "_api_changes": set(),
    "_version": set(),
    "_versions": {"_api_changes", "_compat"},
    "_detect": {"errors"},
    "_trtlog": set(),
    "_planprefix": set(),
    "discovery": {"_detect", "_versions", "_compat", "errors"},
    "_dtypes": {"errors"},
    "iotensor": {"_dtypes", "_compat", "errors"},
    "plan": {"_planprefix", "errors"},
    "_family": {"_dtypes", "iotensor", "_trtlog", "errors"},
    "_dispatch": {"_family", "_versions", "_detect", "discovery", "errors"},
    "engine": {
        "_dispatch",
        "_family",
        "_detect",
        "_trtlog",
        "discovery",
        "plan",
        "iotensor",
        "_planprefix",
        "errors",
    },
    "backends": {"errors"},
    "runtime": {"_dispatch", "_family", "backends", "iotensor", "_dtypes", "_compat", "errors"},
    "legacy": {"_dispatch", "_family", "engine", "iotensor", "errors"},
    "migrate": {"_api_changes", "legacy"},
    # build/ (plans from ONNX) sits beside runtime/: the core, the capability checks and plan.
    # build: the core, capability checks, plan, and engine (PlanStore.load).
    "build": CORE | {"plan", "_family", "_dispatch", "discovery", "engine"},
    "testing": UPPER - {"legacy"},
    "cli": UPPER | {"testing", "migrate", "_version", "build"},
    "__main__": {"cli"},
    # legacy, testing, migrate and cli are attributes loaded on first access (PEP 562).
    "trtcompat": UPPER | {"_version", "testing", "migrate", "cli", "build"},
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "trtcompat"


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module if parts[-1] == "__init__" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
                targets = (
                    [f"{prefix}.{a.name}" for a in node.names] if not node.module else [prefix]
                )
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trtcompat."):
                targets = [node.module or ""]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("trtcompat.")]
            for target in targets:
                source, dest = _unit(module), _unit(target)
                if source != dest and dest != "trtcompat":
                    found.setdefault(source, set()).add(dest)
    return found


def test_every_unit_has_a_row() -> None:
    modules = (p.relative_to(PACKAGE.parent).with_suffix("").parts for p in PACKAGE.rglob("*.py"))
    units = {_unit(".".join(m[:-1] if m[-1] == "__init__" else m)) for m in modules}
    assert units - set(ALLOWED) == set()


def test_imports_follow_the_layer_table() -> None:
    broken = {
        unit: sorted(targets - ALLOWED[unit])
        for unit, targets in _imports().items()
        if targets - ALLOWED[unit]
    }
    assert broken == {}


def test_the_rules_are_not_vacuous() -> None:
    # The walk sees relative and absolute imports alike (a broken walk would pass everything).
    found = _imports()
    assert {"_family", "backends", "_dispatch"} <= found["runtime"]
    assert "_api_changes" in found["migrate"] and "errors" in found["_family"]


def test_runtime_never_imports_build() -> None:
    # A process that only runs plans never loads the builder side (DESIGN: "runtime/ never
    # imports build/"); build/ does use the core.
    found = _imports()
    assert "build" not in ALLOWED["runtime"] and "build" not in found.get("runtime", set())
    assert {"_versions", "errors", "plan"} <= found["build"]
