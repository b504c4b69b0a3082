"""A model's content digest for the plan store, remembered so a hit never re-reads the model.

The digest of an ONNX file covers the file and every external-data file it references
(weights are part of the model: onnxruntime#6455). Hashing a multi-GB model takes seconds,
so the digest is remembered in a small JSON file per model path, valid while the model file
and each external-data file keep their (size, mtime_ns, ctime_ns, inode, device): any write,
copy or replacement changes one of them and the model is hashed again.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from ..errors import PlanStoreError
from . import _publish

__all__ = ["bytes_digest", "file_digest", "model_digest"]

_CHUNK = 1 << 20
#: Bumped when what the digest covers changes: old index files are then ignored.
_INDEX_FORMAT = 1


def bytes_digest(data: bytes) -> str:
    """sha256 of ``data``, as ``"sha256:<hex>"``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_digest(path: str) -> str:
    """sha256 of the file at ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        while True:
            count = handle.readinto(buffer)
            if not count:
                break
            digest.update(view[:count])
    return "sha256:" + digest.hexdigest()


def _identity(path: str) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _external_locations(path: str) -> list[str]:
    """The external-data files the ONNX model at ``path`` references, relative to its
    folder, sorted and without repeats (the weights themselves are not loaded)."""
    try:
        import onnx
    except ImportError:
        raise PlanStoreError(
            f"The plan store needs the `onnx` package to find the external-data files of "
            f"{path!r} (their weights are part of the store key). Install it with "
            f"trtcompat's `store` extra."
        ) from None
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as err:  # onnx raises DecodeError and others for what is not ONNX
        raise PlanStoreError(
            f"{path!r} is not an ONNX model the `onnx` package can read "
            f"({type(err).__name__}: {err}); the store keys models by their ONNX content. "
            f"Pass an ONNX file, its bytes, or a network function with model_id=."
        ) from err
    found: set[str] = set()
    for tensor in _tensors(model.graph, onnx):
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            for entry in tensor.external_data:
                if entry.key == "location":
                    found.add(entry.value)
    return sorted(found)


def _tensors(graph: Any, onnx: Any) -> list[Any]:
    # Initializers, sparse initializers' values and indices, and tensors held by node
    # attributes, in this graph and in every subgraph (If / Loop / Scan bodies).
    tensors = list(graph.initializer)
    for sparse in graph.sparse_initializer:
        tensors += [sparse.values, sparse.indices]
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.HasField("t"):
                tensors.append(attribute.t)
            tensors += list(attribute.tensors)
            if attribute.HasField("g"):
                tensors += _tensors(attribute.g, onnx)
            for subgraph in attribute.graphs:
                tensors += _tensors(subgraph, onnx)
    return tensors


def _index_path(index_dir: str, path: str) -> str:
    name = hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
    return os.path.join(index_dir, name + ".json")


def _remembered(index_file: str, path: str) -> str | None:
    try:
        with open(index_file, encoding="utf-8") as handle:
            entry = json.load(handle)
        if entry.get("format") != _INDEX_FORMAT or entry.get("path") != path:
            return None
        if entry["identity"] != _identity(path):
            return None
        for external in entry["externals"]:
            if external["identity"] != _identity(external["path"]):
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    digest: str = entry["digest"]
    return digest


def model_digest(path: str, index_dir: str | None) -> str:
    """The digest of the ONNX model at ``path`` with its external-data files: remembered in
    ``index_dir`` (when given and writable), so an unchanged model is not read again.

    Raises:
        PlanStoreError: the model or one of its external-data files cannot be read, or the
            file is not ONNX.
    """
    path = os.path.abspath(path)
    index_file = _index_path(index_dir, path) if index_dir else None
    if index_file:
        known = _remembered(index_file, path)
        if known is not None:
            return known
    folder = os.path.dirname(path)
    try:
        identity = _identity(path)
        own = file_digest(path)
        externals = []
        combined = hashlib.sha256(own.encode())
        for location in _external_locations(path):
            external = os.path.join(folder, location)
            externals.append({"path": external, "identity": _identity(external)})
            combined.update(b"\0" + location.encode() + b"\0" + file_digest(external).encode())
    except PlanStoreError:
        raise  # an OSError too, already worded
    except OSError as err:
        raise PlanStoreError(
            f"Cannot read the model {err.filename!r} to key its plan: {err.strerror}."
        ) from err
    # A model without external data is keyed by its file's own digest.
    digest = own if not externals else "sha256:" + combined.hexdigest()
    if index_file:
        entry = {
            "format": _INDEX_FORMAT,
            "path": path,
            "identity": identity,
            "externals": externals,
            "digest": digest,
        }
        _publish.remember(index_file, json.dumps(entry).encode())
    return digest


def __dir__() -> list[str]:
    return __all__
