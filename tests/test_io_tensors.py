"""io_tensors: the same list on every era, for the engines that trip version-specific code."""

from __future__ import annotations

import warnings

import ml_dtypes
import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, OUTPUTS_FIRST, STATIC, TWO_PROFILES, binding_era

import trtcompat as tc
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_plan, era_info, fake_tensorrt

SPECS = {
    "static": STATIC,
    "dynamic": DYNAMIC,
    "two_profiles": TWO_PROFILES,
    "outputs_first": OUTPUTS_FIRST,
}


def _tensors_on(era: str, spec: EngineSpec) -> tuple[tc.IOTensor, ...]:
    with fake_tensorrt(era):
        return tc.io_tensors(tc.load_engine(build_plan(spec, era)))


@pytest.mark.parametrize("name", SPECS)
def test_identical_on_every_era(name: str) -> None:
    lists = {era: _tensors_on(era, SPECS[name]) for era in ERAS}
    first = lists[ERAS[0]]
    assert all(found == first for found in lists.values()), lists
    assert [t.name for t in first] == [t.name for t in SPECS[name].tensors]


def test_outputs_first_engine_keeps_engine_order_and_dtypes(era: str) -> None:
    tensors = tc.io_tensors(tc.load_engine(build_plan(OUTPUTS_FIRST, era)))
    assert [(t.name, t.is_input, t.dtype, t.index) for t in tensors] == [
        ("count", False, np.dtype(np.int32), 0),
        ("prob", False, np.dtype(np.float16), 1),
        ("x", True, np.dtype(np.float16), 2),
        ("ids", True, np.dtype(np.int32), 3),
    ]
    assert [t.trt_dtype for t in tensors] == ["INT32", "HALF", "HALF", "INT32"]


def test_two_profile_engine_lists_each_tensor_once(era: str) -> None:
    engine = tc.load_engine(build_plan(TWO_PROFILES, era))
    tensors = tc.io_tensors(engine)
    assert [t.name for t in tensors] == ["x", "bias", "y"]  # never "x [profile 1]"
    assert tensors[0].shape == (-1, 4)
    assert tc.profile_shapes(engine, "x", 0) == ((1, 4), (2, 4), (4, 4))
    assert tc.profile_shapes(engine, "x", 1) == ((5, 4), (8, 4), (16, 4))
    assert tc.profile_shapes(engine, "bias", 1) == ((4,), (4,), (4,))


def test_profile_out_of_range(era: str) -> None:
    engine = tc.load_engine(build_plan(TWO_PROFILES, era))
    with pytest.raises(
        tc.ProfileError,
        match=r"^Optimization profile 2 is out of range; the engine has 2 \(0\.\.1\)\.$",
    ):
        tc.profile_shapes(engine, "x", 2)


def test_unknown_tensor(era: str) -> None:
    engine = tc.load_engine(build_plan(STATIC, era))
    with pytest.raises(tc.UnknownTensorError, match=r"^Engine has no tensor 'nope'\.$"):
        tc.profile_shapes(engine, "nope", 0)


def test_dim_dynamic_in_one_profile_only_is_dynamic() -> None:
    # profile 0 pins the batch to 2, profile 1 lets it vary: the tensor is dynamic overall.
    spec = EngineSpec(
        (
            TensorSpec(
                "x",
                np.float32,
                (-1, 3),
                True,
                profiles=(((2, 3), (2, 3), (2, 3)), ((1, 3), (4, 3), (8, 3))),
            ),
            TensorSpec("y", np.float32, (-1, 3), False),
        ),
        num_profiles=2,
    )
    assert {_tensors_on(era, spec)[0].shape for era in ERAS} == {(-1, 3)}


@pytest.mark.parametrize("era", ["8.4", "8.6"])
def test_implicit_batch_gets_leading_dynamic_dim(era: str) -> None:
    with fake_tensorrt(era):
        engine = tc.load_engine(build_plan(IMPLICIT, era))
        (x, y) = tc.io_tensors(engine)
        assert x.shape == (-1, 3) and y.shape == (-1, 3)
        assert tc.profile_shapes(engine, "x", 0) == ((1, 3), (8, 3), (8, 3))


@pytest.mark.parametrize("era", ["10", "11"])
def test_implicit_batch_cannot_exist_on_10_and_later(era: str) -> None:
    with fake_tensorrt(era), pytest.raises(tc.EngineLoadError, match="cannot run implicit-batch"):
        tc.load_engine(build_plan(IMPLICIT, era))


def test_bf16_mixed_dtypes_where_the_era_has_bf16(era: str) -> None:
    spec = EngineSpec(
        (
            TensorSpec("a", ml_dtypes.bfloat16, (4,), True),
            TensorSpec("b", np.float16, (4,), True),
            TensorSpec("c", np.int32, (4,), False),
        )
    )
    if "BF16" not in era_info(era).dtypes:  # BF16 arrived in TensorRT 9.0
        with pytest.raises(tc.EngineLoadError, match=r"has no DataType BF16 \(a\)"):
            tc.load_engine(build_plan(spec, era))
        return
    a, b, c = tc.io_tensors(tc.load_engine(build_plan(spec, era)))
    assert (a.dtype, a.trt_dtype, a.nbytes()) == (np.dtype(ml_dtypes.bfloat16), "BF16", 8)
    assert (b.dtype, c.dtype) == (np.dtype(np.float16), np.dtype(np.int32))


def test_host_shape_tensor_and_vectorized_format(era: str) -> None:
    spec = EngineSpec(
        (
            TensorSpec(
                "img",
                np.int8,
                (1, 3, 5, 5),
                True,
                format="CHW32",
                vectorized_dim=1,
                components_per_element=32,
            ),
            TensorSpec("dims", np.int32, (2,), True, location="host", is_shape_tensor=True),
            TensorSpec("out", np.int8, (1, 3, 5, 5), False),
        )
    )
    img, dims, _ = tc.io_tensors(tc.load_engine(build_plan(spec, era)))
    assert (img.format, img.vectorized_dim, img.components_per_element) == ("CHW32", 1, 32)
    assert img.nbytes() == 1 * 32 * 5 * 5  # the channel dim is padded to 32
    assert (dims.location, dims.is_shape_tensor) == ("host", True)


def test_family_forced_by_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_tensorrt("8.6"):
        engine = tc.load_engine(build_plan(TWO_PROFILES, "8.6"))
        by_tensors = tc.io_tensors(engine, family="tensors")
        with warnings.catch_warnings():
            # trtcompat silences the 8.5/8.6 DeprecationWarnings of the getters it calls.
            warnings.simplefilter("error")
            by_bindings = tc.io_tensors(engine, family="bindings")
        assert by_tensors == by_bindings
        monkeypatch.setenv("TRTCOMPAT_FAMILY", "bindings")
        assert tc.io_tensors(engine) == by_tensors


@pytest.mark.parametrize(
    ("era", "family", "message"),
    [
        (
            "10",
            "bindings",
            r"^API family 'bindings' is not available on this engine \(tensorrt 10\.16\.1\.11\)\. Must be 'tensors'\.$",
        ),
        (
            "11",
            "bindings",
            r"^API family 'bindings' is not available on this engine \(tensorrt 11\.4\.0\.106\)\. Must be 'tensors'\.$",
        ),
        (
            "8.4",
            "tensors",
            r"^API family 'tensors' is not available on this engine \(tensorrt 8\.4\.3\.1\)\. Must be 'bindings'\.$",
        ),
        ("8.6", "nonsense", r"^Unknown API family 'nonsense'\. Must be 'bindings' or 'tensors'\.$"),
    ],
)
def test_family_the_engine_lacks(
    era: str, family: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_tensorrt(era):
        engine = tc.load_engine(build_plan(STATIC, era))
        monkeypatch.setenv("TRTCOMPAT_FAMILY", family)
        with pytest.raises(tc.UnsupportedFamilyError, match=message):
            tc.io_tensors(engine)


def test_implicit_batch_engine_refuses_tensors_family() -> None:
    with fake_tensorrt("8.6"):
        engine = tc.load_engine(build_plan(IMPLICIT, "8.6"))
        with pytest.raises(
            tc.UnsupportedFamilyError, match=r"\(an implicit-batch engine\).*Must be 'bindings'"
        ):
            tc.io_tensors(engine, family="tensors")


@pytest.mark.parametrize("bad", [None, object(), "engine.plan", 3])
def test_not_an_engine(bad: object) -> None:
    with pytest.raises(tc.InvalidEngineError, match=r"^Expected a TensorRT ICudaEngine; got \w+\."):
        tc.io_tensors(bad)


def test_binding_era_marker(era: str) -> None:
    assert binding_era(era) == (era in ("8.4", "8.6"))
