"""The trtcompat exception hierarchy, and nothing else.

Every error derives from :class:`TrtCompatError` and from the built-in that fits it, so callers
can catch either: ``except trtcompat.ShapeError`` or ``except ValueError`` both work. Messages
name the tensor, what was expected and what was given, and the fix where one is known.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "BackendError",
    "BackendUnavailableError",
    "BuildError",
    "BuildFeatureError",
    "OnnxParseError",
    "PrecisionError",
    "ClosedError",
    "DTypeError",
    "DeviceError",
    "EngineLoadError",
    "EngineSpecError",
    "ExecutionError",
    "InvalidEngineError",
    "LayoutError",
    "MissingInputError",
    "OptionError",
    "PlanFormatError",
    "PlanStoreError",
    "PlanTruncatedError",
    "ProfileError",
    "RuntimeCreationError",
    "ShapeError",
    "TensorRTNotFoundError",
    "TrtCompatError",
    "TrtCompatWarning",
    "UnknownTensorError",
    "UnsupportedFamilyError",
    "UnsupportedTensorRTError",
]


class TrtCompatError(Exception):
    """Base class of every error trtcompat raises.

    Attributes:
        trt_log: The lines TensorRT logged about the failure (``"[ERROR] ..."``), oldest first;
            empty where TensorRT was not involved or logged nothing trtcompat could see. The
            message repeats them.
    """

    def __init__(self, *args: object, trt_log: tuple[str, ...] = ()) -> None:
        super().__init__(*args)
        self.trt_log = trt_log


class _PlainKeyError(KeyError):
    # KeyError.__str__ shows repr(args[0]); our messages are sentences, so print them as such.
    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class TensorRTNotFoundError(TrtCompatError, ImportError):
    """No TensorRT Python module could be imported.

    Attributes:
        import_errors: Candidate module name -> the error its import raised
            (``"ImportError: libnvinfer.so.10: cannot open shared object file ..."``), for
            each candidate that is installed but failed to import. Candidates that are not
            installed at all are left out.
    """

    def __init__(self, message: str, *, import_errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.import_errors: dict[str, str] = dict(import_errors or {})


class UnsupportedTensorRTError(TrtCompatError, ImportError):
    """The installed TensorRT is older than the oldest release trtcompat supports."""


class UnsupportedFamilyError(TrtCompatError, ValueError):
    """An API family (``bindings`` or ``tensors``) was asked for that the engine lacks."""


class EngineLoadError(TrtCompatError, RuntimeError):
    """A plan could not be read or deserialized.

    Attributes:
        trt_log: What TensorRT logged while it refused the plan.
        version: The TensorRT version that refused it, or ``None`` when none was involved.
    """

    def __init__(
        self, message: str, *, trt_log: tuple[str, ...] = (), version: str | None = None
    ) -> None:
        super().__init__(message, trt_log=trt_log)
        self.version = version


class RuntimeCreationError(EngineLoadError):
    """TensorRT could not create a ``Runtime``: no usable CUDA driver or GPU, most often.

    TensorRT returns a runtime object even then, and any use of it crashes the process, so
    trtcompat checks what TensorRT logged before touching it. ``trt_log`` holds TensorRT's
    lines (``createInferRuntime: Error Code 6: API Usage Error (CUDA initialization failure
    ...)``).
    """


class PlanFormatError(TrtCompatError, ValueError):
    """Bytes that are not a TensorRT plan (no ``ftrt`` magic at the start)."""


class PlanTruncatedError(PlanFormatError):
    """A plan shorter than its own header says: a partial copy or download."""


class InvalidEngineError(TrtCompatError, TypeError):
    """Something that is not a TensorRT engine (or context) was passed where one is needed."""


class UnknownTensorError(TrtCompatError, _PlainKeyError):
    """A tensor name the engine does not have, or one given where it is not allowed."""


class MissingInputError(TrtCompatError, _PlainKeyError):
    """An input the engine needs was not given."""


class ShapeError(TrtCompatError, ValueError):
    """A shape of the wrong rank, outside the active profile, or refused by TensorRT."""


class DTypeError(TrtCompatError, TypeError):
    """An array whose dtype differs from the tensor's."""


class LayoutError(TrtCompatError, ValueError):
    """A device array that is not C-contiguous, or an output array that is read-only."""


class DeviceError(TrtCompatError, ValueError):
    """A device index that does not exist, or an array that lives on another device."""


class ProfileError(TrtCompatError, IndexError):
    """An optimization profile index out of range, or a profile TensorRT refused."""


class BackendUnavailableError(TrtCompatError, ImportError):
    """A memory backend whose library is not installed, or an unknown backend name."""


class BackendError(TrtCompatError, RuntimeError):
    """A CUDA call made through a memory backend failed."""


class BackendProtocolError(TrtCompatError, TypeError):
    """An object given as a memory backend lacks members the ``Backend`` Protocol requires."""


class ExecutionError(TrtCompatError, RuntimeError):
    """TensorRT refused to enqueue or run the engine."""


class ClosedError(TrtCompatError, RuntimeError):
    """A buffer set or Runner used after ``close()``."""


class EngineSpecError(TrtCompatError, ValueError):
    """A ``trtcompat.testing.EngineSpec`` that describes no engine TensorRT could build."""


class OptionError(TrtCompatError, ValueError):
    """A keyword argument given a value outside the ones it takes (``Runner(outputs=...)``)."""


class BuildError(TrtCompatError, RuntimeError):
    """TensorRT could not build a plan, or a build was asked for with a value it cannot take.

    ``trt_log`` holds what TensorRT logged during the build.
    """


class OnnxParseError(BuildError):
    """TensorRT's ONNX parser refused the model.

    Attributes:
        errors: One entry per parser error: ``(node index or -1, node name, operator,
            description)``, in the parser's order.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: tuple[tuple[int, str, str, str], ...] = (),
        trt_log: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, trt_log=trt_log)
        self.errors = errors


class PrecisionError(BuildError, ValueError):
    """A precision the installed TensorRT cannot meet for this model (never lowered silently)."""


class BuildFeatureError(BuildError, NotImplementedError):
    """A build feature the installed TensorRT release lacks.

    Attributes:
        feature: The feature asked for (``"version_compatible"``, ``"bf16"``, ...).
        added_in: The release that added it, or ``None`` where none has it.
        removed_in: The release that removed it, or ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        feature: str,
        added_in: str | None = None,
        removed_in: str | None = None,
    ) -> None:
        super().__init__(message)
        self.feature = feature
        self.added_in = added_in
        self.removed_in = removed_in


class PlanStoreError(TrtCompatError, OSError):
    """A :class:`trtcompat.PlanStore` could not store or find a plan: a read-only or full
    store, a lock that was not granted in time, or a model the store cannot key.

    Nothing half-written is left in the store when it is raised.
    """


class TrtCompatWarning(UserWarning):
    """A condition worth knowing that does not stop the work (e.g. an unknown, newer TensorRT)."""


def __dir__() -> list[str]:
    return __all__
