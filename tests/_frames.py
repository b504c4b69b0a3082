"""Which functions of given source files one call enters: the warm-call frame tests' probe."""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection
from typing import Any


def frames_in(files: Collection[str | None], fn: Callable[[], Any]) -> list[str]:
    """The functions defined in ``files`` that one call of ``fn`` enters, in order;
    comprehensions and lambdas (``<...>``: frames on Python < 3.12) left out."""
    seen: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        code = frame.f_code
        if event == "call" and code.co_filename in files and not code.co_name.startswith("<"):
            seen.append(code.co_name)

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return seen
