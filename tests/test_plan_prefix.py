"""Plans with Ultralytics' metadata prefix (a little-endian i32 length, a JSON object, then the
plan): plan_info reports the metadata, load_engine and `trtcompat plans` find the plan."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _plans import sectioned_plan

import trtcompat as tc
from trtcompat._planprefix import is_prefixed_plan_file, split_prefix
from trtcompat.cli import main
from trtcompat.plan import MAGIC
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_plan, fake_tensorrt

META = {"description": "Ultralytics YOLO11n model", "stride": 32, "names": {"0": "person"},
        "imgsz": [640, 640], "author": "Zoë"}


def ultralytics_file(metadata: dict[str, object], plan: bytes) -> bytes:
    """The bytes onnx2engine writes (ultralytics/utils/export/engine.py)."""
    meta = json.dumps(metadata)
    return len(meta).to_bytes(4, byteorder="little", signed=True) + meta.encode() + plan


def test_split_prefix_returns_the_metadata_and_the_plan() -> None:
    plan = sectioned_plan((10, 16, 1, 11))
    metadata, rest = split_prefix(ultralytics_file(META, plan))
    assert metadata == META and rest == plan


@pytest.mark.parametrize(
    "data",
    [
        sectioned_plan((10, 16, 1, 11)),  # a bare plan: "ftrt" as a length is ~1.9 GB
        (5).to_bytes(4, "little") + b"[1,2]" + b"ftrt",  # JSON, but not an object
        (9).to_bytes(4, "little") + b"{not json" + b"ftrt",
        (100).to_bytes(4, "little") + b'{"a": 1}' + b"ftrt",  # longer than the data
        (-8).to_bytes(4, "little", signed=True) + b'{"a": 1}ftrt',
        (8).to_bytes(4, "little") + b'{"a": 1}',  # nothing after the metadata
        b"ftr",
    ],
)
def test_data_without_a_prefix_is_returned_unchanged(data: bytes) -> None:
    assert split_prefix(data) == (None, data)


def test_plan_info_reports_the_metadata_and_reads_the_plan_after_it(tmp_path: Path) -> None:
    plan = sectioned_plan((11, 4, 0, 106), ((1, b"x" * 16),))
    data = ultralytics_file(META, plan)
    path = tmp_path / "yolo11n.engine"
    path.write_bytes(data)
    bare = tc.plan_info(plan)
    for source in (data, path):
        info = tc.plan_info(source)
        assert info.prefix_metadata == META and info.plan_offset == len(data) - len(plan)
        assert info.size == len(plan) == info.declared_size and info.sections == bare.sections
        assert info.tensorrt_version == (11, 4, 0, 106)
        assert tc.plan.load_problem(info, "11.4.0.106") is None
        assert info.as_dict()["prefix_metadata"] == META
    assert bare.prefix_metadata is None and bare.plan_offset == 0
    assert is_prefixed_plan_file(str(path), MAGIC)
    assert not is_prefixed_plan_file(str(tmp_path / "missing"), MAGIC)
    (tmp_path / "other.bin").write_bytes((8).to_bytes(4, "little") + b"[1, 2.0]ftrt")
    assert not is_prefixed_plan_file(str(tmp_path / "other.bin"), MAGIC)


@pytest.mark.parametrize("era", ERAS)
def test_load_engine_loads_a_prefixed_plan(tmp_path: Path, era: str) -> None:
    x, y = TensorSpec("images", np.float32, (1, 3), True), TensorSpec("output0", np.float32, (1, 3), False)
    with fake_tensorrt(era):
        data = ultralytics_file(META, build_plan(EngineSpec((x, y)), era))
        path = tmp_path / "yolo.engine"
        path.write_bytes(data)
        for source in (data, path):
            engine = tc.load_engine(source)
            assert [t.name for t in tc.io_tensors(engine)] == ["images", "output0"]


def test_plans_command_finds_and_triages_prefixed_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No .engine suffix: found by the plan after the metadata, not by the name.
    (tmp_path / "yolo.bin").write_bytes(ultralytics_file(META, sectioned_plan((10, 16, 1, 11))))
    (tmp_path / "notes.bin").write_bytes(ultralytics_file(META, b"not a plan at all"))
    with fake_tensorrt("10"):
        assert main(["plans", str(tmp_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["plans"]
    assert [(r["path"], r["verdict"]) for r in rows] == [(str(tmp_path / "yolo.bin"), "yes")]
    assert rows[0]["header"]["prefix_metadata"] == META


def test_inspect_reads_a_prefixed_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    x, y = TensorSpec("images", np.float32, (1, 3), True), TensorSpec("output0", np.float32, (1, 3), False)
    path = tmp_path / "yolo11n.engine"
    with fake_tensorrt("10"):
        path.write_bytes(ultralytics_file(META, build_plan(EngineSpec((x, y)), "10")))
        assert main(["inspect", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [t["name"] for t in report["tensors"]] == ["images", "output0"]
