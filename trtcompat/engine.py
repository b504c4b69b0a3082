"""Loading plans and the family-agnostic engine and context calls."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from . import _detect
from ._dispatch import family_for, runtime_info
from ._family import Shape
from .errors import EngineLoadError, PlanFormatError
from .iotensor import IOTensor
from .plan import MAGIC, PlanInfo, load_problem, plan_info

__all__ = [
    "io_tensors",
    "load_engine",
    "profile_shapes",
    "set_input_shape",
    "tensor_shape",
]

_MAX_LOGGED = 200


def _capturing_logger(trt: Any) -> Any:
    """An ``ILogger`` subclass that keeps what the runtime says (bounded), for error messages."""

    class _CapturingLogger(trt.ILogger):  # type: ignore[misc]
        def __init__(self) -> None:
            trt.ILogger.__init__(self)
            self.messages: list[str] = []
            self._lock = threading.Lock()

        def log(self, severity: Any, msg: str) -> None:
            with self._lock:
                if len(self.messages) < _MAX_LOGGED:
                    self.messages.append(f"[{getattr(severity, 'name', severity)}] {msg}")

    return _CapturingLogger()


def _read_plan(source: str | os.PathLike[str] | bytes | bytearray | memoryview) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        where = "the given bytes"
    elif isinstance(source, (str, os.PathLike)):
        where = repr(os.fspath(source))
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as err:
            raise EngineLoadError(f"Cannot read plan file {where}: {err.strerror}.") from err
    else:
        raise EngineLoadError(f"Expected a plan path or bytes; got {type(source).__name__}.")
    if not data:
        raise EngineLoadError(f"The plan in {where} is empty (0 bytes).")
    return data


def load_engine(
    source: str | os.PathLike[str] | bytes | bytearray | memoryview, runtime: Any = None
) -> Any:
    """Deserializes a plan with the installed TensorRT (or the given ``trt.Runtime``).

    Args:
        source: A path to a ``.plan``/``.engine`` file, or its bytes.
        runtime: A ``Runtime`` to use; by default one is made with a logger that records
            what TensorRT says, so a refusal can be explained.

    Returns:
        The ``ICudaEngine``.

    Raises:
        EngineLoadError: unreadable or empty input, or TensorRT refused the plan; carries
            ``messages`` (what the runtime logged) and ``version``.
        TensorRTNotFoundError: no TensorRT is installed.
    """
    data = _read_plan(source)
    messages: list[str] = []
    if runtime is None:
        info = runtime_info()
        trt = _detect.find_trt_module()
        logger = _capturing_logger(trt)
        runtime = trt.Runtime(logger)  # type: ignore[union-attr]
        messages = logger.messages
        version: str | None = info.version
    else:
        module = _detect.find_trt_module()
        version = _detect.module_version(module) if module else None
    header = _check_header(data, version)
    # The pybind binding keeps the runtime alive as long as the engine (py::keep_alive).
    engine = runtime.deserialize_cuda_engine(data)
    if engine is None:
        said = "\n  ".join(messages) if messages else "(nothing logged)"
        built = f" built by TensorRT {header.version}" if header and header.version else ""
        raise EngineLoadError(
            f"TensorRT {version or '(unknown version)'} refused the plan{built} "
            f"({len(data)} bytes). "
            f"Plans only load on the TensorRT version (and GPU) that built them, unless built "
            f"version-compatible. The runtime said:\n  {said}",
            messages=tuple(messages),
            version=version,
        )
    return engine


def _check_header(data: bytes, version: str | None) -> PlanInfo | None:
    """Refuses, before TensorRT sees it, a real plan the header proves cannot load here."""
    if data[:4] != MAGIC:
        return None  # not a TensorRT plan (or a trtcompat.testing fake): TensorRT decides
    try:
        info = plan_info(data)
    except PlanFormatError as err:
        raise EngineLoadError(str(err), version=version) from None
    problem = load_problem(info, version) if version else None
    if problem:
        raise EngineLoadError(
            f"TensorRT {version} cannot load this plan ({len(data)} bytes): {problem}",
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
        ShapeError: TensorRT refused the shape (outside the profile, wrong rank).
        UnknownTensorError: no such tensor.
        ProfileError: the context has no active profile (8.x second context).
    """
    family_for(context.engine).set_input_shape(context, name, shape)


def tensor_shape(context: Any, name: str) -> Shape:
    """A tensor's shape as the context resolves it (-1 where not yet known)."""
    return family_for(context.engine).tensor_shape(context, name)


def __dir__() -> list[str]:
    return __all__
