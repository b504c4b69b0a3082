"""trtcompat scan --fix / --diff: compiles, idempotent, comments kept, same results on fakes."""

from __future__ import annotations

import collections
import io
import pathlib
import shutil
import sys
import tokenize
import types
import warnings
from typing import Any

import numpy as np
import pytest

pytest.importorskip("libcst")

from trtcompat.migrate import fix_source, main, scan_source
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, make_module

CORPUS = pathlib.Path(__file__).resolve().parent / "migrate_corpus"
NAMES = sorted(p.name for p in CORPUS.glob("*.py") if p.name != "conftest.py")


@pytest.fixture
def corpus(tmp_path: pathlib.Path) -> pathlib.Path:
    for name in NAMES:
        shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path


def _comments(source: bytes) -> list[str]:
    tokens = tokenize.tokenize(io.BytesIO(source).readline)
    return [tok.string for tok in tokens if tok.type == tokenize.COMMENT]


def _fix(source: str, to: str = "tensorrt", min_trt: str | None = None) -> str:
    result = scan_source(source, to=to, min_trt=min_trt)
    return fix_source(source.encode(), result.findings)[0].decode()


def test_fix_compiles_is_idempotent_and_keeps_comments(
    corpus: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {name: (corpus / name).read_bytes() for name in NAMES}
    assert main(["--fix", str(corpus)]) == 1  # manual findings remain
    assert "left to migrate by hand" in capsys.readouterr().out
    after = {name: (corpus / name).read_bytes() for name in NAMES}
    for name in NAMES:
        compile(after[name], name, "exec")
        assert _comments(after[name]) == _comments(before[name]), name
    assert after != before
    assert after["clean_v11.py"] == before["clean_v11.py"]
    assert main(["--fix", str(corpus)]) == 1
    assert {name: (corpus / name).read_bytes() for name in NAMES} == after


@pytest.mark.parametrize("to", ["trtcompat", "tensorrt"])
@pytest.mark.parametrize("name", NAMES)
def test_fix_removes_exactly_the_fixable_findings(name: str, to: str) -> None:
    source = (CORPUS / name).read_bytes()
    found = scan_source(source, to=to).findings
    new, applied = fix_source(source, found)
    left = scan_source(new, to=to).findings
    assert not any(f.fixable for f in left)
    # Lines move where a rebinding is inserted: compare what is left by rule, symbol, status.
    manual = collections.Counter((f.rule.id, f.symbol, f.guarded) for f in found if not f.fixable)
    assert collections.Counter((f.rule.id, f.symbol, f.guarded) for f in left) == manual
    silent = sum(1 for f in found if f.fix is not None and f.fix.kind in ("consumed", "wrapped"))
    assert applied + silent == sum(f.fixable for f in found)


def test_diff_writes_nothing(corpus: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {name: (corpus / name).read_bytes() for name in NAMES}
    assert main(["--diff", str(corpus)]) == 1
    captured = capsys.readouterr()
    assert f"--- a/{corpus / 'runner_10x.py'}" in captured.out
    assert "+from cuda.bindings import driver as cuda, runtime as cudart" in captured.out
    assert "finding(s)" in captured.err
    assert {name: (corpus / name).read_bytes() for name in NAMES} == before


def test_json_after_fix_counts_fixes(
    corpus: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    main(["--fix", "--json", str(corpus)])
    report = json.loads(capsys.readouterr().out)
    assert report["fixed"] > 0
    assert report["fixable"] == 0
    # --to trtcompat: 5 runtime findings behind legacy.wrap; max_workspace_size (needs 8.4) and
    # create_execution_context_without_device_memory (needs 10.0) stay.
    assert report["files"][str(corpus / "engine_info.py")]["fixed"] == 5


# -- individual rewrites ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from cuda import cudart as rt  # x\n", "from cuda.bindings import runtime as rt  # x\n"),
        ("from cuda import nvrtc\n", "from cuda.bindings import nvrtc\n"),
        ("import cuda.cudart as cudart\n", "import cuda.bindings.runtime as cudart\n"),
        (
            "import tensorrt as trt\nok = not e.binding_is_input('x')\n",
            "import tensorrt as trt\nok = not e.get_tensor_mode('x') == trt.TensorIOMode.INPUT\n",
        ),
        (
            "import tensorrt as trt\nok = e.binding_is_input('x') + 1\n",
            "import tensorrt as trt\nok = (e.get_tensor_mode('x') == trt.TensorIOMode.INPUT) + 1\n",
        ),
        (
            "import tensorrt as trt\n"
            "p = engine.get_profile_shape(0, engine.get_binding_index('x'))\n",
            "import tensorrt as trt\np = engine.get_tensor_profile_shape('x', 0)\n",
        ),
        (
            "import tensorrt as trt\nconfig.max_workspace_size = 1 << 30; x = 1\n",
            "import tensorrt as trt\n"
            "config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, 1 << 30); x = 1\n",
        ),
    ],
)
def test_rewrites(before: str, after: str) -> None:
    assert _fix(before) == after


@pytest.mark.parametrize(
    "source",
    [
        "from cuda import (\n    cuda,\n    cudart,\n)\n",  # multi-line: comments may hide inside
        "from cuda import cudart, core\n",  # a non-legacy name in the same statement
        "import cuda.cudart\n",  # used as cuda.cudart.X
        "import tensorrt as trt\nengine.get_binding_shape('x [profile 1]')\n",  # mangled name
        "import tensorrt as trt\nengine.get_binding_shape(i)\n",  # an index
        "import tensorrt as trt\na = config.max_workspace_size = 1\n",  # chained assignment
        "import tensorrt as trt\nbuilder.max_workspace_size = 1\n",  # IBuilder (7.x) field
        "import tensorrt as trt\nn = config.max_workspace_size\n",  # a read
        "def f():\n    import tensorrt as trt\n"  # no module-level alias
        "    engine.create_execution_context_without_device_memory()\n",
        "import tensorrt as trt\n"
        "for b in range(engine.num_bindings):\n    engine.binding_is_input(b)\n",
        "import tensorrt as trt\nfor b in engine:\n    b = 0\n    engine.binding_is_input(b)\n",
    ],
)
def test_uncertain_code_stays_manual(source: str) -> None:
    assert scan_source(source).findings
    assert not any(f.fixable for f in scan_source(source).findings)
    assert _fix(source) == source


# -- same results on trtcompat's fake TensorRT modules (8.6 binding era vs 11) ----------------
_SPEC = EngineSpec(
    (
        TensorSpec("images", np.float32, (1, 3, 64, 64), True),
        TensorSpec("boxes", np.float16, (1, 100, 4), False),
    ),
    device_memory_size=1 << 20,
)


class _Config:
    """The one builder-side object the corpus file touches (the fakes are runtime-only)."""

    def __init__(self, era: int) -> None:
        self.limits: dict[str, int] = {}
        self.era = era

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "max_workspace_size":
            if self.era >= 10:
                raise AttributeError(key)
            self.limits["WORKSPACE"] = value
            return
        object.__setattr__(self, key, value)

    def set_memory_pool_limit(self, pool: Any, size: int) -> None:
        # the fakes' MemoryPoolType member (they have the builder enums) or the stand-in's str
        self.limits[getattr(pool, "name", pool)] = size


def _load(
    source: bytes, trt: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> types.ModuleType:
    if not hasattr(trt, "MemoryPoolType"):  # builder-side enum; the runtime fakes lack it
        monkeypatch.setattr(
            trt, "MemoryPoolType", types.SimpleNamespace(WORKSPACE="WORKSPACE"), raising=False
        )
    monkeypatch.setitem(sys.modules, "tensorrt", trt)
    module = types.ModuleType(f"engine_info_{trt.__version__}")
    exec(compile(source, "engine_info.py", "exec"), module.__dict__)
    return module


def test_fixed_code_gives_the_same_results_on_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (CORPUS / "engine_info.py").read_bytes()
    new, _ = fix_source(source, scan_source(source, to="tensorrt").findings)
    trt8, trt11 = make_module("8.6"), make_module("11")
    old_mod, new_mod = _load(source, trt8, monkeypatch), _load(new, trt11, monkeypatch)
    engine8, engine11 = build_engine(_SPEC, "8.6", trt8), build_engine(_SPEC, "11", trt11)
    with warnings.catch_warnings():  # 8.6's binding getters warn, as the real ones do
        warnings.simplefilter("ignore", DeprecationWarning)
        described = old_mod.describe(engine8)
        old_context, old_needed = old_mod.make_user_managed_context(engine8)
    assert (
        described
        == new_mod.describe(engine11)
        == [
            ("images", True, (1, 3, 64, 64), "DataType.FLOAT"),
            ("boxes", False, (1, 100, 4), "DataType.HALF"),
        ]
    )
    new_context, new_needed = new_mod.make_user_managed_context(engine11)
    assert old_needed == new_needed == 1 << 20 and old_context and new_context
    assert old_mod.configure(_Config(8), 2).limits == new_mod.configure(_Config(11), 2).limits
    with pytest.raises(AttributeError):  # the unfixed code really breaks on the 11-era fake
        old_mod.describe(engine11)


def test_missing_libcst_is_a_clear_usage_error(
    corpus: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "libcst", None)
    monkeypatch.delitem(sys.modules, "trtcompat.migrate._codemod", raising=False)
    assert main(["--fix", str(corpus)]) == 2
    # trtcompat is not on PyPI: the hint installs the library the extra adds, which works
    # however trtcompat itself was installed
    err = capsys.readouterr().err
    assert "install it with: pip install libcst (trtcompat's 'migrate' extra)" in err
    assert "trtcompat[" not in err


# -- --to / --min-trt (issue 14) ---------------------------------------------------------------
_BUILD = (
    "import tensorrt as trt\nconfig.max_workspace_size = 1 << 30\n"
    "layer = network.add_pooling_nd(x, trt.PoolingType.MAX, (2, 2))\nx = layer.stride\n"
)


@pytest.mark.parametrize(
    ("to", "min_trt", "fixed"),
    [
        ("tensorrt", None, {"TRT040": "8.4", "TRT081": None}),
        ("tensorrt", "8.4", {"TRT040": "8.4", "TRT081": None}),
        ("tensorrt", "8.2", {"TRT081": None}),  # set_memory_pool_limit arrived in 8.4
        ("trtcompat", None, {"TRT081": None}),  # trtcompat means 8.0 and up
        ("trtcompat", "8.4", {"TRT040": "8.4", "TRT081": None}),
    ],
)
def test_min_trt_keeps_fixes_that_need_newer_as_findings(
    to: str, min_trt: str | None, fixed: dict[str, str | None]
) -> None:
    findings = scan_source(_BUILD, to=to, min_trt=min_trt).findings
    assert {f.rule.id for f in findings} == {"TRT040", "TRT081"}
    assert {f.rule.id: f.fix.needs for f in findings if f.fix is not None} == fixed


def test_native_runtime_fixes_record_their_tensorrt_and_obey_min_trt() -> None:
    source = (
        "import tensorrt as trt\nn = engine.device_memory_size\ns = engine.get_binding_shape('x')\n"
    )
    native = scan_source(source, to="tensorrt").findings
    assert [f.fix.needs for f in native if f.fix is not None] == ["10.1", "8.5"]
    assert [f.fixable for f in scan_source(source, to="tensorrt", min_trt="8.6").findings] == [
        False,
        True,
    ]


def test_needs_is_reported_for_fixes_made_and_withheld(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    source = (
        "import tensorrt as trt\nn = engine.device_memory_size\n"
        "config.max_workspace_size = 1 << 30\nlayer = network.add_convolution_nd(x, 8, k, w, b)\n"
        "layer.stride = (2, 2)\n"
    )
    pairs = [(f.fixable, f.needs) for f in scan_source(source, to="tensorrt").findings]
    assert pairs == [(True, "10.1"), (True, "8.4"), (True, None)]
    pairs = [
        (f.fixable, f.needs) for f in scan_source(source, to="tensorrt", min_trt="8.2").findings
    ]
    assert pairs == [(False, "10.1"), (False, "8.4"), (True, None)]
    # --to trtcompat: no native runtime rewrite at any --min-trt, so nothing to need.
    pairs = [(f.fixable, f.needs) for f in scan_source(source).findings]
    assert pairs == [(False, None), (False, "8.4"), (True, None)]
    report = json.loads(_json_of(source, capsys))
    assert [f["needs"] for f in report["findings"]] == [None, "8.4", None]
    assert "[manual; --min-trt 8.4 fixes it (held back by --min-trt 8.2)]" in _text_of(
        source, capsys, "--to", "tensorrt", "--min-trt", "8.2"
    )
    assert "[fixable, needs TensorRT 10.1]" in _text_of(source, capsys, "--to", "tensorrt")


def _json_of(source: str, capsys: pytest.CaptureFixture[str]) -> str:
    return _text_of(source, capsys, "--json")


def _text_of(source: str, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "build.py"
        path.write_text(source)
        main([*flags, str(path)])
    return capsys.readouterr().out


def test_trtcompat_fix_of_a_context_without_its_engine(capsys: pytest.CaptureFixture[str]) -> None:
    source = (
        "import tensorrt as trt\n"
        "def run(context, bindings, stream):\n"
        "    context.set_binding_shape('x', (1, 3))\n"
        "    context.execute_async_v2(bindings, stream.handle)\n"
        "    return context.execute_async_v2(bindings, stream.handle)\n"
    )
    assert _fix(source, to="trtcompat") == (
        "import tensorrt as trt\nimport trtcompat\n"
        "def run(context, bindings, stream):\n"
        "    trtcompat.set_input_shape(context, 'x', (1, 3))\n"
        "    trtcompat.execute(context, bindings, stream.handle)\n"
        "    return context.execute_async_v2(bindings, stream.handle)\n"  # the bool is used
    )


def test_guarded_engine_is_never_wrapped() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine):\n"
        "    if hasattr(engine, 'num_bindings'):\n"
        "        return engine.num_bindings\n"
        "    return engine.get_binding_shape('x')\n"
    )
    assert _fix(source, to="trtcompat") == source


def test_cli_to_and_min_trt(corpus: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    main(["--json", "--to", "tensorrt", "--min-trt", "8.2", str(corpus)])
    report = json.loads(capsys.readouterr().out)
    assert not any(f["rule"] == "TRT040" and f["fixable"] for f in report["findings"])
    assert main(["--min-trt", "eight", str(corpus)]) == 2
    assert "not a TensorRT release" in capsys.readouterr().err
