"""Apply the scanner's planned fixes with libcst, preserving formatting and comments.

This module (and ``_reflow``, which it uses) is the only one that imports libcst;
``trtcompat.migrate`` imports it lazily, when ``--fix`` or ``--diff`` runs. It makes no
decisions of its own: it rewrites exactly the nodes at the positions of fixable findings, as
their :class:`FixSpec` says, then breaks the calls of rewritten lines that end up longer than
the line length (``_reflow``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

try:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "trtcompat scan --fix needs libcst; install it with: pip install libcst "
        "(trtcompat's 'migrate' extra)"
    ) from err

from trtcompat.migrate._fixes import FixSpec
from trtcompat.migrate._linelength import DEFAULT
from trtcompat.migrate._reflow import reflow
from trtcompat.migrate._scanner import Finding
from trtcompat.migrate._totrtcompat import EXECUTE_PARAMS

__all__ = ["FixError", "fix_source"]

_CUDA = {"cudart": "runtime", "cuda": "driver", "nvrtc": "nvrtc"}
_CALL_KINDS = frozenset({"rename", "swap", "is_input", "no_devmem", "tc_execute", "tc_call"})
_NO_EDIT = frozenset({"consumed", "wrapped"})  # nothing to rewrite at the finding itself


class FixError(ValueError):
    """A rewrite produced code that does not parse (the file is left unchanged)."""


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _trtcompat(name: str) -> cst.Attribute:
    return cst.ensure_type(cst.parse_expression(f"trtcompat.{name}"), cst.Attribute)


def _wrap(value: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=_trtcompat("legacy.wrap"), args=[cst.Arg(value)])


def _unwrapped(arg: cst.Arg, unwrap: bool) -> cst.BaseExpression:
    inner = arg.value
    if unwrap and isinstance(inner, cst.Call) and inner.args:
        return inner.args[0].value  # X.get_binding_index("lit") -> "lit"
    return inner


def _call(name: str, values: list[cst.BaseExpression], keyword: cst.Arg | None) -> cst.Call:
    args = [cst.Arg(v, comma=_comma()) for v in values]
    if keyword is None:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    else:
        args.append(keyword)
    return cst.Call(func=_trtcompat(name), args=args)


class _Fixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self, specs: dict[tuple[int, int], FixSpec], edits: dict[tuple[int, int], str]
    ) -> None:
        super().__init__()
        self.specs = specs
        self.edits = edits
        self.applied = 0
        self.imports: set[str] = set()

    def _edit(self, node: cst.CSTNode, kind: str) -> bool:
        start = self.get_metadata(PositionProvider, node).start
        if self.edits.get((start.line, start.column)) != kind:
            return False
        self.imports.add("trtcompat.legacy")
        return True

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        params = original_node.params
        names = [
            p.name.value
            for p in (*params.posonly_params, *params.params, *params.kwonly_params)
            if self._edit(p.name, "rebind")
        ]
        body = updated_node.body
        if not names or not isinstance(body, cst.IndentedBlock):
            return updated_node
        first = 0
        if body.body and isinstance(body.body[0], cst.SimpleStatementLine):
            statement = body.body[0].body[0]
            if isinstance(statement, cst.Expr) and isinstance(
                statement.value, (cst.SimpleString, cst.ConcatenatedString)
            ):
                first = 1  # after the docstring
        lines = [cst.parse_statement(f"{name} = trtcompat.legacy.wrap({name})\n") for name in names]
        new_body = [*body.body[:first], *lines, *body.body[first:]]
        return updated_node.with_changes(body=body.with_changes(body=new_body))

    def _trtcompat_call(self, spec: FixSpec, node: cst.Call) -> cst.Call | None:
        func = cst.ensure_type(node.func, cst.Attribute)
        receiver = func.value
        if spec.kind == "tc_call":
            values = [_unwrapped(node.args[0], spec.arg == 0), *(a.value for a in node.args[1:])]
            self.imports.add("trtcompat")
            return _call(spec.new, [receiver, *values], None)
        order = EXECUTE_PARAMS[func.attr.value]
        given = {name: arg.value for name, arg in zip(order, node.args) if arg.keyword is None}
        given.update({a.keyword.value: a.value for a in node.args if a.keyword is not None})
        batch = given.get("batch_size")
        keyword = None if batch is None else cst.Arg(batch, keyword=cst.Name("batch_size"))
        keyword = keyword and keyword.with_changes(
            equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""),
                whitespace_after=cst.SimpleWhitespace(""),
            )
        )
        self.imports.add("trtcompat")
        return _call("execute", [receiver, given["bindings"], given["stream_handle"]], keyword)

    def _spec(self, node: cst.CSTNode, kinds: Iterable[str]) -> FixSpec | None:
        start = self.get_metadata(PositionProvider, node).start
        spec = self.specs.get((start.line, start.column))
        if spec is None or spec.kind not in kinds:
            return None
        self.applied += 1
        return spec

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        spec = self._spec(original_node.attr, ("attr",))
        return updated_node if spec is None else updated_node.with_changes(attr=cst.Name(spec.new))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not isinstance(original_node.func, cst.Attribute) or not isinstance(func, cst.Attribute):
            return updated_node
        if self._edit(original_node.func.attr, "wrap"):
            return _wrap(updated_node)
        spec = self._spec(original_node.func.attr, _CALL_KINDS)
        if spec is None:
            return updated_node
        if spec.kind.startswith("tc_"):
            return self._trtcompat_call(spec, updated_node) or updated_node
        args = list(updated_node.args)
        if spec.arg >= 0:
            inner = args[spec.arg].value
            if isinstance(inner, cst.Call) and inner.args:
                args[spec.arg] = args[spec.arg].with_changes(value=inner.args[0].value)
        if spec.kind == "swap":
            first, second = args
            args = [first.with_changes(value=second.value), second.with_changes(value=first.value)]
        if spec.kind == "no_devmem":
            strategy = f"{spec.alias}.ExecutionContextAllocationStrategy.USER_MANAGED"
            args = [cst.Arg(cst.parse_expression(strategy))]
        call = updated_node.with_changes(func=func.with_changes(attr=cst.Name(spec.new)), args=args)
        if spec.kind != "is_input":
            return call
        mode = cst.parse_expression(f"{spec.alias}.TensorIOMode.INPUT")
        lpar, rpar = list(call.lpar), list(call.rpar)
        if not lpar and spec.paren:
            lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
        return cst.Comparison(
            left=call.with_changes(lpar=[], rpar=[]),
            comparisons=[cst.ComparisonTarget(operator=cst.Equal(), comparator=mode)],
            lpar=lpar,
            rpar=rpar,
        )

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        target = original_node.targets[0].target
        if len(original_node.targets) != 1 or not isinstance(target, cst.Attribute):
            return updated_node
        spec = self._spec(target.attr, ("workspace",))
        new_target = updated_node.targets[0].target
        if spec is None or not isinstance(new_target, cst.Attribute):
            return updated_node
        pool = cst.parse_expression(f"{spec.alias}.MemoryPoolType.WORKSPACE")
        call = cst.Call(
            func=new_target.with_changes(attr=cst.Name(spec.new)),
            args=[cst.Arg(pool, comma=_comma()), cst.Arg(updated_node.value)],
        )
        return cst.Expr(value=call, semicolon=updated_node.semicolon)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.BaseSmallStatement:
        names = original_node.names
        if isinstance(names, cst.ImportStar) or not names:
            return updated_node
        if self._spec(names[0].name, ("cuda_from",)) is None:
            return updated_node
        parts = []
        for alias in names:
            old = cst.ensure_type(alias.name, cst.Name).value
            local = cst.ensure_type(alias.asname.name, cst.Name).value if alias.asname else old
            parts.append(_CUDA[old] if _CUDA[old] == local else f"{_CUDA[old]} as {local}")
        self.applied += len(parts) - 1  # one finding per imported name
        line = cst.parse_statement(f"from cuda.bindings import {', '.join(parts)}\n")
        new = cst.ensure_type(line, cst.SimpleStatementLine).body[0]
        return cst.ensure_type(new, cst.ImportFrom).with_changes(semicolon=updated_node.semicolon)

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.BaseSmallStatement:
        spec = self._spec(original_node.names[0].name, ("cuda_import",))
        if spec is None:
            return updated_node
        module = cst.ensure_type(cst.parse_expression(spec.new), cst.Attribute)
        return updated_node.with_changes(names=[updated_node.names[0].with_changes(name=module)])


def _imported(module: cst.Module) -> set[str]:
    found: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    found.update(module.code_for_node(a.name) for a in small.names if not a.asname)
    return found


def _with_import(module: cst.Module, needed: set[str]) -> cst.Module:
    """``module`` with ``import trtcompat[.legacy]`` after its tensorrt import (or its last
    top-level import), unless it is there already."""
    have = _imported(module)
    wanted = "trtcompat.legacy" if "trtcompat.legacy" in needed else "trtcompat"
    if not needed or wanted in have or (wanted == "trtcompat" and "trtcompat.legacy" in have):
        return module
    body = list(module.body)
    at = 0
    for index, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(
            statement.body[0], (cst.Import, cst.ImportFrom)
        ):
            at = index + 1
            if "tensorrt" in module.code_for_node(statement):
                break
    line = cst.parse_statement(f"import {wanted}\n")
    return module.with_changes(body=[*body[:at], line, *body[at:]])


def fix_source(
    source: bytes, findings: Iterable[Finding], line_length: int = DEFAULT
) -> tuple[bytes, int]:
    """Rewrite the fixable findings of one file.

    Args:
        source: The file's bytes (its encoding and line endings are kept).
        findings: The file's findings from the scanner; manual ones are ignored.
        line_length: Rewritten lines longer than this have their calls broken over lines.

    Returns:
        The new bytes and the number of rewrites applied.

    Raises:
        FixError: The file does not parse with libcst, or the result would not parse.
    """
    findings = list(findings)
    specs = {
        (f.line, f.col - 1): f.fix
        for f in findings
        if f.fix is not None and f.fix.kind not in _NO_EDIT
    }
    edits = {
        (line, col): kind for f in findings if f.fix is not None for line, col, kind in f.fix.edits
    }
    if not specs and not edits:
        return source, 0
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as err:
        raise FixError(f"libcst cannot parse the file: {err.message}") from None
    fixer = _Fixer(specs, edits)
    fixed = MetadataWrapper(module).visit(fixer)
    new = reflow(_with_import(fixed, fixer.imports), module.code, line_length).bytes
    try:
        ast.parse(new)
    except SyntaxError as err:  # pragma: no cover - a bug in a rewrite, never expected
        raise FixError(f"the rewrite would not parse ({err.msg}); file left unchanged") from None
    return new, fixer.applied
