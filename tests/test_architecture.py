"""The import rules of docs/ARCHITECTURE.md hold in the code: each unit imports only the units
its row of the page's layer table allows (the page is the source: this test parses it), so a
layer cannot start reaching past the family layer (or into the fakes) without that page
saying so."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "trtcompat"
PAGE = ROOT / "docs" / "ARCHITECTURE.md"
_NAME = re.compile(r"`([^`]+)`")


def _row_unit(cell: str) -> str:
    # "`errors.py`" -> errors, "`_family/`" -> _family, "`__init__.py`" -> trtcompat.
    name = _NAME.findall(cell)[0].rstrip("/")
    name = name[: -len(".py")] if name.endswith(".py") else name
    return "trtcompat" if name == "__init__" else name


def page_rules(text: str) -> dict[str, set[str]]:
    """unit -> the units it may import, read from the page's layer table."""
    section = text.split("\n## The layers\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    rows = [line for line in lines if line.startswith("| `")]
    rules: dict[str, set[str]] = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        unit, allowed = _row_unit(cells[0]), cells[-1]
        assert unit not in rules, f"two rows for {unit}"
        rules[unit] = set() if allowed == "—" else set(_NAME.findall(allowed))
    return rules


# unit -> the units it may import (docs/ARCHITECTURE.md, "The layers").
ALLOWED = page_rules(PAGE.read_text(encoding="utf-8"))


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


def _units() -> set[str]:
    modules = (p.relative_to(PACKAGE.parent).with_suffix("").parts for p in PACKAGE.rglob("*.py"))
    return {_unit(".".join(m[:-1] if m[-1] == "__init__" else m)) for m in modules}


def test_every_unit_has_a_row() -> None:
    assert _units() - set(ALLOWED) == set()


def test_every_row_and_permission_names_a_unit() -> None:
    # A renamed or deleted module leaves no stale row or permission on the page.
    units = _units()
    assert set(ALLOWED) - units == set()
    assert {unit: sorted(names - units) for unit, names in ALLOWED.items() if names - units} == {}


def test_the_page_is_parsed_as_written() -> None:
    # The parser reads rows, notes and the "—" cell the way the page writes them.
    table = """# page

## The layers

| unit | job | may import |
|---|---|---|
| `errors.py` | exceptions (`TrtCompatError`) | — |
| `_family/` | families; `bindings.py` | `_dtypes`, `errors` |
| `__init__.py` | public names | `errors` |

## Next
| `not_a_row` | x | `y` |
"""
    assert page_rules(table) == {
        "errors": set(),
        "_family": {"_dtypes", "errors"},
        "trtcompat": {"errors"},
    }


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


def test_the_walk_throughs_name_files_that_exist() -> None:
    # The three walk-throughs stay true at least in the files they send a newcomer to (a
    # file to be created is named with its new release or a <placeholder>).
    text = PAGE.read_text(encoding="utf-8").split("## What a change touches today", 1)[1]
    named = {n for n in _NAME.findall(text) if n.endswith((".py", ".md", ".toml", ".json"))}
    named |= {n for n in _NAME.findall(text) if n.endswith("/") or "/" in n.split(" ")[0]}
    paths = {n.split(" ")[-1] for n in named if "<" not in n and "12" not in n}
    missing = sorted(
        p for p in paths if not (ROOT / p).exists() and not (PACKAGE / p).exists()
    )
    assert len(paths) > 20 and missing == []
