"""Write the generated parts of docs/MIGRATION.md (rule table) and docs/scan-json-schema.md
(example) from the scanner's rules (``trtcompat/migrate/_docs.py``).

Usage: ``python tools/gen_migrate_docs.py`` (from the repository root, with the repository
on ``PYTHONPATH``). ``tests/test_migrate_docs.py`` fails when the documents are stale.
"""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trtcompat.migrate._docs import rules_table, schema_example  # noqa: E402

MIGRATION = ROOT / "docs" / "MIGRATION.md"
SCHEMA = ROOT / "docs" / "scan-json-schema.md"


def replace_between(text: str, start: str, end: str, body: str) -> str:
    """``text`` with what lies between the markers ``start`` and ``end`` replaced by ``body``."""
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + body + end + tail


def main() -> int:
    rules = ("<!-- rules:start -->\n", "<!-- rules:end -->")
    example = ("<!-- example:start -->\n```json\n", "```\n<!-- example:end -->")
    MIGRATION.write_text(replace_between(MIGRATION.read_text(), *rules, rules_table()))
    SCHEMA.write_text(replace_between(SCHEMA.read_text(), *example, schema_example()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
