"""plan.py's header checks that only surviving mutants showed unpinned (issue 25): declared
sizes on 10.x runtimes, the 11.0.0 boundary, section offsets, a damaged 10.0 plan, the magic."""

from __future__ import annotations

import array
import struct

import pytest
from _plans import legacy_plan, sectioned_plan

from trtcompat.errors import PlanTruncatedError
from trtcompat.plan import built_by, load_problem, plan_info

TWO_SECTIONS = ((1, b"\x01" * 16), (2, b"\x02" * 8))  # at 80 (16 bytes) and 96 (8 bytes)


def _entry(data: bytes, k: int, offset: int, size: int) -> bytes:
    """``data`` with section entry ``k`` pointing at ``offset`` / ``size``."""
    at = 32 + 24 * k + 8
    return data[:at] + struct.pack("<QQ", offset, size) + data[at + 16 :]


def test_the_crafted_two_section_plan_checks_out() -> None:
    info = plan_info(sectioned_plan((10, 3, 0, 26), TWO_SECTIONS))
    assert info.sections is not None
    assert [(s.kind, s.offset, s.size) for s in info.sections] == [(1, 80, 16), (2, 96, 8)]
    assert load_problem(info, "11.4.0") is None


@pytest.mark.parametrize(
    ("k", "offset", "size"),
    [(0, 81, 15), (1, 88, 16)],  # section 0 not 8-aligned; section 1 inside section 0
    ids=["misaligned", "overlapping"],
)
def test_a_misaligned_or_overlapping_section_is_no_section_table(
    k: int, offset: int, size: int
) -> None:
    # Everything else still adds up: only the offset breaks the walk TensorRT does.
    info = plan_info(_entry(sectioned_plan((10, 3, 0, 26), TWO_SECTIONS), k, offset, size))
    assert info.sections is None and info.sectioned is False
    problem = load_problem(info, "11.4.0")
    assert problem is not None and "section table or end-of-plan marker is damaged" in problem


@pytest.mark.parametrize("version", [(10, 3, 0, 26), (10, 0, 1, 6)], ids=["10.3", "10.0"])
def test_a_10x_plan_with_a_wrong_declared_size_on_a_10x_runtime(version: tuple[int, ...]) -> None:
    plan = sectioned_plan(version) + bytes(8)  # 8 bytes appended: declared != size
    info = plan_info(plan)
    assert info.declared_size == len(plan) - 8
    problem = load_problem(info, ".".join(map(str, version)))
    assert problem is not None
    assert problem.startswith(
        f"The plan's header declares {len(plan) - 8} bytes but it has {len(plan)}"
    )


def test_an_86_plan_cannot_load_on_exactly_11_0_0() -> None:
    info = plan_info(legacy_plan(0, (8, 6, 1, 6)))
    problem = load_problem(info, "11.0.0")
    assert problem is not None and "has no section table" in problem
    assert load_problem(info, "10.16.1.11") is None  # 10.x may load it (version-compatible)


def test_a_damaged_10_0_plan_is_damaged_not_old() -> None:
    data = sectioned_plan((10, 0, 1, 6))
    damaged = data[:-4] + b"\x00\x00\x00\x00"  # the end-of-plan marker is gone
    info = plan_info(damaged)
    assert info.sections is None and info.version == "10.0.1"
    problem = load_problem(info, "11.4.0")
    assert problem is not None
    assert problem.startswith(
        "The plan's section table or end-of-plan marker is damaged (built by TensorRT 10.0.1)"
    )


def test_the_magic_is_the_plans_first_four_bytes() -> None:
    info = plan_info(sectioned_plan())
    assert info.magic == b"ftrt"
    assert info.as_dict()["magic"] == "ftrt"


def test_as_dict_of_a_sectioned_plan() -> None:
    data = sectioned_plan((10, 3, 0, 26), TWO_SECTIONS, tag=0)
    assert plan_info(data, path="model.plan").as_dict() == {
        "path": "model.plan",
        "size": len(data),
        "magic": "ftrt",
        "header_format": 0,
        "tensorrt_version": "10.3.0",
        "tensorrt_build": 26,
        "platform_tag": 0,
        "declared_size": len(data),
        "section_count": 2,
        "sections": [[1, 80, 16], [2, 96, 8]],
        "serialization_version": None,
        "version_compatible": None,
        "hardware_compatible": None,
        "prefix_metadata": None,
        "plan_offset": 0,
    }


def test_as_dict_of_an_8x_plan_and_of_another_header_format() -> None:
    found = plan_info(legacy_plan(213, (8, 4, 3, 1))).as_dict()
    assert (found["tensorrt_version"], found["tensorrt_build"]) == ("8.4.3", 1)
    assert (found["serialization_version"], found["sections"], found["section_count"]) == (
        213, None, None,
    )
    other = plan_info(sectioned_plan(header_format=1)).as_dict()
    assert (other["tensorrt_version"], other["tensorrt_build"], other["platform_tag"]) == (
        None, None, None,
    )
    assert (other["sections"], other["declared_size"]) == (None, None)


def test_header_words_are_unsigned() -> None:
    info = plan_info(sectioned_plan(header_format=0xFFFFFFFF, tag=0x80000001))
    assert info.header_format == 0xFFFFFFFF
    assert plan_info(sectioned_plan(tag=0x80000001)).platform_tag == 0x80000001


def test_a_plan_of_exactly_the_header_is_read() -> None:
    info = plan_info(sectioned_plan(header_format=1)[:32])
    assert (info.size, info.header_format, info.tensorrt_version) == (32, 1, None)


def test_any_buffer_is_read_like_bytes() -> None:
    data = sectioned_plan((10, 3, 0, 26))
    assert plan_info(array.array("B", data)) == plan_info(data)


def test_another_header_format_leaves_the_decision_to_tensorrt() -> None:
    info = plan_info(sectioned_plan(header_format=1))
    for runtime in ("11.4.0", "10.3.0", "not-a-version"):
        assert load_problem(info, runtime) is None


def test_short_and_long_runtime_versions() -> None:
    info = plan_info(sectioned_plan((10, 3, 0, 26)))
    assert built_by(info, "10.3") is True  # a missing patch is 0
    assert built_by(info, "10.3.0.post1") is True  # only major.minor.patch count
    assert built_by(info, "10.3.1") is False
    ten = plan_info(sectioned_plan((10, 0, 0, 6)))
    assert built_by(ten, "10") is True  # a missing minor and patch are 0
    assert built_by(ten, "10.0.1") is False


def test_bytes_16_of_a_pre_10_plan_are_no_size_on_a_10x_runtime() -> None:
    # The u64 at byte 16 is established as the blob size only for 10.0+ plans (and on 11.x
    # runtimes, which check it): an 8.6 header that happens to look sectioned is left alone.
    data = sectioned_plan((8, 6, 1, 6), declared_size=40)
    info = plan_info(data)
    assert info.declared_size == 40 and info.size == len(data) != 40
    assert load_problem(info, "10.3.0") is None
    problem = load_problem(info, "11.4.0")
    assert problem is not None and problem.startswith("The plan's header declares 40 bytes")


def test_a_declared_size_with_the_top_bit_set_is_a_huge_size_not_a_negative_one() -> None:
    # The u64 at byte 16 is unsigned: 2**63 + 64 declares far more bytes than the plan holds.
    declared = 2**63 + 64
    data = sectioned_plan((10, 3, 0, 26), declared_size=declared)
    with pytest.raises(PlanTruncatedError, match=f"declares {declared} bytes but it holds only "
                                                 f"{len(data)}"):
        plan_info(data)
