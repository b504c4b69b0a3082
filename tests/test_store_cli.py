"""`trtcompat store path | list | prune`."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from _store_helpers import Config, CountingBuilder, onnx_model

from trtcompat.build.store import PlanStore
from trtcompat.cli import main
from trtcompat.cli._store import parse_size
from trtcompat.testing import fake_tensorrt


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[tuple[Path, list[Path]]]:
    """A store with two plans; the first one used long ago."""
    with fake_tensorrt("10"):
        store = PlanStore(tmp_path / "s", builder=CountingBuilder(), compute_capability="8.6")
        models = [onnx_model(tmp_path, np.full(2, i, np.float32), external=False, name=f"m{i}") for i in range(2)]
        plans = [store.plan_for(m, Config()) for m in models]
        os.utime(plans[0].with_suffix(".json"), (1_000_000, 1_000_000))
        yield tmp_path / "s", plans


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_path_prints_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRTCOMPAT_PLAN_STORE", str(tmp_path / "env"))
    assert _run(["store", "path"], capsys) == (0, f"{tmp_path / 'env'}\n", "")
    assert _run(["store", "--root", str(tmp_path / "x"), "path"], capsys)[1] == f"{tmp_path / 'x'}\n"


def test_list_json_and_text(filled: tuple[Path, list[Path]], capsys: pytest.CaptureFixture[str]) -> None:
    root, plans = filled
    code, out, _ = _run(["store", "--root", str(root), "list", "--json"], capsys)
    listing = json.loads(out)
    assert code == 0 and listing["root"] == str(root)
    assert [e["plan"] for e in listing["entries"]] == [str(p) for p in plans]  # LRU first
    assert listing["total_bytes"] == sum(p.stat().st_size for p in plans)
    entry: dict[str, Any] = listing["entries"][0]
    assert entry["key_fields"]["tensorrt"]["version"] == "10.16.1.11" and entry["last_used"] == 1_000_000
    code, out, _ = _run(["store", "--root", str(root), "list"], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith(f"Plan store: {root} (2 plans, ")
    assert lines[1].startswith(plans[0].stem[:16]) and "TensorRT 10.16.1.11" in lines[1] and "sm 8.6" in lines[1]
    assert lines[1].endswith("m0.onnx") and lines[2].endswith("m1.onnx")


def test_prune_removes_least_recently_used(
    filled: tuple[Path, list[Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, plans = filled
    size = plans[1].stat().st_size
    code, out, _ = _run(["store", "--root", str(root), "prune", "--max-bytes", str(size), "--json"], capsys)
    result = json.loads(out)
    assert code == 0 and [e["plan"] for e in result["removed"]] == [str(plans[0])]
    assert result["total_bytes"] == size and not plans[0].exists() and plans[1].exists()
    code, out, _ = _run(["store", "--root", str(root), "prune", "--all"], capsys)
    assert code == 0 and out.splitlines()[-1].startswith("1 plans removed; 0 B left")
    assert not plans[1].exists()


def test_prune_by_age(filled: tuple[Path, list[Path]], capsys: pytest.CaptureFixture[str]) -> None:
    root, plans = filled
    assert _run(["store", "--root", str(root), "prune", "--unused-days", "1"], capsys)[0] == 0
    assert not plans[0].exists() and plans[1].exists()


def test_prune_needs_a_criterion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["store", "--root", str(tmp_path), "prune"], capsys)
    assert code == 2 and "--max-bytes SIZE, --unused-days N or --all" in err
    code, _, err = _run(["store", "--root", str(tmp_path), "prune", "--max-bytes", "lots"], capsys)
    assert code == 2 and "not a size: 'lots'" in err
    assert _run(["store", "nothing"], capsys)[0] == 2


@pytest.mark.parametrize(
    ("text", "size"),
    [("123", 123), ("10G", 10 << 30), ("10GB", 10 << 30), ("1.5GiB", 3 << 29), ("500m", 500 << 20),
     ("7B", 7), ("0", 0), ("2T", 2 << 40)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "10X", "-1", "ten"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_size(text)
