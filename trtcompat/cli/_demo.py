"""``trtcompat demo``: the same engine on every TensorRT API era, through one code path.

Runs on a machine with no GPU and no TensorRT: each era is a ``trtcompat.testing`` fake, and
memory is the ``host`` backend. The engine lists its outputs before its inputs, has two
optimization profiles and mixes fp16 and int32, the cases that trip version-specific code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine import io_tensors, load_engine
from ..iotensor import IOTensor
from ..runtime.runner import Runner
from ..testing import ERAS, EngineSpec, TensorSpec, build_plan, era_info, fake_tensorrt

__all__ = ["DEMO_SPEC", "format_table", "run_demo"]


def _compute(feed: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    return {"scores": (feed["images"] * 2).astype(np.float16), "labels": feed["ids"] + 1}


#: The demo engine: outputs first, two profiles, fp16 and int32.
DEMO_SPEC = EngineSpec(
    tensors=(
        TensorSpec("scores", np.float16, (-1, 4), False, like="images"),
        TensorSpec("labels", np.int32, (-1,), False, like="ids"),
        TensorSpec(
            "images",
            np.float16,
            (-1, 4),
            True,
            profiles=(((1, 4), (8, 4), (16, 4)), ((16, 4), (32, 4), (64, 4))),
        ),
        TensorSpec(
            "ids", np.int32, (-1,), True, profiles=(((1,), (8,), (16,)), ((16,), (32,), (64,)))
        ),
    ),
    compute=_compute,
    num_profiles=2,
    name="demo",
)


def format_table(tensors: Sequence[IOTensor]) -> str:
    """An aligned text table of I/O tensors."""
    rows = [("name", "mode", "dtype", "shape", "location", "format")]
    rows += [(t.name, t.mode, str(t.dtype), str(t.shape), t.location, t.format) for t in tensors]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def run_demo() -> str:
    """Loads the demo engine on each era, prints its table and one inference; returns the text."""
    out: list[str] = []
    tables = set()
    feed = {
        "images": np.arange(12, dtype=np.float16).reshape(3, 4),
        "ids": np.arange(3, dtype=np.int32),
    }
    for era in ERAS:
        with fake_tensorrt(era):
            engine = load_engine(build_plan(DEMO_SPEC, era))
            tensors = io_tensors(engine)
            table = format_table(tensors)
            tables.add(table)
            with Runner(engine, backend="host") as runner:
                result = runner.infer(feed)
        out.append(f"== TensorRT {era_info(era).version} (fake, era {era}) ==\n{table}")
        out.append(f"labels for ids [0 1 2]: {result['labels'].tolist()}\n")
    verdict = "identical" if len(tables) == 1 else "DIFFERENT"
    out.append(f"The I/O tensor table is {verdict} on all {len(ERAS)} eras.\n")
    return "\n".join(out)
