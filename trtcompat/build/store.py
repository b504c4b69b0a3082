"""``PlanStore``: the plan for this model on this box, built once.

Plans are keyed by what makes a plan load and compute the model: the model's content (with
its external-data weights), the exact TensorRT build, the GPU's compute capability (or the
hardware-compatibility level the config asks for), the build config, and the store's own
format. docs/PLAN_STORE.md describes the key, the lock and publish protocol, eviction and the
Triton export.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Union

from .. import _detect, _versions
from ..discovery import runtime_info
from ..errors import PlanFormatError, PlanStoreError, TrtCompatWarning
from ..plan import MAGIC, load_problem, plan_info
from . import _digest, _publish, _triton

if TYPE_CHECKING:
    from filelock import BaseFileLock

__all__ = ["ENV_ROOT", "STORE_FORMAT", "PlanStore", "StoreEntry", "default_root"]

#: The store's own format: part of every key, so a format change never reads old entries.
STORE_FORMAT = 1
#: The environment variable that names the default store root.
ENV_ROOT = "TRTCOMPAT_PLAN_STORE"

# Strings: collections.abc.Callable cannot be subscripted at run time on Python 3.8.
Model = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, "Callable[..., Any]"]

_PLANS, _LOCKS, _DIGESTS = "plans", "locks", "digests"
#: Hardware-compatibility levels under which a plan still depends on the exact GPU.
_GPU_SPECIFIC_LEVELS = ("none", "same_compute_capability")


class _Config(Protocol):
    """What the store reads from a :class:`trtcompat.BuildConfig`."""

    @property
    def hardware_compatibility(self) -> str | None: ...

    def key_fields(self) -> Mapping[str, Any]: ...


def default_root() -> Path:
    """``$TRTCOMPAT_PLAN_STORE``, else ``trtcompat/plans`` in the user's cache folder
    (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches`` on macOS,
    ``%LOCALAPPDATA%`` on Windows)."""
    configured = os.environ.get(ENV_ROOT)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "trtcompat" / "plans"


@dataclass(frozen=True)
class StoreEntry:
    """One plan in a store, as its JSON sidecar describes it.

    Attributes:
        key: The entry's key (64 hex digits).
        plan: The plan file.
        size: The plan's size in bytes.
        created: When it was built (seconds since the epoch).
        last_used: When it was last handed out (seconds since the epoch).
        key_fields: What the key was computed from (model digest, TensorRT, target, config).
        source: The model it was built from (a path, ``"<bytes>"`` or ``"<network: id>"``).
        report: The build report as JSON, where the builder gave one.
    """

    key: str
    plan: Path
    size: int
    created: float
    last_used: float
    key_fields: dict[str, Any]
    source: str
    report: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``plan`` as a string)."""
        return {
            "key": self.key,
            "plan": str(self.plan),
            "size": self.size,
            "created": self.created,
            "last_used": self.last_used,
            "key_fields": self.key_fields,
            "source": self.source,
            "report": self.report,
        }


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _report_json(report: Any) -> dict[str, Any] | None:
    # The build report's own JSON form, whichever spelling it offers.
    if isinstance(report, Mapping):
        return dict(report)
    for name in ("as_dict", "to_dict"):
        method = getattr(report, name, None)
        if callable(method):
            return dict(method())
    to_json = getattr(report, "to_json", None)
    if callable(to_json):
        loaded = json.loads(to_json())
        return loaded if isinstance(loaded, dict) else {"report": loaded}
    return None if report is None else {"repr": repr(report)}


class PlanStore:
    """Plans built once per model, TensorRT build, GPU and config, shared by every process.

    Args:
        root: The store's folder; default :func:`default_root`.
        max_bytes: Keep the plans' total size at most this, evicting the least recently used
            after each build (``None``: no limit).
        builder: The build function (default :func:`trtcompat.build_plan`), called as
            ``builder(model, config)`` and returning an object with ``.plan`` and ``.report``.
        compute_capability: The GPU the plans are for (``"8.6"``); default the GPU
            :func:`trtcompat.build_plan` builds on (CUDA's current device, else device 0; a
            fake TensorRT's pretend GPU), ``None`` where no GPU can be asked.
        lock_timeout: Seconds to wait for another process's build of the same plan
            (``None``: as long as it takes); :class:`PlanStoreError` after that.

    >>> store = PlanStore("/tmp/plans")  # doctest: +SKIP
    >>> path = store.plan_for("model.onnx", BuildConfig(precision="fp16"))  # doctest: +SKIP
    """

    def __init__(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        max_bytes: int | None = None,
        builder: Callable[..., Any] | None = None,
        compute_capability: str | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        if max_bytes is not None and (not isinstance(max_bytes, int) or max_bytes < 0):
            raise PlanStoreError(
                f"max_bytes must be a non-negative int or None; got {max_bytes!r}."
            )
        self._root = Path(root).expanduser() if root is not None else default_root()
        self.max_bytes = max_bytes
        self._builder = builder
        self._cc = compute_capability
        self._cc_given = compute_capability is not None
        self._lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"PlanStore({str(self._root)!r}, max_bytes={self.max_bytes!r})"

    @property
    def root(self) -> Path:
        """The store's folder."""
        return self._root

    # -- keys -------------------------------------------------------------------------------

    def _dir(self, name: str) -> str:
        return os.path.join(self._root, name)

    def _compute_capability(self) -> str | None:
        if self._cc_given:
            return self._cc
        from ._target import gpu_identity  # the GPU build_plan reports building on

        return gpu_identity(_detect.find_trt_module())[1]

    def _model_digest(self, model: Model, model_id: str | None) -> tuple[str, str]:
        if isinstance(model, (bytes, bytearray, memoryview)):
            if model_id is not None:
                raise PlanStoreError(
                    f"model_id={model_id!r} is only for network functions; bytes are keyed "
                    f"by their content. Leave model_id out."
                )
            return _digest.bytes_digest(bytes(model)), "<bytes>"
        if isinstance(model, (str, os.PathLike)):
            if model_id is not None:
                raise PlanStoreError(
                    f"model_id={model_id!r} is only for network functions; ONNX files are "
                    f"keyed by their content. Leave model_id out."
                )
            path = os.path.abspath(os.fspath(model))
            index = self._dir(_DIGESTS)
            # A read-only store: the digest is computed, not remembered.
            with contextlib.suppress(OSError):
                _publish.ensure_dir(index)
            return _digest.model_digest(path, index), path
        if callable(model):
            if not model_id:
                raise PlanStoreError(
                    f"A network function ({getattr(model, '__qualname__', model)!r}) has no "
                    f"content the store can hash: pass model_id='name-and-version' that "
                    f"changes whenever the network it defines changes."
                )
            return f"id:{model_id}", f"<network: {model_id}>"
        raise PlanStoreError(
            f"Expected an ONNX path, ONNX bytes or a network function; got "
            f"{type(model).__name__}."
        )

    def key_fields(
        self, model: Model, config: _Config | None = None, *, model_id: str | None = None
    ) -> dict[str, Any]:
        """What the key of ``model`` built with ``config`` is computed from (see
        docs/PLAN_STORE.md): ``store_format``, ``model`` (content digest), ``tensorrt``
        (version and flavor of the installed module), ``target`` (compute capability or
        hardware-compatibility level) and ``config`` (the config's key fields)."""
        return self._key_fields(model, config, model_id)[0]

    def _key_fields(
        self, model: Model, config: _Config | None, model_id: str | None
    ) -> tuple[dict[str, Any], str, _Config]:
        config = config if config is not None else _default_config()
        digest, source = self._model_digest(model, model_id)
        info = runtime_info()
        level = config.hardware_compatibility
        target: dict[str, Any] = {"compute_capability": self._compute_capability()}
        if level is not None and level.lower() not in _GPU_SPECIFIC_LEVELS:
            # One plan serves every GPU of the level: the key must not split it per GPU.
            target = {"hardware_compatibility": level}
        fields = {
            "store_format": STORE_FORMAT,
            "model": digest,
            "tensorrt": {"version": info.version, "flavor": info.flavor},
            "target": target,
            "config": dict(config.key_fields()),
        }
        return fields, source, config

    def key(
        self, model: Model, config: _Config | None = None, *, model_id: str | None = None
    ) -> str:
        """The entry key: sha256 of :meth:`key_fields` as canonical JSON, in hex."""
        return _key_of(self.key_fields(model, config, model_id=model_id))

    # -- lookup and build -------------------------------------------------------------------

    def _paths(self, key: str) -> tuple[str, str]:
        base = os.path.join(self._dir(_PLANS), key)
        return base + ".plan", base + ".json"

    def _valid(
        self, key: str, version: str, *, want_bytes: bool
    ) -> tuple[bool, bytes | None, str | None]:
        """``(True, plan bytes or None, None)`` for a valid entry, ``(False, None, why)`` for
        a damaged one, ``(False, None, None)`` for none. The plan is read and its header
        checked only when ``want_bytes`` or when the file is not the one published (another
        size, mtime, ctime, inode or device than the sidecar recorded)."""
        plan_path, sidecar_path = self._paths(key)
        try:
            with open(sidecar_path, encoding="utf-8") as handle:
                sidecar = json.load(handle)
            expected = int(sidecar["plan_size"])
        except FileNotFoundError:
            if os.path.exists(plan_path):
                return False, None, "its plan has no sidecar (a build stopped before publishing it)"
            return False, None, None
        except (OSError, ValueError, KeyError, TypeError) as err:
            return False, None, f"its sidecar is unreadable ({type(err).__name__}: {err})"
        try:
            published = _file_identity(plan_path) == sidecar.get("plan_identity")
            if published and not want_bytes:
                return True, None, None  # checked before it was published, unchanged since
            with open(plan_path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return False, None, None  # evicted while we looked: a plain miss
        except OSError as err:
            return False, None, f"its plan is unreadable ({err.strerror})"
        if len(data) != expected:
            return False, None, f"its plan has {len(data)} bytes, the sidecar says {expected}"
        problem = _header_problem(data, version)
        if problem:
            return False, None, problem
        return True, data, None

    def _touch(self, key: str) -> None:
        # Last use is the sidecar's mtime: a hit writes no data, and a read-only store
        # still serves hits (it only stops recording them).
        with contextlib.suppress(OSError):
            os.utime(self._paths(key)[1])

    def plan_for(
        self, model: Model, config: _Config | None = None, *, model_id: str | None = None
    ) -> Path:
        """The path of the stored plan for ``model`` built with ``config`` on this box,
        building and publishing it first on a miss.

        Args:
            model: An ONNX file (external-data files included in the key), ONNX bytes, or a
                function that defines the network (then ``model_id`` is required).
            config: A :class:`trtcompat.BuildConfig`; default ``BuildConfig()``.
            model_id: For a network function: a name that changes whenever the network does.

        Raises:
            PlanStoreError: the store is read-only or full on a miss, the lock was not granted
                within ``lock_timeout``, the model cannot be read or keyed, or the build gave
                a plan its header shows cannot load here.
            TensorRTNotFoundError: no TensorRT is installed.
            BuildError: the build failed (from :func:`trtcompat.build_plan`).
        """
        return self._get(model, config, model_id, want_bytes=False)[0]

    def load(
        self,
        model: Model,
        config: _Config | None = None,
        *,
        model_id: str | None = None,
        runtime: Any = None,
    ) -> Any:
        """The engine of :meth:`plan_for`'s plan, deserialized by
        :func:`trtcompat.load_engine` (with ``runtime`` if given) from the bytes the store
        checked."""
        from ..engine import load_engine

        data = self._get(model, config, model_id, want_bytes=True)[1]
        assert data is not None  # want_bytes: the checked bytes, never a path to read again
        return load_engine(data, runtime)

    def _get(
        self, model: Model, config: _Config | None, model_id: str | None, *, want_bytes: bool
    ) -> tuple[Path, bytes | None]:
        fields, source, config = self._key_fields(model, config, model_id)
        key = _key_of(fields)
        version = fields["tensorrt"]["version"]
        valid, data, problem = self._valid(key, version, want_bytes=want_bytes)
        if valid:
            self._touch(key)
            return Path(self._paths(key)[0]), data
        return self._build(key, fields, source, model, config, problem)

    def _lock(self, key: str, timeout: float | None) -> BaseFileLock:
        filelock = _filelock()
        path = os.path.join(self._dir(_LOCKS), key + ".lock")
        # Open it ourselves first: a read-only store fails here with a clear errno, where
        # some filelock releases would retry forever.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        os.close(fd)
        lock: BaseFileLock = filelock.FileLock(path, timeout=-1 if timeout is None else timeout)
        return lock

    def _build(
        self,
        key: str,
        fields: dict[str, Any],
        source: str,
        model: Model,
        config: _Config,
        problem: str | None,
    ) -> tuple[Path, bytes | None]:
        filelock = _filelock()
        version = fields["tensorrt"]["version"]
        try:
            for name in (_PLANS, _LOCKS, _DIGESTS):
                _publish.ensure_dir(self._dir(name))
            lock = self._lock(key, self._lock_timeout)
            lock.acquire()
        except filelock.Timeout:
            raise PlanStoreError(
                f"Another process has been building plan {key[:16]} for more than "
                f"{self._lock_timeout} s (lock {os.path.join(self._dir(_LOCKS), key)}.lock). "
                f"Wait longer (lock_timeout=) or check that process."
            ) from None
        except PlanStoreError:
            raise
        except OSError as err:
            raise _publish.store_error(err, "build a plan into the store", str(self._root)) from err
        try:
            valid, data, again = self._valid(key, version, want_bytes=True)
            if valid:  # another process built it while we waited
                self._touch(key)
                return Path(self._paths(key)[0]), data
            problem = again or problem
            if problem:
                warnings.warn(
                    f"Plan store entry {key[:16]} for {source} was not used: {problem}. "
                    f"Rebuilding it.",
                    TrtCompatWarning,
                    stacklevel=4,
                )
            self._clear_temporaries(key)
            published = self._publish(key, fields, source, model, config, version)
            if self.max_bytes is not None:
                self._evict(self.max_bytes, keep=key)
            return published
        finally:
            lock.release()

    def _publish(
        self,
        key: str,
        fields: dict[str, Any],
        source: str,
        model: Model,
        config: _Config,
        version: str,
    ) -> tuple[Path, bytes]:
        builder = self._builder if self._builder is not None else _default_builder()
        started = time.time()
        result = builder(model, config)
        data = bytes(result.plan)
        problem = _header_problem(data, version) if data else "the builder returned no bytes"
        if problem:
            raise PlanStoreError(
                f"The plan just built for {source} cannot be used with TensorRT {version}: "
                f"{problem}. It was not stored."
            )
        now = time.time()
        sidecar = {
            "store_format": STORE_FORMAT,
            "key": key,
            "key_fields": fields,
            "source": source,
            "plan_size": len(data),
            "plan_sha256": hashlib.sha256(data).hexdigest(),
            "created": now,
            "build_seconds": round(now - started, 3),
            "report": _report_json(getattr(result, "report", None)),
        }
        plan_path, sidecar_path = self._paths(key)
        try:
            # The plan first, then the sidecar that makes it an entry: a crash in between
            # leaves a plan without a sidecar, which the next build replaces.
            _publish.publish(plan_path, data)
            # A hit whose plan is still this very file needs no second header check.
            sidecar["plan_identity"] = _file_identity(plan_path)
            _publish.publish(sidecar_path, json.dumps(sidecar, indent=1).encode())
        except OSError as err:
            _publish.remove(sidecar_path)
            _publish.remove(plan_path)
            raise _publish.store_error(err, "publish the plan", str(self._root)) from err
        return Path(plan_path), data

    def _clear_temporaries(self, key: str) -> None:
        # Only the holder of the entry's lock writes its temporary files: any found now
        # were left by a build that died.
        folder = self._dir(_PLANS)
        for name in os.listdir(folder):
            if name.startswith(key + ".") and name.endswith(_publish.TEMP_SUFFIX):
                _publish.remove(os.path.join(folder, name))

    # -- listing and eviction ---------------------------------------------------------------

    def entries(self) -> list[StoreEntry]:
        """Every entry with a readable sidecar, least recently used first."""
        folder = self._dir(_PLANS)
        try:
            names = sorted(os.listdir(folder))
        except FileNotFoundError:
            return []
        found = []
        for name in names:
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    sidecar = json.load(handle)
                used = os.stat(path).st_mtime  # set by every hit (_touch)
                found.append(
                    StoreEntry(
                        key=str(sidecar["key"]),
                        plan=Path(folder) / (str(sidecar["key"]) + ".plan"),
                        size=int(sidecar["plan_size"]),
                        created=float(sidecar["created"]),
                        last_used=used,
                        key_fields=dict(sidecar["key_fields"]),
                        source=str(sidecar.get("source", "")),
                        report=sidecar.get("report"),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
        found.sort(key=lambda e: e.last_used)
        return found

    def total_bytes(self) -> int:
        """The size of every entry's plan, summed."""
        return sum(e.size for e in self.entries())

    def remove(self, key: str) -> bool:
        """Removes entry ``key`` unless a process is building it now; whether it was
        removed."""
        filelock = _filelock()
        try:
            lock = self._lock(key, 0)
            lock.acquire()
        except filelock.Timeout:
            return False
        except PlanStoreError:
            raise
        except OSError as err:
            raise _publish.store_error(err, "remove a plan", str(self._root)) from err
        try:
            self._unpublish(key)
        finally:
            lock.release()
        return True

    def _unpublish(self, key: str) -> None:
        plan_path, sidecar_path = self._paths(key)
        try:
            # The sidecar first: from then on the entry is a miss, never a half entry.
            _publish.remove(sidecar_path)
            _publish.remove(plan_path)
        except OSError as err:
            raise _publish.store_error(err, "remove a plan", str(self._root)) from err

    def prune(
        self, max_bytes: int | None = None, *, unused_for: float | None = None
    ) -> list[StoreEntry]:
        """Removes entries, least recently used first, until the plans total at most
        ``max_bytes`` (default the store's ``max_bytes``; ``0`` empties the store), and every
        entry unused for ``unused_for`` seconds; entries being built are kept. Returns the
        removed entries."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        removed = []
        now = time.time()
        entries = self.entries()
        total = sum(e.size for e in entries)
        for entry in entries:
            stale = unused_for is not None and now - entry.last_used > unused_for
            over = limit is not None and total > limit
            if (over or stale) and self.remove(entry.key):
                removed.append(entry)
                total -= entry.size
        return removed

    def _evict(self, limit: int, keep: str) -> None:
        entries = self.entries()
        total = sum(e.size for e in entries)
        for entry in entries:
            if total <= limit:
                break
            if entry.key != keep and self.remove(entry.key):
                total -= entry.size

    # -- Triton -----------------------------------------------------------------------------

    def export_triton(
        self,
        repository: str | os.PathLike[str],
        name: str,
        model: Model,
        config: _Config | None = None,
        *,
        model_id: str | None = None,
        version: int = 1,
        max_batch_size: int = 0,
        tensorrt_version: str | None = None,
        extra_config: str = "",
    ) -> Path:
        """Writes a Triton model-repository entry with every plan this store holds for
        ``model`` and ``config``: one per compute capability built (``cc_model_filenames``)
        and a hardware-compatible plan as ``default_model_filename``.

        Args:
            repository: The model repository folder.
            name: The model's name (its folder in the repository).
            model, config, model_id: As for :meth:`plan_for`.
            version: The model version folder.
            max_batch_size: ``config.pbtxt``'s ``max_batch_size`` (0 for explicit-batch
                plans, which every TensorRT 10+ plan is).
            tensorrt_version: The TensorRT build Triton runs (its plans must come from
                exactly it); default the installed one.
            extra_config: ``config.pbtxt`` text appended verbatim (``instance_group``,
                ``dynamic_batching``...).

        Returns:
            The model's folder, ``<repository>/<name>``.

        Raises:
            PlanStoreError: the store holds no plan for them, or the repository cannot be
                written.
        """
        # No TensorRT or GPU needed when the TensorRT build is named: export runs anywhere.
        digest, source = self._model_digest(model, model_id)
        config = config if config is not None else _default_config()
        fields = {"model": digest, "config": dict(config.key_fields())}
        wanted = tensorrt_version or runtime_info().version
        cc_files: dict[str, str] = {}
        default: str | None = None
        copies: dict[str, Path] = {}
        for entry in self.entries():
            kf = entry.key_fields
            if (
                kf.get("store_format") != STORE_FORMAT
                or kf.get("model") != fields["model"]
                or kf.get("config") != fields["config"]
                or kf.get("tensorrt", {}).get("version") != wanted
            ):
                continue
            target = kf.get("target", {})
            cc, level = target.get("compute_capability"), target.get("hardware_compatibility")
            if level is not None:
                default = _triton.plan_file_name(str(level))
                copies[default] = entry.plan
            elif cc is not None:
                cc_files[str(cc)] = _triton.plan_file_name(str(cc))
                copies[cc_files[str(cc)]] = entry.plan
        if not copies:
            raise PlanStoreError(
                f"The store {str(self._root)!r} holds no plan of {source} with this config for "
                f"TensorRT {wanted} on a known GPU. Build one on each GPU type first "
                f"(store.plan_for(...) with this store's root shared or copied)."
            )
        model_dir = Path(repository) / name
        try:
            _publish.ensure_dir(str(model_dir / str(version)))
            for file_name, plan in sorted(copies.items()):
                _publish.publish(str(model_dir / str(version) / file_name), plan.read_bytes())
            text = _triton.config_pbtxt(name, cc_files, default, max_batch_size, extra_config)
            _publish.publish(str(model_dir / "config.pbtxt"), text.encode())
        except OSError as err:
            raise _publish.store_error(err, "write the Triton repository", str(repository)) from err
        return model_dir


def _file_identity(path: str) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _key_of(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def _header_problem(data: bytes, version: str) -> str | None:
    """Why the plan ``data`` must not be handed to TensorRT ``version``, from its header; a
    plan that is not a TensorRT plan (a trtcompat fake) is judged by its size alone."""
    if data[:4] != MAGIC:
        return None
    try:
        info = plan_info(data)
    except PlanFormatError as err:
        return str(err)
    problem = load_problem(info, version)
    if problem:
        return problem
    built = info.tensorrt_version
    release = _versions.parse_version(version).release
    if built is not None and len(release) >= 4 and built != tuple(release[:4]):
        return (
            f"its header says TensorRT {'.'.join(map(str, built))} built it, not the "
            f"installed {version}"
        )
    return None


def _filelock() -> Any:
    try:
        import filelock
    except ImportError:
        raise PlanStoreError(
            "Building into (or removing from) the plan store needs the `filelock` package: "
            "one build per plan across processes. Install it with "
            "trtcompat's `store` extra."
        ) from None
    return filelock


def _default_config() -> _Config:
    from .config import BuildConfig

    config: _Config = BuildConfig()
    return config


def _default_builder() -> Callable[..., Any]:
    from .builder import build_plan

    return build_plan


def __dir__() -> list[str]:
    return __all__
