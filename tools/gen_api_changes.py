"""Write ``trtcompat/_api_changes.py`` from the surfaces in ``tests/data/surfaces/``.

Two sources, merged by :func:`merge`: ``tensorrt-imported-members.json`` (NVIDIA's bindings
wheel of every release that has one, 8.6.1 and every 10.x / 11.x, imported on CPU by
``nox -s oracle``) wins for the releases it covers; ``tensorrt-all-members.json`` (the
pybind sources of each release branch) speaks for the rest (8.0 ... 8.5, 9.3) and for
deprecation marks, which importing cannot see.

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
IMPORTED = ROOT / "tests" / "data" / "surfaces" / "tensorrt-imported-members.json"

OUT = ROOT / "trtcompat" / "_api_changes.py"
FORMS_OUT = ROOT / "trtcompat" / "testing" / "_real_forms.py"

_HEADER = '''"""When each TensorRT Python name changed: generated, do not edit.

Written by ``tools/gen_api_changes.py`` from ``tests/data/surfaces/``: NVIDIA's imported
bindings of every release with a PyPI wheel (8.6.1, 10.0 ... 11.4: presence and form), and the
pybind11 sources of NVIDIA/TensorRT at each ``release/x.y`` branch (8.0 ... 8.5, 9.3, and the
deprecation marks). Class ``tensorrt`` holds the module's own names (functions and classes).

``CHANGES[cls][member] = (added, deprecated, readonly, removed)``: the first examined release
that has the member (None: 8.0 or older), whose binding warns or whose enumerator is
deprecated (None: never, or not at its last release), where a settable property became
read-only, and without it (None: still in 11.4). Members present and unchanged from 8.0 to
11.4 are not listed. A member named ``name(str)`` is one overload (``ICudaEngine.__getitem__``
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
            entry = _member_change(branches, present, kinds)
            if entry != (None, None, None, None):
                out.setdefault(cls, {})[member] = entry
    return out


def _member_change(branches: list[str], present: list[str], kinds: dict[str, str]) -> tuple:
    """``(added, deprecated, readonly, removed)`` of a member present in ``present``
    (the branches where it is bound or its class is an alias: ``kinds`` lacks those)."""
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
    return (added, deprecated, readonly, removed)


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


def _version_key(branch: str) -> tuple[int, ...]:
    return tuple(int(part) for part in branch.split("."))


def _deprecated(kinds: dict[str, str], source_branches: list[str], branch: str) -> bool:
    """Whether the newest source branch at or before ``branch`` marks the member deprecated.

    A binding that warns in release/10.1 still warns in 10.2, which has no branch examined.
    """
    older = [b for b in source_branches if _version_key(b) <= _version_key(branch)]
    return bool(older) and kinds.get(older[-1], "").endswith("*DEP*")


def merge(source: dict, imported: dict) -> dict:
    """One surfaces document: the imported releases where they exist, the sources elsewhere.

    A member the sources never name (``py::bind_vector`` classes, what the extractor's
    patterns miss), or name wrongly (present where the imported release of the same branch
    lacks it, or the reverse), takes, in the source-only releases before the first imported one, the
    form the first imported release has: its absence there says nothing. Deprecation marks
    (``*DEP*``) come from the sources' branch of the same release, or the newest before it.
    An overload entry (``__getitem__(str)``) and the old members of a class that became a
    module alias (``ResizeMode``) keep the sources' dates.
    """
    merging = _Merge(source, imported)
    members: dict[str, dict[str, dict[str, str]]] = {}
    for cls in sorted(set(source["members"]) | set(imported["members"])):
        src = source["members"].get(cls, {})
        imp = imported["members"].get(cls, {})
        for member in sorted(set(src) | set(imp)):
            merged = merging.member(cls, member, src.get(member, {}), imp.get(member, {}))
            if merged:
                members.setdefault(cls, {})[member] = merged
    return {"branches": merging.branches, "members": members}


class _Merge:
    """:func:`merge` of one sources document and one imported document, member by member."""

    def __init__(self, source: dict, imported: dict) -> None:
        self.source_branches: list[str] = source["branches"]
        self.imported_branches: list[str] = imported["branches"]
        self.branches = sorted(set(self.source_branches) | set(self.imported_branches),
                               key=_version_key)
        self.first_imported = self.imported_branches[0]
        # Classes the sources show as a module alias of their successor in some release
        # (``ResizeMode`` = InterpolationMode, 8.5-9.3): the sources name no members of an
        # alias (``changes`` lends them its successor's), so their silence there is no
        # disagreement, and their old members stay dated by the sources (pybind's own dunders
        # excepted, which no source names).
        self.aliases = {c for c, kinds in source["members"].get("tensorrt", {}).items()
                        if "alias" in kinds.values()}

    def member(self, cls: str, member: str, src_kinds: dict[str, str],
               imp_kinds: dict[str, str]) -> dict[str, str]:
        """``{branch: kind}`` of one member, from its sources' and imported kinds."""
        # ``name(str)`` is one overload: importing lists members, not overloads, so
        # the sources speak for it in every release.
        use_imported = "(" not in member
        marks = src_kinds
        both = set(self.source_branches) & set(self.imported_branches)
        if (use_imported and cls not in self.aliases
                and any((b in src_kinds) != (b in imp_kinds) for b in both)):
            # The sources and the imported module disagree about one release: the
            # extractor misread this member (a pattern it cannot see, or a neighbour's
            # binding), so its word on the other releases is dropped too.
            src_kinds = {}
        merged: dict[str, str] = {}
        for branch in self.branches:
            if not use_imported:
                kind = src_kinds.get(branch)
            elif branch in self.imported_branches:
                kind = self._imported_kind(imp_kinds, marks, branch)
            elif (not src_kinds and (cls not in self.aliases or member.startswith("__"))
                  and _version_key(branch) < _version_key(self.first_imported)):
                kind = imp_kinds.get(self.first_imported)
            else:
                kind = src_kinds.get(branch)
            if kind is not None:
                merged[branch] = kind
        return merged

    def _imported_kind(self, imp_kinds: dict[str, str], marks: dict[str, str],
                       branch: str) -> str | None:
        # The imported release's kind, with the sources' deprecation mark of its branch.
        kind = imp_kinds.get(branch)
        if kind is not None and _deprecated(marks, self.source_branches, branch):
            kind += "*DEP*"
        return kind


_FORMS_HEADER = '''"""How runtime and builder members are called, per release: generated.

Written by ``tools/gen_api_changes.py`` from ``tests/data/surfaces/``
``tensorrt-imported-members.json`` (NVIDIA's bindings of 8.6.1 and every 10.x / 11.x
release, imported on CPU). Which release has a member is the version table's word
(``trtcompat._api_changes``); this says how it is called there, for the fakes' stand-ins
(``_inert.py``).

``FORMS["Class.member"] = ((since, kind, overloads, returns), ...)``: from release ``since``
on (until the next entry), the member is a ``def`` / ``property`` / ``property_readonly``
whose overloads take ``((param, default or None), ...)`` and which returns ``returns``
(pybind's type name). Releases before the first entry (8.0 ... 8.5) use the first.

``VALUES[enum][member] = ((since, value), ...)``: the member's integer value from release
``since`` on (NvInfer.h renumbers an enum when a member goes: ``BuilderFlag.REFIT`` is 5 in
8.6, 4 from 10.0). Releases before the first entry use the first (8.x appended members).
"""

# ruff: noqa: E501  (generated data: one entry per line)
from __future__ import annotations

FORMS: dict[
    str, tuple[tuple[str, str, tuple[tuple[tuple[str, str | None], ...], ...], str], ...]
] = {
'''


def render_forms(forms: dict[str, list[list]], values: dict[str, dict[str, list]]) -> str:
    """The source of ``trtcompat/testing/_real_forms.py``."""
    def text(value: object) -> str:  # Python literals with the house's double quotes
        if isinstance(value, (list, tuple)):
            inner = ", ".join(text(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        return "None" if value is None else json.dumps(value)

    lines = [_FORMS_HEADER]
    for key in sorted(forms):
        lines.append(f"    {json.dumps(key)}: (\n")
        for entry in forms[key]:
            lines.append(f"        {text(entry)},\n")
        lines.append("    ),\n")
    lines.append("}\n\n")
    lines.append("VALUES: dict[str, dict[str, tuple[tuple[str, int], ...]]] = {\n")
    for enum in sorted(values):
        lines.append(f"    {json.dumps(enum)}: {{\n")
        for member in sorted(values[enum]):
            lines.append(f"        {json.dumps(member)}: {text(values[enum][member])},\n")
        lines.append("    },\n")
    lines.append("}\n")
    return "".join(lines)


def main() -> int:
    imported = json.loads(IMPORTED.read_text())
    document = merge(json.loads(SURFACES.read_text()), imported)
    OUT.write_text(render(changes(document)))
    FORMS_OUT.write_text(render_forms(imported["forms"], imported["values"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
