"""The user-visible surface of a ``tensorrt`` module, real or fake, in one comparable form.

Real pybind callables are read from the signature lines pybind11 writes into ``__doc__``
(``tools/extract_surfaces.py`` parses them); fake ones with :mod:`inspect`. What counts is
what a caller sees: which classes exist, which members each offers (inherited ones too), a
property (settable or not) or a method, the parameter names and defaults of each overload,
enum members and their integer values, and the module helpers.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
from pathlib import Path
from types import ModuleType
from typing import Any, Optional, Tuple

ROOT = Path(__file__).resolve().parents[2]


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py``, loaded by path (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location(f"_trtcompat_tool_{name}",
                                                  ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


TOOL = load_tool("extract_surfaces")

#: The runtime classes the fakes model (issue 23's list).
CLASSES = ("Runtime", "ICudaEngine", "IExecutionContext", "Dims", "IOutputAllocator", "ILogger",
           "Logger", "IHostMemory")
ENUMS = ("DataType", "TensorIOMode", "TensorLocation", "TensorFormat",
         "ExecutionContextAllocationStrategy")
HELPERS = ("nptype", "volume")
#: The builder side the fakes model (testing/_builder.py, _network_fake.py; stand-ins from
#: _inert.py for the members they leave out): the real members, kinds, parameter names and
#: defaults.
BUILDER_CLASSES = ("Builder", "IBuilderConfig", "INetworkDefinition", "OnnxParser",
                   "IOptimizationProfile", "ITimingCache")
#: Builder enums the fakes offer whole: members and values equal the real module's.
BUILDER_ENUMS = ("BuilderFlag", "NetworkDefinitionCreationFlag", "MemoryPoolType")
#: Builder enums the fakes offer in part (the members their layers and parser use): each
#: member the fake has, with the real value.
PARTIAL_ENUMS = ("DeviceType", "ErrorCode", "ElementWiseOperation", "ActivationType",
                 "LayerType", "HardwareCompatibilityLevel")
#: Python protocol methods a caller uses (``len(dims)``, ``with runtime:``); the rest of the
#: dunders are pybind's or object's plumbing.
PROTOCOL = frozenset({"__getitem__", "__setitem__", "__len__", "__iter__", "__eq__",
                      "__enter__", "__exit__", "__init__"})

# A runtime alias: typing's forms, since the 8.6.1 row runs on Python 3.8.
Params = Tuple[Tuple[str, Optional[str]], ...]


def _plumbing(owner: type) -> bool:
    return owner is object or owner.__module__ in ("pybind11_builtins", "builtins")


def _owner(cls: type, name: str) -> type:
    return next(k for k in cls.__mro__ if name in vars(k))


def _is_pybind(value: Any) -> bool:
    return type(value).__name__ in ("instancemethod", "builtin_function_or_method")


def member_kind(cls: type, name: str) -> str:
    """``method``, ``property`` (settable), ``property_readonly``, or ``attribute``.

    What a caller can tell apart: a slot is a settable property to them; a class-level
    constant (``Dims.MAX_DIMS``, a pybind static property) reads the same either way.
    """
    value = inspect.getattr_static(cls, name)
    if type(value).__name__ == "pybind11_static_property" and value.fset is None:
        return "attribute"
    if isinstance(value, types.MemberDescriptorType):
        return "property"
    if isinstance(value, property):
        return "property" if value.fset is not None else "property_readonly"
    if isinstance(value, (staticmethod, classmethod)) or callable(value):
        return "attribute" if isinstance(value, type) else "method"
    return "attribute"


def members(cls: type) -> dict[str, str]:
    """``{name: kind}`` of what a caller reaches on ``cls`` (inherited members included)."""
    found = {}
    for name in dir(cls):
        if name.startswith("_") and name not in PROTOCOL:
            continue
        if name == "__init__" or _plumbing(_owner(cls, name)):
            continue
        found[name] = member_kind(cls, name)
    return found


def overloads(cls: type | None, name: str, func: Any) -> list[Params]:
    """Each call form of ``func`` as ``((param, default or None), ...)``, ``self`` left out."""
    if _is_pybind(func) or (name == "__init__" and cls is not None
                            and _is_pybind(inspect.getattr_static(cls, "__init__"))):
        doc = func.__doc__
        forms = [tuple((p, d) for p, d in form) for form in TOOL.pybind_overloads(name, doc)]
    else:
        forms = [tuple((p, d) for p, d in TOOL._python_params(func))]
    unique: list[Params] = []
    for form in forms:
        if form not in unique:
            unique.append(form)
    return unique


def enum_values(enum: Any) -> dict[str, int]:
    """``{member: int value}`` of a pybind or Python enum."""
    return {name: int(getattr(value, "value", value)) for name, value in enum.__members__.items()}


def dtype_aliases(module: ModuleType) -> dict[str, str]:
    """The module-level DataType aliases (``trt.float32``) and the member each names."""
    dtype = module.DataType
    return {name: value.name for name in dir(module) if not name.startswith("_")
            for value in [getattr(module, name)] if isinstance(value, dtype)}
