"""Plan ``--fix --to trtcompat``: runtime code rewritten to run on every TensorRT 8.0 to 11.

Two strategies, the first that applies wins for each unguarded runtime finding:

1. Keep the index-based program whole on a ``trtcompat.legacy`` view of its engine. The engine
   is wrapped where it is made (``trtcompat.legacy.wrap(runtime.deserialize_cuda_engine(b))``,
   when every assignment of that name is such a call) or, for an engine a function receives, by
   rebinding the parameter first thing in the function (``engine = trtcompat.legacy.wrap(
   engine)``). Contexts made from a wrapped engine are legacy contexts, so their binding calls
   are served too. Only members the views serve are covered
   (``trtcompat.legacy.ENGINE_MEMBERS`` / ``CONTEXT_MEMBERS``).
2. A context the file cannot trace to its engine, in a file that neither wraps an engine itself
   nor works with several optimization profiles (there a context may be a wrapped one, or its
   bindings list may hold K * n per-profile slots: the call stays on the legacy surface): the
   statement-level calls that have a
   trtcompat function (``execute_async_v2`` / ``execute_async`` -> ``trtcompat.execute``,
   ``set_binding_shape(name, shape)`` -> ``trtcompat.set_input_shape``) and
   ``get_binding_shape(name)`` -> ``trtcompat.tensor_shape``.

Pure ``ast``: the codemod executes the plan.
"""

from __future__ import annotations

import ast
from typing import Tuple

from trtcompat.legacy import CONTEXT_MEMBERS, ENGINE_MEMBERS
from trtcompat.migrate._analysis import FileFacts, dotted, receiver_kind
from trtcompat.migrate._fixes import FixSpec, tensor_name

__all__ = ["EXECUTE_PARAMS", "LEGACY_SURFACE", "PER_CALL", "RUNTIME_KINDS", "plan_trtcompat"]

RUNTIME_KINDS = frozenset({"engine", "context"})
_ENGINE_MAKERS = frozenset({"deserialize_cuda_engine"})
_CONTEXT_MAKERS = frozenset({"create_execution_context"})
Edit = Tuple[int, int, str]


def _is_call_to(value: ast.expr | None, names: frozenset[str]) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in names
    )


def _position(node: ast.Attribute) -> tuple[int, int]:
    """``(line, 0-based char column)`` of an attribute's name, as libcst reports it."""
    line = node.end_lineno or node.lineno
    return line, (node.end_col_offset or 0) - len(node.attr)


class _Planner:
    def __init__(self, tree: ast.Module, facts: FileFacts, lines: list[str]) -> None:
        self.facts, self.lines = facts, lines
        self.assigns: dict[str, list[tuple[ast.AST, ast.expr]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    name = dotted(target)
                    if name is not None:
                        self.assigns.setdefault(name, []).append((target, node.value))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                name = dotted(node.optional_vars)
                if name is not None:
                    self.assigns.setdefault(name, []).append(
                        (node.optional_vars, node.context_expr)
                    )

    def _col(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def _values(self, expr: ast.expr) -> list[ast.expr] | None:
        """Every value assigned to the name ``expr`` (in its function for a bare name)."""
        name = dotted(expr)
        if name is None:
            return None
        found = self.assigns.get(name, [])
        if isinstance(expr, ast.Name):
            scope = self.facts.scope_of(expr)
            found = [(t, v) for t, v in found if self.facts.scope_of(t) is scope]
        return [v for _, v in found]

    def _parameter(self, expr: ast.expr) -> ast.arg | None:
        """The function parameter ``expr`` names, if it is never reassigned."""
        if not isinstance(expr, ast.Name):
            return None
        scope = self.facts.scope_of(expr)
        if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        if self.facts.bindings(expr, expr.id) != [("other", None)]:
            return None
        args = scope.args
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.arg == expr.id and arg.arg not in ("self", "cls"):
                return arg
        return None

    def engine_edits(self, engine: ast.expr) -> tuple[Edit, ...] | None:
        """The edits that put ``engine`` behind ``trtcompat.legacy.wrap``, or None."""
        param = self._parameter(engine)
        if param is not None:
            return ((param.lineno, self._col(param.lineno, param.col_offset), "rebind"),)
        values = self._values(engine)
        if not values or not all(_is_call_to(v, _ENGINE_MAKERS) for v in values):
            return None
        edits = []
        for value in values:
            assert isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            line, col = _position(value.func)
            edits.append((line, self._col(line, col), "wrap"))
        return tuple(edits)

    def wrap_edits(
        self, kind: str, symbol: str, node: ast.AST
    ) -> tuple[tuple[Edit, ...] | None, bool]:
        """``(edits that wrap the finding's engine or None, whether the view serves it)``."""
        recv = _receiver(node)
        if recv is None or kind not in RUNTIME_KINDS:
            return None, False
        symbol = {"len(engine)": "__len__", "engine[str]": "__getitem__"}.get(symbol, symbol)
        serves = ENGINE_MEMBERS if kind == "engine" else CONTEXT_MEMBERS
        engine = recv if kind == "engine" else self.context_engine(recv)
        edits = self.engine_edits(engine) if engine is not None else None
        return edits, symbol in serves

    def context_engine(self, context: ast.expr) -> ast.expr | None:
        """The engine every assignment of ``context`` makes it from, if there is one."""
        values = self._values(context)
        if not values or not all(_is_call_to(v, _CONTEXT_MAKERS) for v in values):
            return None
        engines = {dotted(v.func.value) for v in values}  # type: ignore[attr-defined]
        if len(engines) != 1 or None in engines:
            return None
        return values[0].func.value  # type: ignore[attr-defined,no-any-return]


def _receiver(node: ast.AST) -> ast.expr | None:
    if isinstance(node, ast.Attribute):
        return node.value
    if isinstance(node, ast.Call) and node.args:  # len(engine)
        return node.args[0]
    if isinstance(node, ast.Subscript):  # engine["x"]
        return node.value
    return None


def _statement_call(node: ast.Attribute, facts: FileFacts) -> ast.Call | None:
    call = facts.parents.get(id(node))
    if not isinstance(call, ast.Call) or call.func is not node:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    return call


# Positional order of the 8.x execute calls (pyCore.cpp); input_consumed has no equivalent.
EXECUTE_PARAMS = {
    "execute_async": ("batch_size", "bindings", "stream_handle", "input_consumed"),
    "execute_async_v2": ("bindings", "stream_handle", "input_consumed"),
}


def _execute_args(symbol: str, call: ast.Call) -> dict[str, ast.expr] | None:
    order = EXECUTE_PARAMS[symbol]
    if len(call.args) > len(order):
        return None
    given = dict(zip(order, call.args))
    for keyword in call.keywords:
        if keyword.arg not in order or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    return None if "input_consumed" in given else given


# The trtcompat function each per-call rewrite writes, by the 8.x call it replaces.
PER_CALL = {
    "execute_async_v2": "trtcompat.execute",
    "execute_async": "trtcompat.execute",
    "set_binding_shape": "trtcompat.set_input_shape",
    "get_binding_shape": "trtcompat.tensor_shape",
}


# Positional arguments of the per-call rewrites that take a tensor name, and whether the call
# must be a statement (its 8.x result, a bool, has no trtcompat equivalent).
_NAME_CALLS = {"set_binding_shape": (2, True), "get_binding_shape": (1, False)}


def _per_call(symbol: str, node: ast.AST, facts: FileFacts) -> FixSpec | None:
    """A trtcompat function for one call on a context the file cannot trace."""
    call = _statement_call(node, facts) if isinstance(node, ast.Attribute) else None
    if call is None:
        return None
    statement = isinstance(facts.parents.get(id(call)), ast.Expr)
    if symbol in EXECUTE_PARAMS:
        return _execute_fix(symbol, call) if statement else None
    return _name_fix(symbol, call, statement, facts)


def _execute_fix(symbol: str, call: ast.Call) -> FixSpec | None:
    given = _execute_args(symbol, call)
    usable = given is not None and {"bindings", "stream_handle"} <= set(given)
    return FixSpec("tc_execute", new="execute") if usable else None


def _name_fix(symbol: str, call: ast.Call, statement: bool, facts: FileFacts) -> FixSpec | None:
    count, needs_statement = _NAME_CALLS.get(symbol, (-1, False))
    if len(call.args) != count or call.keywords or (needs_statement and not statement):
        return None
    ok, unwrap = tensor_name(call.args[0], facts)
    new = PER_CALL[symbol].rpartition(".")[2]
    return FixSpec("tc_call", new=new, arg=0 if unwrap else -1) if ok else None


def plan_trtcompat(
    tree: ast.Module,
    facts: FileFacts,
    lines: list[str],
    items: list[tuple[str, str, ast.AST, bool]],
) -> list[tuple[FixSpec | None, str]]:
    """The trtcompat fix of each runtime finding (None: not a runtime fix).

    An engine that a guarded finding also uses is never wrapped: its code already has a
    compatibility path, which the wrap would change.

    Args:
        tree: The parsed module.
        facts: The file's facts.
        lines: The file's lines.
        items: ``(receiver kind, matched symbol, matched node, guarded)`` per finding.

    Returns:
        One ``(fix or None, why a per-call fix was held back or "")`` per item (no fix for
        guarded ones).
    """
    planner = _Planner(tree, facts, lines)
    wanted = [planner.wrap_edits(kind, symbol, node) for kind, symbol, node, _ in items]
    wrapped = _wrapped(wanted, [guarded for *_, guarded in items])
    # In a file that works with several profiles (or wraps engines itself), a context it cannot
    # trace may hold a per-profile bindings list (K * n slots): its calls stay on the legacy
    # surface, whose profile arithmetic the program already does right. (trtcompat.execute
    # reads a K * n list as TensorRT 8 does too, for the lists other files pass in.)
    legacy_surface = _wraps_or_profiles(tree, facts)
    plans: list[tuple[FixSpec | None, str]] = []
    for (edits, _), is_wrapped, (kind, symbol, node, guarded) in zip(wanted, wrapped, items):
        if guarded:
            plans.append((None, ""))
        elif is_wrapped:
            plans.append((FixSpec("wrapped", edits=edits or ()), ""))
        else:
            spec = _per_call(symbol, node, facts) if kind == "context" else None
            held = spec is not None and legacy_surface
            plans.append((None, LEGACY_SURFACE) if held else (spec, ""))
    return plans


# Why a per-call rewrite was held back (the finding's ``held_back``).
LEGACY_SURFACE = (
    "this file's optimization profiles (or its own trtcompat.legacy.wrap): a context it cannot "
    "trace stays on the legacy surface, which a wrapped engine's contexts serve"
)


def _wrapped(
    wanted: list[tuple[tuple[Edit, ...] | None, bool]], guarded: list[bool]
) -> list[bool]:
    """Which findings the wrap serves: an engine a guarded finding also uses stays unwrapped."""
    untouchable = {
        edit for (edits, _), held in zip(wanted, guarded) if held for edit in edits or ()
    }
    return [
        edits is not None and served and not untouchable.intersection(edits)
        for edits, served in wanted
    ]


# Signs that a file's engines have several optimization profiles (per-profile bindings).
_PROFILE_NAMES = frozenset(
    {"active_optimization_profile", "set_optimization_profile_async", "num_optimization_profiles"}
)


def _wraps_or_profiles(tree: ast.Module, facts: FileFacts) -> bool:
    """Whether the file already wraps an engine with ``trtcompat.legacy.wrap``, or works with
    several optimization profiles (its binding lists may be per-profile)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and receiver_kind(node, facts) == "legacy_engine":
            return True
        if isinstance(node, ast.Attribute) and node.attr in _PROFILE_NAMES:
            return True
        if isinstance(node, ast.Constant) and "[profile" in str(node.value):
            return True
    return False
