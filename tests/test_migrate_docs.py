"""The scan's data and its documents agree: the generated rule table and schema example are
current, and every hand-written API table of docs/MIGRATION.md dates each name as the scan
reports it (issue 22, "The scan data and the docs disagree")."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from trtcompat.migrate import RULES_BY_ID, main, scan_source, select_rules
from trtcompat.migrate._docs import SCHEMA_SOURCES, rule_dates, rules_table, schema_example
from trtcompat.migrate._table import KIND_CLASSES, is_member_name, versions

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "MIGRATION.md").read_text()
SCHEMA = (ROOT / "docs" / "scan-json-schema.md").read_text()


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_the_rule_table_is_generated_from_the_rules() -> None:
    table = _between(GUIDE, "<!-- rules:start -->\n", "<!-- rules:end -->")
    assert table == rules_table()  # regenerate: python tools/gen_migrate_docs.py


def test_the_schema_example_is_what_the_command_prints(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    block = _between(SCHEMA, "<!-- example:start -->\n```json\n", "```\n<!-- example:end -->")
    assert block == schema_example()
    for path, text in SCHEMA_SOURCES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    monkeypatch.chdir(tmp_path)
    main(["--json", *SCHEMA_SOURCES])
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(block)
    finding = printed["findings"][0]
    # The values the old hand-written example got wrong: the tool prints these.
    assert (finding["rule"], finding["deprecated_in"], finding["fixable"]) == ("TRT001", None, True)


# -- the hand-written tables ------------------------------------------------------------------
_SECTION_KINDS = {"ICudaEngine": "engine", "IExecutionContext": "context"}
_CLASS_KINDS = {cls: kind for kind, classes in KIND_CLASSES.items() for cls in classes}
_CLASS_KINDS["IBuilder"] = "builder"
_SPECIAL = {"len(engine)": "__len__", 'engine["name"]': "__getitem__(str)"}
_RELEASE = re.compile(r"\d+\.\d+")


def _rows() -> list[tuple[str, str, list[str]]]:
    """``(section class, first cell, cells)`` of every hand-table row that names a rule."""
    rows = []
    section = ""
    hand = GUIDE.split("## Rule table")[0]
    for line in hand.splitlines():
        heading = re.match(r"###? `?(\w+)", line)
        if heading:
            section = heading.group(1)
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("|") and re.fullmatch(r"TRT\d{3}", cells[-1]):
            rows.append((section, cells[0], cells))
    return rows


def _scanned(section: str, api: str, rule_id: str) -> tuple[str | None, str | None]:
    """What the scan reports for the first API a row names."""
    token = re.findall(r"`([^`]+)`", api)[0]
    rule = RULES_BY_ID[rule_id]
    if token in _SPECIAL:
        return versions(rule, {"__len__": "len(engine)"}.get(_SPECIAL[token], "engine[str]"), "engine")[:2]
    name = re.sub(r"\(.*|\s*=.*|\[.*", "", token)
    head, _, tail = name.partition(".")
    if tail and head in _CLASS_KINDS:
        return versions(rule, tail, _CLASS_KINDS[head])[:2]
    if is_member_name(name):
        return versions(rule, name, None)[:2]
    return versions(rule, name, _SECTION_KINDS.get(section))[:2]


@pytest.mark.parametrize(("section", "api", "cells"), _rows(), ids=lambda v: str(v)[:40])
def test_hand_tables_date_each_name_as_the_scan_does(
    section: str, api: str, cells: list[str]
) -> None:
    deprecated_cell, removed_cell = cells[1], cells[2]
    deprecated, removed = _scanned(section, api, cells[-1])
    found = _RELEASE.findall(removed_cell)
    assert found and found[0] == removed, (api, removed_cell, removed)
    if "*C++*" in deprecated_cell:
        # The C++ deprecation: the Python binding never warned, so the scan says null.
        assert deprecated is None, (api, deprecated_cell, deprecated)
    else:
        shown = _RELEASE.findall(deprecated_cell)
        assert (shown[0] if shown else None) == deprecated, (api, deprecated_cell, deprecated)


def test_every_rule_row_has_hand_rows_or_the_generated_row() -> None:
    assert len(_rows()) >= 40  # the hand tables did not silently stop parsing


def test_a_rule_has_one_deprecation_per_name() -> None:
    # max_workspace_size was dated 8.3 in one table and 8.4 in another: every table now takes
    # the scan's date, and the generated row lists each distinct date once.
    deprecated, _ = rule_dates(RULES_BY_ID["TRT040"])
    assert deprecated == ["8.4"]
    rows = [cells for _, api, cells in _rows() if "max_workspace_size" in api and cells[-1] == "TRT040"]
    assert rows and all(_RELEASE.findall(cells[1])[0] == "8.4" for cells in rows)


def test_target_10_reports_the_calibrators_as_deprecated_in_10_1() -> None:
    source = "import tensorrt as trt\nclass C(trt.IInt8EntropyCalibrator2):\n    pass\n"
    findings = scan_source(source, rules=select_rules(10), target=10).findings
    assert [(f.rule.id, f.status, f.deprecated_in) for f in findings] == [
        ("TRT043", "deprecated", "10.1")
    ]
