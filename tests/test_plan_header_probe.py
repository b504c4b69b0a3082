"""tools/plan_header_probe.py on CPU, against a scripted runtime that checks a header the way
TensorRT's log lines say it does (serialization version, library version bytes, platform
tag): the probe finds each field from the messages, fixes it, and goes on to the later
sections; a worker that dies costs one probe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: A stand-in for ``tensorrt``: its Runtime logs what a real one logs for the first field
#: it finds wrong (serialization version 239 at u32@8, version bytes 11.4.0.106 at 24..27,
#: platform tag 300 at u32@28), and exits the process on byte 6 == 0xff.
SCRIPTED = '''
import os, struct
__version__ = "11.4.0.106"
class ILogger:
    def __init__(self):
        pass
class _Severity:
    name = "ERROR"
class Runtime:
    def __init__(self, log):
        self.log = log
        self.engine_host_code_allowed = False
    def deserialize_cuda_engine(self, b):
        if len(b) < 32:
            self.log.log(_Severity, "Serialization assertion bufferSize >= minBufferSize failed")
            return None
        if b[6] == 0xFF:
            os._exit(3)
        found = struct.unpack_from("<I", b, 8)[0]
        if found != 239:
            self.log.log(_Severity, f"Current Version: 239, Serialized Engine Version: {found}")
            return None
        if list(b[24:28]) != [11, 4, 0, 106]:
            got = ".".join(map(str, b[24:28]))
            self.log.log(_Severity, f"expecting library version 11.4.0.106 got {got}")
            return None
        if struct.unpack_from("<I", b, 28)[0] != 300:
            self.log.log(_Severity, "expectedPlatformTag mismatch")
            return None
        if b[40] == 1 and self.engine_host_code_allowed:
            self.log.log(_Severity, "engine with host code loaded")
            return object()
        self.log.log(_Severity, "engine data checked")
        return None
'''


def test_the_probe_finds_and_fixes_each_header_field(tmp_path: Path) -> None:
    (tmp_path / "scripted_trt.py").write_text(SCRIPTED)
    log, rows = tmp_path / "log.txt", tmp_path / "probes.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "plan_header_probe.py"), "--module",
         "scripted_trt", "--out", str(log), "--json", str(rows)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert "# module scripted_trt version 11.4.0.106" in text
    for section in "ABCDEFG":
        assert f"\n## {section}. " in text
    # Section C fixed the three fields in TensorRT's order, where the messages put them.
    assert ("# fixed so far: [('serialization version', 8, 239), ('library version', 24, 0), "
            "('platform tag', 28, 300)]") in text
    assert "   -> runtime read serialization version 185207048 at u32@8; set 239" in text
    assert "   -> version bytes at 24..27" in text
    # F: byte 40 = 1 loads only with host code allowed; byte 6 = 0xff kills the worker twice.
    assert "F byte 40=1 host=True: LOADED [ERROR] engine with host code loaded" in text
    assert "F byte 40=1 host=False" not in text
    assert "\n# worker crashes/hangs: 2\n" in text
    records = [json.loads(line) for line in rows.read_text().splitlines()]
    best = [r for r in records if r["label"] == "best"]
    assert len(best) == 1
    head = bytes.fromhex(best[0]["head"])
    assert head[:4] == b"ftrt" and list(head[24:28]) == [11, 4, 0, 106]
    assert int.from_bytes(head[8:12], "little") == 239
    assert int.from_bytes(head[28:32], "little") == 300
    assert [r["label"] for r in records[:2]] == ["warmup", "A magic+zeros len=1"]
