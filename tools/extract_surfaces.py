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

The imported modules (``nox -s oracle`` imports NVIDIA's bindings wheel of every 8.6.1, 10.x and
11.x release on CPU) are read the same way by :func:`imported_surface`; ::

    python tools/extract_surfaces.py --imported DUMP.json [DUMP.json ...] \
        >tests/data/surfaces/tensorrt-imported-members.json

merges per-release dumps (written with ``python tools/extract_surfaces.py --dump OUT.json``
inside an environment where ``import tensorrt`` is the real module) into one file of the
format above whose branches are releases (``"10.2"``: the newest build of that minor).
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from types import ModuleType
from typing import Any

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
            _class_members(body, dep_enum, classes.setdefault(cls, {}))
    return classes


def _class_members(body: str, dep_enum: set[tuple[str, str]], members: dict[str, str]) -> None:
    """Add to ``members`` what one ``py::class_`` / ``py::enum_`` statement binds."""
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


#: Dunder methods the pybind sources bind by name (``.def("__len__", ...)``); pybind's own
#: (``__init__`` from ``py::init``, ``__repr__`` of enums...) are not the bindings' surface.
BOUND_DUNDERS = frozenset(
    {"__del__", "__len__", "__getitem__", "__str__", "__repr__", "__setitem__", "__eq__",
     "__iter__", "__bool__", "__nonzero__"}
)  # fmt: skip
#: The classes whose signatures the oracle compares with the fakes.
DETAIL = (
    "Runtime", "ICudaEngine", "IExecutionContext", "Dims", "IOutputAllocator", "ILogger",
    "Logger", "IHostMemory", "Builder", "IBuilderConfig", "INetworkDefinition", "OnnxParser",
    "IOptimizationProfile", "ITimingCache",
)  # fmt: skip
_C_FUNCTIONS = ("builtin_function_or_method", "instancemethod")
#: The classes the fakes model member for member; their call forms are kept per release.
RUNTIME_CLASSES = ("Runtime", "ICudaEngine", "IExecutionContext")
#: The builder classes the fakes model in part; their call forms are kept too (for the
#: stand-ins of what the fakes leave out).
BUILDER_CLASSES = ("Builder", "IBuilderConfig", "INetworkDefinition", "OnnxParser",
                   "IOptimizationProfile", "ITimingCache")


def _bound_kind(value: Any) -> str | None:
    """How pybind bound a class attribute (extractor vocabulary), or None if Python set it."""
    kind = type(value).__name__
    if kind in _C_FUNCTIONS:
        return "def"
    if kind == "staticmethod" and type(value.__func__).__name__ in _C_FUNCTIONS:
        return "def"
    if isinstance(value, property) or kind == "pybind11_static_property":
        accessor = value.fget if value.fget is not None else value.fset
        if type(accessor).__name__ not in _C_FUNCTIONS:
            return None
        return "property" if value.fset is not None else "property_readonly"
    return None


def _python_kind(value: Any) -> str | None:
    """How ``tensorrt/__init__.py`` added an attribute (a Python function or property)."""
    if inspect.isfunction(value):
        return "def"
    if isinstance(value, property) and inspect.isfunction(value.fget):
        return "property" if value.fset is not None else "property_readonly"
    return None


def split_params(text: str) -> list[str]:
    """Top-level comma-separated parts of a pybind parameter list (brackets nest)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>" and not (ch == ">" and text[i - 1] == "-"):
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    if text[start:].strip():
        parts.append(text[start:].strip())
    return parts


def pybind_overloads(name: str, doc: str | None) -> list[list[list[str | None]]]:
    """``[[[param, default or None], ...], ...]``: each overload of a pybind callable.

    Read from the signature lines pybind11 writes at the top of ``__doc__``
    (``name(self: X, a: int, b: str = 'x') -> T``, numbered after ``Overloaded function.``);
    ``self`` is left out, types are not kept (the fakes are not annotated).
    """
    lines = [line.strip() for line in (doc or "").splitlines()]
    if "Overloaded function." in lines[:3]:
        heads = [line.partition(". ")[2] for line in lines
                 if re.match(rf"^\d+\. {re.escape(name)}\(", line)]
    else:
        heads = [line for line in lines[:1] if line.startswith(f"{name}(")]
    overloads = []
    for head in heads:
        inner = head[head.index("(") + 1 :]
        depth, close = 1, len(inner)
        for i, ch in enumerate(inner):
            depth += (ch == "(") - (ch == ")")
            if depth == 0:
                close = i
                break
        params: list[list[str | None]] = []
        for part in split_params(inner[:close]):
            pname, _, rest = part.partition(":")
            default = rest.partition(" = ")[2].strip() if " = " in rest else None
            if pname.strip() != "self":
                params.append([pname.strip(), default])
        overloads.append(params)
    return overloads


def returns(value: Any) -> str:
    """The return type pybind documents for a bound method or property getter (last dotted part).

    ``int``, ``bool``, ``str``, ``float``, ``None`` or a class name (``IErrorRecorder``).
    """
    func = value.fget if isinstance(value, property) else value
    first = ((getattr(func, "__doc__", None) or "").strip().splitlines() or [""])[0]
    if "Overloaded function." in (getattr(func, "__doc__", None) or "")[:200]:
        lines = [ln.strip() for ln in func.__doc__.splitlines() if re.match(r"^\s*1\. ", ln)]
        first = lines[0] if lines else ""
    kind = first.rpartition(" -> ")[2].strip() if " -> " in first else ""
    return kind.rpartition(".")[2] if kind else ""


def imported_surface(module: ModuleType) -> dict[str, Any]:
    """The surface of an imported TensorRT module, in this file's vocabulary.

    ``members``: ``{class: {member: kind}}`` of what pybind binds (class ``tensorrt``: the
    module's classes and functions); ``python``: what ``tensorrt/__init__.py`` adds in Python
    (``{class: {member: kind}}``, ``tensorrt`` for module functions and dtype aliases);
    ``enums``: ``{enum: {member: value}}``; ``signatures``: ``{"Class.member": overloads}``
    (:func:`pybind_overloads`) for :data:`DETAIL` and the module's functions.
    """
    found = _Imported()
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        if isinstance(obj, ModuleType):
            continue
        if isinstance(obj, type) and type(obj).__name__ == "pybind11_type":
            found.add_class(name, obj)
        elif type(obj).__name__ in _C_FUNCTIONS:
            found.members["tensorrt"][name] = "function"
            found.signatures[name] = pybind_overloads(name, obj.__doc__)
        elif inspect.isfunction(obj):
            found.python["tensorrt"][name] = "function"
            found.signatures[name] = [_python_params(obj)]
        else:
            found.python["tensorrt"][name] = type(obj).__name__  # dtype aliases: DataType members
    return {
        "version": module.__version__,
        "members": {c: dict(sorted(m.items())) for c, m in sorted(found.members.items())},
        "python": {c: dict(sorted(m.items())) for c, m in sorted(found.python.items())},
        "enums": found.enums,
        "signatures": dict(sorted(found.signatures.items())),
        "returns": dict(sorted(found.return_types.items())),
    }


_CONTEXT_MANAGER = ("__enter__", "__exit__")


class _Imported:
    """What :func:`imported_surface` has found so far (its result's parts, unsorted)."""

    def __init__(self) -> None:
        self.members: dict[str, dict[str, str]] = {"tensorrt": {}}
        self.python: dict[str, dict[str, str]] = {"tensorrt": {}}
        self.enums: dict[str, dict[str, int]] = {}
        self.signatures: dict[str, list[list[list[str | None]]]] = {}
        self.return_types: dict[str, str] = {}

    def add_class(self, name: str, obj: type) -> None:
        """A pybind class or enum: its members, Python additions and (DETAIL) signatures."""
        self.members["tensorrt"][name] = "class"
        values = getattr(obj, "__members__", None)
        own = self.members.setdefault(name, {})
        added = self.python.setdefault(name, {})
        if isinstance(values, dict) and values:
            self.enums[name] = {k: int(v) for k, v in values.items()}
            own.update((member, "value") for member in values)
            own.update((m, "def") for m in ("__repr__", "__str__") if m in vars(obj))
        else:
            # What the class itself binds (the source extractor's view: a subclass such as
            # Dims2 does not repeat Dims' members).
            for member, value in vars(obj).items():
                self._add_member(name, obj, member, value, own, added)
        if name in DETAIL:
            init = inspect.getattr_static(obj, "__init__")
            if _bound_kind(init) is not None:
                self.signatures[f"{name}.__init__"] = pybind_overloads("__init__", init.__doc__)
        if not added:
            del self.python[name]

    def _add_member(self, name: str, obj: type, member: str, value: Any,
                    own: dict[str, str], added: dict[str, str]) -> None:
        if member.startswith("_") and member not in BOUND_DUNDERS | set(_CONTEXT_MANAGER):
            return
        bound = _bound_kind(value)
        if bound is not None and member not in _CONTEXT_MANAGER:
            own[member] = bound
        elif _python_kind(value) is not None:
            added[member] = str(_python_kind(value))
        else:
            return
        if name not in DETAIL:
            return
        key = f"{name}.{member}"
        if member in own:
            self.return_types[key] = returns(value)
        if "def" in {**own, **added}[member]:
            doc = getattr(obj, member).__doc__
            self.signatures[key] = (
                pybind_overloads(member, doc) if member in own
                else [_python_params(getattr(obj, member))]
            )


def _python_params(func: Any) -> list[list[str | None]]:
    """A Python callable's parameters in :func:`pybind_overloads`' form (``self`` left out)."""
    params: list[list[str | None]] = []
    for param in inspect.signature(func).parameters.values():
        if param.name == "self":
            continue
        prefix = {param.VAR_POSITIONAL: "*", param.VAR_KEYWORD: "**"}.get(param.kind, "")
        default = None if param.default is param.empty else repr(param.default)
        params.append([prefix + param.name, default])
    return params


def main(repo: str) -> None:
    heads = {b: _git(repo, "rev-parse", "--short=10", f"release/{b}").strip() for b in BRANCHES}
    members: dict[str, dict[str, dict[str, str]]] = {}
    for branch in BRANCHES:
        _add_branch(members, branch, _surface(repo, branch))
    _write({
        "source": "NVIDIA/TensorRT python/src/**/*.cpp (pybind11) and include/NvInfer*.h "
        "(TRT_DEPRECATED_ENUM) at branch release/<x.y>; written by tools/extract_surfaces.py",
        "branches": list(BRANCHES),
        "heads": heads,
        "members": {c: dict(sorted(m.items())) for c, m in sorted(members.items())},
    })


def _add_branch(members: dict[str, dict[str, dict[str, str]]], branch: str,
                classes: dict[str, dict[str, str]]) -> None:
    """Record in ``{class: {member: {branch: kind}}}`` one branch's ``{class: {member: kind}}``."""
    for cls, names in classes.items():
        for name, kind in names.items():
            members.setdefault(cls, {}).setdefault(name, {})[branch] = kind


def _release_key(version: str) -> str:
    major, minor = version.split(".")[:2]
    return f"{major}.{minor}"


def merge_imported(dumps: list[dict[str, Any]]) -> dict[str, Any]:
    """One document (``branches`` = releases ``"10.2"``...) from :func:`imported_surface` dumps.

    Of several builds of one minor release the newest wins (10.13.3.9 over 10.13.0.35): the
    table speaks of minors. Only what pybind binds is kept, as the source extractor sees it.
    """
    from packaging.version import Version

    newest: dict[str, dict[str, Any]] = {}
    for dump in sorted(dumps, key=lambda d: Version(d["version"])):
        newest[_release_key(dump["version"])] = dump
    branches = sorted(newest, key=Version)
    members: dict[str, dict[str, dict[str, str]]] = {}
    for branch in branches:
        _add_branch(members, branch, newest[branch]["members"])
    return {
        "source": "NVIDIA's tensorrt bindings wheels from PyPI imported on CPU over stub "
        "libraries (nox -s oracle); written by tools/extract_surfaces.py --imported",
        "branches": branches,
        "builds": {b: newest[b]["version"] for b in branches},
        "members": {c: dict(sorted(m.items())) for c, m in sorted(members.items())},
        "forms": _call_forms([(b, newest[b]) for b in branches]),
        "values": _enum_values([(b, newest[b]) for b in branches]),
    }


def _call_forms(dumps: list[tuple[str, dict[str, Any]]]) -> dict[str, list[list[Any]]]:
    """How each runtime- and builder-class member is called, where that changed:
    ``{"Class.member": [[release, kind, overloads, return type], ...]}``."""
    forms: dict[str, list[list[Any]]] = {}
    for branch, dump in dumps:
        for cls in RUNTIME_CLASSES + BUILDER_CLASSES:
            for member, kind in dump["members"].get(cls, {}).items():
                key = f"{cls}.{member}"
                entry = [kind, dump["signatures"].get(key, []), dump["returns"].get(key, "")]
                if not forms.get(key) or forms[key][-1][1:] != entry:
                    forms.setdefault(key, []).append([branch, *entry])
    return dict(sorted(forms.items()))


def _enum_values(dumps: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, list[list[Any]]]]:
    """Every enum's integer values, at the releases where they changed (BuilderFlag renumbers
    when a flag goes): ``{enum: {member: [[release, value], ...]}}``."""
    values: dict[str, dict[str, list[list[Any]]]] = {}
    for branch, dump in dumps:
        for enum, named in dump["enums"].items():
            for member, value in named.items():
                seen = values.setdefault(enum, {}).setdefault(member, [])
                if not seen or seen[-1][1] != value:
                    seen.append([branch, value])
    return {e: dict(sorted(m.items())) for e, m in sorted(values.items())}


def _write(document: dict[str, Any]) -> None:
    # One member per line: reviewable diffs at a third of the indented size.
    text = json.dumps(document, indent=1)
    text = re.sub(
        r"\{\n\s+(\"[\d.]+\": \"[^\"]+\",?\n\s+)*\"[\d.]+\": \"[^\"]+\"\n\s+\}",
        lambda m: re.sub(r"\s*\n\s*", " ", m.group(0)),
        text,
    )
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--dump":  # inside an environment where `import tensorrt` is real
        import tensorrt

        with open(sys.argv[2], "w") as out:
            json.dump(imported_surface(tensorrt), out, indent=1, sort_keys=True)
    elif sys.argv[1] == "--imported":
        from pathlib import Path

        _write(merge_imported([json.loads(Path(p).read_text()) for p in sys.argv[2:]]))
    else:
        main(sys.argv[1])
