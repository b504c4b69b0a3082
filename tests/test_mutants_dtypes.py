"""DataType mapping behaviour that only mutation testing showed unpinned (issue 15).

ml_dtypes is imported only when an ml_dtypes DataType is first asked for, and the answers are
cached; so the first use is checked in a fresh interpreter, where nothing is cached yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import trtcompat

_FIRST_USE = """
import ml_dtypes
import trtcompat as tc
from trtcompat.testing import EngineSpec, TensorSpec, build_plan, fake_tensorrt

with fake_tensorrt("10"):
    spec = EngineSpec(
        (
            TensorSpec("x", ml_dtypes.bfloat16, (2,), True),
            TensorSpec("y", ml_dtypes.float8_e4m3fn, (2,), False),
        ),
        name="ml",
    )
    engine = tc.load_engine(build_plan(spec, "10"))
    print([(t.name, t.trt_dtype, t.dtype.name) for t in tc.io_tensors(engine)])
    print([(t.name, t.trt_dtype, t.dtype.name) for t in tc.io_tensors(engine)])
"""


def test_ml_dtypes_tensors_map_both_ways_on_first_use() -> None:
    # TensorSpec maps numpy -> DataType (before anything cached the ml_dtypes types);
    # io_tensors maps DataType -> numpy; the second read comes from the cache.
    root = Path(trtcompat.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_USE], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    expected = "[('x', 'BF16', 'bfloat16'), ('y', 'FP8', 'float8_e4m3fn')]"
    assert out == [expected, expected]

