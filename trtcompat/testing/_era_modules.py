"""``trtcompat.testing.era_<key>``: the fake of every era and release as an importable module,
for command lines (``TRTCOMPAT_TRT_MODULE=trtcompat.testing.era_10 trtcompat inspect m.plan``).

The names are not files: an import finder answers ``era_`` plus any key of the era table with
its dots as underscores (``era_8_6``, ``era_10``, ``era_10_3``), and importing one puts a fresh
fake module in its place (``make_module(key, name)``). A major the version table gains is
importable by itself, with no module written for it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Sequence

from ._eras import ERAS
from ._module import make_module

__all__ = ["PREFIX", "install_finder", "module_name"]

#: What every era module's name starts with.
PREFIX = __name__.rpartition(".")[0] + ".era_"


def module_name(key: str) -> str:
    """The importable name of the fake of era or release ``key`` (``"8.6"`` -> ``..era_8_6``)."""
    return PREFIX + key.replace(".", "_")


def _era_key(fullname: str) -> str | None:
    if not fullname.startswith(PREFIX):
        return None
    key = fullname[len(PREFIX) :].replace("_", ".")
    return key if key in ERAS else None


class _EraModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and makes the era modules (the finder and the loader in one)."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        del path, target
        if _era_key(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        key = _era_key(spec.name)
        assert key is not None  # find_spec answered only era names
        return make_module(key, spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        del module  # made whole by create_module


_FINDER = _EraModules()


def install_finder() -> None:
    """Lets ``import trtcompat.testing.era_<key>`` find the fakes (once per interpreter)."""
    if not any(isinstance(finder, _EraModules) for finder in sys.meta_path):
        sys.meta_path.append(_FINDER)
