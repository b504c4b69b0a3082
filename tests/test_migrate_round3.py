"""Migration round 3 (issue 26): no wrong rewrite of per-profile bindings, guards through
helpers and aliases across the scanned tree, flags by name, TensorRT 11's precision move, the
table's aliases and overloads, fixes that never raise the floor silently; and rules whose fix
strategy and matcher are fields of the rule (issue 25, item 7)."""

from __future__ import annotations

import ast
import json
import pathlib

import pytest

from trtcompat.migrate import RULES, main, scan_paths, scan_source, select_rules
from trtcompat.migrate._fixes import SCANNER_STRATEGIES, STRATEGIES
from trtcompat.migrate._scanner import Finding

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "migrate_corpus"


def _tree(*names: str) -> dict[str, list[Finding]]:
    results = scan_paths([str(CORPUS / name) for name in names])
    return {pathlib.Path(r.path).name: r.findings for r in results}


def _rows(findings: list[Finding]) -> list[tuple[int, str, bool, bool]]:
    return [(f.line, f.rule.id, f.guarded, f.possibly) for f in findings]


# -- a wrong fix ------------------------------------------------------------------------------
def test_a_per_profile_file_keeps_its_untraced_context_on_the_legacy_surface() -> None:
    pytest.importorskip("libcst")
    from trtcompat.migrate import fix_source

    source = (CORPUS / "bert_profiles.py").read_bytes()
    fixed = fix_source(source, scan_source(source, "bert_profiles.py").findings)[0].decode()
    assert "trtcompat.execute(" not in fixed  # before: execute(context, [0] * offset + ...)
    assert "context.execute_async_v2(" in fixed
    assert fixed.count("engine = trtcompat.legacy.wrap(engine)") == 2
    (call,) = [f for f in scan_source(source).findings if f.rule.id == "TRT022"]
    assert not call.fixable and "legacy surface" in (call.held_back or "")
    # A single-profile file of the same shape still gets trtcompat.execute.
    untraced = (CORPUS / "untraced_context.py").read_bytes()
    fixed = fix_source(untraced, scan_source(untraced).findings)[0].decode()
    assert "trtcompat.execute(context, bindings, stream.handle)" in fixed


# -- guards seen through helpers --------------------------------------------------------------
def test_a_helper_in_another_module_guards_the_branches_it_decides() -> None:
    together = _tree("polygraphy_util.py", "polygraphy_runner.py")["polygraphy_runner.py"]
    assert _rows(together) == [
        (14, "TRT023", True, False),
        (14, "TRT003", True, False),
        (15, "TRT001", True, False),
        (19, "TRT022", True, False),  # `if not helper(): return old` - the early-exit form
        (25, "TRT094", False, False),  # outside any guard
    ]
    alone = _tree("polygraphy_runner.py")["polygraphy_runner.py"]
    assert _rows(alone) == [
        (14, "TRT023", True, True),
        (14, "TRT003", True, True),
        (15, "TRT001", True, True),
        (19, "TRT022", True, True),
        (25, "TRT094", False, False),
    ]


def test_possibly_guarded_does_not_fail_and_is_said(
    capsys: pytest.CaptureFixture[str], tmp_path: pathlib.Path
) -> None:
    runner = tmp_path / "runner.py"
    runner.write_text(
        "import tensorrt as trt\n"
        "from polygraphy.backend.trt import util\n"
        "if util._should_use_v3_api():\n"
        "    n = engine.num_io_tensors\n"
        "else:\n"
        "    n = engine.num_bindings\n"
    )
    assert main([str(runner)]) == 0
    out = capsys.readouterr().out
    assert "[possibly guarded]" in out and "(1 guarded, 1 of them possibly)" in out
    assert main(["--fail-on-guarded", str(runner)]) == 1


@pytest.mark.parametrize(
    ("helper", "how"),
    [
        ("def is_new():\n    return hasattr(trt, 'IStreamReaderV2')\n", (True, False)),
        ("def is_new():\n    return not _older()\n"
         "def _older():\n    return trt_version() < (10, 0)\n", (True, False)),
        ("def is_new():\n    x = load()\n    if x:\n        return trt_version() >= 10\n"
         "    return False\n", (True, True)),
        ("def is_new():\n    return self.flag\n", (False, False)),
    ],
)
def test_which_helpers_guard(helper: str, how: tuple[bool, bool]) -> None:
    source = (
        "import tensorrt as trt\n" + helper + "if is_new():\n    pass\nelse:\n"
        "    n = engine.num_bindings\n"
    )
    (finding,) = scan_source(source).findings
    assert (finding.guarded, finding.possibly) == how


# -- aliases ----------------------------------------------------------------------------------
def test_a_star_import_of_a_module_of_the_tree_brings_its_trt_alias() -> None:
    together = _tree("torch2trt_core.py", "torch2trt_converters.py")["torch2trt_converters.py"]
    assert [(f.line, f.symbol) for f in together] == [
        (9, "ResizeMode.LINEAR"[: len("ResizeMode")]),
        (10, "align_corners"),
        (16, "SliceMode"),
    ]
    alone = _tree("torch2trt_converters.py")["torch2trt_converters.py"]
    assert [f.symbol for f in alone] == ["align_corners"]  # a layer's own member


@pytest.mark.parametrize(
    "importer",
    [
        'trt = importlib.import_module("tensorrt")',
        'trt = __import__("tensorrt")',
        'trt = mod.lazy_import("tensorrt>=8.5")',
        'trt = mod.lazy_import("tensorrt_lean")',
    ],
)
def test_modules_imported_by_name_are_tensorrt_aliases(importer: str) -> None:
    source = f"import importlib\n{importer}\nv = trt.ProfilingVerbosity.VERBOSE\n"
    assert [f.rule.id for f in scan_source(source).findings] == ["TRT091"]
    other = source.replace('"tensorrt', '"numpy')
    assert scan_source(other).findings == []


# -- flags by name ----------------------------------------------------------------------------
def test_flags_set_by_a_literal_name_are_reported_by_name() -> None:
    findings = _tree("polygraphy_config.py")["polygraphy_config.py"]
    assert [(f.line, f.symbol, f.by_name) for f in findings] == [
        (15, "BuilderFlag.FP16", True),
        (17, "BuilderFlag.INT8", True),
        (21, "BuilderFlag.OBEY_PRECISION_CONSTRAINTS", True),
        (22, "ProfilingVerbosity.VERBOSE", False),
    ]
    # try_set_flag("TF32") stays (TF32 is not removed); getattr(trt.BuilderFlag, name) with a
    # variable is not followed.
    assert not any(f.line in (18, 20) for f in findings)


def test_by_name_is_in_the_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(CORPUS / "polygraphy_config.py")])
    assert "[manual; by name, check]" in capsys.readouterr().out


# -- the table and the rules ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "rule", "removed"),
    [
        ("m = trt.ResizeMode.LINEAR\n", "TRT094", "10.0"),
        ("m = trt.SliceMode.WRAP\n", "TRT094", "10.0"),
        ("i = engine['input']\n", "TRT013", "10.0"),
        ("w = engine.max_workspace_size\n", "TRT074", "8.0"),
        ("r = network.add_resize(x)\nr.align_corners = True\n", "TRT075", "8.0"),
    ],
)
def test_table_entries_and_trt7_rules(code: str, rule: str, removed: str) -> None:
    (finding,) = scan_source("import tensorrt as trt\n" + code).findings
    assert (finding.rule.id, finding.removed_in) == (rule, removed)


def test_the_overload_entry_is_not_a_member_of_the_version_facts() -> None:
    from trtcompat import _api_changes, _versions

    assert _api_changes.CHANGES["ICudaEngine"]["__getitem__(str)"][3] == "10.0"
    assert "__getitem__(str)" not in _versions.REMOVED["ICudaEngine"]
    # engine[i] stays: an index into an engine of unknown kind is no finding.
    assert scan_source("import tensorrt as trt\nn = engine[0]\n").findings == []


def test_align_corners_on_a_layer_that_still_has_it_is_no_finding() -> None:
    source = "import tensorrt as trt\ng = network.add_grid_sample(x, y)\ng.align_corners = True\n"
    assert scan_source(source).findings == []


# -- TensorRT 11's precision move -------------------------------------------------------------
@pytest.mark.parametrize(
    ("flag", "rule", "precision"),
    [
        ("FP16", "TRT042", '"fp16"'),
        ("BF16", "TRT042", '"fp16"'),
        ("INT8", "TRT049", '"int8"'),
        ("FP8", "TRT049", '"int8"'),
        ("INT4", "TRT049", '"int8"'),
        ("FP4", "TRT049", '"int8"'),
        ("OBEY_PRECISION_CONSTRAINTS", "TRT076", '"model"'),
        ("PREFER_PRECISION_CONSTRAINTS", "TRT076", '"model"'),
    ],
)
def test_each_precision_flag_names_nvidias_replacement_and_build_plan(
    flag: str, rule: str, precision: str
) -> None:
    (finding,) = scan_source(f"import tensorrt as trt\nconfig.set_flag(trt.BuilderFlag.{flag})\n").findings
    assert finding.rule.id == rule and finding.removed_in == "11.0"
    assert "strongly typed" in finding.rule.replacement
    assert f"trtcompat.BuildConfig(precision={precision})" in finding.rule.trtcompat


@pytest.mark.parametrize(
    "guarded_use",
    [
        'if hasattr(trt.BuilderFlag, "FP16"):\n    config.set_flag(trt.BuilderFlag.FP16)\n',
        'if fp16 and hasattr(trt.BuilderFlag, "FP16"):\n    config.set_flag(trt.BuilderFlag.FP16)\n',
        "try:\n    config.set_flag(trt.BuilderFlag.FP16)\nexcept AttributeError:\n    pass\n",
        'config.set_flag(getattr(trt.BuilderFlag, "FP16", None))\n',
    ],
)
def test_a_guarded_precision_flag_is_silently_dropped_on_11(guarded_use: str) -> None:
    findings = scan_source("import tensorrt as trt\n" + guarded_use).findings
    hazards = [f for f in findings if f.rule.id == "TRT063"]
    assert len(hazards) == 1 and not hazards[0].guarded and hazards[0].status == "hazard"
    assert "silently dropped on 11" in hazards[0].rule.why


def test_a_version_checked_precision_flag_is_no_hazard() -> None:
    source = (
        "import tensorrt as trt\n"
        "if int(trt.__version__.split('.')[0]) < 11:\n"
        "    config.set_flag(trt.BuilderFlag.FP16)\n"
    )
    assert [(f.rule.id, f.guarded) for f in scan_source(source).findings] == [("TRT042", True)]


def test_calibrators_and_queries_point_at_qdq_and_build_plan() -> None:
    source = (
        "import tensorrt as trt\n"
        "class C(trt.IInt8EntropyCalibrator2):\n    pass\n"
        "config.int8_calibrator = C()\n"
        "ok = builder.platform_has_fast_fp16\n"
    )
    findings = scan_source(source).findings
    assert [f.rule.id for f in findings] == ["TRT043", "TRT044", "TRT045"]
    assert all("trtcompat.build_plan(model" in f.rule.trtcompat for f in findings)
    assert all("Q/DQ" in f.rule.replacement for f in findings[:2])


# -- the floor --------------------------------------------------------------------------------
def _native(name: str, min_trt: str | None = None) -> list[tuple[int, str, bool, str | None]]:
    source = (CORPUS / name).read_bytes()
    findings = scan_source(source, name, to="tensorrt", min_trt=min_trt).findings
    return [(f.line, f.rule.id, f.fixable, f.needs) for f in findings if f.needs]


def test_fixes_never_raise_the_floor_a_file_shows() -> None:
    # A TensorRT 7 file: set_memory_pool_limit (8.4) is not written into it.
    assert _native("trt7_build.py") == [(16, "TRT040", False, "8.4")]
    assert _native("trt7_build.py", "8.4") == [(16, "TRT040", True, "8.4")]
    # An 8.6 demo (its version check): neither USER_MANAGED (10.0) nor _v2 (10.1).
    assert _native("diffusion_engine.py") == [
        (11, "TRT032", False, "10.0"),
        (17, "TRT030", False, "10.1"),
    ]
    assert [f[2] for f in _native("diffusion_engine.py", "10.1")] == [True, True]
    # tensorrt>=8.5 required by the import: 8.4 is fine, 10.1 is not.
    source = (
        "from polygraphy import mod\ntrt = mod.lazy_import('tensorrt>=8.5')\n"
        "config.max_workspace_size = 1\nn = engine.device_memory_size\n"
    )
    findings = scan_source(source, to="tensorrt").findings
    assert [(f.rule.id, f.fixable, f.needs) for f in findings] == [
        ("TRT040", True, "8.4"),
        ("TRT030", False, "10.1"),
    ]


def test_a_file_that_shows_no_floor_is_fixed_as_before() -> None:
    source = "import tensorrt as trt\nconfig.max_workspace_size = 1\n"
    (finding,) = scan_source(source, to="tensorrt").findings
    assert finding.fixable and finding.needs == "8.4"


def test_the_cli_reports_the_min_trt_that_fixes_a_refused_fix_and_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["--to", "tensorrt", str(CORPUS / "diffusion_engine.py")])
    out = capsys.readouterr().out
    why = "(held back by a version check on line 20)"
    assert f"[manual; --min-trt 10.0 fixes it {why}]" in out
    assert f"[manual; --min-trt 10.1 fixes it {why}]" in out
    main(["--json", "--to", "tensorrt", str(CORPUS / "trt7_build.py")])
    report = json.loads(capsys.readouterr().out)
    held = [(f["rule"], f["needs"], f["held_back"]) for f in report["findings"] if f["held_back"]]
    assert held == [("TRT040", "8.4", "a TensorRT 7 name on line 11")]


# -- rules carry their strategy and matcher (issue 25, item 7) --------------------------------
def test_no_rule_id_is_branched_on_outside_the_rule_table() -> None:
    for module in ("_fixes.py", "_scanner.py", "_totrtcompat.py", "_guards.py", "_analysis.py"):
        tree = ast.parse((ROOT / "trtcompat" / "migrate" / module).read_text())
        ids = [
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("TRT0")
        ]
        assert ids == [], module


def test_every_fixable_rule_names_a_strategy_that_exists() -> None:
    for rule in RULES:
        assert bool(rule.fix) == bool(rule.strategy), rule.id  # the doc column and the code
        if rule.strategy:
            assert rule.strategy in STRATEGIES or rule.strategy in SCANNER_STRATEGIES, rule.id


def test_every_hazard_names_a_check_the_scanner_performs() -> None:
    source = (ROOT / "trtcompat" / "migrate" / "_scanner.py").read_text()
    hazards = [rule for rule in RULES if rule.on == "hazard"]
    assert {rule.check for rule in hazards} == {
        "no_arguments",
        "string_compare",
        "dropped_when_guarded",
    }
    assert all(f'"{rule.check}"' in source for rule in hazards)


def test_a_file_older_than_trtcompat_gets_no_trtcompat_fix() -> None:
    # rf-detr style: `if int(trt.__version__.split(".")[0]) >= 8: ... else: <7.x code>` shows
    # the file runs on 7.x, where trtcompat.legacy does not: the engine is not wrapped.
    findings = scan_source((CORPUS / "rfdetr_export.py").read_bytes()).findings
    (memory,) = [f for f in findings if f.rule.id == "TRT030"]
    assert (memory.fixable, memory.needs) == (False, "8.0")
    (memory,) = [
        f
        for f in scan_source((CORPUS / "rfdetr_export.py").read_bytes(), min_trt="8.0").findings
        if f.rule.id == "TRT030"
    ]
    assert memory.fixable and memory.fix is not None and memory.fix.kind == "wrapped"


@pytest.mark.parametrize(
    ("condition", "possibly"),
    [
        ("util.use_v3_api()", True),
        ("is_legacy_tensorrt()", True),
        ("load_trt_engine(path)", False),  # takes arguments: not a switch
        ("enable_fp16()", False),  # reads like no API switch
    ],
)
def test_which_unknown_calls_make_a_branch_possibly_guarded(condition: str, possibly: bool) -> None:
    source = f"import tensorrt as trt\nif {condition}:\n    n = engine.num_bindings\n"
    (finding,) = scan_source(source).findings
    assert (finding.guarded, finding.possibly) == (possibly, possibly)


@pytest.mark.parametrize(
    ("probe", "floor_shown"),
    [
        ('hasattr(config, "set_memory_pool_limit")', True),
        ('hasattr(trt, "MemoryPoolType")', True),
        ('hasattr(model, "set_memory_pool_limit")', False),  # not a TensorRT object
        ('hasattr(x, "shape")', False),
    ],
)
def test_only_probes_of_tensorrt_objects_show_a_floor(probe: str, floor_shown: bool) -> None:
    source = f"import tensorrt as trt\nif {probe}:\n    pass\nconfig.max_workspace_size = 1\n"
    (finding,) = scan_source(source, to="tensorrt").findings
    assert finding.fixable is not floor_shown and finding.needs == "8.4"


@pytest.mark.parametrize(
    "star", ["from torch2trt.torch2trt import *", "from ..torch2trt import *", "from torch2trt import *"]
)
def test_star_imports_resolve_by_dotted_module_path(tmp_path: pathlib.Path, star: str) -> None:
    package = tmp_path / "torch2trt"
    (package / "converters").mkdir(parents=True)
    (package / "__init__.py").write_text("from .torch2trt import *\n")
    (package / "torch2trt.py").write_text("import tensorrt as trt\n")
    (package / "converters" / "narrow.py").write_text(f"{star}\nmode = trt.SliceMode.WRAP\n")
    results = {pathlib.Path(r.path).name: r.findings for r in scan_paths([str(tmp_path)])}
    assert [(f.rule.id, f.symbol) for f in results["narrow.py"]] == [("TRT094", "SliceMode")]
    # A star import of a module that binds no tensorrt alias brings none.
    (package / "converters" / "narrow.py").write_text("from os.path import *\nm = trt.SliceMode\n")
    results = {pathlib.Path(r.path).name: r.findings for r in scan_paths([str(tmp_path)])}
    assert results["narrow.py"] == []


def test_the_dropped_precision_hazard_is_for_a_target_that_removed_the_flag() -> None:
    source = (
        "import tensorrt as trt\n"
        'if hasattr(trt.BuilderFlag, "FP16"):\n    config.set_flag(trt.BuilderFlag.FP16)\n'
    )
    on_11 = scan_source(source, target=11).findings
    on_10 = scan_source(source, rules=select_rules(10), target=10).findings
    assert [f.rule.id for f in on_11] == ["TRT042", "TRT063"]
    assert [f.rule.id for f in on_10] == ["TRT042"]  # the flag still works on 10.x
