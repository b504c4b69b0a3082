"""build_plan on every fake era: the built plan loads and computes the model, precision means
the same on every release (or raises), profiles, parser errors, features, timing cache,
progress and the report."""

from __future__ import annotations

import os
import warnings
from types import ModuleType
from typing import Any

import numpy as np
import onnx
import pytest
from _onnx_models import (
    RANGE,
    expected,
    half_inside,
    quantized,
    scale_relu,
    two_inputs,
    with_custom_op,
)

import trtcompat
from trtcompat import (
    BuildConfig,
    BuildError,
    BuildFeatureError,
    OnnxParseError,
    PrecisionError,
    ProfileError,
    TrtCompatWarning,
    build_plan,
)
from trtcompat.build import BuildProgress, _convert, build_target, builder

X = np.array([[1.0, -1.0, 2.0], [3.0, 3.0, -3.0]], dtype=np.float32)
CONFIG = BuildConfig(profiles=[RANGE])


def _run(plan: bytes, feed: dict[str, Any]) -> dict[str, Any]:
    engine = trtcompat.load_engine(plan)
    with trtcompat.Runner(engine, backend="host") as runner:
        return {k: np.array(v) for k, v in runner.infer(feed).items()}


def _bytes(model: Any) -> bytes:
    return bytes(model.SerializeToString())


# -- the plan computes the model ------------------------------------------------------------


def test_built_plan_computes_the_model(era: str) -> None:
    result = build_plan(_bytes(scale_relu()), CONFIG)
    out = _run(result.plan, {"x": X})["y"]
    np.testing.assert_array_equal(out, expected(X))
    assert result.report.precision_applied == "fp32"
    assert result.report.inputs == {"x": [-1, 3]}
    assert result.report.plan_size == len(result.plan)


def test_built_from_a_file_with_external_data(era: str, tmp_path: Any) -> None:
    path = tmp_path / "model.onnx"
    onnx.save_model(scale_relu(), str(path), save_as_external_data=True,
                    location="weights.bin", size_threshold=0)  # fmt: skip
    assert (tmp_path / "weights.bin").stat().st_size == 12
    out = _run(build_plan(path, CONFIG).plan, {"x": X})["y"]
    np.testing.assert_array_equal(out, expected(X))


def test_a_network_function_builds(era: str, trt: ModuleType) -> None:
    def define(network: Any) -> None:
        a = network.add_input("a", trt.DataType.FLOAT, (2, 3))
        b = network.add_input("b", trt.DataType.FLOAT, (2, 3))
        total = network.add_elementwise(a, b, trt.ElementWiseOperation.SUM)
        relu = network.add_activation(total.get_output(0), trt.ActivationType.RELU)
        network.mark_output(relu.get_output(0))

    result = build_plan(define)
    engine = trtcompat.load_engine(result.plan)
    out_name = next(t.name for t in trtcompat.io_tensors(engine) if not t.is_input)
    out = _run(result.plan, {"a": X, "b": np.ones_like(X)})[out_name]
    np.testing.assert_array_equal(out, np.maximum(X + 1, 0))


def test_a_network_function_without_outputs_is_refused(era: str, trt: ModuleType) -> None:
    with pytest.raises(BuildError, match=r"marked no output; call network.mark_output"):
        build_plan(lambda network: network.add_input("a", trt.DataType.FLOAT, (2,)))


def test_build_log_env_gets_one_line_per_build(
    era: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "builds.log"
    monkeypatch.setenv("TRTCOMPAT_FAKE_BUILD_LOG", str(log))
    build_plan(_bytes(scale_relu()), CONFIG)
    build_plan(_bytes(scale_relu()), CONFIG)
    lines = log.read_text().splitlines()
    assert len(lines) == 2 and all(f"pid={os.getpid()}" in line for line in lines)


# -- precision --------------------------------------------------------------------------------


def test_fp32_turns_tf32_off_and_tf32_on(era: str) -> None:
    assert "TF32" not in build_plan(_bytes(scale_relu()), CONFIG).report.builder_flags
    tf32 = build_plan(_bytes(scale_relu()), BuildConfig(precision="tf32", profiles=[RANGE]))
    assert "TF32" in tf32.report.builder_flags


def test_fp16_computes_in_fp16_on_every_release(era: str) -> None:
    result = build_plan(_bytes(scale_relu()), BuildConfig(precision="fp16", profiles=[RANGE]))
    out = _run(result.plan, {"x": X})["y"]
    assert out.dtype == np.float32  # I/O types kept
    full = expected(X)
    assert not np.array_equal(out, full)  # 1/3 is not an fp16 number
    np.testing.assert_allclose(out, full, rtol=2e-3)
    report = result.report
    assert report.precision_applied == "fp16"
    if era == "11":  # strongly typed only: the model was converted
        assert "FP16" not in report.builder_flags
        assert report.converted_with is not None and "keep_io_types=True" in report.converted_with
    else:
        assert "FP16" in report.builder_flags and report.converted_with is None


def test_fp16_without_keep_io_types_converts_the_inputs_on_11() -> None:
    from trtcompat.testing import fake_tensorrt

    with fake_tensorrt("11"):
        config = BuildConfig(precision="fp16", profiles=[RANGE], keep_io_types=False)
        engine = trtcompat.load_engine(build_plan(_bytes(scale_relu()), config).plan)
        assert {t.name: t.trt_dtype for t in trtcompat.io_tensors(engine)} == {
            "x": "HALF",
            "y": "HALF",
        }


def test_bf16_needs_the_release_with_its_flag(era: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_convert, "_modelopt_autocast", lambda: None)
    config = BuildConfig(precision="bf16", profiles=[RANGE])
    if era in ("8.4", "8.6"):
        with pytest.raises(PrecisionError, match=r"BuilderFlag.BF16, which TensorRT 9.3 added"):
            build_plan(_bytes(scale_relu()), config)
    elif era == "10":
        result = build_plan(_bytes(scale_relu()), config)
        assert "BF16" in result.report.builder_flags
        out = _run(result.plan, {"x": X})["y"]
        assert not np.array_equal(out, expected(X))
        np.testing.assert_allclose(out, expected(X), rtol=1e-2)
    else:
        with pytest.raises(PrecisionError, match=r"nvidia-modelopt\[onnx\]"):
            build_plan(_bytes(scale_relu()), config)


def test_bf16_on_11_goes_through_modelopt_autocast(monkeypatch: pytest.MonkeyPatch) -> None:
    from trtcompat.testing import fake_tensorrt

    calls = []

    class AutoCast:
        @staticmethod
        def convert_to_f16(model: Any, low_precision_type: str, keep_io_types: bool) -> Any:
            calls.append((low_precision_type, keep_io_types))
            return model

    monkeypatch.setattr(_convert, "_modelopt_autocast", lambda: AutoCast)
    with fake_tensorrt("11"):
        report = build_plan(
            _bytes(scale_relu()), BuildConfig(precision="bf16", profiles=[RANGE])
        ).report
    assert calls == [("bf16", True)]
    assert report.converted_with is not None and "AutoCast" in report.converted_with


def test_fp16_on_11_without_a_converter_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from trtcompat.testing import fake_tensorrt

    real_import = builtins.__import__

    def no_converter(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("onnxconverter_common"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_converter)
    monkeypatch.setattr(_convert, "_modelopt_autocast", lambda: None)
    with fake_tensorrt("11"), pytest.raises(PrecisionError, match=r"trtcompat.s `build` extra \(onnxconverter-common\)"):
        build_plan(_bytes(scale_relu()), BuildConfig(precision="fp16", profiles=[RANGE]))


def test_fp16_of_a_network_function_on_11_raises() -> None:
    from trtcompat.testing import fake_tensorrt

    with fake_tensorrt("11"), pytest.raises(PrecisionError, match=r"precision='model'"):
        build_plan(lambda network: None, BuildConfig(precision="fp16"))


@pytest.mark.parametrize("precision", ["int8", "fp8"])
def test_int8_and_fp8_need_qdq_nodes(era: str, precision: str) -> None:
    config = BuildConfig(precision=precision, profiles=[RANGE])
    if era == "8.4" and precision == "fp8":
        match = r"BuilderFlag.FP8, which TensorRT 8.6 added"
    else:
        match = rf"Q/DQ.*modelopt.onnx.quantization.*--quantize_mode {precision}"
    with pytest.raises(PrecisionError, match=match):
        build_plan(_bytes(scale_relu()), config)


def test_int8_with_qdq_nodes_builds(era: str) -> None:
    result = build_plan(_bytes(quantized()), BuildConfig(precision="int8"))
    assert ("INT8" in result.report.builder_flags) == (era != "11")
    out = _run(result.plan, {"x": X})["y"]
    np.testing.assert_array_equal(out, np.clip(np.round(X / 0.5), -128, 127) * 0.5)


def test_the_qdq_nodes_must_quantize_to_the_type_asked_for(era: str) -> None:
    # 8.4 has no FP8 flag at all: refused before the model is read
    match = r"FP8, which TensorRT 8.6 added" if era == "8.4" else r"quantize to INT8, not FP8"
    with pytest.raises(PrecisionError, match=match):
        build_plan(_bytes(quantized()), BuildConfig(precision="fp8"))


def test_model_precision_is_strongly_typed(era: str) -> None:
    config = BuildConfig(precision="model", profiles=[RANGE])
    if era in ("8.4", "8.6"):
        with pytest.raises(PrecisionError, match=r"TensorRT 9.3 added it, the installed"):
            build_plan(_bytes(scale_relu()), config)
        return
    report = build_plan(_bytes(scale_relu()), config).report
    # 10.x opts in with the flag; 11.x is strongly typed always (its flag is deprecated).
    assert ("STRONGLY_TYPED" in report.network_flags) == (era == "10")


def test_fp32_of_a_model_computing_in_fp16_is_refused_where_strongly_typed(era: str) -> None:
    if era == "11":  # the model's fp16 would be built as is: below the fp32 asked for
        with pytest.raises(PrecisionError, match=r"computes tensor 'h' in HALF.*precision='model'"):
            build_plan(_bytes(half_inside()))
        return
    # weakly typed releases build fp32 layers unless a precision flag allows lower ones
    assert "FP16" not in build_plan(_bytes(half_inside())).report.builder_flags
    if era == "10":
        report = build_plan(_bytes(half_inside()), BuildConfig(precision="model")).report
        assert report.precision_applied == "model"


def test_explicit_batch_only_where_implicit_batch_exists(era: str) -> None:
    report = build_plan(_bytes(scale_relu()), CONFIG).report
    assert report.network_flags == (("EXPLICIT_BATCH",) if era in ("8.4", "8.6") else ())


def test_an_unknown_precision_is_refused() -> None:
    with pytest.raises(PrecisionError, match=r"precision='fp64' is not a precision; use one of"):
        BuildConfig(precision="fp64")


# -- profiles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profiles", "message"),
    [
        ((), r"dynamic inputs \(x \(-1, 3\)\) and the config gives no optimization profile"),
        ([{"z": ((1, 3), (1, 3), (1, 3))}], r"names \['z'\], which the model has no input for"),
        (
            [{"x": ((1,), (2,), (4,))}],
            r"min shape \(1,\) has rank 1; the input \(-1, 3\) has rank 2",
        ),
        ([{"x": ((1, 4), (2, 4), (4, 4))}], r"changes dimension\(s\) \[1\], which the model fixes"),
        ([RANGE, {}], r"Profile 1 gives no range for the dynamic input\(s\) \['x'\]"),
    ],
)
def test_profiles_are_checked_against_the_parsed_inputs(
    era: str, profiles: Any, message: str
) -> None:
    with pytest.raises(ProfileError, match=message):
        build_plan(_bytes(scale_relu()), BuildConfig(profiles=profiles))


def test_profile_ranges_are_checked_in_the_config() -> None:
    with pytest.raises(ProfileError, match=r"min \(4, 3\) <= opt \(2, 3\) <= max"):
        BuildConfig(profiles=[{"x": ((4, 3), (2, 3), (8, 3))}])
    with pytest.raises(ProfileError, match=r"different ranks"):
        BuildConfig(profiles=[{"x": ((4, 3), (4,), (8, 3))}])


def test_several_profiles_reach_the_engine(era: str) -> None:
    ranges = [{"a": ((1, 4), (2, 4), (4, 4)), "b": ((1, 4), (2, 4), (4, 4))},
              {"a": ((8, 4), (8, 4), (16, 4)), "b": ((8, 4), (8, 4), (16, 4))}]  # fmt: skip
    result = build_plan(_bytes(two_inputs()), BuildConfig(profiles=ranges))
    engine = trtcompat.load_engine(result.plan)
    assert engine.num_optimization_profiles == 2
    assert trtcompat.profile_shapes(engine, "a", 1) == ((8, 4), (8, 4), (16, 4))
    assert len(result.report.profiles) == 2


# -- parser errors ---------------------------------------------------------------------------


def test_parser_errors_are_typed_and_name_the_node(era: str) -> None:
    with pytest.raises(OnnxParseError) as caught:
        build_plan(_bytes(with_custom_op()))
    errors = caught.value.errors
    assert len(errors) == 1 and errors[0][0] == 1
    assert "No importer registered for op: FancyNorm" in errors[0][3]
    named = era in ("10", "11")  # ParserError.node_name / node_operator exist from 9.3
    assert (errors[0][1:3] == ("fancy", "FancyNorm")) == named
    assert "node 1" in str(caught.value) and caught.value.trt_log


def test_bytes_that_are_no_model_are_a_parse_error(era: str) -> None:
    with pytest.raises(OnnxParseError, match=r"refused the model bytes with 1 error"):
        build_plan(b"not an onnx model")


def test_a_missing_model_file_is_named(era: str, tmp_path: Any) -> None:
    with pytest.raises(BuildError, match=r"No ONNX model at '.*nowhere.onnx'"):
        build_plan(tmp_path / "nowhere.onnx")


# -- features --------------------------------------------------------------------------------

# feature -> (config, the release that added it, the builder flag it sets or None)
FEATURES = {
    "version_compatible": (BuildConfig(version_compatible=True), "8.6", "VERSION_COMPATIBLE"),
    "exclude_lean_runtime": (
        BuildConfig(version_compatible=True, exclude_lean_runtime=True),
        "8.6",
        "EXCLUDE_LEAN_RUNTIME",
    ),
    "hardware_compatibility": (BuildConfig(hardware_compatibility="ampere+"), "8.6", None),
    "optimization_level": (BuildConfig(optimization_level=5), "8.6", None),
    "strip_weights": (BuildConfig(strip_weights=True), "10.0", "STRIP_PLAN"),
    "refit": (BuildConfig(refit=True), None, "REFIT"),
}
_RELEASES = {"8.4": (8, 4), "8.6": (8, 6), "10": (10, 16), "11": (11, 4)}


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_where_the_release_has_it(era: str, feature: str) -> None:
    config, added, flag = FEATURES[feature]
    config = BuildConfig(**{**config.__dict__, "profiles": [RANGE]})
    has_it = added is None or _RELEASES[era] >= tuple(int(p) for p in added.split("."))
    if not has_it:
        with pytest.raises(BuildFeatureError, match=rf"which TensorRT {added} added") as caught:
            build_plan(_bytes(scale_relu()), config)
        # exclude_lean_runtime comes with version_compatible, which is refused first
        first = "version_compatible" if feature == "exclude_lean_runtime" else feature
        assert caught.value.added_in == added and caught.value.feature == first
        return
    report = build_plan(_bytes(scale_relu()), config).report
    assert feature in report.flags_requested
    if flag is not None:
        assert flag in report.builder_flags


def test_same_compute_capability_needs_10_9(era: str) -> None:
    config = BuildConfig(hardware_compatibility="same_compute_capability", profiles=[RANGE])
    if era == "10" or era == "11":
        build_plan(_bytes(scale_relu()), config)
    else:
        with pytest.raises(
            BuildFeatureError, match=r"SAME_COMPUTE_CAPABILITY, which TensorRT 10.9"
        ):
            build_plan(_bytes(scale_relu()), config)


def test_a_dla_core_the_device_lacks_is_refused(era: str) -> None:
    with pytest.raises(BuildError, match=r"dla_core=0: this device has 0 DLA core"):
        build_plan(_bytes(scale_relu()), BuildConfig(dla_core=0, profiles=[RANGE]))


def test_exclude_lean_runtime_needs_version_compatible() -> None:
    with pytest.raises(BuildError, match=r"version-compatible plans only"):
        BuildConfig(exclude_lean_runtime=True)


def test_workspace_through_the_memory_pool(era: str) -> None:
    report = build_plan(
        _bytes(scale_relu()), BuildConfig(workspace=1 << 20, profiles=[RANGE])
    ).report
    assert (report.workspace, report.workspace_api) == (1 << 20, "set_memory_pool_limit")


def test_workspace_through_max_workspace_size_where_only_that_exists() -> None:
    from trtcompat.build._features import apply_workspace

    class Config:  # an 8.0-8.3 IBuilderConfig: max_workspace_size, no memory pools
        max_workspace_size = 0

    config = Config()
    assert apply_workspace(ModuleType("tensorrt"), config, 1 << 20) == "max_workspace_size"
    assert config.max_workspace_size == 1 << 20


def test_settings_are_read_back_from_the_builder_config(era: str) -> None:
    config = BuildConfig(hardware_compatibility="ampere+", optimization_level=5, profiles=[RANGE])
    if era == "8.4":
        with pytest.raises(BuildFeatureError):
            build_plan(_bytes(scale_relu()), config)
        settings = build_plan(_bytes(scale_relu()), CONFIG).report.settings
        assert settings == {"default_device_type": "GPU", "DLA_core": -1}
        return
    settings = build_plan(_bytes(scale_relu()), config).report.settings
    assert settings["hardware_compatibility_level"] == "AMPERE_PLUS"
    assert settings["builder_optimization_level"] == 5


def test_plugin_libraries_are_loaded_and_serialized_into_version_compatible_plans(
    era: str,
) -> None:
    import _ctypes  # a shared library every CPython has

    library = _ctypes.__file__
    plain = build_plan(_bytes(scale_relu()), BuildConfig(plugins=[library], profiles=[RANGE]))
    assert "plugins" in plain.report.flags_requested
    config = BuildConfig(plugins=[library], version_compatible=True, profiles=[RANGE])
    if era == "8.4":
        with pytest.raises(BuildFeatureError, match=r"TensorRT 8.6 added"):
            build_plan(_bytes(scale_relu()), config)
        return
    assert plain.report.settings["plugins_to_serialize"] == []
    report = build_plan(_bytes(scale_relu()), config).report
    assert report.settings["plugins_to_serialize"] == [library]


def test_a_plugin_that_does_not_load_is_named(era: str, tmp_path: Any) -> None:
    fake = tmp_path / "libplugin.so"
    fake.write_bytes(b"not a shared library")
    with pytest.raises(BuildError, match=r"Plugin library '.*libplugin.so' does not load"):
        build_plan(_bytes(scale_relu()), BuildConfig(plugins=[str(fake)], profiles=[RANGE]))


def test_plugins_must_exist(era: str, tmp_path: Any) -> None:
    missing = str(tmp_path / "libnothing.so")
    with pytest.raises(BuildError, match=r"Plugin library '.*libnothing.so' does not exist"):
        build_plan(_bytes(scale_relu()), BuildConfig(plugins=[missing], profiles=[RANGE]))


# -- timing cache ----------------------------------------------------------------------------


def test_timing_cache_is_saved_and_reused(era: str, tmp_path: Any) -> None:
    path = tmp_path / "timing.cache"
    config = BuildConfig(profiles=[RANGE], timing_cache=str(path))
    first = build_plan(_bytes(scale_relu()), config).report.timing_cache
    assert first == {"path": str(path), "loaded": False, "refused": None, "saved": True}
    saved = path.read_bytes()
    second = build_plan(_bytes(scale_relu()), config).report.timing_cache
    assert second is not None and second["loaded"] is True
    assert sorted(os.listdir(tmp_path)) == ["timing.cache"]  # no temporary left behind
    assert len(path.read_bytes()) >= len(saved)


def test_a_timing_cache_of_another_release_is_refused_with_a_warning(
    era: str, tmp_path: Any
) -> None:
    from trtcompat.testing import fake_tensorrt

    path = tmp_path / "timing.cache"
    other = "10" if era != "10" else "8.6"
    config = BuildConfig(profiles=[RANGE], timing_cache=str(path))
    with fake_tensorrt(other):
        build_plan(_bytes(scale_relu()), config)
    foreign = path.read_bytes()
    with pytest.warns(TrtCompatWarning, match=r"is not used: .*empty cache"):
        result = build_plan(_bytes(scale_relu()), config)
    timing = result.report.timing_cache
    assert timing is not None and timing["loaded"] is False and timing["refused"]
    assert any("timing cache" in line for line in result.report.log)
    assert path.read_bytes() != foreign  # replaced by this release's cache


def test_a_damaged_timing_cache_is_refused_with_a_warning(era: str, tmp_path: Any) -> None:
    path = tmp_path / "timing.cache"
    path.write_bytes(b"garbage")
    with pytest.warns(TrtCompatWarning, match=r"not a timing cache"):
        build_plan(_bytes(scale_relu()), BuildConfig(profiles=[RANGE], timing_cache=str(path)))


# -- progress, log, report -------------------------------------------------------------------


def test_progress_from_the_monitor_or_elapsed_time(
    era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[BuildProgress] = []
    monkeypatch.setenv("TRTCOMPAT_FAKE_BUILD_SECONDS", "0.3")
    monkeypatch.setattr(builder, "ELAPSED_INTERVAL", 0.05)
    build_plan(_bytes(scale_relu()), CONFIG, progress=events.append)
    kinds = {e.event for e in events}
    if era in ("10", "11"):  # IProgressMonitor exists from 9.3
        assert kinds == {"start", "step", "finish"}
        assert [e.step for e in events if e.event == "step"] == [0, 1, 2]
    else:
        assert kinds == {"elapsed"} and len(events) >= 2
        assert all(b.elapsed > a.elapsed for a, b in zip(events, events[1:]))


def test_an_exception_in_progress_is_raised_and_cancels_where_tensorrt_can(
    era: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stop(Exception):
        pass

    def stop(event: BuildProgress) -> None:
        raise Stop(event.event)

    log = tmp_path / "builds.log"
    monkeypatch.setenv("TRTCOMPAT_FAKE_BUILD_LOG", str(log))
    monkeypatch.setenv("TRTCOMPAT_FAKE_BUILD_SECONDS", "0.2")
    monkeypatch.setattr(builder, "ELAPSED_INTERVAL", 0.02)
    monitored = era in ("10", "11")  # IProgressMonitor: step_complete returns False
    with pytest.raises(Stop, match="start" if monitored else "elapsed"):
        build_plan(_bytes(scale_relu()), CONFIG, progress=stop)
    # cancelled: no build finished; without a monitor the build ran to its end
    assert log.exists() != monitored


def test_a_failed_build_quotes_tensorrt(
    era: str, trt: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any, network: Any, config: Any) -> None:
        self._logger.log(trt.ILogger.Severity.ERROR, "[builder.cpp] out of tactics")

    monkeypatch.setattr(trt.Builder, "build_serialized_network", refuse)
    with pytest.raises(
        BuildError,
        match=r"could not build the plan. TensorRT said:\n  \[ERROR\] \[builder.cpp\] out of tactics",
    ) as caught:
        build_plan(_bytes(scale_relu()), CONFIG)
    assert caught.value.trt_log == ("[ERROR] [builder.cpp] out of tactics",)


def test_report_names_tensorrt_and_gpu(
    era: str, trt: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRTCOMPAT_FAKE_GPU", "NVIDIA H100 80GB HBM3:9.0")
    report = build_plan(_bytes(scale_relu()), CONFIG).report
    assert (report.tensorrt_version, report.gpu_name, report.compute_capability) == (
        trt.__version__, "NVIDIA H100 80GB HBM3", "9.0",
    )  # fmt: skip
    target = build_target()
    assert (target.tensorrt_version, target.compute_capability) == (trt.__version__, "9.0")
    data = report.as_dict()
    assert data["precision_requested"] == "fp32" and isinstance(data["log"], list)


def test_a_runtime_only_module_cannot_build() -> None:
    lean = ModuleType("tensorrt_lean")
    lean.__version__ = "10.16.1.11"  # type: ignore[attr-defined]
    with pytest.raises(BuildError, match=r"tensorrt_lean 10.16.1.11 has no Builder"):
        build_plan(b"", trt=lean)


def test_no_warnings_on_a_plain_build(era: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_plan(_bytes(scale_relu()), CONFIG)


# -- the config --------------------------------------------------------------------------------


def test_config_json_is_canonical_and_round_trips(tmp_path: Any) -> None:
    one = BuildConfig(precision="FP16", profiles={"x": [[1, 3], [2, 3], [4, 3]],
                                                  "a": ((1,), (1,), (2,))})  # fmt: skip
    two = BuildConfig(precision="fp16", profiles=[{"a": ((1,), (1,), (2,)), "x": RANGE["x"]}])
    assert one == two and hash(one) == hash(two) and one.to_json() == two.to_json()
    assert BuildConfig.from_json(one.to_json()) == one
    assert " " not in one.to_json()
    cached = BuildConfig(timing_cache=str(tmp_path / "t.cache"))
    assert "timing_cache" not in cached.key_fields()
    assert cached.key_fields() == BuildConfig().key_fields()
    assert cached.to_json() != BuildConfig().to_json()


def test_config_from_json_refuses_unknown_keys() -> None:
    with pytest.raises(BuildError, match=r"unknown keys \['fp16_mode'\]"):
        BuildConfig.from_json('{"fp16_mode": true}')


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("workspace", 0, r"workspace=0: give a positive number of bytes"),
        ("workspace", True, r"workspace=True: give a positive number of bytes"),
        ("workspace", "1G", r"workspace='1G': give a positive number of bytes"),
        ("dla_core", -1, r"dla_core=-1: give a DLA core index"),
        ("optimization_level", 6, r"optimization_level=6: TensorRT's levels are 0-5"),
        ("hardware_compatibility", "volta+", r"hardware_compatibility='volta\+': use one of"),
        ("plugins", "libplugin.so", r"plugins='libplugin.so': give a sequence of library paths"),
    ],
)
def test_config_values_are_checked(field: str, value: Any, message: str) -> None:
    with pytest.raises(BuildError, match=message):
        BuildConfig(**{field: value})


def test_config_takes_numpy_integers_and_stores_ints() -> None:
    config = BuildConfig(workspace=np.int64(1 << 20), dla_core=np.int32(0))
    assert type(config.workspace) is int and type(config.dla_core) is int
    assert BuildConfig.from_json(config.to_json()) == config
