"""Find the CPython interpreters the nox sessions ask for, on a fresh box as on a laptop.

nox looks for ``pythonX.Y`` itself. Under pyenv that name is a shim which fails unless
pyenv is told to expose that version (``PYENV_VERSION`` or several ``pyenv global``
versions), so on a machine with pyenv's 3.8 installed but 3.11 active, nox would not find
3.8. :func:`expose_pyenv_versions` returns the ``PYENV_VERSION`` value that keeps the
active versions first and adds the newest installed patch of every wanted ``X.Y`` that is
not already runnable; noxfile.py sets it before nox resolves interpreters. Without pyenv,
or when nothing is missing, it returns None and nox's own discovery (PATH, uv, the Windows
launcher) decides; where an interpreter is missing entirely, nox skips the session with
its own message.

Standard library only; never imports trtcompat.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

_PATCH_DIR = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")  # pyenv's CPython dirs; skips pypy, -dev, t


def pyenv_root(env: Mapping[str, str]) -> Path | None:
    """The pyenv root: ``$PYENV_ROOT``, else ``~/.pyenv``; None when it has no versions/."""
    root = env.get("PYENV_ROOT") or os.path.join(env.get("HOME", "~"), ".pyenv")
    path = Path(os.path.expanduser(root))
    return path if (path / "versions").is_dir() else None


def installed_versions(root: Path) -> dict[str, str]:
    """``{"3.8": "3.8.18", ...}``: the newest installed CPython patch of each ``X.Y``."""
    best: dict[str, tuple[int, int, int]] = {}
    for entry in (root / "versions").iterdir():
        match = _PATCH_DIR.match(entry.name)
        if match is None or not (entry / "bin" / "python").exists():
            continue
        version = (int(match[1]), int(match[2]), int(match[3]))
        minor = f"{version[0]}.{version[1]}"
        if version > best.get(minor, (0, 0, 0)):
            best[minor] = version
    return {minor: ".".join(map(str, v)) for minor, v in best.items()}


def runs(executable: str, env: Mapping[str, str], timeout: float = 20) -> bool:
    """True when ``executable -c pass`` exits 0 (a pyenv shim for a hidden version does not)."""
    try:
        proc = subprocess.run([executable, "-c", "pass"], env=dict(env), capture_output=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def active_pyenv_versions(env: Mapping[str, str]) -> list[str]:
    """What pyenv exposes now (``pyenv version-name``), e.g. ``["3.11.7"]``; [] without pyenv."""
    pyenv = shutil.which("pyenv", path=env.get("PATH", os.defpath))
    if pyenv is None:
        return []
    try:
        proc = subprocess.run([pyenv, "version-name"], env=dict(env), capture_output=True,
                              text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    return [v for v in proc.stdout.strip().split(":") if v and v != "system"]


def expose_pyenv_versions(wanted: Sequence[str], env: Mapping[str, str]) -> str | None:
    """The ``PYENV_VERSION`` that makes every wanted ``X.Y`` runnable, or None if unneeded.

    A wanted version already runnable as ``pythonX.Y`` from PATH is left alone; one that
    pyenv has not installed stays missing (nox then skips its session).
    """
    root = pyenv_root(env)
    if root is None:
        return None
    path = env.get("PATH", os.defpath)
    installed = installed_versions(root)
    missing = []
    for minor in wanted:
        exe = shutil.which(f"python{minor}", path=path)
        if exe is not None and runs(exe, env):
            continue
        if minor in installed:
            missing.append(installed[minor])
    if not missing:
        return None
    active = active_pyenv_versions(env)
    return ":".join(dict.fromkeys([*active, *missing]))


__all__ = [
    "active_pyenv_versions",
    "expose_pyenv_versions",
    "installed_versions",
    "pyenv_root",
    "runs",
]
