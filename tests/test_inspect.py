"""``trtcompat inspect``: the table and the JSON on every API era, and errors without tracebacks."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _engines import IMPLICIT, OUTPUTS_FIRST, STATIC, TWO_PROFILES

from trtcompat import cli, plan_info
from trtcompat.cli import _inspect as inspect_cmd
from trtcompat.errors import InvalidEngineError
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_engine, build_plan, era_info

# A host shape tensor, a vectorized format and an odd memory size: every column differs.
SHAPED = EngineSpec(
    (
        TensorSpec("img", np.float16, (1, 32, 4, 4), True, format="CHW32", vectorized_dim=1,
                   components_per_element=32),
        TensorSpec("size", np.int32, (2,), True, location="host", is_shape_tensor=True),
        TensorSpec("out", np.int8, (1, 32, 4, 4), False),
    ),
    name="shaped",
    device_memory_size=3 << 20,
)


def _family(era: str, spec: EngineSpec) -> str:
    # What _dispatch picks: the name-based API wherever it exists, except implicit batch.
    tensors = era_info(era).has_tensors and not spec.implicit_batch
    return "tensors" if tensors else "bindings"


def _plan(tmp_path: Path, spec: EngineSpec, era: str) -> str:
    path = tmp_path / f"{spec.name}.plan"
    path.write_bytes(build_plan(spec, era))
    return str(path)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = inspect_cmd.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_table(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _plan(tmp_path, TWO_PROFILES, era)
    code, out, err = _run(capsys, path)
    assert (code, err) == (0, "")
    version, family = era_info(era).version, _family(era, TWO_PROFILES)
    assert out == f"""\
Engine: {path} (name 'two_profiles')
TensorRT: tensorrt {version} (full); API family: {family}
Device memory: 1048576 bytes (1.0 MiB)
Implicit batch: no

I/O tensors:
  name  mode    dtype  shape    location  format
  x     input   FLOAT  (-1, 4)  device    LINEAR
  bias  input   FLOAT  (4,)     device    LINEAR
  y     output  FLOAT  (-1, 4)  device    LINEAR

Profile 0:
  input  min     opt     max
  x      (1, 4)  (2, 4)  (4, 4)
  bias   (4,)    (4,)    (4,)

Profile 1:
  input  min     opt     max
  x      (5, 4)  (8, 4)  (16, 4)
  bias   (4,)    (4,)    (4,)

Plan header:
{_header_block(era, Path(path).stat().st_size)}
"""


def _header_block(era: str, size: int) -> str:
    # A fake plan has the header layout of its era's release (docs/TESTING.md).
    version = era_info(era).version
    major = version.split(".")[0]
    short, build = version.rsplit(".", 1)
    sectioned = major in ("10", "11")
    serialization = {"8.4": "213"}.get(era, "unknown (not in the header)")
    return "\n".join([
        f"  Built by TensorRT: {short} (build {build})",
        f"  Size: {size} bytes (header declares {size if sectioned else 'n/a'})",
        "  Platform tag: 0",
        f"  Sections: {'1 (end marker ok)' if sectioned else 'not found'}",
        f"  Serialization version: {serialization}",
        "  Version-compatible: unknown (not in the header)",
        "  Hardware-compatible: unknown (not in the header)",
    ])


def test_table_columns(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, _plan(tmp_path, SHAPED, era))
    assert code == 0
    assert "Device memory: 3145728 bytes (3.0 MiB)\n" in out
    assert "  img   input   HALF   (1, 32, 4, 4)  device    CHW32\n" in out
    assert "  size  input   INT32  (2,)           host      LINEAR\n" in out
    assert "  out   output  INT8   (1, 32, 4, 4)  device    LINEAR\n" in out


def _expected_json(path: str, era: str, spec: EngineSpec) -> dict[str, Any]:
    return {
        "path": path,
        "tensorrt": {"module": "tensorrt", "version": era_info(era).version, "flavor": "full"},
        "family": _family(era, spec),
        "name": spec.name,
        "implicit_batch": spec.implicit_batch,
        "device_memory_size": spec.device_memory_size,
        "num_profiles": spec.num_profiles,
    }


def test_json(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _plan(tmp_path, OUTPUTS_FIRST, era)
    code, out, err = _run(capsys, path, "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report == {
        **_expected_json(path, era, OUTPUTS_FIRST),
        "tensors": [
            {"name": "count", "mode": "output", "dtype": "INT32", "shape": [-1],
             "location": "device", "format": "LINEAR", "is_shape_tensor": False},
            {"name": "prob", "mode": "output", "dtype": "HALF", "shape": [-1, 2],
             "location": "device", "format": "LINEAR", "is_shape_tensor": False},
            {"name": "x", "mode": "input", "dtype": "HALF", "shape": [-1, 2],
             "location": "device", "format": "LINEAR", "is_shape_tensor": False},
            {"name": "ids", "mode": "input", "dtype": "INT32", "shape": [-1],
             "location": "device", "format": "LINEAR", "is_shape_tensor": False},
        ],
        "profiles": [{"index": 0, "inputs": {
            "x": {"min": [1, 2], "opt": [4, 2], "max": [8, 2]},
            "ids": {"min": [1], "opt": [4], "max": [8]},
        }}],
        "header": plan_info(path).as_dict(),
    }
    assert report["header"]["tensorrt_version"] == era_info(era).version.rsplit(".", 1)[0]


def test_json_shape_tensor(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, _plan(tmp_path, SHAPED, era), "--json")
    size = json.loads(out)["tensors"][1]
    assert size == {"name": "size", "mode": "input", "dtype": "INT32", "shape": [2],
                    "location": "host", "format": "LINEAR", "is_shape_tensor": True}


@pytest.mark.parametrize("era", [e for e in ERAS if era_info(e).implicit_batch], indirect=True)
def test_implicit_batch(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _plan(tmp_path, IMPLICIT, era)
    _, out, _ = _run(capsys, path, "--json")
    report = json.loads(out)
    assert {k: report[k] for k in _expected_json(path, era, IMPLICIT)} == _expected_json(
        path, era, IMPLICIT
    )
    assert report["family"] == "bindings" and report["implicit_batch"] is True
    assert report["tensors"][0]["shape"] == [-1, 3]
    assert report["profiles"] == [{"index": 0, "inputs": {
        "x": {"min": [1, 3], "opt": [8, 3], "max": [8, 3]}}}]
    _, table, _ = _run(capsys, path)
    assert "Implicit batch: yes\n" in table and "  x      (1, 3)  (8, 3)  (8, 3)" in table


def test_describe_engine(era: str, trt: Any) -> None:
    report = inspect_cmd.describe_engine(build_engine(STATIC, era, trt))
    assert set(report) == {"family", "name", "implicit_batch", "device_memory_size",
                           "num_profiles", "tensors", "profiles"}
    assert [t["name"] for t in report["tensors"]] == ["x", "y"]
    assert report["profiles"] == [{"index": 0, "inputs": {
        "x": {"min": [2, 3], "opt": [2, 3], "max": [2, 3]}}}]
    with pytest.raises(InvalidEngineError):
        inspect_cmd.describe_engine(object())


def test_through_the_cli(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _plan(tmp_path, STATIC, era)
    assert cli.main(["inspect", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tensors"][0]["name"] == "x"


# -- errors: one paragraph on stderr, exit status 2 ---------------------------------------


def _assert_error(capsys: pytest.CaptureFixture[str], argv: list[str], pattern: str) -> str:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert re.fullmatch(pattern, err, flags=re.DOTALL), err
    assert "\n\n" not in err.strip()  # one paragraph
    return err


def test_missing_and_empty(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "missing.plan")
    _assert_error(capsys, [missing], rf"trtcompat inspect {re.escape(missing)}: Cannot read plan "
                  rf"file '{re.escape(missing)}': No such file or directory\.\n")
    empty = tmp_path / "empty.plan"
    empty.write_bytes(b"")
    _assert_error(capsys, [str(empty)], rf"trtcompat inspect {re.escape(str(empty))}: The plan "
                  rf"in '{re.escape(str(empty))}' is empty \(0 bytes\)\.\n")


_NOT_A_PLAN = (
    r"{path!s} is not a TensorRT plan: it starts with b'\\x08\\x07no', a plan starts with "
    r"b'ftrt'\. Check that the file is a serialized engine \(not ONNX, not a timing cache, "
    r"not a Torch-TensorRT or Triton wrapper around one\)\.\n"
)


def test_not_a_plan(era: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The header reader's verdict, as plan_info and `trtcompat plans` give it.
    junk = tmp_path / "model.onnx"
    junk.write_bytes(b"\x08\x07not a plan")
    name = re.escape(str(junk))
    _assert_error(capsys, [str(junk)], rf"trtcompat inspect {name}: "
                  + _NOT_A_PLAN.format(path=re.escape(repr(str(junk)))))


def test_not_a_plan_without_tensorrt(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "trtcompat_tests_no_such_module")
    junk = tmp_path / "model.onnx"
    junk.write_bytes(b"\x08\x07not a plan")
    _assert_error(capsys, [str(junk)], rf"trtcompat inspect {re.escape(str(junk))}: "
                  + _NOT_A_PLAN.format(path=re.escape(repr(str(junk)))))


def test_plan_from_another_version(era: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    other = "11" if era != "11" else "10"
    path = _plan(tmp_path, STATIC, other)
    mine, theirs = era_info(era).version, era_info(other).version
    if other == "11":  # newer than the runtime: the header proves it, TensorRT is not asked
        mine3, theirs3 = mine.rsplit(".", 1)[0], theirs.rsplit(".", 1)[0]
        size = Path(path).stat().st_size
        _assert_error(capsys, [path], re.escape(
            f"trtcompat inspect {path}: TensorRT {mine} cannot load the plan in {path!r} "
            f"({size} bytes): The plan was built by TensorRT {theirs3}, newer than the "
            f"installed TensorRT {mine3}; plans never load on an older TensorRT, "
            f"version-compatible or not. Rebuild it with TensorRT {mine3}, or upgrade the "
            f"runtime to {theirs3} or newer.\n"))
    else:  # older and 8.6+: may be version-compatible, so TensorRT decides
        _assert_error(capsys, [path], rf"trtcompat inspect .*: TensorRT {re.escape(mine)}"
                      r" refused the plan .*not compatible with this version of TensorRT, "
                      rf"expecting library version {re.escape(mine)} got "
                      rf"{re.escape(theirs)}, please rebuild\.\n")


def test_no_tensorrt_shows_a_fake_plans_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No fake installed, and discovery pointed at a module that cannot exist: a fake plan
    # has the real header layout, so inspect shows what the header says, as for a real plan.
    monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "trtcompat_tests_no_such_module")
    plan = tmp_path / "model.plan"
    plan.write_bytes(build_plan(STATIC, "10"))
    code, out, err = _run(capsys, str(plan))
    assert (code, err) == (0, "")
    assert out == (
        f"Plan: {plan}\n{textwrap.dedent(_header_block('10', plan.stat().st_size))}\n"
        "TensorRT: none installed, so only the header was read (`trtcompat doctor` says why "
        "and how to install one).\n"
    )


def test_usage(capsys: pytest.CaptureFixture[str]) -> None:
    _assert_error(capsys, [], r"usage: trtcompat inspect \[-h\] \[--json\] ENGINE\ntrtcompat "
                  r"inspect: error: the following arguments are required: ENGINE\n")
    code, out, _ = _run(capsys, "--help")
    assert code == 0 and "--json" in out
