"""``python -m trtcompat.migrate PATH...``: the same as ``trtcompat scan PATH...``."""

from __future__ import annotations

import sys

from trtcompat.migrate.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
