"""trtcompat scan --fix / --diff: compiles, idempotent, comments kept, same results on fakes."""

from __future__ import annotations

import collections
import enum
import io
import pathlib
import shutil
import sys
import tokenize
import types
from typing import Any

import pytest

pytest.importorskip("libcst")

from trtcompat.migrate import fix_source, main, scan_source

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


def _fix(source: str) -> str:
    result = scan_source(source)
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


@pytest.mark.parametrize("name", NAMES)
def test_fix_removes_exactly_the_fixable_findings(name: str) -> None:
    source = (CORPUS / name).read_bytes()
    found = scan_source(source).findings
    new, applied = fix_source(source, found)
    left = scan_source(new).findings
    assert not any(f.fixable for f in left)
    manual = collections.Counter((f.line, f.rule.id) for f in found if not f.fixable)
    assert collections.Counter((f.line, f.rule.id) for f in left) == manual
    consumed = sum(1 for f in found if f.fix is not None and f.fix.kind == "consumed")
    assert applied + consumed == sum(f.fixable for f in found)


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
    assert report["files"][str(corpus / "engine_info.py")]["fixed"] == 6


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


# -- same results on fake TensorRT modules (8.6 binding era vs 11 tensor era) ----------------
class _Mode(enum.Enum):
    NONE = 0
    INPUT = 1
    OUTPUT = 2


_TENSORS = [
    ("images", _Mode.INPUT, (1, 3, 640, 640), "DataType.FLOAT"),
    ("boxes", _Mode.OUTPUT, (1, 100, 4), "DataType.HALF"),
]


class _Config:
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

    def set_memory_pool_limit(self, pool: str, size: int) -> None:
        self.limits[pool] = size


class _Engine86:
    device_memory_size = 1 << 20

    def __iter__(self) -> Any:
        return iter([t[0] for t in _TENSORS])

    def _row(self, name: str) -> tuple[str, _Mode, tuple[int, ...], str]:
        return next(t for t in _TENSORS if t[0] == name)

    def binding_is_input(self, name: str) -> bool:
        return self._row(name)[1] is _Mode.INPUT

    def get_binding_shape(self, name: str) -> tuple[int, ...]:
        return self._row(name)[2]

    def get_binding_dtype(self, name: str) -> str:
        return self._row(name)[3]

    def create_execution_context_without_device_memory(self) -> str:
        return "USER_MANAGED"


class _Engine11:
    device_memory_size_v2 = 1 << 20

    def __getitem__(self, index: int) -> str:
        return _TENSORS[index][0]  # IndexError ends iteration, as in TensorRT 10/11

    def _row(self, name: str) -> tuple[str, _Mode, tuple[int, ...], str]:
        return next(t for t in _TENSORS if t[0] == name)

    def get_tensor_mode(self, name: str) -> _Mode:
        return self._row(name)[1]

    def get_tensor_shape(self, name: str) -> tuple[int, ...]:
        return self._row(name)[2]

    def get_tensor_dtype(self, name: str) -> str:
        return self._row(name)[3]

    def create_execution_context(self, strategy: str) -> str:
        return strategy


def _load(source: bytes, era: int, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    fake = types.ModuleType("tensorrt")
    if era >= 10:
        fake.TensorIOMode = _Mode  # type: ignore[attr-defined]
        fake.MemoryPoolType = types.SimpleNamespace(WORKSPACE="WORKSPACE")  # type: ignore[attr-defined]
        fake.ExecutionContextAllocationStrategy = types.SimpleNamespace(  # type: ignore[attr-defined]
            USER_MANAGED="USER_MANAGED"
        )
    monkeypatch.setitem(sys.modules, "tensorrt", fake)
    module = types.ModuleType(f"engine_info_{era}")
    exec(compile(source, "engine_info.py", "exec"), module.__dict__)
    return module


def test_fixed_code_gives_the_same_results_on_fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (CORPUS / "engine_info.py").read_bytes()
    new, _ = fix_source(source, scan_source(source).findings)
    old_mod, new_mod = _load(source, 8, monkeypatch), _load(new, 11, monkeypatch)
    assert old_mod.describe(_Engine86()) == new_mod.describe(_Engine11())
    assert old_mod.configure(_Config(8), 2).limits == new_mod.configure(_Config(11), 2).limits
    assert old_mod.make_user_managed_context(_Engine86()) == new_mod.make_user_managed_context(
        _Engine11()
    )
    with pytest.raises(AttributeError):  # the unfixed code really breaks on the 11-era fake
        old_mod.describe(_Engine11())


def test_missing_libcst_is_a_clear_usage_error(
    corpus: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "libcst", None)
    monkeypatch.delitem(sys.modules, "trtcompat.migrate._codemod", raising=False)
    assert main(["--fix", str(corpus)]) == 2
    assert 'pip install "trtcompat[migrate]"' in capsys.readouterr().err
