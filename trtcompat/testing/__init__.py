"""Fake TensorRT modules, one per API era, for testing code that uses trtcompat (or TensorRT).

Each fake offers exactly the public members its era's real classes have (never more), reads
inputs from and writes outputs to the real process-memory addresses it is bound to, and
answers failures the way TensorRT does (``None`` from deserialization, ``False`` from
execute and shape calls, with the reason sent to the runtime's logger).

>>> import numpy as np
>>> from trtcompat.testing import EngineSpec, TensorSpec, build_engine
>>> x, y = TensorSpec("x", np.float32, (2,), True), TensorSpec("y", np.float32, (2,), False)
>>> spec = EngineSpec((x, y), compute=lambda feed: {"y": feed["x"] * 2})
>>> engine = build_engine(spec, "10")
>>> engine.num_io_tensors
2

Without ``compute``, output ``i`` is a copy of input ``i`` (paired by order). Inside
``with fake_tensorrt(era) as trt:``, :func:`build_engine` builds on that installed module.
From the command line (``docs/TESTING.md``)::

    python -m trtcompat.testing write-plan model.plan --era 10 \
        --input x:FLOAT:2,3 --output y:FLOAT:2,3
    TRTCOMPAT_TRT_MODULE=trtcompat.testing.era_10 trtcompat inspect model.plan
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from .. import _detect
from ..errors import EngineSpecError
from ._era_modules import install_finder
from ._eras import COARSE_ERAS, RELEASES, Era, release_key
from ._eras import ERAS as _ERA_TABLE
from ._faults import FAULT_KINDS, FaultInjectingBackend, FaultKind
from ._module import make_module
from ._spec import Compute, EngineSpec, Launch, LaunchTensor, TensorSpec, plan_from_spec

__all__ = [
    "ERAS",
    "FAULT_KINDS",
    "Compute",
    "EngineSpec",
    "EngineSpecError",
    "Era",
    "FaultInjectingBackend",
    "FaultKind",
    "Launch",
    "LaunchTensor",
    "RELEASES",
    "TensorSpec",
    "build_engine",
    "build_plan",
    "era_info",
    "era_of",
    "fake_tensorrt",
    "make_module",
    "release_key",
]

# ``import trtcompat.testing.era_10`` (and every other era key) makes that era's fake module.
install_finder()

#: The coarse API eras, oldest first: ``"8.4"``, ``"8.6"``, ``"10"`` (the newest 10.x),
#: ``"11"`` (the newest 11.x). Every name in :data:`RELEASES` (``"8.0"`` ... ``"11.4"``) is
#: a fake too, offering exactly that release's surface.
ERAS: tuple[str, ...] = COARSE_ERAS


def era_info(era: str) -> Era:
    """The facts the fake of ``era`` is built from."""
    try:
        return _ERA_TABLE[era]
    except KeyError:
        raise ValueError(
            f"Unknown era {era!r}. Must be one of {', '.join(ERAS)} or a release "
            f"{', '.join(RELEASES)}."
        ) from None


def era_of(module: ModuleType) -> str:
    """The era key of a fake module (from its ``__version__``)."""
    version = getattr(module, "__version__", "")
    for key, era in _ERA_TABLE.items():
        if era.version == version:
            return key
    raise ValueError(f"{getattr(module, '__name__', module)!r} is not a trtcompat fake.")


def build_plan(spec: EngineSpec, era: str) -> bytes:
    """A serialized fake plan of ``spec`` for ``era``'s runtime."""
    return plan_from_spec(spec, era_info(era).version)


def _collecting_logger(trt: ModuleType) -> Any:
    # A subclass of the module's own ILogger, as Runtime() takes nothing else.
    class CollectingLogger(trt.ILogger):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            trt.ILogger.__init__(self)
            self.messages: list[str] = []

        def log(self, severity: Any, msg: str) -> None:
            self.messages.append(msg)

    return CollectingLogger()


# The fakes fake_tensorrt() has installed, innermost last.
_INSTALLED: list[ModuleType] = []


def build_engine(spec: EngineSpec, era: str, module: ModuleType | None = None) -> Any:
    """Deserializes ``spec`` with a fake runtime of ``era``.

    Args:
        spec: The engine.
        era: ``"8.4"``, ``"8.6"``, ``"10"`` or ``"11"``.
        module: The fake module to build on. By default the innermost fake of ``era`` that
            :func:`fake_tensorrt` installed (so ``isinstance(engine, trt.ICudaEngine)`` holds
            inside ``with fake_tensorrt(era) as trt:``), else a new one.

    Raises:
        ValueError: the era's runtime refused the plan (e.g. a DataType it lacks); the
            message is what the runtime logged.
    """
    info = era_info(era)
    installed = [m for m in _INSTALLED if getattr(m, "__version__", "") == info.version]
    trt = module if module is not None else (installed[-1] if installed else make_module(info.key))
    logger = _collecting_logger(trt)
    engine = trt.Runtime(logger).deserialize_cuda_engine(build_plan(spec, era))
    if engine is None:
        raise ValueError("; ".join(logger.messages) or "the fake runtime refused the plan")
    return engine


@contextmanager
def fake_tensorrt(era: str, name: str = "tensorrt") -> Iterator[ModuleType]:
    """Installs the fake of ``era`` as ``sys.modules[name]`` for the duration of the block.

    trtcompat's runtime discovery is reset on entry and exit, so ``trtcompat.runtime_info()``
    and ``trtcompat.load_engine`` see the fake.
    """
    module = make_module(era_info(era).key, name)
    saved = sys.modules.get(name)
    sys.modules[name] = module
    _INSTALLED.append(module)
    _detect.find_trt_module.cache_clear()
    try:
        yield module
    finally:
        _INSTALLED.remove(module)
        if saved is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = saved
        _detect.find_trt_module.cache_clear()


def __dir__() -> list[str]:
    return __all__
