"""Loading plans and the family-agnostic engine and context calls."""

from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from typing import Any

from . import _capabilities, _detect, _trtlog
from ._dispatch import family_for
from ._family import Shape
from ._planprefix import split_prefix
from .discovery import runtime_info
from .errors import EngineLoadError, PlanFormatError, RuntimeCreationError
from .iotensor import IOTensor
from .plan import PlanInfo, built_by, describes_plans_of, load_problem, plan_info

__all__ = [
    "create_runtime",
    "device_memory_size",
    "io_tensors",
    "load_engine",
    "profile_shapes",
    "set_input_shape",
    "tensor_shape",
]

# Kept alive for good: see _pin.
_DEAD_RUNTIMES: list[Any] = []


def _pin(runtime: Any) -> None:
    # A Runtime TensorRT failed to create wraps no live object: reading an attribute of it
    # *or destroying it* kills the process with SIGSEGV (seen with tensorrt-lean-cu12
    # 10.16.1.11 on a machine without a GPU). Leak one reference so that neither the garbage
    # collector nor interpreter shutdown ever runs its destructor.
    _DEAD_RUNTIMES.append(runtime)
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(runtime))


def create_runtime() -> Any:
    """A ``Runtime`` of the installed TensorRT that is known to be alive.

    It logs to trtcompat's logger, so errors raised for what it (and the engines it loads)
    refuse quote TensorRT's own lines. TensorRT answers a failed ``createInferRuntime`` (no
    usable CUDA driver or GPU) with an object that crashes the process when touched; this
    checks what TensorRT logged and raises instead.

    Raises:
        RuntimeCreationError: TensorRT could not create a Runtime; ``trt_log`` has its lines.
        TensorRTNotFoundError: no TensorRT is installed.
        UnsupportedTensorRTError: the installed TensorRT is older than 8.0.
    """
    info = runtime_info()
    trt: Any = _detect.find_trt_module()
    start = _trtlog.mark()
    try:
        runtime = trt.Runtime(_trtlog.logger_for(trt))
    except Exception as err:  # pybind11 raises when TensorRT's factory returns nullptr
        said = _trtlog.lines_since(start)
        why = f"the call raised {type(err).__name__}: {err}"
        raise _creation_error(info.module, info.version, said, why) from err
    said = _trtlog.lines_since(start)
    errors = _trtlog.errors_in(said)
    if runtime is None or errors:
        if runtime is not None:
            _pin(runtime)
        raise _creation_error(info.module, info.version, said, "it returned no runtime")
    return runtime


def _creation_error(
    module: str, version: str, said: tuple[str, ...], fallback: str
) -> RuntimeCreationError:
    # Where TensorRT logged nothing (its factory returned nullptr and pybind raised), the
    # first line says so and carries the binding's own error: doctor prints that line.
    joined = "\n  ".join(said)
    said_text = f"TensorRT said:\n  {joined}" if said else f"TensorRT logged nothing; {fallback}."
    return RuntimeCreationError(
        f"{module} {version} could not create a TensorRT Runtime. {said_text}\n"
        "TensorRT needs a working NVIDIA driver and GPU to create one (CUDA error 35 is a "
        "driver missing or older than the CUDA that TensorRT was built with); "
        "`trtcompat doctor` shows the GPU and driver it finds.",
        trt_log=said,
        version=version,
    )


def _read_plan(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview,
) -> tuple[bytes, str | None]:
    path: str | None = None
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as err:
            raise EngineLoadError(f"Cannot read plan file {path!r}: {err.strerror}.") from err
    else:
        # bytes, or any buffer: what engine.serialize() and build_serialized_network() return
        # is an IHostMemory, which has the buffer protocol but no len() and is no bytes.
        try:
            data = bytes(memoryview(source))
        except TypeError:
            raise EngineLoadError(
                f"Expected a plan path, bytes or a buffer (such as engine.serialize()'s "
                f"IHostMemory); got {type(source).__name__}."
            ) from None
    return split_prefix(data)[1], path  # TensorRT refuses Ultralytics' metadata prefix


def load_engine(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview, runtime: Any = None
) -> Any:
    """Deserializes a plan with the installed TensorRT (or the given ``trt.Runtime``).

    Args:
        source: A path to a ``.plan``/``.engine`` file, or its bytes (any object with the
            buffer protocol, such as the ``IHostMemory`` of ``engine.serialize()``).
        runtime: A ``Runtime`` to use; by default :func:`create_runtime` makes one.

    Returns:
        The ``ICudaEngine``.

    Raises:
        EngineLoadError: unreadable input; bytes that are no TensorRT plan, or a plan that is
            truncated or that the installed TensorRT cannot load according to its header
            (the verdict of :func:`plan_info` / :func:`load_problem`, before any Runtime is
            created); or TensorRT refused the plan. Carries ``trt_log`` (what TensorRT
            logged) and ``version``.
        RuntimeCreationError: TensorRT could not create a Runtime (no usable GPU or driver).
        TensorRTNotFoundError: no TensorRT is installed.
    """
    data, path = _read_plan(source)
    if runtime is None:
        version: str | None = runtime_info().version
        nothing = "(nothing reached trtcompat's logger)"
    else:
        module = _detect.find_trt_module()
        version = _detect.module_version(module) if module else None
        nothing = (
            "(nothing reached trtcompat's logger: TensorRT logs to the logger of the first "
            "Runtime or Builder of the process, here the one you passed)"
        )
    header = _check_header(data, path, version)  # before a Runtime: needs no GPU
    if runtime is None:
        runtime = create_runtime()
    start = _trtlog.mark()
    # The pybind binding keeps the runtime alive as long as the engine (py::keep_alive).
    engine = runtime.deserialize_cuda_engine(data)
    if engine is None:
        said = _trtlog.lines_since(start)
        text = "\n  ".join(said) if said else nothing
        built = f" built by TensorRT {header.version}" if header and header.version else ""
        if header is not None and version is not None and built_by(header, version):
            # Its own release: the version is not the reason; the GPU or the engine may be.
            why = (
                "This release built it, so the version is not the reason; a plan also only "
                "loads on the GPU model that built it, unless built hardware-compatible."
            )
        else:
            why = (
                "Plans only load on the TensorRT version (and GPU) that built them, unless "
                "built version-compatible."
            )
        raise EngineLoadError(
            f"TensorRT {version or '(unknown version)'} refused the plan{built} "
            f"({len(data)} bytes). {why} The runtime said:\n  {text}",
            trt_log=said,
            version=version,
        )
    return engine


def device_memory_size(engine: Any) -> int | None:
    """The activation memory ``engine`` needs, in bytes; None where TensorRT does not say.

    Reads ``device_memory_size_v2`` where it exists (TensorRT 10.1 added it and made the old
    property warn; 11.0 removed the old one), else ``device_memory_size``.
    """
    return _capabilities.device_memory_size(engine)


def _check_header(data: bytes, path: str | None, version: str | None) -> PlanInfo | None:
    """Refuses, before TensorRT sees them, bytes the header proves are no plan (TensorRT
    checks the same magic first) and a plan the header proves cannot load here; the verdict
    is the one :func:`plan_info` and ``trtcompat plans`` give."""
    if version is not None and not describes_plans_of(version):
        if not data:  # TensorRT-RTX: its plans are not described by the header reader
            where = repr(path) if path else "the given bytes"
            raise EngineLoadError(f"The plan in {where} is empty (0 bytes).", version=version)
        return None
    try:
        info = plan_info(data, path=path)
    except PlanFormatError as err:
        raise EngineLoadError(str(err), version=version) from None
    problem = load_problem(info, version) if version else None
    if problem:
        where = repr(path) if path else "the given bytes"
        raise EngineLoadError(
            f"TensorRT {version} cannot load the plan in {where} ({len(data)} bytes): "
            f"{problem}",
            version=version,
        )
    return info


def io_tensors(engine: Any, *, family: str | None = None) -> tuple[IOTensor, ...]:
    """Every I/O tensor of ``engine``, once each, the same on every TensorRT.

    Args:
        engine: An ``ICudaEngine`` of any supported TensorRT.
        family: Force ``"bindings"`` or ``"tensors"`` where both exist (8.5/8.6).

    Raises:
        InvalidEngineError: ``engine`` is not an engine.
        UnsupportedFamilyError: ``family`` is not available on this engine.
    """
    return family_for(engine, family).io_tensors(engine)


def profile_shapes(
    engine: Any, name: str, profile: int = 0, *, family: str | None = None
) -> tuple[Shape, Shape, Shape]:
    """``(min, opt, max)`` shapes of input ``name`` in ``profile``.

    Implicit-batch engines report batch 1 .. ``max_batch_size`` as the leading dimension.

    Raises:
        UnknownTensorError: no such tensor.
        ProfileError: ``profile`` out of range.
    """
    return family_for(engine, family).profile_shapes(engine, name, profile)


def set_input_shape(context: Any, name: str, shape: Sequence[int]) -> None:
    """Sets an input's shape on a context: ``set_binding_shape`` on the active profile's
    binding (8.x) or ``set_input_shape`` (8.5+).

    Raises:
        ShapeError: TensorRT refused the shape; names the dimension and the active
            profile's range for it (or the static size it must have), and carries
            ``trt_log``.
        UnknownTensorError: no such tensor.
        ProfileError: the context has no active profile (8.x second context).
    """
    family_for(context.engine).set_input_shape(context, name, shape)


def tensor_shape(context: Any, name: str) -> Shape:
    """A tensor's shape as the context resolves it (-1 where not yet known)."""
    return family_for(context.engine).tensor_shape(context, name)


def __dir__() -> list[str]:
    return __all__
