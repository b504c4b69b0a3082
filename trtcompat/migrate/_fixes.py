"""Decide, per finding, whether ``--fix`` may rewrite it (and how). Pure ``ast``; no libcst.

Only rewrites that are certain are planned. The reasons each rule is (or is not) fixable are
the ``fix`` / ``why`` columns of the rule table (``_rules.py``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from trtcompat.migrate._analysis import FileFacts, receiver_kind, receiver_layers
from trtcompat.migrate._table import layer_removed

if TYPE_CHECKING:
    from trtcompat.migrate._rules import Rule

__all__ = ["RENAMES", "SCANNER_STRATEGIES", "STRATEGIES", "FixSpec", "plan_fix", "tensor_name"]


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


def _plain_call(node: ast.Attribute, facts: FileFacts) -> ast.Call | None:
    """The call of ``node`` when it has no ``*args`` and no keywords, else None."""
    call = _call_of(node, facts)
    if call is None or call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    return call


def _v2_attribute(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    # engine.device_memory_size -> engine.device_memory_size_v2 (reads only: it is read-only).
    return FixSpec("attr", new=node.attr + "_v2") if isinstance(node.ctx, ast.Load) else None


def _nd_attribute(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    # The _nd twin of a layer field exists from 8.0, on the layers that lost the field only:
    # ILRNLayer.window_size, ISliceLayer.stride and IConvolutionLayer.pre_padding stay and
    # have no twin, so a layer of unknown class (network.get_layer(i)) keeps its name.
    layers = receiver_layers(node.value, facts)
    if not layers or not all(layer_removed(layer, node.attr) for layer in layers):
        return None
    return FixSpec("attr", new=node.attr + "_nd")


def _v2_method(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    call = _call_of(node, facts)
    if call is None or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    return FixSpec("rename", new=node.attr + "_v2")


def _user_managed_context(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    call = _call_of(node, facts)
    if call is None or call.args or call.keywords or facts.fix_alias is None:
        return None
    return FixSpec("no_devmem", new="create_execution_context", alias=facts.fix_alias)


def _tensor_name_rename(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    call = _plain_call(node, facts)
    wanted = 2 if node.attr == "set_binding_shape" else 1
    if call is None or node.attr not in RENAMES or len(call.args) != wanted:
        return None
    ok, unwrap = tensor_name(call.args[0], facts)
    return FixSpec("rename", new=RENAMES[node.attr], arg=0 if unwrap else -1) if ok else None


def _is_input(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    call = _plain_call(node, facts)
    if call is None or len(call.args) != 1 or facts.fix_alias is None:
        return None
    ok, unwrap = tensor_name(call.args[0], facts)
    if not ok:
        return None
    parent = facts.parents.get(id(call))
    safe = isinstance(parent, _SAFE_PARENTS) or (
        isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not)
    )
    return FixSpec(
        "is_input", new="get_tensor_mode", alias=facts.fix_alias, arg=0 if unwrap else -1,
        paren=not safe,
    )


def _swap_profile_args(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    call = _plain_call(node, facts)
    if call is None or len(call.args) != 2:
        return None
    ok, unwrap = tensor_name(call.args[1], facts)
    return FixSpec("swap", new="get_tensor_profile_shape", arg=1 if unwrap else -1) if ok else None


def _memory_pool_limit(node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    parent = facts.parents.get(id(node))
    if not isinstance(parent, ast.Assign) or parent.targets != [node]:
        return None
    if receiver_kind(node.value, facts) in ("builder", "self") or facts.builder_alias is None:
        return None
    return FixSpec("workspace", new="set_memory_pool_limit", alias=facts.builder_alias)


Strategy = Callable[[ast.Attribute, FileFacts], Optional[FixSpec]]
STRATEGIES: dict[str, Strategy] = {
    "v2_attribute": _v2_attribute,
    "nd_attribute": _nd_attribute,
    "v2_method": _v2_method,
    "user_managed_context": _user_managed_context,
    "tensor_name_rename": _tensor_name_rename,
    "is_input": _is_input,
    "swap_profile_args": _swap_profile_args,
    "memory_pool_limit": _memory_pool_limit,
}
"""The attribute rewrites, by the name a rule's ``strategy`` gives. The scanner itself applies
the other two strategies: ``consumed`` (a ``get_binding_index("lit")`` argument that
disappears with the fixed call around it) and ``cuda_bindings_import`` (import statements)."""
SCANNER_STRATEGIES = frozenset({"consumed", "cuda_bindings_import"})


def plan_fix(rule: Rule, node: ast.Attribute, facts: FileFacts) -> FixSpec | None:
    """The rewrite for one attribute finding, or None when it stays manual.

    Args:
        rule: The rule that matched.
        node: The matched attribute.
        facts: The file's facts.

    Returns:
        The fix its rule's strategy plans here, or None.
    """
    strategy = STRATEGIES.get(rule.strategy)
    return strategy(node, facts) if strategy is not None else None
