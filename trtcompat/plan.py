"""Plan triage without loading: what a serialized TensorRT plan's header says.

:func:`plan_info` reads the fixed 32-byte header (and, where the header declares one, the
section table and the end-of-plan marker) with the standard library only: no TensorRT, CUDA
or GPU. :func:`load_problem` says whether a given TensorRT version can load the plan, where
the header makes that certain. Every field and the versions it is established for are in
``docs/PLAN_FORMAT.md``, each with the experiment or public source that shows it; a field
the header cannot be relied on for is ``None``, never a guess.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Any, Union

from ._planprefix import split_prefix
from ._versions import release
from .errors import PlanFormatError, PlanTruncatedError

__all__ = [
    "HEADER_SIZE",
    "PlanInfo",
    "PlanSection",
    "built_by",
    "describes_plans_of",
    "load_problem",
    "plan_info",
]

#: ``ftrt`` as TensorRT reads it: the little-endian u32 0x74727466 at byte 0.
MAGIC = b"ftrt"
#: The header's length: the lean 11.4 runtime refuses anything shorter (readHeader asserts
#: ``bufferSize >= minBufferSize``; 28 bytes fail, 32 pass).
HEADER_SIZE = 32
#: The u32 after the last section (8-byte aligned), read by the lean 11.4 runtime's parsePlan.
END_OF_PLAN_MARKER = 0x8B8D8B99
_SECTION_ENTRY = struct.Struct("<IIQQ")  # type, (unused), offset, size
#: Version compatibility exists from 8.6 on and works forward only (NVIDIA's docs).
_FIRST_VERSION_COMPATIBLE = (8, 6)
_SERIALIZATION_VERSION_UNTIL = (8, 5)  # the u32 at byte 8 is a serialization version (#3073)
#: The first release whose plans are established to have the section table and end marker
#: (11.x loads version-compatible 10.x plans through the same outer checks).
SECTIONED_FROM = (10, 0)
#: The serialization version (u32 at byte 8) per 8.x release, as #3073 reports it.
SERIALIZATION_VERSIONS = {(8, 2): 205, (8, 4): 213, (8, 5): 232}

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]


@dataclass(frozen=True)
class PlanSection:
    """One entry of a plan's section table (TensorRT 10+ layout)."""

    __slots__ = ("kind", "offset", "size")

    kind: int
    offset: int
    size: int


@dataclass(frozen=True)
class PlanInfo:
    """What a plan's header says. ``None`` marks a field this header does not reliably hold.

    Attributes:
        path: The file read, or ``None`` for bytes.
        size: The plan's length in bytes.
        magic: The first four bytes (always ``b"ftrt"``: anything else is not a plan).
        header_format: The u32 at byte 4; NVIDIA's ``trtexec --getPlanVersionOnly`` reads
            the version bytes only when it is 0.
        tensorrt_version: ``(major, minor, patch, build)`` of the TensorRT that built the
            plan (bytes 24..27), or ``None`` when ``header_format`` is not 0.
        platform_tag: The u32 at byte 28 that the runtime compares with its own platform's
            tag (0 is what Linux x86-64 accepts).
        declared_size: The u64 at byte 16 that must equal the blob's length.
        section_count: The u64 at byte 8 in the sectioned layout (TensorRT 10+).
        sections: The section table, when it and the end-of-plan marker check out.
        serialization_version: The u32 at byte 8 for plans of TensorRT 8.5 and older
            (205 for 8.2, 213 for 8.4, 232 for 8.5).
        version_compatible: Whether built with ``VERSION_COMPATIBLE``; no header field for
            it is known, so always ``None`` for now.
        hardware_compatible: Whether built hardware-compatible; likewise always ``None``.
        prefix_metadata: The JSON object of a metadata prefix written before the plan
            (Ultralytics exports), or ``None``; ``size`` and the fields above describe the
            plan after it.
        plan_offset: Where the plan starts in the file (0 without a prefix).
    """

    __slots__ = (
        "declared_size",
        "hardware_compatible",
        "header_format",
        "magic",
        "path",
        "plan_offset",
        "platform_tag",
        "prefix_metadata",
        "section_count",
        "sections",
        "serialization_version",
        "size",
        "tensorrt_version",
        "version_compatible",
    )

    path: str | None
    size: int
    magic: bytes
    header_format: int
    tensorrt_version: tuple[int, int, int, int] | None
    platform_tag: int | None
    declared_size: int | None
    section_count: int | None
    sections: tuple[PlanSection, ...] | None
    serialization_version: int | None
    version_compatible: bool | None
    hardware_compatible: bool | None
    prefix_metadata: dict[str, object] | None
    plan_offset: int

    @property
    def version(self) -> str | None:
        """The building TensorRT as ``"major.minor.patch"`` (the part that must match), or
        ``None``."""
        if self.tensorrt_version is None:
            return None
        return ".".join(str(v) for v in self.tensorrt_version[:3])

    @property
    def sectioned(self) -> bool:
        """Whether the header's section table and end-of-plan marker were found intact."""
        return self.sections is not None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready fields (sections as lists, ``magic`` as text)."""
        return {
            "path": self.path,
            "size": self.size,
            "magic": self.magic.decode("latin-1"),
            "header_format": self.header_format,
            "tensorrt_version": self.version,
            "tensorrt_build": None if self.tensorrt_version is None else self.tensorrt_version[3],
            "platform_tag": self.platform_tag,
            "declared_size": self.declared_size,
            "section_count": self.section_count,
            "sections": None
            if self.sections is None
            else [[s.kind, s.offset, s.size] for s in self.sections],
            "serialization_version": self.serialization_version,
            "version_compatible": self.version_compatible,
            "hardware_compatible": self.hardware_compatible,
            "prefix_metadata": self.prefix_metadata,
            "plan_offset": self.plan_offset,
        }


def _read(source: Any) -> tuple[bytes, str | None]:  # a Source, or any buffer
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            with open(path, "rb") as handle:
                return handle.read(), path
        except OSError as err:
            raise PlanFormatError(f"Cannot read plan file {path!r}: {err.strerror}.") from err
    try:  # any buffer: engine.serialize() returns an IHostMemory, which is no bytes
        return bytes(memoryview(source)), None
    except TypeError:
        raise PlanFormatError(
            f"Expected a plan path, bytes or a buffer (such as engine.serialize()'s "
            f"IHostMemory); got {type(source).__name__}."
        ) from None


def _sections(data: bytes, count: int) -> tuple[PlanSection, ...] | None:
    # The walk the lean 11.4 runtime does: the table follows the header; each section lies
    # after the table, 8-aligned, in order; then the marker at the next 8-aligned offset,
    # and it ends the blob.
    table_end = HEADER_SIZE + count * _SECTION_ENTRY.size
    if count < 0 or table_end >= len(data):
        return None
    cursor = table_end
    sections = []
    for k in range(count):
        kind, _, offset, size = _SECTION_ENTRY.unpack_from(data, HEADER_SIZE + k * 24)
        if offset < cursor or offset % 8 or offset + size >= len(data):
            return None
        sections.append(PlanSection(kind, offset, size))
        cursor = offset + size
    cursor += -cursor % 8
    if cursor + 4 != len(data) or struct.unpack_from("<I", data, cursor)[0] != END_OF_PLAN_MARKER:
        return None
    return tuple(sections)


def plan_info(source: Source, *, path: str | None = None) -> PlanInfo:
    """Reads a plan's header without TensorRT.

    Args:
        source: A path to a ``.plan``/``.engine`` file, or its bytes.
        path: For bytes read from a file: the file, named in messages and as
            :attr:`PlanInfo.path` (``load_engine(path)`` reads the file once and passes it).

    Returns:
        The :class:`PlanInfo`.

    Raises:
        PlanFormatError: unreadable input, empty, or not a TensorRT plan (no ``ftrt`` magic).
        PlanTruncatedError: shorter than the 32-byte header, or than its declared size.
    """
    data, read_from = _read(source)
    path = read_from or path
    prefix, plan = split_prefix(data)  # Ultralytics' metadata block before the plan
    offset, data = len(data) - len(plan), plan
    where = repr(path) if path else "the given bytes"
    if not data:
        raise PlanFormatError(f"The plan in {where} is empty (0 bytes).")
    if data[:4] != MAGIC:
        subject = f"{where} is" if path else "The given bytes are"
        they = "it starts" if path else "they start"
        raise PlanFormatError(
            f"{subject} not a TensorRT plan: {they} with {data[:4]!r}, a plan starts "
            f"with {MAGIC!r}. Check that the file is a serialized engine (not ONNX, not a "
            f"timing cache, not a Torch-TensorRT or Triton wrapper around one)."
        )
    if len(data) < HEADER_SIZE:
        raise PlanTruncatedError(
            f"The plan in {where} is truncated: {len(data)} bytes, shorter than the "
            f"{HEADER_SIZE}-byte plan header. Copy or download the plan again."
        )
    header_format, word8 = struct.unpack_from("<IQ", data, 4)
    version: tuple[int, int, int, int] | None = None
    tag = declared = count = serialization = None
    sections = None
    if header_format == 0:
        version = (data[24], data[25], data[26], data[27])
        tag = struct.unpack_from("<I", data, 28)[0]
        sections = _sections(data, word8)
        if sections is not None or version[:2] >= SECTIONED_FROM:
            count = word8
            declared = struct.unpack_from("<Q", data, 16)[0]
        elif version[:2] <= _SERIALIZATION_VERSION_UNTIL:
            serialization = word8 & 0xFFFFFFFF
    if declared is not None and declared > len(data):
        raise PlanTruncatedError(
            f"The plan in {where} is truncated: its header declares {declared} bytes but it "
            f"holds only {len(data)}. Copy or download the plan again."
        )
    return PlanInfo(
        path=path,
        size=len(data),
        magic=data[:4],
        header_format=header_format,
        tensorrt_version=version,
        platform_tag=tag,
        declared_size=declared,
        section_count=count,
        sections=sections,
        serialization_version=serialization,
        version_compatible=None,
        hardware_compatible=None,
        prefix_metadata=prefix,
        plan_offset=offset,
    )


def _triple(version: str) -> tuple[int, int, int] | None:
    # major.minor.patch of a release string, read by the one release parser, to set against
    # a header's version bytes (TensorRT ignores the build number); None where it is none.
    found = release(version)
    if found is None:
        return None
    major, minor, patch = (*found.release, 0, 0)[:3]
    return major, minor, patch


def describes_plans_of(runtime_version: str) -> bool:
    """Whether the header described here is that of TensorRT ``runtime_version``'s plans:
    ``False`` for TensorRT-RTX, which numbers its releases 1.x."""
    runtime = _triple(runtime_version)
    return runtime is None or runtime[0] >= 8


def built_by(info: PlanInfo, runtime_version: str) -> bool:
    """Whether the header names ``runtime_version``'s release as the one that built the plan
    (major.minor.patch: TensorRT ignores the build number)."""
    runtime = _triple(runtime_version)
    return info.tensorrt_version is not None and info.tensorrt_version[:3] == runtime


def load_problem(info: PlanInfo, runtime_version: str) -> str | None:
    """Why TensorRT ``runtime_version`` cannot load the plan, where the header makes it
    certain; ``None`` when it may load (including when only TensorRT can tell, e.g. a plan
    from an older 8.6+ release that may have been built version-compatible).

    The sentence names both versions and the fix. A plan cut short or padded comes first
    (the fix is a new copy); then the release that built it, where that alone decides (a
    newer release, or one before 8.6); then, on an 11.x runtime, a missing section table:
    for a plan of 10.0 or later it is damaged, for an older one it is the older layout.
    """
    if not describes_plans_of(runtime_version):
        return None
    runtime = _triple(runtime_version)
    built = info.tensorrt_version
    on_11 = runtime is not None and runtime >= (11, 0, 0)
    problem = _size_problem(info, on_11)
    if problem is None and built is not None and runtime is not None:
        problem = _release_problem(info, built[:3], runtime, on_11)
    return problem or _layout_problem(info, on_11, runtime_version)


def _size_problem(info: PlanInfo, on_11: bool) -> str | None:
    # The declared size is checked where the header certainly has one: plans of 10.0 and
    # later, and any plan on an 11.x runtime (which reads the sectioned layout only).
    built = info.tensorrt_version
    structural = on_11 or (built is not None and built[:2] >= SECTIONED_FROM)
    if info.header_format == 0 and structural and info.declared_size not in (None, info.size):
        return (
            f"The plan's header declares {info.declared_size} bytes but it has "
            f"{info.size}: the file was cut short or has bytes appended. Copy the plan "
            f"again from where it was built."
        )
    return None


def _release_problem(
    info: PlanInfo, built: tuple[int, ...], runtime: tuple[int, int, int], on_11: bool
) -> str | None:
    # What the release that built the plan decides alone (built is major.minor.patch).
    built_s, runtime_s = ".".join(map(str, built)), ".".join(map(str, runtime))
    if built > runtime:
        return (
            f"The plan was built by TensorRT {built_s}, newer than the installed TensorRT "
            f"{runtime_s}; plans never load on an older TensorRT, version-compatible or "
            f"not. Rebuild it with TensorRT {runtime_s}, or upgrade the runtime to "
            f"{built_s} or newer."
        )
    if built != runtime and built[:2] < _FIRST_VERSION_COMPATIBLE:
        return (
            f"The plan was built by TensorRT {built_s} and the installed TensorRT is "
            f"{runtime_s}; plans older than 8.6 cannot be version-compatible, so they only "
            f"load on the exact release that built them. Rebuild it with TensorRT "
            f"{runtime_s} (with BuilderFlag.VERSION_COMPATIBLE if it must outlive this "
            f"release)."
        )
    if on_11 and info.header_format == 0 and info.sections is None and built[:2] < SECTIONED_FROM:
        return (
            f"The plan was built by TensorRT {built_s} and has no section table, which "
            f"TensorRT {runtime_s} needs (plans of 10.0 and later have one): TensorRT "
            f"{runtime_s} cannot load it. Rebuild it with TensorRT {runtime_s}."
        )
    return None


def _layout_problem(info: PlanInfo, on_11: bool, runtime_version: str) -> str | None:
    # What lean 11.4 checks before it reads an engine [O]: the section table and the marker.
    if on_11 and info.header_format == 0 and info.sections is None:
        built = f" (built by TensorRT {info.version})" if info.version else ""
        return (
            f"The plan's section table or end-of-plan marker is damaged{built}: TensorRT "
            f"{runtime_version} would refuse it. Copy the plan again from where it was built."
        )
    return None


def __dir__() -> list[str]:
    return __all__
