"""The parts of docs/MIGRATION.md and docs/scan-json-schema.md written from the rules.

The rule table's dates are the ones a scan reports for each name (from the generated table
where it dates the name, else the rule's), its fix columns say what ``--fix`` does in each
mode, and the schema's example is the JSON a real scan prints; ``tools/gen_migrate_docs.py``
writes them into the documents and ``tests/test_migrate_docs.py`` fails when they differ.
"""

from __future__ import annotations

from collections.abc import Iterable

from trtcompat.legacy import CONTEXT_MEMBERS, ENGINE_MEMBERS
from trtcompat.migrate._report import to_json
from trtcompat.migrate._rules import RULES, Rule
from trtcompat.migrate._scanner import NEWEST, scan_source
from trtcompat.migrate._table import versions
from trtcompat.migrate._totrtcompat import PER_CALL, RUNTIME_KINDS

__all__ = ["SCHEMA_SOURCES", "rule_dates", "rules_table", "schema_example", "trtcompat_fix"]

# The two files the schema's example scans: one finding, one file that does not parse.
SCHEMA_SOURCES = {
    "src/infer.py": (
        "import tensorrt as trt\n"
        "\n"
        "\n"
        "def count(path):\n"
        "    with open(path, 'rb') as f, trt.Runtime(trt.Logger()) as runtime:\n"
        "        engine = runtime.deserialize_cuda_engine(f.read())\n"
        "    return engine.num_bindings\n"
    ),
    "src/broken.py": "import tensorrt as trt\n\ndef f(:\n",
}
_SEQ = {"__len__": "len(engine)", "__getitem__(str)": "engine[str]"}


def _distinct(values: Iterable[str | None]) -> list[str | None]:
    seen: list[str | None] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def rule_dates(rule: Rule) -> tuple[list[str | None], list[str | None]]:
    """The distinct ``deprecated_in`` / ``removed_in`` a scan reports for the rule's names
    (receiver unknown: the earliest among the classes that had it)."""
    owner = rule.api.split(".")[0]
    # A rule about one layer class (IResizeLayer.align_corners) is dated on that class.
    one_layer = owner.endswith("Layer") and owner != "ILayer"
    layer = owner[1 : -len("Layer")].lower() if one_layer else ""
    dates = [versions(rule, _SEQ.get(name, name), None, layer) for name in rule.names]
    return _distinct(d[0] for d in dates), _distinct(d[1] for d in dates)


def trtcompat_fix(rule: Rule) -> str:
    """What ``--fix`` (``--to trtcompat``) does for the rule's uses."""
    if not set(rule.receivers) <= RUNTIME_KINDS:
        return rule.fix or "manual"
    names = {name.replace("(str)", "") for name in rule.names}
    served = names & (ENGINE_MEMBERS | CONTEXT_MEMBERS)
    calls = sorted({PER_CALL[name] for name in rule.names if name in PER_CALL})
    parts = []
    if served:
        parts.append("where the file makes or receives the engine: trtcompat.legacy.wrap")
    if calls:
        parts.append("on a context the file cannot trace: " + " / ".join(calls))
    return "; ".join(parts) or "manual"


def _cell(values: list[str | None], none: str) -> str:
    return " / ".join(value or none for value in values)


def rules_table() -> str:
    """The rule table of docs/MIGRATION.md, one row per rule.

    Returns:
        A Markdown table.
    """
    rows = [
        "| id | API | deprecated | removed | replacement | trtcompat | `--fix` | "
        "`--fix --to tensorrt` | why |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for rule in RULES:
        deprecated, removed = rule_dates(rule)
        hazard = rule.removed_in is None and rule.deprecated_in is None
        never = "never (hazard)" if hazard else "not removed"
        cells = (
            rule.id,
            rule.api,
            _cell(deprecated, "-"),
            _cell(removed, never),
            rule.replacement,
            rule.trtcompat,
            trtcompat_fix(rule),
            rule.fix or "manual",
            rule.why,
        )
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


def schema_example() -> str:
    """The JSON that ``trtcompat scan --json src`` prints for :data:`SCHEMA_SOURCES`."""
    results = [scan_source(text, path) for path, text in SCHEMA_SOURCES.items()]
    return to_json(results, NEWEST) + "\n"
