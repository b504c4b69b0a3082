"""Decide, per finding, whether ``--fix`` may rewrite it (and how). Pure ``ast``; no libcst.

Only rewrites that are certain are planned. The reasons each rule is (or is not) fixable are
the ``fix`` / ``why`` columns of the rule table (``_rules.py``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trtcompat.migrate._analysis import FileFacts, receiver_kind

if TYPE_CHECKING:
    from trtcompat.migrate._rules import Rule

__all__ = ["RENAMES", "FixSpec", "plan_fix", "tensor_name"]


@dataclass(frozen=True)
class FixSpec:
    """A rewrite the codemod performs at one position.

    Attributes:
        kind: What to do: native rewrites (``attr``, ``rename``, ``swap``, ``is_input``,
            ``no_devmem``, ``workspace``, ``cuda_from``, ``cuda_import``, ``consumed``) or
            trtcompat ones (``wrapped``, ``tc_execute``, ``tc_call``).
        new: The new name (or module), where the kind needs one.
        alias: The tensorrt module alias the rewrite uses.
        arg: Index of an argument to unwrap from ``X.get_binding_index("lit")``; -1 for none.
        paren: Parenthesize the generated comparison.
        edits: For ``wrapped``: the ``(line, column, "wrap" | "rebind")`` edits that put the
            engine behind ``trtcompat.legacy.wrap`` (the finding itself is left as it is).
        needs: The oldest TensorRT release the rewritten code runs on (None: any).
    """

    kind: str
    new: str = ""
    alias: str = ""
    arg: int = -1
    paren: bool = False
    edits: tuple[tuple[int, int, str], ...] = ()
    needs: str | None = None


# Name-argument methods renamed one to one when the argument is certainly a tensor name.
RENAMES = {
    "get_binding_shape": "get_tensor_shape",
    "get_binding_dtype": "get_tensor_dtype",
    "get_binding_format": "get_tensor_format",
    "get_binding_format_desc": "get_tensor_format_desc",
    "get_binding_vectorized_dim": "get_tensor_vectorized_dim",
    "get_binding_bytes_per_component": "get_tensor_bytes_per_component",
    "get_binding_components_per_element": "get_tensor_components_per_element",
    "get_location": "get_tensor_location",
    "get_strides": "get_tensor_strides",
    "set_binding_shape": "set_input_shape",
}
_SAFE_PARENTS = (
    ast.If,
    ast.While,
    ast.IfExp,
    ast.Assign,
    ast.AnnAssign,
    ast.Return,
    ast.Expr,
    ast.BoolOp,
    ast.keyword,
    ast.Assert,
    ast.comprehension,
    ast.Call,
    ast.List,
    ast.Tuple,
    ast.Set,
)


def _literal(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "[profile" not in node.value
    )


def tensor_name(arg: ast.expr, facts: FileFacts) -> tuple[bool, bool]:
    """Whether an argument is certainly a tensor name.

    Args:
        arg: The argument expression.
        facts: The file's facts.

    Returns:
        ``(is_name, unwrap)``: unwrap is True for ``X.get_binding_index("lit")``, which the
        rewrite replaces with the literal.
    """
    if _literal(arg):
        return True, False
    if (
        isinstance(arg, ast.Call)
        and isinstance(arg.func, ast.Attribute)
        and arg.func.attr == "get_binding_index"
        and len(arg.args) == 1
        and not arg.keywords
        and _literal(arg.args[0])
    ):
        return True, True
    if isinstance(arg, ast.Name):
        binds = facts.bindings(arg, arg.id)
        engine_loop = [
            how == "for" and value is not None and receiver_kind(value, facts) == "engine"
            for how, value in binds
        ]
        return bool(engine_loop) and all(engine_loop), False
    return False, False


def _call_of(node: ast.Attribute, facts: FileFacts) -> ast.Call | None:
    parent = facts.parents.get(id(node))
    if isinstance(parent, ast.Call) and parent.func is node:
        return parent
    return None


def plan_fix(rule: Rule, node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    """The rewrite for one attribute finding, or None when it stays manual.

    Args:
        rule: The rule that matched.
        node: The matched attribute.
        facts: The file's facts.

    Returns:
        The fix to apply, or None.
    """
    if not rule.fixable:
        return None
    loading = isinstance(node.ctx, ast.Load)
    if rule.id == "TRT030":
        return FixSpec("attr", new="device_memory_size_v2") if loading else None
    if rule.id == "TRT040":
        return _plan_workspace(node, facts)
    if rule.id == "TRT081":  # the _nd twin of a layer field exists from 8.0
        return FixSpec("attr", new=node.attr + "_nd")
    call = _call_of(node, facts)
    if call is None or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    positional, keywords = call.args, call.keywords
    if rule.id == "TRT031":
        return FixSpec("rename", new="get_device_memory_size_for_profile_v2")
    if rule.id == "TRT032":
        if positional or keywords or facts.fix_alias is None:
            return None
        return FixSpec("no_devmem", new="create_execution_context", alias=facts.fix_alias)
    if keywords:
        return None
    if node.attr in RENAMES:
        wanted = 2 if node.attr == "set_binding_shape" else 1
        if len(positional) != wanted:
            return None
        ok, unwrap = tensor_name(positional[0], facts)
        return FixSpec("rename", new=RENAMES[node.attr], arg=0 if unwrap else -1) if ok else None
    if rule.id == "TRT004":
        if len(positional) != 1 or facts.fix_alias is None:
            return None
        ok, unwrap = tensor_name(positional[0], facts)
        parent = facts.parents.get(id(call))
        safe = isinstance(parent, _SAFE_PARENTS) or (
            isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
        )
        return (
            FixSpec(
                "is_input",
                new="get_tensor_mode",
                alias=facts.fix_alias,
                arg=0 if unwrap else -1,
                paren=not safe,
            )
            if ok
            else None
        )
    if rule.id == "TRT010":
        if len(positional) != 2:
            return None
        ok, unwrap = tensor_name(positional[1], facts)
        return (
            FixSpec("swap", new="get_tensor_profile_shape", arg=1 if unwrap else -1) if ok else None
        )
    return None


def _plan_workspace(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    parent = facts.parents.get(id(node))
    if not isinstance(parent, ast.Assign) or parent.targets != [node]:
        return None
    if receiver_kind(node.value, facts) in ("builder", "self") or facts.builder_alias is None:
        return None
    return FixSpec("workspace", new="set_memory_pool_limit", alias=facts.builder_alias)
