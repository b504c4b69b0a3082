"""Finding TensorRT, reading its version, and the version table."""

from __future__ import annotations

import sys
import types
import warnings
from pathlib import Path

import pytest

import trtcompat as tc
from trtcompat import _detect, _versions


def _module(name: str, version: str | None) -> types.ModuleType:
    module = types.ModuleType(name)
    if version is not None:
        module.__version__ = version  # type: ignore[attr-defined]
    return module


@pytest.fixture
def no_trt(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _detect.CANDIDATES:
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` raise ImportError


@pytest.mark.parametrize(
    ("version", "families"),
    [
        ("8.0.1.6", ("bindings",)),
        ("8.4.3.1", ("bindings",)),
        ("8.5.1.7", ("bindings", "tensors")),
        ("8.6.1.6", ("bindings", "tensors")),
        ("9.3.0.1", ("bindings", "tensors")),
        ("10.0.1.6", ("tensors",)),
        ("11.4.0.106", ("tensors",)),
    ],
)
def test_families_per_version(version: str, families: tuple[str, ...]) -> None:
    assert _versions.families_for(_versions.parse_version(version)) == families


def test_bad_version_text() -> None:
    with pytest.raises(ValueError, match=r"^Not a TensorRT version: 'eight'\.$"):
        _versions.parse_version("eight")


def test_no_tensorrt_lists_every_install_route(no_trt: None) -> None:
    assert _detect.find_trt_module() is None
    with pytest.raises(tc.TensorRTNotFoundError) as err:
        tc.runtime_info()
    text = str(err.value)
    assert isinstance(err.value, ImportError)
    for route in (
        "pip install tensorrt-cu12",
        "pip install tensorrt-cu13",
        "pip install tensorrt-lean-cu12",
        "pip install tensorrt-dispatch-cu12",
        "nvcr.io/nvidia/tensorrt",
        "TRTCOMPAT_TRT_MODULE",
    ):
        assert route in text


@pytest.mark.parametrize(
    ("installed", "expected"),
    [
        (("tensorrt_lean", "tensorrt_dispatch"), "tensorrt_lean"),
        (("tensorrt_dispatch",), "tensorrt_dispatch"),
        (("tensorrt_lean_bindings",), "tensorrt_lean_bindings"),
        (("tensorrt", "tensorrt_lean"), "tensorrt"),
        (("tensorrt_rtx",), "tensorrt_rtx"),
    ],
)
def test_discovery_order(
    no_trt: None, monkeypatch: pytest.MonkeyPatch, installed: tuple[str, ...], expected: str
) -> None:
    for name in installed:
        monkeypatch.setitem(sys.modules, name, _module(name, "10.16.1.11"))
    found = _detect.find_trt_module()
    assert found is not None and found.__name__ == expected


def test_env_override_wins(no_trt: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorrt", _module("tensorrt", "10.0.1"))
    monkeypatch.setitem(sys.modules, "my_trt", _module("my_trt", "11.4.0.106"))
    monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "my_trt")
    assert tc.runtime_info() == tc.RuntimeInfo("my_trt", "11.4.0.106", ("tensors",), "full")


def test_env_override_that_does_not_import(no_trt: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "nope_trt")
    with pytest.raises(tc.TensorRTNotFoundError, match=r"'nope_trt' \(from TRTCOMPAT_TRT_MODULE\)"):
        tc.runtime_info()


@pytest.mark.parametrize(
    ("name", "version", "families", "flavor"),
    [
        ("tensorrt", "8.6.1.6", ("bindings", "tensors"), "full"),
        ("tensorrt_lean", "10.16.1.11", ("tensors",), "lean"),
        ("tensorrt_dispatch_bindings", "11.4.0.106", ("tensors",), "dispatch"),
        ("tensorrt_rtx", "1.7.1.116", ("tensors",), "rtx"),
    ],
)
def test_runtime_info(
    no_trt: None,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    version: str,
    families: tuple[str, ...],
    flavor: str,
) -> None:
    monkeypatch.setitem(sys.modules, name, _module(name, version))
    assert tc.runtime_info() == tc.RuntimeInfo(name, version, families, flavor)  # type: ignore[arg-type]


def test_too_old(no_trt: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorrt", _module("tensorrt", "7.2.3.4"))
    with pytest.raises(
        tc.UnsupportedTensorRTError, match=r"^TensorRT 7\.2\.3\.4 is older than 8\.0"
    ):
        tc.runtime_info()


def test_newer_than_known_warns_and_uses_tensors(
    no_trt: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tensorrt", _module("tensorrt", "12.0.0.1"))
    with pytest.warns(tc.TrtCompatWarning, match="newer than any trtcompat knows"):
        assert tc.runtime_info().families == ("tensors",)


def test_module_without_version() -> None:
    assert _detect.module_version(_module("x", None)) is None


def _broken_package(root: Path, name: str, error: str) -> None:
    """An installed package whose import fails the way a broken TensorRT install does."""
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text(f"raise {error}\n")


_NO_LIBNVINFER = 'ImportError("libnvinfer.so.10: cannot open shared object file")'


def test_a_broken_install_is_reported_with_its_own_error(
    no_trt: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _broken_package(tmp_path, "tensorrt", _NO_LIBNVINFER)
    _broken_package(tmp_path, "tensorrt_lean", 'OSError("libcudart.so.13: wrong ELF class")')
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("tensorrt", "tensorrt_lean"):
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(tc.TensorRTNotFoundError) as err:
        tc.runtime_info()
    assert err.value.import_errors == {
        "tensorrt": "ImportError: libnvinfer.so.10: cannot open shared object file",
        "tensorrt_lean": "OSError: libcudart.so.13: wrong ELF class",
    }
    assert (
        "Installed but failed to import:\n"
        "  tensorrt: ImportError: libnvinfer.so.10: cannot open shared object file\n"
        "  tensorrt_lean: OSError: libcudart.so.13: wrong ELF class\n"
    ) in str(err.value)


def test_a_missing_dependency_of_an_installed_module_is_a_broken_install(
    no_trt: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # tensorrt imports its bindings package; when that is missing, tensorrt is broken, not absent
    missing = "ModuleNotFoundError(\"No module named 'tensorrt_bindings'\", name='tensorrt_bindings')"
    _broken_package(tmp_path, "tensorrt", missing)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tensorrt")
    assert _detect.import_errors() == {
        "tensorrt": "ModuleNotFoundError: No module named 'tensorrt_bindings'"
    }


def test_absent_modules_are_not_errors(no_trt: None) -> None:
    assert _detect.import_errors() == {}


def test_falling_back_from_a_broken_tensorrt_warns_once_with_the_reason(
    no_trt: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _broken_package(tmp_path, "tensorrt", _NO_LIBNVINFER)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tensorrt")
    monkeypatch.setitem(sys.modules, "tensorrt_lean", _module("tensorrt_lean", "10.16.1.11"))
    with pytest.warns(tc.TrtCompatWarning) as caught:
        assert tc.runtime_info().module == "tensorrt_lean"
    assert [str(w.message) for w in caught] == [
        "Using tensorrt_lean 10.16.1.11 because an installed TensorRT module failed to import "
        "(tensorrt: ImportError: libnvinfer.so.10: cannot open shared object file)."
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tc.runtime_info().module == "tensorrt_lean"  # once: no second warning


def test_env_override_that_is_broken(
    no_trt: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _broken_package(tmp_path, "my_trt", _NO_LIBNVINFER)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "my_trt")
    with pytest.raises(tc.TensorRTNotFoundError) as err:
        tc.runtime_info()
    assert err.value.import_errors == {
        "my_trt": "ImportError: libnvinfer.so.10: cannot open shared object file"
    }
