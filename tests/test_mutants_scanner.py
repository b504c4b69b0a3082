"""Scanner behaviour that only mutation testing showed unpinned (issue 15, ``nox -s mutants``).

Each test states what a user of ``trtcompat-migrate`` sees: where a finding points, which
spellings of a pattern are recognised, which look-alikes stay quiet, what a bad file reports.
"""

from __future__ import annotations

import re

from trtcompat.migrate import scan_source


def _where(source: str | bytes) -> list[tuple[int, int, str, str]]:
    result = scan_source(source)
    assert result.error is None
    return [(f.line, f.col, f.rule.id, f.symbol) for f in result.findings]


def test_a_member_split_over_lines_is_reported_where_its_name_is() -> None:
    # The editor jumps to line/col: it must land on the member, not on the receiver's line.
    source = (
        "import tensorrt as trt\n"
        "n = (engine\n"
        "     .num_bindings)\n"
        "ok = (context.\n"
        "      execute_async_v2(bindings=b, stream_handle=s))\n"
    )
    assert _where(source) == [
        (3, 7, "TRT001", "num_bindings"),
        (5, 7, "TRT022", "execute_async_v2"),
    ]


def test_a_volume_call_split_over_lines_points_at_volume() -> None:
    source = (
        "import tensorrt as trt\n"
        "n = (trt_utils.\n"
        "     volume(engine.get_tensor_shape('x')))\n"
    )
    assert _where(source) == [(3, 6, "TRT060", "volume")]


def test_volume_sees_through_tuple_list_and_abs() -> None:
    source = (
        "import tensorrt as trt\n"
        "a = volume(tuple(engine.get_tensor_shape('x')))\n"
        "b = prod(list(engine.get_tensor_shape('x')))\n"
        "c = volume(abs(engine.get_tensor_shape('x')))\n"
        "d = volume(sorted(engine.get_tensor_shape('x')))\n"
    )
    assert _where(source) == [
        (2, 5, "TRT060", "volume"),
        (3, 5, "TRT060", "prod"),
        (4, 5, "TRT060", "volume"),
    ]


def test_version_string_comparisons_through_split_strip_partition_and_an_import() -> None:
    source = (
        "import tensorrt as trt\n"
        "from tensorrt import __version__\n"
        "a = trt.__version__.split('.')[0] < '8'\n"
        "b = trt.__version__.strip() >= '10'\n"
        "c = trt.__version__.partition('.')[0] == '8'\n"
        "d = __version__ < '9'\n"
        "v = trt.__version__\n"
        "e = v.split('.')[0] < '9'\n"
    )
    lines = [line for line, _, rule, symbol in _where(source) if rule == "TRT062"]
    assert lines == [3, 4, 5, 6, 8]


def test_version_look_alikes_stay_quiet() -> None:
    source = (
        "import tensorrt as trt\n"
        "import numpy as np\n"
        "a = np.__version__ < '2'\n"  # another module's version
        "b = trt.__version__.lower() < '8'\n"  # not split/strip/partition
        "c = name.split('.')[0] == 'x'\n"  # not a version
        "__version__ = '1.0'\n"
        "d = __version__ < '2'\n"  # this module's own version, not TensorRT's
        "v = trt.__version__\n"
        "w = v\n"
        "f = w < '10'\n"  # two assignments away: past what the scanner follows
    )
    assert [f for f in _where(source) if f[2] == "TRT062"] == []


def test_create_network_without_flags_only_on_a_builder() -> None:
    source = (
        "import tensorrt as trt\n"
        "engine = runtime.deserialize_cuda_engine(plan)\n"
        "a = engine.create_network()\n"  # an engine is not a builder
        "b = make().create_network()\n"  # unknown receiver in a TensorRT file
        "c = make().create_network(flags)\n"  # flags given
    )
    assert _where(source) == [(4, 12, "TRT061", "create_network")]


def test_create_network_in_a_file_that_does_not_import_tensorrt() -> None:
    assert _where("b = make().create_network()\n") == []
    builder = "import tensorrt\nbuilder = tensorrt.Builder(log)\nn = builder.create_network()\n"
    assert _where(builder) == [(3, 13, "TRT061", "create_network")]


def test_generic_names_on_unknown_receivers_need_a_binding_era_keyword() -> None:
    source = (
        "import tensorrt as trt\n"
        "runner.execute(batch_size=1)\n"
        "runner.execute(bindings=b)\n"
        "runner.execute(b)\n"
    )
    assert _where(source) == [(2, 8, "TRT020", "execute"), (3, 8, "TRT020", "execute")]


def test_getattr_with_a_default_is_reported_as_guarded() -> None:
    source = (
        "import tensorrt as trt\n"
        "engine = runtime.deserialize_cuda_engine(plan)\n"
        "n = getattr(engine, 'num_bindings')\n"
        "m = getattr(engine, 'num_bindings', 0)\n"
        "k = getattr(engine, name)\n"
    )
    findings = scan_source(source).findings
    assert [(f.line, f.col, f.symbol, f.guarded) for f in findings] == [
        (3, 22, "num_bindings", False),
        (4, 22, "num_bindings", True),
    ]


def test_ignore_comment_with_several_rule_ids() -> None:
    source = (
        "import tensorrt as trt\n"
        "a = engine.max_batch_size  # trtcompat: ignore[TRT012, TRT001]\n"
        "b = engine.max_batch_size  # trtcompat: ignore[TRT001,TRT002]\n"
    )
    assert [(line, rule) for line, _, rule, _ in _where(source)] == [(3, "TRT012")]


def test_cuda_imports_over_several_lines_point_at_each_name() -> None:
    source = "from cuda import (\n    cudart,\n    nvrtc,\n)\nimport cuda.cudart as rt\n"
    findings = scan_source(source).findings
    assert [(f.line, f.col, f.symbol, f.fixable) for f in findings] == [
        (2, 5, "cuda.cudart", False),  # a parenthesised import is rewritten by hand
        (3, 5, "cuda.nvrtc", False),
        (5, 8, "cuda.cudart", True),
    ]


def test_a_relative_cuda_import_is_not_cuda_python() -> None:
    assert _where("from .cuda import cudart\nfrom ..cuda import nvrtc\n") == []


def test_source_bytes_honour_the_encoding_cookie() -> None:
    source = "# -*- coding: latin-1 -*-\ns = 'é'; n = engine.num_bindings\n".encode("latin-1")
    assert _where(source) == [(2, 21, "TRT001", "num_bindings")]


def test_unreadable_sources_report_what_went_wrong() -> None:
    syntax = scan_source("x = (\n", "bad.py")
    assert syntax.path == "bad.py" and syntax.findings == []
    assert syntax.error is not None and re.fullmatch(r"SyntaxError: .+ \(line 1\)", syntax.error)
    undecodable = scan_source(b"x = 1\ny = 2\ns = '\xff'\n")  # past the cookie lines
    assert undecodable.error is not None
    assert undecodable.error.startswith("UnicodeDecodeError: ") and "(line 3)" in undecodable.error


def test_findings_name_the_default_path() -> None:
    result = scan_source("import tensorrt as trt\nn = engine.num_bindings\n")
    assert result.path == "<string>"
    assert [f.path for f in result.findings] == ["<string>"]


def _statuses(source: str, target: int) -> list[tuple[int, str]]:
    return [(f.line, f.status) for f in scan_source(source, target=target).findings]


def test_status_follows_the_target_release() -> None:
    source = (
        "import tensorrt as trt\n"
        "config.max_workspace_size = 2\n"  # deprecated 8.4, removed 10.0
        "x = trt.IStreamReader\n"  # never deprecated, removed 11.0
    )
    assert _statuses(source, 7) == []
    assert _statuses(source, 8) == [(2, "deprecated")]
    assert _statuses(source, 10) == [(2, "removed")]
    assert _statuses(source, 11) == [(2, "removed"), (3, "removed")]


def test_calls_of_calls_and_subscripts_are_scanned() -> None:
    source = (
        "import tensorrt as trt\n"
        "handlers[0](engine.num_bindings)\n"
        "make()()\n"
        "(lambda: 0)()\n"
    )
    assert _where(source) == [(2, 20, "TRT001", "num_bindings")]
