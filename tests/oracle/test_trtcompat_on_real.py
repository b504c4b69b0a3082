"""trtcompat against NVIDIA's real module of one release, for everything that needs no engine.

Runs in ``nox -s oracle``. Without a GPU (and over stub libraries) no Runtime, engine or
context can exist, so this checks what does exist for real: discovery, the version facts
against the real classes, the dtype maps against the real DataType, Dims in and out, the
logger and output-allocator subclasses trtcompat defines, the type checks of legacy.wrap,
and the error paths of load_engine, ``trtcompat doctor`` and ``trtcompat inspect``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import trtcompat as tc
from tests._plans import junk_engine_plan
from trtcompat import _dtypes, _trtlog, _versions, legacy
from trtcompat._family import tensors
from trtcompat._family._common import to_shape
from trtcompat.legacy import _native

ROOT = Path(__file__).resolve().parents[2]


def test_discovery_finds_the_real_module(real_trt: ModuleType, oracle_release: str) -> None:
    info = tc.runtime_info()
    assert info.version == oracle_release
    assert info.module == real_trt.__name__
    assert info.flavor == "full"
    assert info.families == _versions.families_for(_versions.parse_version(oracle_release))


def test_families_follow_the_real_classes(real_trt: ModuleType, oracle_release: str) -> None:
    # The version facts (FAMILIES) against what the real engine class offers.
    families = _versions.families_for(_versions.parse_version(oracle_release))
    assert ("bindings" in families) == hasattr(real_trt.ICudaEngine, "num_bindings")
    assert ("tensors" in families) == hasattr(real_trt.ICudaEngine, "num_io_tensors")


def _used_members(family: str) -> dict[str, set[str]]:
    """``{"engine": {...}, "context": {...}}``: what a family module reads off them directly."""
    tree = ast.parse((ROOT / "trtcompat" / "_family" / f"{family}.py").read_text())
    used: dict[str, set[str]] = {"engine": set(), "context": set()}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in used):
            used[node.value.id].add(node.attr)
    return used


def test_every_member_a_family_calls_exists_on_the_real_classes(
    real_trt: ModuleType, oracle_release: str
) -> None:
    # Dispatch sends an engine to a family only where the release has it; every member
    # that family's module touches must then exist on NVIDIA's classes of that release.
    families = _versions.families_for(_versions.parse_version(oracle_release))
    assert families
    for family in families:
        used = _used_members(family)
        assert used["engine"] and used["context"]
        for owner, cls in (("engine", real_trt.ICudaEngine),
                           ("context", real_trt.IExecutionContext)):
            missing = sorted(m for m in used[owner] if not hasattr(cls, m))
            assert not missing, f"{family} calls {owner}.{missing}, absent from {oracle_release}"


def test_every_real_datatype_maps_with_its_size(real_trt: ModuleType) -> None:
    for name, value in real_trt.DataType.__members__.items():
        dtype = _dtypes.numpy_dtype(value)
        bits = _dtypes.bits_of(_dtypes.enum_name(value))
        itemsize = value.itemsize  # tensorrt/__init__.py's: 0.5 for INT4 / FP4, None for E8M0
        if itemsize is not None:
            assert bits == itemsize * 8, name
        if bits >= 8:
            assert dtype.itemsize * 8 == bits, name
        assert _dtypes.trt_name_for(dtype) == name or name in ("BOOL", "UINT8", "INT8"), name


def test_low_precision_types_where_the_release_has_them(real_trt: ModuleType,
                                                       oracle_release: str) -> None:
    release = _versions.parse_version(oracle_release)
    expected = {"BF16": "bfloat16", "FP8": "float8_e4m3fn", "INT4": "int4",
                "FP4": "float4_e2m1fn", "E8M0": "float8_e8m0fnu"}
    for name, numpy_name in expected.items():
        present = name in real_trt.DataType.__members__
        assert present == _versions.has_member("DataType", name, release), name
        if present:
            assert _dtypes.numpy_dtype(getattr(real_trt.DataType, name)).name == numpy_name
            with pytest.raises(TypeError):  # why trtcompat never routes through trt.nptype
                real_trt.nptype(getattr(real_trt.DataType, name))


class _EngineOfShape:
    """Stands for an engine whose one tensor has a real ``Dims`` shape (no engine can exist)."""

    num_io_tensors = 1

    def __init__(self, dims: Any) -> None:
        self._dims = dims

    def get_tensor_name(self, index: int) -> str:
        return "x"

    def get_tensor_shape(self, name: str) -> Any:
        return self._dims


def test_dims_in_and_out(real_trt: ModuleType, oracle_release: str) -> None:
    assert hasattr(real_trt.ICudaEngine, "num_io_tensors")  # 8.6.1 on: every oracle release
    built = _native.native_dims(_EngineOfShape(real_trt.Dims([1])), (2, -1, 4))
    assert type(built) is real_trt.Dims
    assert list(built) == [2, -1, 4] and len(built) == 3
    assert to_shape(built) == (2, -1, 4)
    assert to_shape(real_trt.Dims([3, 5])) == (3, 5)
    assert to_shape(real_trt.Dims([])) == ()


def test_real_contexts_accept_weak_references_and_no_attributes(real_trt: ModuleType) -> None:
    # What _family/tensors.py's binding record relies on (a weak reference to the context,
    # no attribute on it), and what the fakes' Sealed base copies: pybind11 instances.
    for cls in (real_trt.IExecutionContext, real_trt.ICudaEngine):
        assert cls.__weakrefoffset__ > 0, cls
        assert cls.__dictoffset__ == 0, cls


def test_capturing_logger_is_a_real_ilogger(real_trt: ModuleType) -> None:
    logger = _trtlog.logger_for(real_trt)
    assert isinstance(logger, real_trt.ILogger) and _trtlog.logger_for(real_trt) is logger
    start = _trtlog.mark()
    logger.log(real_trt.ILogger.Severity.ERROR, "plan refused")
    logger.log(real_trt.ILogger.Severity.INFO, "progress")  # not kept: never a reason
    assert _trtlog.lines_since(start) == ("[ERROR] plan refused",)


def test_output_allocator_subclasses_the_real_base(real_trt: ModuleType) -> None:
    assert hasattr(real_trt, "IOutputAllocator")  # 8.5 on: every oracle release
    engine = real_trt.Dims([1])  # any object of the real module: the base is found by module
    got: list[Any] = []
    allocator = tensors.make_output_allocator(
        engine, lambda name, size: got.append((name, size)) or 4096,
        lambda name, shape: got.append((name, shape)),
    )
    assert isinstance(allocator, real_trt.IOutputAllocator)
    assert allocator.reallocate_output("y", 0, 64, 256) == 4096
    allocator.notify_shape("y", real_trt.Dims([2, 8]))
    assert got == [("y", 64), ("y", (2, 8))]


@pytest.mark.parametrize("not_an_engine", ["Dims", "Logger", "None"])
def test_legacy_wrap_refuses_real_objects_that_are_not_engines(real_trt: ModuleType,
                                                              not_an_engine: str) -> None:
    value = {"Dims": lambda: real_trt.Dims([1]), "Logger": real_trt.Logger,
             "None": lambda: None}[not_an_engine]()
    with pytest.raises(tc.InvalidEngineError, match="Expected a TensorRT ICudaEngine"):
        legacy.wrap(value)


def _plan_of(real_trt: ModuleType) -> bytes:
    # A plan whose header is this release's (load_engine checks the header before it makes a
    # Runtime, and refuses bytes that are no plan of the installed release there), the
    # engine junk: only a Runtime could refuse it, and none can be created.
    numbers = [part for part in real_trt.__version__.split(".") if part.isdigit()][:4]
    return junk_engine_plan(".".join(numbers + ["0"] * (4 - len(numbers))))


def test_load_engine_without_a_runtime(real_trt: ModuleType, oracle_release: str) -> None:
    # The stub factory returns nullptr, as TensorRT's can: pybind raises TypeError.
    with pytest.raises(TypeError):
        real_trt.Runtime(real_trt.Logger())
    for _ in range(2):  # a second attempt in the same process behaves the same
        with pytest.raises(tc.RuntimeCreationError) as err:
            tc.load_engine(_plan_of(real_trt))
        text = str(err.value)
        assert err.value.version == oracle_release and err.value.trt_log == ()
        assert f"{real_trt.__name__} {oracle_release} could not create a TensorRT Runtime" in text
        # TensorRT logged nothing here: the message must say so and give the binding's error.
        assert "TensorRT logged nothing" in text.splitlines()[0]
        assert "TypeError: pybind11::init(): factory function returned nullptr" in text


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # A child process: a crash (SIGSEGV) shows as a negative return code.
    return subprocess.run([sys.executable, "-m", "trtcompat", *args], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ))


def test_doctor_reports_the_real_module_and_why_no_runtime(real_trt: ModuleType,
                                                           oracle_release: str) -> None:
    done = _cli("doctor", "--json")
    assert done.returncode in (0, 1), done.stderr
    trt = json.loads(done.stdout)["tensorrt"]
    assert (trt["module"], trt["version"], trt["runtime"]) == (real_trt.__name__,
                                                               oracle_release, None)
    assert any("factory function returned nullptr" in line for line in trt["runtime_error"])
    text = _cli("doctor")
    assert text.returncode == done.returncode
    assert "TensorRT runtime: cannot be created" in text.stdout
    assert "factory function returned nullptr" in text.stdout
    assert "Traceback" not in text.stdout + text.stderr


def test_inspect_of_a_bad_plan_fails_cleanly(tmp_path: Path, real_trt: ModuleType,
                                             oracle_release: str) -> None:
    plan = tmp_path / "bad.plan"
    plan.write_bytes(_plan_of(real_trt))
    done = _cli("inspect", str(plan))
    assert done.returncode == 2 and done.returncode > 0
    assert "Traceback" not in done.stdout + done.stderr
    assert oracle_release in done.stderr and "could not create a TensorRT Runtime" in done.stderr
    missing = _cli("inspect", str(tmp_path / "absent.plan"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "absent.plan" in missing.stderr
