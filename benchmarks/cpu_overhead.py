"""Question: how much per-call time does trtcompat add over raw TensorRT calls, on CPU?

Fakes of every API era (8.4, 8.6, 10, 11) and both families (bindings, tensors), the
``host`` backend, an engine of one 1-element float32 input and output whose kernel does
nothing, so the fake's own execute cost (the same for every contender) is small. Each
contender's time minus the matching raw time is the overhead it adds.

Contenders, on one engine, the same inputs and one backend, interleaved in one process:
raw (hand-written family calls and backend copies), ``execute``, ``Runner.infer_async``,
``infer_async + synchronize``, ``Runner.infer``, ``Runner(cuda_graph=True)``, trtcompat's
``do_inference``, the classic samples helper, and Polygraphy's ``TrtRunner.infer``.

Polygraphy's CUDA wrapper loads libcudart through ctypes, which a CPU machine lacks; here
its C entry points are replaced by Python functions on plain memory (``HostCudart``), so
all of Polygraphy's own Python runs and only the C calls are stand-ins.

Baselines call the host backend's library plainly (``ctypes.memmove`` for copies, nothing to
synchronize), not the backend's guarded methods, so every layer trtcompat adds shows.

Targets: ``Runner.infer`` adds <= 1 µs over ``raw infer`` (issue 13); ``infer_async`` adds
<= 2 µs; Polygraphy's ``infer`` adds >= 20x what ``Runner.infer`` adds.

Usage: ``python benchmarks/cpu_overhead.py [--quick]``
"""

from __future__ import annotations

import argparse
import ctypes
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import (
    Raw,
    bench,
    fmt,
    machine_info,
    markdown_table,
    primitives,
    ratio,
    reset_polygraphy_trt,
    tiny_spec,
    write_results,
)

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.errors import BackendError
from trtcompat.testing import build_engine, fake_tensorrt

ROWS = [("8.4", "bindings"), ("8.6", "bindings"), ("8.6", "tensors"), ("10", "tensors"),
        ("11", "tensors")]
INFER_ASYNC_TARGET_US = 2.0
INFER_TARGET_US = 1.0
POLYGRAPHY_TARGET_X = 20.0


class HostCudart:
    """libcudart's entry points as Polygraphy's ``Cuda`` wrapper calls them, on host memory."""

    def __init__(self) -> None:
        self._owners: dict[int, np.ndarray] = {}
        self._next = 0x7000

    def cudaStreamCreate(self, ref: Any) -> int:
        self._next += 1
        ref._obj.value = self._next
        return 0

    def cudaStreamSynchronize(self, stream: Any) -> int:
        return 0

    def cudaStreamDestroy(self, stream: Any) -> int:
        return 0

    def cudaMalloc(self, ref: Any, nbytes: Any) -> int:
        buf = np.empty(max(nbytes.value, 1) + 256, np.uint8)
        ptr = int(buf.ctypes.data)
        ptr += -ptr % 256
        self._owners[ptr] = buf
        ref._obj.value = ptr
        return 0

    def cudaFree(self, ptr: Any) -> int:
        self._owners.pop(ptr.value, None)
        return 0

    def cudaMemcpyAsync(self, dst: Any, src: Any, n: Any, kind: Any, stream: Any) -> int:
        ctypes.memmove(dst.value, src.value, n.value)
        return 0

    def cudaMemcpy(self, dst: Any, src: Any, n: Any, kind: Any) -> int:
        ctypes.memmove(dst.value, src.value, n.value)
        return 0


def polygraphy_runner(engine: Any) -> tuple[Any, str]:
    """An activated ``TrtRunner`` on ``engine`` (its cudart on host memory), or (None, why)."""
    try:
        from polygraphy.backend.trt import TrtRunner
        from polygraphy.cuda import cuda as pcuda
    except ImportError:
        return None, "polygraphy not installed"
    reset_polygraphy_trt()
    wrapper = pcuda.Cuda.__new__(pcuda.Cuda)
    wrapper.handle = HostCudart()
    pcuda.G_CUDA = wrapper
    runner = TrtRunner(engine, optimization_profile=0)  # 8.x: a later context has none
    runner.activate()
    return runner, ""


def samples_helper(trt: Any, engine: Any, backend: Any, family: str) -> Callable[[np.ndarray], Any]:
    """The classic samples idiom: buffers sized by ``volume(shape)``, copy in, execute, copy out.

    TensorRT 8 samples (``common.py``): bindings list + ``execute_async_v2``; TensorRT 10
    samples (``common_runtime.py``): ``set_tensor_address`` for every tensor on each call +
    ``execute_async_v3``. Memory comes from ``backend`` where the samples use pycuda/cudart.
    """
    if family == "tensors":
        names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
        shapes = [engine.get_tensor_shape(n) for n in names]
        is_in = [engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT for n in names]
    else:
        names = [engine.get_binding_name(i) for i in range(engine.num_bindings)]
        shapes = [engine.get_binding_shape(i) for i in range(engine.num_bindings)]
        is_in = [engine.binding_is_input(i) for i in range(engine.num_bindings)]
    stream = backend.create_stream()
    htod, dtoh, sync = primitives(backend, stream)
    context = engine.create_execution_context()
    if context.active_optimization_profile < 0:
        context.set_optimization_profile_async(0, stream)
    inputs: list[tuple[np.ndarray, int, int, int]] = []
    outputs: list[tuple[np.ndarray, int, int, int]] = []
    bindings: list[int] = []
    for shape, inp in zip(shapes, is_in):
        size = trt.volume(shape)  # fails (negative) on dynamic shapes: "where it can run at all"
        nbytes = size * np.dtype(np.float32).itemsize
        host_ptr, dev = backend.malloc_host(nbytes), backend.malloc(nbytes)
        host = np.ctypeslib.as_array((ctypes.c_float * size).from_address(host_ptr))
        bindings.append(dev)
        (inputs if inp else outputs).append((host, host_ptr, dev, nbytes))

    def do_inference(x: np.ndarray) -> list[np.ndarray]:
        np.copyto(inputs[0][0][: x.size], x.flat, casting="safe")  # HostDeviceMem.host setter
        for _, hp, dev, nb in inputs:
            htod(dev, hp, nb)
        if family == "tensors":
            for i in range(engine.num_io_tensors):
                context.set_tensor_address(engine.get_tensor_name(i), bindings[i])
            context.execute_async_v3(stream_handle=stream)
        else:
            context.execute_async_v2(bindings=bindings, stream_handle=stream)
        for _, hp, dev, nb in outputs:
            dtoh(hp, dev, nb)
        sync()
        return [out[0] for out in outputs]

    return do_inference


def measure(era: str, family: str, quick: bool) -> list[tuple[str, str, float | None, str]]:
    """``(contender, baseline, µs per call or None, note)`` for one era and family."""
    backend = get_backend("host")
    x = np.ones((1,), np.float32)
    feed = {"in0": x}
    with fake_tensorrt(era) as trt, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        engine = build_engine(tiny_spec(), era, trt)
        raw = Raw(engine, backend, family, 1)
        runner = tc.Runner(engine, backend=backend, family=family)
        ctx2 = engine.create_execution_context()
        if ctx2.active_optimization_profile < 0:
            ctx2.set_optimization_profile_async(0, raw.stream)
        bufs = tc.allocate_buffers(engine, ctx2, backend=backend, family=family)
        inputs, outputs, bindings, stream = bufs
        samples = samples_helper(trt, engine, backend, family)
        poly, why = polygraphy_runner(engine) if family == "tensors" else (None, "no v2 path")

        def infer_async() -> None:
            runner.infer_async(feed)  # host backend: nothing in flight to wait for

        def sync_pair() -> Any:
            runner.infer_async(feed)
            return runner.synchronize()

        def tc_do_inference() -> Any:
            np.copyto(inputs[0].host, x)
            return tc.do_inference(ctx2, bindings, inputs, outputs, stream)

        cases: dict[str, Callable[[], object]] = {
            "raw execute": raw.execute,
            "raw enqueue": lambda: raw.enqueue([x]),
            "raw infer": lambda: raw.infer([x]),
            "execute": lambda: tc.execute(ctx2, bindings, stream),
            "Runner.infer_async": infer_async,
            "infer_async + synchronize": sync_pair,
            "Runner.infer": lambda: runner.infer(feed),
            "do_inference": tc_do_inference,
            "samples helper": lambda: samples(x),
        }
        if poly is not None:
            cases["Polygraphy TrtRunner.infer"] = lambda: poly.infer(feed)
        times = bench(cases, iters=5_000 if quick else 20_000, repeats=5 if quick else 15,
                  budget_s=0.03)
        if poly is not None:
            poly.deactivate()
        try:
            tc.Runner(engine, backend=backend, family=family, cuda_graph=True).close()
            graph_note = "constructed (not timed on host)"
        except BackendError:
            graph_note = "n/a (backend has no graph capture)"
        runner.close()
        bufs.close()
    base = {"execute": "raw execute", "Runner.infer_async": "raw enqueue"}
    rows: list[tuple[str, str, float | None, str]] = [
        (name, base.get(name, "raw infer"), times[name], "")
            for name in cases if not name.startswith("raw ")]
    rows.insert(4, ("Runner(cuda_graph=True)", "raw infer", None, graph_note))
    if poly is None:
        rows.append(("Polygraphy TrtRunner.infer", "raw infer", None, why))
    raws: list[tuple[str, str, float | None, str]] = [
        (name, "", times[name], "") for name in cases if name.startswith("raw ")]
    return raws + rows


def _minus(t: float | None, base: float | None) -> float | None:
    """µs added over the baseline, or None where either was not measured."""
    return None if t is None or base is None else t - base


def _table(rows: list[tuple[str, str, float | None, str]],
           raw: dict[str, float | None]) -> list[tuple[str, ...]]:
    """One era's table: each contender's µs, µs added over its baseline and ratio."""
    table = []
    for name, baseline, t, note in rows:
        b = raw.get(baseline)
        table.append((name, baseline or "-", fmt(t), fmt(_minus(t, b)),
                      ratio(t, b) if b else "-", note))
    return table


def _summary_row(label: str, rows: list[tuple[str, str, float | None, str]],
                 raw: dict[str, float | None]) -> tuple[str, ...]:
    """One era's summary line: the µs infer_async, infer and Polygraphy add, against targets."""
    got = {name: (t, raw.get(b)) for name, b, t, _ in rows}
    ia_add = _minus(*got["Runner.infer_async"])
    inf_add = _minus(*got["Runner.infer"])
    pg_add = _minus(*got["Polygraphy TrtRunner.infer"])
    pg_x = None if pg_add is None or not inf_add or inf_add <= 0 else pg_add / inf_add
    ok_ia = ia_add is not None and ia_add <= INFER_ASYNC_TARGET_US
    ok_pg = "n/a" if pg_x is None else ("yes" if pg_x >= POLYGRAPHY_TARGET_X else "no")
    ok_inf = inf_add is not None and inf_add <= INFER_TARGET_US
    return (label, fmt(raw.get("raw enqueue")), fmt(ia_add), "yes" if ok_ia else "no",
            fmt(inf_add), "yes" if ok_inf else "no", fmt(pg_add), fmt(pg_x, 1), ok_pg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    sections, summary = [], []
    for era, family in ROWS:
        rows = measure(era, family, args.quick)
        raw = {name: t for name, b, t, _ in rows if not b}
        summary.append(_summary_row(f"{era} {family}", rows, raw))
        text = markdown_table(
            ["contender", "baseline", "µs/call", "added µs", "ratio", "note"], _table(rows, raw))
        sections.append(f"## TensorRT {era} fake, {family} family\n\n{text}\n")
        print(f"\nTensorRT {era} fake, {family} family (host backend)\n{text}", flush=True)
    head = ["era family", "raw enqueue µs", "infer_async added µs", "<= 2 µs",
            "infer added µs", "<= 1 µs", "Polygraphy added µs", "Polygraphy / trtcompat",
            ">= 20x"]
    text = markdown_table(head, summary)
    print(f"\nSummary\n{text}")
    notes = (
        "Times are medians of interleaved repeats (perf_counter_ns). Baselines: `raw execute` "
        "= `execute_async_v3` with addresses bound once / `execute_async_v2(bindings)`; `raw "
        "enqueue` = copy in + H2D + execute + D2H with plain `ctypes.memmove` (the host backend's "
        "library, not its guarded methods); `raw infer` = that + synchronize. Polygraphy "
        "runs with its libcudart calls replaced by host-memory Python stand-ins (no CUDA on a "
        "CPU machine), so its real-GPU overhead is this plus the ctypes calls; 0.53 has no "
        "binding-API path."
    )
    body = f"## Summary\n\n{text}\n\n{notes}\n\n" + "\n".join(sections)
    path = write_results("cpu-overhead", "CPU overhead over raw TensorRT calls (fakes, host "
                         "backend)", machine_info(), body)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
