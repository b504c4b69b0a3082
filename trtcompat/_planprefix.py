"""Plans with a metadata prefix: the layout Ultralytics writes before a serialized engine.

Ultralytics' TensorRT export (``onnx2engine`` in ``ultralytics/utils/export/engine.py``)
writes, when it has metadata, ``len(meta).to_bytes(4, byteorder="little", signed=True)``,
then ``meta.encode()`` where ``meta = json.dumps(metadata)``, then the plan. ``json.dumps``
escapes every non-ASCII character by default, so the length counts bytes. TensorRT and
``trtexec`` refuse such a file (ultralytics#22910); this module finds the plan inside it.
See docs/PLAN_FORMAT.md, "Plans with a prefix".
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["PREFIX_LENGTH_BYTES", "is_prefixed_plan_file", "split_prefix"]

#: The signed little-endian i32 that gives the metadata's length.
PREFIX_LENGTH_BYTES = 4


def split_prefix(data: bytes) -> tuple[dict[str, Any] | None, bytes]:
    """``(metadata, plan)``: the JSON object of a metadata prefix and the bytes after it, or
    ``(None, data)`` when ``data`` has no such prefix.

    A prefix is recognised only when the length is positive, the block it spans is a JSON
    object, and bytes follow it; anything else (a bare plan starts with ``ftrt``, whose
    little-endian length would be ~1.9 GB) is returned unchanged.
    """
    if len(data) <= PREFIX_LENGTH_BYTES:
        return None, data
    length = int.from_bytes(data[:PREFIX_LENGTH_BYTES], "little", signed=True)
    end = PREFIX_LENGTH_BYTES + length
    opens_object = data[PREFIX_LENGTH_BYTES : PREFIX_LENGTH_BYTES + 1] == b"{"
    if length <= 1 or end >= len(data) or not opens_object:
        return None, data
    try:
        metadata = json.loads(data[PREFIX_LENGTH_BYTES:end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, data
    if not isinstance(metadata, dict):
        return None, data
    return metadata, data[end:]


def is_prefixed_plan_file(path: str, magic: bytes, limit: int = 1 << 24) -> bool:
    """Whether the file at ``path`` is a metadata prefix (of at most ``limit`` bytes)
    followed by bytes starting with ``magic``; reads only the prefix and ``magic``'s length."""
    try:
        with open(path, "rb") as handle:
            length = int.from_bytes(handle.read(PREFIX_LENGTH_BYTES), "little", signed=True)
            if not 1 < length <= limit:
                return False
            block = handle.read(1)
            if block != b"{":  # not JSON: do not read up to `limit` bytes of some other file
                return False
            block += handle.read(length - 1 + len(magic))
    except OSError:
        return False
    metadata, rest = split_prefix(length.to_bytes(4, "little", signed=True) + block)
    return metadata is not None and rest == magic


def __dir__() -> list[str]:
    return __all__
