"""Find and rewrite TensorRT APIs removed in 10.x / 11.x (and legacy cuda-python imports).

Scanning uses only the standard library ``ast``; rewriting (:func:`fix_source`, ``--fix``)
imports libcst lazily. The command line is ``trtcompat scan PATH...`` (:func:`main`).

Example:
    >>> from trtcompat.migrate import scan_source
    >>> src = "import tensorrt as trt\\nn = engine.num_bindings\\n"
    >>> [(f.line, f.col, f.rule.id) for f in scan_source(src).findings]
    [(2, 12, 'TRT001')]
"""

from __future__ import annotations

from collections.abc import Iterable

from trtcompat.migrate._paths import scan_paths
from trtcompat.migrate._report import SCHEMA_VERSION, to_json, to_text
from trtcompat.migrate._rules import RULES, RULES_BY_ID, Rule, applies_to_target, select_rules
from trtcompat.migrate._scanner import FileResult, Finding, scan_source
from trtcompat.migrate.cli import main

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "SCHEMA_VERSION",
    "FileResult",
    "Finding",
    "Rule",
    "applies_to_target",
    "fix_source",
    "main",
    "scan_paths",
    "scan_source",
    "select_rules",
    "to_json",
    "to_text",
]


def fix_source(
    source: bytes, findings: Iterable[Finding], line_length: int = 100
) -> tuple[bytes, int]:
    """Rewrite the fixable findings of one file (needs libcst).

    Args:
        source: The file's bytes.
        findings: Its findings, from :func:`scan_source`.
        line_length: Rewritten lines longer than this have their calls broken over lines,
            inside the call's parentheses (the command line reads it from the project's
            ``[tool.ruff]`` / ``[tool.black]`` ``line-length``).

    Returns:
        The new bytes and the number of rewrites applied.

    Raises:
        ImportError: libcst is missing (``pip install libcst``: the ``migrate`` extra).
        ValueError: The file or the result does not parse (``FixError``).
    """
    from trtcompat.migrate._codemod import fix_source as _fix

    return _fix(source, findings, line_length)


def __dir__() -> list[str]:
    return __all__
