"""One table of API changes: generated module, version facts, fakes and scanner rules agree."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import pytest

from trtcompat import _api_changes, _versions
from trtcompat.migrate import RULES, scan_source
from trtcompat.migrate._table import NOT_SCANNED, changed_entries, covered_entries
from trtcompat.testing import ERAS, era_info

ROOT = pathlib.Path(__file__).resolve().parent.parent
SURFACES = ROOT / "tests" / "data" / "surfaces"
ALL = json.loads((SURFACES / "tensorrt-all-members.json").read_text())
IMPORTED = json.loads((SURFACES / "tensorrt-imported-members.json").read_text())
RUNTIME = json.loads((SURFACES / "tensorrt-source-members.json").read_text())["versions"]


def _tool(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_module_is_up_to_date() -> None:
    gen = _tool("gen_api_changes")
    expected = gen.render(gen.changes(gen.merge(ALL, IMPORTED)))
    assert (ROOT / "trtcompat" / "_api_changes.py").read_text() == expected


def test_generated_forms_and_values_are_up_to_date() -> None:
    # The fakes' call forms and enum values (testing/_real_forms.py) come from the same
    # imported modules: regenerate with tools/gen_api_changes.py when the surfaces change.
    gen = _tool("gen_api_changes")
    expected = gen.render_forms(IMPORTED["forms"], IMPORTED["values"])
    assert (ROOT / "trtcompat" / "testing" / "_real_forms.py").read_text() == expected


def test_the_merge_keeps_overloads_and_alias_members_dated_by_the_sources() -> None:
    # Importing lists members, not overloads; and the sources name no members of a class
    # kept as a module alias (ResizeMode = InterpolationMode, 8.5-9.3): neither may be lost.
    table = _tool("gen_api_changes").changes(_tool("gen_api_changes").merge(ALL, IMPORTED))
    assert table["ICudaEngine"]["__getitem__(str)"] == (None, None, None, "10.0")
    assert table["tensorrt"]["ResizeMode"] == (None, None, None, "10.0")
    assert table["ResizeMode"]["LINEAR"] == (None, None, None, "10.0")
    assert table["ResizeMode"]["CUBIC"] == ("8.5", None, None, "10.0")
    assert table["SliceMode"]["CLAMP"] == ("8.2", None, None, "10.0")


def test_extractor_agrees_with_the_runtime_member_lists() -> None:
    # The older runtime-only lists were read independently; the extractor must agree on them.
    for branch, classes in RUNTIME.items():
        for cls in ("ICudaEngine", "IExecutionContext", "Runtime"):
            old = {m: k.replace("readwrite", "property") for m, k in classes[cls].items()}
            new = {
                m: kinds[branch]
                for m, kinds in ALL["members"][cls].items()
                if branch in kinds and "(" not in m  # overload entries: not in the old lists
            }
            assert new == old, (branch, cls)


def _present(cls: str, branch: str) -> set[str]:
    # Overload entries (``__getitem__(str)``) are not members: _versions leaves them out.
    return {m for m, kinds in ALL["members"][cls].items() if branch in kinds and "(" not in m}


def test_removed_table_is_the_member_list_diff() -> None:
    for cls in _versions.RUNTIME_CLASSES:
        diff = {
            member: str(release)
            for release, before in (("10.0", "8.6"), ("11.0", "10.16"))
            for member in _present(cls, before) - _present(cls, release)
        }
        assert {m: str(v) for m, v in _versions.REMOVED.get(cls, {}).items()} == diff, cls


@pytest.mark.parametrize("era", ERAS)
def test_fake_member_lists_follow_the_table(era: str) -> None:
    branch = {"8.4": "8.4", "8.6": "8.6", "10": "10.16", "11": "11.1"}[era]
    info = era_info(era)
    for cls, offered in (
        ("ICudaEngine", info.engine_members),
        ("IExecutionContext", info.context_members),
        ("Runtime", info.runtime_members),
    ):
        assert set(offered) <= _present(cls, branch), (era, cls)
    # What an era lost is absent, what it gained is present (the binding / tensor switch).
    assert info.has_bindings == ("num_bindings" in _present("ICudaEngine", branch))
    assert info.has_tensors == ("num_io_tensors" in _present("ICudaEngine", branch))


def test_scanner_rules_cover_every_change_in_the_table() -> None:
    changed = changed_entries()
    assert set(NOT_SCANNED) <= changed  # no stale exemption
    assert changed - covered_entries() == set(NOT_SCANNED)
    # The network API, weak typing and TensorRT 10 -> 11 build removals are all in there.
    for entry in (
        "INetworkDefinition.add_convolution",
        "IConvolutionLayer.kernel_size",
        "ILayer.precision",
        "IBuilderConfig.set_calibration_profile",
        "Builder.platform_has_fast_fp16",
        "BuilderFlag.FP16",
        "ITensor.dtype",
        "IPluginRegistry.get_plugin_creator",
    ):
        assert entry in changed and entry in covered_entries(), entry


def test_rule_versions_come_from_the_table() -> None:
    # A finding's versions are the table's, not the rule's title.
    source = "import tensorrt as trt\nconfig.set_flag(trt.BuilderFlag.DIRECT_IO)\n"
    (finding,) = scan_source(source).findings
    assert (finding.api, finding.status) == ("BuilderFlag.DIRECT_IO", "deprecated")
    assert finding.deprecated_in == _api_changes.CHANGES["BuilderFlag"]["DIRECT_IO"][1]
    assert finding.removed_in is None
    assert all(rule.id.startswith("TRT") for rule in RULES)
