"""Write ``trtcompat/_api_changes.py`` from ``tests/data/surfaces/tensorrt-all-members.json``.

Usage: ``python tools/gen_api_changes.py`` (from the repository root). A test
(``tests/test_migrate_table.py``) recomputes the table from the JSON and fails when the
generated module is stale.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SURFACES = ROOT / "tests" / "data" / "surfaces" / "tensorrt-all-members.json"
OUT = ROOT / "trtcompat" / "_api_changes.py"

_HEADER = '''"""When each TensorRT Python name changed: generated, do not edit.

Written by ``tools/gen_api_changes.py`` from ``tests/data/surfaces/tensorrt-all-members.json``
(the pybind11 sources of NVIDIA/TensorRT at each ``release/x.y`` branch, 8.0 ... 11.1). Class
``tensorrt`` holds the module's own names (functions and classes).

``CHANGES[cls][member] = (added, deprecated, readonly, removed)``: the first examined release
branch that has the member (None: 8.0 or older), whose binding warns or whose enumerator is
deprecated (None: never, or not at its last release), where a settable property became
read-only, and without it (None: still in 11.1). Members present and unchanged from 8.0 to
11.1 are not listed. A member named ``name(str)`` is one overload (``ICudaEngine.__getitem__``
by tensor name), where the member itself stays; a class kept as a module alias of its
successor (``ResizeMode``, ``SliceMode``) keeps its members until the alias goes.
"""

from __future__ import annotations

CHANGES: dict[str, dict[str, tuple[str | None, str | None, str | None, str | None]]] = {
'''


def changes(document: dict) -> dict[str, dict[str, tuple]]:
    """``{cls: {member: (added, deprecated, readonly, removed)}}`` from the surfaces JSON."""
    branches = document["branches"]
    module = document["members"].get("tensorrt", {})
    out: dict[str, dict[str, tuple]] = {}
    for cls, members in document["members"].items():
        # A class kept as a module alias of its successor (``m.attr("ResizeMode") =
        # m.attr("InterpolationMode")``, 8.5-9.3) still answers its members there.
        aliased = {b for b, kind in module.get(cls, {}).items() if kind == "alias"}
        for member, kinds in members.items():
            present = [b for b in branches if b in kinds or (b in aliased and cls != "tensorrt")]
            first, last = present[0], present[-1]
            added = None if first == branches[0] else first
            removed = None if last == branches[-1] else branches[branches.index(last) + 1]
            deprecated = None
            for branch in reversed(present):
                if not kinds.get(branch, "alias").endswith("*DEP*"):
                    break
                deprecated = branch
            readonly = None
            shapes = [kinds.get(b, "alias").split("*")[0] for b in present]
            for before, after, branch in zip(shapes, shapes[1:], present[1:]):
                if before == "property" and after == "property_readonly":
                    readonly = branch
            entry = (added, deprecated, readonly, removed)
            if entry != (None, None, None, None):
                out.setdefault(cls, {})[member] = entry
    return out


def render(table: dict[str, dict[str, tuple]]) -> str:
    lines = [_HEADER]
    for cls in sorted(table):
        lines.append(f'    "{cls}": {{\n')
        for member in sorted(table[cls]):
            values = ", ".join("None" if v is None else f'"{v}"' for v in table[cls][member])
            lines.append(f'        "{member}": ({values}),\n')
        lines.append("    },\n")
    lines.append("}\n")
    return "".join(lines)


def main() -> int:
    OUT.write_text(render(changes(json.loads(SURFACES.read_text()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
