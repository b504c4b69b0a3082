"""Question: how does trtcompat's per-call overhead grow with the number of I/O tensors, and
with input shapes that change on every call rather than never?

Engines of N float32 inputs and N outputs (N = 1, 4, 16, 64; 2..128 I/O tensors), 1-element
tensors, a kernel that does nothing, fakes of TensorRT 8.4 (bindings family) and 10 (tensors
family), ``host`` backend. Per N, interleaved in one process:

- static shapes, addresses prebound: ``Runner.infer_async`` vs raw (copy in, execute, copy
  out, by hand); ``execute`` vs raw ``execute_async_v3`` / ``execute_async_v2``;
- dynamic shapes alternating (1,) / (2,) every call: ``infer_async`` vs raw that sets every
  input shape and then enqueues.

Target: the added µs stays flat in tensor count for prebound static shapes; "flat" here means
a slope under 0.1 µs per I/O tensor (a least-squares fit over N), far below what the
fake's own execute costs per tensor.   Usage: ``python benchmarks/scaling.py [--quick]``
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable

import numpy as np
from _common import Raw, bench, fmt, machine_info, markdown_table, tiny_spec, write_results

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.testing import build_engine

COUNTS = (1, 4, 16, 64)
ROWS = (("8.4", "bindings"), ("10", "tensors"))
FLAT_US_PER_TENSOR = 0.1


def _alternating(feeds: list[dict[str, np.ndarray]], fn: Callable[[dict[str, np.ndarray]], object]
                 ) -> Callable[[], object]:
    cycle = itertools.cycle(feeds)
    return lambda: fn(next(cycle))


def measure(era: str, family: str, n: int, quick: bool) -> dict[str, float]:
    """µs per call of each case for ``n`` inputs and ``n`` outputs."""
    backend = get_backend("host")
    static = build_engine(tiny_spec(n, n), era)
    dynamic = build_engine(tiny_spec(n, n, dynamic=True), era)
    raw_s, raw_d = Raw(static, backend, family, 2), Raw(dynamic, backend, family, 2)
    run_s = tc.Runner(static, backend=backend, family=family)
    run_d = tc.Runner(dynamic, backend=backend, family=family)
    ctx = static.create_execution_context()
    if ctx.active_optimization_profile < 0:
        ctx.set_optimization_profile_async(0, raw_s.stream)
    bufs = tc.allocate_buffers(static, ctx, backend=backend, family=family)
    one = {f"in{i}": np.ones((1,), np.float32) for i in range(n)}
    two = {f"in{i}": np.ones((2,), np.float32) for i in range(n)}
    xs = list(one.values())

    def infer_async(runner: tc.Runner) -> Callable[[dict[str, np.ndarray]], None]:
        def call(feed: dict[str, np.ndarray]) -> None:
            runner.infer_async(feed)
            runner._pending = False  # host backend: nothing in flight
        return call

    def raw_dynamic(feed: dict[str, np.ndarray]) -> None:
        values = list(feed.values())
        raw_d.set_shape(values[0].shape)
        raw_d.enqueue(values)

    cases: dict[str, Callable[[], object]] = {
        "raw execute": raw_s.execute,
        "execute": lambda: tc.execute(ctx, bufs.bindings, bufs.stream),
        "raw enqueue": lambda: raw_s.enqueue(xs),
        "infer_async": lambda: infer_async(run_s)(one),
        "raw enqueue, new shape": _alternating([one, two], raw_dynamic),
        "infer_async, new shape": _alternating([one, two], infer_async(run_d)),
    }
    times = bench(cases, iters=5_000 if quick else 20_000, repeats=5 if quick else 15,
                  budget_s=0.03)
    for thing in (run_s, run_d, bufs):
        thing.close()
    return times


def slope(xs: list[int], ys: list[float]) -> float:
    """Least-squares slope of ``ys`` over ``xs``."""
    return float(np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    pairs = (("execute", "raw execute"), ("infer_async", "raw enqueue"),
             ("infer_async, new shape", "raw enqueue, new shape"))
    sections, summary = [], []
    for era, family in ROWS:
        table: list[list[str]] = []
        added: dict[str, list[float]] = {p[0]: [] for p in pairs}
        for n in COUNTS:
            t = measure(era, family, n, args.quick)
            row = [str(n), str(2 * n)]
            for name, base in pairs:
                added[name].append(t[name] - t[base])
                row += [fmt(t[base]), fmt(t[name]), fmt(t[name] - t[base])]
            table.append(row)
            print(f"{era} {family} N={n}: " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()),
                  flush=True)
        head = ["inputs", "I/O tensors"]
        for name, base in pairs:
            head += [f"{base} µs", f"{name} µs", "added µs"]
        text = markdown_table(head, table)
        sections.append(f"## TensorRT {era} fake, {family} family\n\n{text}\n")
        print(f"\nTensorRT {era} fake, {family} family (host backend)\n{text}\n")
        tensors = [2 * n for n in COUNTS]
        for name, _ in pairs:
            s = slope(tensors, added[name])
            verdict = "flat" if s < FLAT_US_PER_TENSOR else "grows"
            summary.append((f"{era} {family}", name, fmt(added[name][0]), fmt(added[name][-1]),
                            fmt(s, 3), verdict))
    text = markdown_table(["era family", "contender", "added µs, 2 tensors",
                           "added µs, 128 tensors", "slope µs/tensor", "verdict"], summary)
    print(f"Summary (target: infer_async with static shapes flat, slope < "
          f"{FLAT_US_PER_TENSOR} µs per tensor)\n{text}")
    notes = ("`execute` binds every address on every call (tensors family: one "
             "`set_tensor_address` per tensor), so it grows with N by design; `infer_async` "
             "binds only what changed. The target applies to `infer_async` with static shapes.")
    body = f"## Summary\n\n{text}\n\n{notes}\n\n" + "\n".join(sections)
    path = write_results("scaling", "Overhead vs tensor count and shape changes (fakes, host "
                         "backend)", machine_info(), body)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
