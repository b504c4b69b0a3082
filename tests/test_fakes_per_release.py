"""A fake per release: ``fake_tensorrt("10.3")`` offers exactly what 10.3 has."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from trtcompat import _versions
from trtcompat.testing import (
    ERAS,
    RELEASES,
    EngineSpec,
    TensorSpec,
    build_engine,
    era_info,
    era_of,
    fake_tensorrt,
    make_module,
    release_key,
)

SPEC = EngineSpec((TensorSpec("x", np.float32, (2,), True), TensorSpec("y", np.float32, (2,), False)))


def test_every_release_of_the_table_has_a_fake() -> None:
    assert RELEASES[0] == "8.0" and RELEASES[-1] == "11.4"
    assert {"8.0", "8.2", "8.4", "8.5", "8.6", "10.0", "10.3", "10.8", "10.16", "11.0"} <= set(RELEASES)
    assert ERAS == ("8.4", "8.6", "10", "11")  # what every test of the suite runs on
    for key in RELEASES:
        info = era_info(key)
        assert release_key(info.version) == key
        assert f"{info.release.major}.{info.release.minor}" == key


def test_coarse_eras_are_the_newest_of_their_line() -> None:
    assert era_info("10").version == era_info("10.16").version == "10.16.1.11"
    assert era_info("11").version == era_info("11.4").version
    assert era_info("10").engine_members == era_info("10.16").engine_members
    assert era_of(make_module("10.16")) == "10"  # the coarse name first


def test_a_10_3_fake_lacks_what_10_8_and_later_added() -> None:
    # JetPack 6.2 runs 10.3: code using a newer member must fail on its fake as on the device.
    old, new = make_module("10.3"), make_module("10.16")
    assert "FP4" not in old.DataType.__members__ and "FP4" in new.DataType.__members__
    assert not hasattr(old.ICudaEngine, "create_runtime_config")
    assert hasattr(new.ICudaEngine, "create_runtime_config")
    assert not hasattr(old.ICudaEngine, "get_engine_stat")
    assert hasattr(old.ICudaEngine, "get_device_memory_size_for_profile_v2")  # 10.1 on
    assert not hasattr(make_module("10.0").ICudaEngine, "get_device_memory_size_for_profile_v2")


@pytest.mark.parametrize("key", RELEASES)
def test_members_follow_the_table_in_every_release(key: str) -> None:
    module, release = make_module(key), era_info(key).release
    for cls, members in _versions.ADDED.items():
        for member, since in members.items():
            if member.startswith("__"):
                continue
            assert hasattr(getattr(module, cls), member) == (
                _versions.offered(cls, member, release)), (key, cls, member, since)


def test_stand_ins_are_called_as_nvidias_and_do_nothing() -> None:
    with fake_tensorrt("10.3") as trt:
        engine = build_engine(SPEC, "10.3")
        assert isinstance(engine, trt.ICudaEngine)
        assert engine.num_layers == 0 and engine.error_recorder is None
        context = engine.create_execution_context()
        context.debug_sync = True
        assert context.debug_sync is True  # kept, as a settable property
        assert context.set_aux_streams(aux_streams=[1, 2]) is None
        assert context.get_tensor_strides(name="x") is None
        with pytest.raises(TypeError):
            context.set_aux_streams(streams=[1])  # not NVIDIA's keyword
        runtime = trt.Runtime(trt.Logger())
        assert runtime.DLA_core == 0 and runtime.temporary_directory == ""
        with pytest.raises(AttributeError):
            runtime.num_DLA_cores = 2  # read-only, as on the real Runtime


def test_unknown_release_is_named() -> None:
    with pytest.raises(ValueError, match=r"Unknown era '10\.99'\. Must be one of 8\.4, 8\.6, 10, 11 or a release 8\.0, "):
        era_info("10.99")
    with pytest.raises(ValueError, match=r"No fake of TensorRT '9\.9\.0'"):
        release_key("9.9.0")


@pytest.mark.parametrize("release", ["8.4", "8.6", "10.3", "11.4"])
def test_dims_max_dims_bound_as_the_release_binds_it(release: str) -> None:
    # 8.x binds MAX_DIMS per instance (def_readonly: the class attribute is the property);
    # 10.0 on it is a static class constant (both observed on the real modules).
    trt = make_module(release)
    assert trt.Dims([1]).MAX_DIMS == 8
    if release.startswith("8."):
        assert isinstance(trt.Dims.MAX_DIMS, property)
    else:
        assert trt.Dims.MAX_DIMS == 8


@pytest.mark.parametrize("release", ["8.4", "8.6", "10.3", "11.4"])
def test_deserialize_cuda_engine_defaults_as_real(release: str) -> None:
    # 8.x: one overload, (serialized_engine), no default; 10.x/11.x: one overload per keyword,
    # so one Python function takes any one of them (each defaults to "not given").
    params = inspect.signature(make_module(release).Runtime.deserialize_cuda_engine).parameters
    has_default = params["serialized_engine"].default is not inspect.Parameter.empty
    assert has_default == (not release.startswith("8."))


@pytest.mark.parametrize("release", ["10.3", "10.16", "11.4"])
def test_create_execution_context_defaults_to_static(release: str) -> None:
    # pyCore.cpp: py::arg("strategy") = kSTATIC, the module's own enum member (observed in the
    # real 10.x / 11.x signatures: <ExecutionContextAllocationStrategy.STATIC: 0>).
    trt = make_module(release)
    method = trt.ICudaEngine.create_execution_context
    default = inspect.signature(method).parameters["strategy"].default
    assert default is trt.ExecutionContextAllocationStrategy.STATIC
    assert repr(default) == "<ExecutionContextAllocationStrategy.STATIC: 0>"


@pytest.mark.parametrize("release", ["8.4", "8.6"])
def test_execute_bindings_required_after_batch_size_as_real(release: str) -> None:
    # Real 8.6.1: execute(batch_size=1, bindings), execute_async(batch_size=1, bindings,
    # stream_handle, input_consumed=None): required parameters after a defaulted one.
    context = make_module(release).IExecutionContext
    for member, required in (("execute", ("bindings",)),
                             ("execute_async", ("bindings", "stream_handle"))):
        params = inspect.signature(getattr(context, member)).parameters
        assert params["batch_size"].default == 1
        assert all(params[p].default is inspect.Parameter.empty for p in required), member
