"""trtcompat.migrate scanner: corpus pinned per file, heuristics, CLI, JSON schema, rule table."""

from __future__ import annotations

import functools
import json
import pathlib

import pytest

from trtcompat.migrate import (
    RULES,
    RULES_BY_ID,
    SCHEMA_VERSION,
    Finding,
    main,
    scan_paths,
    scan_source,
    select_rules,
)
from trtcompat.migrate._docs import rules_table

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "migrate_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.py") if p.name != "conftest.py")


def _found(source: str, target: int = 11) -> list[tuple[int, int, str]]:
    result = scan_source(source, rules=select_rules(target))
    assert result.error is None
    return [(f.line, f.col, f.rule.id) for f in result.findings]


def _ids(source: str) -> list[str]:
    return [rule for _, _, rule in _found(source)]


# -- the corpus -------------------------------------------------------------------------------
def test_every_corpus_file_is_pinned() -> None:
    assert sorted(EXPECTED) == CORPUS_FILES
    assert len(CORPUS_FILES) >= 6


def _row(f: Finding) -> list[object]:
    # [line, col, rule, fixable, status, guarded] + "possibly" / "by_name" where they hold.
    extra = (["possibly"] if f.possibly else []) + (["by_name"] if f.by_name else [])
    return [f.line, f.col, f.rule.id, f.fixable, f.status, f.guarded, *extra]


@functools.lru_cache(maxsize=None)
def _corpus_scan() -> dict[str, list[list[object]]]:
    # The corpus is one tree: guard helpers and star imports cross its modules.
    return {
        pathlib.Path(r.path).name: [_row(f) for f in r.findings] for r in scan_paths([str(CORPUS)])
    }


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_findings_match_expected(name: str) -> None:
    assert _corpus_scan()[name] == EXPECTED[name]


def test_clean_file_has_no_findings() -> None:
    assert EXPECTED["clean_v11.py"] == []


def test_target_10_reports_what_11_removes_as_deprecated() -> None:
    source = (CORPUS / "runner_10x.py").read_text()
    status = {
        (f.rule.id, f.status)
        for f in scan_source(source, rules=select_rules(10), target=10).findings
    }
    # Removed in 11.0 but deprecated in 10.x: reported for --target 10, as deprecated.
    assert ("TRT030", "deprecated") in status  # device_memory_size, deprecated 10.1
    assert ("TRT032", "deprecated") in status  # ..._without_device_memory, deprecated 10.0
    assert ("TRT050", "removed") in status and ("TRT060", "hazard") in status
    assert ("TRT028", "deprecated") not in status  # all_shape_inputs_specified never warned
    assert {(f.rule.id, f.status) for f in scan_source(source).findings} >= {
        ("TRT030", "removed"),
        ("TRT032", "removed"),
    }


# -- heuristics -------------------------------------------------------------------------------
def test_generic_names_need_a_tensorrt_receiver() -> None:
    source = (
        "import tensorrt as trt\n"
        "cursor.execute('SELECT 1')\n"
        "self.max_batch_size = 4\n"
        "batcher.execute(items)\n"
        "context.execute(batch_size=2, bindings=b)\n"
        "runner.execute_async(batch_size=2, bindings=b, stream_handle=0)\n"
    )
    assert _found(source) == [(5, 9, "TRT020"), (6, 8, "TRT021")]


def test_distinctive_names_need_an_import_or_a_receiver_kind() -> None:
    assert _ids("n = model.num_bindings\n") == []
    assert _ids("n = engine.num_bindings\n") == ["TRT001"]
    assert _ids("import tensorrt_lean as trt\nn = model.num_bindings\n") == ["TRT001"]


def test_assignment_gives_the_receiver_kind() -> None:
    source = "m = runtime.deserialize_cuda_engine(data)\nm.max_batch_size\n"
    assert _ids(source) == ["TRT012"]
    assert _ids("m = make()\nm.max_batch_size\n") == []


def test_members_only_through_a_tensorrt_alias() -> None:
    assert _ids("config.set_flag(BuilderFlag.FP16)\n") == []
    assert _ids("import tensorrt as t\nconfig.set_flag(t.BuilderFlag.FP16)\n") == ["TRT042"]
    assert _ids("from tensorrt import BuilderFlag as F\nx = F.INT8\n") == ["TRT049"]
    assert _ids("import mylib as trt\nx = trt.BuilderFlag.FP16\n") == []


def test_volume_of_engine_shapes_through_a_variable() -> None:
    source = (
        "import tensorrt as trt\n"
        "def f(engine, context, name):\n"
        "    shape = engine.get_tensor_shape(name)\n"
        "    a = trt.volume(shape)\n"
        "    b = trt.volume(context.get_tensor_shape(name))\n"
        "    c = np.prod(tuple(engine.get_tensor_shape(name)))\n"
    )
    assert _found(source) == [(4, 13, "TRT060"), (6, 12, "TRT060")]


def test_cuda_python_imports() -> None:
    source = "from cuda import cuda, cudart, nvrtc\nimport cuda.cudart\nfrom cuda import core\n"
    assert _found(source) == [
        (1, 18, "TRT050"),
        (1, 24, "TRT050"),
        (1, 32, "TRT050"),
        (2, 8, "TRT050"),
    ]


def test_suppression_comment() -> None:
    source = (
        "n = engine.num_bindings  # trtcompat: ignore\n"
        "n = engine.num_bindings  # trtcompat: ignore[TRT002]\n"
        "n = engine.num_bindings  # trtcompat: ignore[TRT002, TRT001]\n"
    )
    assert _found(source) == [(2, 12, "TRT001")]


def test_columns_count_characters() -> None:
    assert _found("s = 'é'; n = engine.num_bindings\n") == [(1, 21, "TRT001")]


def test_parse_error_is_reported_not_raised() -> None:
    result = scan_source("def broken(:\n", "bad.py")
    assert result.findings == []
    assert result.error is not None
    assert result.error.startswith("SyntaxError")


# -- the rule table -----------------------------------------------------------------------------
def test_rule_table_is_consistent() -> None:
    ids = [rule.id for rule in RULES]
    assert ids == sorted(set(ids))
    assert set(ids) == set(RULES_BY_ID)
    for rule in RULES:
        assert all((rule.names, rule.api, rule.replacement, rule.why))
        assert rule.on in {"attr", "store", "member", "import", "seq", "volume", "hazard"}


def test_migration_guide_lists_every_rule() -> None:
    guide = (ROOT / "docs" / "MIGRATION.md").read_text()
    missing = [rule.id for rule in RULES if rule.id not in guide]
    assert missing == []
    table = guide.split("<!-- rules:start -->\n")[1].split("<!-- rules:end -->")[0]
    assert table == rules_table()  # regenerate: python tools/gen_migrate_docs.py


# -- the command line -------------------------------------------------------------------------
def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", str(CORPUS)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["schema_version"] == SCHEMA_VERSION == 2
    assert report["target"] == 11
    assert report["total"] == len(report["findings"]) == sum(map(len, EXPECTED.values()))
    per_file = {pathlib.Path(p).name: v["findings"] for p, v in report["files"].items()}
    assert per_file == {**{name: len(EXPECTED[name]) for name in CORPUS_FILES}, "conftest.py": 0}
    keys = {
        "path",
        "line",
        "col",
        "rule",
        "api",
        "symbol",
        "deprecated_in",
        "removed_in",
        "replacement",
        "trtcompat",
        "fixable",
        "needs",
        "note",
        "status",
        "guarded",
        "possibly_guarded",
        "by_name",
        "held_back",
    }
    assert all(set(f) == keys for f in report["findings"])
    # The schema document's example and tables name the same keys and version.
    doc = (ROOT / "docs" / "scan-json-schema.md").read_text()
    example = json.loads(doc.split("```json\n")[1].split("```")[0])
    assert example["schema_version"] == SCHEMA_VERSION
    assert set(example["findings"][0]) == keys
    assert set(example) == set(report)
    assert all(f"| `{key}` |" in doc for key in keys | set(report))


def test_text_report_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS / "clean_v11.py")]) == 0
    assert main([str(CORPUS / "yolo_trt.py")]) == 1
    out = capsys.readouterr().out
    assert "yolo_trt.py:6:18: TRT050 cuda.cudart (removed in cuda-python 13)" in out
    assert out.rstrip().endswith("fixable with --fix.")


def test_select_and_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--select", "TRT05", str(CORPUS)]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert rules == {"TRT050"}
    assert main(["--json", "--ignore", "TRT0", str(CORPUS)]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["does/not/exist.py"], "no such file or directory"),
        (["--select", "TRT999", "."], "unknown rule id 'TRT999'"),
        (["--target", "9", "."], "invalid choice"),
        ([], "the following arguments are required"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_unparsable_file_listed_with_error(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.py").write_text("def broken(:\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    assert main(["--json", str(tmp_path)]) == 1
    files = json.loads(capsys.readouterr().out)["files"]
    assert files[str(tmp_path / "bad.py")]["error"].startswith("SyntaxError")
    assert files[str(tmp_path / "ok.py")] == {"findings": 0, "fixable": 0, "error": None}


# -- precision, guards, hazards (issue 14) and mutants of the scanner (issue 15) -------------
def test_receiver_class_precision() -> None:
    source = (
        "import tensorrt as trt\n"
        "n = args.max_workspace_size\n"  # argparse, not IBuilderConfig
        "profile = builder.create_optimization_profile()\n"
        "profile.set_shape_input('x', a, b, c)\n"  # IOptimizationProfile keeps it
        "context.set_shape_input(0, a)\n"  # IExecutionContext lost it in 10.0
        "builder.max_workspace_size = 1\n"  # TensorRT 7, not IBuilderConfig
    )
    assert _found(source) == [(5, 9, "TRT025"), (6, 9, "TRT070")]


def test_guards_report_guarded_and_never_fix() -> None:
    source = (
        "import tensorrt as trt\n"
        "if hasattr(config, 'set_memory_pool_limit'):\n"
        "    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, n)\n"
        "else:\n"
        "    config.max_workspace_size = n\n"
        "config.max_workspace_size = n\n"
    )
    # The hasattr probe shows the file runs where set_memory_pool_limit is missing (before
    # 8.4): the unguarded line is fixed only with --min-trt 8.4, never silently.
    findings = scan_source(source, to="tensorrt").findings
    assert [(f.line, f.guarded, f.fixable, f.needs) for f in findings] == [
        (5, True, False, None),
        (6, False, False, "8.4"),
    ]
    findings = scan_source(source, to="tensorrt", min_trt="8.4").findings
    assert [(f.line, f.guarded, f.fixable) for f in findings] == [(5, True, False), (6, False, True)]


@pytest.mark.parametrize(
    ("code", "guarded"),
    [
        ("if hasattr(engine, 'num_bindings'):\n    n = engine.num_bindings\n", True),
        (
            "if hasattr(engine, 'num_io_tensors'):\n    pass\nelse:\n    n = engine.num_bindings\n",
            True,
        ),
        ("if hasattr(engine, 'num_io_tensors'):\n    n = engine.num_bindings\n", False),
        ("try:\n    n = engine.num_bindings\nexcept AttributeError:\n    n = 0\n", True),
        ("try:\n    n = engine.num_bindings\nexcept KeyError:\n    n = 0\n", False),
        ("if int(trt.__version__.split('.')[0]) < 10:\n    n = engine.num_bindings\n", True),
        ("n = getattr(engine, 'num_bindings', 0)\n", True),
        ("n = getattr(engine, 'num_bindings')\n", False),
        # Code after an early return / raise under a guard is the guard's other branch.
        (
            "def f(engine):\n    if int(trt.__version__.split('.')[0]) >= 10:\n"
            "        return engine.num_io_tensors\n    return engine.num_bindings\n",
            True,
        ),
        (
            "def f(engine):\n    if hasattr(engine, 'num_io_tensors'):\n"
            "        return engine.num_io_tensors\n    for i in range(2):\n"
            "        n = engine.num_bindings\n",
            True,
        ),
        (
            "def f(engine):\n    if not hasattr(engine, 'num_bindings'):\n"
            "        raise RuntimeError('needs TensorRT 8')\n    return engine.num_bindings\n",
            True,
        ),
        (
            "def f(engine):\n    if hasattr(engine, 'num_bindings'):\n"
            "        return 0\n    return engine.num_bindings\n",
            False,
        ),
        (
            "def f(engine):\n    if int(trt.__version__.split('.')[0]) >= 10:\n"
            "        print(engine.num_io_tensors)\n    return engine.num_bindings\n",
            False,
        ),
        # A version compared as a string is itself wrong from 10.0 ('10' < '8'): no guard.
        ("if trt.__version__[0] < '9':\n    n = engine.num_bindings\n", False),
        (
            "def f(engine, x):\n    if x is None:\n        return 0\n    return engine.num_bindings\n",
            False,
        ),
        (
            "def f(engine):\n    if engine.has_implicit_batch_dimension:\n"
            "        return 0\n    return engine.num_bindings\n",
            False,
        ),
    ],
)
def test_guard_kinds(code: str, guarded: bool) -> None:
    findings = scan_source("import tensorrt as trt\n" + code).findings
    findings = [f for f in findings if f.rule.id not in ("TRT014", "TRT062")]  # not TRT001
    assert [f.rule.id for f in findings] == ["TRT001"]
    assert findings[0].guarded is guarded


def test_guarded_findings_do_not_fail_by_default(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.py"
    path.write_text("try:\n    n = engine.num_bindings\nexcept AttributeError:\n    n = 0\n")
    assert main([str(path)]) == 0
    assert main(["--fail-on-guarded", str(path)]) == 1
    assert "[guarded]" in capsys.readouterr().out


def test_hazards() -> None:
    source = (
        "import tensorrt as trt\n"
        "net = builder.create_network()\n"
        "net = builder.create_network(0)\n"
        "old = trt.__version__[0] < '8'\n"
        "ok = int(trt.__version__.split('.')[0]) >= 10\n"
        "v = trt.__version__\n"
        "new = v >= '8.6'\n"
    )
    assert _found(source) == [(2, 15, "TRT061"), (4, 7, "TRT062"), (7, 7, "TRT062")]


def test_volume_rule_stays_quiet_for_unrelated_calls() -> None:
    source = (
        "import tensorrt as trt\n"
        "a = np.prod(image.shape)\n"  # not an engine shape
        "b = trt.volume(engine.get_tensor_profile_shape(n, 0)[2])\n"  # a profile max
        "c = math.volume(engine.get_binding_shape)\n"  # not a call of a shape getter
        "d = np.sum(engine.get_tensor_shape(n))\n"  # not a product
    )
    assert [rule for rule in _ids(source) if rule == "TRT060"] == []


def test_volume_follows_assignments_to_a_limited_depth() -> None:
    from trtcompat.migrate._scanner import VOLUME_DEPTH

    chain = ["s0 = engine.get_tensor_shape(n)"]
    chain += [f"s{i} = s{i - 1}" for i in range(1, VOLUME_DEPTH + 1)]
    near = "\n".join(chain[:VOLUME_DEPTH]) + f"\nv = trt.volume(s{VOLUME_DEPTH - 1})\n"
    far = "\n".join(chain) + f"\nv = trt.volume(s{VOLUME_DEPTH})\n"
    assert _ids("import tensorrt as trt\n" + near) == ["TRT060"]
    assert _ids("import tensorrt as trt\n" + far) == []


def test_sequence_symbols() -> None:
    source = "import tensorrt as trt\nn = len(engine)\ni = engine['x']\nj = engine[0]\n"
    findings = scan_source(source).findings
    assert [(f.line, f.symbol) for f in findings] == [(2, "len(engine)"), (3, "engine[str]")]


def test_legacy_wrap_keeps_the_binding_api() -> None:
    source = (
        "import trtcompat.legacy\n"
        "engine = trtcompat.legacy.wrap(runtime.deserialize_cuda_engine(plan))\n"
        "context = engine.create_execution_context()\n"
        "n = engine.num_bindings\n"
        "context.execute_async_v2(bindings, stream)\n"
    )
    assert _found(source) == []


def test_network_api_and_layer_fields_fix_to_nd() -> None:
    source = "import tensorrt as trt\nconv = network.add_convolution(x, 8, (3, 3), w)\nconv.stride = (2, 2)\n"
    findings = scan_source(source).findings
    assert [(f.rule.id, f.api, f.fixable) for f in findings] == [
        ("TRT080", "INetworkDefinition.add_convolution", False),
        ("TRT081", "IConvolutionLayer.stride", True),
    ]


def test_readme_scan_numbers_are_what_the_tool_prints(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    readme = " ".join((ROOT / "README.md").read_text().split())
    claim = re.search(
        r"reports (\d+) findings \((\d+) fixable by `--fix`, (\d+) guarded\) in (\d+) of (\d+) files",
        readme,
    )
    assert claim is not None
    main(["--json", str(CORPUS)])
    report = json.loads(capsys.readouterr().out)
    with_findings = sum(1 for entry in report["files"].values() if entry["findings"])
    printed = (report["total"], report["fixable"], report["guarded"], with_findings)
    assert tuple(map(int, claim.groups()[:4])) == printed
    assert int(claim.group(5)) == len(report["files"])
    # The example finding is one the tool prints, key for key.
    text = (ROOT / "README.md").read_text()
    example = json.loads(text.split("```json\n", 1)[1].split("```", 1)[0])
    where = pathlib.Path(example["path"]).name, example["line"], example["col"]
    printed_findings = {
        (pathlib.Path(f["path"]).name, f["line"], f["col"]): f for f in report["findings"]
    }
    assert {**example, "path": printed_findings[where]["path"]} == printed_findings[where]


def test_import_positions_are_the_names_on_every_python() -> None:
    # Python 3.8's ast gives import aliases no position; the scanner finds them in the text.
    source = "import os, cuda.cudart as rt\nfrom cuda import (\n    core,\n    nvrtc,  # x\n)\n"
    found = [(f.line, f.col, f.symbol) for f in scan_source(source).findings]
    assert found == [(1, 12, "cuda.cudart"), (4, 5, "cuda.nvrtc")]


def _apis(source: str) -> list[tuple[int, str]]:
    return [(f.line, f.api) for f in scan_source("import tensorrt as trt\n" + source).findings]


def test_api_names_the_class_the_receiver_can_be() -> None:
    source = (
        "pool = network.add_pooling(x, trt.PoolingType.MAX, (2, 2))\n"
        "pool.stride = (2, 2)\n"
        "conv = network.add_convolution_nd(x, 8, (3, 3), w, b)\n"
        "conv.stride = (2, 2)\n"
        "pad = network.add_padding_nd(x, (1, 1), (1, 1))\n"
        "pad.pre_padding = (1, 1)\n"
        "elt = network.add_elementwise(a, b, trt.ElementWiseOperation.SUM)\n"
        "elt.precision = trt.float16\n"
    )
    assert [api for _, api in _apis(source) if "Layer" in api] == [
        "IPoolingLayer.stride",
        "IConvolutionLayer.stride",
        "IPaddingLayer.pre_padding",
        "ILayer.precision",
    ]


def test_api_of_an_unknown_receiver_lists_every_candidate_class() -> None:
    source = (
        "layer = network.get_layer(0)\n"
        "layer.stride = (1, 1)\n"
        "def f(layer):\n"
        "    return layer.padding\n"
        "def g(net, x):\n"
        "    layer = net.add_convolution_nd(x, 8, (3, 3), w, b)\n"
        "    layer = net.add_pooling_nd(x, trt.PoolingType.MAX, (2, 2))\n"
        "    layer.stride = (1, 1)\n"
        "shape = thing.get_binding_shape(0)\n"
    )
    assert _apis(source) == [
        (3, "IConvolutionLayer|IDeconvolutionLayer|IPoolingLayer.stride"),
        (5, "IConvolutionLayer|IDeconvolutionLayer|IPoolingLayer.padding"),
        (9, "IConvolutionLayer|IDeconvolutionLayer|IPoolingLayer.stride"),
        (10, "ICudaEngine|IExecutionContext.get_binding_shape"),
    ]


def test_a_layer_that_never_had_the_member_is_not_reported() -> None:
    source = (
        "pool = network.add_pooling(x, trt.PoolingType.MAX, (2, 2))\n"
        "pool.kernel_size = (3, 3)\n"  # IPoolingLayer has window_size: not a TensorRT API
        "elt = network.add_elementwise(a, b, trt.ElementWiseOperation.SUM)\n"
        "elt.stride = (2, 2)\n"
    )
    assert [line for line, api in _apis(source) if "Layer" in api] == []


def test_undecodable_files_say_where() -> None:
    assert (
        scan_source(b"x = 1\ny = 2\ns = '\xff'\n").error
        == "UnicodeDecodeError: byte 0xff at offset 17 (line 3) is not valid utf-8"
    )
    # detect_encoding's own SyntaxError has no line number: none is made up.
    assert (
        scan_source(b"s = '\xff'\n").error
        == "SyntaxError: invalid or missing encoding declaration"
    )
    assert scan_source(b"def f(:\n").error == "SyntaxError: invalid syntax (line 1)"
