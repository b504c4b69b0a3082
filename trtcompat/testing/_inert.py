"""Stand-ins for the real members the fakes do not model: present, called as in the release,
harmless.

A fake of a release offers every member NVIDIA's class has there (``trt.Runtime.DLA_core``,
``ICudaEngine.num_layers``, ``IExecutionContext.set_aux_streams``...), so code that touches
one runs on the fake as on the device and code using a member the release lacks fails the
same way. Which members a release has is the version table's word (``_versions.has_member``);
how each is called (kind, overloads with parameter names and defaults, return type) comes
from the imported real modules (``_real_forms.py``). A stand-in property reads a neutral
value of its type (0, False, "", None) and keeps what is assigned to it; a stand-in method
takes the real parameters and returns the neutral value of its return type. Members the
fakes model with behaviour are never replaced.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any

from packaging.version import Version

from .._versions import has_member
from ._real_forms import FORMS, VALUES

__all__ = ["add_stand_ins", "real_parameters", "real_value", "stand_in_names"]

_NEUTRAL: dict[str, Any] = {"int": 0, "bool": False, "str": "", "float": 0.0}
_MISSING = object()


def _form_at(forms: tuple[Any, ...], release: Version) -> Any:
    """The entry of ``forms`` in force at ``release`` (the first one before any)."""
    current = forms[0]
    for form in forms:
        if Version(form[0]) <= release:
            current = form
    return current


def real_value(enum: str, member: str, release: Version) -> int:
    """The integer value real ``enum.member`` has in ``release`` (from the imported modules).

    Raises:
        KeyError: no imported release has that member.

    >>> real_value("BuilderFlag", "REFIT", Version("8.6.1"))
    5
    >>> real_value("BuilderFlag", "REFIT", Version("10.3"))
    4
    """
    return int(_form_at(VALUES[enum][member], release)[1])


def real_parameters(cls: str, member: str, release: Version) -> set[str]:
    """The parameter names real ``cls.member`` takes in ``release``, over all its overloads
    (``Builder.build_serialized_network`` takes ``kernel_text`` from 10.13 on)."""
    _, _, overloads, _ = _form_at(FORMS[f"{cls}.{member}"], release)
    return {param for form in overloads for param, _ in form}


def stand_in_names(cls: str, release: Version) -> list[str]:
    """The members of real ``cls`` in ``release`` that a stand-in can stand for."""
    prefix = f"{cls}."
    return sorted(
        key[len(prefix):] for key in FORMS
        if key.startswith(prefix) and has_member(cls, key[len(prefix):], release)
    )


def _property(returned: str, settable: bool) -> property:
    values: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
    neutral = _NEUTRAL.get(returned)

    def fget(self: Any) -> Any:
        return values.get(self, neutral)

    def fset(self: Any, value: Any) -> None:
        values[self] = value

    return property(fget, fset if settable else None)


def _method(name: str, overloads: tuple[Any, ...], returned: str) -> Callable[..., Any]:
    # One Python function takes every overload: parameters in first-seen order; those not
    # in every overload default to a private marker (pybind picks the overload by them).
    order: list[str] = []
    defaults: dict[str, Any] = {}
    for form in overloads:
        for param, default in form:
            if param not in order:
                order.append(param)
            if default is not None:
                defaults[param] = default
    names = [{p for p, _ in form} for form in overloads]
    common = set.intersection(*names) if names else set()
    result = _NEUTRAL.get(returned)

    def stand_in(self: Any, *args: Any, **kwargs: Any) -> Any:
        # pybind refuses a call no overload takes (a misspelt keyword, a missing argument).
        signature.bind(self, *args, **kwargs)
        return result

    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for param in order:
        if param.startswith("*"):
            continue
        # pybind lets a required parameter follow defaulted ones (add_scale_nd's
        # channel_axis after power=None): so does this signature, unvalidated below.
        has_default = param in defaults or param not in common
        default = _Default(defaults[param]) if param in defaults else _MISSING
        parameters.append(inspect.Parameter(
            param, inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=default if has_default else inspect.Parameter.empty,
        ))
    signature = inspect.Signature(parameters, __validate_parameters__=False)
    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__signature__ = signature  # type: ignore[attr-defined]
    stand_in.__doc__ = f"Stand-in for the real {name}: does nothing, returns {result!r}."
    return stand_in


class _Default:
    """A default whose repr is pybind's text of it (``<ExecutionContextAllocationStrategy...>``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def add_stand_ins(cls: type, name: str, release: Version) -> None:
    """Give fake ``cls`` (the fake of real class ``name``) every member of ``release`` it lacks."""
    for member in stand_in_names(name, release):
        if hasattr(cls, member) or (member.startswith("__") and member != "__del__"):
            continue  # modelled by the fake (or pybind plumbing the fake's Python has)
        if member == "__del__":
            continue  # Python's own finalizer is no member a caller uses
        _, kind, overloads, returned = _form_at(FORMS[f"{name}.{member}"], release)
        if kind == "def":
            setattr(cls, member, _method(member, overloads, returned))
        else:
            setattr(cls, member, _property(returned, settable=kind == "property"))
