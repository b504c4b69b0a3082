"""The ``trtcompat`` command line: ``doctor``, ``demo``, ``inspect ENGINE``, ``plans PATH``,
``scan PATH``, ``build MODEL.onnx -o MODEL.plan`` and ``store list|prune|path``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .._version import __version__

__all__ = ["main"]

_DESCRIPTION = (
    "One Python API over every TensorRT runtime (8.x, 10.x, 11.x, lean and dispatch). "
    "Run `trtcompat COMMAND -h` for a command's options."
)


def _doctor(args: argparse.Namespace) -> int:
    from ._doctor import backend_problem, doctor_report, format_report, usable

    report = doctor_report()
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    # 1 whenever Runner(engine) could not run here: no TensorRT, or no memory backend.
    problems = [] if usable(report) else ["no usable TensorRT"]
    backend = backend_problem(report)
    if backend is not None:
        problems.append(backend)
    for problem in problems:
        print(f"trtcompat doctor: {problem} (see above).", file=sys.stderr)
    return 1 if problems else 0


def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo
    from ._doctor import doctor_report, format_report

    del args
    print(run_demo())
    print(format_report(doctor_report()))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trtcompat",
        description=_DESCRIPTION,
    )
    parser.add_argument("--version", action="version", version=f"trtcompat {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = sub.add_parser(
        "doctor",
        help="TensorRT, API families, Runtime creation, backends, GPUs; exit 1 if unusable",
        description="Show the TensorRT module trtcompat would use (and modules that are "
        "installed but fail to import), whether it can create a Runtime, the memory backends "
        "with their versions and whether each reached a CUDA device, the backend Runner would "
        "use (TRTCOMPAT_BACKEND or autodetection), and each GPU's name, compute capability "
        "and memory with the driver version. Exits 1 when no usable TensorRT is found or "
        "Runner would get no memory backend.",
    )
    doctor.add_argument("--json", action="store_true", help="print JSON (keys: docs/CLI.md)")
    doctor.set_defaults(func=_doctor)
    demo = sub.add_parser(
        "demo",
        help="one engine on every TensorRT API era (fakes, no GPU)",
        description="Load one fake engine on each TensorRT API era (8.4, 8.6, 10, 11), print "
        "its I/O tensors and one inference on each, then the doctor report. Needs no GPU or "
        "TensorRT.",
    )
    demo.set_defaults(func=_demo)
    sub.add_parser("inspect", help="ENGINE: a plan's I/O tensors, profiles, device memory")
    sub.add_parser("plans", help="PATH: which TensorRT built each plan in a directory or file")
    sub.add_parser("scan", help="PATH: removed or deprecated TensorRT APIs in Python code")
    sub.add_parser("build", help="MODEL.onnx -o MODEL.plan: build a plan on any TensorRT 8-11")
    sub.add_parser("store", help="list | prune | path: the plan store (trtcompat.PlanStore)")
    return parser


#: The exit status when the reader of the output went away (``| head``): the one a process
#: killed by SIGPIPE reports in the shell (128 + 13), as other command-line tools end.
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the CLI; returns the exit code (0 ok; 1 findings for ``scan`` or no usable
    TensorRT for ``doctor``; 2 usage errors and engines that cannot be read; 141 when stdout
    was closed early, as by ``| head``, which ends the command quietly)."""
    try:
        code = _dispatch(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # inside the try: a closed pipe fails here, not at exit
    except BrokenPipeError:
        # Whatever is still buffered would fail again when Python flushes stdout at exit
        # and print "Exception ignored ...": point stdout at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    return code


def _dispatch(args: list[str]) -> int:
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
    if args and args[0] == "build":
        from ._build import main as build_main

        return build_main(args[1:])
    if args and args[0] == "store":
        from ._store import main as store_main

        return store_main(args[1:])
    parsed = _parser().parse_args(args)
    code: int = parsed.func(parsed)
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
