"""``build_plan``: one call from an ONNX model (or a network function) to a plan, on every
TensorRT from 8.0 to 11.x.

Each release-dependent step asks the installed module what it has (``Builder.max_batch_size``
means implicit batch still exists, so the network needs ``EXPLICIT_BATCH``; no
``BuilderFlag.FP16`` means a strongly typed release) and takes the one path that release
offers; ``build_serialized_network`` on every release (``build_engine`` is gone in 10.0).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from types import ModuleType

# typing.Callable: the aliases below are evaluated at run time (3.8 cannot subscript
# collections.abc.Callable).
from typing import Any, Callable, Union

from .. import _capabilities, _trtlog
from .._versions import MINIMUM_SUPPORTED, parse_version
from ..errors import BuildError, PlanFormatError, PrecisionError, UnsupportedTensorRTError
from ..plan import plan_info
from ._convert import convert_model
from ._features import apply_features, apply_workspace, requested_features
from ._network import add_profiles, network_inputs, parse_into, quantized_types, reduced_tensor
from ._precision import PrecisionPlan, plan_precision, qdq_missing_error
from ._target import build_module, gpu_identity
from ._timing_cache import TimingCacheUse, attach_timing_cache, save_timing_cache
from .config import BuildConfig
from .report import BuildProgress, BuildReport, BuildResult

__all__ = ["BuildProgress", "BuildReport", "BuildResult", "ModelSource", "build_plan"]

#: An ONNX file path, ONNX bytes, or a function that defines the network through
#: TensorRT's network API (called with the ``INetworkDefinition``).
ModelSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, Callable[[Any], None]]
ProgressCallback = Callable[[BuildProgress], None]

#: Seconds between elapsed-time progress events on releases without a progress monitor.
ELAPSED_INTERVAL = 1.0

_DEFAULT = BuildConfig()


def build_plan(
    model: ModelSource,
    config: BuildConfig = _DEFAULT,
    *,
    trt: ModuleType | None = None,
    progress: ProgressCallback | None = None,
) -> BuildResult:
    """Builds a serialized plan of ``model`` with the installed TensorRT (or ``trt``).

    Args:
        model: An ONNX file (parsed from the file, so external-data weights next to it are
            found), ONNX bytes, or a function ``define(network)`` that adds the layers.
        config: What to build (precision, profiles, workspace, compatibility options).
        trt: The TensorRT module to build with; the installed one by default.
        progress: Called with a :class:`BuildProgress` as the build goes: TensorRT's
            progress monitor where the release has one (9.3+), else every second with the
            elapsed time (from a helper thread). An exception it raises is raised by
            ``build_plan``: at once where the monitor can cancel the build, else when the
            build ends.

    Returns:
        The plan and a :class:`BuildReport`.

    Raises:
        PrecisionError: the release cannot meet the precision (never lowered silently).
        BuildFeatureError: an option the release lacks (names the release that added it).
        OnnxParseError: the parser refused the model (each error with its node).
        ProfileError: profiles that do not fit the model's inputs.
        BuildError: TensorRT could not build (``trt_log`` has what it said).
        TensorRTNotFoundError, UnsupportedTensorRTError: no usable TensorRT.
    """
    started = time.monotonic()
    module = build_module(trt)
    version = _supported_version(module)
    source = _source(model)
    precision = plan_precision(module, config.precision, from_onnx=not callable(source))
    start = _trtlog.mark()
    builder = module.Builder(_trtlog.logger_for(module))
    builder_config = builder.create_builder_config()
    apply_features(module, builder, builder_config, config)
    workspace_api = (
        apply_workspace(module, builder_config, config.workspace)
        if config.workspace is not None
        else None
    )
    network_flags = _network_flags(module, builder, precision)
    flags = sum(1 << int(getattr(module.NetworkDefinitionCreationFlag, f)) for f in network_flags)
    network = builder.create_network(flags)
    with tempfile.TemporaryDirectory(prefix="trtcompat-build-") as scratch:
        # The parser owns the weights it imported: it lives until the plan is built.
        parser, converted_with = _define(module, network, source, precision, config, scratch)
        inputs = network_inputs(network)
        _check_network_precision(module, network, precision)
        _apply_precision(module, builder_config, precision)
        add_profiles(builder, builder_config, inputs, tuple(config.profiles))  # type: ignore[arg-type]
        cache_use = (
            attach_timing_cache(builder_config, config.timing_cache)
            if config.timing_cache is not None
            else None
        )
        plan = _build(module, builder, network, builder_config, progress, started)
        del parser
    said = _trtlog.lines_since(start)
    if plan is None:
        raise _refused_build(version, said)
    data = bytes(plan)
    timing = _save_timing_cache(builder_config, config, cache_use)
    gpu_name, capability = gpu_identity(module)
    report = BuildReport(
        tensorrt_module=module.__name__,
        tensorrt_version=version,
        gpu_name=gpu_name,
        compute_capability=capability,
        precision_requested=precision.requested,
        precision_applied=precision.applied,
        converted_with=converted_with,
        flags_requested=requested_features(config),
        builder_flags=_set_flags(module, builder_config),
        settings=_settings(builder_config),
        network_flags=network_flags,
        workspace=config.workspace,
        workspace_api=workspace_api,
        profiles=tuple(p.as_json() for p in config.profiles),  # type: ignore[attr-defined]
        inputs={name: list(shape) for name, shape in inputs.items()},
        timing_cache=timing,
        seconds=time.monotonic() - started,
        plan_size=len(data),
        plan_info=_plan_info(data),
        log=said,
    )
    return BuildResult(data, report)


def _supported_version(module: Any) -> str:
    """The module's ``__version__``; refused where it is older than trtcompat supports (a
    version that does not parse is left to the build to judge)."""
    version = str(getattr(module, "__version__", "unknown"))
    try:
        too_old = _capabilities.older_than_supported(parse_version(version))
    except ValueError:
        too_old = False
    if too_old:
        raise UnsupportedTensorRTError(
            f"TensorRT {version} is older than {MINIMUM_SUPPORTED}, the oldest release "
            "trtcompat builds with."
        )
    return version


def _check_network_precision(trt: Any, network: Any, precision: PrecisionPlan) -> None:
    """The parsed network can be built in the precision asked for: Q/DQ layers for int8 /
    fp8, no reduced types in a strongly typed fp32 / tf32 build."""
    if precision.needs_qdq:
        _check_quantization(trt, network, precision.requested)
    if precision.applied in ("fp32", "tf32") and not precision.weakly_typed:
        _refuse_reduced_types(trt, network, precision.applied)


def _refused_build(version: str, said: tuple[str, ...]) -> BuildError:
    errors = _trtlog.errors_in(said)
    reason = "\n  ".join(errors or said) or "(TensorRT logged no reason)"
    return BuildError(
        f"TensorRT {version} could not build the plan. TensorRT said:\n  {reason}",
        trt_log=said,
    )


def _save_timing_cache(
    builder_config: Any, config: BuildConfig, cache_use: TimingCacheUse | None
) -> dict[str, Any] | None:
    """Saves the build's timing cache where the config names one; what the report says of it."""
    if cache_use is None or config.timing_cache is None:
        return None
    save_timing_cache(builder_config, config.timing_cache)
    return {
        "path": cache_use.path,
        "loaded": cache_use.loaded,
        "refused": cache_use.refused,
        "saved": True,
    }


def _source(model: ModelSource) -> str | bytes | Callable[[Any], None]:
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    if callable(model):
        return model
    raise BuildError(
        f"model={model!r}: give an ONNX file path, ONNX bytes, or a function that defines "
        "the network."
    )


def _network_flags(trt: Any, builder: Any, precision: PrecisionPlan) -> tuple[str, ...]:
    names = []
    # Breakpoint: 10.0 removed implicit batch (and Builder.max_batch_size with it); before,
    # a network without EXPLICIT_BATCH is implicit batch, which the ONNX parser refuses.
    # Asked of the class: the property's getter warns (deprecated from 8.4).
    if _capabilities.implicit_batch_builder(trt, builder):
        names.append("EXPLICIT_BATCH")
    if precision.strongly_typed:
        names.append("STRONGLY_TYPED")
    return tuple(names)


def _define(
    trt: Any,
    network: Any,
    source: str | bytes | Callable[[Any], None],
    precision: PrecisionPlan,
    config: BuildConfig,
    scratch: str,
) -> tuple[Any, str | None]:
    """Fills ``network``; returns the parser (None for a network function) and the converter
    used, if any."""
    if callable(source):
        source(network)
        if network.num_outputs == 0:
            raise BuildError(
                "The network function marked no output; call network.mark_output(tensor)."
            )
        return None, None
    converted_with = None
    if precision.convert is not None:
        source, converted_with = _converted(source, precision.convert, config, scratch)
    parser = trt.OnnxParser(network, _trtlog.logger_for(trt))
    parse_into(parser, source)
    return parser, converted_with


def _converted(
    source: str | bytes, target: str, config: BuildConfig, scratch: str
) -> tuple[str, str]:
    try:
        import onnx
    except ImportError:
        raise BuildError(
            f"precision={target!r} on this TensorRT converts the ONNX model, which needs the "
            "onnx package: trtcompat's `build` extra."
        ) from None
    if isinstance(source, str):
        if not os.path.isfile(source):
            raise BuildError(f"No ONNX model at {source!r}.")
        model = onnx.load(source)  # with its external data
    else:
        model = onnx.load_from_string(source)
    converted, how = convert_model(model, target, keep_io_types=config.keep_io_types)
    path = os.path.join(scratch, f"model.{target}.onnx")
    # External data keeps models past protobuf's 2 GiB limit writable; the parser reads it
    # back from the file's folder.
    onnx.save_model(
        converted, path, save_as_external_data=True, location="weights.bin", size_threshold=1024
    )
    return path, how


def _check_quantization(trt: Any, network: Any, precision: str) -> None:
    types = quantized_types(network)
    if types is None:
        raise qdq_missing_error(trt, precision)
    wanted = {"int8": "INT8", "fp8": "FP8"}[precision]
    if wanted not in types:
        raise PrecisionError(
            f"precision={precision!r}, but the model's Q/DQ nodes quantize to "
            f"{', '.join(sorted(types)) or 'no known type'}, not {wanted}: build it with the "
            "precision its quantization has, or quantize it to that type (ModelOpt's "
            f"--quantize_mode {precision})."
        )


def _refuse_reduced_types(trt: Any, network: Any, precision: str) -> None:
    # A strongly typed release computes in the model's own types: a model holding fp16 (or
    # int8 ...) tensors would give a plan below the precision asked for.
    found = reduced_tensor(network)
    if found is not None:
        name, kind = found
        raise PrecisionError(
            f"precision={precision!r}, but the model computes tensor {name!r} in {kind}, and "
            f"TensorRT {getattr(trt, '__version__', 'unknown')} builds strongly typed "
            "networks only (the model's types, no fp32 fallback). Use precision='model' to "
            "build the model's own types, or give an fp32 model."
        )


def _apply_precision(trt: Any, config: Any, precision: PrecisionPlan) -> None:
    for name in precision.clear_flags:
        config.clear_flag(getattr(trt.BuilderFlag, name))
    for name in precision.set_flags:
        config.set_flag(getattr(trt.BuilderFlag, name))


def _set_flags(trt: Any, config: Any) -> tuple[str, ...]:
    return tuple(
        name for name, flag in trt.BuilderFlag.__members__.items() if config.get_flag(flag)
    )


#: Builder-config attributes the report reads back (those the release has).
_SETTINGS = (
    "hardware_compatibility_level",
    "builder_optimization_level",
    "default_device_type",
    "DLA_core",
    "plugins_to_serialize",
)


def _settings(config: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in _SETTINGS:
        if not _capabilities.offers(config, name):
            continue
        value = getattr(config, name)
        if isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        elif not isinstance(value, (int, str, type(None))) or hasattr(value, "name"):
            value = getattr(value, "name", str(value))
        found[name] = value
    return found


def _plan_info(data: bytes) -> dict[str, Any] | None:
    try:
        return plan_info(data).as_dict()
    except PlanFormatError:
        return None


def _build(
    trt: Any,
    builder: Any,
    network: Any,
    config: Any,
    progress: ProgressCallback | None,
    started: float,
) -> Any:
    if progress is None:
        return builder.build_serialized_network(network, config)
    if _capabilities.progress_monitors(trt, config):
        monitor = _monitor(trt, progress, started)
        # The config is this build's own and goes with it: the monitor is not reset (pybind
        # may not take None for it).
        config.progress_monitor = monitor
        plan = builder.build_serialized_network(network, config)
        if monitor.failure is not None:
            raise monitor.failure
        return plan
    done = threading.Event()
    failures: list[BaseException] = []

    def tick() -> None:
        while not done.wait(ELAPSED_INTERVAL):
            try:
                progress(
                    BuildProgress("building", None, None, time.monotonic() - started, "elapsed")
                )
            except BaseException as err:  # raised in the caller's thread after the build
                failures.append(err)
                return

    ticker = threading.Thread(target=tick, name="trtcompat-build-progress", daemon=True)
    ticker.start()
    try:
        # Without a progress monitor TensorRT cannot be stopped: the build runs to its end.
        plan = builder.build_serialized_network(network, config)
    finally:
        done.set()
        ticker.join()
    if failures:
        raise failures[0]
    return plan


def _monitor(trt: Any, progress: ProgressCallback, started: float) -> Any:
    class Monitor(trt.IProgressMonitor):  # type: ignore[misc]
        """Forwards TensorRT's progress to the caller; an exception there cancels the build
        (TensorRT stops when step_complete returns False) and is raised after it."""

        def __init__(self) -> None:
            trt.IProgressMonitor.__init__(self)
            self.failure: BaseException | None = None
            self.steps: dict[str, int] = {}

        def _send(self, phase: str, step: int | None, event: str) -> bool:
            if self.failure is not None:
                return False
            try:
                progress(
                    BuildProgress(
                        phase, step, self.steps.get(phase), time.monotonic() - started, event
                    )
                )
            except BaseException as err:  # raised again once TensorRT has stopped
                self.failure = err
                return False
            return True

        def phase_start(self, phase_name: str, parent_phase: str | None, num_steps: int) -> None:
            self.steps[phase_name] = int(num_steps)
            self._send(phase_name, None, "start")

        def step_complete(self, phase_name: str, step: int) -> bool:
            return self._send(phase_name, int(step), "step")

        def phase_finish(self, phase_name: str) -> None:
            self._send(phase_name, None, "finish")

    return Monitor()
