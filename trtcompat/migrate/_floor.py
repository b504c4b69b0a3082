"""The oldest TensorRT a file shows it runs on, so that ``--fix`` never raises it silently.

Without ``--min-trt``, a native fix is applied only where the release it needs is one the file
already requires. The file shows what it supports through:

- its version checks: ``if trt.__version__ >= "8.4"`` / ``trt_major < 10`` run code on both
  sides of the release compared, so the file supports releases below it;
- its ``hasattr`` probes of TensorRT objects (a tensorrt alias, or a receiver of a known kind)
  for names the table dates: ``hasattr(config, "set_memory_pool_limit")`` means releases
  without it (before 8.4) are supported;
- an import's requirement: ``mod.lazy_import("tensorrt>=8.5")`` needs 8.5 at least;
- unguarded TensorRT 7 names (removed by 8.0, the table's first release): a TensorRT 7 file.

A fix that needs a release the file does not show it has is left as a finding, with the
``--min-trt`` that lets ``--fix`` apply it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from trtcompat._api_changes import CHANGES
from trtcompat.migrate._analysis import FileFacts, dotted, receiver_kind
from trtcompat.migrate._guards import hasattr_probe, is_version_check
from trtcompat.migrate._table import FIRST_BRANCH, KIND_CLASSES, at_least

__all__ = ["Floor", "file_floor"]

_RELEASE = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))?")
# Integers compared in a version check are majors (trt_major >= 10) when in this range.
_MAJORS = range(5, 21)


@dataclass(frozen=True)
class Floor:
    """What a file shows about the releases it runs on.

    Attributes:
        below: The file supports releases older than this one (None: it shows none).
        required: The file's import requires at least this release (None: no requirement).
        reason: What showed ``below`` (for the report).
    """

    below: str | None = None
    required: str | None = None
    reason: str = ""

    def why(self, needs: str | None) -> str:
        """What holds back a fix that needs ``needs`` ("" when nothing does)."""
        if needs is None or self.allows(needs):
            return ""
        if self.below is not None and not _older(needs, self.below):
            return self.reason
        return f"the import's requirement tensorrt>={self.required}"

    def allows(self, needs: str | None) -> bool:
        """Whether code that needs release ``needs`` (None: any) runs everywhere the file does."""
        if needs is None:
            return True
        if self.below is not None and not _older(needs, self.below):
            return False
        return self.required is None or at_least(needs, self.required)


def _older(release: str, than: str) -> bool:
    return at_least(release, than) and release != than and not at_least(than, release)


def _release(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value in _MAJORS else None
    if isinstance(value, str):
        match = _RELEASE.match(value.strip())
        if match is None or int(match.group(1)) not in _MAJORS:
            return None
        return ".".join(part for part in match.groups() if part is not None)
    return None


def _compared(node: ast.Compare) -> list[str]:
    found = []
    for operand in (node.left, *node.comparators):
        for part in ast.walk(operand):
            if isinstance(part, ast.Constant):
                release = _release(part.value)
                if release is not None:
                    found.append(release)
            elif isinstance(part, ast.Tuple) and part.elts:
                values = [e.value for e in part.elts if isinstance(e, ast.Constant)]
                if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                    release = _release(".".join(str(v) for v in values[:2]))
                    if release is not None:
                        found.append(release)
    return found


def _owners(probed: ast.expr, facts: FileFacts) -> tuple[str, ...]:
    """The classes a ``hasattr`` probe's object can be: ``trt`` / ``trt.BuilderFlag`` through
    a tensorrt alias, or a receiver of a known kind (``config``, ``engine``, ...)."""
    name = dotted(probed) or ""
    head, _, rest = name.partition(".")
    if head in facts.modules:
        return (rest or "tensorrt",)
    return KIND_CLASSES.get(receiver_kind(probed, facts) or "", ())


def _added(name: str, classes: tuple[str, ...]) -> str | None:
    """The release that added ``name`` to the first of ``classes`` the table lists it on."""
    for cls in classes:
        change = CHANGES.get(cls, {}).get(name)
        if change is not None:
            return change[0]
    return None


def _oldest(candidates: Iterable[tuple[str, str]]) -> tuple[str | None, str]:
    best: tuple[str | None, str] = (None, "")
    for release, reason in candidates:
        if best[0] is None or _older(release, best[0]):
            best = (release, reason)
    return best


def file_floor(tree: ast.Module, facts: FileFacts, trt7_lines: Iterable[int] = ()) -> Floor:
    """What ``tree`` shows about the TensorRT releases it runs on (see the module docstring).

    Args:
        tree: The parsed file.
        facts: Its facts (guard helpers, the import requirement).
        trt7_lines: Lines of unguarded findings removed by the table's first release.
    """
    candidates: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and is_version_check(node, facts.guard_helpers):
            where = f"a version check on line {node.lineno}"
            candidates.extend((release, where) for release in _compared(node))
        elif isinstance(node, ast.Call):
            probed = (hasattr_probe(node) or ("", False))[0]
            added = _added(probed, _owners(node.args[0], facts)) if probed else None
            if added is not None:
                candidates.append((added, f"hasattr(..., {probed!r}) on line {node.lineno}"))
    for line in trt7_lines:
        candidates.append((FIRST_BRANCH, f"a TensorRT 7 name on line {line}"))
    below, reason = _oldest(candidates)
    return Floor(below, facts.import_floor, reason)
