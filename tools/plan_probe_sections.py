"""Second probe: plans that pass parsePlan (header, section table, footer), varied field by field.

Layout used (learned from the first probe and TensorRT's messages): a 32-byte header (magic
``ftrt`` u32@0, u32@4, section count u64@8, blob size u64@16, version bytes 24..27, platform
tag u32@28), ``count`` 24-byte section descriptors (u32 type, u32 pad, u64 offset, u64 size),
the sections (8-aligned), and the u32 end-of-plan marker 0x8b8d8b99 as the last 4 bytes.

    python tools/plan_probe_sections.py --module tensorrt_lean_bindings --out log2.txt
"""

from __future__ import annotations

import argparse
import struct
import sys
from typing import Sequence

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from plan_header_probe import Oracle, summary

END = 0x8B8D8B99


def plan(
    version: Sequence[int] = (11, 4, 0, 106),
    sections: Sequence[tuple[int, bytes]] = (),
    word4: int = 0,
    tag: int = 0,
) -> bytes:
    count = len(sections)
    cursor = 32 + 24 * count
    table = b""
    body = b""
    for kind, payload in sections:
        pad = (-cursor) % 8
        body += bytes(pad)
        cursor += pad
        table += struct.pack("<IIQQ", kind, 0, cursor, len(payload))
        body += payload
        cursor += len(payload)
    body += bytes((-cursor) % 8)
    total = 32 + len(table) + len(body) + 4
    head = (
        b"ftrt" + struct.pack("<IQQ", word4, count, total) + bytes(version) + struct.pack("<I", tag)
    )
    return head + table + body + struct.pack("<I", END)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", default="tensorrt_lean_bindings")
    parser.add_argument("--out", default="log2.txt")
    args = parser.parse_args()
    oracle = Oracle(args.module)
    out = open(args.out, "w")  # noqa: SIM115 (closed at the end of main)

    def probe(label: str, blob: bytes, host: bool = False) -> None:
        r = oracle.ask(blob, host)
        out.write(f"{label} [{len(blob)} B{' host' if host else ''}]: {summary(r)}\n")
        out.flush()

    out.write("## H. header + footer only, version bytes varied\n")
    for v in (
        (11, 4, 0, 106),
        (11, 4, 0, 0),
        (11, 4, 1, 0),
        (11, 4, 0, 7),
        (11, 3, 0, 0),
        (11, 5, 0, 0),
        (10, 16, 1, 11),
        (10, 3, 0, 26),
        (8, 6, 1, 6),
        (12, 0, 0, 0),
        (0, 0, 0, 0),
        (24, 25, 26, 27),
    ):
        probe(f"H version {v}", plan(v))
        probe(f"H version {v}", plan(v), host=True)
    out.write("\n## I. word at byte 4, platform tag\n")
    for w in (1, 2, 0x100, 0xFFFFFFFF):
        probe(f"I u32@4={w:#x}", plan(word4=w))
    for t in (1, 2, 3, 0x100):
        probe(f"I tag={t:#x}", plan(tag=t))
    out.write("\n## J. footer and alignment\n")
    good = bytearray(plan())
    for tail in (0, 0x998B8D8B, END + 1):
        b = bytearray(good)
        struct.pack_into("<I", b, len(b) - 4, tail)
        probe(f"J footer={tail:#x}", bytes(b))
    probe("J footer + 4 extra bytes", bytes(good[:-4]) + bytes(4) + bytes(good[-4:]))
    out.write("\n## K. one section of each type, payload = byte markers 0..63 / 'ftrt'+zeros\n")
    markers = bytes(range(64))
    for kind in [*list(range(0, 24)), 256, 4294967295]:
        probe(f"K type {kind} markers", plan(sections=[(kind, markers)]))
        probe(f"K type {kind} ftrt+0", plan(sections=[(kind, b"ftrt" + bytes(60))]), host=True)
    out.write("\n## L. two sections, version-variant for the first engine-like type found\n")
    for v in ((11, 4, 0, 106), (10, 16, 1, 11), (8, 6, 1, 6)):
        for kind in range(0, 6):
            probe(f"L type {kind} version {v}", plan(v, [(kind, markers)]), host=True)
    out.write(f"\n# worker crashes/hangs: {oracle.crashes}\n")
    out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
