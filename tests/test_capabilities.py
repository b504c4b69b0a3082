"""One home for version and capability facts (issue 25, item 2): the capability checks of
``trtcompat._capabilities``, the one release order of ``trtcompat._versions`` and the one
"newest known major", each used by every place that needs it."""

from __future__ import annotations

import ast
import types
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
from packaging.version import Version

from tests._engines import STATIC
from trtcompat import _capabilities, _versions, engine, legacy
from trtcompat._api_changes import CHANGES
from trtcompat.migrate import _table
from trtcompat.migrate.cli import build_parser
from trtcompat.testing import build_engine, make_module

PACKAGE = Path(__file__).resolve().parent.parent / "trtcompat"


@pytest.mark.parametrize(
    ("era", "attribute"),
    [("8.6", "device_memory_size"), ("10", "device_memory_size_v2"), ("11", "device_memory_size_v2")],
)
def test_device_memory_attribute_per_release(era: str, attribute: str) -> None:
    eng = build_engine(STATIC, era)
    assert _capabilities.device_memory_attribute(eng) == attribute
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 10.x's old property warns: the v2 one is read
        size = engine.device_memory_size(eng)
    assert size == STATIC.device_memory_size


@pytest.mark.parametrize("era", ["8.6", "10", "11"])
def test_engine_and_legacy_read_the_same_size(era: str) -> None:
    eng = build_engine(STATIC, era)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert legacy.wrap(eng).device_memory_size == engine.device_memory_size(eng)


def test_the_check_is_made_once_per_class() -> None:
    class Engine:
        device_memory_size_v2 = 7

    _capabilities._class_device_memory_attribute.cache_clear()
    for _ in range(3):
        assert _capabilities.device_memory_size(Engine()) == 7
    info = _capabilities._class_device_memory_attribute.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_an_object_with_instance_attributes_is_asked_itself() -> None:
    # A stand-in whose class has neither attribute (SimpleNamespace) is read, not refused.
    assert _capabilities.device_memory_size(SimpleNamespace(device_memory_size=5)) == 5
    assert _capabilities.device_memory_size(SimpleNamespace()) is None


def test_release_order_is_packagings() -> None:
    # "8" and "8.0" are one release (the old tuple key put "8" before "8.0").
    assert _table.at_least("8.0", "8") and _table.at_least("8", "8.0")
    assert _table.at_least("9.3", "10.0") and not _table.at_least("10.0", "9.3")
    assert _table.newest(["10.12", "10.8", None, "10.16"]) == "10.16"
    assert _versions.release_major("10.1") == 10
    assert _versions.release_major("cuda-python 13") is None
    assert _versions.release_major(None) is None


def test_newest_known_major_is_the_tables_newest() -> None:
    releases = {
        when for members in CHANGES.values() for change in members.values() for when in change
    }
    newest = max(_versions.parse_version(r) for r in releases if r is not None)
    assert newest.major == _versions.NEWEST_KNOWN_MAJOR == _capabilities.NEWEST_KNOWN_MAJOR


def test_scan_target_follows_the_newest_major() -> None:
    target = next(a for a in build_parser()._actions if a.dest == "target")
    assert target.default == _versions.NEWEST_KNOWN_MAJOR
    assert max(target.choices or ()) == _versions.NEWEST_KNOWN_MAJOR


def test_no_second_definition_of_the_newest_major() -> None:
    # "The newest major is 11" nowhere by hand: no module binds a NEWEST-like name to a
    # number; _versions derives it from the newest release build.
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
                if any("NEWEST" in n.upper() for n in names) and isinstance(node.value.value, int):
                    found.append(f"{path.relative_to(PACKAGE)}: {names}")
    assert found == []
    newest = max(_versions.parse_version(build) for build in _versions.RELEASE_BUILDS)
    assert newest.major == _versions.NEWEST_KNOWN_MAJOR


# ---- The builder side: build/ asks these instead of probing the module itself. ----

_BUILDER_SIDE = {
    # era: weakly typed, STRONGLY_TYPED flag, implicit batch, workspace API, progress monitor
    "8.0": (True, False, True, "max_workspace_size", False),
    "8.4": (True, False, True, "set_memory_pool_limit", False),
    "8.6": (True, False, True, "set_memory_pool_limit", False),
    "10": (True, True, False, "set_memory_pool_limit", True),
    "11": (False, True, False, "set_memory_pool_limit", True),
}


@pytest.mark.parametrize("era", list(_BUILDER_SIDE))
def test_builder_capabilities_follow_each_release(era: str) -> None:
    trt = make_module(era)
    builder = trt.Builder(trt.Logger())
    config = builder.create_builder_config()
    found = (
        _capabilities.weakly_typed(trt),
        _capabilities.strongly_typed_networks(trt),
        _capabilities.implicit_batch_builder(trt, builder),
        _capabilities.workspace_api(trt, config),
        _capabilities.progress_monitors(trt, config),
    )
    assert found == _BUILDER_SIDE[era]
    assert _capabilities.builds_plans(trt)
    # A member whose value is 0 is still there (BuilderFlag.FP16 is 0 where it exists).
    assert (_capabilities.builder_flag(trt, "FP16") is not None) == found[0]
    assert _capabilities.builder_flag(trt, "NO_SUCH_FLAG") is None
    level = _capabilities.hardware_compatibility_level(trt, config, "AMPERE_PLUS")
    assert (level is not None) == (era in ("8.6", "10", "11"))
    assert _capabilities.hardware_compatibility_level(trt, config, "NO_SUCH_LEVEL") is None


def test_builder_probes_ask_the_class_not_a_warning_getter() -> None:
    class Builder:
        reads = 0

        @property
        def max_batch_size(self) -> int:  # deprecated from 8.4: its getter warns
            Builder.reads += 1
            return 1

    trt = make_module("8.6")
    assert _capabilities.implicit_batch_builder(trt, Builder())
    assert _capabilities.offers(Builder(), "max_batch_size")
    assert Builder.reads == 0


def test_offers_asks_a_stand_in_object_itself() -> None:
    stand_in = SimpleNamespace(node_name=lambda: "conv1")
    assert _capabilities.offers(stand_in, "node_name")
    assert not _capabilities.offers(stand_in, "node_operator")


def test_a_runtime_only_module_builds_nothing() -> None:
    assert not _capabilities.builds_plans(types.ModuleType("tensorrt_lean"))


def test_the_oldest_supported_release() -> None:
    assert _capabilities.older_than_supported(Version("7.2.3"))
    assert not _capabilities.older_than_supported(Version("8.0"))


@pytest.mark.parametrize(
    ("era", "bindings", "tensors"),
    [("8.4", True, False), ("8.6", True, True), ("10", False, True), ("11", False, True)],
)
def test_api_families_of_an_engine(era: str, bindings: bool, tensors: bool) -> None:
    engine = build_engine(STATIC, era)
    found = (_capabilities.binding_api(engine), _capabilities.name_based_api(engine))
    assert found == (bindings, tensors)
    assert not _capabilities.name_based_api(object())


def test_api_families_never_read_the_engine() -> None:
    class Engine:
        reads = 0

        @property
        def num_bindings(self) -> int:  # a getter may warn or ask TensorRT
            Engine.reads += 1
            return 2

    assert _capabilities.binding_api(Engine()) and not _capabilities.name_based_api(Engine())
    assert Engine.reads == 0
