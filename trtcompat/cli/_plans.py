"""``trtcompat plans PATH``: fleet triage of every plan under a directory (or of one plan
file), without loading one.

For each file under the directory, at any depth, that is a TensorRT plan (``ftrt`` magic) or
is named like one (``.plan``, ``.engine``, ``.trt``), or for the one file given, prints the
TensorRT that built it (read from the header by :func:`trtcompat.plan_info`) and whether the
installed TensorRT can load it:

- ``yes``: built by the installed release.
- ``no``: the header proves it cannot (another release that cannot be version-compatible,
  truncated, damaged, or not a plan at all); the reason says what to do.
- ``maybe``: built by an older 8.6+ release; it loads only if built version-compatible,
  which the header does not say.
- ``unknown``: no TensorRT is installed, or the header holds no version.

``--json`` prints ``{"tensorrt": VERSION|null, "plans": [{"path", "verdict", "reason",
"header"}]}`` with ``header`` as :meth:`trtcompat.PlanInfo.as_dict` (``null`` for a file that
is not a plan). Exit status: 0 when every plan is ``yes`` or ``maybe`` (or none was found), 1
when some are ``no`` or ``unknown``, 2 for a usage error or a PATH that does not exist.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from .._planprefix import is_prefixed_plan_file
from ..errors import PlanFormatError, TrtCompatError
from ..plan import MAGIC, PlanInfo, built_by, load_problem, plan_info

__all__ = ["header_lines", "main", "triage"]

_SUFFIXES = (".plan", ".engine", ".trt")


def header_lines(info: PlanInfo) -> list[str]:
    """The header as ``trtcompat inspect`` prints it, one fact a line."""
    unknown = "unknown (not in the header)"
    build = "" if info.tensorrt_version is None else f" (build {info.tensorrt_version[3]})"
    return [
        f"Built by TensorRT: {info.version or unknown}{build}",
        f"Size: {info.size} bytes (header declares "
        f"{'n/a' if info.declared_size is None else info.declared_size})",
        f"Platform tag: {'n/a' if info.platform_tag is None else info.platform_tag}",
        "Sections: "
        + ("not found" if info.sections is None else f"{len(info.sections)} (end marker ok)"),
        f"Serialization version: {info.serialization_version or unknown}",
        f"Version-compatible: {unknown if info.version_compatible is None else 'yes'}",
        f"Hardware-compatible: {unknown if info.hardware_compatible is None else 'yes'}",
    ]


def _candidates(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.lower().endswith(_SUFFIXES):
                found.append(path)
                continue
            try:
                with open(path, "rb") as handle:
                    if handle.read(4) == MAGIC or is_prefixed_plan_file(path, MAGIC):
                        found.append(path)
            except OSError:
                continue
    return found


def triage(root: str, runtime_version: str | None) -> list[dict[str, Any]]:
    """One verdict per plan under the directory ``root`` (or for the file ``root``) against
    ``runtime_version`` (``None``: no TensorRT installed); see the module docstring for the
    keys and verdicts."""
    rows: list[dict[str, Any]] = []
    for path in [root] if os.path.isfile(root) else _candidates(root):
        try:
            info = plan_info(path)
        except PlanFormatError as err:
            rows.append({"path": path, "verdict": "no", "reason": str(err), "header": None})
            continue
        if runtime_version is None:
            verdict, reason = "unknown", "no TensorRT is installed to compare with"
        elif info.version is None:
            verdict, reason = "unknown", "the header holds no TensorRT version"
        else:
            problem = load_problem(info, runtime_version)
            if problem:
                verdict, reason = "no", problem
            elif built_by(info, runtime_version):
                verdict, reason = "yes", ""
            else:
                verdict = "maybe"
                reason = (
                    f"built by the older TensorRT {info.version}: it loads only if built "
                    f"version-compatible (the header does not say); otherwise rebuild it "
                    f"with {runtime_version}"
                )
        rows.append({"path": path, "verdict": verdict, "reason": reason, "header": info.as_dict()})
    return rows


def _installed_version() -> str | None:
    from .._dispatch import runtime_info

    try:
        return runtime_info().version
    except TrtCompatError:
        return None


def main(argv: list[str] | None = None) -> int:
    """Runs ``trtcompat plans``; ``argv`` excludes the word ``plans``; returns the exit
    status (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="trtcompat plans",
        description="List every TensorRT plan under PATH with the TensorRT that built it and "
        "whether the installed TensorRT can load it: yes, no (with the reason and the fix), "
        "maybe (an older 8.6+ plan: only if built version-compatible) or unknown. No plan is "
        "loaded and no GPU is needed. Exit status: 0 when every plan is yes or maybe, 1 when "
        "some are no or unknown, 2 for a usage error.",
    )
    parser.add_argument(
        "directory",
        metavar="PATH",
        help="a directory, searched at any depth for files named *.plan, *.engine or *.trt "
        "or starting with a plan's magic bytes 'ftrt'; or one plan file",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print JSON: {tensorrt, plans: [{path, verdict, reason, header}]} (docs/CLI.md)",
    )
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    if not os.path.exists(args.directory):
        print(
            f"trtcompat plans: {args.directory!r} does not exist; give a directory of plans "
            f"or one plan file.",
            file=sys.stderr,
        )
        return 2
    version = _installed_version()
    rows = triage(args.directory, version)
    if args.json:
        print(json.dumps({"tensorrt": version, "plans": rows}, indent=2))
    else:
        print(f"Installed TensorRT: {version or 'none'}")
        for row in rows:
            header = row["header"] or {}
            built = header.get("tensorrt_version") or "?"
            line = f"{row['verdict']:<7} {built:<10} {row['path']}"
            print(line + (f"\n        {row['reason']}" if row["reason"] else ""))
        if not rows:
            print("No plans found.")
    return 1 if any(r["verdict"] in ("no", "unknown") for r in rows) else 0
