"""The fake of the TensorRT 11 API era as an importable module, for command lines:
``TRTCOMPAT_TRT_MODULE=trtcompat.testing.era_11 trtcompat inspect model.plan``.

Importing it puts a fresh fake module in its place (``make_module("11")``).
"""

from __future__ import annotations

import sys

from ._module import make_module

sys.modules[__name__] = make_module("11", __name__)
