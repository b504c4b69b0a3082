"""Is a use inside code that only runs on old TensorRT versions? (``guarded`` findings)

Code under ``if hasattr(obj, "old_member")``, in the ``else`` of ``hasattr(obj, "new_member")``
(or after an ``if`` on one of these that ends in ``return`` / ``raise``),
behind ``try: ... except AttributeError``, in a branch only implicit-batch engines reach
(``if engine.has_implicit_batch_dimension:``) or under a version check (``trt.__version__``,
``packaging.version``, a name with ``version`` in it) is a deliberate compatibility path, not a
migration bug: it is reported as guarded and never rewritten.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

from trtcompat.migrate._analysis import FileFacts

__all__ = [
    "MAYBE_GUARD_NAME",
    "hasattr_probe",
    "is_guarded",
    "is_version_check",
    "possibly_guarded",
]

_VERSION_CALLS = frozenset({"parse", "Version", "LooseVersion", "parse_version"})
# Names of version predicates and constants: trt_version, TRT_MAJOR, is_trt10, trt8, ...
_VERSION_NAME = re.compile(r"version|trt_?\d|trt_?major", re.I)
# Names of functions that read like a switch between TensorRT APIs: where the scanned tree does
# not define one (its body cannot be read), a branch it decides is possibly guarded.
MAYBE_GUARD_NAME = re.compile(r"api|_v\d|v\d_|legacy|trt|tensorrt|compat", re.I)


def _called(node: ast.Call) -> str:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name if isinstance(name, str) else ""


def is_version_check(test: ast.expr, helpers: Collection[str] = ()) -> bool:
    """Whether a condition looks at a version (``trt.__version__``, ``Version(...)``, ...) or
    calls one of ``helpers`` (functions of the scanned tree that return such a check)."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and node.attr == "__version__":
            return True
        if isinstance(node, ast.Call):
            name = _called(node)
            if name in _VERSION_CALLS or _VERSION_NAME.search(name) or name in helpers:
                return True
        if isinstance(node, ast.Name) and _VERSION_NAME.search(node.id):
            return True
    return False


def hasattr_probe(test: ast.expr) -> tuple[str, bool] | None:
    """``("member", negated)`` for ``[not] hasattr(x, "member")``."""
    negated = False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, True
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "hasattr"
        and len(test.args) == 2
        and isinstance(test.args[1], ast.Constant)
        and isinstance(test.args[1].value, str)
    ):
        return test.args[1].value, negated
    return None


def _implicit_batch(test: ast.expr) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr == "has_implicit_batch_dimension"
        for node in ast.walk(test)
    )


def _catches_attribute_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    kinds = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return any(isinstance(k, ast.Name) and k.id == "AttributeError" for k in kinds)


def _string_compare(test: ast.expr) -> bool:
    """``trt.__version__[0] < "8"``: wrong from 10.0 (``"1" < "8"``), so it guards nothing."""
    return any(
        isinstance(node, ast.Compare)
        and any(
            isinstance(o, ast.Constant) and isinstance(o.value, str)
            for o in (node.left, *node.comparators)
        )
        and is_version_check(node)
        for node in ast.walk(test)
    )


def _test_guards(
    test: ast.expr, in_body: bool, member: str, versions: bool = True, helpers: Collection[str] = ()
) -> bool:
    """Whether the ``in_body`` (True) or ``else`` (False) branch of ``test`` guards ``member``
    (``versions`` False: version checks do not count)."""
    if is_version_check(test, helpers):
        return versions and not _string_compare(test)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and in_body:
        # `if fp16 and hasattr(trt.BuilderFlag, "FP16"):` - the body runs only where each
        # conjunct holds, so a conjunct that guards the body guards it.
        return any(_test_guards(part, True, member, versions, helpers) for part in test.values)
    probe = hasattr_probe(test)
    if probe is not None:
        name, negated = probe
        old_branch = in_body != negated  # the branch where hasattr(...) is True
        return name == member if old_branch else name != member
    return in_body and _implicit_batch(test)


def _branch_guards(
    parent: ast.If | ast.IfExp,
    child: ast.AST,
    member: str,
    versions: bool = True,
    helpers: Collection[str] = (),
) -> bool:
    if child is parent.test:
        return False
    in_body = child is parent.body or (isinstance(parent.body, list) and child in parent.body)
    return _test_guards(parent.test, in_body, member, versions, helpers)


def _leaves(body: list[ast.stmt]) -> bool:
    """Whether a block always leaves its function (ends in ``return`` or ``raise``)."""
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))


def _after_early_exit(
    parent: ast.AST,
    child: ast.AST,
    member: str,
    versions: bool = True,
    helpers: Collection[str] = (),
) -> bool:
    """Whether ``child`` follows an ``if TEST: ... return`` in the same block whose ``else``
    (the code after it) is a guarded branch: ``if trt_major >= 10: return new(); old()``."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(parent, name, None)
        if not isinstance(block, list) or child not in block:
            continue
        for earlier in block[: block.index(child)]:
            if (
                isinstance(earlier, ast.If)
                and _leaves(earlier.body)
                and _test_guards(earlier.test, False, member, versions, helpers)
            ):
                return True
    return False


def is_guarded(node: ast.AST, member: str, facts: FileFacts, versions: bool = True) -> bool:
    """Whether the use of ``member`` at ``node`` sits on a compatibility path.

    Args:
        node: The matched node.
        member: The matched name (``max_workspace_size``, ``BuilderFlag.FP16``, ...).
        facts: The file's facts (for parents).
        versions: Whether version checks count (False: only the guards that skip the use
            silently wherever the member is missing: hasattr, try/except, implicit batch).

    Returns:
        True inside a hasattr / try-except AttributeError / implicit-batch / version guard,
        or after an early ``return`` / ``raise`` under one.
    """
    member = member.rsplit(".", 1)[-1]
    helpers = facts.guard_helpers
    child, parent = node, facts.parents.get(id(node))
    while parent is not None:
        if isinstance(parent, (ast.If, ast.IfExp)) and _branch_guards(
            parent, child, member, versions, helpers
        ):
            return True
        if _after_early_exit(parent, child, member, versions, helpers):
            return True
        if (
            isinstance(parent, ast.Try)
            and child in parent.body
            and any(_catches_attribute_error(h) for h in parent.handlers)
        ):
            return True
        child, parent = parent, facts.parents.get(id(parent))
    return False


def _maybe_switch(test: ast.expr, facts: FileFacts) -> bool:
    """Whether a condition calls a function that may switch between TensorRT APIs: a helper
    of the tree that returns a version check among other statements, or a function the tree
    does not define, called without arguments, whose name reads like a switch
    (``_should_use_v3_api()``)."""
    for node in ast.walk(test):
        if not isinstance(node, ast.Call):
            continue
        name = _called(node)
        if name in facts.maybe_helpers:
            return True
        # A switch takes no arguments (`use_v3_api()`); `load_trt_engine(path)` is no switch.
        bare = not node.args and not node.keywords
        if bare and name and name not in facts.defined and MAYBE_GUARD_NAME.search(name):
            return True
    return False


def possibly_guarded(node: ast.AST, facts: FileFacts) -> bool:
    """Whether the use at ``node`` sits in a branch (or after an early exit) decided by a
    condition the scanner cannot read (:func:`_maybe_switch`): possibly guarded."""
    child, parent = node, facts.parents.get(id(node))
    while parent is not None:
        test = parent.test if isinstance(parent, (ast.If, ast.IfExp)) else None
        if test is not None and child is not test and _maybe_switch(test, facts):
            return True
        for name in ("body", "orelse", "finalbody"):
            block = getattr(parent, name, None)
            if isinstance(block, list) and child in block:
                for earlier in block[: block.index(child)]:
                    if not isinstance(earlier, ast.If) or not _leaves(earlier.body):
                        continue
                    if _maybe_switch(earlier.test, facts):
                        return True
        child, parent = parent, facts.parents.get(id(parent))
    return False
