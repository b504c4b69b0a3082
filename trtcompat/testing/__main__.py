"""``python -m trtcompat.testing write-plan``: writes a fake plan file, to try trtcompat's
command line (``trtcompat inspect``) or ``load_engine`` without TensorRT.

Example::

    python -m trtcompat.testing write-plan model.plan --era 10 \\
        --input images:FLOAT:-1,3,224,224:1,3,224,224:4,3,224,224:8,3,224,224 \\
        --output scores:FLOAT:-1,3,224,224
    TRTCOMPAT_TRT_MODULE=trtcompat.testing.era_10 trtcompat inspect model.plan

Each tensor is ``NAME:DTYPE:SHAPE`` (DTYPE a TensorRT DataType name such as FLOAT or HALF,
or a numpy name such as float32 or float16, any case; SHAPE comma-separated with -1 for
dynamic dims); a dynamic input adds ``:MIN:OPT:MAX``. The engine copies input ``i`` to output
``i`` (paired by order), so give at least as many inputs as outputs. The plan file is written
whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._atomic import write_atomically
from .._dtypes import BITS, ML_DTYPES, numpy_dtype
from ..errors import EngineSpecError
from . import ERAS, EngineSpec, TensorSpec, build_plan
from ._era_modules import module_name

__all__ = ["main"]


def _numpy_names() -> dict[str, str]:
    # numpy / ml_dtypes name -> DataType name (ml_dtypes is not imported for this: its type
    # names are in the table).
    return {
        (ML_DTYPES[name][0] if name in ML_DTYPES else numpy_dtype(name).name): name
        for name in BITS
    }


def _dtype(text: str, tensor: str) -> str:
    numpy_names = _numpy_names()
    spellings = {**{n.lower(): n for n in BITS}, **numpy_names}
    name = spellings.get(text.lower())
    if name is None:
        trt_names = ", ".join(BITS)
        raise argparse.ArgumentTypeError(
            f"{tensor!r}: unknown DTYPE {text!r}. Use a TensorRT DataType name ({trt_names}) "
            f"or a numpy name ({', '.join(numpy_names)}); any case."
        )
    return name


def _shape(text: str) -> tuple[int, ...]:
    return tuple(int(d) for d in text.split(",") if d.strip())


def _tensor(text: str, is_input: bool) -> TensorSpec:
    parts = text.split(":")
    if len(parts) not in (3, 6) or (len(parts) == 6 and not is_input):
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected NAME:DTYPE:SHAPE"
            + (" or NAME:DTYPE:SHAPE:MIN:OPT:MAX" if is_input else "")
        )
    name, dtype, shape = parts[0], _dtype(parts[1], text), _shape(parts[2])
    profiles = ((_shape(parts[3]), _shape(parts[4]), _shape(parts[5])),) if len(parts) == 6 else ()
    if is_input and -1 in shape and not profiles:
        raise argparse.ArgumentTypeError(f"{text!r}: a dynamic input needs :MIN:OPT:MAX")
    return TensorSpec(name, dtype, shape, is_input, profiles=profiles)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m trtcompat.testing",
        description=(__doc__ or "").replace("``", "").replace("::", ":"),  # reST -> plain
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write-plan", help="write a fake plan file")
    write.add_argument("path", help="the plan file to write")
    write.add_argument("--era", choices=ERAS, required=True, help="the TensorRT API era")
    write.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="NAME:DTYPE:SHAPE[...]",
        type=lambda t: _tensor(t, True),
        help="an input tensor (repeatable)",
    )
    write.add_argument(
        "--output",
        action="append",
        default=[],
        metavar="NAME:DTYPE:SHAPE",
        type=lambda t: _tensor(t, False),
        help="an output tensor (repeatable)",
    )
    write.add_argument("--name", default="fake_engine", help="the engine's name")
    args = parser.parse_args(argv)
    if len(args.output) > len(args.input):
        write.error("give at least as many --input as --output (output i copies input i)")
    try:
        spec = EngineSpec((*args.input, *args.output), name=args.name)
        plan = build_plan(spec, args.era)
    except EngineSpecError as err:
        write.error(str(err))
    try:
        write_atomically(args.path, plan)
    except OSError as err:
        write.error(f"cannot write {args.path!r}: {err.strerror}")
    module = module_name(args.era)
    print(
        f"wrote {args.path}; inspect it with TRTCOMPAT_TRT_MODULE={module} trtcompat inspect "
        f"{args.path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
