"""The one table of TensorRT version facts, and version parsing.

Everything trtcompat knows about *when* an API appeared or disappeared lives here, so a new
TensorRT release is one edit (members: regenerate ``_api_changes.py`` with
``tools/extract_surfaces.py`` and ``tools/gen_api_changes.py``). Sources: the pybind sources of
NVIDIA/TensorRT ``python/src`` at each ``release/x.y`` branch, and the PyPI wheels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from packaging.version import InvalidVersion, Version

from ._api_changes import CHANGES
from ._compat import DATACLASS_SLOTS

__all__ = [
    "release",
    "release_major",
    "FAMILIES",
    "MINIMUM_SUPPORTED",
    "NEWEST_KNOWN_MAJOR",
    "ADDED",
    "REMOVED",
    "RUNTIME_CLASSES",
    "TRT_8_5",
    "TRT_10_0",
    "TRT_11_0",
    "FamilySpan",
    "families_for",
    "parse_version",
    "offered",
    "RELEASE_BUILDS",
    "added_in",
    "removed_in",
    "has_member",
]

TRT_8_0 = Version("8.0")
# Breakpoint: TensorRT 8.5 added the name-based API (num_io_tensors, execute_async_v3, ...).
TRT_8_5 = Version("8.5")
# Breakpoint: TensorRT 10.0 removed the binding-index API and implicit batch.
TRT_10_0 = Version("10.0")
# Breakpoint: TensorRT 11.0 removed device_memory_size, has_implicit_batch_dimension and more.
TRT_11_0 = Version("11.0")

MINIMUM_SUPPORTED = TRT_8_0


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

# The classes of the runtime (the lean/dispatch modules hold exactly these); the fakes model them.
RUNTIME_CLASSES = ("ICudaEngine", "IExecutionContext", "Runtime")


def _column(index: int) -> dict[str, dict[str, Version]]:
    table: dict[str, dict[str, Version]] = {}
    for cls in RUNTIME_CLASSES:
        for member, change in CHANGES.get(cls, {}).items():
            when = change[index]
            # ``__getitem__(str)`` is one overload of a member that stays: not a member.
            if when is not None and "(" not in member:
                table.setdefault(cls, {})[member] = Version(when)
    return table


# Members of the runtime classes that a release added or removed, per class:
# {class: {member: first release with / without it}}. Derived from ``_api_changes.CHANGES``
# (the pybind sources per release branch), as are the scanner's rules and the fakes' member
# lists (``testing/_eras.py``); ``tests/test_migrate_table.py`` checks that they agree.
ADDED: dict[str, dict[str, Version]] = _column(0)
REMOVED: dict[str, dict[str, Version]] = _column(3)


def offered(cls: str, member: str, version: Version) -> bool:
    """Whether release ``version`` has ``cls.member`` (a runtime class member).

    >>> offered("ICudaEngine", "num_io_tensors", parse_version("8.4.3"))
    False
    >>> offered("ICudaEngine", "num_bindings", parse_version("8.6.1"))
    True
    """
    added = ADDED.get(cls, {}).get(member)
    removed = REMOVED.get(cls, {}).get(member)
    return (added is None or added <= version) and (removed is None or version < removed)


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


def release(text: str) -> Version | None:
    """A release as the table and the scanner write it (``"10.1"``, ``"8"``), or None where
    ``text`` is no TensorRT release (``"cuda-python 13"``): the one way trtcompat orders
    releases, never by comparing their strings.

    >>> release("10.1") > release("8.6")
    True
    >>> release("cuda-python 13") is None
    True
    """
    try:
        return parse_version(text)
    except ValueError:
        return None


def release_major(text: str | None) -> int | None:
    """The major of :func:`release` (``"10.1"`` -> 10), None for None or no release.

    >>> release_major("cuda-python 13") is None
    True
    """
    found = None if text is None else release(text)
    return None if found is None else found.major


def families_for(version: Version) -> tuple[str, ...]:
    """The API families a TensorRT release offers, oldest first.

    >>> families_for(parse_version("8.6.1"))
    ('bindings', 'tensors')
    >>> families_for(parse_version("10.0.1"))
    ('tensors',)
    """
    return tuple(span.family for span in FAMILIES if span.contains(version))


#: One real build of every TensorRT minor release the table covers, oldest first: what a
#: per-release fake (``trtcompat.testing.fake_tensorrt("10.3")``) reports as ``__version__``.
#: 8.x from NVIDIA's tar / NGC builds; 10.x and 11.x from the PyPI bindings wheels (the
#: ``[[oracle]]`` rows of ci/matrix.toml import each of those). 9.x shipped only inside
#: TensorRT-LLM and is not a fleet runtime.
RELEASE_BUILDS: tuple[str, ...] = (
    "8.0.3.4", "8.2.5.1", "8.4.3.1", "8.5.3.1", "8.6.1.6",
    "10.0.1.6", "10.1.0.27", "10.2.0.19", "10.3.0.26", "10.4.0.26", "10.5.0.18",
    "10.6.0.26", "10.7.0.23", "10.8.0.43", "10.9.0.34", "10.10.0.31", "10.11.0.33",
    "10.12.0.36", "10.13.3.9", "10.14.1.48", "10.15.1.29", "10.16.1.11",
    "11.0.0.114", "11.1.0.106", "11.2.1.2", "11.3.0.99", "11.4.0.106",
)  # fmt: skip

#: The newest TensorRT major trtcompat knows: that of the newest release above, so a new
#: major's build line makes it known everywhere (``discovery``'s "newer than known" warning,
#: ``trtcompat scan --target``, the fakes' coarse eras).
NEWEST_KNOWN_MAJOR: int = max(Version(build).major for build in RELEASE_BUILDS)


def added_in(cls: str, member: str) -> Version | None:
    """The first release with ``cls.member`` (any class of the table, builder classes
    included), or ``None`` where it is as old as 8.0.

    >>> str(added_in("BuilderFlag", "VERSION_COMPATIBLE"))
    '8.6'
    """
    when = CHANGES.get(cls, {}).get(member, (None, None, None, None))[0]
    return None if when is None else Version(when)


def removed_in(cls: str, member: str) -> Version | None:
    """The first release without ``cls.member``, or ``None`` where the newest still has it.

    >>> str(removed_in("BuilderFlag", "FP16"))
    '11.0'
    """
    when = CHANGES.get(cls, {}).get(member, (None, None, None, None))[3]
    return None if when is None else Version(when)


def has_member(cls: str, member: str, version: Version) -> bool:
    """Whether release ``version`` has ``cls.member``, for any class of the table.

    >>> has_member("IBuilderConfig", "max_workspace_size", parse_version("10.0.1"))
    False
    """
    added, removed = added_in(cls, member), removed_in(cls, member)
    return (added is None or added <= version) and (removed is None or version < removed)
