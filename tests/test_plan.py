"""plan_info: the header of crafted plans of each layout; typed errors; load_engine's check."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest
from _engines import STATIC
from _plans import END_OF_PLAN, legacy_plan, sectioned_plan

import trtcompat as tc
from trtcompat.plan import PlanSection, load_problem
from trtcompat.testing import build_plan


def test_sectioned_plan_fields(tmp_path: Path) -> None:
    data = sectioned_plan((10, 16, 1, 11), [(7, b"a" * 13), (9, b"b" * 8)], tag=0)
    path = tmp_path / "model.engine"
    path.write_bytes(data)
    for source in (path, str(path), data, bytearray(data), memoryview(data)):
        info = tc.plan_info(source)
        assert info.tensorrt_version == (10, 16, 1, 11) and info.version == "10.16.1"
        assert info.size == info.declared_size == len(data)
        assert info.section_count == 2 and info.header_format == 0 and info.platform_tag == 0
        # Sections start after the 32-byte header and two 24-byte entries, 8-aligned.
        assert info.sections == (PlanSection(7, 80, 13), PlanSection(9, 96, 8))
        assert info.serialization_version is None
        assert info.version_compatible is None and info.hardware_compatible is None
    assert tc.plan_info(path).path == str(path) and tc.plan_info(data).path is None


def test_header_only_plan_is_the_smallest_sectioned_layout() -> None:
    data = sectioned_plan((11, 4, 0, 106), [])
    assert len(data) == 36
    info = tc.plan_info(data)
    assert info.sections == () and info.sectioned


def test_legacy_8x_plan_reads_the_serialization_version() -> None:
    # #3073: 8.2.1.8 -> 205, 8.4.3.1 -> 213, 8.5.3.1 -> 232, in the u32 at byte 8.
    for number, version in ((205, (8, 2, 1, 8)), (213, (8, 4, 3, 1)), (232, (8, 5, 3, 1))):
        info = tc.plan_info(legacy_plan(number, version))
        assert info.serialization_version == number
        assert info.version == ".".join(map(str, version[:3]))
        assert info.sections is None and info.section_count is None and info.declared_size is None


def test_8_6_plan_without_section_table_says_nothing_it_cannot_know() -> None:
    info = tc.plan_info(legacy_plan(238, (8, 6, 1, 6)))
    assert info.version == "8.6.1"
    assert info.serialization_version is None and info.section_count is None


def test_unknown_header_format_reads_no_version() -> None:
    info = tc.plan_info(sectioned_plan(header_format=1))
    assert info.tensorrt_version is None and info.version is None and info.platform_tag is None


def test_damaged_footer_or_table_is_not_sectioned() -> None:
    data = bytearray(sectioned_plan())
    struct.pack_into("<I", data, len(data) - 4, END_OF_PLAN + 1)
    assert not tc.plan_info(bytes(data)).sectioned
    data = bytearray(sectioned_plan())
    struct.pack_into("<Q", data, 40, 33)  # first section's offset: not 8-aligned
    assert not tc.plan_info(bytes(data)).sectioned


_NOT_A_PLAN_TAIL = (
    r", a plan starts with b'ftrt'\. Check that the file is a serialized engine \(not ONNX, "
    r"not a timing cache, not a Torch-TensorRT or Triton wrapper around one\)\."
)


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"ftr", r"b'ftr'"),
        (b"TRTCOMPAT-FAKE-PLAN/1\n{}", r"b'TRTC'"),
        (b"\x08\x01\x12\x00onnx", r"b'\\x08\\x01\\x12\\x00'"),
        (b"FTRT" + bytes(60), r"b'FTRT'"),
    ],
)
def test_not_a_plan(data: bytes, start: str, tmp_path: Path) -> None:
    with pytest.raises(tc.PlanFormatError) as err:
        tc.plan_info(data)
    assert re.fullmatch(
        rf"The given bytes are not a TensorRT plan: they start with {start}{_NOT_A_PLAN_TAIL}",
        str(err.value),
    ), str(err.value)
    assert isinstance(err.value, ValueError) and not isinstance(err.value, tc.PlanTruncatedError)
    path = tmp_path / "x.plan"
    path.write_bytes(data)
    with pytest.raises(tc.PlanFormatError) as err:
        tc.plan_info(path)
    assert re.fullmatch(
        rf"{re.escape(repr(str(path)))} is not a TensorRT plan: it starts with {start}"
        rf"{_NOT_A_PLAN_TAIL}",
        str(err.value),
    ), str(err.value)


def test_empty() -> None:
    with pytest.raises(tc.PlanFormatError) as err:
        tc.plan_info(b"")
    assert str(err.value) == "The plan in the given bytes is empty (0 bytes)."


def test_truncated_header_and_body(tmp_path: Path) -> None:
    with pytest.raises(tc.PlanTruncatedError) as err:
        tc.plan_info(sectioned_plan()[:31])
    assert str(err.value) == (
        "The plan in the given bytes is truncated: 31 bytes, shorter than the 32-byte plan "
        "header. Copy or download the plan again."
    )
    cut = sectioned_plan((10, 3, 0, 26))[:40]
    path = tmp_path / "cut.plan"
    path.write_bytes(cut)
    declares = (
        "is truncated: its header declares 76 bytes but it holds only 40. Copy or download "
        "the plan again."
    )
    with pytest.raises(tc.PlanTruncatedError) as err:
        tc.plan_info(path)
    assert str(err.value) == f"The plan in {str(path)!r} {declares}"
    with pytest.raises(tc.PlanTruncatedError) as err:
        tc.plan_info(cut)
    assert str(err.value) == f"The plan in the given bytes {declares}"


def test_load_engine_keeps_the_path_of_a_truncated_plan(era: str, tmp_path: Path) -> None:
    # load_engine(path) reads the file once; the verdict still names the file.
    path = tmp_path / "cut.plan"
    path.write_bytes(sectioned_plan((10, 3, 0, 26))[:40])
    with pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(path)
    assert str(err.value) == (
        f"The plan in {str(path)!r} is truncated: its header declares 76 bytes but it holds "
        f"only 40. Copy or download the plan again."
    )
    assert err.value.trt_log == ()


def test_unreadable_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(
        tc.PlanFormatError, match=r"Cannot read plan file '.*nope\.plan': No such file"
    ):
        tc.plan_info(tmp_path / "nope.plan")
    with pytest.raises(tc.PlanFormatError, match=r"got int"):
        tc.plan_info(3)  # type: ignore[arg-type]


def test_plan_info_imports_no_tensorrt() -> None:
    import subprocess
    import sys

    code = (
        # startup: a .pth may import `cuda` before trtcompat (cuda-bindings 12.9 does).
        "import sys; startup = set(sys.modules); import trtcompat; "
        "trtcompat.plan_info(open(sys.argv[1], 'rb').read()); "
        "bad = [m for m in ('tensorrt', 'tensorrt_lean', 'cuda', 'pycuda') "
        "if m in sys.modules and m not in startup]; "
        "assert not bad, bad"
    )
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".plan", delete=False) as handle:
        handle.write(sectioned_plan())
    subprocess.run([sys.executable, "-c", code, handle.name], check=True)


@pytest.mark.parametrize(
    ("built", "runtime", "verdict"),
    [
        ((11, 4, 0, 106), "11.4.0.106", None),
        ((11, 4, 0, 7), "11.4.0.106", None),  # the build number does not have to match
        ((11, 4, 1, 0), "11.4.0.106", "newer than the installed TensorRT 11.4.0"),
        ((10, 16, 1, 11), "11.4.0.106", None),  # may be version-compatible: TensorRT decides
        ((8, 6, 1, 6), "10.16.1.11", None),
        ((8, 5, 3, 1), "8.6.1.6", "plans older than 8.6 cannot be version-compatible"),
        ((11, 4, 0, 106), "10.16.1.11", "newer than the installed TensorRT 10.16.1"),
        ((10, 16, 1, 11), "1.3.0.35", None),  # TensorRT-RTX numbering: not judged
    ],
)
def test_load_problem(built: tuple[int, ...], runtime: str, verdict: str | None) -> None:
    problem = load_problem(tc.plan_info(sectioned_plan(built)), runtime)
    if verdict is None:
        assert problem is None
    else:
        assert problem is not None and verdict in problem
        assert ".".join(map(str, built[:3])) in problem and "Rebuild it with TensorRT" in problem


def test_load_problem_size_and_damage() -> None:
    longer = sectioned_plan((11, 4, 0, 106), declared_size=20)
    assert "declares 20 bytes but it has" in (
        load_problem(tc.plan_info(longer), "11.4.0.106") or ""
    )
    data = bytearray(sectioned_plan((11, 4, 0, 106)))
    data[-1] ^= 0xFF
    assert "end-of-plan marker is damaged" in (
        load_problem(tc.plan_info(bytes(data)), "11.4.0") or ""
    )
    # An 8.6 plan on an 8.6 runtime: the sectioned layout is not established there.
    assert load_problem(tc.plan_info(legacy_plan(238, (8, 6, 1, 6))), "8.6.1.6") is None


def test_load_engine_refuses_before_tensorrt_sees_the_plan(era: str, trt: object) -> None:
    runtime_version = trt.__version__  # type: ignore[attr-defined]
    major, minor = (int(p) for p in runtime_version.split(".")[:2])
    newer = sectioned_plan((major, minor + 1, 0, 0))
    with pytest.raises(tc.EngineLoadError) as err:
        tc.load_engine(newer)
    text = str(err.value)
    assert f"{major}.{minor + 1}.0" in text and runtime_version.rsplit(".", 1)[0] in text
    assert "Rebuild it with TensorRT" in text
    # Nothing reached the runtime: no "refused" paragraph with what TensorRT logged.
    assert err.value.trt_log == () and "refused" not in text
    if major >= 10:  # the sectioned layout (and its size field) is established from 10 on
        with pytest.raises(tc.EngineLoadError, match=r"is truncated: its header declares"):
            tc.load_engine(sectioned_plan((major, minor, 0, 0))[:-8])


def test_load_engine_names_the_building_version_when_tensorrt_refuses(
    era: str, trt: object
) -> None:
    # Same release as the runtime: the header check passes, and the fake runtime refuses
    # bytes that are not its own format; the message adds what the header said.
    version = [int(p) for p in trt.__version__.split(".")]  # type: ignore[attr-defined]
    with pytest.raises(
        tc.EngineLoadError, match=r"refused the plan built by TensorRT \d+\.\d+\.\d+"
    ):
        tc.load_engine(sectioned_plan(version))


_TOO_OLD = (
    "The plan was built by TensorRT 8.4.3 and the installed TensorRT is {runtime}; plans "
    "older than 8.6 cannot be version-compatible, so they only load on the exact release "
    "that built them. Rebuild it with TensorRT {runtime} (with BuilderFlag.VERSION_COMPATIBLE "
    "if it must outlive this release)."
)


@pytest.mark.parametrize("runtime", ["8.6.1.6", "10.16.1.11", "11.4.0.106"])
def test_an_8_4_plan_is_too_old_on_every_runtime(runtime: str) -> None:
    # An 8.4 plan has no section table: on 11.x that once read as "damaged, copy again".
    short = ".".join(runtime.split(".")[:3])
    for plan in (legacy_plan(213, (8, 4, 3, 1)), build_plan(STATIC, "8.4")):
        assert load_problem(tc.plan_info(plan), runtime) == _TOO_OLD.format(runtime=short)


def test_an_8_6_plan_without_a_section_table_on_11() -> None:
    problem = load_problem(tc.plan_info(legacy_plan(0, (8, 6, 1, 6))), "11.4.0.106")
    assert problem == (
        "The plan was built by TensorRT 8.6.1 and has no section table, which TensorRT "
        "11.4.0 needs (plans of 10.0 and later have one): TensorRT 11.4.0 cannot load it. "
        "Rebuild it with TensorRT 11.4.0."
    )


def test_a_damaged_10_plan_on_11_names_its_release() -> None:
    data = bytearray(sectioned_plan((10, 16, 1, 11)))
    data[-1] ^= 0xFF
    assert load_problem(tc.plan_info(bytes(data)), "11.4.0.106") == (
        "The plan's section table or end-of-plan marker is damaged (built by TensorRT "
        "10.16.1): TensorRT 11.4.0.106 would refuse it. Copy the plan again from where it was "
        "built."
    )


def test_plans_says_too_old_for_an_8_4_fake_plan_on_the_11_fake(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from trtcompat.cli import main
    from trtcompat.testing import fake_tensorrt

    (tmp_path / "old.plan").write_bytes(build_plan(STATIC, "8.4"))
    with fake_tensorrt("11"):
        assert main(["plans", str(tmp_path), "--json"]) == 1
    row = json.loads(capsys.readouterr().out)["plans"][0]
    assert (row["verdict"], row["reason"]) == ("no", _TOO_OLD.format(runtime="11.4.0"))
