"""``trtcompat build MODEL.onnx -o MODEL.plan``: one plan from an ONNX model with the installed
TensorRT (8.0 to 11.x), options spelled as Polygraphy spells them.

Shapes: ``--trt-min-shapes x:[1,3,224,224] y:[1,16]`` (and ``--trt-opt-shapes``,
``--trt-max-shapes``); give the three again for a further profile. Where only some of a
profile's three are given, the missing ones take the opt shape (else the one given), as
Polygraphy does. Precision: ``--fp16``, ``--bf16``, ``--int8``, ``--fp8``, ``--tf32`` or
``--precision NAME``. The plan is written atomically. Progress goes to stderr; ``--json``
prints the build report (:meth:`trtcompat.BuildReport.as_dict`) on stdout. Exit status: 0
built, 2 for a usage error or a build that failed (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from typing import Tuple

from .._atomic import write_atomically
from ..errors import TrtCompatError

__all__ = ["main", "parse_shapes"]

_SHAPE = re.compile(r"^(?P<name>.+):\[(?P<dims>[0-9,\s]*)\]$")
Shape = Tuple[int, ...]
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_shapes(items: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """``["x:[1,3,224,224]", ...]`` -> ``{"x": (1, 3, 224, 224)}``.

    Raises:
        ValueError: an item not in the ``name:[d0,d1,...]`` form.
    """
    shapes = {}
    for item in items:
        found = _SHAPE.match(item.strip())
        if found is None:
            raise ValueError(
                f"{item!r} is not a shape; write NAME:[D0,D1,...], e.g. input:[1,3,224,224]."
            )
        dims = [d for d in found.group("dims").replace(" ", "").split(",") if d]
        shapes[found.group("name")] = tuple(int(d) for d in dims)
    return shapes


def _bytes(text: str) -> int:
    found = re.fullmatch(r"(\d+)\s*([KMG]?)(?:i?B)?", text.strip(), flags=re.IGNORECASE)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size; write e.g. 1073741824 or 1G.")
    return int(found.group(1)) * _UNITS[found.group(2).upper()]


def _profiles(args: argparse.Namespace) -> list[dict[str, tuple[Shape, Shape, Shape]]]:
    lists = [args.trt_min_shapes or [], args.trt_opt_shapes or [], args.trt_max_shapes or []]
    count = max(len(x) for x in lists)
    profiles = []
    for index in range(count):
        low, opt, high = (parse_shapes(x[index]) if index < len(x) else {} for x in lists)
        profile = {}
        for name in sorted({*low, *opt, *high}):
            default = opt.get(name) or low.get(name) or high[name]
            profile[name] = (
                low.get(name, default),
                opt.get(name, default),
                high.get(name, default),
            )
        profiles.append(profile)
    return profiles


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trtcompat build",
        description="Build a TensorRT plan from an ONNX model with the installed TensorRT "
        "(8.0-11.x). Precision means the same on every release: builder flags up to 10.x, a "
        "converted strongly typed model on 11.x; a precision the release cannot meet is an "
        "error, never a silently lower one (docs/BUILD.md).",
    )
    parser.add_argument("model", help="the ONNX model (external-data files beside it are read)")
    parser.add_argument("-o", "--output", required=True, help="where to write the plan")
    for which in ("min", "opt", "max"):
        parser.add_argument(
            f"--trt-{which}-shapes",
            nargs="+",
            action="append",
            metavar="NAME:[DIMS]",
            help=f"{which} shapes of one profile, e.g. input:[1,3,224,224]; repeat for more "
            "profiles",
        )
    precision = parser.add_mutually_exclusive_group()
    for name in ("fp16", "bf16", "int8", "fp8", "tf32"):
        precision.add_argument(
            f"--{name}", dest="precision", action="store_const", const=name, help=f"build {name}"
        )
    precision.add_argument(
        "--strongly-typed",
        dest="precision",
        action="store_const",
        const="model",
        help="the model's own types (same as --precision model)",
    )
    precision.add_argument(
        "--precision",
        choices=("fp32", "tf32", "fp16", "bf16", "int8", "fp8", "model"),
        help="the precision by name (default fp32; 'model': the model's own types)",
    )
    parser.add_argument("--workspace", type=_bytes, help="workspace limit, e.g. 1G")
    parser.add_argument("--timing-cache", help="timing cache file to load and update")
    parser.add_argument("--version-compatible", action="store_true", help="(8.6+)")
    parser.add_argument("--exclude-lean-runtime", action="store_true", help="(8.6+)")
    parser.add_argument(
        "--hardware-compatibility",
        "--hardware-compatibility-level",
        dest="hardware_compatibility",
        choices=("none", "ampere+", "ampere_plus", "same_compute_capability"),
        help="hardware compatibility level (ampere+: 8.6+, same_compute_capability: 10.12+)",
    )
    parser.add_argument("--builder-optimization-level", type=int, metavar="0-5", help="(8.6+)")
    parser.add_argument("--dla-core", type=int, help="build for this DLA core (GPU fallback)")
    parser.add_argument("--refit", "--refittable", action="store_true", help="a refittable plan")
    parser.add_argument(
        "--strip-weights", "--strip-plan", action="store_true", help="a weight-stripped plan"
    )
    parser.add_argument("--plugins", nargs="+", default=[], help="plugin libraries to load")
    parser.add_argument("--json", action="store_true", help="print the build report as JSON")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


def main(argv: Sequence[str]) -> int:
    """Runs ``trtcompat build``; returns the exit status."""
    args = _parser().parse_args(list(argv))
    from ..build import BuildConfig, BuildProgress, build_plan

    def show(event: BuildProgress) -> None:
        if event.event == "elapsed":
            print(f"[build] building ... {event.elapsed:.0f} s", file=sys.stderr, flush=True)
        elif event.event == "step" and event.steps:
            print(
                f"[build] {event.phase}: step {event.step + 1 if event.step is not None else '?'}"
                f"/{event.steps} ({event.elapsed:.1f} s)",
                file=sys.stderr,
                flush=True,
            )

    try:
        config = BuildConfig(
            precision=args.precision or "fp32",
            profiles=_profiles(args),
            workspace=args.workspace,
            timing_cache=args.timing_cache,
            version_compatible=args.version_compatible,
            exclude_lean_runtime=args.exclude_lean_runtime,
            hardware_compatibility=(
                None
                if args.hardware_compatibility in (None, "none")
                else args.hardware_compatibility
            ),
            optimization_level=args.builder_optimization_level,
            dla_core=args.dla_core,
            refit=args.refit,
            strip_weights=args.strip_weights,
            plugins=tuple(args.plugins),
        )
        result = build_plan(args.model, config, progress=None if args.quiet else show)
        write_atomically(args.output, result.plan)
    except (TrtCompatError, ValueError, OSError) as err:
        print(f"trtcompat build: {err}", file=sys.stderr)
        return 2
    report = result.report
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(
            f"Wrote {args.output}: {report.plan_size} bytes, TensorRT {report.tensorrt_version}, "
            f"{report.precision_applied}, {report.seconds:.1f} s"
            + (f", GPU {report.gpu_name} ({report.compute_capability})" if report.gpu_name else "")
        )
    return 0
