"""Tie the hand-written rules to the generated table of API changes.

``trtcompat/_api_changes.py`` (generated from the pybind sources of every release branch) says
*when* each TensorRT name was deprecated, made read-only or removed; the rules in ``_rules.py``
say *how* to migrate it. This module answers, for one matched name, its versions from the
table, and lists which table entries the rules cover (``tests/test_migrate_table.py`` checks
that the rules cover every change, less the documented :data:`NOT_SCANNED`).
"""

from __future__ import annotations

from collections.abc import Iterable

from packaging.version import Version

from trtcompat._api_changes import CHANGES
from trtcompat._versions import release
from trtcompat.migrate._rules import RULES, Rule

__all__ = [
    "KIND_CLASSES",
    "NOT_SCANNED",
    "at_least",
    "changed_entries",
    "covered_entries",
    "fix_needs",
    "layer_removed",
    "newest",
    "versions",
]

# The oldest release the table examines: names removed by then are only the rules' to date.
FIRST_BRANCH = "8.0"
_NOT_A_RELEASE = Version("0")
_LAYERS = tuple(sorted({"ILayer", *(c for c in CHANGES if c.endswith("Layer"))}))
# ``_analysis.layer_key`` of each layer class: IRNNv2Layer -> "rnnv2".
_LAYER_BY_KEY = {cls[1 : -len("Layer")].lower(): cls for cls in _LAYERS if cls != "ILayer"}
# The TensorRT classes an object of each receiver kind (``_analysis.receiver_kind``) can be.
KIND_CLASSES: dict[str, tuple[str, ...]] = {
    "engine": ("ICudaEngine",),
    "context": ("IExecutionContext",),
    "runtime": ("Runtime",),
    "builder": ("Builder",),
    "config": ("IBuilderConfig",),
    "network": ("INetworkDefinition",),
    "layer": _LAYERS,
    "tensor": ("ITensor",),
    "profile": ("IOptimizationProfile",),
    "parser": ("OnnxParser",),
    "registry": ("IPluginRegistry",),
    "refitter": ("Refitter",),
    "timing_cache": ("ITimingCache",),
    "dimexpr": ("IDimensionExpr",),
}

# Changes no rule scans for, and why (each is checked to exist in the table).
NOT_SCANNED: dict[str, str] = {
    "Dims.__iter__": "iteration still works through __getitem__ / __len__",
    "IOutputAllocator.notify_shape": "user-implemented override, dispatched by name",
    "IOutputAllocator.reallocate_output": "user-implemented override, dispatched by name",
    "IOutputAllocator.tensorrt_version": "interface version, read by TensorRT",
    "IPluginCreator.tensorrt_version": "interface version, read by TensorRT",
    "IGpuAllocator.free": "user-implemented override (10.0 calls deallocate)",
    "IGpuAllocator.allocate": "user-implemented override (deprecated for allocate_async)",
    "IGpuAllocator.deallocate": "user-implemented override (deprecated for deallocate_async)",
    "IGpuAsyncAllocator.allocate": "user-implemented override",
    "IGpuAsyncAllocator.deallocate": "user-implemented override",
    "IPluginV3OneBuild.get_output_datatypes": "user-implemented plugin override",
    "TimingCacheValue.tacticHash": "a field of a timing-cache query result (TRT073)",
    "TimingCacheValue.timingMSec": "a field of a timing-cache query result (TRT073)",
    "ITimingCache.reset": "generic name on a timing cache (TRT073 covers the cache API)",
    "ITimingCache.serialize": "generic name on a timing cache (TRT073 covers the cache API)",
    # Found by the imported modules (nox -s oracle), which the pybind-source extractor missed:
    "IPluginV3QuickBuild.metadata_string": "10.6/10.7 preview attribute a Python plugin defines",
    "IPluginV3QuickBuild.num_outputs": "10.6/10.7 preview attribute a Python plugin defines",
    "IPluginV3QuickBuild.timing_cache_id": "10.6/10.7 preview attribute a Python plugin defines",
    "tensorrt.SubGraphCollection": "the result of OnnxParser.supports_model (TRT089)",
    "SubGraphCollection.__bool__": "on the result of supports_model (TRT089)",
    "SubGraphCollection.__eq__": "on the result of supports_model (TRT089)",
    "SubGraphCollection.__getitem__": "on the result of supports_model (TRT089)",
    "SubGraphCollection.__iter__": "on the result of supports_model (TRT089)",
    "SubGraphCollection.__len__": "on the result of supports_model (TRT089)",
    "SubGraphCollection.__setitem__": "on the result of supports_model (TRT089)",
    "SubGraphCollection.append": "on the result of supports_model (TRT089)",
    "SubGraphCollection.clear": "on the result of supports_model (TRT089)",
    "SubGraphCollection.count": "on the result of supports_model (TRT089)",
    "SubGraphCollection.extend": "on the result of supports_model (TRT089)",
    "SubGraphCollection.insert": "on the result of supports_model (TRT089)",
    "SubGraphCollection.pop": "on the result of supports_model (TRT089)",
    "SubGraphCollection.remove": "on the result of supports_model (TRT089)",
}


# What ``len(engine)`` / ``engine["x"]`` call, as the table names them (an overload by type).
_SEQ_MEMBERS = {"len(engine)": "__len__", "engine[str]": "__getitem__(str)"}


def _member_key(name: str) -> tuple[str, str]:
    head, _, tail = name.partition(".")
    return (head, tail) if tail else ("tensorrt", head)


def layer_removed(layer: str, member: str) -> bool:
    """Whether the layer class :func:`~trtcompat.migrate._analysis.layer_key` names lost
    ``member`` (``"pooling"``, ``"stride"``: yes); False for an unknown layer (``""``) or one
    that keeps the member (ISliceLayer's ``stride``)."""
    cls = _LAYER_BY_KEY.get(layer)
    change = CHANGES.get(cls or "", {}).get(member)
    return change is not None and change[3] is not None


def is_member_name(name: str) -> bool:
    """Whether a rule name is a module-level name or enum value (``BuilderFlag.FP16``)."""
    return "." in name or name[:1].isupper()


def _classes(rule: Rule, kind: str | None, layer: str) -> list[str]:
    """The classes the receiver can be: the layer's own (and ``ILayer``'s members) where
    :func:`~trtcompat.migrate._analysis.receiver_layer` knows it, else the kinds'."""
    if layer and (kind == "layer" or kind is None) and "layer" in rule.receivers:
        return [_LAYER_BY_KEY.get(layer, f"<{layer} layer>"), "ILayer"]
    kinds = [kind] if kind in rule.receivers else list(rule.receivers)
    return [cls for k in kinds for cls in KIND_CLASSES.get(k, ())]


def versions(
    rule: Rule, name: str, kind: str | None, layer: str = ""
) -> tuple[str | None, str | None, str]:
    """``(deprecated_in, removed_in, api)`` of one matched name, from the table where it is.

    Args:
        rule: The rule that matched.
        name: The matched attribute or member name.
        kind: The receiver's kind, when known.
        layer: Which layer the receiver is (``"pooling"``: ``IPoolingLayer``), when known.

    Returns:
        The versions (the rule's own for names the table lacks: hazards, TensorRT 7, cuda-python)
        and the API as ``Class.member``; ``A|B.member`` (classes in table order) when the
        receiver could be any of several classes that lost the member. A known layer that
        never had the member gives no versions (the use is not a TensorRT API).
    """
    name = _SEQ_MEMBERS.get(name, name) if rule.on == "seq" else name
    if is_member_name(name):
        return _module_versions(rule, name)
    classes = _classes(rule, kind, layer)
    found = []
    for cls in classes:
        change = CHANGES.get(cls, {}).get(name)
        if change is not None and not (rule.on == "store" and change[2] is None):
            found.append((cls, change))
    if not found:
        return _undated(rule, name, classes)
    if len(found) > 1 and classes[-1] == "ILayer" and found[0][0] != "ILayer":
        found = found[:1]  # the layer's own member
    gone = [change[2] if rule.on == "store" else change[3] for _, change in found]
    owners = "|".join(cls for cls, _ in found)
    return _oldest(c[1] for _, c in found), _oldest(gone), f"{owners}.{name}"


def _module_versions(rule: Rule, name: str) -> tuple[str | None, str | None, str]:
    """:func:`versions` of a module-level name or enum value (``BuilderFlag.FP16``)."""
    cls, member = _member_key(name)
    change = CHANGES.get(cls, {}).get(member)
    if change is None or (rule.on == "store" and change[2] is None):
        return rule.deprecated_in, rule.removed_in, rule.api
    removed_at = change[2] if rule.on == "store" else change[3]
    deprecated = _deprecated(change[1], removed_at, rule) if cls == "tensorrt" else change[1]
    return deprecated, removed_at, f"{cls}.{member}"


def _undated(rule: Rule, name: str, classes: list[str]) -> tuple[str | None, str | None, str]:
    """:func:`versions` of a member no class of the receiver lists in the table."""
    if classes and classes[-1] == "ILayer":
        if rule.removed_in is not None and at_least(rule.removed_in, FIRST_BRANCH):
            # Removed before the table's first release (TensorRT 7 names): the rule's.
            return rule.deprecated_in, rule.removed_in, f"{classes[0]}.{name}"
        return None, None, f"{classes[0]}.{name}"  # a layer that never had it
    return rule.deprecated_in, rule.removed_in, rule.api


def _deprecated(table: str | None, removed: str | None, rule: Rule) -> str | None:
    """A module-level class's deprecation: the table's, else the rule's where the class went
    when the rule says. A pybind class cannot warn, so the sources mark none on classes that
    NVIDIA's headers and release notes deprecate (``IInt8EntropyCalibrator2`` in 10.1);
    members keep the table's (their binding warns, or the code runs silently)."""
    if table is not None or removed is None or removed != rule.removed_in:
        return table
    return rule.deprecated_in


def _oldest(releases: Iterable[str | None]) -> str | None:
    known = [r for r in releases if r is not None]
    return min(known, key=_release_key) if known else None


def changed_entries() -> set[str]:
    """Every ``Class.member`` the table says was removed, made read-only or deprecated."""
    return {
        f"{cls}.{member}"
        for cls, members in CHANGES.items()
        for member, (_, deprecated, readonly, removed) in members.items()
        if removed or readonly or deprecated
    }


def covered_entries(rules: Iterable[Rule] = RULES) -> set[str]:
    """The table entries some rule scans for (members of a removed class go with it)."""
    covered: set[str] = set()
    for rule in rules:
        for name in rule.names:
            if is_member_name(name):
                cls, member = _member_key(name)
                covered.add(f"{cls}.{member}")
                if cls == "tensorrt":  # a whole enum or class
                    covered.update(f"{member}.{m}" for m in CHANGES.get(member, {}))
            elif rule.on == "seq":
                covered.update(f"{cls}.{name}" for cls in KIND_CLASSES["engine"])
            else:
                for kind in rule.receivers:
                    covered.update(f"{cls}.{name}" for cls in KIND_CLASSES.get(kind, ()))
    return covered & changed_entries()


def _added(cls: str, member: str) -> str | None:
    change = CHANGES.get(cls, {}).get(member)
    return change[0] if change is not None else None


def _release_key(text: str) -> Version:
    # The one release order (packaging's, through _versions); a text that is no TensorRT
    # release ("cuda-python 13") sorts before every release.
    return release(text) or _NOT_A_RELEASE


def newest(releases: Iterable[str | None]) -> str | None:
    """The newest of some releases (None entries ignored; None when all are)."""
    known = [r for r in releases if r is not None]
    return max(known, key=_release_key) if known else None


def at_least(release: str | None, floor: str) -> bool:
    """Whether ``release`` (None: any) is no newer than ``floor``: code needing it runs there."""
    return release is None or _release_key(release) <= _release_key(floor)


# Module-level names a native rewrite adds, by fix kind.
_KIND_USES = {
    "is_input": ("tensorrt.TensorIOMode",),
    "no_devmem": ("tensorrt.ExecutionContextAllocationStrategy",),
    "workspace": ("tensorrt.MemoryPoolType",),
}


def fix_needs(kind: str, new: str, receivers: Iterable[str]) -> str | None:
    """The oldest TensorRT a native rewrite's code runs on, from the table's ``added`` column.

    Args:
        kind: The fix kind (``attr``, ``rename``, ...).
        new: The member the rewrite introduces.
        receivers: The receiver kinds of the rule (which classes ``new`` belongs to).

    Returns:
        The release that added the newest name the rewrite uses (None: 8.0 or older, or not a
        TensorRT name, such as the cuda-python modules).
    """
    if kind.startswith("cuda"):
        return None
    uses = [_added(*_member_key(name)) for name in _KIND_USES.get(kind, ())]
    if new:
        classes = [cls for k in receivers for cls in KIND_CLASSES.get(k, ())]
        uses.append(newest(_added(cls, new) for cls in classes))
    return newest(uses)
