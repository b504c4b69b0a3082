"""trtcompat plans DIR and the header part of trtcompat inspect."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from _plans import sectioned_plan

from trtcompat.cli import main


def _fleet(root: Path, runtime: tuple[int, int, int, int]) -> None:
    (root / "sub").mkdir()
    (root / "same.plan").write_bytes(sectioned_plan(runtime))
    (root / "sub" / "newer.engine").write_bytes(sectioned_plan((runtime[0], runtime[1] + 1, 0, 0)))
    (root / "noext").write_bytes(sectioned_plan(runtime))  # found by its magic
    (root / "notes.txt").write_text("not a plan")  # ignored
    (root / "broken.trt").write_bytes(b"\x08\x01onnx")


def test_plans_json_verdicts_and_exit_code(
    era: str, trt: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = tuple(int(p) for p in trt.__version__.split("."))  # type: ignore[attr-defined]
    _fleet(tmp_path, runtime)  # type: ignore[arg-type]
    assert main(["plans", str(tmp_path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["tensorrt"] == trt.__version__  # type: ignore[attr-defined]
    verdicts = {Path(r["path"]).name: r["verdict"] for r in report["plans"]}
    assert verdicts == {
        "same.plan": "yes",
        "noext": "yes",
        "newer.engine": "no",
        "broken.trt": "no",
    }
    newer = next(r for r in report["plans"] if r["path"].endswith("newer.engine"))
    assert newer["header"]["tensorrt_version"] == f"{runtime[0]}.{runtime[1] + 1}.0"
    assert "newer than the installed TensorRT" in newer["reason"]


def test_plans_all_loadable_exits_zero_and_prints_a_table(
    era: str, trt: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runtime = tuple(int(p) for p in trt.__version__.split("."))  # type: ignore[attr-defined]
    (tmp_path / "a.plan").write_bytes(sectioned_plan(runtime))  # type: ignore[arg-type]
    assert main(["plans", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"Installed TensorRT: {trt.__version__}" in out  # type: ignore[attr-defined]
    assert "yes" in out and "a.plan" in out


def test_plans_without_tensorrt_is_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    (tmp_path / "a.plan").write_bytes(sectioned_plan((10, 3, 0, 26)))
    assert main(["plans", str(tmp_path), "--json"]) == 1
    row = json.loads(capsys.readouterr().out)["plans"][0]
    assert row["verdict"] == "unknown" and row["header"]["tensorrt_version"] == "10.3.0"


def test_plans_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plans", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err == (
        f"trtcompat plans: {str(tmp_path / 'missing')!r} does not exist; give a directory of "
        f"plans or one plan file.\n"
    )


def test_inspect_shows_the_header_without_tensorrt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat import _detect

    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)
    path = tmp_path / "m.plan"
    path.write_bytes(sectioned_plan((10, 16, 1, 11)))
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Built by TensorRT: 10.16.1 (build 11)" in out and "Sections: 1 (end marker ok)" in out
    assert main(["inspect", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["header"]["declared_size"] == path.stat().st_size


# -- docs/CLI.md and -h say what the commands do ------------------------------------------

ROOT = Path(__file__).parents[1]


def _section(title: str) -> str:
    text = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _keys(value: object) -> set[str]:
    # Every key of a JSON document, at any depth, except the names of tensors (data).
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            found |= _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _keys(inner)
    return found


def test_cli_md_lists_every_exit_status() -> None:
    table = {
        line.split("|")[1].strip(): line.split("|")[2]
        for line in (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    assert "0 when every plan is `yes` or `maybe`" in table["`plans PATH [--json]`"]
    assert "1 when some are `no` or `unknown`" in table["`plans PATH [--json]`"]
    assert "2 for a usage error" in table["`plans PATH [--json]`"]
    assert "2 for a usage error or a missing path" in table["`scan PATH [--json] [--fix]`"]


def test_every_json_key_is_documented_and_in_inspect_help(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from _engines import TWO_PROFILES

    from trtcompat.testing import build_plan, fake_tensorrt

    path = tmp_path / "model.plan"
    path.write_bytes(build_plan(TWO_PROFILES, "10"))
    with fake_tensorrt("10"):
        assert main(["inspect", str(path), "--json"]) == 0
        inspect_keys = _keys(json.loads(capsys.readouterr().out)) - {"x", "bias"}
        assert main(["plans", str(tmp_path), "--json"]) == 0
        plans_keys = _keys(json.loads(capsys.readouterr().out))
    header_keys = _keys(json.loads(json.dumps({"h": tc_plan_info(path)})))
    documented = _section("`inspect --json`") + _section("Plan header keys")
    assert {k for k in inspect_keys if not _named(k, documented)} == set()
    documented = _section("`plans PATH`") + _section("Plan header keys")
    assert {k for k in plans_keys if not _named(k, documented)} == set()
    assert main(["inspect", "-h"]) == 0
    usage = capsys.readouterr().out
    words = set(re.findall(r"[A-Za-z_]+", usage.split("JSON keys (--json):", 1)[1]))
    assert (inspect_keys | header_keys) - {"h"} - words == set()


def _named(key: str, text: str) -> bool:
    # As the doc writes a key: `key`, or "key" inside a JSON-like `{"min", "opt", "max"}`.
    return f"`{key}`" in text or f'"{key}"' in text


def tc_plan_info(path: Path) -> object:
    from trtcompat import plan_info

    return plan_info(path).as_dict()


def test_plans_help_says_what_path_is(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plans", "-h"]) == 0
    usage = " ".join(capsys.readouterr().out.split())
    assert (
        "PATH a directory, searched at any depth for files named *.plan, *.engine or *.trt or "
        "starting with a plan's magic bytes 'ftrt'; or one plan file" in usage
    )
    assert "Exit status: 0 when every plan is yes or maybe, 1 when some are no or unknown, 2 " \
        "for a usage error." in usage
