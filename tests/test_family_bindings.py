"""The bindings family's edges on 8.x: implicit-batch shape bounds, vectorized formats on
implicit-batch engines, and a context left on profile -1."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from _engines import IMPLICIT, TWO_PROFILES

import trtcompat as tc
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_plan, era_info, fake_tensorrt

IMPLICIT_ERAS = [e for e in ERAS if era_info(e).implicit_batch]
SHARED_ERAS = [e for e in ERAS if era_info(e).shared_profile_zero]


@pytest.fixture(params=IMPLICIT_ERAS, ids=[f"trt{e}" for e in IMPLICIT_ERAS])
def implicit_era(request: pytest.FixtureRequest) -> Iterator[str]:
    """The eras with implicit-batch engines, with the fake installed."""
    with fake_tensorrt(request.param):
        yield request.param


@pytest.fixture(params=SHARED_ERAS, ids=[f"trt{e}" for e in SHARED_ERAS])
def shared_era(request: pytest.FixtureRequest) -> Iterator[str]:
    """The eras where a second context starts on profile -1, with the fake installed."""
    with fake_tensorrt(request.param):
        yield request.param


def test_implicit_batch_shape_bounds(implicit_era: str) -> None:
    engine = tc.load_engine(build_plan(IMPLICIT, implicit_era))  # x: (3,), max_batch_size 8
    context = engine.create_execution_context()
    for batch in (1, 8):  # both ends of 1..max_batch_size are admitted
        tc.set_input_shape(context, "x", (batch, 3))
    cases = {
        (0, 3): "range 1..8",  # batch 0
        (9, 3): "range 1..8",  # above max_batch_size
        (2, 4): "dimension 1 is static (3)",  # a wrong non-batch dimension
        (2, 3, 1): "rank 2",
        (3,): "rank 2",  # the batch dimension left out
    }
    for bad, why in cases.items():
        with pytest.raises(tc.ShapeError) as info:
            tc.set_input_shape(context, "x", bad)
        text = str(info.value)
        assert "'x'" in text and str(bad) in text and why in text, text
    assert tc.tensor_shape(context, "x") == (-1, 3)


def test_vectorized_format_on_an_implicit_batch_engine(implicit_era: str, host: object) -> None:
    spec = EngineSpec(
        (
            TensorSpec("img", np.float16, (3, 4, 4), True, format="CHW32", vectorized_dim=0,
                       components_per_element=32),
            TensorSpec("out", np.float16, (3, 4, 4), False, format="CHW32", vectorized_dim=0,
                       components_per_element=32),
        ),
        implicit_batch=True,
        max_batch_size=2,
        name="implicit_chw32",
    )
    engine = tc.load_engine(build_plan(spec, implicit_era))
    img = {t.name: t for t in tc.io_tensors(engine)}["img"]
    # The batch dimension goes in front, so the vectorized dimension moves to 1.
    assert img.shape == (-1, 3, 4, 4)
    assert (img.format, img.vectorized_dim, img.components_per_element) == ("CHW32", 1, 32)
    # Channels pad to 32: batch x 32 x 4 x 4 halves.
    assert img.nbytes((1, 3, 4, 4)) == 32 * 16 * 2
    assert img.nbytes((2, 33, 4, 4)) == 2 * 64 * 16 * 2
    with tc.allocate_buffers(engine, backend=host) as buffers:  # type: ignore[arg-type]
        assert buffers["img"].nbytes == 2 * 32 * 16 * 2  # max_batch_size 2, padded
        assert buffers["out"].nbytes == 2 * 32 * 16 * 2


def test_profile_minus_one_context_refuses_to_compute_a_binding_index(
    shared_era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRTCOMPAT_FAMILY", "bindings")  # 8.6 would default to tensors
    engine = tc.load_engine(build_plan(TWO_PROFILES, shared_era))
    first = engine.create_execution_context()  # holds profile 0
    second = engine.create_execution_context()
    assert second.active_optimization_profile == -1
    for call in (
        lambda: tc.set_input_shape(second, "x", (2, 4)),
        lambda: tc.tensor_shape(second, "y"),
    ):
        with pytest.raises(tc.ProfileError) as info:
            call()
        assert "(-1)" in str(info.value) and "set_optimization_profile_async" in str(info.value)
    # The first context is untouched and still computes its profile-0 bindings.
    tc.set_input_shape(first, "x", (2, 4))
    assert tc.tensor_shape(first, "y") == (2, 4)
    # Once the second selects profile 1, its indices are profile 1's bindings.
    second.set_optimization_profile_async(1, 0)
    tc.set_input_shape(second, "x", (9, 4))
    assert tc.tensor_shape(second, "y") == (9, 4)


def test_profile_minus_one_context_on_the_tensors_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRTCOMPAT_FAMILY", "tensors")
    with fake_tensorrt("8.6"):
        engine = tc.load_engine(build_plan(TWO_PROFILES, "8.6"))
        first = engine.create_execution_context()
        second = engine.create_execution_context()
        with pytest.raises(tc.ProfileError, match=r"\(-1\)"):
            tc.set_input_shape(second, "x", (2, 4))
        tc.set_input_shape(first, "x", (2, 4))
        with pytest.raises(tc.ShapeError):
            tc.set_input_shape(first, "x", (5, 4))  # outside profile 0: a shape problem
