"""The version table (trtcompat/_api_changes.py) agrees with NVIDIA's real module, member by member.

For every class, enum and module name the table's sources know or the real module binds,
``_versions.in_release`` must say present exactly where the real release has it. And the
checked-in imported surface (tests/data/surfaces/tensorrt-imported-members.json, from which
the table is generated) must still be what this release's module binds, so a regenerated
table would not change.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

from tests.oracle._surface import TOOL, load_tool
from trtcompat import _versions

DATA = Path(__file__).resolve().parents[1] / "data" / "surfaces"
IMPORTED = json.loads((DATA / "tensorrt-imported-members.json").read_text())
#: What the table is generated from: every name of every class in some release.
MERGED = load_tool("gen_api_changes").merge(
    json.loads((DATA / "tensorrt-all-members.json").read_text()), IMPORTED
)["members"]
#: Corrected on the migrate branch with the scanner rules that read them (the table's
#: generator keeps their source rows: tools/gen_api_changes.py SOURCE_ONLY): 8.6.1 still
#: has these aliases; the sources say they went in 8.5, the real modules say 10.0.
LEFT_TO_MIGRATE = frozenset({"ResizeMode", "SliceMode"})


def _disagreements(real: dict[str, dict[str, str]], release: str) -> list[str]:
    version = _versions.parse_version(release)
    found = []
    for cls in sorted((set(real) | set(MERGED)) - LEFT_TO_MIGRATE):
        names = set(real.get(cls, {})) | set(MERGED.get(cls, {}))
        class_there = cls == "tensorrt" or _versions.in_release("tensorrt", cls, version)
        for name in sorted(names - (LEFT_TO_MIGRATE if cls == "tensorrt" else set())):
            table = class_there and _versions.in_release(cls, name, version)
            actual = name in real.get(cls, {})
            if name not in MERGED.get(cls, {}):
                # The table lists only what changed, so a name it never heard of reads as
                # "in every release": that is a claim nothing checked.
                found.append(f"{cls}.{name}: unknown to the table's sources, the module has "
                             "it (dump it: tools/extract_surfaces.py --dump)")
            elif table != actual:
                says = "present" if table else "absent"
                found.append(f"{cls}.{name}: the table says {says} in {release}, the module "
                             f"{'has' if actual else 'lacks'} it")
    return found


def test_table_agrees_with_the_real_module(real_trt: ModuleType, oracle_release: str) -> None:
    real = TOOL.imported_surface(real_trt)["members"]
    assert len(real["tensorrt"]) > 100  # the whole module was read, builder and parser too
    problems = _disagreements(real, oracle_release)
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_a_wrong_row(real_trt: ModuleType, oracle_release: str) -> None:
    # The comparison above can fail: a member the module lacks, or one it gains, is found.
    real = TOOL.imported_surface(real_trt)["members"]
    real["Runtime"] = {k: v for k, v in real["Runtime"].items() if k != "deserialize_cuda_engine"}
    real["ICudaEngine"] = {**real["ICudaEngine"], "made_up_member": "def"}
    problems = _disagreements(real, oracle_release)
    assert any(p.startswith("Runtime.deserialize_cuda_engine: the table says present") for p in problems)
    assert any(p.startswith("ICudaEngine.made_up_member: unknown to the table") for p in problems)


def test_checked_in_surface_is_this_module(real_trt: ModuleType, oracle_release: str) -> None:
    release = _versions.parse_version(oracle_release)
    minor = f"{release.major}.{release.minor}"
    assert minor in IMPORTED["branches"], f"{oracle_release}: no imported surface of {minor}"
    real = TOOL.imported_surface(real_trt)["members"]
    recorded = {cls: {m: kinds[minor] for m, kinds in members.items() if minor in kinds}
                for cls, members in IMPORTED["members"].items()}
    recorded = {cls: members for cls, members in recorded.items() if members}
    if IMPORTED["builds"][minor] == oracle_release:
        assert recorded == {cls: members for cls, members in real.items() if members}
    else:
        # An older build of the minor (10.13.0.35 beside 10.13.3.9): the table speaks of the
        # newest; the runtime classes must still be the same.
        for cls in ("Runtime", "ICudaEngine", "IExecutionContext"):
            assert recorded[cls] == real[cls], cls
