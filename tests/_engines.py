"""Engine descriptions shared by the test modules (the cases that trip version-specific code)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from trtcompat.testing import EngineSpec, TensorSpec, era_info


def binding_era(era: str) -> bool:
    """Whether the era has the binding-index API (and implicit batch)."""
    return era_info(era).implicit_batch


def _double(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": feed["x"] * 2}


STATIC = EngineSpec(
    (TensorSpec("x", np.float32, (2, 3), True), TensorSpec("y", np.float32, (2, 3), False)),
    compute=_double,
    name="static",
)

DYNAMIC = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1, 3), True, profiles=(((1, 3), (4, 3), (8, 3)),)),
        TensorSpec("y", np.float32, (-1, 3), False),
    ),
    compute=_double,
    name="dynamic",
)


def _two(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": feed["x"] + feed["bias"]}


TWO_PROFILES = EngineSpec(
    (
        TensorSpec(
            "x",
            np.float32,
            (-1, 4),
            True,
            profiles=(((1, 4), (2, 4), (4, 4)), ((5, 4), (8, 4), (16, 4))),
        ),
        TensorSpec("bias", np.float32, (4,), True),
        TensorSpec("y", np.float32, (-1, 4), False),
    ),
    compute=_two,
    num_profiles=2,
    name="two_profiles",
)

IMPLICIT = EngineSpec(
    (TensorSpec("x", np.float32, (3,), True), TensorSpec("y", np.float32, (3,), False)),
    compute=_double,
    implicit_batch=True,
    max_batch_size=8,
    name="implicit",
)


def _mixed(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"count": (feed["ids"] * 3).astype(np.int32), "prob": (feed["x"] + 1).astype(np.float16)}


OUTPUTS_FIRST = EngineSpec(
    (
        TensorSpec("count", np.int32, (-1,), False, like="ids"),
        TensorSpec("prob", np.float16, (-1, 2), False, like="x"),
        TensorSpec("x", np.float16, (-1, 2), True, profiles=(((1, 2), (4, 2), (8, 2)),)),
        TensorSpec("ids", np.int32, (-1,), True, profiles=(((1,), (4,), (8,)),)),
    ),
    compute=_mixed,
    name="outputs_first",
)


def _nonzero(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"idx": np.flatnonzero(feed["x"]).astype(np.int32)}


#: One data-dependent output: the indices of the nonzero inputs (an output allocator's case).
NONZERO = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1,), True, profiles=(((1,), (8,), (64,)),)),
        TensorSpec("idx", np.int32, (-1,), False, data_dependent=True),
    ),
    compute=_nonzero,
    name="nonzero",
)
