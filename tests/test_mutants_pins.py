"""Behaviours that only a surviving mutant showed unpinned (issue 25, "Tests that a mutant
survives"): what the Runner returns and keeps, binding by name, the classic loop's errors."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from typing import Any

import ml_dtypes
import numpy as np
import pytest
from _engines import OUTPUTS_FIRST, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat._family import tensors as tensor_api
from trtcompat.testing import EngineSpec, TensorSpec, build_plan, fake_tensorrt

INT4 = np.dtype(ml_dtypes.int4)


def _engine(spec: EngineSpec, era: str) -> Any:
    return tc.load_engine(build_plan(spec, era))


@pytest.fixture(params=["10", "11"], ids=["trt10", "trt11"])
def tensor_era(request: pytest.FixtureRequest) -> Iterator[str]:
    """The name-based eras (output allocators, INT4 / FP4), with the fake installed."""
    with fake_tensorrt(request.param):
        yield request.param


# -- outputs returned under the default copy_outputs=True are the caller's -----------------
def _nonzero(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"idx": np.flatnonzero(feed["x"]).astype(np.int32)}


NONZERO = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1,), True, profiles=(((1,), (8,), (64,)),)),
        TensorSpec("idx", np.int32, (-1,), False, data_dependent=True),
    ),
    compute=_nonzero,
    name="nonzero",
)


def test_a_data_dependent_output_survives_the_next_infer_and_close(
    tensor_era: str, host: Any
) -> None:
    runner = tc.Runner(_engine(NONZERO, tensor_era), backend=host)
    first = runner.infer({"x": np.array([0, 1, 0, 1], np.float32)})["idx"]
    # Same count of nonzeros, other places: a view of the pinned buffer would change.
    runner.infer({"x": np.array([1, 0, 1, 0], np.float32)})
    runner.close()
    assert first.tolist() == [1, 3]
    first[0] = 7  # writable memory of its own, not a view of a freed buffer
    assert first.tolist() == [7, 3]


def _half_and_plain(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"q": feed["x"].copy(), "s": np.full(4, feed["k"][0], np.float32)}


PACKED_NEXT_TO_PLAIN = EngineSpec(
    (
        TensorSpec("x", "INT4", (4,), True),
        TensorSpec("k", np.float32, (1,), True),
        TensorSpec("q", "INT4", (4,), False),
        TensorSpec("s", np.float32, (4,), False),
    ),
    compute=_half_and_plain,
    name="int4_and_float",
)


def test_a_plain_output_next_to_an_int4_output_survives_the_next_infer_and_close(
    tensor_era: str, host: Any
) -> None:
    runner = tc.Runner(_engine(PACKED_NEXT_TO_PLAIN, tensor_era), backend=host)
    x = np.array([1, -2, 3, -8], INT4)
    first = runner.infer({"x": x, "k": np.array([5], np.float32)})
    runner.infer({"x": x, "k": np.array([9], np.float32)})
    runner.close()
    assert first["s"].tolist() == [5.0] * 4  # a copy, not the pinned buffer the 2nd call wrote
    assert first["q"].dtype == INT4 and first["q"].astype(np.int8).tolist() == [1, -2, 3, -8]


def test_device_outputs_returns_every_output(era: str, host: Any) -> None:
    with tc.Runner(_engine(OUTPUTS_FIRST, era), backend=host, outputs="device") as runner:
        found = runner.infer(
            {"x": np.ones((3, 2), np.float16), "ids": np.array([1, 2, 3], np.int32)}
        )
        assert sorted(found) == ["count", "prob"]
        np.testing.assert_array_equal(np.asarray(found["count"]), [3, 6, 9])
        np.testing.assert_array_equal(np.asarray(found["prob"]), np.full((3, 2), 2, np.float16))


# -- Runner's checks ----------------------------------------------------------------------
def test_host_input_with_auto_profile_refuses_a_shape_no_profile_holds(
    era: str, host: Any
) -> None:
    with tc.Runner(_engine(TWO_PROFILES, era), backend=host, profile="auto") as runner:
        assert runner.host_input("x", (6, 4)).shape == (6, 4)  # profile 1 holds it
        with pytest.raises(tc.ProfileError, match=r"\(20, 4\)"):
            runner.host_input("x", (20, 4))


class _NoContext:
    """An engine whose create_execution_context returns None (what TensorRT does when out of
    device memory), otherwise the real one."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def create_execution_context(self) -> None:
        return None


def test_a_context_that_cannot_be_created_is_an_execution_error(era: str, host: Any) -> None:
    engine = _NoContext(_engine(STATIC, era))
    with pytest.raises(tc.ExecutionError, match="could not create an execution context"):
        tc.Runner(engine, backend=host)
