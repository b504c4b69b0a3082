"""The fakes' plan files: a fake engine's bytes inside the header real TensorRT writes.

A plan of a fake era has the layout ``docs/PLAN_FORMAT.md`` establishes for that era's
release, so :func:`trtcompat.plan_info`, ``trtcompat plans``, ``load_engine``'s header check
and ``trtcompat inspect`` treat it as they treat a real plan:

- 10.0 and later: the 32-byte header (``ftrt``, header format 0, u64 section count, u64 blob
  size, the four version bytes, platform tag 0), one 24-byte section entry, the fake engine
  as that section (kind :data:`FAKE_ENGINE_SECTION`, 8-aligned) and the end-of-plan marker
  ``0x8b8d8b99`` as the last four bytes.
- before 10.0: the 32-byte header with the serialization version #3073 reports at byte 8
  (213 for 8.4; 0 where none is published, e.g. 8.6), zeros where the layout is unknown,
  the version bytes, and the fake engine after the header.

These functions are the one place that writes and reads that wrapping: the fake engine's
``serialize()``, ``build_plan`` and the fake runtime's ``deserialize_cuda_engine`` all go
through them.
"""

from __future__ import annotations

import struct
from typing import Union

from .._versions import parse_version
from ..plan import (
    END_OF_PLAN_MARKER,
    HEADER_SIZE,
    MAGIC,
    SECTIONED_FROM,
    SERIALIZATION_VERSIONS,
)

__all__ = ["FAKE_ENGINE_SECTION", "FakePlanError", "decode_plan", "encode_plan", "plan_release"]

#: The section kind the fakes give their engine. Real TensorRT's engine section kind is not
#: known (docs/PLAN_FORMAT.md); this one ("fake" as a little-endian u32) is none of the kinds
#: the oracle probed, so a real runtime answers a fake plan with "No engine found in plan".
FAKE_ENGINE_SECTION = 0x656B6166
_ENTRY = struct.Struct("<IIQQ")  # kind, (unused), offset, size
_HEAD = struct.Struct("<4sIQQ4BI")  # magic, format, count or serialization version, size, ...

Data = Union[bytes, bytearray, memoryview]


class FakePlanError(ValueError):
    """Bytes the fake runtime cannot read as a plan; the message is what it logs."""


def _version_bytes(release: str) -> tuple[int, int, int, int]:
    parts = (*parse_version(release).release, 0, 0, 0)[:4]
    if not all(0 <= p <= 255 for p in parts):
        raise ValueError(f"TensorRT release {release!r} does not fit the plan's version bytes.")
    return parts[0], parts[1], parts[2], parts[3]


def encode_plan(body: bytes, release: str) -> bytes:
    """A plan file of TensorRT ``release`` (``"10.16.1.11"``) that carries ``body``.

    Raises:
        ValueError: ``release`` is not a version of four parts of 0..255 at most.
    """
    version = _version_bytes(release)
    if version[:2] < SECTIONED_FROM:
        serialization = SERIALIZATION_VERSIONS.get(version[:2], 0)
        return _HEAD.pack(MAGIC, 0, serialization, 0, *version, 0) + bytes(body)
    offset = HEADER_SIZE + _ENTRY.size  # 56: already 8-aligned
    end = offset + len(body)
    padding = -end % 8
    total = end + padding + 4
    return b"".join(
        (
            _HEAD.pack(MAGIC, 0, 1, total, *version, 0),
            _ENTRY.pack(FAKE_ENGINE_SECTION, 0, offset, len(body)),
            bytes(body),
            bytes(padding),
            struct.pack("<I", END_OF_PLAN_MARKER),
        )
    )


def plan_release(data: Data) -> str:
    """The release a plan's header names, ``"major.minor.patch.build"``.

    Raises:
        FakePlanError: shorter than the header, or not a plan (no ``ftrt`` magic).
    """
    head = bytes(data[:HEADER_SIZE])
    # lean 11.4's order: the length first, then the magic.
    if len(head) < HEADER_SIZE:
        raise FakePlanError("Serialization assertion bufferSize >= minBufferSize failed.")
    if head[:4] != MAGIC:
        raise FakePlanError(
            "Serialization assertion magicTagRead == kMAGIC_TAG failed.Magic tag does not match"
        )
    return ".".join(str(b) for b in head[24:28])


def decode_plan(data: Data) -> bytes:
    """The body :func:`encode_plan` wrapped, after the checks real TensorRT makes before it
    reads an engine (lean 11.4's order, docs/PLAN_FORMAT.md): magic, header length, platform
    tag, blob size, section table, end-of-plan marker, an engine section.

    Raises:
        FakePlanError: a check failed; the message quotes TensorRT's assertion where
            docs/PLAN_FORMAT.md gives it, else says which check failed.
    """
    blob = bytes(data)
    version = tuple(int(p) for p in plan_release(blob).split("."))
    _, _, count, size, *_, tag = _HEAD.unpack_from(blob)
    if tag != 0:
        raise FakePlanError("Serialization assertion header.pad == expectedPlatformTag failed.")
    if version[:2] < SECTIONED_FROM:
        return blob[HEADER_SIZE:]  # the 8.x layout has no size or section table to check
    if size != len(blob):
        raise FakePlanError("Serialization assertion plan.header.size == blobSize failed.")
    return _engine_section(blob, count)


def _engine_section(blob: bytes, count: int) -> bytes:
    """The engine section of a sectioned (10.0+) plan, after the section table's checks:
    in the plan, 8-aligned, in order, then the end-of-plan marker."""
    cursor = HEADER_SIZE + count * _ENTRY.size
    if cursor >= len(blob):
        raise FakePlanError("Serialization assertion cursor < blobSize failed.")
    engine = None
    for k in range(count):
        kind, _, offset, length = _ENTRY.unpack_from(blob, HEADER_SIZE + k * _ENTRY.size)
        if offset < cursor or offset % 8 or offset + length >= len(blob):
            raise FakePlanError(f"Section {k} of the plan lies outside it or is not 8-aligned.")
        if kind == FAKE_ENGINE_SECTION:
            engine = blob[offset : offset + length]
        cursor = offset + length
    cursor += -cursor % 8
    if cursor + 4 != len(blob) or struct.unpack_from("<I", blob, cursor)[0] != END_OF_PLAN_MARKER:
        raise FakePlanError("The plan does not end with the end-of-plan marker.")
    if engine is None:
        raise FakePlanError("No engine found in plan.")
    return engine
