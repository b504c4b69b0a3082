"""Family behaviour that only mutation testing showed unpinned (issue 15, ``nox -s mutants``).

The two API families are what every public entry point goes through; these tests call them
the way Runner, the allocator and the legacy facade do, against the fakes of one era each.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pytest
from _engines import IMPLICIT, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat._family import _binding_indices, bindings, tensors
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, fake_tensorrt


@pytest.fixture
def era_8() -> Iterator[Any]:
    """The 8.4 fake TensorRT: binding API only, implicit batch allowed."""
    with fake_tensorrt("8.4") as trt:
        yield trt


def _same(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"y": feed["x"]}


def _context(spec: EngineSpec, era: str) -> Any:
    return build_engine(spec, era).create_execution_context()


#: Host arrays behind the fake launches' addresses (the fakes read and write them).
_X, _Y = np.ones((8, 3), np.float32), np.zeros((8, 3), np.float32)
SLOTS = [_X.ctypes.data, _Y.ctypes.data]


# -- 8.x implicit batch ------------------------------------------------------------------------
@pytest.mark.usefixtures("era_8")
@pytest.mark.parametrize("shape", [(1, 3), (5, 3), (8, 3)])
def test_implicit_batch_accepts_every_batch_up_to_max_batch_size(shape: tuple[int, ...]) -> None:
    context = _context(IMPLICIT, "8.4")
    bindings.set_input_shape(context, "x", shape)  # checks only: no set_binding_shape on 8.x
    assert bindings.tensor_shape(context, "x") == (-1, 3)


@pytest.mark.usefixtures("era_8")
@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((0, 3), "Input 'x' shape (0, 3): dimension 0 is 0, outside max_batch_size's range "
                 "1..8 for it (min (1, 3), max (8, 3))."),
        ((9, 3), "Input 'x' shape (9, 3): dimension 0 is 9, outside max_batch_size's range "
                 "1..8 for it (min (1, 3), max (8, 3))."),
        ((2, 4), "Input 'x' shape (2, 4): dimension 1 is static (3) in the engine's shape "
                 "(-1, 3); got 4."),
        ((2, 3, 1), "Input 'x' has rank 2 (-1, 3); got shape (2, 3, 1) (rank 3)."),
        ((3,), "Input 'x' has rank 2 (-1, 3); got shape (3,) (rank 1)."),
        ((), "Input 'x' has rank 2 (-1, 3); got shape () (rank 0)."),
    ],
)
def test_implicit_batch_refuses_batch_out_of_range_or_other_sample_dims(
    shape: tuple[int, ...], message: str
) -> None:
    context = _context(IMPLICIT, "8.4")
    with pytest.raises(tc.ShapeError, match=f"^{re.escape(message)}$"):
        bindings.set_input_shape(context, "x", shape)


@pytest.mark.usefixtures("era_8")
def test_implicit_batch_of_scalars_still_needs_a_batch() -> None:
    spec = EngineSpec(
        (TensorSpec("x", np.float32, (), True), TensorSpec("y", np.float32, (), False)),
        compute=_same,
        implicit_batch=True,
        max_batch_size=4,
    )
    context = _context(spec, "8.4")
    bindings.set_input_shape(context, "x", (4,))
    message = "Input 'x' has rank 1 (-1,); got shape () (rank 0)."
    with pytest.raises(tc.ShapeError, match=f"^{re.escape(message)}$"):
        bindings.set_input_shape(context, "x", ())


@pytest.mark.usefixtures("era_8")
def test_vectorized_dim_counts_the_implicit_batch_dimension() -> None:
    spec = EngineSpec(
        (
            TensorSpec("x", np.float32, (3, 32, 4), True, format="CHW32", vectorized_dim=0,
                       components_per_element=32),
            TensorSpec("y", np.float32, (3, 32, 4), False),
        ),
        compute=_same,
        implicit_batch=True,
        max_batch_size=4,
    )
    x, y = tc.io_tensors(build_engine(spec, "8.4"))
    assert (x.shape, x.format, x.vectorized_dim, x.components_per_element) == (
        (-1, 3, 32, 4), "CHW32", 1, 32)
    assert (y.format, y.vectorized_dim) == ("LINEAR", -1)  # no vectorized dim stays -1


@pytest.mark.usefixtures("era_8")
def test_implicit_launch_runs_the_given_batch_or_max_batch_size_on_the_given_stream() -> None:
    seen: list[tuple[tuple[int, ...], int]] = []
    spec = EngineSpec(
        IMPLICIT.tensors, launch=lambda run: seen.append((run.tensors["x"].shape, run.stream)),
        implicit_batch=True, max_batch_size=8,
    )
    context = _context(spec, "8.4")
    assert bindings.make_launch(context, SLOTS, None, None)(7)
    assert bindings.make_launch(context, SLOTS, None, 2)(9)
    assert bindings.execute(context, SLOTS, ("x", "y"), 11, 3)
    assert seen == [((8, 3), 7), ((2, 3), 9), ((3, 3), 11)]


@pytest.mark.usefixtures("era_8")
def test_explicit_launch_passes_the_stream() -> None:
    streams: list[int] = []
    spec = EngineSpec(STATIC.tensors, launch=lambda run: streams.append(run.stream))
    context = _context(spec, "8.4")
    assert bindings.execute(context, SLOTS, None, 5, None)
    assert bindings.make_launch(context, SLOTS, None, None)(6)
    assert streams == [5, 6]


@pytest.mark.usefixtures("era_8")
def test_implicit_launches_silence_only_their_own_deprecation_warning() -> None:
    context = _context(IMPLICIT, "8.4")
    launch = bindings.make_launch(context, SLOTS, None, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a filter in front of trtcompat's: re-established
        assert launch(0)
        assert launch(0)
        # The user's own deprecated calls still warn (the filter is scoped to trtcompat).
        with pytest.raises(DeprecationWarning, match="mine"):
            warnings.warn("mine", DeprecationWarning, stacklevel=1)


# -- profiles ---------------------------------------------------------------------------------
@pytest.mark.usefixtures("era_8")
def test_a_context_without_a_profile_says_how_to_get_one() -> None:
    engine = build_engine(TWO_PROFILES, "8.4")
    first = engine.create_execution_context()  # holds profile 0
    assert first.active_optimization_profile == 0
    second = engine.create_execution_context()
    message = (
        "The execution context has no optimization profile (-1): another context holds "
        "profile 0. Select one with trtcompat.Runner(profile=...) or "
        "context.set_optimization_profile_async(k, stream)."
    )
    with pytest.raises(tc.ProfileError, match=f"^{re.escape(message)}$"):
        bindings.set_input_shape(second, "x", (2, 4))
    with pytest.raises(tc.ProfileError, match="no optimization profile"):
        bindings.tensor_shape(second, "y")


@pytest.mark.usefixtures("era_8")
def test_tensor_names_are_profile_0_bindings() -> None:
    assert bindings.tensor_names(build_engine(TWO_PROFILES, "8.4")) == ("x", "bias", "y")


@pytest.mark.parametrize("era", ["8.4", "8.6", "10"])
def test_static_inputs_with_an_empty_dimension(era: str) -> None:
    spec = EngineSpec(
        (TensorSpec("x", np.float32, (0, 3), True), TensorSpec("y", np.float32, (0, 3), False)),
        compute=_same,
    )
    with fake_tensorrt(era):
        engine = build_engine(spec, era)
        assert tc.profile_shapes(engine, "x") == ((0, 3), (0, 3), (0, 3))
        assert tc.profile_shapes(engine, "y") == ((0, 3), (0, 3), (0, 3))


@pytest.mark.parametrize(
    ("name", "profile"), [("x", 0), ("x", 1), ("x", 12), ("in [profile 1]", 2), ("a]", 3)]
)
def test_binding_names_round_trip(name: str, profile: int) -> None:
    assert _binding_indices.split_binding_name(_binding_indices.binding_name(name, profile)) == (
        name, profile)


def test_binding_api_has_no_output_allocator() -> None:
    assert bindings.supports_data_dependent(object()) is False
    assert bindings.set_output_allocator(object(), "y", object()) is False
    message = (
        "The binding API (execute_async_v2) cannot serve data-dependent output shapes; "
        "use the name-based API (TensorRT 8.5+)."
    )
    with pytest.raises(tc.ExecutionError, match=f"^{re.escape(message)}$"):
        bindings.make_output_allocator(object(), lambda name, size: 0, lambda name, shape: None)


def test_implicit_batch_is_the_engines_own_flag() -> None:
    with fake_tensorrt("8.4"):
        assert bindings.has_implicit_batch(build_engine(STATIC, "8.4")) is False
        assert bindings.has_implicit_batch(build_engine(IMPLICIT, "8.4")) is True


# -- the name-based family ---------------------------------------------------------------------
def test_native_dims_are_the_engine_modules_dims() -> None:
    from trtcompat.legacy import _native

    with fake_tensorrt("10") as trt:
        dims = _native.native_dims(build_engine(STATIC, "10"), (4, 5))
        assert isinstance(dims, trt.Dims) and tuple(dims) == (4, 5)


def test_name_based_launch_passes_the_stream() -> None:
    streams: list[int] = []
    spec = EngineSpec(STATIC.tensors, launch=lambda run: streams.append(run.stream))
    with fake_tensorrt("10"):
        context = _context(spec, "10")
        assert tensors.execute(context, SLOTS, ("x", "y"), 5, None)
        assert tensors.make_launch(context, SLOTS, ("x", "y"), None)(6)
    assert streams == [5, 6]


def test_output_allocator_forwards_name_and_size() -> None:
    asked: list[tuple[str, int]] = []

    def reallocate(name: str, nbytes: int) -> int:
        asked.append((name, nbytes))
        return 0x5000

    with fake_tensorrt("10") as trt:
        engine = build_engine(STATIC, "10")
        allocator = tensors.make_output_allocator(engine, reallocate, lambda name, shape: None)
        assert isinstance(allocator, trt.IOutputAllocator)
        assert allocator.reallocate_output_async("y", 0, 24, 256, 0) == 0x5000
        assert allocator.reallocate_output("y", 0, 48, 256) == 0x5000
    assert asked == [("y", 24), ("y", 48)]

