"""PlanStore with the real build_plan on every fake release, and across processes: N processes
build one plan once, a builder killed mid-build (SIGKILL) leaves a valid store and a lock
that the next process gets, the plan is built once more.

The fake builder honours TRTCOMPAT_FAKE_BUILD_SECONDS (delay) and TRTCOMPAT_FAKE_BUILD_LOG
(one line per finished build), so "exactly one build" is read from the build log.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _store_helpers import files_under, onnx_model

import trtcompat
from trtcompat.build import BuildConfig
from trtcompat.build.store import PlanStore
from trtcompat.testing import ERAS, fake_tensorrt

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = np.arange(6, dtype=np.float32).reshape(2, 3)

# One process of the race: prints the sha256 of the plan it was handed.
CHILD = """
import hashlib, sys
from trtcompat import PlanStore
from trtcompat.build import BuildConfig
path = PlanStore(sys.argv[1]).plan_for(sys.argv[2], BuildConfig())
print(hashlib.sha256(path.read_bytes()).hexdigest(), flush=True)
"""


@pytest.fixture
def model(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return onnx_model(folder, WEIGHTS, external=True)


@pytest.fixture
def build_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "builds.log"
    monkeypatch.setenv("TRTCOMPAT_FAKE_BUILD_LOG", str(log))
    monkeypatch.delenv("TRTCOMPAT_FAKE_BUILD_SECONDS", raising=False)
    monkeypatch.delenv("TRTCOMPAT_FAKE_GPU", raising=False)
    return log


def _builds(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["TRTCOMPAT_TRT_MODULE"] = "trtcompat.testing.era_10"
    env.update(extra)
    return env


@pytest.fixture
def era10() -> Iterator[Any]:
    with fake_tensorrt("10") as trt:
        yield trt


@pytest.mark.parametrize("era", ERAS)
def test_builds_once_and_the_engine_computes_the_model(
    era: str, tmp_path: Path, model: Path, build_log: Path
) -> None:
    with fake_tensorrt(era):
        store = PlanStore(tmp_path / "s")
        path = store.plan_for(model, BuildConfig())
        assert store.plan_for(model, BuildConfig()) == path
        engine = PlanStore(tmp_path / "s").load(model, BuildConfig())
        assert len(_builds(build_log)) == 1
        x = np.ones((2, 3), np.float32)
        with trtcompat.Runner(engine, backend="host") as run:
            out = run.infer({"x": x})
        np.testing.assert_array_equal(out["y"], x + WEIGHTS)
        entry = store.entries()[0]
        assert entry.report is not None and entry.report["compute_capability"] == "8.9"
        assert entry.key_fields["target"] == {"compute_capability": "8.9"}
        assert entry.key_fields["config"] == BuildConfig().key_fields()


def test_build_config_in_the_key(tmp_path: Path, model: Path, era10: Any) -> None:
    store = PlanStore(tmp_path / "s")
    base = store.key(model, BuildConfig())
    assert store.key(model, BuildConfig(timing_cache=str(tmp_path / "t.cache"))) == base
    assert store.key(model, BuildConfig(precision="fp16")) != base
    fields = store.key_fields(model, BuildConfig(hardware_compatibility="ampere+"))
    assert fields["target"] == {"hardware_compatibility": "ampere+"}


def test_the_fake_gpu_is_the_key_gpu(
    tmp_path: Path, model: Path, era10: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PlanStore(tmp_path / "s")
    ada = store.key(model, BuildConfig())
    monkeypatch.setenv("TRTCOMPAT_FAKE_GPU", "NVIDIA A100:8.0")
    assert store.key_fields(model, BuildConfig())["target"] == {"compute_capability": "8.0"}
    assert store.key(model, BuildConfig()) != ada
    level = BuildConfig(hardware_compatibility="ampere+")
    ampere = store.key(model, level)
    monkeypatch.setenv("TRTCOMPAT_FAKE_GPU", "NVIDIA H100:9.0")
    assert store.key(model, level) == ampere


def test_processes_racing_for_one_plan_build_it_once(
    tmp_path: Path, model: Path, build_log: Path
) -> None:
    env = _env(TRTCOMPAT_FAKE_BUILD_SECONDS="3")
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(tmp_path / "s"), str(model)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(4)
    ]
    results = [child.communicate(timeout=120) for child in children]
    assert [c.returncode for c in children] == [0] * 4, [r[1] for r in results]
    digests = {out.strip() for out, _ in results}
    assert len(_builds(build_log)) == 1, _builds(build_log)
    with fake_tensorrt("10"):
        plan = PlanStore(tmp_path / "s").plan_for(model, BuildConfig())
    assert digests == {hashlib.sha256(plan.read_bytes()).hexdigest()}
    assert len(_builds(build_log)) == 1


def _wait_until_locked(lock_path: Path, child: subprocess.Popen[str], seconds: float = 60) -> None:
    import filelock

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert child.poll() is None, child.communicate()
        if lock_path.exists():
            try:
                with filelock.FileLock(str(lock_path), timeout=0):
                    pass
            except filelock.Timeout:
                return
        time.sleep(0.05)
    pytest.fail(f"{lock_path} was never taken")


def test_builder_killed_mid_build_then_asked_again(
    tmp_path: Path, model: Path, build_log: Path, era10: Any
) -> None:
    root = tmp_path / "s"
    key = PlanStore(root).key(model, BuildConfig())
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(model)],
        env=_env(TRTCOMPAT_FAKE_BUILD_SECONDS="60"), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_until_locked(root / "locks" / f"{key}.lock", child)
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    # No plan, no sidecar, no temporary file: only the (free) lock and the digest index.
    assert [f for f in files_under(root) if f.startswith("plans")] == []
    assert _builds(build_log) == []
    started = time.monotonic()
    path = PlanStore(root, lock_timeout=30).plan_for(model, BuildConfig())
    assert time.monotonic() - started < 20  # the dead builder's lock did not hold us up
    assert len(_builds(build_log)) == 1
    assert trtcompat.io_tensors(PlanStore(root).load(model, BuildConfig()))[0].name == "x"
    assert sorted(p.name for p in path.parent.iterdir()) == [f"{key}.json", f"{key}.plan"]


def test_a_lock_held_too_long_is_a_typed_error(
    tmp_path: Path, model: Path, build_log: Path, era10: Any
) -> None:
    import filelock

    root = tmp_path / "s"
    key = PlanStore(root).key(model, BuildConfig())
    (root / "locks").mkdir(parents=True)
    held = filelock.FileLock(str(root / "locks" / f"{key}.lock"))
    expected = r"Another process has been building plan .*\(lock_timeout=\)"
    with held, pytest.raises(trtcompat.PlanStoreError, match=expected):
        PlanStore(root, lock_timeout=0.2).plan_for(model, BuildConfig())
    assert _builds(build_log) == []
