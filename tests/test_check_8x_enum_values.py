"""tools/check_8x_enum_values.py reads enums from a tagged header the way TensorRT writes them
(explicit values, shifts, deprecated aliases, comments) and reports each disagreement with the
8.0-8.5 fakes. Run on NVIDIA's repository it printed what docs/TESTING.md records."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_8x_enum_values", ROOT / "tools" / "check_8x_enum_values.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECK = _tool()


def _clone(tmp_path: Path, header: str, tag: str = "8.0.1") -> Path:
    """A repository like NVIDIA's: include/NvInferRuntimeCommon.h at ``tag``."""
    repo = tmp_path / "TensorRT"
    (repo / "include").mkdir(parents=True)
    (repo / "include" / "NvInferRuntimeCommon.h").write_text(header)
    (repo / "include" / "README.md").write_text("enum class DeviceType : int32_t { kGPU = 7 };")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "headers")
    git("tag", tag)
    return repo


GOOD = """
//! The device that this layer/network will execute on.
enum class DeviceType : int32_t
{
    kGPU, //!< GPU Device
    kDLA, /* DLA Core */
    kDLA_OLD TRT_DEPRECATED_ENUM = kDLA, //!< an alias the macro marks deprecated
};
enum class TensorLocation : int32_t { kDEVICE = 0, kHOST = 1 };
enum class ErrorCode : int32_t
{
    kSUCCESS = 0, kUNSPECIFIED_ERROR = 1, kINTERNAL_ERROR = 2, kINVALID_ARGUMENT = 3,
    kINVALID_CONFIG = 4, kFAILED_ALLOCATION = 5, kFAILED_INITIALIZATION = 6,
    kFAILED_EXECUTION = 7, kFAILED_COMPUTATION = 8, kINVALID_STATE = 9, kUNSUPPORTED_STATE = 10
};
"""


def test_headers_that_agree_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # ErrorCode of the header is the Python ErrorCodeTRT: 2 + 2 + 11 values compared.
    repo = _clone(tmp_path, GOOD)
    assert CHECK.main([str(repo), "8.0.1"]) == 0
    assert capsys.readouterr().out == "8.0.1: 15 values agree\n"
    # Only headers are read (the README's kGPU = 7 is not), the alias through its macro.
    device_type = CHECK.header_enums(CHECK._headers(repo, "8.0.1"))["DeviceType"]
    assert device_type == {"kGPU": 0, "kDLA": 1, "kDLA_OLD": 1}


def test_a_wrong_value_and_a_missing_member_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = GOOD.replace("kGPU, //!< GPU Device\n    kDLA, /* DLA Core */", "kDLA = 1U << 2,")
    assert CHECK.main([str(_clone(tmp_path, header)), "8.0.1"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "8.0.1: 14 compared",
        "  DeviceType.DLA: 4 in the header, 1 in the fake",
        "  DeviceType.GPU: the fake has it, the header does not",
    ]


def test_deprecated_aliases_take_the_value_they_name() -> None:
    text = "enum class EngineCapability : int32_t { kSTANDARD = 0, kDEFAULT  = kSTANDARD, kX };"
    assert CHECK.header_enums(text) == {
        "EngineCapability": {"kSTANDARD": 0, "kDEFAULT": 0, "kX": 1}
    }
    assert CHECK.header_enums("enum class E : int32_t { kA = kNOWHERE, kB };") == {
        "E": {"kA": None, "kB": None}  # an expression it cannot read is not guessed at
    }


def test_a_tag_the_clone_lacks_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        CHECK.main([str(_clone(tmp_path, GOOD)), "8.0.1", "8.2.1"])
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "8.0.1: 15 values agree\n" and "error: 8.2.1: fatal:" in captured.err
