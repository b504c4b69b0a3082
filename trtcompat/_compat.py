"""Shims for the oldest Python trtcompat supports (3.8, the Python of TensorRT 8 images).

Each one names the release that makes it unnecessary, so it can go when the floor moves.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["DATACLASS_SLOTS"]

# Breakpoint: dataclass(slots=True) is 3.10+. Spread into @dataclass(...); on 3.8/3.9 the
# class is a plain frozen dataclass (same behaviour, a __dict__ per instance).
DATACLASS_SLOTS: dict[str, Any] = {"slots": True} if sys.version_info >= (3, 10) else {}
