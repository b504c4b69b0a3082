"""The ``trtcompat`` command line: ``doctor``, ``demo``, ``inspect`` and ``scan``.

``main`` parses the command line; the other modules of this package are its private
subcommands (``_doctor``, ``_demo``, ``_inspect``).
"""

from __future__ import annotations

from .main import main

__all__ = ["main"]
