"""The one table of TensorRT version facts, and version parsing.

Everything trtcompat knows about *when* an API appeared or disappeared lives here, so a new
TensorRT release is one edit. Sources: ``shared/TRT_API.md`` (NVIDIA/TensorRT
``python/src/infer/pyCore.cpp`` at each ``release/x.y`` branch, and the PyPI wheels).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from ._compat import DATACLASS_SLOTS

__all__ = [
    "FAMILIES",
    "MINIMUM_SUPPORTED",
    "NEWEST_KNOWN_MAJOR",
    "REMOVED",
    "TRT_8_5",
    "TRT_10_0",
    "TRT_11_0",
    "FamilySpan",
    "families_for",
    "parse_version",
    "removed_in",
]

TRT_8_0 = Version("8.0")
# Breakpoint: TensorRT 8.5 added the name-based API (num_io_tensors, execute_async_v3, ...).
TRT_8_5 = Version("8.5")
# Breakpoint: TensorRT 10.0 removed the binding-index API and implicit batch.
TRT_10_0 = Version("10.0")
# Breakpoint: TensorRT 11.0 removed device_memory_size, has_implicit_batch_dimension and more.
TRT_11_0 = Version("11.0")

MINIMUM_SUPPORTED = TRT_8_0
NEWEST_KNOWN_MAJOR = 11


@dataclass(frozen=True, **DATACLASS_SLOTS)
class FamilySpan:
    """The releases in which one API family exists: ``since <= v < until``."""

    family: str
    since: Version
    until: Version | None

    def contains(self, version: Version) -> bool:
        """Whether ``version`` has this family."""
        return self.since <= version and (self.until is None or version < self.until)


FAMILIES: tuple[FamilySpan, ...] = (
    FamilySpan("bindings", TRT_8_0, TRT_10_0),
    FamilySpan("tensors", TRT_8_5, None),
)

# Members that a release removed, per class: {class: {member: first release without it}}.
REMOVED: dict[str, dict[str, Version]] = {
    "ICudaEngine": {
        **dict.fromkeys(
            (
                "__len__",
                "num_bindings",
                "get_binding_name",
                "get_binding_index",
                "binding_is_input",
                "get_binding_shape",
                "get_binding_dtype",
                "get_binding_format",
                "get_binding_format_desc",
                "get_binding_vectorized_dim",
                "get_binding_bytes_per_component",
                "get_binding_components_per_element",
                "get_location",
                "is_shape_binding",
                "is_execution_binding",
                "get_profile_shape",
                "get_profile_shape_input",
                "max_batch_size",
            ),
            TRT_10_0,
        ),
        **dict.fromkeys(
            (
                "has_implicit_batch_dimension",
                "device_memory_size",
                "get_device_memory_size_for_profile",
                "create_execution_context_without_device_memory",
                "weight_streaming_budget",
                "minimum_weight_streaming_budget",
            ),
            TRT_11_0,
        ),
    },
    "IExecutionContext": {
        **dict.fromkeys(
            (
                "execute",
                "execute_async",
                "execute_async_v2",
                "set_binding_shape",
                "get_binding_shape",
                "get_strides",
                "set_shape_input",
                "get_shape",
            ),
            TRT_10_0,
        ),
        "all_shape_inputs_specified": TRT_11_0,
    },
}


@lru_cache(maxsize=64)
def parse_version(text: str) -> Version:
    """Parses a TensorRT ``__version__`` string (``"8.6.1.6"``, ``"10.16.1.11"``).

    Raises:
        ValueError: ``text`` is not a version.

    >>> parse_version("10.16.1.11") >= TRT_10_0
    True
    """
    try:
        return Version(text)
    except InvalidVersion:
        raise ValueError(f"Not a TensorRT version: {text!r}.") from None


def families_for(version: Version) -> tuple[str, ...]:
    """The API families a TensorRT release offers, oldest first.

    >>> families_for(parse_version("8.6.1"))
    ('bindings', 'tensors')
    >>> families_for(parse_version("10.0.1"))
    ('tensors',)
    """
    return tuple(span.family for span in FAMILIES if span.contains(version))


def removed_in(cls: str, member: str) -> Version | None:
    """The first release without ``cls.member``, or ``None`` if it was never removed."""
    return REMOVED.get(cls, {}).get(member)


def __dir__() -> list[str]:
    return __all__
