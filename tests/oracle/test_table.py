"""The version table (trtcompat/_api_changes.py) agrees with NVIDIA's real module, member by member.

For every class, enum and module name the table's sources know or the real module binds,
``_versions.has_member`` must say present exactly where the real release has it. And the
checked-in imported surface (tests/data/surfaces/tensorrt-imported-members.json, from which
the table is generated) must still be what this release's module binds, so a regenerated
table would not change.
"""

from __future__ import annotations

import json
import re
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
#: One overload of a member (``__getitem__(str)``): present where the real member's pybind
#: signature (its docstring) has an overload taking that type.
_OVERLOAD = re.compile(r"(?P<member>\w+)\((?P<type>\w+)\)")


def _has_overload(real_trt: ModuleType, cls: str, entry: str) -> bool:
    match = _OVERLOAD.fullmatch(entry)
    assert match, entry
    member = getattr(getattr(real_trt, cls, None), match["member"], None)
    pattern = rf"\(self: [\w.]+, \w+: {match['type']}\)"
    return member is not None and re.search(pattern, member.__doc__ or "") is not None


def _disagreements(real: dict[str, dict[str, str]], release: str,
                   real_trt: ModuleType) -> list[str]:
    version = _versions.parse_version(release)
    found = []
    for cls in sorted(set(real) | set(MERGED)):
        names = set(real.get(cls, {})) | set(MERGED.get(cls, {}))
        class_there = cls == "tensorrt" or _versions.has_member("tensorrt", cls, version)
        for name in sorted(names):
            table = class_there and _versions.has_member(cls, name, version)
            if "(" in name:
                actual = _has_overload(real_trt, cls, name)
            else:
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
    problems = _disagreements(real, oracle_release, real_trt)
    assert not problems, "\n".join(problems)


def test_the_check_fails_on_a_wrong_row(real_trt: ModuleType, oracle_release: str) -> None:
    # The comparison above can fail: a member the module lacks, or one it gains, is found.
    real = TOOL.imported_surface(real_trt)["members"]
    real["Runtime"] = {k: v for k, v in real["Runtime"].items() if k != "deserialize_cuda_engine"}
    real["ICudaEngine"] = {**real["ICudaEngine"], "made_up_member": "def"}
    problems = _disagreements(real, oracle_release, real_trt)
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
