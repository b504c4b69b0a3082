"""A TensorRT 8 view of any engine, so unmigrated binding-index code runs on 10.x and 11.x.

>>> import trtcompat.legacy
>>> engine = trtcompat.legacy.wrap(trtcompat.load_engine("model.plan"))  # doctest: +SKIP
>>> for binding in engine:  # every binding of every profile, as on TensorRT 8  # doctest: +SKIP
...     print(binding, engine.get_binding_shape(binding), engine.binding_is_input(binding))

Semantics are TensorRT 8.6's (``docs/MIGRATION.md``), including per-profile binding indices:
with K profiles and n tensors there are K * n bindings, binding ``k * n + i`` is tensor ``i``
of profile ``k``, named ``"x [profile k]"`` for ``k > 0``, and the list given to
``execute_async_v2`` has K * n slots of which the active profile's are used. Failures answer
as 8.x does: -1 from ``get_binding_index``, False from ``set_binding_shape`` and the
``execute`` calls, IndexError for a binding that does not exist.

The views pass ``isinstance`` checks against the wrapped module's classes
(``isinstance(view, trt.ICudaEngine)``), as client code such as mmdeploy's ``TRTWrapper``
makes them; ``type(view)`` is the view class.

Layers: the mapping goes through the engine's name-based family (the ``Family`` Protocol, from
``_dispatch.family_for``) for every shape, profile and execute call, and through the binding
arithmetic (``_family._binding_indices``) for binding indices and names. What only this view
asks of TensorRT (the engine module's own types, ``execute_v2``, the input-consumed event)
is ``_native``.

Warnings: over an 8.x engine every call reaches the real 8.x member, so its own
DeprecationWarnings (8.4+/8.5+) surface unchanged. Over 10.x/11.x the facade emits none.
"""

from __future__ import annotations

import os
from typing import Any

from .._dispatch import ENV_FAMILY, available_families, family_for
from ._context import LegacyContext, TensorContext
from ._engine import LegacyEngine, NativeEngine, TensorEngine

__all__ = ["CONTEXT_MEMBERS", "ENGINE_MEMBERS", "LegacyContext", "LegacyEngine", "wrap"]


def _served(*views: type) -> frozenset[str]:
    # What the views define themselves (the rest is forwarded to the wrapped object), as the
    # name a program uses: len(engine) and engine[key] are __len__ / __getitem__.
    return frozenset(
        name
        for view in views
        for name in vars(view)
        if not name.startswith("_") or name in ("__len__", "__getitem__", "__iter__")
    )


ENGINE_MEMBERS = _served(LegacyEngine, TensorEngine)
"""The TensorRT 8 engine members a :func:`wrap` view serves on every TensorRT (8.x to 11.x)."""
CONTEXT_MEMBERS = _served(LegacyContext, TensorContext)
"""The TensorRT 8 context members a view's contexts serve on every TensorRT (8.x to 11.x)."""


def wrap(engine: Any, *, family: str | None = None) -> LegacyEngine:
    """A TensorRT 8 binding-API view of ``engine``, of any TensorRT era.

    Args:
        engine: An ``ICudaEngine`` (8.x, 9.x, 10.x, 11.x), or a :class:`LegacyEngine`
            (returned as it is).
        family: ``"tensors"`` maps the binding calls onto the name-based API even where the
            engine still has the binding API (8.5/8.6; for testing the mapping). By default
            (and with ``"bindings"``) an engine that has the binding API is forwarded to as it
            is. ``$TRTCOMPAT_FAMILY`` is honoured as by the rest of trtcompat.

    Returns:
        A :class:`LegacyEngine`.

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
        UnsupportedFamilyError: ``family`` is unknown or the engine lacks it (implicit-batch
            engines have no name-based API).
    """
    if isinstance(engine, LegacyEngine):
        return engine
    found = available_families(engine)
    if family is None and not os.environ.get(ENV_FAMILY):
        chosen = "bindings" if "bindings" in found else "tensors"
    else:
        chosen = family_for(engine, family).NAME
    return NativeEngine(engine) if chosen == "bindings" else TensorEngine(engine)
