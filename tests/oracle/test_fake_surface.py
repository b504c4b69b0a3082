"""The fake of each release offers exactly the real module's surface (issue 23, "Fakes per release").

For every class the fakes model: the same members (inherited ones too), each the same kind
(a method, a settable or read-only property), every method with the real overloads'
parameter names and defaults; the same enum members with the same values; the same module
helpers. Runs in ``nox -s oracle`` against NVIDIA's module of that release.
"""

from __future__ import annotations

import inspect
import re
from types import ModuleType
from typing import Any

import pytest

from tests.oracle._surface import (
    BUILDER_CLASSES,
    BUILDER_ENUMS,
    CLASSES,
    ENUMS,
    HELPERS,
    PARTIAL_ENUMS,
    Params,
    dtype_aliases,
    enum_values,
    members,
    overloads,
)

#: Gaps the fake-behaviour branch closes (issue 23's "harsher" list: Dims, IHostMemory, the
#: loggers, deserialize_cuda_engine(stream_reader...) and create_execution_context(
#: runtime_config=...) overloads), by problem key, with the releases they show on. Each must
#: still show here: once that branch is merged and one is closed, this test fails until the
#: entry is deleted, so no gap is ever waived silently.
_ALL = ("8.", "10.", "11.")
KNOWN_GAPS: dict[str, tuple[str, ...]] = {
}


def _assert_only_known_gaps(problems: dict[str, str], release: str, cls: str,
                            kinds: tuple[str, ...]) -> None:
    """Fails on any problem not in KNOWN_GAPS, and on a known gap this check closed.

    ``cls`` and ``kinds`` (``":missing"``...) say which gaps the calling check looks for.
    """
    unknown = {k: m for k, m in problems.items() if not release.startswith(KNOWN_GAPS.get(k, ()))}
    closed = [k for k, where in KNOWN_GAPS.items()
              if k.startswith((f"{cls}.", f"{cls}:")) and k.endswith(kinds)
              and release.startswith(where) and k not in problems]
    assert not unknown, "\n".join(unknown.values())
    assert not closed, f"closed gaps, delete them from KNOWN_GAPS: {closed}"


def _positional_only(form: Params) -> tuple[Any, ...]:
    # pybind names the parameters of operators arg0, arg1...: only their number is public.
    return tuple(("arg", d) if re.fullmatch(r"arg\d+", p) else (p, d) for p, d in form)


def _call_form_problems(name: str, real: list[Params], fake: list[Params],
                        fake_fn: Any) -> list[str]:
    if real == [(("*args", None), ("**kwargs", None))]:
        return []  # pybind's "no constructor": neither can be built by a caller
    real = [_positional_only(f) for f in real]
    if all(p == "arg" for f in real for p, _ in f):
        fake = [tuple(("arg", d) for _, d in f) for f in fake]
    if len(real) == 1 or len(fake) > 1:
        return [] if fake == real else [f"{name}: real {real}, fake {fake}"]
    # Several real overloads, one Python function: it must take every real form, by position
    # and by keyword, with the real defaults, and no keyword no real form has.
    problems = []
    signature = inspect.signature(fake_fn)
    accepted = {p for p in signature.parameters if p != "self"}
    for form in real:
        names = [p for p, _ in form if not p.startswith("*")]
        try:
            signature.bind(None, **{p: object() for p in names})
            signature.bind(None, *[object() for _ in names])
        except TypeError as err:
            problems.append(f"{name}: fake {fake} does not take real form {form}: {err}")
        for param, default in form:
            fake_param = signature.parameters.get(param)
            if default is not None and fake_param is not None and repr(fake_param.default) != default:
                problems.append(f"{name}({param}=...): real default {default}, fake "
                                f"{fake_param.default!r}")
    extra = accepted - {p for form in real for p, _ in form}
    if extra and not any(p.startswith("*") for form in real for p, _ in form):
        problems.append(f"{name}: fake takes keywords no real form has: {sorted(extra)}")
    return problems


@pytest.mark.parametrize("cls", CLASSES)
def test_class_members_and_their_kinds(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                                       oracle_release: str, cls: str) -> None:
    real, fake = getattr(real_trt, cls, None), getattr(fake_trt_for_release, cls, None)
    problems: dict[str, str] = {}
    if (real is None) != (fake is None):
        problems[f"{cls}:class"] = f"{cls}: real {real}, fake {fake}"
    elif real is not None:
        real_members, fake_members = members(real), members(fake)  # type: ignore[arg-type]
        for name in sorted(set(real_members) | set(fake_members)):
            real_kind, fake_kind = real_members.get(name), fake_members.get(name)
            if fake_kind is None:
                problems[f"{cls}.{name}:missing"] = f"fake {cls} lacks {name} ({real_kind})"
            elif real_kind is None:
                problems[f"{cls}.{name}:extra"] = f"fake {cls} has {name}; the real one has not"
            elif real_kind != fake_kind:
                problems[f"{cls}.{name}:kind"] = f"{cls}.{name}: real {real_kind}, fake {fake_kind}"
    _assert_only_known_gaps(problems, oracle_release, cls, (":class", ":missing", ":extra",
                                                            ":kind"))


@pytest.mark.parametrize("cls", CLASSES)
def test_call_forms_match(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                          oracle_release: str, cls: str) -> None:
    real, fake = getattr(real_trt, cls, None), getattr(fake_trt_for_release, cls, None)
    if real is None or fake is None:
        return  # a missing class is test_class_members_and_their_kinds' finding
    problems: dict[str, str] = {}
    names = ["__init__", *(n for n, k in members(real).items() if k == "method")]
    for name in names:
        fake_fn = getattr(fake, name, None)
        if fake_fn is None:
            continue  # reported by test_class_members_and_their_kinds
        found = _call_form_problems(
            f"{cls}.{name}", overloads(real, name, getattr(real, name)),
            overloads(fake, name, fake_fn), fake_fn,
        )
        if found:
            problems[f"{cls}.{name}:forms"] = "\n".join(found)
    _assert_only_known_gaps(problems, oracle_release, cls, (":forms",))


@pytest.mark.parametrize("enum", ENUMS)
def test_enum_members_and_values(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                                 enum: str) -> None:
    real, fake = getattr(real_trt, enum, None), getattr(fake_trt_for_release, enum, None)
    assert (real is None) == (fake is None), enum
    if real is not None:
        assert enum_values(fake) == enum_values(real)


def test_logger_severity(real_trt: ModuleType, fake_trt_for_release: ModuleType) -> None:
    real, fake = real_trt.ILogger.Severity, fake_trt_for_release.ILogger.Severity
    assert enum_values(fake) == enum_values(real)
    assert real.__name__ == fake.__name__ == "Severity"


def test_module_helpers(real_trt: ModuleType, fake_trt_for_release: ModuleType) -> None:
    for helper in HELPERS:
        real, fake = getattr(real_trt, helper), getattr(fake_trt_for_release, helper)
        assert overloads(None, helper, fake) == overloads(None, helper, real), helper
    assert dtype_aliases(fake_trt_for_release) == dtype_aliases(real_trt)


# -- the builder side ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", BUILDER_CLASSES)
def test_builder_members_are_real(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                                  cls: str) -> None:
    # The fake builder class has the real class's members, each the same kind: what the fake
    # models (build, flags, pools, profiles, the ONNX parse, the layers build_plan reads),
    # and stand-ins (_inert.py) for the rest (most layers, refit, plugins, error recorders).
    real, fake = getattr(real_trt, cls, None), getattr(fake_trt_for_release, cls, None)
    assert (real is None) == (fake is None), cls
    if real is None:
        return
    real_members, fake_members = members(real), members(fake)
    problems = [f"fake {cls} lacks {name} ({real_members[name]})" if name not in fake_members
                else f"fake {cls} has {name}; the real one has not" if name not in real_members
                else f"{cls}.{name}: real {real_members[name]}, fake {fake_members[name]}"
                for name in sorted(set(real_members) | set(fake_members))
                if real_members.get(name) != fake_members.get(name)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("cls", BUILDER_CLASSES)
def test_builder_call_forms_match(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                                  oracle_release: str, cls: str) -> None:
    # Every method the fake builder class offers takes the real overloads' parameter names
    # (by keyword and by position) with the real defaults, constructors included.
    real, fake = getattr(real_trt, cls, None), getattr(fake_trt_for_release, cls, None)
    if real is None or fake is None:
        return  # test_builder_members_are_real's finding
    real_members = members(real)
    names = ["__init__", *(n for n, k in members(fake).items()
                           if k == "method" and real_members.get(n) == "method")]
    problems = []
    for name in names:
        fake_fn = getattr(fake, name)
        found = _call_form_problems(f"{cls}.{name}", overloads(real, name, getattr(real, name)),
                                    overloads(fake, name, fake_fn), fake_fn)
        problems += [f"{cls}.{name}"] if found else []
    # The fake of a minor release is its newest build (the table speaks of minors); an older
    # build of it may lack what a later build of the same minor added, and exactly that.
    assert problems == list(OLDER_BUILD_GAPS.get((oracle_release, cls), ())), problems


#: (older build, class): members whose call forms a later build of the same minor changed.
OLDER_BUILD_GAPS = {
    # build_serialized_network(network, config, kernel_text) is in 10.13.3.9, not 10.13.0.35.
    ("10.13.0.35", "Builder"): ("Builder.build_serialized_network",),
}


@pytest.mark.parametrize("enum", BUILDER_ENUMS)
def test_builder_enum_members_and_values(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                                         enum: str) -> None:
    real, fake = getattr(real_trt, enum, None), getattr(fake_trt_for_release, enum, None)
    assert (real is None) == (fake is None), enum
    if real is not None:
        assert enum_values(fake) == enum_values(real)


@pytest.mark.parametrize("enum", PARTIAL_ENUMS)
def test_partial_enum_values(real_trt: ModuleType, fake_trt_for_release: ModuleType,
                             enum: str) -> None:
    real, fake = getattr(real_trt, enum, None), getattr(fake_trt_for_release, enum, None)
    if fake is None:
        return
    assert real is not None, enum
    real_values = enum_values(real)
    assert {n: real_values.get(n) for n in enum_values(fake)} == enum_values(fake)
