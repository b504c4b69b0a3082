"""What both family modules share: Dims and enum conversion, profile selection (the same
calls in both APIs), and the error that describes a refused call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _trtlog
from .._dtypes import enum_name
from ..errors import ExecutionError, ProfileError, TrtCompatError
from ..iotensor import Location

if TYPE_CHECKING:
    from ._protocol import Family

__all__ = [
    "active_profile",
    "check_profile",
    "dims_valid",
    "enum_name",
    "explain_failure",
    "location_of",
    "num_profiles",
    "set_profile",
    "to_shape",
]


def to_shape(dims: Any) -> tuple[int, ...]:
    """A TensorRT ``Dims`` (or any sequence of ints) as a tuple of Python ints."""
    return tuple(int(d) for d in dims)


def dims_valid(dims: Any) -> bool:
    """False for TensorRT's invalid Dims (``nbDims == -1``, its answer for a name that is no
    I/O tensor): ``len()`` raises ValueError, while iterating it gives an empty shape."""
    try:
        len(dims)
    except ValueError:
        return False
    return True


def location_of(value: Any) -> Location:
    """A ``TensorLocation`` as ``"device"`` or ``"host"``."""
    return "host" if enum_name(value) == "HOST" else "device"


def num_profiles(engine: Any) -> int:
    """The number of optimization profiles (at least 1)."""
    return max(int(engine.num_optimization_profiles), 1)


def check_profile(engine: Any, profile: int) -> None:
    """Raises ProfileError unless ``profile`` indexes one of the engine's profiles."""
    count = num_profiles(engine)
    if not 0 <= profile < count:
        raise ProfileError(
            f"Optimization profile {profile} is out of range; the engine has {count} "
            f"(0..{count - 1})."
        )


def no_profile_error() -> ProfileError:
    """What a context on profile -1 (8.x: another context holds profile 0) raises."""
    return ProfileError(
        "The execution context has no optimization profile (-1): another context holds "
        "profile 0. Select one with trtcompat.Runner(profile=...) or "
        "context.set_optimization_profile_async(k, stream)."
    )


def active_profile(context: Any) -> int:
    """The context's active profile, -1 when none."""
    return int(context.active_optimization_profile)


def set_profile(context: Any, profile: int, stream: int) -> None:
    """``set_optimization_profile_async``; its RuntimeError becomes ProfileError."""
    check_profile(context.engine, profile)
    try:
        context.set_optimization_profile_async(profile, stream)
    except RuntimeError as err:
        raise ProfileError(f"TensorRT refused optimization profile {profile}: {err}") from err


def explain_failure(family: Family, context: Any, what: str) -> ExecutionError:
    """An ExecutionError naming the engine's tensors, the context's shapes and what TensorRT
    logged on this thread since the last error quoted it.

    Built only after TensorRT refused something, so it may query the engine freely.
    """
    engine = context.engine
    parts = []
    for t in family.io_tensors(engine):
        try:
            shape: Any = family.tensor_shape(context, t.name)
        except TrtCompatError as err:
            shape = f"unknown ({err})"
        parts.append(f"{t.mode} {t.name!r} {t.trt_dtype} shape {shape}")
    profile = family.active_profile(context)
    said = _trtlog.unclaimed()
    return ExecutionError(
        f"TensorRT refused to {what} ({family.NAME} API, profile {profile}). Tensors: "
        + "; ".join(parts)
        + (
            ". The runtime said:" + "".join(f"\n  {line}" for line in said)
            if said
            else ". Nothing reached trtcompat's logger (TensorRT logs to the logger of the "
            "process's first Runtime or Builder; load engines with trtcompat.load_engine)."
        ),
        trt_log=said,
    )
