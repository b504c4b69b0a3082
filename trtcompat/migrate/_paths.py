"""Walk the paths given to ``trtcompat scan`` and scan every file found."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from trtcompat.migrate._project import Project, project_of
from trtcompat.migrate._rules import RULES, Rule
from trtcompat.migrate._scanner import NEWEST, FileResult, scan_source

__all__ = ["iter_python_files", "read_project", "scan_paths"]

_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "build", "dist"})


def iter_python_files(paths: Iterable[str]) -> Iterator[str]:
    """Every file to scan: files named explicitly, and ``*.py`` files under directories.

    Args:
        paths: Files or directories.

    Yields:
        File paths, sorted within each directory; hidden and virtual-env folders skipped.

    Raises:
        FileNotFoundError: A path does not exist.
    """
    for path in paths:
        if os.path.isfile(path):
            yield path
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(root, name)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")


def read_project(files: Iterable[str]) -> Project:
    """The cross-module facts of the files given (unreadable ones are left out)."""
    sources = {}
    for path in files:
        try:
            with open(path, "rb") as handle:
                sources[path] = handle.read()
        except OSError:
            continue
    return project_of(sources)


def scan_paths(
    paths: Iterable[str],
    rules: Iterable[Rule] = RULES,
    target: int = NEWEST,
    to: str = "trtcompat",
    min_trt: str | None = None,
    project: Project | None = None,
) -> list[FileResult]:
    """Scan files and directories.

    Args:
        paths: Files or directories.
        rules: The active rules.
        target: The TensorRT major version the code must run on.
        to: Fix style, ``"trtcompat"`` or ``"tensorrt"`` (see :func:`scan_source`).
        min_trt: The oldest TensorRT fixed code must run on (see :func:`scan_source`).
        project: The tree's cross-module facts (None: read from the files scanned).

    Returns:
        One result per file; unreadable or unparsable files carry an ``error``.

    Raises:
        FileNotFoundError: A path does not exist.
    """
    active = tuple(rules)
    sources: dict[str, bytes | OSError] = {}
    for path in iter_python_files(paths):
        try:
            with open(path, "rb") as handle:
                sources[path] = handle.read()
        except OSError as err:
            sources[path] = err
    # Guard helpers and star-imported aliases cross modules: read the whole tree first.
    if project is None:
        project = project_of({p: d for p, d in sources.items() if isinstance(d, bytes)})
    results = []
    for path, data in sources.items():
        if isinstance(data, OSError):
            results.append(FileResult(path, error=f"{type(data).__name__}: {data.strerror}"))
        else:
            results.append(scan_source(data, path, active, target, to, min_trt, project))
    return results
