"""ci/trt_stubs.py: stub TensorRT libraries that let the real bindings import without TensorRT."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_trtcompat_ci_trt_stubs",
                                                  ROOT / "ci" / "trt_stubs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


stubs = _load()
SONAMES_8 = ["libnvinfer.so.8", "libnvonnxparser.so.8", "libnvparsers.so.8",
             "libnvinfer_plugin.so.8"]


@pytest.mark.parametrize(("symbol", "home"), [
    ("createInferRuntime_INTERNAL", "libnvinfer.so.8"),
    ("getPluginRegistry", "libnvinfer.so.8"),
    ("createNvOnnxParser_INTERNAL", "libnvonnxparser.so.8"),
    ("getNvOnnxParserVersion", "libnvonnxparser.so.8"),
    ("initLibNvInferPlugins", "libnvinfer_plugin.so.8"),
    ("_ZN11nvuffparser15createUffParserEv", "libnvparsers.so.8"),
    ("_ZN14nvcaffeparser117createCaffeParserEv", "libnvparsers.so.8"),
])
def test_each_symbol_goes_to_its_library(symbol: str, home: str) -> None:
    assert stubs.home_library(symbol, SONAMES_8) == home


def test_a_lean_runtime_takes_the_runtime_symbols() -> None:
    assert stubs.home_library("createInferRuntime_INTERNAL",
                              ["libnvinfer_lean.so.10"]) == "libnvinfer_lean.so.10"
    with pytest.raises(ValueError, match="no TensorRT runtime library"):
        stubs.home_library("createInferRuntime_INTERNAL", ["libnvonnxparser.so.10"])


def test_stub_source_returns_null_from_each_symbol() -> None:
    source = stubs.stub_source(["getPluginRegistry", "createInferRuntime_INTERNAL"])
    assert "void *getPluginRegistry(void) { return 0; }" in source
    assert "void *createInferRuntime_INTERNAL(void) { return 0; }" in source


def test_missing_compiler_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-xyz")
    problem = stubs.tool_problem()
    assert problem is not None and "'no-such-compiler-xyz' is not on PATH" in problem
    assert "C compiler" in problem
    with pytest.raises(stubs.StubToolMissing):
        stubs.build_stub_libs([Path("x.so")], Path("out"))


_EXTENSION = r"""
void *createInferRuntime_INTERNAL(void *, int);
void *createNvOnnxParser_INTERNAL(void *, void *, int);
void *call_runtime(void) { return createInferRuntime_INTERNAL(0, 100000); }
void *call_parser(void) { return createNvOnnxParser_INTERNAL(0, 0, 0); }
"""


def _cc(*args: str) -> None:
    subprocess.run([stubs.compiler(), *args], check=True, capture_output=True)


@pytest.mark.skipif(stubs.tool_problem() is not None, reason="no C compiler / binutils here")
def test_stubs_satisfy_the_loader_and_return_null(tmp_path: Path) -> None:
    # An "extension" linked against TensorRT sonames, whose libraries are then taken away:
    # the stubs must let it load, and its calls into TensorRT get NULL.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for soname, symbol in (("libnvinfer.so.10", "createInferRuntime_INTERNAL"),
                           ("libnvonnxparser.so.10", "createNvOnnxParser_INTERNAL")):
        (seeds / "s.c").write_text(f"void *{symbol}(void) {{ return (void *)1; }}\n")
        _cc("-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(seeds / soname),
            str(seeds / "s.c"))
    (tmp_path / "ext.c").write_text(_EXTENSION)
    extension = tmp_path / "ext.so"
    _cc("-shared", "-fPIC", "-o", str(extension), str(tmp_path / "ext.c"),
        str(seeds / "libnvinfer.so.10"), str(seeds / "libnvonnxparser.so.10"))
    assert stubs.needed_trt_libraries(extension) == ["libnvinfer.so.10", "libnvonnxparser.so.10"]
    assert stubs.undefined_trt_symbols(extension) == ["createInferRuntime_INTERNAL",
                                                      "createNvOnnxParser_INTERNAL"]
    out = stubs.build_stub_libs([extension], tmp_path / "stubs")
    assert (out / "libnvinfer.so.10").is_file() and (out / "libnvonnxparser.so.10").is_file()
    assert "createNvOnnxParser" not in (out / "libnvinfer_stub.c").read_text()
    alias = stubs.write_module_alias(out, "json", name="not_json")
    probe = (
        "import ctypes, not_json, json; assert not_json is json; "
        f"lib = ctypes.CDLL({str(extension)!r}); "
        "lib.call_runtime.restype = lib.call_parser.restype = ctypes.c_void_p; "
        "print(lib.call_runtime(), lib.call_parser())"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={"LD_LIBRARY_PATH": str(out), "PYTHONPATH": str(alias.parent)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None"]  # the seeds returned 1; the stubs NULL
    # Without the stubs the loader refuses it: the test above is not vacuous.
    bare = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={"PYTHONPATH": str(alias.parent)})
    assert bare.returncode != 0 and "libnvinfer.so.10" in bare.stderr


def test_cli_prints_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CC", "no-such-compiler-xyz")
    assert stubs.main([str(tmp_path / "out"), str(tmp_path / "x.so")]) == 2
    assert "trt_stubs: 'no-such-compiler-xyz' is not on PATH" in capsys.readouterr().err
