"""A refused shape says which dimension is off and the range (or static size) it must have,
and errors raised after TensorRT refused something quote what TensorRT logged."""

from __future__ import annotations

import pytest
from _engines import DYNAMIC, IMPLICIT, STATIC, TWO_PROFILES, binding_era

import trtcompat as tc
from trtcompat.iotensor import refused_shape, shape_problem
from trtcompat.testing import ERAS, build_plan, fake_tensorrt


def _context(spec: object, era: str) -> object:
    engine = tc.load_engine(build_plan(spec, era))  # type: ignore[arg-type]
    return engine.create_execution_context()


def test_set_input_shape_names_the_dimension_and_the_range(era: str) -> None:
    context = _context(DYNAMIC, era)
    with pytest.raises(tc.ShapeError) as err:
        tc.set_input_shape(context, "x", (9, 3))
    text = str(err.value)
    assert "TensorRT refused shape (9, 3) for input 'x'" in text
    assert "dimension 0 is 9, outside profile 0's range 1..8 for it (min (1, 3), max (8, 3))" in text
    # what the (fake) runtime logged about it, as an attribute and in the message
    assert err.value.trt_log and all(line.startswith("[ERROR] ") for line in err.value.trt_log)
    assert text.endswith("The runtime said:\n  " + "\n  ".join(err.value.trt_log))


def test_a_wrong_static_dimension_is_named(era: str) -> None:
    context = _context(DYNAMIC, era)
    with pytest.raises(tc.ShapeError, match=r"dimension 1 is static \(3\) in the engine's shape "
                       r"\(-1, 3\); got 4\.") as err:
        tc.set_input_shape(context, "x", (2, 4))
    assert err.value.trt_log


def test_the_second_profiles_range(era: str) -> None:
    engine = tc.load_engine(build_plan(TWO_PROFILES, era))
    wanted = r"dimension 0 is 20, outside profile 1's range 5\.\.16 for it \(min \(5, 4\), max "
    with tc.Runner(engine, backend="host", profile=1) as run, pytest.raises(
        tc.ShapeError, match=wanted + r"\(16, 4\)\)"
    ):
        tc.set_input_shape(run.context, "x", (20, 4))


def test_allocate_buffers_with_shapes_outside_the_profile(era: str) -> None:
    engine = tc.load_engine(build_plan(DYNAMIC, era))
    with pytest.raises(tc.ShapeError, match=r"dimension 0 is 9, outside profile 0's range 1\.\.8"):
        tc.allocate_buffers(engine, backend="host", shapes={"x": (9, 3)})
    with pytest.raises(tc.ShapeError, match=r"dimension 1 is static \(3\)"):
        tc.allocate_buffers(engine, backend="host", shapes={"x": (2, 5)})


@pytest.mark.parametrize("era", [e for e in ERAS if binding_era(e)])
def test_implicit_batch_names_the_dimension(era: str) -> None:
    with fake_tensorrt(era):
        context = _context(IMPLICIT, era)
        with pytest.raises(tc.ShapeError, match=r"^Input 'x' shape \(2, 4\): dimension 1 is static "
                           r"\(3\) in the engine's shape \(-1, 3\); got 4\.$"):
            tc.set_input_shape(context, "x", (2, 4))
        with pytest.raises(tc.ShapeError, match=r"^Input 'x' shape \(9, 3\): dimension 0 is 9, "
                           r"outside max_batch_size's range 1\.\.8 for it \(min \(1, 3\), max "
                           r"\(8, 3\)\)\.$"):
            tc.set_input_shape(context, "x", (9, 3))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ((4, 3), None),
        ((1, 3), None),
        ((8, 3), None),
        ((0, 3), "dimension 0 is 0, outside profile 0's range 1..8"),
        ((9, 3), "dimension 0 is 9, outside profile 0's range 1..8"),
        ((4, 2), "dimension 1 is static (3) in the engine's shape (-1, 3); got 2."),
        ((4, 3, 1), "has rank 2 (-1, 3); got shape (4, 3, 1) (rank 3)."),
    ],
)
def test_shape_problem(given: tuple[int, ...], expected: str | None) -> None:
    problem = shape_problem("x", given, (-1, 3), (1, 3), (8, 3), "profile 0")
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_refused_shape_within_the_range_says_so() -> None:
    err = refused_shape("x", (4, 3), (-1, 3), (1, 3), (8, 3), "profile 0", binding=3,
                        trt_log=("[ERROR] shape tensor values",))
    assert str(err) == (
        "TensorRT refused shape (4, 3) for input 'x' (binding 3). The shape is within profile "
        "0's range (1, 3)..(8, 3). The runtime said:\n  [ERROR] shape tensor values"
    )
    assert err.trt_log == ("[ERROR] shape tensor values",)


def test_refused_execution_quotes_the_runtime(era: str) -> None:
    engine = tc.load_engine(build_plan(STATIC, era))
    context = engine.create_execution_context()
    with pytest.raises(tc.ExecutionError) as err:
        tc.execute(context, [0] * len(tc.io_tensors(engine)), 0)  # null addresses
    assert err.value.trt_log and "not set (null)" in err.value.trt_log[-1]
    assert "The runtime said:\n  [ERROR] " in str(err.value)
    with pytest.raises(tc.ExecutionError) as again:
        tc.execute(context, [0] * len(tc.io_tensors(engine)), 0)
    assert again.value.trt_log == err.value.trt_log  # its own lines, not the first call's too
