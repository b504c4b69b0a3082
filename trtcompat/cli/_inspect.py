"""``trtcompat inspect ENGINE``: what a plan holds, read with the installed TensorRT.

Prints the I/O tensors (name, mode, dtype, shape, location, format), each optimization
profile's min/opt/max for the inputs, the activation memory the engine needs, and the
TensorRT runtime and API family used to read it. ``--json`` prints the same as one object:

- ``path``: the plan file as given.
- ``tensorrt``: ``{"module", "version", "flavor"}`` from :func:`trtcompat.runtime_info`.
- ``family``: ``"bindings"`` or ``"tensors"``, the API family trtcompat drives the engine with.
- ``name``: the engine's name (``null`` where TensorRT has none).
- ``implicit_batch``: whether it is an 8.x implicit-batch engine.
- ``device_memory_size``: bytes (``device_memory_size_v2`` where it exists), or ``null``.
- ``num_profiles``: the number of optimization profiles.
- ``tensors``: one object per I/O tensor in engine order: ``name``, ``mode`` (``"input"`` /
  ``"output"``), ``dtype`` (the ``DataType`` member name), ``shape`` (list, -1 = dynamic),
  ``location`` (``"device"`` / ``"host"``), ``format`` (``TensorFormat`` member name),
  ``is_shape_tensor``.
- ``profiles``: one object per profile: ``index`` and ``inputs``, which maps each input's
  name to ``{"min", "opt", "max"}`` (lists).

- ``header``: for a real TensorRT plan, its header as :meth:`trtcompat.PlanInfo.as_dict`
  (without TensorRT installed, only ``path`` and ``header`` are printed).

Errors (no such file, an empty or foreign plan, a plan from another TensorRT version, no
TensorRT installed, a TensorRT that cannot create a Runtime on this machine) print one
paragraph on stderr, with what TensorRT logged, and exit with status 2. The keys are also
listed in docs/CLI.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from .._dispatch import family_for
from ..discovery import runtime_info
from ..engine import device_memory_size, load_engine
from ..errors import PlanFormatError, TensorRTNotFoundError, TrtCompatError
from ..plan import PlanInfo, plan_info
from ._plans import header_lines

__all__ = ["describe_engine", "format_description", "main"]


def describe_engine(engine: Any) -> dict[str, Any]:
    """Everything ``inspect`` shows about a loaded engine, as JSON-ready data.

    Args:
        engine: An ``ICudaEngine`` of any supported TensorRT.

    Returns:
        The keys ``family``, ``name``, ``implicit_batch``, ``device_memory_size``,
        ``num_profiles``, ``tensors`` and ``profiles`` (see the module docstring).

    Raises:
        InvalidEngineError: ``engine`` is not a TensorRT engine.
    """
    family = family_for(engine)
    tensors = family.io_tensors(engine)
    profiles = []
    for k in range(family.num_profiles(engine)):
        inputs = {}
        for t in tensors:
            if t.is_input:
                low, opt, high = family.profile_shapes(engine, t.name, k)
                inputs[t.name] = {"min": list(low), "opt": list(opt), "max": list(high)}
        profiles.append({"index": k, "inputs": inputs})
    name = getattr(engine, "name", None)
    return {
        "family": family.NAME,
        "name": name if isinstance(name, str) else None,
        "implicit_batch": family.has_implicit_batch(engine),
        "device_memory_size": device_memory_size(engine),
        "num_profiles": len(profiles),
        "tensors": [
            {
                "name": t.name,
                "mode": t.mode,
                "dtype": t.trt_dtype,
                "shape": list(t.shape),
                "location": t.location,
                "format": t.format,
                "is_shape_tensor": t.is_shape_tensor,
            }
            for t in tensors
        ],
        "profiles": profiles,
    }


def _shape(dims: Sequence[int]) -> str:
    # As TensorRT prints a Dims: a tuple, so a 1-D shape reads (4,).
    return repr(tuple(dims))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]


def format_description(report: dict[str, Any]) -> str:
    """The human-readable form of a ``main``-style report (``describe_engine`` plus
    ``path`` and ``tensorrt``)."""
    trt = report["tensorrt"]
    memory = report["device_memory_size"]
    lines = [
        f"Engine: {report['path']}" + (f" (name {report['name']!r})" if report["name"] else ""),
        f"TensorRT: {trt['module']} {trt['version']} ({trt['flavor']}); "
        f"API family: {report['family']}",
        "Device memory: "
        + ("unknown" if memory is None else f"{memory} bytes ({memory / 2**20:.1f} MiB)"),
        f"Implicit batch: {'yes' if report['implicit_batch'] else 'no'}",
        "",
        "I/O tensors:",
    ]
    rows = [["name", "mode", "dtype", "shape", "location", "format"]]
    rows += [
        [t["name"], t["mode"], t["dtype"], _shape(t["shape"]), t["location"], t["format"]]
        for t in report["tensors"]
    ]
    lines += _table(rows)
    for profile in report["profiles"]:
        lines += ["", f"Profile {profile['index']}:"]
        inputs = profile["inputs"]
        if not inputs:
            lines.append("  (no inputs)")
            continue
        lines += _table(
            [["input", "min", "opt", "max"]]
            + [[n, _shape(s["min"]), _shape(s["opt"]), _shape(s["max"])] for n, s in inputs.items()]
        )
    return "\n".join(lines)


def _paragraph(message: str) -> str:
    # One paragraph: keep the message's own line breaks, drop the blank lines.
    return "\n".join(line.rstrip() for line in message.splitlines() if line.strip())


#: ``inspect -h``'s key list: the same keys as the module docstring and docs/CLI.md.
_EPILOG = """\
JSON keys (--json):
  path                the plan file as given
  tensorrt            {module, version, flavor} of the runtime that read it
  family              "bindings" or "tensors"
  name                the engine's name, or null
  implicit_batch      true for an 8.x implicit-batch engine
  device_memory_size  bytes of activation memory, or null
  num_profiles        the number of optimization profiles
  tensors             [{name, mode, dtype, shape, location, format, is_shape_tensor}]
  profiles            [{index, inputs: {NAME: {min, opt, max}}}]
  header              the plan header: {path, size, magic, header_format,
                      tensorrt_version, tensorrt_build, platform_tag, declared_size,
                      section_count, sections, serialization_version,
                      version_compatible, hardware_compatible, prefix_metadata,
                      plan_offset}
Without TensorRT installed, only path and header are printed.
Exit status: 0; 2 when the plan cannot be read (the reason on stderr).
Details: docs/CLI.md, section "inspect --json"."""


def main(argv: list[str] | None = None) -> int:
    """Runs ``trtcompat inspect``; ``argv`` excludes the word ``inspect``.

    Returns:
        0 on success; 2 for a usage error or an engine that cannot be read (the reason goes
        to stderr as one paragraph, never a traceback).
    """
    parser = argparse.ArgumentParser(
        prog="trtcompat inspect",
        description="Print a TensorRT engine's I/O tensors, profiles and memory needs, and\n"
        "what its plan header says (which TensorRT built it).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("engine", metavar="ENGINE", help="a serialized plan (.plan / .engine)")
    parser.add_argument("--json", action="store_true", help="print JSON (keys below)")
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as stop:  # argparse has printed the usage; report, do not exit
        return stop.code if isinstance(stop.code, int) else 2
    try:
        header: PlanInfo | None = plan_info(args.engine)
        verdict: PlanFormatError | None = None
    except PlanFormatError as err:
        header, verdict = None, err
    if not _has_tensorrt():
        if verdict is not None:  # the header reader's verdict, as load_engine would give it
            print(_paragraph(f"trtcompat inspect {args.engine}: {verdict}"), file=sys.stderr)
            return 2
        assert header is not None
        # No TensorRT here: the header is all there is to show, and it is worth showing.
        print(
            json.dumps({"path": args.engine, "header": header.as_dict()}, indent=2)
            if args.json
            else "\n".join(
                [
                    f"Plan: {args.engine}",
                    *header_lines(header),
                    "TensorRT: none installed, so only the header was read "
                    "(`trtcompat doctor` says why and how to install one).",
                ]
            )
        )
        return 0
    try:
        info = runtime_info()
        engine = load_engine(args.engine)
        report: dict[str, Any] = {
            "path": args.engine,
            "tensorrt": {"module": info.module, "version": info.version, "flavor": info.flavor},
            **describe_engine(engine),
        }
        if header is not None:
            report["header"] = header.as_dict()
    except TrtCompatError as err:
        print(_paragraph(f"trtcompat inspect {args.engine}: {err}"), file=sys.stderr)
        return 2
    text = format_description(report)
    if header is not None:
        text += "\n\nPlan header:\n" + "\n".join("  " + line for line in header_lines(header))
    print(json.dumps(report, indent=2) if args.json else text)
    return 0


def _has_tensorrt() -> bool:
    try:
        runtime_info()
    except TensorRTNotFoundError:
        return False
    return True
