"""Checks against a real TensorRT runtime wheel (lean/dispatch import on CPU).

Run by ``nox -s real``, which installs one wheel per session and sets
``TRTCOMPAT_TRT_MODULE`` and ``TRTCOMPAT_EXPECT_TRT_VERSION``. Without those (a plain
``pytest``), the module skips: there is no real runtime to check.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import Any

import pytest

import trtcompat as tc
from trtcompat import _dtypes
from trtcompat.testing import make_module

MODULE = os.environ.get("TRTCOMPAT_TRT_MODULE", "")
EXPECTED = os.environ.get("TRTCOMPAT_EXPECT_TRT_VERSION", "")

pytestmark = pytest.mark.skipif(
    not (MODULE and EXPECTED), reason="no real TensorRT wheel in this environment (nox -s real)"
)


@pytest.fixture(scope="module")
def real() -> ModuleType:
    return importlib.import_module(MODULE)


def _era(version: str) -> str:
    return "10" if version.startswith("10.") else "11"


def test_discovery_and_version(real: ModuleType) -> None:
    info = tc.runtime_info()
    assert info.module == MODULE
    assert info.version == EXPECTED == real.__version__
    assert info.families == ("tensors",)
    assert info.flavor == ("lean" if "lean" in MODULE else "dispatch")


def test_every_real_datatype_maps_with_its_size(real: ModuleType) -> None:
    members = real.DataType.__members__
    assert len(members) >= 10
    for name, value in members.items():
        dtype = _dtypes.numpy_dtype(value)  # by member name, never trt.nptype
        bits = _dtypes.bits_of(_dtypes.dtype_name(value))
        itemsize = value.itemsize  # tensorrt's own: 0.5 for INT4/FP4, None for E8M0
        if itemsize is not None:
            assert bits == itemsize * 8, name
        assert bits >= 8 or name in ("INT4", "FP4")
        if bits >= 8:
            assert dtype.itemsize * 8 == bits, name


def test_nptype_refuses_what_trtcompat_maps(real: ModuleType) -> None:
    # Why trtcompat never routes through trt.nptype (shared notes, TRT_API.md §2.5).
    for name in ("BF16", "FP8", "INT4", "FP4", "E8M0"):
        with pytest.raises(TypeError):
            real.nptype(getattr(real.DataType, name))
        assert _dtypes.numpy_dtype(name) is not None


def _public(cls: Any) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")} | (
        {n for n in ("__getitem__", "__len__") if n in vars(cls)}
    )


@pytest.mark.parametrize("cls", ["ICudaEngine", "IExecutionContext", "Runtime", "Dims"])
def test_fake_offers_nothing_the_live_class_lacks(real: ModuleType, cls: str) -> None:
    fake = getattr(make_module(_era(real.__version__)), cls)
    extra = _public(fake) - _public(getattr(real, cls))
    assert not extra, f"fake {cls} has {sorted(extra)}, which {MODULE} {real.__version__} lacks"


@pytest.mark.parametrize("enum_name", ["DataType", "TensorIOMode", "TensorLocation"])
def test_fake_enums_match_the_live_enums(real: ModuleType, enum_name: str) -> None:
    fake = getattr(make_module(_era(real.__version__)), enum_name)
    assert set(fake.__members__) == set(getattr(real, enum_name).__members__)


def test_capturing_logger_subclasses_the_live_ilogger(real: ModuleType) -> None:
    from trtcompat.engine import _capturing_logger

    logger = _capturing_logger(real)
    assert isinstance(logger, real.ILogger)
    # No Runtime here: on a machine without a GPU the real runtime crashes the process.
    logger.log(real.ILogger.Severity.ERROR, "plan refused")
    assert logger.messages == ["[ERROR] plan refused"]


def test_removed_members_are_gone_from_the_live_classes(real: ModuleType) -> None:
    from trtcompat import _versions

    version = _versions.parse_version(real.__version__)
    for cls, removed in _versions.REMOVED.items():
        for member, since in removed.items():
            if version >= since:
                assert not hasattr(getattr(real, cls), member), f"{cls}.{member}"
            else:
                assert hasattr(getattr(real, cls), member) or member == "__len__", f"{cls}.{member}"
