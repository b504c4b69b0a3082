"""``import trtcompat`` imports no TensorRT, CUDA or array library (checked in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "tensorrt",
    "tensorrt_lean",
    "tensorrt_dispatch",
    "pycuda",
    "cuda",
    "cupy",
    "torch",
    "libcst",
)


@pytest.mark.parametrize(
    "entry",
    ["trtcompat", "trtcompat.testing", "trtcompat.backends", "trtcompat.migrate", "trtcompat.cli"],
)
def test_import_is_light(entry: str) -> None:
    code = f"import sys, {entry}\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
