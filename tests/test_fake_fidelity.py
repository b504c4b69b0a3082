"""The fakes offer nothing their era's real classes lack, and lack what the era removed."""

from __future__ import annotations

import inspect
import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

from trtcompat import _versions
from trtcompat.testing import ERAS, era_info, make_module

DATA = Path(__file__).parent / "data" / "surfaces"
SOURCE = json.loads((DATA / "tensorrt-source-members.json").read_text())["versions"]
WHEEL = {
    "10": json.loads((DATA / "tensorrt_lean-10.16.1.11.json").read_text()),
    "11": json.loads((DATA / "tensorrt_lean-11.4.0.106.json").read_text()),
}
CLASSES = ("ICudaEngine", "IExecutionContext", "Runtime", "Dims")
ENUMS = ("DataType", "TensorLocation", "TensorIOMode")
PYTHON_PROTOCOL = {
    "__getitem__",
    "__len__",
    "__iter__",
    "__setitem__",
    "__eq__",
    "__enter__",
    "__exit__",
}


def real_members(era: str, cls: str) -> set[str]:
    """Public members of the real class: the wheel's dir() for 10/11, the pybind source for 8.x."""
    if era in WHEEL:
        return set(WHEEL[era]["classes"].get(cls, ())) | set(WHEEL[era]["enums"].get(cls, ()))
    # python/packaging/tensorrt/__init__.py (8.4.3, 8.6.1) patches deprecated context
    # managers onto these after the pybind module loads: the pybind source lacks them.
    patched = {"__enter__", "__exit__"} if cls in _PATCHED_WITH_CONTEXT_MANAGERS else set()
    return set(SOURCE[era].get(cls, {})) | patched


_PATCHED_WITH_CONTEXT_MANAGERS = ("ICudaEngine", "IExecutionContext", "Runtime", "ILogger")


def fake_members(cls: Any) -> set[str]:
    """Public members a user can reach on a fake class (what its era would have to offer)."""
    names = set()
    for klass in type.mro(cls)[:-1]:  # not `object`
        for name in vars(klass):
            if not name.startswith("_") or (name in PYTHON_PROTOCOL and name in vars(klass)):
                names.add(name)
    return names - {"mro"}


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("cls", CLASSES)
def test_fake_class_offers_nothing_the_real_class_lacks(era: str, cls: str) -> None:
    fake = getattr(make_module(era), cls)
    extra = fake_members(fake) - real_members(era, cls)
    assert not extra, f"fake {era} {cls} has members the real one lacks: {sorted(extra)}"


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("enum_name", ENUMS)
def test_fake_enum_members_exist_on_the_real_enum(era: str, enum_name: str) -> None:
    module = make_module(era)
    if not hasattr(module, enum_name):
        assert enum_name == "TensorIOMode" and era == "8.4"  # added in 8.5
        return
    fake = set(getattr(module, enum_name).__members__)
    real = set(WHEEL[era]["enums"][enum_name]) if era in WHEEL else set(SOURCE[era][enum_name])
    assert fake == real


@pytest.mark.parametrize("era", ERAS)
def test_fake_lacks_what_the_era_removed(era: str) -> None:
    module = make_module(era)
    version = _versions.parse_version(era_info(era).version)
    for cls, removed in _versions.REMOVED.items():
        fake = getattr(module, cls)
        for member, since in removed.items():
            if member == "__len__" and version < since:
                continue  # present and checked by the other test
            if version >= since:
                assert not hasattr(fake, member), f"{era}: {cls}.{member} was removed in {since}"


@pytest.mark.parametrize(("era", "branch"), [("8.4", "8.4"), ("8.6", "8.6"), ("10", "10.16")])
def test_deprecation_warnings_match_the_bindings_source(era: str, branch: str) -> None:
    marked = {
        f"{cls}.{member}"
        for cls in ("ICudaEngine", "IExecutionContext")
        for member, kind in SOURCE[branch][cls].items()
        if kind.endswith("*DEP*")
    }
    info = era_info(era)
    offered = (
        {f"ICudaEngine.{m}" for m in info.engine_members}
        | {f"IExecutionContext.{m}" for m in info.context_members}
        | {"IExecutionContext.active_optimization_profile"}
    )
    assert info.deprecated == marked & offered


def test_removed_table_agrees_with_the_bindings_source() -> None:
    # Every member the version table calls removed in X exists in the branch before X and
    # not in X itself (the pybind source lists, release/9.3 -> 10.0 and 10.16 -> 11.0).
    before = {_versions.TRT_10_0: "9.3", _versions.TRT_11_0: "10.16"}
    at = {_versions.TRT_10_0: "10.0", _versions.TRT_11_0: "11.0"}
    for cls, removed in _versions.REMOVED.items():
        for member, since in removed.items():
            assert member in SOURCE[before[since]][cls], (cls, member)
            assert member not in SOURCE[at[since]][cls], (cls, member)


def test_length_raises_type_error_from_10(era: str) -> None:
    import sys

    from _engines import STATIC

    from trtcompat.testing import build_engine

    engine = build_engine(STATIC, era, sys.modules["tensorrt"])
    if era_info(era).has_bindings:
        assert len(engine) == 2
    else:
        with pytest.raises(TypeError):
            len(engine)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert [name for name in engine] == ["x", "y"]  # sequence protocol via __getitem__


@pytest.mark.parametrize("era", ERAS)
def test_context_managers_as_each_era_has_them(era: str) -> None:
    from _engines import STATIC

    from trtcompat.testing import build_engine

    module = make_module(era)
    engine = build_engine(STATIC, era, module)
    # Patched on by tensorrt/__init__.py in every era (8.4.3 and 8.6.1 too), deprecated.
    for entering in (engine, engine.create_execution_context(), module.Logger()):
        warns = pytest.warns(DeprecationWarning, match="Context managers for TensorRT types")
        with warns, entering as entered:
            assert entered is entering


# -- parameter names and order (trtcompat and its users call TensorRT by keyword) ----------

ARGUMENTS_8X = json.loads((DATA / "tensorrt-8x-arguments.json").read_text())["classes"]
_PARAM = re.compile(r"(?:\(|, )(\w+): ")


def real_overloads(era: str, cls: str, member: str) -> list[list[str]] | None:
    """Parameter names (without self) of each overload of the real member; None if unknown."""
    if era not in WHEEL:
        found = ARGUMENTS_8X.get(cls, {}).get(member)
        return None if found is None else [list(o) for o in found]
    text = WHEEL[era]["signatures"].get(f"{cls}.{member}")
    if text is None or "property" in str(text):
        return None
    overloads = text if isinstance(text, list) else [text]
    return [[n for n in _PARAM.findall(str(o)) if n != "self"] for o in overloads]


def _accepts(params: list[inspect.Parameter], overloads: list[list[str]]) -> bool:
    # The fake's names must be one overload's, or the longest overload's with every shorter
    # overload a prefix and the rest defaulted (one Python function standing for them all).
    names = [p.name for p in params]
    if names in overloads:
        return True
    if all(len(o) == 1 for o in overloads) and sorted(names) == sorted(o[0] for o in overloads):
        # Overloads of one parameter each, told apart by keyword (get_binding_shape(index) /
        # (name)): one function taking either, every parameter defaulted.
        return all(p.default is not p.empty for p in params)
    longest = max(overloads, key=len)
    return names == longest and all(
        o == names[: len(o)] and all(p.default is not p.empty for p in params[len(o) :])
        for o in overloads
    )


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("cls", ["ICudaEngine", "IExecutionContext", "Runtime"])
def test_fake_methods_take_the_real_parameter_names_in_order(era: str, cls: str) -> None:
    fake = getattr(make_module(era), cls)
    checked, wrong = 0, []
    for name in sorted(fake_members(fake)):
        member = inspect.getattr_static(fake, name)
        overloads = real_overloads(era, cls, name)
        # Dunders are positional-only in pybind (arg0, ...): nobody calls them by keyword.
        skip = name.startswith("__") or not callable(member) or isinstance(member, property)
        if skip or overloads is None:
            continue
        params = list(inspect.signature(member).parameters.values())[1:]
        checked += 1
        if not _accepts(params, overloads):
            wrong.append(f"{name}{tuple(p.name for p in params)} vs real {overloads}")
    assert not wrong, f"fake {era} {cls}: " + "; ".join(wrong)
    assert checked >= (1 if cls == "Runtime" else 6)
