"""The build options that exist from some release on: each is checked by asking the module
(a ``BuilderFlag`` member, an ``IBuilderConfig`` attribute), and refused with the release
that added it (from the version table) where the installed one lacks it."""

from __future__ import annotations

import ctypes
import os
from typing import Any

from .. import _capabilities
from .._capabilities import added_in
from ..errors import BuildError, BuildFeatureError
from .config import HARDWARE_LEVELS, BuildConfig

__all__ = ["apply_features", "apply_workspace", "requested_features"]


def requested_features(config: BuildConfig) -> tuple[str, ...]:
    """The config's options that are on, by field name."""
    names = []
    for name in ("version_compatible", "exclude_lean_runtime", "refit", "strip_weights"):
        if getattr(config, name):
            names.append(name)
    for name in ("hardware_compatibility", "optimization_level", "dla_core", "workspace"):
        if getattr(config, name) is not None:
            names.append(name)
    if config.plugins:
        names.append("plugins")
    if config.timing_cache is not None:
        names.append("timing_cache")
    return tuple(names)


def _missing(trt: Any, feature: str, cls: str, member: str, given: object) -> BuildFeatureError:
    added = added_in(cls, member)
    version = getattr(trt, "__version__", "unknown")
    since = f"TensorRT {added}" if added is not None else "no release trtcompat knows"
    return BuildFeatureError(
        f"{feature}={given!r} needs {cls}.{member}, which {since} added; the installed "
        f"TensorRT {version} lacks it. Build with TensorRT {added or 'that has it'} or newer, "
        f"or leave {feature} unset.",
        feature=feature,
        added_in=None if added is None else str(added),
    )


def _flag(trt: Any, config: Any, feature: str, member: str, given: object) -> None:
    flag = _capabilities.builder_flag(trt, member)
    if flag is None:
        raise _missing(trt, feature, "BuilderFlag", member, given)
    config.set_flag(flag)


def apply_workspace(trt: Any, config: Any, workspace: int) -> str:
    """Sets the workspace limit the way the release offers; returns the API used."""
    api = _capabilities.workspace_api(trt, config)
    if api == "set_memory_pool_limit":
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace)
    elif api == "max_workspace_size":  # 8.0-8.3: the only way
        config.max_workspace_size = workspace
    else:
        raise _missing(trt, "workspace", "IBuilderConfig", "set_memory_pool_limit", workspace)
    return api


def apply_features(trt: Any, builder: Any, config: Any, build: BuildConfig) -> None:
    """Applies every optional feature ``build`` asks for to the builder config.

    Raises:
        BuildFeatureError: the release lacks a feature asked for.
        BuildError: a DLA core this device does not have, a plugin library that does not
            load.
    """
    for feature, flag in _FLAG_FEATURES:
        if getattr(build, feature):
            _flag(trt, config, feature, flag, True)
    if build.hardware_compatibility is not None:
        _hardware_compatibility(trt, config, build.hardware_compatibility)
    if build.optimization_level is not None:
        if not _capabilities.offers(config, "builder_optimization_level"):
            raise _missing(
                trt, "optimization_level", "IBuilderConfig", "builder_optimization_level",
                build.optimization_level,
            )  # fmt: skip
        config.builder_optimization_level = build.optimization_level
    if build.dla_core is not None:
        _dla_core(trt, builder, config, build.dla_core)
    if build.plugins:
        _load_plugins(trt, config, build)


#: The on/off options that are one BuilderFlag each: (BuildConfig field, BuilderFlag member).
_FLAG_FEATURES = (
    ("version_compatible", "VERSION_COMPATIBLE"),
    ("exclude_lean_runtime", "EXCLUDE_LEAN_RUNTIME"),
    ("refit", "REFIT"),
    ("strip_weights", "STRIP_PLAN"),
)


def _hardware_compatibility(trt: Any, config: Any, given: str) -> None:
    member = HARDWARE_LEVELS[given]
    level = _capabilities.hardware_compatibility_level(trt, config, member)
    if level is None:
        raise _missing(trt, "hardware_compatibility", "HardwareCompatibilityLevel", member, given)
    config.hardware_compatibility_level = level


def _dla_core(trt: Any, builder: Any, config: Any, core: int) -> None:
    cores = int(builder.num_DLA_cores)
    if core >= cores:
        raise BuildError(
            f"dla_core={core}: this device has {cores} DLA core(s) "
            "(Builder.num_DLA_cores); DLA exists on Jetson and DRIVE devices. Leave "
            "dla_core unset to build for the GPU."
        )
    config.default_device_type = trt.DeviceType.DLA
    config.DLA_core = core
    _flag(trt, config, "dla_core", "GPU_FALLBACK", core)


def _load_plugins(trt: Any, config: Any, build: BuildConfig) -> None:
    for path in build.plugins:
        if not os.path.isfile(path):
            raise BuildError(f"Plugin library {path!r} does not exist.")
        try:
            # Loading registers the library's plugin creators (REGISTER_TENSORRT_PLUGIN), as
            # trtexec --plugins / --staticPlugins do; RTLD_GLOBAL lets TensorRT see them.
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError as err:
            raise BuildError(f"Plugin library {path!r} does not load: {err}.") from None
    if build.version_compatible:
        if not _capabilities.offers(config, "plugins_to_serialize"):
            raise _missing(trt, "plugins", "IBuilderConfig", "plugins_to_serialize", build.plugins)
        # A version-compatible plan runs on another TensorRT's lean runtime, which needs the
        # plugins inside the plan.
        config.plugins_to_serialize = list(build.plugins)
