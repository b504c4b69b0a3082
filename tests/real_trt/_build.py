"""Build small engines with the builder API of whichever full TensorRT is installed.

The builder API moved between releases; every gate is labelled ``# Breakpoint:`` with the
release that moved it. Each function returns a serialized plan (bytes), so the tests load
it through ``trtcompat.load_engine`` like a user's plan file. The networks compute
``y = x + x``, which every release supports for float32, float16 and int32 and is exact.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Dict, Sequence, Tuple

WORKSPACE = 1 << 26

Shape = Tuple[int, ...]
#: (min, opt, max) shapes per input name, one dict per optimization profile.
Profiles = Sequence[Dict[str, Tuple[Shape, Shape, Shape]]]


def version_tuple(trt: Any) -> tuple[int, int]:
    """(major, minor) of the installed TensorRT."""
    major, minor = str(trt.__version__).split(".")[:2]
    return int(major), int(minor)


@contextmanager
def _quiet() -> Iterator[None]:
    # pytest runs with filterwarnings=error; the 8.x calls below are deprecated in later
    # 8.x releases, which is exactly the API these version-specific builds must use.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _network(trt: Any, builder: Any, *, implicit_batch: bool = False) -> tuple[Any, bool]:
    """A new network and whether it is strongly typed."""
    major, _ = version_tuple(trt)
    flags = 0
    strongly_typed = False
    if implicit_batch:
        # Breakpoint: implicit batch exists only in 8.x (removed in 10.0).
        assert major < 10, "implicit batch needs TensorRT 8.x"
    elif major < 10:
        # Breakpoint: 8.x needs EXPLICIT_BATCH for dynamic shapes; 10.0 made it the default
        # (flag deprecated) and 11.0 removed the flag.
        flags = 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)
    elif major >= 11:
        # Breakpoint: 11.0 removed weakly typed networks; declare types on the inputs.
        flags = 1 << int(trt.NetworkDefinitionCreationFlag.STRONGLY_TYPED)
        strongly_typed = True
    with _quiet():
        return builder.create_network(flags), strongly_typed


def _config(trt: Any, builder: Any) -> Any:
    config = builder.create_builder_config()
    major, minor = version_tuple(trt)
    with _quiet():
        if (major, minor) < (8, 4):
            # Breakpoint: 8.4 added set_memory_pool_limit; max_workspace_size is gone in 10.0.
            config.max_workspace_size = WORKSPACE
        else:
            config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE)
    return config


def _build(trt: Any, builder: Any, network: Any, config: Any) -> bytes:
    major, _ = version_tuple(trt)
    with _quiet():
        if major < 10:
            # Breakpoint: build_engine was removed in 10.0 (build_serialized_network, 8.0+,
            # is the only builder entry point from then on).
            engine = builder.build_engine(network, config)
            assert engine is not None, "builder.build_engine returned None (see TRT log)"
            return bytes(engine.serialize())
        plan = builder.build_serialized_network(network, config)
    assert plan is not None, "builder.build_serialized_network returned None (see TRT log)"
    return bytes(plan)


def _doubling(
    trt: Any, network: Any, strongly_typed: bool, tensors: Sequence[tuple[str, str, Any, Shape]]
) -> None:
    """For each (input, output, dtype, shape): output = input + input."""
    for in_name, out_name, dtype, shape in tensors:
        x = network.add_input(in_name, dtype, shape)
        layer = network.add_elementwise(x, x, trt.ElementWiseOperation.SUM)
        y = layer.get_output(0)
        y.name = out_name
        network.mark_output(y)
        if not strongly_typed:
            # Weakly typed builds may pick any output precision; pin the I/O type.
            y.dtype = dtype


def _profiles(builder: Any, config: Any, profiles: Profiles) -> None:
    for shapes in profiles:
        profile = builder.create_optimization_profile()
        for name, (lo, opt, hi) in shapes.items():
            profile.set_shape(name, lo, opt, hi)
        config.add_optimization_profile(profile)


def builder_for(trt: Any) -> tuple[Any, Any]:
    """(builder, logger); the builder is None when TensorRT cannot reach a GPU."""
    logger = trt.Logger(trt.Logger.ERROR)
    try:
        builder = trt.Builder(logger)
    except (RuntimeError, TypeError):
        builder = None
    return builder, logger


def build_dynamic(trt: Any, *, width: int = 4, max_batch: int = 8) -> bytes:
    """x: float32 (-1, width) -> y = 2x, one profile with batch 1..max_batch."""
    builder, _ = builder_for(trt)
    network, strongly = _network(trt, builder)
    _doubling(trt, network, strongly, [("x", "y", trt.float32, (-1, width))])
    config = _config(trt, builder)
    _profiles(builder, config, [{"x": ((1, width), (2, width), (max_batch, width))}])
    return _build(trt, builder, network, config)


def build_two_profiles(trt: Any, *, width: int = 4) -> bytes:
    """Like build_dynamic, with profile 0 = batch 1..4 and profile 1 = batch 5..8."""
    builder, _ = builder_for(trt)
    network, strongly = _network(trt, builder)
    _doubling(trt, network, strongly, [("x", "y", trt.float32, (-1, width))])
    config = _config(trt, builder)
    _profiles(
        builder,
        config,
        [
            {"x": ((1, width), (2, width), (4, width))},
            {"x": ((5, width), (6, width), (8, width))},
        ],
    )
    return _build(trt, builder, network, config)


def build_mixed_dtypes(trt: Any, *, width: int = 3) -> bytes:
    """a: int32 -> a2 = 2a (int32); h: float16 -> h2 = 2h (float16); dynamic batch."""
    builder, _ = builder_for(trt)
    network, strongly = _network(trt, builder)
    _doubling(
        trt,
        network,
        strongly,
        [
            ("a", "a2", trt.int32, (-1, width)),
            ("h", "h2", trt.float16, (-1, width)),
        ],
    )
    config = _config(trt, builder)
    if not strongly:
        # Weakly typed: allow fp16 kernels so the half tensors stay half end to end.
        config.set_flag(trt.BuilderFlag.FP16)
    _profiles(
        builder,
        config,
        [
            {
                "a": ((1, width), (2, width), (4, width)),
                "h": ((1, width), (2, width), (4, width)),
            }
        ],
    )
    return _build(trt, builder, network, config)


def build_implicit_batch(trt: Any, *, width: int = 4, max_batch: int = 8) -> bytes:
    """8.x only: implicit-batch engine, x: float32 (width,) per item -> y = 2x."""
    builder, _ = builder_for(trt)
    network, _ = _network(trt, builder, implicit_batch=True)
    _doubling(trt, network, False, [("x", "y", trt.float32, (width,))])
    with _quiet():
        # Breakpoint: Builder.max_batch_size is deprecated in 8.4 and gone in 10.0.
        builder.max_batch_size = max_batch
    config = _config(trt, builder)
    return _build(trt, builder, network, config)
