"""Break the calls of rewritten lines that ``--fix`` made longer than the file's line length.

libcst keeps every byte it did not rewrite, so a rewrite that lengthens a call leaves a line
longer than the project allows (``trtcompat.execute(self.context, bindings, stream,
batch_size=batch_size)`` at two indents is 113 characters). Only lines the rewrite changed are
touched, and only by breaking a call that sits whole on such a line inside its own
parentheses, as black and ruff format would::

    config.set_memory_pool_limit(
        trt.MemoryPoolType.WORKSPACE, workspace_gb * (1 << 30)
    )  # GiB -> bytes

The arguments go on one line of their own when they fit there, else one per line with a
trailing comma; a line still too long then has its widest remaining call broken the same way.
Every other line of the file stays byte for byte as it was.
"""

from __future__ import annotations

import difflib

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

__all__ = ["reflow"]

# Bound on the breaks per file; each break turns one single-line call into a multi-line one,
# so the loop ends anyway when no breakable call is left.
_MAX_BREAKS = 200


def _changed_lines(before: str, after: str) -> set[int]:
    """1-based numbers of the lines of ``after`` that ``before`` does not have there."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    changed: set[int] = set()
    for tag, _, _, first, last in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(first + 1, last + 1))
    return changed


class _Calls(cst.CSTVisitor):
    """Every call with arguments, except inside f-strings (a newline is not allowed there
    before Python 3.12)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[cst.Call] = []

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if node.args:
            self.calls.append(node)


def _newline(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=False,
        last_line=cst.SimpleWhitespace(indent),
    )


def _broken(call: cst.Call, module: cst.Module, outer: str, limit: int) -> cst.Call:
    """``call`` with its arguments inside the parentheses on lines of their own."""
    inner = outer + module.default_indent
    args = list(call.args)
    on_one_line = "".join(module.code_for_node(a) for a in args).strip().rstrip(",").strip()
    if len(args) == 1 or len(inner) + len(on_one_line) <= limit:
        last = args[-1]
        comma = last.comma
        if isinstance(comma, cst.Comma):
            comma = comma.with_changes(whitespace_after=cst.SimpleWhitespace(""))
        args[-1] = last.with_changes(comma=comma, whitespace_after_arg=_newline(outer))
    else:
        args = [
            arg.with_changes(
                comma=cst.Comma(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace("")
                    if index == len(args) - 1
                    else _newline(inner),
                ),
                whitespace_after_arg=_newline(outer)
                if index == len(args) - 1
                else cst.SimpleWhitespace(""),
            )
            for index, arg in enumerate(args)
        ]
    return call.with_changes(whitespace_before_args=_newline(inner), args=args)


class _Replace(cst.CSTTransformer):
    def __init__(self, target: cst.Call, new: cst.Call) -> None:
        super().__init__()
        self.target, self.new = target, new

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self.new if original_node is self.target else updated_node


def _leading_whitespace(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def reflow(module: cst.Module, before: str, limit: int) -> cst.Module:
    """Break calls on the lines of ``module`` that differ from ``before`` and exceed ``limit``.

    Args:
        module: The rewritten module.
        before: The file's text before the rewrite.
        limit: The line length (characters).

    Returns:
        The module with those calls broken over lines; unchanged where no line is too long
        or no call on it can be broken.
    """
    for _ in range(_MAX_BREAKS):
        lines = module.code.splitlines()
        long = [n for n in sorted(_changed_lines(before, module.code)) if len(lines[n - 1]) > limit]
        if not long:
            break
        wrapper = MetadataWrapper(module)
        positions = wrapper.resolve(PositionProvider)
        finder = _Calls()
        wrapper.module.visit(finder)
        target = None
        for number in long:
            whole = [
                call
                for call in finder.calls
                if positions[call].start.line == positions[call].end.line == number
            ]
            if whole:  # the widest call, which holds the others on the line
                target = min(
                    whole, key=lambda c: (positions[c].start.column, -positions[c].end.column)
                )
                break
        if target is None:
            break
        outer = _leading_whitespace(lines[positions[target].start.line - 1])
        new = _broken(target, wrapper.module, outer, limit)
        module = wrapper.module.visit(_Replace(target, new))
    return module
