"""The bad-input catalog: one table of everything a caller can get wrong, checked on every era.

Each row names a mistake, the call that makes it, the exact ``TrtCompatError`` subclass and
built-in it must raise, and the whole message (a regex, ``^...$``). A row applies to the eras
that can express it (implicit batch exists only on 8.x; forcing the ``bindings`` family only
fails where it is missing). After every row the host backend must hold exactly the
allocations it held before, and every stream made through it must be destroyed: an error
path that leaks fails here, not in production.

Decisions the table pins (so a change to them is a visible change here):

- Host numpy arrays that are non-contiguous, Fortran-ordered or read-only are *accepted*:
  they are copied into the pinned input buffer anyway, so the layout costs nothing.
  Device arrays are bound zero-copy, so there the layout must be dense C order.
- A zero-size dimension is just a dimension: outside the active profile's min..max it is a
  ShapeError like any other; inside it (a profile with min 0) it runs and returns an
  empty output. Implicit-batch engines never admit batch 0 (TensorRT's range is 1..max).
- ``close()`` is idempotent on both ``Buffers`` and ``Runner``: the second call is a no-op,
  so ``with`` blocks and explicit closes compose. Using either after close is a ClosedError.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat import backends
from trtcompat.backends import get_backend
from trtcompat.errors import TrtCompatError
from trtcompat.testing import (
    ERAS,
    EngineSpec,
    FaultInjectingBackend,
    TensorSpec,
    build_plan,
    era_info,
    fake_tensorrt,
)

X = np.arange(6, dtype=np.float32).reshape(2, 3)
BINDING_ERAS = tuple(e for e in ERAS if era_info(e).implicit_batch)
TENSOR_ONLY_ERAS = tuple(e for e in ERAS if not era_info(e).has_bindings)


def _times3(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"out": feed["ids"] * 3}


INT32 = EngineSpec(
    (TensorSpec("ids", np.int32, (4,), True), TensorSpec("out", np.int32, (4,), False)),
    compute=_times3,
    name="int32",
)

ZERO_OK = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1, 3), True, profiles=(((0, 3), (2, 3), (4, 3)),)),
        TensorSpec("y", np.float32, (-1, 3), False),
    ),
    compute=lambda feed: {"y": feed["x"] * 2},
    name="zero_ok",
)

HOST_INPUT = EngineSpec(
    (
        TensorSpec("x", np.float32, (2, 3), True),
        TensorSpec("dims", np.int32, (2,), True, location="host", is_shape_tensor=True),
        TensorSpec("y", np.float32, (2, 3), False),
    ),
    compute=lambda feed: {"y": feed["x"] * 2},
    name="host_input",
)

BF16 = EngineSpec(
    (TensorSpec("x", "BF16", (2,), True), TensorSpec("y", "BF16", (2,), False)),
    name="bf16",
)


class FakeDeviceArray:
    """What trtcompat sees of a CUDA array: ``__cuda_array_interface__`` v3 and ``.device.id``.

    The bytes are host memory (``array`` is kept alive), which the host backend, device 0,
    can read; ``device`` and ``strides`` say where and how the "device" array lies.
    """

    class _Device:
        def __init__(self, index: int) -> None:
            self.id = index

    def __init__(self, array: np.ndarray, device: int = 0, *, strided: bool = False) -> None:
        self.array = array
        self.device = self._Device(device)
        self.__cuda_array_interface__ = {
            "shape": array.shape,
            "typestr": array.dtype.str,
            "data": (array.ctypes.data, False),
            "strides": array.strides if strided else None,
            "version": 3,
        }


@dataclass
class Ctx:
    """What a row's trigger gets: the era, a counting host backend, a scratch folder."""

    era: str
    backend: FaultInjectingBackend
    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch

    @property
    def family(self) -> str:
        """The family an explicit-batch engine is driven through in this era by default."""
        return "tensors" if era_info(self.era).has_tensors else "bindings"

    def engine(self, spec: EngineSpec = STATIC) -> Any:
        return tc.load_engine(build_plan(spec, self.era))

    def runner(self, spec: EngineSpec = STATIC, **kwargs: Any) -> tc.Runner:
        return tc.Runner(self.engine(spec), backend=self.backend, **kwargs)

    def infer(self, spec: EngineSpec, feed: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        with self.runner(spec, **kwargs) as run:
            return run.infer(feed)

    def buffers(self, spec: EngineSpec = STATIC, **kwargs: Any) -> tc.Buffers:
        return tc.allocate_buffers(self.engine(spec), backend=self.backend, **kwargs)


@dataclass(frozen=True)
class Case:
    """One row. ``error`` None means the call must succeed and ``expect`` checks its result.

    ``message`` is a full-message regex; ``{version}`` and ``{family}`` stand for the era's
    TensorRT version (escaped) and its default API family.
    """

    id: str
    trigger: Callable[[Ctx], object]
    error: type[TrtCompatError] | None
    builtin: type[BaseException] | None = None
    message: str = ""
    eras: tuple[str, ...] = ERAS
    expect: Callable[[Any], None] | None = field(default=None, repr=False)


def fails(
    id: str,
    trigger: Callable[[Ctx], object],
    error: type[TrtCompatError],
    builtin: type[BaseException],
    message: str,
    eras: tuple[str, ...] = ERAS,
) -> Case:
    assert message.startswith("^") and message.endswith("$"), id
    return Case(id, trigger, error, builtin, message, eras)


def works(
    id: str,
    trigger: Callable[[Ctx], object],
    expect: Callable[[Any], None],
    eras: tuple[str, ...] = ERAS,
) -> Case:
    return Case(id, trigger, None, None, "", eras, expect)


def _equal(expected: Mapping[str, np.ndarray]) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert set(result) == set(expected)
        for name, value in expected.items():
            assert result[name].dtype == value.dtype and result[name].shape == value.shape
            np.testing.assert_array_equal(result[name], value)

    return check


def _is_none(result: Any) -> None:
    assert result is None


# -- triggers that need more than one expression -------------------------------------------


def _write(ctx: Ctx, name: str, data: bytes) -> str:
    path = ctx.tmp_path / name
    path.write_bytes(data)
    return str(path)


def _no_tensorrt(ctx: Ctx) -> object:
    from trtcompat import _detect

    ctx.monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "no_such_tensorrt")
    _detect.find_trt_module.cache_clear()
    return tc.load_engine(build_plan(STATIC, ctx.era))


def _use_closed_buffers(ctx: Ctx, use: Callable[[tc.Buffers], object]) -> object:
    buffers = ctx.buffers()
    buffers.close()
    return use(buffers)


def _execute_closed_bindings(ctx: Ctx) -> object:
    engine = ctx.engine()
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, backend=ctx.backend) as buffers:
        bindings, stream = buffers.bindings, 0
    # close() zeroed the list: TensorRT is handed null addresses and refuses to run
    return tc.execute(context, bindings, stream)


def _double_close_buffers(ctx: Ctx) -> object:
    buffers = ctx.buffers()
    buffers.close()
    return buffers.close()


def _double_close_runner(ctx: Ctx) -> object:
    with ctx.runner() as run:
        run.close()
    return run.close()


def _infer_after_exit(ctx: Ctx) -> object:
    with ctx.runner() as run:
        run.infer({"x": X})
    return run.infer({"x": X})


def _synchronize_after_close(ctx: Ctx) -> object:
    run = ctx.runner()
    run.infer_async({"x": X})
    run.close()
    return run.synchronize()


def _synchronize_first(ctx: Ctx) -> object:
    with ctx.runner() as run:
        return run.synchronize()


def _missing_library(ctx: Ctx, name: str, module: str) -> object:
    # An import of a name mapped to None fails with ImportError, as a missing package does;
    # forget the backend module and instance in case an earlier test imported them for real.
    ctx.monkeypatch.setitem(sys.modules, module, None)
    ctx.monkeypatch.delitem(sys.modules, f"trtcompat.backends._{name}", raising=False)
    ctx.monkeypatch.setattr(backends, "_CACHE", {})
    return get_backend(name)


def _family_env(value: str, spec: EngineSpec = STATIC) -> Callable[[Ctx], object]:
    def trigger(ctx: Ctx) -> object:
        ctx.monkeypatch.setenv("TRTCOMPAT_FAMILY", value)
        return ctx.runner(spec)

    return trigger


def _bindings_on_8_6(ctx: Ctx) -> object:
    ctx.monkeypatch.setenv("TRTCOMPAT_FAMILY", "bindings")
    with ctx.runner(DYNAMIC) as run:
        return repr(run).split(",")[0], run.infer({"x": X})["y"]


def _expect_bindings(result: Any) -> None:
    head, y = result
    assert head == "<Runner bindings API"
    np.testing.assert_array_equal(y, X * 2)


def _backend_env(ctx: Ctx) -> object:
    ctx.monkeypatch.setenv("TRTCOMPAT_BACKEND", "gpu0")
    return get_backend()


def _strided(shape_source: np.ndarray) -> np.ndarray:
    # every other column of a wider array: a view whose rows are not dense
    wide = np.repeat(shape_source, 2, axis=1)
    return wide[:, ::2]


_LOAD_SAID = (
    r"Plans only load on the TensorRT version \(and GPU\) that built them, unless built "
    r"version-compatible\. The runtime said:\n  \[ERROR\] "
)
_OWN_RELEASE_SAID = (
    r"This release built it, so the version is not the reason; a plan also only loads on "
    r"the GPU model that built it, unless built hardware-compatible\. The runtime said:\n  "
    r"\[ERROR\] "
)
_REFUSED_OWN = r"^TensorRT {version} refused the plan built by TensorRT \d+\.\d+\.\d+ \(\d+ bytes\)\. "
_NEWER = (
    r"^TensorRT {version} cannot load the plan in the given bytes \(\d+ bytes\): The plan was "
    r"built by TensorRT 11\.4\.0, newer than the installed TensorRT \d+\.\d+\.\d+; plans never "
    r"load on an older TensorRT, version-compatible or not\. Rebuild it with TensorRT "
    r"\d+\.\d+\.\d+, or upgrade the runtime to 11\.4\.0 or newer\.$"
)
_BEFORE_8_6 = (
    r"^TensorRT {version} cannot load the plan in '.*/old\.plan' \(\d+ bytes\): The plan was "
    r"built by TensorRT 8\.4\.3 and the installed TensorRT is \d+\.\d+\.\d+; plans older than "
    r"8\.6 cannot be version-compatible, so they only load on the exact release that built "
    r"them\. Rebuild it with TensorRT \d+\.\d+\.\d+ \(with BuilderFlag\.VERSION_COMPATIBLE if it "
    r"must outlive this release\)\.$"
)
_INPUTS_X = r"The inputs are 'x'\.$"
_EXEC_TENSORS = (
    r"Tensors: input 'x' FLOAT shape \(2, 3\); output 'y' FLOAT shape \(2, 3\)\. "
    r"The runtime said:\n  \[ERROR\] Address of tensor x is not set \(null\)\.$"
)
_NOT_ENGINE = r"\. Load one with trtcompat\.load_engine\(path\)\.$"

CATALOG: tuple[Case, ...] = (
    # -- plans ------------------------------------------------------------------------------
    fails(
        "plan-bytes-not-a-plan",
        lambda ctx: tc.load_engine(b"not a plan"),
        tc.EngineLoadError,
        RuntimeError,
        r"^The given bytes are not a TensorRT plan: they start with b'not ', a plan starts with "
        r"b'ftrt'\. Check that the file is a serialized engine \(not ONNX, not a timing cache, "
        r"not a Torch-TensorRT or Triton wrapper around one\)\.$",
    ),
    fails(
        "plan-truncated",
        lambda ctx: tc.load_engine(build_plan(STATIC, ctx.era)[:30]),
        tc.EngineLoadError,
        RuntimeError,
        r"^The plan in the given bytes is truncated: 30 bytes, shorter than the 32-byte plan "
        r"header\. Copy or download the plan again\.$",
    ),
    fails(
        "plan-empty-bytes",
        lambda ctx: tc.load_engine(b""),
        tc.EngineLoadError,
        RuntimeError,
        r"^The plan in the given bytes is empty \(0 bytes\)\.$",
    ),
    fails(
        "plan-empty-file",
        lambda ctx: tc.load_engine(_write(ctx, "empty.plan", b"")),
        tc.EngineLoadError,
        RuntimeError,
        r"^The plan in '.*/empty\.plan' is empty \(0 bytes\)\.$",
    ),
    fails(
        "plan-missing-path",
        lambda ctx: tc.load_engine(ctx.tmp_path / "missing.plan"),
        tc.EngineLoadError,
        RuntimeError,
        r"^Cannot read plan file '.*/missing\.plan': No such file or directory\.$",
    ),
    fails(
        "plan-path-is-a-directory",
        lambda ctx: tc.load_engine(ctx.tmp_path),
        tc.EngineLoadError,
        RuntimeError,
        r"^Cannot read plan file '.*': Is a directory\.$",
    ),
    fails(
        "plan-neither-path-nor-bytes",
        lambda ctx: tc.load_engine(42),  # type: ignore[arg-type]
        tc.EngineLoadError,
        RuntimeError,
        r"^Expected a plan path, bytes or a buffer \(such as engine\.serialize\(\)'s IHostMemory\); got int\.$",
    ),
    fails(
        "plan-built-by-an-older-release",
        lambda ctx: tc.load_engine(build_plan(STATIC, {"10": "8.6", "11": "10"}[ctx.era])),
        tc.EngineLoadError,
        RuntimeError,
        r"^TensorRT {version} refused the plan built by TensorRT \d+\.\d+\.\d+ \(\d+ bytes\)\. "
        + _LOAD_SAID
        + r"1: \[stdArchiveReader\.cpp\] The engine plan file is not compatible with this "
        r"version of TensorRT, expecting library version {version} got \d+\.\d+\.\d+\.\d+, "
        r"please rebuild\.$",
        eras=("10", "11"),
    ),
    fails(
        "plan-built-by-a-newer-release",
        lambda ctx: tc.load_engine(build_plan(STATIC, "11")),
        tc.EngineLoadError,
        RuntimeError,
        _NEWER,
        eras=("8.4", "8.6", "10"),
    ),
    fails(
        "plan-file-built-before-8.6",
        lambda ctx: tc.load_engine(_write(ctx, "old.plan", build_plan(STATIC, "8.4"))),
        tc.EngineLoadError,
        RuntimeError,
        _BEFORE_8_6,
        eras=("8.6", "10", "11"),
    ),
    fails(
        "plan-dtype-the-runtime-lacks",
        lambda ctx: tc.load_engine(build_plan(BF16, ctx.era)),
        tc.EngineLoadError,
        RuntimeError,
        _REFUSED_OWN + _OWN_RELEASE_SAID + r"TensorRT {version} has no DataType BF16 \(x\)\.$",
        eras=BINDING_ERAS,
    ),
    fails(
        "plan-implicit-batch-on-a-runtime-without-it",
        lambda ctx: tc.load_engine(build_plan(IMPLICIT, ctx.era)),
        tc.EngineLoadError,
        RuntimeError,
        _REFUSED_OWN + _OWN_RELEASE_SAID + r"TensorRT {version} cannot run implicit-batch engines\.$",
        eras=TENSOR_ONLY_ERAS,
    ),
    fails(
        "plan-without-any-tensorrt",
        _no_tensorrt,
        tc.TensorRTNotFoundError,
        ImportError,
        r"^No TensorRT Python module could be imported: 'no_such_tensorrt' \(from "
        r"TRTCOMPAT_TRT_MODULE\)\.\nInstall one TensorRT runtime:\n.*pip install "
        r"tensorrt-cu12 .*TRTCOMPAT_TRT_MODULE to the module to import\.$",
    ),
    # -- not an engine ----------------------------------------------------------------------
    fails(
        "engine-none-io-tensors",
        lambda ctx: tc.io_tensors(None),
        tc.InvalidEngineError,
        TypeError,
        r"^Expected a TensorRT ICudaEngine; got NoneType" + _NOT_ENGINE,
    ),
    fails(
        "engine-none-runner",
        lambda ctx: tc.Runner(None, backend=ctx.backend),
        tc.InvalidEngineError,
        TypeError,
        r"^Expected a TensorRT ICudaEngine; got NoneType" + _NOT_ENGINE,
    ),
    fails(
        "engine-none-allocate-buffers",
        lambda ctx: tc.allocate_buffers(None, backend=ctx.backend),
        tc.InvalidEngineError,
        TypeError,
        r"^Expected a TensorRT ICudaEngine; got NoneType" + _NOT_ENGINE,
    ),
    fails(
        "engine-a-path-instead",
        lambda ctx: tc.io_tensors("model.plan"),
        tc.InvalidEngineError,
        TypeError,
        r"^Expected a TensorRT ICudaEngine; got str" + _NOT_ENGINE,
    ),
    fails(
        "engine-a-context-instead",
        lambda ctx: tc.Runner(ctx.engine().create_execution_context(), backend=ctx.backend),
        tc.InvalidEngineError,
        TypeError,
        r"^Expected a TensorRT ICudaEngine; got IExecutionContext" + _NOT_ENGINE,
    ),
    # -- tensor names -----------------------------------------------------------------------
    fails(
        "name-misspelt-input",
        lambda ctx: ctx.infer(STATIC, {"X": X}),
        tc.UnknownTensorError,
        KeyError,
        r"^Input 'X' is not a tensor of this engine\. " + _INPUTS_X,
    ),
    fails(
        "name-extra-input",
        lambda ctx: ctx.infer(STATIC, {"x": X, "mask": X}),
        tc.UnknownTensorError,
        KeyError,
        r"^Input 'mask' is not a tensor of this engine\. " + _INPUTS_X,
    ),
    fails(
        "name-output-fed-as-input",
        lambda ctx: ctx.infer(STATIC, {"y": X}),
        tc.UnknownTensorError,
        KeyError,
        r"^Input 'y' is an output\. " + _INPUTS_X,
    ),
    fails(
        "name-missing-only-input",
        lambda ctx: ctx.infer(STATIC, {}),
        tc.MissingInputError,
        KeyError,
        r"^Missing input 'x'\. " + _INPUTS_X,
    ),
    fails(
        "name-missing-second-input",
        lambda ctx: ctx.infer(TWO_PROFILES, {"x": np.ones((2, 4), np.float32)}),
        tc.MissingInputError,
        KeyError,
        r"^Missing input 'bias'\. The inputs are 'x', 'bias'\.$",
    ),
    fails(
        "name-unknown-profile-shapes",
        lambda ctx: tc.profile_shapes(ctx.engine(DYNAMIC), "images"),
        tc.UnknownTensorError,
        KeyError,
        r"^Engine has no tensor 'images'\.$",
    ),
    fails(
        "name-unknown-buffers-lookup",
        lambda ctx: _lookup(ctx, "images"),
        tc.UnknownTensorError,
        KeyError,
        r"^No tensor 'images'\. The engine has 'x', 'y'\.$",
    ),
    fails(
        "name-unknown-allocate-shapes",
        lambda ctx: ctx.buffers(DYNAMIC, shapes={"images": (1, 3)}),
        tc.UnknownTensorError,
        KeyError,
        r"^shapes= names 'images', which the engine lacks; it has 'x', 'y'\.$",
    ),
    fails(
        "name-unknown-set-input-shape",
        lambda ctx: tc.set_input_shape(
            ctx.engine(DYNAMIC).create_execution_context(), "images", (1, 3)
        ),
        tc.UnknownTensorError,
        KeyError,
        r"^Engine has no tensor 'images'\.$",
    ),
    # -- dtypes -----------------------------------------------------------------------------
    fails(
        "dtype-float64-for-float32",
        lambda ctx: ctx.infer(STATIC, {"x": X.astype(np.float64)}),
        tc.DTypeError,
        TypeError,
        r"^Input 'x' expects float32; got float64\. Convert with \.astype\('float32'\)\.$",
    ),
    fails(
        "dtype-float16-for-float32",
        lambda ctx: ctx.infer(STATIC, {"x": X.astype(np.float16)}),
        tc.DTypeError,
        TypeError,
        r"^Input 'x' expects float32; got float16\. Convert with \.astype\('float32'\)\.$",
    ),
    fails(
        "dtype-int64-for-int32",
        lambda ctx: ctx.infer(INT32, {"ids": np.arange(4, dtype=np.int64)}),
        tc.DTypeError,
        TypeError,
        r"^Input 'ids' expects int32; got int64\. Convert with \.astype\('int32'\)\.$",
    ),
    fails(
        "dtype-float32-for-int32",
        lambda ctx: ctx.infer(INT32, {"ids": np.arange(4, dtype=np.float32)}),
        tc.DTypeError,
        TypeError,
        r"^Input 'ids' expects int32; got float32\. Convert with \.astype\('int32'\)\.$",
    ),
    fails(
        "dtype-python-list",
        lambda ctx: ctx.infer(STATIC, {"x": X.tolist()}),
        tc.DTypeError,
        TypeError,
        r"^Input 'x' must be a numpy array or a CUDA device array \(torch, cupy, or any object "
        r"with __cuda_array_interface__ or DLPack's __dlpack__\); got list\.$",
    ),
    fails(
        "dtype-device-array-float64",
        lambda ctx: ctx.infer(STATIC, {"x": FakeDeviceArray(X.astype(np.float64))}),
        tc.DTypeError,
        TypeError,
        r"^Input 'x' expects float32; got float64\. Convert with \.astype\('float32'\)\.$",
    ),
    works(
        "dtype-int32-exact",
        lambda ctx: ctx.infer(INT32, {"ids": np.arange(4, dtype=np.int32)}),
        _equal({"out": np.arange(4, dtype=np.int32) * 3}),
    ),
    # -- ranks and shapes -------------------------------------------------------------------
    fails(
        "rank-too-low-static",
        lambda ctx: ctx.infer(STATIC, {"x": X.reshape(6)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' has rank 2 \(2, 3\); got shape \(6,\) \(rank 1\)\.$",
    ),
    fails(
        "rank-too-high-dynamic",
        lambda ctx: ctx.infer(DYNAMIC, {"x": X.reshape(1, 2, 3)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' has rank 2 \(-1, 3\); got shape \(1, 2, 3\) \(rank 3\)\.$",
    ),
    fails(
        "shape-static-dims-differ",
        lambda ctx: ctx.infer(STATIC, {"x": np.ones((2, 4), np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(2, 4\) is outside the profile 0 range \(2, 3\)\.\.\(2, 3\)\.$",
    ),
    fails(
        "shape-above-profile-max",
        lambda ctx: ctx.infer(DYNAMIC, {"x": np.ones((9, 3), np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(9, 3\) is outside the profile 0 range \(1, 3\)\.\.\(8, 3\)\.$",
    ),
    fails(
        "shape-below-profile-1-min",
        lambda ctx: ctx.infer(
            TWO_PROFILES,
            {"x": np.ones((4, 4), np.float32), "bias": np.ones(4, np.float32)},
            profile=1,
        ),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(4, 4\) is outside the profile 1 range \(5, 4\)\.\.\(16, 4\)\.$",
    ),
    fails(
        "shape-set-on-context-outside-profile",
        lambda ctx: tc.set_input_shape(ctx.engine(DYNAMIC).create_execution_context(), "x", (9, 3)),
        tc.ShapeError,
        ValueError,
        r"^TensorRT refused shape \(9, 3\) for input 'x'( \(binding 0\))?\. Input 'x' shape "
        r"\(9, 3\): dimension 0 is 9, outside profile 0's range 1\.\.8 for it \(min \(1, 3\), "
        r"max \(8, 3\)\)\. Use a profile whose range covers it, or rebuild the engine with a "
        r"wider one\. The runtime said:\n  \[ERROR\] .*\(9, 3\).*$",
    ),
    fails(
        "zero-size-below-profile-min",
        lambda ctx: ctx.infer(DYNAMIC, {"x": np.ones((0, 3), np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(0, 3\) is outside the profile 0 range \(1, 3\)\.\.\(8, 3\)\.$",
    ),
    fails(
        "zero-size-static-dim",
        lambda ctx: ctx.infer(STATIC, {"x": np.ones((2, 0), np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(2, 0\) is outside the profile 0 range \(2, 3\)\.\.\(2, 3\)\.$",
    ),
    works(
        "zero-size-inside-profile",
        lambda ctx: ctx.infer(ZERO_OK, {"x": np.ones((0, 3), np.float32)}),
        _equal({"y": np.ones((0, 3), np.float32)}),
    ),
    fails(
        "implicit-batch-above-max-batch-size",
        lambda ctx: ctx.infer(IMPLICIT, {"x": np.ones((9, 3), np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(9, 3\) is outside the max_batch_size range "
        r"\(1, 3\)\.\.\(8, 3\)\.$",
        eras=BINDING_ERAS,
    ),
    fails(
        "implicit-batch-zero",
        lambda ctx: ctx.infer(IMPLICIT, {"x": np.ones((0, 3), np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' shape \(0, 3\) is outside the max_batch_size range "
        r"\(1, 3\)\.\.\(8, 3\)\.$",
        eras=BINDING_ERAS,
    ),
    fails(
        "implicit-batch-without-batch-dim",
        lambda ctx: ctx.infer(IMPLICIT, {"x": np.ones(3, np.float32)}),
        tc.ShapeError,
        ValueError,
        r"^Input 'x' has rank 2 \(-1, 3\); got shape \(3,\) \(rank 1\)\.$",
        eras=BINDING_ERAS,
    ),
    works(
        "implicit-batch-at-max",
        lambda ctx: ctx.infer(IMPLICIT, {"x": np.full((8, 3), 2, np.float32)}),
        _equal({"y": np.full((8, 3), 4, np.float32)}),
        eras=BINDING_ERAS,
    ),
    # -- optimization profiles --------------------------------------------------------------
    fails(
        "profile-runner-out-of-range",
        lambda ctx: ctx.runner(TWO_PROFILES, profile=2),
        tc.ProfileError,
        IndexError,
        r"^Optimization profile 2 is out of range; the engine has 2 \(0\.\.1\)\.$",
    ),
    fails(
        "profile-runner-negative",
        lambda ctx: ctx.runner(TWO_PROFILES, profile=-1),
        tc.ProfileError,
        IndexError,
        r"^Optimization profile -1 is out of range; the engine has 2 \(0\.\.1\)\.$",
    ),
    fails(
        "profile-allocate-static-engine",
        lambda ctx: ctx.buffers(STATIC, profile=1),
        tc.ProfileError,
        IndexError,
        r"^Optimization profile 1 is out of range; the engine has 1 \(0\.\.0\)\.$",
    ),
    fails(
        "profile-allocate-dynamic-engine",
        lambda ctx: ctx.buffers(TWO_PROFILES, profile=5),
        tc.ProfileError,
        IndexError,
        r"^Optimization profile 5 is out of range; the engine has 2 \(0\.\.1\)\.$",
    ),
    fails(
        "profile-shapes-out-of-range",
        lambda ctx: tc.profile_shapes(ctx.engine(TWO_PROFILES), "x", 3),
        tc.ProfileError,
        IndexError,
        r"^Optimization profile 3 is out of range; the engine has 2 \(0\.\.1\)\.$",
    ),
    # -- layouts and devices ----------------------------------------------------------------
    works(
        "host-non-contiguous-is-copied",
        lambda ctx: ctx.infer(STATIC, {"x": _strided(X)}),
        _equal({"y": X * 2}),
    ),
    works(
        "host-fortran-order-is-copied",
        lambda ctx: ctx.infer(STATIC, {"x": np.asfortranarray(X)}),
        _equal({"y": X * 2}),
    ),
    works(
        "host-read-only-is-copied",
        lambda ctx: ctx.infer(STATIC, {"x": _read_only(X)}),
        _equal({"y": X * 2}),
    ),
    works(
        "device-array-bound-zero-copy",
        lambda ctx: ctx.infer(STATIC, {"x": FakeDeviceArray(X.copy())}),
        _equal({"y": X * 2}),
    ),
    fails(
        "device-array-non-contiguous",
        lambda ctx: ctx.infer(STATIC, {"x": FakeDeviceArray(_strided(X), strided=True)}),
        tc.LayoutError,
        ValueError,
        r"^Device input 'x' is not C-contiguous; TensorRT reads dense memory\. Pass "
        r"\.contiguous\(\) \(torch\) or cupy\.ascontiguousarray\(x\)\.$",
    ),
    fails(
        "device-array-fortran-order",
        lambda ctx: ctx.infer(STATIC, {"x": FakeDeviceArray(np.asfortranarray(X), strided=True)}),
        tc.LayoutError,
        ValueError,
        r"^Device input 'x' is not C-contiguous; TensorRT reads dense memory\. Pass "
        r"\.contiguous\(\) \(torch\) or cupy\.ascontiguousarray\(x\)\.$",
    ),
    fails(
        "device-array-on-another-device",
        lambda ctx: ctx.infer(STATIC, {"x": FakeDeviceArray(X, device=1)}),
        tc.DeviceError,
        ValueError,
        r"^Input 'x' lives on device 1; this Runner runs on device 0\.$",
    ),
    fails(
        "device-array-for-a-host-tensor",
        lambda ctx: ctx.infer(
            HOST_INPUT, {"x": X, "dims": FakeDeviceArray(np.array([2, 3], np.int32))}
        ),
        tc.LayoutError,
        ValueError,
        r"^Input 'dims' is a host \(shape\) tensor; pass a numpy array\.$",
    ),
    works(
        "host-tensor-from-numpy",
        lambda ctx: ctx.infer(HOST_INPUT, {"x": X, "dims": np.array([2, 3], np.int32)}),
        _equal({"y": X * 2}),
    ),
    # -- lifecycle --------------------------------------------------------------------------
    fails(
        "closed-buffers-lookup",
        lambda ctx: _use_closed_buffers(ctx, lambda b: b["x"]),
        tc.ClosedError,
        RuntimeError,
        r"^These buffers were closed; allocate new ones\.$",
    ),
    fails(
        "closed-buffers-unpacked",
        lambda ctx: _use_closed_buffers(ctx, lambda b: tuple(b)),
        tc.ClosedError,
        RuntimeError,
        r"^These buffers were closed; allocate new ones\.$",
    ),
    fails(
        "closed-buffers-grown",
        lambda ctx: _use_closed_buffers(ctx, lambda b: b.ensure("x", (2, 3))),
        tc.ClosedError,
        RuntimeError,
        r"^These buffers were closed; allocate new ones\.$",
    ),
    fails(
        "closed-buffers-bindings-executed",
        _execute_closed_bindings,
        tc.ExecutionError,
        RuntimeError,
        r"^TensorRT refused to execute the engine \({family} API, profile 0\)\. " + _EXEC_TENSORS,
    ),
    works("closed-buffers-twice", _double_close_buffers, _is_none),
    works("closed-runner-twice", _double_close_runner, _is_none),
    fails(
        "closed-runner-infer-after-with",
        _infer_after_exit,
        tc.ClosedError,
        RuntimeError,
        r"^This Runner was closed; create a new one\.$",
    ),
    fails(
        "closed-runner-synchronize",
        _synchronize_after_close,
        tc.ClosedError,
        RuntimeError,
        r"^This Runner was closed; create a new one\.$",
    ),
    fails(
        "runner-synchronize-before-infer",
        _synchronize_first,
        tc.ExecutionError,
        RuntimeError,
        r"^Nothing was enqueued; call infer_async\(feed\) first\.$",
    ),
    # -- backends ---------------------------------------------------------------------------
    fails(
        "backend-unknown-name",
        lambda ctx: get_backend("cuda"),
        tc.BackendUnavailableError,
        ImportError,
        r"^Unknown backend 'cuda' \(from name\); valid names: pycuda, cuda_python, cupy, "
        r"torch, host$",
    ),
    fails(
        "backend-unknown-name-from-env",
        _backend_env,
        tc.BackendUnavailableError,
        ImportError,
        r"^Unknown backend 'gpu0' \(from \$TRTCOMPAT_BACKEND\); valid names: pycuda, "
        r"cuda_python, cupy, torch, host$",
    ),
    fails(
        "backend-unknown-name-in-runner",
        lambda ctx: tc.Runner(ctx.engine(), backend="Host"),
        tc.BackendUnavailableError,
        ImportError,
        r"^Unknown backend 'Host' \(from name\); valid names: pycuda, cuda_python, cupy, "
        r"torch, host$",
    ),
    fails(
        "backend-cupy-not-installed",
        lambda ctx: _missing_library(ctx, "cupy", "cupy"),
        tc.BackendUnavailableError,
        ImportError,
        r"^Backend 'cupy' needs cupy \(e\.g\. cupy-cuda12x\), which could not be imported "
        r"\(.*cupy.*\); install it with: pip install cupy-cuda12x \(trtcompat's 'cupy' extra\)$",
    ),
    fails(
        "backend-torch-not-installed",
        lambda ctx: _missing_library(ctx, "torch", "torch"),
        tc.BackendUnavailableError,
        ImportError,
        r"^Backend 'torch' needs .*, which could not be imported \(.*torch.*\); install it "
        r"with: pip install torch \(trtcompat's 'torch' extra\)$",
    ),
    fails(
        "backend-pycuda-not-installed",
        lambda ctx: _missing_library(ctx, "pycuda", "pycuda"),
        tc.BackendUnavailableError,
        ImportError,
        r"^Backend 'pycuda' needs .*, which could not be imported \(.*pycuda.*\); install it "
        r"with: pip install pycuda \(trtcompat's 'pycuda' extra\)$",
    ),
    fails(
        "backend-device-that-does-not-exist",
        lambda ctx: get_backend("host", device=1),
        tc.DeviceError,
        ValueError,
        r"^Device 1 does not exist: the host backend has 1 device \(index 0\); pass device=0$",
    ),
    # -- API families -----------------------------------------------------------------------
    fails(
        "family-env-bindings-where-removed",
        _family_env("bindings"),
        tc.UnsupportedFamilyError,
        ValueError,
        r"^API family 'bindings' is not available on this engine \(tensorrt {version}\)\. "
        r"Must be 'tensors'\.$",
        eras=TENSOR_ONLY_ERAS,
    ),
    fails(
        "family-env-tensors-before-8-5",
        _family_env("tensors"),
        tc.UnsupportedFamilyError,
        ValueError,
        r"^API family 'tensors' is not available on this engine \(tensorrt {version}\)\. "
        r"Must be 'bindings'\.$",
        eras=("8.4",),
    ),
    fails(
        "family-env-tensors-on-implicit-batch",
        _family_env("tensors", IMPLICIT),
        tc.UnsupportedFamilyError,
        ValueError,
        r"^API family 'tensors' is not available on this engine \(an implicit-batch engine\) "
        r"\(tensorrt {version}\)\. Must be 'bindings'\.$",
        eras=BINDING_ERAS,
    ),
    fails(
        "family-env-unknown",
        _family_env("legacy"),
        tc.UnsupportedFamilyError,
        ValueError,
        r"^Unknown API family 'legacy'\. Must be 'bindings' or 'tensors'\.$",
    ),
    fails(
        "family-argument-unknown",
        lambda ctx: ctx.runner(family="Tensors"),
        tc.UnsupportedFamilyError,
        ValueError,
        r"^Unknown API family 'Tensors'\. Must be 'bindings' or 'tensors'\.$",
    ),
    works(
        "family-env-bindings-where-both-exist",
        _bindings_on_8_6,
        _expect_bindings,
        eras=("8.6",),
    ),
)


def _lookup(ctx: Ctx, name: str) -> object:
    with ctx.buffers() as buffers:
        return buffers[name]


def _read_only(array: np.ndarray) -> np.ndarray:
    frozen = array.copy()
    frozen.flags.writeable = False
    return frozen


def test_catalog_is_one_table_of_distinct_rows() -> None:
    ids = [case.id for case in CATALOG]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len([c for c in CATALOG if c.error is not None]) >= 40
    for case in CATALOG:
        if case.error is not None:
            assert case.builtin is not None and issubclass(case.error, case.builtin), case.id
        assert set(case.eras) <= set(ERAS) and case.eras, case.id


@pytest.mark.parametrize(
    ("case", "era_key"),
    [pytest.param(c, e, id=f"{c.id}-trt{e}") for c in CATALOG for e in c.eras],
)
def test_bad_input(
    case: Case, era_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = get_backend("host")
    start = host.outstanding()
    books = FaultInjectingBackend(host)  # k=None: never fails, only keeps the books
    with fake_tensorrt(era_key):
        ctx = Ctx(era_key, books, tmp_path, monkeypatch)
        if case.error is None:
            assert case.expect is not None
            case.expect(case.trigger(ctx))
        else:
            with pytest.raises(case.error) as info:
                case.trigger(ctx)
            error = info.value
            assert type(error) is case.error, f"{type(error).__name__}: {error}"
            assert isinstance(error, TrtCompatError) and case.builtin is not None
            assert isinstance(error, case.builtin), f"not a {case.builtin.__name__}"
            pattern = case.message.replace("{version}", re.escape(era_info(era_key).version))
            pattern = pattern.replace("{family}", ctx.family)
            assert re.fullmatch(pattern, str(error), flags=re.DOTALL), (
                f"message {str(error)!r} does not match {pattern!r}"
            )
    assert host.outstanding() == start, "host allocations leaked"
    assert books.balanced(), f"leaked through the error path: {books!r}"
