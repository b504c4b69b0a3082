"""The fake of the TensorRT 8.4 API era as an importable module, for command lines:
``TRTCOMPAT_TRT_MODULE=trtcompat.testing.era_8_4 trtcompat inspect model.plan``.

Importing it puts a fresh fake module in its place (``make_module("8.4")``).
"""

from __future__ import annotations

import sys

from ._module import make_module

sys.modules[__name__] = make_module("8.4", __name__)
