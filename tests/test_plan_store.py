"""PlanStore in one process: the key (stable, and sensitive to weights, TensorRT build, GPU or
hardware-compatibility level, config), hits without reading the model, damaged entries
rebuilt with a warning, read-only and full stores, LRU eviction, Triton export."""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _plans import sectioned_plan
from _store_helpers import Config, CountingBuilder, files_under, onnx_model

import trtcompat
from trtcompat.build import _digest
from trtcompat.build.store import PlanStore, default_root
from trtcompat.errors import PlanStoreError, TrtCompatWarning
from trtcompat.testing import fake_tensorrt


@pytest.fixture
def fake10() -> Iterator[Any]:
    with fake_tensorrt("10") as trt:
        yield trt


@pytest.fixture
def model(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return onnx_model(folder, np.arange(6, dtype=np.float32).reshape(2, 3), external=True)


def _store(root: Path, builder: CountingBuilder | None = None, **kw: Any) -> PlanStore:
    kw.setdefault("compute_capability", "8.6")
    return PlanStore(root, builder=builder or CountingBuilder(), **kw)


# -- the key ---------------------------------------------------------------------------------


def test_key_is_stable_across_stores_and_lists_its_fields(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    a = _store(tmp_path / "s").key(model, Config())
    b = _store(tmp_path / "s").key(str(model), Config())
    c = _store(tmp_path / "other").key(model, Config())  # no remembered digest there
    assert a == b == c and re.fullmatch(r"[0-9a-f]{64}", a)
    fields = _store(tmp_path / "s").key_fields(model, Config())
    assert fields["store_format"] == 1
    assert fields["tensorrt"] == {"version": "10.16.1.11", "flavor": "full"}
    assert fields["target"] == {"compute_capability": "8.6"}
    assert fields["config"] == Config().key_fields()
    assert fields["model"].startswith("sha256:")


def test_weights_in_external_data_change_the_key(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    store = _store(tmp_path / "s")
    before = store.key(model, Config())
    weights = model.with_suffix(".weights")
    data = bytearray(weights.read_bytes())
    data[0] ^= 0xFF  # same size: only the content says the weights changed
    stat = weights.stat()
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    assert store.key(model, Config()) != before


def test_model_without_external_data_is_keyed_by_its_bytes(
    tmp_path: Path, fake10: Any
) -> None:
    path = onnx_model(tmp_path, np.ones(3, np.float32), external=False)
    store = _store(tmp_path / "s")
    assert store.key(path, Config()) == store.key(path.read_bytes(), Config())
    assert store.key_fields(path, Config())["model"] == _digest.bytes_digest(path.read_bytes())


def test_tensorrt_build_changes_the_key(tmp_path: Path, model: Path) -> None:
    keys = {}
    for era in ("8.6", "10", "11"):
        with fake_tensorrt(era):
            keys[era] = _store(tmp_path / "s").key(model, Config())
    with fake_tensorrt("10") as trt:
        trt.__version__ = "10.16.1.12"  # another build of the same release
        keys["10 other build"] = _store(tmp_path / "s").key(model, Config())
    assert len(set(keys.values())) == 4


def test_compute_capability_or_hardware_level_in_the_key(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    def key(cc: str, level: str | None) -> str:
        store = _store(tmp_path / "s", compute_capability=cc)
        return store.key(model, Config(hardware_compatibility=level))

    assert key("8.6", None) != key("8.9", None)
    # One ampere+ plan serves every GPU of the level: the GPU is not in its key.
    assert key("8.6", "ampere_plus") == key("8.9", "ampere_plus")
    assert key("8.6", "ampere_plus") != key("8.6", None)
    fields = _store(tmp_path / "s").key_fields(model, Config(hardware_compatibility="ampere_plus"))
    assert fields["target"] == {"hardware_compatibility": "ampere_plus"}
    # SAME_COMPUTE_CAPABILITY still ties the plan to the GPU's compute capability.
    assert key("8.6", "same_compute_capability") != key("8.9", "same_compute_capability")


def test_config_changes_the_key(tmp_path: Path, model: Path, fake10: Any) -> None:
    store = _store(tmp_path / "s")
    assert store.key(model, Config("fp16")) != store.key(model, Config("fp32"))
    assert store.key(model, Config(timing_cache="/a")) == store.key(model, Config(timing_cache="/b"))


def test_network_function_needs_a_model_id(tmp_path: Path, fake10: Any) -> None:
    store = _store(tmp_path / "s")

    def network(builder: Any, network: Any) -> None: ...

    with pytest.raises(PlanStoreError, match=r"network function .*network.* model_id="):
        store.key(network, Config())
    assert store.key(network, Config(), model_id="net-v1") != store.key(
        network, Config(), model_id="net-v2"
    )
    assert isinstance(PlanStoreError("x"), OSError)


def test_default_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRTCOMPAT_PLAN_STORE", str(tmp_path / "env"))
    assert default_root() == tmp_path / "env" == PlanStore().root
    monkeypatch.delenv("TRTCOMPAT_PLAN_STORE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if sys.platform.startswith("linux"):
        assert default_root() == tmp_path / "cache" / "trtcompat" / "plans"


# -- hits and builds ---------------------------------------------------------------------------


def test_miss_builds_once_then_hits(tmp_path: Path, model: Path, fake10: Any) -> None:
    builder = CountingBuilder()
    path = _store(tmp_path / "s", builder).plan_for(model, Config())
    again = _store(tmp_path / "s", builder).plan_for(model, Config())
    assert path == again and len(builder.calls) == 1
    assert path.read_bytes() == CountingBuilder()(model, Config()).plan
    entry = _store(tmp_path / "s").entries()[0]
    assert entry.plan == path and entry.size == path.stat().st_size
    assert entry.source == str(model) and entry.report == {"build": 1}
    assert entry.key_fields["target"] == {"compute_capability": "8.6"}


def test_hit_does_not_read_the_model(
    tmp_path: Path, model: Path, fake10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(tmp_path / "s").plan_for(model, Config())
    opened: list[str] = []
    real_open = open

    def watching_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(file) if isinstance(file, (str, os.PathLike)) else repr(file))
        return real_open(file, *args, **kwargs)

    def no_hash(path: str) -> str:
        raise AssertionError(f"hashed {path}")

    import builtins

    import onnx

    monkeypatch.setattr(builtins, "open", watching_open)
    monkeypatch.setattr(_digest, "file_digest", no_hash)
    monkeypatch.setattr(onnx, "load", lambda *a, **k: pytest.fail("parsed the model"))
    builder = CountingBuilder()
    _store(tmp_path / "s", builder).plan_for(model, Config())
    assert builder.calls == []
    model_files = {str(model), str(model.with_suffix(".weights"))}
    assert not model_files & set(opened), opened
    # Nor the plan: it is the file that was checked and published (same identity).
    assert not [p for p in opened if p.endswith(".plan")], opened
    # Touching the model (new mtime) makes the store hash it again.
    monkeypatch.undo()
    os.utime(model, ns=(1, 1))
    _store(tmp_path / "s", builder).plan_for(model, Config())
    assert builder.calls == []  # same content: same key, still a hit


def test_load_returns_an_engine_of_the_stored_plan(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trtcompat.testing import EngineSpec, TensorSpec, build_plan

    x, y = TensorSpec("x", np.float32, (2,), True), TensorSpec("y", np.float32, (2,), False)
    with fake_tensorrt("11"):
        fake_plan = build_plan(EngineSpec((x, y)), "11")
        store = _store(tmp_path / "s", None)
        store._builder = lambda m, c: type("R", (), {"plan": fake_plan, "report": None})()
        engine = store.load(model, Config())
        assert engine.num_io_tensors == 2
        assert trtcompat.io_tensors(engine)[0].name == "x"


# -- damaged entries ---------------------------------------------------------------------------


def test_truncated_entry_is_rebuilt_with_a_warning(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    builder = CountingBuilder()
    path = _store(tmp_path / "s", builder).plan_for(model, Config())
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.warns(TrtCompatWarning, match=r"was not used: its plan has \d+ bytes, the sidecar says"):
        again = _store(tmp_path / "s", builder).plan_for(model, Config())
    assert len(builder.calls) == 2 and trtcompat.plan_info(again).sectioned


def test_entry_of_another_build_is_rebuilt_never_loaded(
    tmp_path: Path, model: Path, fake10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    builder = CountingBuilder()
    store = _store(tmp_path / "s", builder)
    path = store.plan_for(model, Config())
    good = path.read_bytes()
    # Same size, but the header says 10.16.1.10 built it.
    other = sectioned_plan((10, 16, 1, 10), ((1, builder.payload + b"1"),))
    assert len(other) == len(good)
    path.write_bytes(other)
    loaded: list[bytes] = []
    monkeypatch.setattr("trtcompat.engine.load_engine", lambda data, runtime=None: loaded.append(data))
    with pytest.warns(TrtCompatWarning, match=r"TensorRT 10\.16\.1\.10 built it, not the installed 10\.16\.1\.11"):
        store.load(model, Config())
    assert loaded and trtcompat.plan_info(loaded[0]).tensorrt_version == (10, 16, 1, 11)
    assert len(builder.calls) == 2


def test_damaged_header_and_missing_sidecar_are_rebuilt(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    builder = CountingBuilder()
    store = _store(tmp_path / "s", builder)
    path = store.plan_for(model, Config())
    data = bytearray(path.read_bytes())
    data[16:24] = (len(data) + 8).to_bytes(8, "little")  # the header's declared size
    path.write_bytes(bytes(data))
    with pytest.warns(TrtCompatWarning, match="its header declares"):
        store.plan_for(model, Config())
    path.with_suffix(".json").unlink()
    with pytest.warns(TrtCompatWarning, match="has no sidecar"):
        store.plan_for(model, Config())
    assert len(builder.calls) == 3


def test_damaged_end_marker_is_rebuilt_on_tensorrt_11(tmp_path: Path, model: Path) -> None:
    with fake_tensorrt("11"):
        builder = CountingBuilder()
        store = _store(tmp_path / "s", builder)
        path = store.plan_for(model, Config())
        data = bytearray(path.read_bytes())
        data[-1] ^= 0xFF  # the end-of-plan marker the 11.x runtime checks
        path.write_bytes(bytes(data))
        with pytest.warns(TrtCompatWarning, match="section table or end-of-plan marker is damaged"):
            store.plan_for(model, Config())
        assert len(builder.calls) == 2


def test_a_build_that_gives_a_bad_plan_is_not_stored(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    bad = sectioned_plan((10, 15, 0, 1))
    store = PlanStore(
        tmp_path / "s",
        builder=lambda m, c: type("R", (), {"plan": bad, "report": None})(),
        compute_capability="8.6",
    )
    with pytest.raises(PlanStoreError, match=r"plan just built .* cannot be used with TensorRT 10\.16\.1\.11"):
        store.plan_for(model, Config())
    assert not [f for f in files_under(tmp_path / "s") if f.startswith("plans")]


# -- read-only and full stores -----------------------------------------------------------------


def _refuse_writes_under(monkeypatch: pytest.MonkeyPatch, root: Path, code: int) -> None:
    real_open, real_makedirs, real_write = os.open, os.makedirs, os.write
    prefix = str(root)

    def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if code == errno.EROFS and writing and os.fspath(path).startswith(prefix):
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def guarded_makedirs(path: Any, *args: Any, **kwargs: Any) -> None:
        if code == errno.EROFS and os.fspath(path).startswith(prefix) and not os.path.isdir(path):
            raise OSError(code, os.strerror(code), os.fspath(path))
        real_makedirs(path, *args, **kwargs)

    def guarded_write(fd: int, data: Any) -> int:
        target = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists(f"/proc/self/fd/{fd}") else ""
        if code == errno.ENOSPC and target.startswith(prefix) and target.endswith(".tmp"):
            real_write(fd, bytes(data)[:7])  # part of it lands, then the disk is full
            raise OSError(code, os.strerror(code))
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "makedirs", guarded_makedirs)
    monkeypatch.setattr(os, "write", guarded_write)


def test_read_only_store_raises_typed_error_and_writes_nothing(
    tmp_path: Path, model: Path, fake10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "s"
    root.mkdir()
    _refuse_writes_under(monkeypatch, root, errno.EROFS)
    with pytest.raises(PlanStoreError, match=r"Cannot build a plan into the store: the store .* is read-only") as caught:
        _store(root).plan_for(model, Config())
    assert caught.value.errno == errno.EROFS
    assert files_under(root) == []


def test_read_only_store_still_serves_its_plans(
    tmp_path: Path, model: Path, fake10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "s"
    path = _store(root).plan_for(model, Config())
    before = files_under(root)
    _refuse_writes_under(monkeypatch, root, errno.EROFS)
    builder = CountingBuilder()
    assert _store(root, builder).plan_for(model, Config()) == path and builder.calls == []
    assert files_under(root) == before


def test_full_disk_raises_typed_error_and_leaves_nothing_half_written(
    tmp_path: Path, model: Path, fake10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "s"
    _refuse_writes_under(monkeypatch, root, errno.ENOSPC)
    with pytest.raises(PlanStoreError, match=r"Cannot publish the plan: no space left .*`trtcompat store prune") as caught:
        _store(root).plan_for(model, Config())
    assert caught.value.errno == errno.ENOSPC
    assert [f for f in files_under(root) if f.startswith("plans")] == []
    monkeypatch.undo()
    builder = CountingBuilder()
    _store(root, builder).plan_for(model, Config())  # space again: it builds and publishes
    assert len(builder.calls) == 1


def test_leftover_temporary_files_are_removed_by_the_next_build(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    store = _store(tmp_path / "s")
    key = store.key(model, Config())
    (tmp_path / "s" / "plans").mkdir(parents=True)
    left = tmp_path / "s" / "plans" / f"{key}.plan.deadbeef.tmp"
    left.write_bytes(b"half a plan")
    store.plan_for(model, Config())
    assert not left.exists()
    assert sorted(p.name for p in (tmp_path / "s" / "plans").iterdir()) == [f"{key}.json", f"{key}.plan"]


# -- eviction ----------------------------------------------------------------------------------


def test_least_recently_used_entries_are_evicted(tmp_path: Path, fake10: Any) -> None:
    models = [onnx_model(tmp_path, np.full(2, i, np.float32), external=False, name=f"m{i}") for i in range(4)]
    builder = CountingBuilder()
    probe = _store(tmp_path / "s", builder)
    size = probe.plan_for(models[0], Config()).stat().st_size
    store = _store(tmp_path / "s", builder, max_bytes=3 * size)
    store.plan_for(models[1], Config())
    store.plan_for(models[2], Config())
    sidecars = {e.source: e.plan.with_suffix(".json") for e in store.entries()}
    for age, m in enumerate((models[1], models[0], models[2])):  # m1 least recently used
        os.utime(sidecars[str(m)], (1_000_000 + age, 1_000_000 + age))
    store.plan_for(models[3], Config())
    kept = {e.source for e in store.entries()}
    assert kept == {str(models[0]), str(models[2]), str(models[3])}
    assert store.total_bytes() <= 3 * size
    assert not any(n.startswith(store.key(models[1], Config())) for n in os.listdir(tmp_path / "s" / "plans"))
    removed = store.prune(0)
    assert len(removed) == 3 and store.entries() == []


def test_prune_by_age_keeps_recent_entries(tmp_path: Path, model: Path, fake10: Any) -> None:
    store = _store(tmp_path / "s")
    store.plan_for(model, Config("fp16"))
    old = store.plan_for(model, Config("fp32"))
    os.utime(old.with_suffix(".json"), (1_000_000, 1_000_000))  # last used in 1970
    removed = store.prune(unused_for=86400)
    assert [e.plan for e in removed] == [old]
    assert [e.key_fields["config"]["precision"] for e in store.entries()] == ["fp16"]


# -- Triton ------------------------------------------------------------------------------------


def test_triton_export_maps_each_compute_capability(tmp_path: Path, model: Path, fake10: Any) -> None:
    plans = {cc: _store(tmp_path / "s", compute_capability=cc).plan_for(model, Config()) for cc in ("8.6", "8.9", "7.5")}
    _store(tmp_path / "s", compute_capability="8.6").plan_for(model, Config("fp16"))  # another config
    folder = _store(tmp_path / "s").export_triton(
        tmp_path / "repo", "detector", model, Config(), extra_config='instance_group [{ kind: KIND_GPU }]'
    )
    assert folder == tmp_path / "repo" / "detector"
    text = (folder / "config.pbtxt").read_text()
    assert text.splitlines()[:3] == ['name: "detector"', 'platform: "tensorrt_plan"', "max_batch_size: 0"]
    found = dict(re.findall(r'cc_model_filenames \{ key: "([\d.]+)" value: "([^"]+)" \}', text))
    assert found == {"7.5": "model.7.5.plan", "8.6": "model.8.6.plan", "8.9": "model.8.9.plan"}
    assert list(found) == ["7.5", "8.6", "8.9"]
    assert "default_model_filename" not in text and text.endswith("instance_group [{ kind: KIND_GPU }]\n")
    for cc, plan in plans.items():
        assert (folder / "1" / f"model.{cc}.plan").read_bytes() == plan.read_bytes()
    assert sorted(os.listdir(folder / "1")) == ["model.7.5.plan", "model.8.6.plan", "model.8.9.plan"]


def test_triton_export_of_a_hardware_compatible_plan_is_the_default(
    tmp_path: Path, model: Path, fake10: Any
) -> None:
    config = Config(hardware_compatibility="ampere_plus")
    plan = _store(tmp_path / "s").plan_for(model, config)
    folder = _store(tmp_path / "s").export_triton(tmp_path / "repo", "m", model, config, version=3)
    text = (folder / "config.pbtxt").read_text()
    assert 'default_model_filename: "model.ampere_plus.plan"' in text and "cc_model_filenames" not in text
    assert (folder / "3" / "model.ampere_plus.plan").read_bytes() == plan.read_bytes()


def test_triton_export_needs_no_tensorrt_when_the_build_is_named(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_tensorrt("10"):
        plan = _store(tmp_path / "s").plan_for(model, Config())
    monkeypatch.setenv("TRTCOMPAT_TRT_MODULE", "no_such_tensorrt_module")
    with pytest.raises(trtcompat.TensorRTNotFoundError):
        trtcompat.runtime_info()
    folder = _store(tmp_path / "s").export_triton(
        tmp_path / "repo", "m", model, Config(), tensorrt_version="10.16.1.11"
    )
    assert (folder / "1" / "model.8.6.plan").read_bytes() == plan.read_bytes()


def test_triton_export_without_plans_is_a_typed_error(tmp_path: Path, model: Path, fake10: Any) -> None:
    _store(tmp_path / "s").plan_for(model, Config())
    with pytest.raises(PlanStoreError, match=r"holds no plan of .* for TensorRT 9\.9\.9\.9"):
        _store(tmp_path / "s").export_triton(tmp_path / "repo", "m", model, Config(), tensorrt_version="9.9.9.9")
    assert not (tmp_path / "repo").exists()


def test_an_entry_being_built_is_not_evicted(tmp_path: Path, fake10: Any) -> None:
    import filelock

    models = [onnx_model(tmp_path, np.full(2, i, np.float32), external=False, name=f"m{i}") for i in range(2)]
    store = _store(tmp_path / "s")
    plans = [store.plan_for(m, Config()) for m in models]
    busy = filelock.FileLock(str(tmp_path / "s" / "locks" / f"{plans[0].stem}.lock"))
    with busy:  # another process is rebuilding models[0]
        assert store.remove(plans[0].stem) is False
        removed = store.prune(0)
    assert [e.plan for e in removed] == [plans[1]]
    assert plans[0].exists() and not plans[1].exists()


def test_models_the_store_cannot_key_are_typed_errors(tmp_path: Path, fake10: Any) -> None:
    store = _store(tmp_path / "s")
    with pytest.raises(PlanStoreError, match=r"Cannot read the model '.*missing\.onnx' to key its plan: No such file"):
        store.plan_for(tmp_path / "missing.onnx", Config())
    (tmp_path / "notes.onnx").write_bytes(b"\xff\xff not protobuf")
    with pytest.raises(PlanStoreError, match=r"notes\.onnx' is not an ONNX model the `onnx` package can read"):
        store.plan_for(tmp_path / "notes.onnx", Config())
    with pytest.raises(PlanStoreError, match=r"model_id='x' is only for network functions; bytes are keyed"):
        store.plan_for(b"onnx bytes", Config(), model_id="x")
    with pytest.raises(PlanStoreError, match=r"Expected an ONNX path, ONNX bytes or a network function; got int"):
        store.plan_for(3, Config())  # type: ignore[arg-type]
    with pytest.raises(PlanStoreError, match=r"max_bytes must be a non-negative int or None; got -1"):
        PlanStore(tmp_path / "s", max_bytes=-1)
    assert not (tmp_path / "s" / "plans").exists()


def test_without_filelock_a_miss_is_a_typed_error_and_a_hit_still_works(
    tmp_path: Path, model: Path, fake10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _store(tmp_path / "s").plan_for(model, Config())
    monkeypatch.setitem(sys.modules, "filelock", None)  # import filelock raises ImportError
    assert _store(tmp_path / "s").plan_for(model, Config()) == path
    with pytest.raises(PlanStoreError, match=r"needs the `filelock` package.*trtcompat's `store` extra"):
        _store(tmp_path / "s").plan_for(model, Config("fp16"))


def test_a_copied_store_is_checked_by_reading_its_plans(tmp_path: Path, model: Path, fake10: Any) -> None:
    import shutil

    path = _store(tmp_path / "s").plan_for(model, Config())
    shutil.copytree(tmp_path / "s", tmp_path / "copy")  # new inodes: not the published files
    builder = CountingBuilder()
    copied = _store(tmp_path / "copy", builder).plan_for(model, Config())
    assert copied.read_bytes() == path.read_bytes() and builder.calls == []
    # A same-size plan of another build in the copy is caught by the header check.
    copied.write_bytes(sectioned_plan((10, 16, 1, 10), ((1, CountingBuilder().payload + b"1"),)))
    with pytest.warns(TrtCompatWarning, match="not the installed 10.16.1.11"):
        _store(tmp_path / "copy", builder).plan_for(model, Config())
    assert len(builder.calls) == 1
