"""Render scan results: one line per finding for people, versioned JSON for dashboards.

The JSON layout is documented in ``docs/scan-json-schema.md``; bump :data:`SCHEMA_VERSION`
on any change that removes or renames a key (adding keys is compatible).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from trtcompat.migrate._scanner import FileResult, Finding

__all__ = ["SCHEMA_VERSION", "finding_dict", "to_json", "to_text"]

# 2: "needs" added; "api" may name several classes ("A|B.member") where the receiver's class
# is not known. Consumers that split "api" into class and member must expect the "|".
# Later additions (compatible, same version): "possibly_guarded", "by_name", "held_back".
SCHEMA_VERSION = 2


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as a JSON object.

    Args:
        finding: The finding.

    Returns:
        The object with the keys documented in ``docs/scan-json-schema.md``.
    """
    rule = finding.rule
    return {
        "path": finding.path,
        "line": finding.line,
        "col": finding.col,
        "rule": rule.id,
        "api": finding.api or rule.api,
        "symbol": finding.symbol,
        "deprecated_in": finding.deprecated_in,
        "removed_in": finding.removed_in,
        "replacement": rule.replacement,
        "trtcompat": rule.trtcompat,
        "fixable": finding.fixable,
        "needs": finding.needs,
        "note": rule.why,
        "status": finding.status,
        "guarded": finding.guarded,
        "possibly_guarded": finding.possibly,
        "by_name": finding.by_name,
        "held_back": finding.held_back,
    }


def to_json(
    results: Sequence[FileResult], target: int, fixed: Mapping[str, int] | None = None
) -> str:
    """The JSON report.

    Args:
        results: Per-file results (after fixing, when ``--fix`` ran).
        target: The TensorRT major version scanned for.
        fixed: Rewrites applied per path, when ``--fix`` ran.

    Returns:
        The JSON text (indented, keys in a fixed order).
    """
    findings = [finding_dict(f) for result in results for f in result.findings]
    files: dict[str, dict[str, Any]] = {}
    for result in results:
        entry: dict[str, Any] = {
            "findings": len(result.findings),
            "fixable": sum(f.fixable for f in result.findings),
            "error": result.error,
        }
        if fixed is not None:
            entry["fixed"] = fixed.get(result.path, 0)
        files[result.path] = entry
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": "trtcompat scan",
        "target": target,
        "findings": findings,
        "files": files,
        "total": len(findings),
        "fixable": sum(1 for f in findings if f["fixable"]),
        "guarded": sum(1 for f in findings if f["guarded"]),
        "errors": sum(1 for r in results if r.error is not None),
    }
    if fixed is not None:
        document["fixed"] = sum(fixed.values())
    return json.dumps(document, indent=2)


def _line(finding: Finding) -> str:
    rule = finding.rule
    if finding.status == "removed":
        removed = f"removed in {finding.removed_in}"
    elif finding.status == "deprecated":
        removed = f"deprecated in {finding.deprecated_in}"
    else:
        removed = "hazard"
    if finding.guarded:
        hint = "possibly guarded" if finding.possibly else "guarded"
    else:
        hint = "fixable" if finding.fixable else "manual"
    if finding.needs is not None and not finding.guarded:
        hint += (
            f", needs TensorRT {finding.needs}"
            if finding.fixable
            else f"; --min-trt {finding.needs} fixes it"
        )
    if finding.held_back and not finding.fixable and not finding.guarded:
        hint += f" (held back by {finding.held_back})"
    if finding.by_name:
        hint += "; by name, check"
    tc = f"; trtcompat: {rule.trtcompat}" if rule.trtcompat != "—" else ""
    return (
        f"{finding.path}:{finding.line}:{finding.col}: {rule.id} {finding.symbol} ({removed}) "
        f"-> {rule.replacement}{tc} [{hint}]"
    )


def to_text(
    results: Sequence[FileResult], target: int, fixed: Mapping[str, int] | None = None
) -> str:
    """The human-readable report: one line per finding and a summary.

    Args:
        results: Per-file results.
        target: The TensorRT major version scanned for.
        fixed: Rewrites applied per path, when ``--fix`` ran.

    Returns:
        The report text, ending with a newline.
    """
    lines = []
    for result in results:
        if result.error is not None:
            lines.append(f"{result.path}: cannot scan: {result.error}")
        lines.extend(_line(f) for f in result.findings)
    if fixed is not None:
        changed = sum(1 for count in fixed.values() if count)
        lines.append(f"Fixed {sum(fixed.values())} finding(s) in {changed} file(s).")
    summary = _summary(results, target, fixed is not None)
    errors = sum(1 for r in results if r.error is not None)
    if errors:
        summary += f"; {errors} file(s) could not be scanned"
    lines.append(summary + ".")
    return "\n".join(lines) + "\n"


def _summary(results: Sequence[FileResult], target: int, after_fix: bool) -> str:
    findings = [f for r in results for f in r.findings]
    with_findings = sum(1 for r in results if r.findings)
    summary = (
        f"{len(findings)} finding(s) in {with_findings} of {len(results)} file(s), "
        f"target TensorRT {target}"
    )
    guarded = sum(f.guarded for f in findings)
    possibly = sum(f.possibly for f in findings)
    if possibly:
        summary += f" ({guarded} guarded, {possibly} of them possibly)"
    elif guarded:
        summary += f" ({guarded} guarded)"
    if findings and not after_fix:
        summary += f"; {sum(f.fixable for f in findings)} fixable with --fix"
    elif findings:
        summary += " left to migrate by hand (see docs/MIGRATION.md)"
    return summary
