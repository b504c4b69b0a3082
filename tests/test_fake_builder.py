"""The fakes' builder side offers nothing its release's real classes lack, and has exactly the
members build_plan decides on where the real release has them (the version table, from NVIDIA's
imported modules of 8.6.1 and every 10.x / 11.x and the pybind sources before 8.6:
tests/data/surfaces/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trtcompat._versions import has_member, parse_version
from trtcompat.testing import ERAS, era_info, make_module

SURFACES = Path(__file__).parent / "data" / "surfaces"
CLASSES = ("Builder", "IBuilderConfig", "INetworkDefinition", "ITensor", "OnnxParser",
           "ParserError", "IOptimizationProfile", "ITimingCache", "IProgressMonitor")  # fmt: skip
ENUMS = ("BuilderFlag", "MemoryPoolType", "NetworkDefinitionCreationFlag",
         "HardwareCompatibilityLevel", "DeviceType", "ErrorCode", "LayerType",
         "ElementWiseOperation", "ActivationType")  # fmt: skip
#: Every name each class has in some release (the table lists only what changed).
KNOWN = {
    cls: {m for doc in ("tensorrt-all-members.json", "tensorrt-imported-members.json")
          for m in json.loads((SURFACES / doc).read_text())["members"].get(cls, {})}
    for cls in CLASSES + ENUMS
}
#: What build_plan asks the module for, by class: present in the fake iff in the real one.
DECIDED_ON = {
    "Builder": ("max_batch_size", "build_serialized_network", "num_DLA_cores"),
    "IBuilderConfig": (
        "max_workspace_size",
        "set_memory_pool_limit",
        "progress_monitor",
        "builder_optimization_level",
        "hardware_compatibility_level",
        "plugins_to_serialize",
    ),
    "BuilderFlag": (
        "FP16",
        "BF16",
        "INT8",
        "FP8",
        "TF32",
        "VERSION_COMPATIBLE",
        "EXCLUDE_LEAN_RUNTIME",
        "STRIP_PLAN",
        "REFIT",
        "GPU_FALLBACK",
    ),
    "NetworkDefinitionCreationFlag": ("EXPLICIT_BATCH", "STRONGLY_TYPED"),
    "HardwareCompatibilityLevel": ("AMPERE_PLUS", "SAME_COMPUTE_CAPABILITY"),
    "ParserError": ("node_name", "node_operator"),
}


def branch_of(era: str) -> str:
    """The release the era fakes."""
    return era_info(era).version


def real(era: str, cls: str) -> set[str]:
    release = parse_version(branch_of(era))
    class_there = has_member("tensorrt", cls, release)
    return {m for m in KNOWN.get(cls, set()) if class_there and has_member(cls, m, release)
            and not m.startswith("_")}


def fake(module: Any, cls: str) -> set[str]:
    found = getattr(module, cls, None)
    if found is None:
        return set()
    names = {n for n in vars(found) if not n.startswith("_")}
    if cls in ENUMS:
        return set(found.__members__)
    if cls == "IBuilderConfig":  # attributes set per instance
        builder = module.Builder(module.Logger())
        names |= {n for n in vars(builder.create_builder_config()) if not n.startswith("_")}
    if cls == "Builder":
        names |= {n for n in vars(module.Builder(module.Logger())) if not n.startswith("_")}
    if cls == "ITensor":
        names |= {"name", "dtype"}
    return names


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("cls", CLASSES + ENUMS)
def test_fake_builder_offers_nothing_the_real_release_lacks(era: str, cls: str) -> None:
    extra = fake(make_module(era), cls) - real(era, cls)
    assert not extra, f"fake {era} {cls} has members {branch_of(era)} lacks: {sorted(extra)}"


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("cls", sorted(DECIDED_ON))
def test_fake_builder_has_what_build_plan_decides_on_exactly_where_real_has_it(
    era: str, cls: str
) -> None:
    module = make_module(era)
    for member in DECIDED_ON[cls]:
        assert (member in fake(module, cls)) == (member in real(era, cls)), (era, cls, member)


@pytest.mark.parametrize("era", ERAS)
def test_progress_monitor_exists_where_the_release_has_it(era: str) -> None:
    assert hasattr(make_module(era), "IProgressMonitor") == bool(real(era, "IProgressMonitor"))


@pytest.mark.parametrize("era", ERAS)
def test_deprecated_builder_members_warn_from_the_release_that_deprecated_them(era: str) -> None:
    # pyCore.cpp wraps Builder.max_batch_size (8.4+) and IBuilderConfig.max_workspace_size
    # (8.4+) in utils::deprecateMember; both are gone in 10.0.
    module = make_module(era)
    builder = module.Builder(module.Logger())
    config = builder.create_builder_config()
    for obj, member in ((builder, "max_batch_size"), (config, "max_workspace_size")):
        if era in ("10", "11"):
            assert not hasattr(type(obj), member)
            continue
        with pytest.warns(DeprecationWarning, match=f"{member} is deprecated"):
            getattr(obj, member)
