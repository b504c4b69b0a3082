"""``trtcompat scan PATH...``: report (and optionally rewrite) removed TensorRT APIs.

Exit status: 0 when nothing unguarded is found, 1 when unguarded findings remain (also after
``--fix``; guarded ones too with ``--fail-on-guarded``) or a file cannot be scanned, 2 for a
usage error or a missing path.
"""

from __future__ import annotations

import argparse
import difflib
import io
import pathlib
import sys
import tokenize
from collections.abc import Sequence

from trtcompat.migrate._linelength import line_length
from trtcompat.migrate._paths import iter_python_files, read_project, scan_paths
from trtcompat.migrate._project import Project
from trtcompat.migrate._report import SCHEMA_VERSION, to_json, to_text
from trtcompat.migrate._rules import Rule, select_rules
from trtcompat.migrate._scanner import NEWEST, FileResult, scan_source

__all__ = ["build_parser", "main"]


def _ids(value: str) -> list[str]:
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def _release(value: str) -> str:
    parts = value.split(".")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"{value!r} is not a TensorRT release such as 8.2")
    return value


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive line length")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``trtcompat scan``.

    Returns:
        The parser.
    """
    parser = argparse.ArgumentParser(
        prog="trtcompat scan",
        description="Find TensorRT APIs removed or deprecated up to a target version.",
        epilog="Rules and replacements: docs/MIGRATION.md. "
        "Silence one line with '# trtcompat: ignore[TRT001]'.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--target",
        type=int,
        choices=tuple(range(10, NEWEST + 1)),
        default=NEWEST,
        help=f"TensorRT major version to migrate to: report what is removed or deprecated up "
        f"to it (default {NEWEST})",
    )
    parser.add_argument(
        "--json", action="store_true", help=f"JSON report (schema_version {SCHEMA_VERSION})"
    )
    parser.add_argument(
        "--fail-on-guarded",
        action="store_true",
        help="exit 1 for guarded findings too (hasattr / version-check / try-except paths)",
    )
    parser.add_argument(
        "--select",
        type=_ids,
        action="extend",
        metavar="IDS",
        help="only these rule ids or prefixes, comma separated",
    )
    parser.add_argument(
        "--ignore",
        type=_ids,
        action="extend",
        metavar="IDS",
        help="skip these rule ids or prefixes, comma separated",
    )
    parser.add_argument(
        "--fix", action="store_true", help="rewrite the mechanical cases in place (needs libcst)"
    )
    parser.add_argument(
        "--to",
        choices=("trtcompat", "tensorrt"),
        default="trtcompat",
        help="what --fix rewrites to: trtcompat calls that run on every TensorRT from 8.0 "
        "(runtime code; build code gets native fixes that exist from --min-trt up), or native "
        "TensorRT calls (default trtcompat)",
    )
    parser.add_argument(
        "--min-trt",
        type=_release,
        metavar="X.Y",
        help="oldest TensorRT the fixed code must still run on: a fix that needs newer is "
        "left as a finding (default: the oldest each file's own version checks, hasattr "
        "probes or import requirement show, and 8.0 with --to trtcompat)",
    )
    parser.add_argument(
        "--line-length",
        type=_positive,
        metavar="N",
        help="break the calls of rewritten lines longer than N (default: the nearest "
        "ruff/black line-length of each file's project, else 100)",
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print the --fix changes as a unified diff; write nothing",
    )
    return parser


def _text(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _apply(
    results: list[FileResult],
    rules: Sequence[Rule],
    target: int,
    write: bool,
    mode: tuple[str, str | None],
    length: int | None,
    project: Project,
) -> tuple[list[FileResult], dict[str, int], list[str]]:
    from trtcompat.migrate._codemod import FixError, fix_source

    lengths: dict[pathlib.Path, int] = {}
    fixed: dict[str, int] = {}
    diffs: list[str] = []
    final = []
    for result in results:
        fixed[result.path] = 0
        if not any(f.fixable for f in result.findings):
            final.append(result)
            continue
        with open(result.path, "rb") as handle:
            data = handle.read()
        try:
            limit = length if length is not None else line_length(result.path, lengths)
            new, _ = fix_source(data, result.findings, limit)
        except FixError as err:
            final.append(FileResult(result.path, result.findings, f"FixError: {err}"))
            continue
        after = scan_source(new, result.path, rules, target, *mode, project)
        fixed[result.path] = len(result.findings) - len(after.findings)
        diffs.extend(
            difflib.unified_diff(
                _text(data).splitlines(keepends=True),
                _text(new).splitlines(keepends=True),
                fromfile=f"a/{result.path}",
                tofile=f"b/{result.path}",
            )
        )
        if write:
            with open(result.path, "wb") as handle:
                handle.write(new)
            final.append(after)
        else:
            final.append(result)
    return final, fixed, diffs


def main(argv: list[str] | None = None) -> int:
    """Run ``trtcompat scan``.

    Args:
        argv: The arguments after the word ``scan`` (None: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 no findings, 1 findings or unscannable files, 2 usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage and the message
        return exc.code if isinstance(exc.code, int) else 2
    try:
        rules = select_rules(args.target, args.select, args.ignore)
        files = list(iter_python_files(args.paths))
    except (ValueError, FileNotFoundError) as err:
        print(f"trtcompat scan: error: {err}", file=sys.stderr)
        return 2
    mode = (args.to, args.min_trt)
    project = read_project(files)
    results = scan_paths(files, rules, args.target, *mode, project)
    fixed: dict[str, int] | None = None
    if args.fix or args.diff:
        try:
            results, fixed, diffs = _apply(
                results,
                rules,
                args.target,
                write=not args.diff,
                mode=mode,
                length=args.line_length,
                project=project,
            )
        except ImportError as err:
            print(f"trtcompat scan: error: {err}", file=sys.stderr)
            return 2
        if args.diff:
            sys.stdout.write("".join(diffs))
            sys.stderr.write(to_text(results, args.target).splitlines()[-1] + "\n")
            fixed = None
    if not args.diff:
        report = (
            to_json(results, args.target, fixed)
            if args.json
            else to_text(results, args.target, fixed)
        )
        sys.stdout.write(report if report.endswith("\n") else report + "\n")
    return 1 if _failed(results, args.fail_on_guarded) else 0


def _failed(results: Sequence[FileResult], fail_on_guarded: bool) -> bool:
    """Whether the exit status is 1: a file could not be scanned, or a finding remains that is
    not guarded (any finding with ``--fail-on-guarded``)."""
    return any(
        r.error is not None or any(fail_on_guarded or not f.guarded for f in r.findings)
        for r in results
    )


def __dir__() -> list[str]:
    return __all__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
