"""The version-dispatch layer: two modules, ``bindings`` and ``tensors``, with identical names.

``bindings`` speaks the TensorRT 8.x binding-index API (and implicit batch); ``tensors`` the
name-based API of 8.5+. ``trtcompat._dispatch`` picks one per engine; callers see only the
``Family`` Protocol (``_protocol``), so nothing above this layer ever branches on a TensorRT
version. Beside them: ``_common`` (what both families share) and ``_binding_indices`` (the
8.x binding arithmetic as plain functions, for views that emulate the binding API).
"""

from __future__ import annotations

# What both families share and the runtime layer uses: the error built after TensorRT refused
# something, and the profile-range check.
from ._common import check_profile, explain_failure
from ._protocol import Family, Shape

__all__ = ["Family", "Shape", "check_profile", "explain_failure"]
