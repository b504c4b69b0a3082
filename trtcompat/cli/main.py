"""The ``trtcompat`` command: ``doctor``, ``demo``, ``inspect ENGINE``, ``plans DIR`` and
``scan PATH``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _doctor(args: argparse.Namespace) -> int:
    from ._doctor import doctor_report, format_report

    report = doctor_report()
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo
    from ._doctor import doctor_report, format_report

    del args
    print(run_demo())
    print(format_report(doctor_report()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the CLI; returns the exit code (0 ok, 1 findings for ``scan``, 2 usage errors)."""
    args = list(sys.argv[1:] if argv is None else argv)
    # scan and inspect own their argument parsing; hand them the rest of the line.
    if args and args[0] == "scan":
        from ..migrate.cli import main as scan_main

        return scan_main(args[1:])
    if args and args[0] == "inspect":
        from ._inspect import main as inspect_main

        return inspect_main(args[1:])
    if args and args[0] == "plans":
        from ._plans import main as plans_main

        return plans_main(args[1:])
    parser = argparse.ArgumentParser(prog="trtcompat", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    doctor = sub.add_parser("doctor", help="show TensorRT, API families, backends and GPU")
    doctor.add_argument("--json", action="store_true", help="print JSON")
    doctor.set_defaults(func=_doctor)
    demo = sub.add_parser("demo", help="one engine on every TensorRT API era (fakes, no GPU)")
    demo.set_defaults(func=_demo)
    sub.add_parser("inspect", help="print an engine's I/O tensors and profiles (see inspect -h)")
    sub.add_parser("plans", help="which TensorRT built each plan in DIR (see plans -h)")
    sub.add_parser("scan", help="find removed TensorRT APIs in code (see scan -h)")
    parsed = parser.parse_args(args)
    code: int = parsed.func(parsed)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
