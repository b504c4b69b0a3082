"""What one file's scan needs to know about the other files of the scanned tree.

Two facts cross module boundaries in real code:

- **Guard helpers.** Polygraphy keeps its binding-era code behind ``_should_use_v3_api()``, a
  version comparison defined in another module. A function of the tree whose body returns a
  version comparison, a ``hasattr`` probe or another such helper is a *guard helper*: a branch
  it decides is guarded like one under the comparison itself. A function that only *contains*
  such a return among other statements, or a call to a function the tree does not define whose
  name reads like an API switch (``use_v3_api``, ``is_legacy_trt``), makes a branch *possibly*
  guarded: reported as such, never failing, never rewritten.
- **Star imports.** ``from torch2trt.torch2trt import *`` brings in the ``trt`` alias that
  module bound with ``import tensorrt as trt``. Module names are matched by their dotted path
  from any folder of the tree (``torch2trt/torch2trt.py`` is ``torch2trt.torch2trt`` and
  ``torch2trt``'s ``.torch2trt``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from trtcompat.migrate._analysis import TRT_MODULES, import_alias
from trtcompat.migrate._guards import hasattr_probe, is_version_check

__all__ = ["Project", "function_names", "guard_helpers", "project_of"]


@dataclass(frozen=True)
class Project:
    """Facts of the whole scanned tree.

    Attributes:
        helpers: Guard helpers by function name: ``"guard"`` (returns a version comparison,
            a hasattr probe or another helper's answer) or ``"possible"`` (such a return among
            other statements).
        defined: Every function name the tree defines (calls to others are unknown).
        star_aliases: Dotted module name (and every dotted suffix of it) mapped to the
            tensorrt aliases the module binds at its top level.
    """

    helpers: Mapping[str, str] = field(default_factory=dict)
    defined: frozenset[str] = frozenset()
    star_aliases: Mapping[str, frozenset[str]] = field(default_factory=dict)


def _body(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    body = list(func.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body


def _answers(expr: ast.expr | None, known: Mapping[str, str]) -> bool:
    """Whether a returned value is a version comparison, a hasattr probe or a helper's call."""
    if expr is None:
        return False
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        expr = expr.operand
    guards = {name for name, how in known.items() if how == "guard"}
    return hasattr_probe(expr) is not None or is_version_check(expr, guards)


def function_names(tree: ast.AST) -> set[str]:
    """Every function (and method) name defined in a module."""
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def guard_helpers(
    trees: Iterable[ast.AST], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The guard helpers among the functions of ``trees`` (see :class:`Project`).

    Helpers that return another helper's answer are found by repeating until nothing changes.
    """
    functions = [
        node
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    helpers: dict[str, str] = dict(known or {})
    changed = True
    while changed:
        changed = False
        for func in functions:
            found = _helper_kind(func, helpers)
            if found is not None and helpers.get(func.name) not in (found, "guard"):
                helpers[func.name] = found
                changed = True
    return helpers


def _helper_kind(
    func: ast.FunctionDef | ast.AsyncFunctionDef, helpers: Mapping[str, str]
) -> str | None:
    """``"guard"`` for a function that only returns a check, ``"possible"`` for one that
    returns a check among other statements, else None."""
    body = _body(func)
    if len(body) == 1 and isinstance(body[0], ast.Return):
        return "guard" if _answers(body[0].value, helpers) else None
    returns = [n for n in ast.walk(func) if isinstance(n, ast.Return)]
    return "possible" if any(_answers(r.value, helpers) for r in returns) else None


def _module_names(path: str) -> list[str]:
    """Every dotted suffix of a file's module path: ``a/b/c.py`` -> c, b.c, a.b.c."""
    parts = path.replace("\\", "/").split("/")
    parts[-1] = parts[-1][: -len(".py")] if parts[-1].endswith(".py") else parts[-1]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    parts = [p for p in parts if p and p not in (".", "..")]
    return [".".join(parts[i:]) for i in range(len(parts))]


def _top_aliases(tree: ast.Module) -> frozenset[str]:
    """The names a module binds to a tensorrt module at its top level."""
    found: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                root = alias.name.split(".")[0]
                if root in TRT_MODULES and (alias.asname is None or alias.name == root):
                    found.add(alias.asname or root)
        elif isinstance(stmt, ast.Assign) and import_alias(stmt.value):
            found.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return frozenset(found)


def project_of(sources: Mapping[str, bytes]) -> Project:
    """The :class:`Project` of the files given (path -> source); unparsable files are skipped."""
    trees: dict[str, ast.Module] = {}
    for path, data in sources.items():
        try:
            trees[path] = ast.parse(data, filename=path)
        except (SyntaxError, ValueError):
            continue
    defined: set[str] = set()
    stars: dict[str, frozenset[str]] = {}
    for path, tree in trees.items():
        defined.update(function_names(tree))
        aliases = _top_aliases(tree)
        if aliases:
            for name in _module_names(path):
                stars[name] = stars.get(name, frozenset()) | aliases
    return Project(guard_helpers(trees.values()), frozenset(defined), stars)
