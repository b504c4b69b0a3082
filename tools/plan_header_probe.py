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
from typing import Any

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--module", default="tensorrt_lean_bindings")
    parser.add_argument("--out", default="log.txt")
    parser.add_argument("--json", default="probes.jsonl")
    args = parser.parse_args()
    oracle = Oracle(args.module)
    out = open(args.out, "w")  # noqa: SIM115 (closed at the end of main)
    rows = open(args.json, "w")  # noqa: SIM115

    def probe(label: str, blob: bytes, host: bool = False) -> dict[str, Any]:
        result = oracle.ask(bytes(blob), host)
        out.write(f"{label} [{len(blob)} B{' host' if host else ''}]: {summary(result)}\n")
        out.flush()
        rows.write(
            json.dumps(
                {
                    "label": label,
                    "len": len(blob),
                    "head": bytes(blob[:64]).hex(),
                    "host": host,
                    **result,
                }
            )
            + "\n"
        )
        return result

    probe("warmup", MAGIC)
    out.write(f"# module {args.module} version {oracle.version}; init: {oracle.init_messages}\n")

    out.write("\n## A. sizes and magic (zeros after the magic)\n")
    for n in (1, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 64, 128, 4096):
        probe(f"A magic+zeros len={n}", (MAGIC + bytes(max(0, n - 4)))[:n])
    for m in (b"FTRT", b"trtf", b"\x00\x00\x00\x00", b"ptrt"):
        probe(f"A magic={m!r}", m + bytes(60))

    out.write("\n## B. the size field (4096-byte blob, zeros)\n")
    L = 4096
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
        probe(f"B {label}", b)

    out.write(
        "\n## C. byte markers: byte i = i for 4..63 (size u64@16 = L), then fix what it names\n"
    )
    base = bytearray(MAGIC + bytes(range(4, 64)) + bytes(L - 64))
    put64(base, 16, L)
    fixed: list[tuple[str, int, int]] = []
    seen = set()
    for step in range(14):
        r = probe(f"C step {step}", base)
        msg = key_message(r)
        text = " ".join(r["messages"])
        if r["ok"] or msg in seen:
            break
        seen.add(msg)
        m = re.search(r"Current Version: (\d+), Serialized Engine Version: (\d+)", text)
        if m:
            want, got = int(m.group(1)), int(m.group(2))
            for off in range(4, 64):
                if struct.unpack_from("<I", base, off)[0] == got:
                    put32(base, off, want)
                    fixed.append(("serialization version", off, want))
                    out.write(
                        f"   -> runtime read serialization version {got} at u32@{off}; set {want}\n"
                    )
                    break
            continue
        m = re.search(r"expecting library version ([\d.]+) got ([\d.]+)", text)
        if m:
            want_v = [int(x) for x in m.group(1).split(".")]
            got_v = [int(x) for x in m.group(2).split(".")]
            out.write(f"   -> runtime wants {want_v}, read {got_v}\n")
            for off in range(4, 64 - len(got_v) + 1):
                if list(base[off : off + len(got_v)]) == got_v:
                    for k, v in enumerate(want_v):
                        base[off + k] = v
                    fixed.append(("library version", off, 0))
                    out.write(f"   -> version bytes at {off}..{off + len(want_v) - 1}\n")
                    break
            continue
        if "expectedPlatformTag" in text:
            found = False
            for off in (28, 24, 32, 20, 12, 8, 4, 36, 40, 44):
                saved = bytes(base[off : off + 4])
                values = list(range(0, 257)) if off != 28 else list(range(0, 4097))
                for val in values:
                    put32(base, off, val)
                    rr = oracle.ask(bytes(base))
                    if "expectedPlatformTag" not in " ".join(rr["messages"]):
                        out.write(
                            f"   -> platform tag accepted: u32@{off} = {val}: {summary(rr)}\n"
                        )
                        fixed.append(("platform tag", off, val))
                        found = True
                        break
                if found:
                    break
                base[off : off + 4] = saved
            if not found:
                out.write("   -> no platform tag value found by brute force\n")
                break
            continue
        break
    out.write(f"# fixed so far: {fixed}\n")
    best = bytes(base)
    rows.write(json.dumps({"label": "best", "head": best[:64].hex()}) + "\n")

    out.write("\n## D. one byte changed at a time on the best base (^0x5a), deduplicated\n")
    ref = key_message(oracle.ask(best))
    out.write(f"reference: {ref}\n")
    for off in range(0, 64):
        b = bytearray(best)
        b[off] ^= 0x5A
        r = oracle.ask(bytes(b))
        k = key_message(r)
        if k != ref:
            out.write(f"D byte {off} ^0x5a: {summary(r)}\n")
    for off in range(0, 64, 4):
        b = bytearray(best)
        put32(b, off, 0)
        r = oracle.ask(bytes(b))
        k = key_message(r)
        if k != ref:
            out.write(f"D u32@{off}=0: {summary(r)}\n")

    out.write("\n## E. version bytes 24..27 on the best base\n")
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
        probe(f"E version bytes {v}", b)
        probe(f"E version bytes {v}", b, host=True)

    out.write(
        "\n## F. flags: bytes 4..15 and 32..63 set to 1 / 0xff one at a time, host code on/off\n"
    )
    ref_h = key_message(oracle.ask(best, host=True))
    out.write(f"reference (host allowed): {ref_h}\n")
    for off in list(range(4, 16)) + list(range(32, 64)):
        for val in (1, 0xFF):
            for host in (False, True):
                b = bytearray(best)
                b[off] = val
                r = oracle.ask(bytes(b), host)
                k = key_message(r)
                if k != (ref_h if host else ref):
                    out.write(f"F byte {off}={val} host={host}: {summary(r)}\n")

    out.write("\n## G. the footer: last 4/8 bytes varied on the best base\n")
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
        probe(f"G tail {tail!r}", b)

    out.write(f"\n# worker crashes/hangs: {oracle.crashes}\n")
    out.close()
    rows.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
