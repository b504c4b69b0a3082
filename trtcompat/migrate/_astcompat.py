"""The few places where Python 3.8's ``ast`` differs from 3.9+ (the scanner runs on both).

3.8 wraps a subscript's key in ``ast.Index`` and gives ``import`` aliases no position (3.10
added ``alias.lineno``); everything else the scanner reads is the same.
"""

from __future__ import annotations

import ast
import re

__all__ = ["alias_positions", "subscript_key"]


def subscript_key(node: ast.Subscript) -> ast.AST:
    """The key of ``x[key]`` (unwrapped from 3.8's ``ast.Index``)."""
    key: ast.AST = node.slice
    index = getattr(ast, "Index", None)
    if index is not None and isinstance(key, index):
        return key.value  # type: ignore[no-any-return]
    return key


def alias_positions(node: ast.Import | ast.ImportFrom, lines: list[str]) -> list[tuple[int, int]]:
    """``(line, byte column)`` of each imported name of ``node``, in order.

    Args:
        node: An ``import`` or ``from ... import`` statement.
        lines: The file's lines (text).

    Returns:
        One position per alias (from the aliases themselves where Python records them).
    """
    if all(hasattr(alias, "lineno") for alias in node.names):
        return [(a.lineno, a.col_offset) for a in node.names]
    positions: list[tuple[int, int]] = []
    line, col = node.lineno, node.col_offset
    # The names come after the ``import`` keyword, in source order.
    line, col = _search(lines, line, col, r"\bimport\b")
    col += len("import")
    for alias in node.names:
        pattern = r"\s*\.\s*".join(re.escape(part) for part in alias.name.split("."))
        line, col = _search(lines, line, col, r"(?<![\w.])" + pattern + r"(?![\w])")
        positions.append((line, col))
        col += 1
    return positions


def _search(lines: list[str], line: int, col: int, pattern: str) -> tuple[int, int]:
    regex = re.compile(pattern)
    first = True
    while line <= len(lines):
        text = lines[line - 1]
        start = len(text.encode("utf-8")[:col].decode("utf-8", "replace")) if first else 0
        match = regex.search(text, start)
        if match is not None:
            return line, len(text[: match.start()].encode("utf-8"))
        line, first = line + 1, False
    raise ValueError(f"{pattern!r} not found")  # pragma: no cover - the parser saw it
