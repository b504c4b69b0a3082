"""Crafted TensorRT plan bytes for header tests (no TensorRT needed).

The layout is the one docs/PLAN_FORMAT.md establishes: a 32-byte header (``ftrt``, u32 header
format, u64 section count, u64 blob size, version bytes 24..27, u32 platform tag), 24-byte
section entries (u32 kind, u32 0, u64 offset, u64 size), 8-aligned sections, and the u32
end-of-plan marker 0x8b8d8b99 as the last four bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

END_OF_PLAN = 0x8B8D8B99


def sectioned_plan(
    version: Sequence[int] = (11, 4, 0, 106),
    sections: Sequence[tuple[int, bytes]] = ((1, b"\x00" * 16),),
    *,
    header_format: int = 0,
    tag: int = 0,
    declared_size: int | None = None,
) -> bytes:
    """A plan in the TensorRT 10+/11 sectioned layout."""
    cursor = 32 + 24 * len(sections)
    table, body = b"", b""
    for kind, payload in sections:
        pad = -cursor % 8
        body += bytes(pad)
        cursor += pad
        table += struct.pack("<IIQQ", kind, 0, cursor, len(payload))
        body += payload
        cursor += len(payload)
    body += bytes(-cursor % 8)
    total = 32 + len(table) + len(body) + 4
    size = total if declared_size is None else declared_size
    head = b"ftrt" + struct.pack("<IQQ", header_format, len(sections), size)
    return (
        head
        + bytes(version)
        + struct.pack("<I", tag)
        + table
        + body
        + struct.pack("<I", END_OF_PLAN)
    )


def legacy_plan(serialization_version: int, version: Sequence[int], size: int = 256) -> bytes:
    """A TensorRT 8.2-8.5 style plan: serialization version as the u32 at byte 8 (#3073)."""
    head = b"ftrt" + struct.pack("<IIIQ", 0, serialization_version, 0, 0) + bytes(version)
    return head + bytes(4) + bytes(size - 32)


def junk_engine_plan(release: str) -> bytes:
    """A plan whose header is TensorRT ``release``'s (it passes every header check) but whose
    engine is junk: only TensorRT (here the fake runtime) can refuse it."""
    from trtcompat.testing._planfile import encode_plan

    return encode_plan(b"not an engine", release)
