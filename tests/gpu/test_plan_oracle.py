"""Oracle: the real lean TensorRT runtime reads the plan header the way plan_info does.

Each crafted plan changes one header field; the runtime's assertion says which check it
failed, and plan_info must tell the same story (runs where ``tensorrt_lean_bindings``
imports and a GPU exists; docs/PLAN_FORMAT.md holds what these established).
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from _plans import END_OF_PLAN, sectioned_plan

import trtcompat as tc
from trtcompat.plan import load_problem

pytestmark = pytest.mark.gpu
trt: Any = pytest.importorskip(
    "tensorrt_lean_bindings", reason="the lean TensorRT module is not installed"
)


def _runtime_says(data: bytes) -> str:
    class Logger(trt.ILogger):  # type: ignore[misc]
        def __init__(self) -> None:
            trt.ILogger.__init__(self)
            self.messages: list[str] = []

        def log(self, severity: Any, msg: str) -> None:
            self.messages.append(msg)

    logger = Logger()
    engine = trt.Runtime(logger).deserialize_cuda_engine(data)
    assert engine is None
    return " ".join(logger.messages)


def test_intact_header_passes_every_plan_check() -> None:
    data = sectioned_plan((11, 4, 0, 106), [(1, b"\x00" * 16)])
    assert tc.plan_info(data).sectioned
    # Past parsePlan: the runtime only misses an engine section it knows.
    assert "No engine found in plan" in _runtime_says(data)
    assert "No engine found in plan" in _runtime_says(sectioned_plan((11, 4, 0, 106), []))


def test_magic_is_the_u32_at_byte_0() -> None:
    data = b"FTRT" + sectioned_plan()[4:]
    with pytest.raises(tc.PlanFormatError):
        tc.plan_info(data)
    said = _runtime_says(data)
    assert (
        "kEXPECTED_MAGIC_TAG" in said
        and f"({struct.unpack('<I', b'FTRT')[0]} != 1953657958)" in said
    )


def test_header_is_32_bytes() -> None:
    for n in (4, 28, 31):
        with pytest.raises(tc.PlanTruncatedError):
            tc.plan_info(sectioned_plan()[:n])
        assert "bufferSize >= minBufferSize" in _runtime_says(sectioned_plan()[:n])
    assert "minBufferSize" not in _runtime_says(b"ftrt" + bytes(28))


def test_size_is_the_u64_at_byte_16() -> None:
    good = sectioned_plan((11, 4, 0, 106))
    assert tc.plan_info(good).declared_size == len(good)
    for off in range(16, 24):  # every byte of the u64 is compared
        data = bytearray(good)
        data[off] ^= 0x40
        assert "plan.header.size == blobSize" in _runtime_says(bytes(data))
        try:
            info = tc.plan_info(bytes(data))
        except tc.PlanTruncatedError:
            continue  # declares more bytes than there are
        assert "declares" in (load_problem(info, trt.__version__) or "")


def test_platform_tag_is_the_u32_at_byte_28() -> None:
    for tag in (1, 0x100, 0x10000, 0x1000000):
        data = sectioned_plan(tag=tag)
        assert tc.plan_info(data).platform_tag == tag
        assert "header.pad == expectedPlatformTag" in _runtime_says(data)


def test_section_table_and_end_marker() -> None:
    data = bytearray(sectioned_plan())
    struct.pack_into("<I", data, len(data) - 4, END_OF_PLAN ^ 1)
    assert not tc.plan_info(bytes(data)).sectioned
    assert "kEND_OF_PLAN_MARKER" in _runtime_says(bytes(data))
    data = bytearray(sectioned_plan())
    struct.pack_into("<Q", data, 8, 1000)  # more section entries than the blob holds
    assert not tc.plan_info(bytes(data)).sectioned
    assert "cursor < blobSize" in _runtime_says(bytes(data))


def test_version_bytes_are_not_checked_before_an_engine_section() -> None:
    # The header's version bytes do not decide the outer checks: a plan from another
    # release reaches the same point. load_engine therefore refuses only what the
    # version rules make certain (newer than the runtime, or older than 8.6).
    for version in ((10, 16, 1, 11), (8, 6, 1, 6), (12, 0, 0, 0)):
        assert "No engine found in plan" in _runtime_says(sectioned_plan(version))
    assert load_problem(tc.plan_info(sectioned_plan((12, 0, 0, 0))), trt.__version__)
    assert load_problem(tc.plan_info(sectioned_plan((10, 16, 1, 11))), trt.__version__) is None
