"""Extract the Python surface of every TensorRT release branch from its pybind11 sources.

Usage (from the repository root, with a clone of github.com/NVIDIA/TensorRT)::

    python tools/extract_surfaces.py TENSORRT_DIR >tests/data/surfaces/tensorrt-all-members.json

It reads ``python/src/**/*.cpp`` (pybind11 definitions) and ``include/NvInfer*.h`` (for enum
values marked ``TRT_DEPRECATED_ENUM``) at each ``release/x.y`` branch of a clone of
github.com/NVIDIA/TensorRT, and writes, for every class, enum and module function, the
branches in which it exists and how it is bound:

    {"branches": [...], "heads": {branch: sha}, "members": {class: {member: {branch: kind}}}}

where kind is ``def``, ``property``, ``property_readonly``, ``value``, or (under the
pseudo-class ``tensorrt``, the module itself) ``function`` / ``class``, with ``*DEP*`` appended
when the binding warns (``utils::deprecate*``) or the C++ enumerator is ``TRT_DEPRECATED_ENUM``;
``alias`` for a module name bound to another class (``m.attr("ResizeMode") = ...``), and an extra
``name(str)`` member for a dunder overload taking a string (``ICudaEngine.__getitem__(str)``).
Branches where a member is absent are left out. ``trtcompat/_api_changes.py`` is generated from
this file by ``tools/gen_api_changes.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

BRANCHES = (
    "8.0", "8.2", "8.4", "8.5", "8.6", "9.3", "10.0", "10.1", "10.3", "10.5", "10.8", "10.12",
    "10.16", "11.0", "11.1",
)  # fmt: skip
_OPEN = re.compile(r"py::(class_|enum_)<[^;]*?>\s*(?:\w+\s*)?[({]\s*m\s*,\s*\"(\w+)\"", re.S)
_MEMBER = re.compile(
    r"\.(def|def_static|def_property|def_property_readonly|def_readwrite|def_readonly|value"
    r"|def_property_readonly_static|def_readonly_static|def_property_static|def_readwrite_static)"
    r"\(\s*\"(\w+)\"(?:\s*,\s*(\w+)::(\w+))?"
)
_MODULE_FN = re.compile(r"\bm\.def\(\s*\"(\w+)\"")
# ``m.attr("ResizeMode") = m.attr("InterpolationMode")``: a deprecated module alias.
_ALIAS = re.compile(r"\bm\.attr\(\s*\"(\w+)\"\s*\)\s*=")
# An overload whose first argument after ``self`` is a string: ``engine["name"]``.
_STR_OVERLOAD = re.compile(
    r"^\.def\(\s*\"\w+\"\s*,\s*\[\]\s*\(\s*\w+\s*&\s*self\s*,\s*const std::string"
)
_DEP_ENUM = re.compile(r"\b(k\w+)\s+TRT_DEPRECATED_ENUM")
_ENUM = re.compile(r"enum\s+class\s+(\w+)[^{;]*\{(.*?)\};", re.S)
_KIND = {
    "def": "def",
    "def_static": "def",
    "def_property": "property",
    "def_readwrite": "property",
    "def_property_readonly": "property_readonly",
    "def_readonly": "property_readonly",
    "value": "value",
    "def_property_static": "property",
    "def_readwrite_static": "property",
    "def_property_readonly_static": "property_readonly",
    "def_readonly_static": "property_readonly",
}


def _git(repo: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", repo, *args], check=True, capture_output=True, text=True
    ).stdout


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _statement_end(text: str, start: int) -> int:
    """Index of the ';' that ends the statement starting at ``start`` (depth 0, no strings)."""
    depth, i, n = 0, start, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ";" and depth <= 0:
            return i
        i += 1
    return n


def _deprecated_enumerators(repo: str, branch: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in _git(repo, "ls-tree", "-r", "--name-only", f"release/{branch}", "include").split():
        if not path.endswith(".h"):
            continue
        text = _strip_comments(_git(repo, "show", f"release/{branch}:{path}"))
        for enum in _ENUM.finditer(text):
            found.update((enum.group(1), k) for k in _DEP_ENUM.findall(enum.group(2)))
    return found


def _surface(repo: str, branch: str) -> dict[str, dict[str, str]]:
    dep_enum = _deprecated_enumerators(repo, branch)
    names = _git(repo, "ls-tree", "-r", "--name-only", f"release/{branch}", "python/src").split()
    classes: dict[str, dict[str, str]] = {}
    for path in names:
        if not path.endswith(".cpp"):
            continue
        text = _strip_comments(_git(repo, "show", f"release/{branch}:{path}"))
        for fn in _MODULE_FN.finditer(text):
            classes.setdefault("tensorrt", {})[fn.group(1)] = "function"
        for alias in _ALIAS.finditer(text):
            classes.setdefault("tensorrt", {}).setdefault(alias.group(1), "alias")
        for match in _OPEN.finditer(text):
            cls = match.group(2)
            body = text[match.end() : _statement_end(text, match.start())]
            classes.setdefault("tensorrt", {})[cls] = "class"
            members = classes.setdefault(cls, {})
            hits = list(_MEMBER.finditer(body))
            for k, hit in enumerate(hits):
                how, name, scope, enumerator = hit.groups()
                chunk = body[hit.start() : hits[k + 1].start() if k + 1 < len(hits) else len(body)]
                kind = _KIND[how]
                if how == "def_property" and re.match(r"[^,]+,[^,]+,\s*nullptr", chunk):
                    kind = "property"  # write-only; still settable
                deprecated = "utils::deprecate" in chunk or (scope, enumerator) in dep_enum
                if name.startswith("__") and _STR_OVERLOAD.match(chunk):
                    members[f"{name}(str)"] = kind  # an overload that can go on its own
                if name in members and members[name].startswith(kind) and not deprecated:
                    continue  # an overload; keep the first binding's mark
                members[name] = kind + ("*DEP*" if deprecated else "")
    return classes


def main(repo: str) -> None:
    heads = {b: _git(repo, "rev-parse", "--short=10", f"release/{b}").strip() for b in BRANCHES}
    members: dict[str, dict[str, dict[str, str]]] = {}
    for branch in BRANCHES:
        for cls, names in _surface(repo, branch).items():
            for name, kind in names.items():
                members.setdefault(cls, {}).setdefault(name, {})[branch] = kind
    document = {
        "source": "NVIDIA/TensorRT python/src/**/*.cpp (pybind11) and include/NvInfer*.h "
        "(TRT_DEPRECATED_ENUM) at branch release/<x.y>; written by tools/extract_surfaces.py",
        "branches": list(BRANCHES),
        "heads": heads,
        "members": {c: dict(sorted(m.items())) for c, m in sorted(members.items())},
    }
    # One member per line: reviewable diffs at a third of the indented size.
    text = json.dumps(document, indent=1)
    text = re.sub(
        r"\{\n\s+(\"[\d.]+\": \"[^\"]+\",?\n\s+)*\"[\d.]+\": \"[^\"]+\"\n\s+\}",
        lambda m: re.sub(r"\s*\n\s*", " ", m.group(0)),
        text,
    )
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
