"""Shared pieces of the benchmark scripts: machine facts, interleaved timing, tables, files.

Every script prints its tables and writes one markdown file to ``benchmarks/results/``
holding the same tables plus the machine, the versions and the date.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import gc
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import trtcompat  # noqa: E402
from trtcompat.testing import EngineSpec, Launch, TensorSpec  # noqa: E402

__all__ = [
    "RESULTS",
    "Raw",
    "bench",
    "bench_rounds",
    "cpu_name",
    "fmt",
    "machine_info",
    "markdown_table",
    "noop_launch",
    "Paired",
    "paired_blocks",
    "primitives",
    "ratio",
    "reset_polygraphy_trt",
    "tiny_spec",
    "write_results",
]


def cpu_name() -> str:
    """The CPU model (``/proc/cpuinfo`` on Linux, else ``platform.processor()``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_info(gpu: str = "none", extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Machine, versions and date, for the header of every results file."""
    info = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu": f"{cpu_name()} ({os.cpu_count()} logical cores)",
        "gpu": gpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "trtcompat": trtcompat.__version__,
        "polygraphy": _version("polygraphy"),
    }
    info.update(extra or {})
    return info


def noop_launch(launch: Launch) -> None:
    """A fake engine's kernel that does nothing, so the harness cost dominates."""
    del launch


def tiny_spec(
    n_inputs: int = 1, n_outputs: int = 1, *, dynamic: bool = False, elements: int = 1,
    launch: Callable[[Launch], None] = noop_launch,
) -> EngineSpec:
    """An engine of float32 vectors of ``elements`` (dynamic: -1 with profile 1..2*elements)."""
    shape = (-1,) if dynamic else (elements,)
    prof = (((1,), (elements,), (2 * elements,)),) if dynamic else ()
    tensors = [TensorSpec(f"in{i}", np.float32, shape, True, prof) for i in range(n_inputs)]
    tensors += [TensorSpec(f"out{i}", np.float32, shape, False, like="in0")
                for i in range(n_outputs)]
    return EngineSpec(tuple(tensors), launch=launch, name=f"tiny_{n_inputs}x{n_outputs}")


def _time_once(fn: Callable[[], object], iters: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(iters):
        fn()
    return (time.perf_counter_ns() - start) / iters / 1e3


def bench(
    cases: Mapping[str, Callable[[], object]], *, iters: int = 20_000, repeats: int = 7,
    budget_s: float = 0.1,
) -> dict[str, float]:
    """Median µs per call of each case; the cases run interleaved, ``repeats`` rounds.

    Each case gets ``iters`` calls per round, fewer for slow cases (about ``budget_s`` per
    round, at least min(200, iters)). Interleaving spreads drift (clock, caches,
    neighbours) over all cases alike; the garbage collector is off while timing.
    """
    samples = bench_rounds(cases, iters=iters, repeats=repeats, budget_s=budget_s)
    return {name: statistics.median(values) for name, values in samples.items()}


class Paired(NamedTuple):
    """What :func:`paired_blocks` measured: the per-block differences."""

    #: Median µs per call ``case`` adds over ``base``.
    added: float
    #: First and third quartile of the per-block differences.
    q1: float
    q3: float


def paired_blocks(
    case: Callable[[], object], base: Callable[[], object], *, blocks: int = 81,
    block_s: float = 0.002,
) -> Paired:
    """µs ``case`` adds over ``base``, from short blocks run back to back in ABBA order.

    Block ``i`` times about ``block_s`` of calls of each, ``case`` first where ``i`` is even
    and ``base`` first where it is odd, so drift within a pair of blocks (a clock change, a
    neighbour) cancels as well as drift between them. Returns the median, first and third
    quartile of the per-block differences (µs per call); the garbage collector is off.

    Differences, not ratios: a short block after a block of other code starts with colder
    caches, which costs a code-heavy baseline (the fake engine's Python launch) more than a
    light contender (a graph replay); a difference of two paths that run the same launch
    code is not skewed by that, a ratio of a graph replay to raw is (0.35-0.4x in blocks
    against 0.6-0.75x in steady rounds on the H200 machine). Ratios come from the rounds.
    """
    per_call = max(_time_once(case, 20), _time_once(base, 20), 1e-3)  # also a warm-up
    calls = max(5, int(block_s * 1e6 / per_call))
    diffs: list[float] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(blocks):
            if i % 2 == 0:
                contender = _time_once(case, calls)
                baseline = _time_once(base, calls)
            else:
                baseline = _time_once(base, calls)
                contender = _time_once(case, calls)
            diffs.append(contender - baseline)
    finally:
        if enabled:
            gc.enable()
    q1, median, q3 = statistics.quantiles(diffs, n=4)
    return Paired(median, q1, q3)


def bench_rounds(
    cases: Mapping[str, Callable[[], object]], *, iters: int = 20_000, repeats: int = 7,
    budget_s: float = 0.1,
) -> dict[str, list[float]]:
    """µs per call of each case in each of ``repeats`` interleaved rounds (see :func:`bench`)."""
    counts: dict[str, int] = {}
    least = min(200, iters)
    for name, fn in cases.items():  # warm up (first-call shape setting) and calibrate
        per_call = _time_once(fn, least)
        counts[name] = int(min(iters, max(least, budget_s * 1e6 / max(per_call, 1e-3))))
    samples: dict[str, list[float]] = {name: [] for name in cases}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, fn in cases.items():
                samples[name].append(_time_once(fn, counts[name]))
    finally:
        if enabled:
            gc.enable()
    return samples


def reset_polygraphy_trt() -> None:
    """Makes Polygraphy's lazy ``tensorrt`` imports re-import (after swapping fake eras)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("polygraphy") or module is None:
            continue
        for value in list(vars(module).values()):
            if type(value).__name__ == "LazyModule":  # polygraphy.mod.importer's; cheap to redo
                object.__setattr__(value, "module", None)


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for a table cell; ``n/a`` for None."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def ratio(value: float | None, base: float | None) -> str:
    """``value / base`` as ``1.23x``."""
    if value is None or not base:
        return "n/a"
    return f"{value / base:.2f}x"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub markdown table (also readable as plain text)."""
    cells = [[str(c) for c in headers], *[[str(c) for c in r] for r in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
             for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_results(stem: str, title: str, info: Mapping[str, str], body: str) -> Path:
    """Writes ``benchmarks/results/<stem>-<YYYY-MM-DD>.md`` and returns its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    day = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d")
    path = RESULTS / f"{stem}-{day}.md"
    header = "\n".join(f"- {k}: {v}" for k, v in info.items())
    command = " ".join(["python", *sys.argv])
    path.write_text(f"# {title}\n\n`{command}`\n\n{header}\n\n{body.rstrip()}\n")
    return path


def _nothing() -> None:
    return None


def primitives(backend: Any, stream: int) -> tuple[Any, Any, Any]:
    """``(htod, dtoh, synchronize)`` as a hand-written loop calls them: the library's plain
    functions, not the backend's guarded methods. The host backend's library is ctypes:
    copies are ``ctypes.memmove`` and there is nothing to wait for."""
    if backend.name == "host":
        return ctypes.memmove, ctypes.memmove, _nothing
    return (
        lambda d, s, n: backend.memcpy_htod_async(d, s, n, stream),
        lambda d, s, n: backend.memcpy_dtoh_async(d, s, n, stream),
        lambda: backend.synchronize(stream),
    )


class Raw:
    """Hand-written calls of one API family on a context of its own, with backend copies.

    Pinned host and device buffers of ``max_elements`` float32 per tensor; addresses bound
    once (tensors family) or passed as a bindings list (bindings family), as code written
    directly against TensorRT does. Copies and synchronize are the library's plain calls
    (:func:`primitives`), not the backend's guarded methods.
    """

    def __init__(self, engine: Any, backend: Any, family: str, max_elements: int) -> None:
        self.engine, self.backend, self.family = engine, backend, family
        self.stream = backend.create_stream()
        self.ctx = ctx = engine.create_execution_context()
        if ctx.active_optimization_profile < 0:  # 8.x: another context holds profile 0
            ctx.set_optimization_profile_async(0, self.stream)
        if family == "tensors":
            names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
            inputs = [engine.get_tensor_mode(n).name == "INPUT" for n in names]
        else:
            names = [engine.get_binding_name(i) for i in range(engine.num_bindings)]
            inputs = [bool(engine.binding_is_input(i)) for i in range(engine.num_bindings)]
        nbytes = 4 * max_elements
        self.bindings: list[int] = []
        self.ins: list[tuple[int, np.ndarray, int, int]] = []  # (index, host view, host, device)
        self.outs: list[tuple[int, np.ndarray, int, int]] = []
        for i, (name, is_input) in enumerate(zip(names, inputs)):
            host, dev = backend.malloc_host(nbytes), backend.malloc(nbytes)
            view = np.ctypeslib.as_array((ctypes.c_float * max_elements).from_address(host))
            self.bindings.append(dev)
            (self.ins if is_input else self.outs).append((i, view, host, dev))
            if family == "tensors":
                ctx.set_tensor_address(name, dev)
        self.names = names
        self.htod, self.dtoh, self.sync = primitives(backend, self.stream)
        stream, bindings = self.stream, self.bindings
        if family == "tensors":
            self.execute: Callable[[], object] = lambda: ctx.execute_async_v3(stream)
        else:
            self.execute = lambda: ctx.execute_async_v2(bindings, stream)

    def set_shape(self, shape: tuple[int, ...]) -> None:
        """Sets every input's shape (dynamic engines)."""
        for i, *_ in self.ins:
            if self.family == "tensors":
                self.ctx.set_input_shape(self.names[i], shape)
            else:
                self.ctx.set_binding_shape(i, shape)

    def enqueue(self, feed: Sequence[np.ndarray]) -> None:
        """Copy inputs in, execute, copy outputs out: all enqueued, nothing waited for."""
        htod, dtoh = self.htod, self.dtoh
        for (_, view, host, dev), x in zip(self.ins, feed):
            n = x.size
            np.copyto(view[:n], x)
            htod(dev, host, 4 * n)
        self.execute()
        n = feed[0].size
        for _, _, host, dev in self.outs:
            dtoh(host, dev, 4 * n)

    def infer(self, feed: Sequence[np.ndarray]) -> list[np.ndarray]:
        """:meth:`enqueue`, synchronize, and the outputs' host views."""
        self.enqueue(feed)
        self.sync()
        n = feed[0].size
        return [view[:n] for _, view, _, _ in self.outs]
