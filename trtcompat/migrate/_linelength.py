"""The line length a project formats to, for ``--fix`` to keep rewritten lines within it.

Read as ruff and black read it: the nearest ``.ruff.toml`` / ``ruff.toml`` (``line-length``)
or ``pyproject.toml`` (``[tool.ruff] line-length``, else ``[tool.black] line-length``) in the
file's folder or above; :data:`DEFAULT` where none says. TOML is read with ``tomllib``
(Python 3.11+) or ``tomli`` (before 3.11, where installed); without either, the default holds
and ``--line-length`` sets it.
"""

from __future__ import annotations

import pathlib
from typing import Any, Callable, Dict

__all__ = ["DEFAULT", "line_length"]

DEFAULT = 100

_Loader = Callable[[str], Dict[str, Any]]


def _toml_loader() -> _Loader | None:
    try:
        import tomllib as toml  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        try:
            import tomli as toml  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            return None
    loads: _Loader = toml.loads
    return loads


def _setting(path: pathlib.Path, loads: _Loader) -> int | None:
    try:
        data = loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None  # unreadable or not TOML (tomllib's errors are ValueErrors)
    if path.name != "pyproject.toml":
        value = data.get("line-length")
    else:
        tool = data.get("tool", {})
        value = tool.get("ruff", {}).get("line-length", tool.get("black", {}).get("line-length"))
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def line_length(path: str | pathlib.Path, cache: dict[pathlib.Path, int] | None = None) -> int:
    """The line length for one file.

    Args:
        path: The file.
        cache: Results per folder, shared across the files of one run.

    Returns:
        The first ``line-length`` found from the file's folder up, else :data:`DEFAULT`.
    """
    loads = _toml_loader()
    if loads is None:
        return DEFAULT
    folder = pathlib.Path(path).resolve().parent
    seen: list[pathlib.Path] = []
    found = DEFAULT
    for current in (folder, *folder.parents):
        if cache is not None and current in cache:
            found = cache[current]
            break
        seen.append(current)
        value = None
        for name in (".ruff.toml", "ruff.toml", "pyproject.toml"):
            candidate = current / name
            if candidate.is_file():
                value = _setting(candidate, loads)
                if value is not None:
                    break
        if value is not None:
            found = value
            break
    if cache is not None:
        cache.update((folder_seen, found) for folder_seen in seen)
    return found
