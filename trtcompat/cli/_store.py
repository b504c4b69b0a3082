"""``trtcompat store list | prune | path``: what a plan store holds, and trimming it.

- ``path``: the store's folder (``--root``, else ``$TRTCOMPAT_PLAN_STORE``, else the user's
  cache folder).
- ``list``: every entry, least recently used first: key, size, TensorRT, target (compute
  capability or hardware-compatibility level), last use and the model it was built from.
- ``prune``: removes the least recently used entries until the store holds at most
  ``--max-bytes`` (``10G``, ``500M``, bytes), every entry unused for ``--unused-days``, or
  everything with ``--all``; entries being built are kept.

``--json`` prints ``{"root": ROOT, "total_bytes": N, "entries": [StoreEntry.as_dict()]}``
(``list``) or ``{"root": ROOT, "removed": [...], "total_bytes": N}`` (``prune``). Exit
status: 0, or 2 for a usage error or a store that cannot be changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..build.store import PlanStore, StoreEntry
from ..errors import PlanStoreError

__all__ = ["main", "parse_size"]

_UNITS = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """``"10G"`` -> 10 GiB in bytes (K, M, G, T are powers of 1024; an optional ``B`` or
    ``iB`` after them); a plain number is bytes.

    Raises:
        argparse.ArgumentTypeError: not a size.
    """
    raw = text.strip().upper()
    for suffix in ("IB", "B"):
        if raw.endswith(suffix) and raw[: -len(suffix)][-1:].isalpha():
            raw = raw[: -len(suffix)]
            break
    unit = raw[-1:] if raw[-1:].isalpha() else ""
    try:
        number = float(raw[: len(raw) - len(unit)])
        factor = _UNITS[unit]
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(
            f"not a size: {text!r}; give bytes or a number with K, M, G or T (e.g. 10G)"
        ) from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"a size cannot be negative: {text!r}")
    return int(number * factor)


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover


def _target(entry: StoreEntry) -> str:
    target = entry.key_fields.get("target", {})
    level = target.get("hardware_compatibility")
    if level is not None:
        return str(level)
    cc = target.get("compute_capability")
    return f"sm {cc}" if cc is not None else "no GPU"


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def _list(store: PlanStore, as_json: bool) -> int:
    entries = store.entries()
    total = sum(e.size for e in entries)
    if as_json:
        payload: dict[str, Any] = {
            "root": str(store.root),
            "total_bytes": total,
            "entries": [e.as_dict() for e in entries],
        }
        print(json.dumps(payload, indent=2))
        return 0
    print(f"Plan store: {store.root} ({len(entries)} plans, {_human(total)})")
    for e in entries:
        trt = e.key_fields.get("tensorrt", {}).get("version", "?")
        print(
            f"{e.key[:16]}  {_human(e.size):>10}  TensorRT {trt:<12} {_target(e):<14} "
            f"used {_when(e.last_used)}  {e.source}"
        )
    return 0


def _prune(store: PlanStore, args: argparse.Namespace) -> int:
    limit = 0 if args.all else args.max_bytes
    unused = None if args.unused_days is None else args.unused_days * 86400.0
    if limit is None and unused is None and store.max_bytes is None:
        print(
            "trtcompat store prune: say what to remove: --max-bytes SIZE, --unused-days N "
            "or --all.",
            file=sys.stderr,
        )
        return 2
    removed = store.prune(limit, unused_for=unused)
    left = store.total_bytes()
    if args.json:
        payload = {
            "root": str(store.root),
            "removed": [e.as_dict() for e in removed],
            "total_bytes": left,
        }
        print(json.dumps(payload, indent=2))
    else:
        for e in removed:
            print(f"removed {e.key[:16]}  {_human(e.size):>10}  {e.source}")
        print(f"{len(removed)} plans removed; {_human(left)} left in {store.root}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Runs ``trtcompat store``; ``argv`` excludes the word ``store``."""
    parser = argparse.ArgumentParser(
        prog="trtcompat store",
        description="The plan store of trtcompat.PlanStore: where it is, what it holds, and "
        "trimming it (docs/PLAN_STORE.md).",
    )
    parser.add_argument(
        "--root", help="the store's folder (default $TRTCOMPAT_PLAN_STORE or the user cache)"
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("path", help="print the store's folder")
    listing = sub.add_parser("list", help="every plan, least recently used first")
    listing.add_argument("--json", action="store_true", help="print JSON")
    prune = sub.add_parser("prune", help="remove least recently used plans")
    prune.add_argument("--max-bytes", type=parse_size, metavar="SIZE", help="keep at most SIZE")
    prune.add_argument(
        "--unused-days", type=float, metavar="N", help="remove plans unused for N days"
    )
    prune.add_argument("--all", action="store_true", help="remove every plan")
    prune.add_argument("--json", action="store_true", help="print JSON")
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    store = PlanStore(args.root)
    if args.action == "path":
        print(store.root)
        return 0
    try:
        if args.action == "list":
            return _list(store, args.json)
        return _prune(store, args)
    except PlanStoreError as err:
        print(f"trtcompat store: {err}", file=sys.stderr)
        return 2
