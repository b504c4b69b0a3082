"""Probe the real TensorRT runtime with crafted plan headers and record what it says.

Run on a machine with a GPU and a TensorRT (or lean) Python module: each probe is a byte
string handed to ``deserialize_cuda_engine`` inside a worker process (so a crash costs one
probe, not the run); the runtime's log lines say which header check failed, and the
``Version tag`` / ``expecting library version`` messages say which bytes it read.

    python tools/plan_header_probe.py --module tensorrt_lean_bindings --out log.txt

The findings it produced for TensorRT lean 11.4 are in docs/PLAN_FORMAT.md.
"""

from __future__ import annotations

import argparse
import json
import re
import select
import struct
import subprocess
import sys
from typing import Any, TextIO

WORKER = r"""
import json, sys, importlib
trt = importlib.import_module(sys.argv[1])
class L(trt.ILogger):
    def __init__(self):
        trt.ILogger.__init__(self)
        self.m = []
    def log(self, sev, msg):
        self.m.append(f"[{getattr(sev, 'name', sev)}] {msg}")
log = L()
rt = trt.Runtime(log)
print(json.dumps({"ready": trt.__version__, "init": log.m}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    rt.engine_host_code_allowed = bool(req.get("host", False))
    log.m = []
    err = None
    ok = False
    try:
        eng = rt.deserialize_cuda_engine(bytes.fromhex(req["hex"]))
        ok = eng is not None
        if ok:
            del eng
    except Exception as exc:
        err = f"{type(exc).__name__}: {exc}"
    print(json.dumps({"ok": ok, "messages": log.m, "error": err}), flush=True)
"""


class Oracle:
    """A worker process that deserializes probes; restarted after a crash or hang."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.proc: subprocess.Popen[str] | None = None
        self.version = ""
        self.crashes = 0

    def _start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, self.module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        first = json.loads(self.proc.stdout.readline())
        self.version = first["ready"]
        self.init_messages = first["init"]

    def ask(self, blob: bytes, host: bool = False, timeout: float = 20.0) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"hex": blob.hex(), "host": host}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            code = self.proc.poll()
            if code is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None
            self.crashes += 1
            return {"ok": False, "messages": [], "error": f"CRASH/HANG (exit {code})"}
        return dict(json.loads(line))


def summary(result: dict[str, Any]) -> str:
    text = " | ".join(result["messages"]) or "(nothing logged)"
    if result.get("error"):
        text += f" || {result['error']}"
    return ("LOADED " if result["ok"] else "") + text


def key_message(result: dict[str, Any]) -> str:
    """The first assertion/ERROR line, with numbers kept (they carry the read values)."""
    for m in result["messages"]:
        if "ERROR" in m or "assertion" in m.lower():
            return m
    return summary(result)


def put32(blob: bytearray, off: int, value: int) -> None:
    struct.pack_into("<I", blob, off, value & 0xFFFFFFFF)


def put64(blob: bytearray, off: int, value: int) -> None:
    struct.pack_into("<Q", blob, off, value)


MAGIC = b"ftrt"


class Run:
    """One probing run: the oracle, the human-readable log and the JSON rows."""

    def __init__(self, oracle: Oracle, out: TextIO, rows: TextIO) -> None:
        self.oracle = oracle
        self.out = out
        self.rows = rows

    def probe(self, label: str, blob: bytes, host: bool = False) -> dict[str, Any]:
        """Ask the oracle, log the answer and record it as a JSON row."""
        result = self.oracle.ask(bytes(blob), host)
        self.out.write(f"{label} [{len(blob)} B{' host' if host else ''}]: {summary(result)}\n")
        self.out.flush()
        row = {"label": label, "len": len(blob), "head": bytes(blob[:64]).hex(), "host": host}
        self.rows.write(json.dumps({**row, **result}) + "\n")
        return result

    def report_change(self, label: str, blob: bytes, ref: str, host: bool = False) -> None:
        """Ask the oracle; log the answer only where its key message differs from ``ref``."""
        r = self.oracle.ask(bytes(blob), host)
        if key_message(r) != ref:
            self.out.write(f"{label}: {summary(r)}\n")


L = 4096


def sizes_and_magic(run: Run) -> None:
    run.out.write("\n## A. sizes and magic (zeros after the magic)\n")
    for n in (1, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 64, 128, 4096):
        run.probe(f"A magic+zeros len={n}", (MAGIC + bytes(max(0, n - 4)))[:n])
    for m in (b"FTRT", b"trtf", b"\x00\x00\x00\x00", b"ptrt"):
        run.probe(f"A magic={m!r}", m + bytes(60))


def size_field(run: Run) -> None:
    run.out.write("\n## B. the size field (4096-byte blob, zeros)\n")
    for label, off, width, value in (
        ("u64@16=L", 16, 8, L),
        ("u32@16=L", 16, 4, L),
        ("u64@16=L-1", 16, 8, L - 1),
        ("u64@16=L+1", 16, 8, L + 1),
        ("u64@8=L", 8, 8, L),
        ("u32@12=L", 12, 4, L),
        ("u64@16=L, 0xff@20", 16, 8, L),
        ("u64@16=L-64", 16, 8, L - 64),
    ):
        b = bytearray(MAGIC + bytes(L - 4))
        (put64 if width == 8 else put32)(b, off, value)
        if "0xff@20" in label:
            b[20] = 0xFF
        run.probe(f"B {label}", b)


def best_header(run: Run) -> bytes:
    """Section C: start from marker bytes, fix each field the runtime names until it stops."""
    run.out.write(
        "\n## C. byte markers: byte i = i for 4..63 (size u64@16 = L), then fix what it names\n"
    )
    base = bytearray(MAGIC + bytes(range(4, 64)) + bytes(L - 64))
    put64(base, 16, L)
    fixed: list[tuple[str, int, int]] = []
    seen = set()
    for step in range(14):
        r = run.probe(f"C step {step}", base)
        msg = key_message(r)
        if r["ok"] or msg in seen:
            break
        seen.add(msg)
        if not fix_named_field(run, base, " ".join(r["messages"]), fixed):
            break
    run.out.write(f"# fixed so far: {fixed}\n")
    best = bytes(base)
    run.rows.write(json.dumps({"label": "best", "head": best[:64].hex()}) + "\n")
    return best


def fix_named_field(
    run: Run, base: bytearray, text: str, fixed: list[tuple[str, int, int]]
) -> bool:
    """Fix in ``base`` the field the runtime's messages name; False when none was fixed."""
    m = re.search(r"Current Version: (\d+), Serialized Engine Version: (\d+)", text)
    if m:
        fix_serialization_version(run, base, int(m.group(1)), int(m.group(2)), fixed)
        return True
    m = re.search(r"expecting library version ([\d.]+) got ([\d.]+)", text)
    if m:
        want_v = [int(x) for x in m.group(1).split(".")]
        got_v = [int(x) for x in m.group(2).split(".")]
        fix_library_version(run, base, want_v, got_v, fixed)
        return True
    if "expectedPlatformTag" in text:
        return fix_platform_tag(run, base, fixed)
    return False


def fix_serialization_version(
    run: Run, base: bytearray, want: int, got: int, fixed: list[tuple[str, int, int]]
) -> None:
    for off in range(4, 64):
        if struct.unpack_from("<I", base, off)[0] == got:
            put32(base, off, want)
            fixed.append(("serialization version", off, want))
            run.out.write(
                f"   -> runtime read serialization version {got} at u32@{off}; set {want}\n"
            )
            return


def fix_library_version(
    run: Run, base: bytearray, want_v: list[int], got_v: list[int],
    fixed: list[tuple[str, int, int]],
) -> None:
    run.out.write(f"   -> runtime wants {want_v}, read {got_v}\n")
    for off in range(4, 64 - len(got_v) + 1):
        if list(base[off : off + len(got_v)]) == got_v:
            for k, v in enumerate(want_v):
                base[off + k] = v
            fixed.append(("library version", off, 0))
            run.out.write(f"   -> version bytes at {off}..{off + len(want_v) - 1}\n")
            return


def fix_platform_tag(run: Run, base: bytearray, fixed: list[tuple[str, int, int]]) -> bool:
    """Brute-force a u32 the runtime accepts as the platform tag; False when none is found."""
    for off in (28, 24, 32, 20, 12, 8, 4, 36, 40, 44):
        saved = bytes(base[off : off + 4])
        values = list(range(0, 257)) if off != 28 else list(range(0, 4097))
        for val in values:
            put32(base, off, val)
            rr = run.oracle.ask(bytes(base))
            if "expectedPlatformTag" not in " ".join(rr["messages"]):
                run.out.write(f"   -> platform tag accepted: u32@{off} = {val}: {summary(rr)}\n")
                fixed.append(("platform tag", off, val))
                return True
        base[off : off + 4] = saved
    run.out.write("   -> no platform tag value found by brute force\n")
    return False


def one_byte_changes(run: Run, best: bytes) -> str:
    """Section D; returns the reference key message of ``best`` (host code not allowed)."""
    run.out.write("\n## D. one byte changed at a time on the best base (^0x5a), deduplicated\n")
    ref = key_message(run.oracle.ask(best))
    run.out.write(f"reference: {ref}\n")
    for off in range(0, 64):
        b = bytearray(best)
        b[off] ^= 0x5A
        run.report_change(f"D byte {off} ^0x5a", b, ref)
    for off in range(0, 64, 4):
        b = bytearray(best)
        put32(b, off, 0)
        run.report_change(f"D u32@{off}=0", b, ref)
    return ref


def version_bytes(run: Run, best: bytes) -> None:
    run.out.write("\n## E. version bytes 24..27 on the best base\n")
    for v in (
        (11, 4, 0, 106),
        (11, 4, 0, 0),
        (11, 4, 1, 0),
        (11, 3, 0, 0),
        (11, 5, 0, 0),
        (10, 16, 1, 11),
        (10, 3, 0, 26),
        (8, 6, 1, 6),
        (8, 5, 3, 1),
        (12, 0, 0, 0),
    ):
        b = bytearray(best)
        b[24:28] = bytes(v)
        run.probe(f"E version bytes {v}", b)
        run.probe(f"E version bytes {v}", b, host=True)


def flags(run: Run, best: bytes, ref: str) -> None:
    run.out.write(
        "\n## F. flags: bytes 4..15 and 32..63 set to 1 / 0xff one at a time, host code on/off\n"
    )
    ref_h = key_message(run.oracle.ask(best, host=True))
    run.out.write(f"reference (host allowed): {ref_h}\n")
    for off in list(range(4, 16)) + list(range(32, 64)):
        for val in (1, 0xFF):
            for host in (False, True):
                b = bytearray(best)
                b[off] = val
                run.report_change(f"F byte {off}={val} host={host}", b,
                                  ref_h if host else ref, host)


def footer(run: Run, best: bytes) -> None:
    run.out.write("\n## G. the footer: last 4/8 bytes varied on the best base\n")
    for tail in (
        b"\x00" * 8,
        b"\xff" * 8,
        b"ftrt\x00\x00\x00\x00",
        b"\x00\x00\x00\x00ftrt",
        b"EOPM\x00\x00\x00\x00",
        b"\x78\x56\x34\x12\x00\x00\x00\x00",
    ):
        b = bytearray(best)
        b[-8:] = tail
        run.probe(f"G tail {tail!r}", b)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", default="tensorrt_lean_bindings")
    parser.add_argument("--out", default="log.txt")
    parser.add_argument("--json", default="probes.jsonl")
    args = parser.parse_args()
    oracle = Oracle(args.module)
    with open(args.out, "w") as out, open(args.json, "w") as rows:
        run = Run(oracle, out, rows)
        run.probe("warmup", MAGIC)
        out.write(
            f"# module {args.module} version {oracle.version}; init: {oracle.init_messages}\n"
        )
        sizes_and_magic(run)
        size_field(run)
        best = best_header(run)
        ref = one_byte_changes(run, best)
        version_bytes(run, best)
        flags(run, best, ref)
        footer(run, best)
        out.write(f"\n# worker crashes/hangs: {oracle.crashes}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
