"""Question: on a real GPU, what does trtcompat cost over hand-written CUDA + TensorRT calls?

A fake TensorRT 10 engine whose execute launches a real cupy kernel (``out = 2 * in``) on
the bound device addresses and stream; every backend (pycuda, cuda_python, cupy, torch) in
one table. Sections, each timed with synchronize + perf_counter, medians of interleaved
repeats:

1. latency, small tensors (4 KiB, 1 MiB): ``Runner.infer``, ``infer_async + synchronize``,
   ``do_inference``, ``Runner(cuda_graph=True)`` vs raw (the backend's own library: its
   stream, pinned + device memory, async copies, ``execute_async_v3``, synchronize); also
   Polygraphy's ``TrtRunner.infer`` and the TensorRT 10 samples helper (cuda-python cudart).
   Targets: <= 1.10x raw; < 1.0x with cuda_graph.
2. throughput, 64 / 256 MiB: H2D + D2H through ``do_inference`` (pinned <-> device) and
   ``Runner.infer`` (numpy in / out, so two host copies more) vs ``cudaMemcpyAsync`` of the
   same bytes between pinned and device memory (cupy.cuda.runtime). Target >= 0.95x.
3. ``allocate_buffers`` for a 20-tensor engine with dynamic shapes. Target <= 1 ms.

Usage: ``python benchmarks/gpu_suite.py [--quick]`` (about 1-2 minutes on an H100).
"""

from __future__ import annotations

import argparse
import ctypes
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np
from _common import (
    bench,
    fmt,
    machine_info,
    markdown_table,
    noop_launch,
    ratio,
    reset_polygraphy_trt,
    tiny_spec,
    write_results,
)

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.errors import BackendError
from trtcompat.testing import EngineSpec, Launch, LaunchTensor, TensorSpec, build_engine

BACKENDS = ("pycuda", "cuda_python", "cupy", "torch")
ERA = "10"
_PUSHED: list[Any] = []  # pycuda contexts the raw path made current, popped at the end


class CupyKernel:
    """The fake engine's kernel: ``out0 = 2 * in0`` with cupy on the bound addresses."""

    def __init__(self) -> None:
        self._arrays: dict[tuple[int, int, tuple[int, ...]], tuple[Any, Any]] = {}
        self._streams: dict[int, Any] = {}

    @staticmethod
    def _wrap(t: LaunchTensor) -> Any:
        import cupy
        mem = cupy.cuda.UnownedMemory(t.address, int(np.prod(t.shape)) * t.dtype.itemsize, None)
        return cupy.ndarray(t.shape, t.dtype, cupy.cuda.MemoryPointer(mem, 0))

    def __call__(self, launch: Launch) -> None:
        import cupy
        x, y = launch.tensors["in0"], launch.tensors["out0"]
        key = (x.address, y.address, x.shape)
        if key not in self._arrays:
            self._arrays[key] = (self._wrap(x), self._wrap(y))
        if launch.stream not in self._streams:
            self._streams[launch.stream] = cupy.cuda.ExternalStream(launch.stream)
        a, b = self._arrays[key]
        with self._streams[launch.stream]:
            cupy.multiply(a, 2, out=b)


def host_view(ptr: int, n: int) -> np.ndarray:
    return np.ctypeslib.as_array((ctypes.c_float * n).from_address(ptr))


def raw_infer(name: str, engine: Any, n: int) -> Callable[[np.ndarray], np.ndarray]:
    """Hand-written round trip with backend library ``name``'s own stream, memory, copies."""
    ctx, nbytes = engine.create_execution_context(), 4 * n
    h2d: Callable[[], object]
    d2h: Callable[[], object]
    sync: Callable[[], object]
    hi: np.ndarray
    ho: np.ndarray
    if name == "pycuda":
        import pycuda.driver as drv
        if not _PUSHED:  # a pycuda program makes its context current once
            _PUSHED.append(drv.Device(0).retain_primary_context())
            _PUSHED[0].push()
        s = drv.Stream()
        hi, ho = drv.pagelocked_empty(n, np.float32), drv.pagelocked_empty(n, np.float32)
        di, do = drv.mem_alloc(nbytes), drv.mem_alloc(nbytes)
        h2d = lambda: drv.memcpy_htod_async(di, hi, s)  # noqa: E731
        d2h = lambda: drv.memcpy_dtoh_async(ho, do, s)  # noqa: E731
        handle, sync, keep = s.handle, s.synchronize, (di, do)
    elif name == "cuda_python":
        from cuda.bindings import runtime as rt
        s = rt.cudaStreamCreate()[1]
        pi, po = rt.cudaMallocHost(nbytes)[1], rt.cudaMallocHost(nbytes)[1]
        di, do = rt.cudaMalloc(nbytes)[1], rt.cudaMalloc(nbytes)[1]
        hi, ho, kind = host_view(pi, n), host_view(po, n), rt.cudaMemcpyKind
        h2d = lambda: rt.cudaMemcpyAsync(di, pi, nbytes, kind.cudaMemcpyHostToDevice, s)  # noqa: E731
        d2h = lambda: rt.cudaMemcpyAsync(po, do, nbytes, kind.cudaMemcpyDeviceToHost, s)  # noqa: E731
        handle, sync, keep = int(s), lambda: rt.cudaStreamSynchronize(s), (pi, po)
    elif name == "cupy":
        import cupy
        import cupyx
        cs = cupy.cuda.Stream(non_blocking=False)
        hi, ho = cupyx.empty_pinned(n, np.float32), cupyx.empty_pinned(n, np.float32)
        dvi, dvo = cupy.empty(n, np.float32), cupy.empty(n, np.float32)
        pi, po, di, do = hi.ctypes.data, ho.ctypes.data, dvi.data.ptr, dvo.data.ptr
        run = cupy.cuda.runtime
        h2d = lambda: run.memcpyAsync(di, pi, nbytes, 1, cs.ptr)  # noqa: E731
        d2h = lambda: run.memcpyAsync(po, do, nbytes, 2, cs.ptr)  # noqa: E731
        handle, sync, keep = cs.ptr, cs.synchronize, (dvi, dvo)
    else:
        import torch
        ts = torch.cuda.Stream()
        ti, to = torch.empty(n, pin_memory=True), torch.empty(n, pin_memory=True)
        dti, dto = torch.empty(n, device="cuda"), torch.empty(n, device="cuda")
        hi, ho, di, do = ti.numpy(), to.numpy(), dti.data_ptr(), dto.data_ptr()

        def _h2d() -> None:
            with torch.cuda.stream(ts):
                dti.copy_(ti, non_blocking=True)

        def _d2h() -> None:
            with torch.cuda.stream(ts):
                to.copy_(dto, non_blocking=True)
        h2d, d2h = _h2d, _d2h
        handle, sync, keep = ts.cuda_stream, ts.synchronize, (dti, dto)
    ctx.set_tensor_address("in0", int(di))
    ctx.set_tensor_address("out0", int(do))

    def infer(x: np.ndarray) -> np.ndarray:
        np.copyto(hi, x)
        h2d()
        ctx.execute_async_v3(handle)
        d2h()
        sync()
        return ho

    infer.keep = (ctx, keep)  # type: ignore[attr-defined]
    return infer


def samples_helper(engine: Any, n: int) -> Callable[[np.ndarray], np.ndarray]:
    """TensorRT 10 samples' ``common_runtime.do_inference`` (cuda-python cudart)."""
    from cuda.bindings import runtime as rt
    ctx, nbytes, kind = engine.create_execution_context(), 4 * n, rt.cudaMemcpyKind
    s = rt.cudaStreamCreate()[1]
    ptrs = [(rt.cudaMallocHost(nbytes)[1], rt.cudaMalloc(nbytes)[1]) for _ in range(2)]
    host = host_view(ptrs[0][0], n)

    def infer(x: np.ndarray) -> np.ndarray:
        np.copyto(host[: x.size], x.flat, casting="safe")
        rt.cudaMemcpyAsync(ptrs[0][1], ptrs[0][0], nbytes, kind.cudaMemcpyHostToDevice, s)
        for i in range(engine.num_io_tensors):
            ctx.set_tensor_address(engine.get_tensor_name(i), int(ptrs[i][1]))
        ctx.execute_async_v3(stream_handle=int(s))
        rt.cudaMemcpyAsync(ptrs[1][0], ptrs[1][1], nbytes, kind.cudaMemcpyDeviceToHost, s)
        rt.cudaStreamSynchronize(s)
        return host_view(ptrs[1][0], n)

    return infer


def _backend_cases(name: str, engine: Any, x: np.ndarray, cases: dict[str, Callable[[], object]],
                   notes: dict[str, str]) -> None:
    """Section 1 contenders of one backend (problems go to ``notes``)."""
    n, feed = x.size, {"in0": x}
    be = get_backend(name)
    raw, run = raw_infer(name, engine, n), tc.Runner(engine, backend=be)
    ctx = engine.create_execution_context()
    ins, outs, bindings, stream = tc.allocate_buffers(engine, ctx, backend=be)
    if not np.array_equal(run.infer(feed)["out0"], 2 * x):
        notes[name] = "WRONG RESULT from Runner.infer"

    def pair() -> object:
        run.infer_async(feed)
        return run.synchronize()

    def classic() -> object:
        np.copyto(ins[0].host, x)
        return tc.do_inference(ctx, bindings, ins, outs, stream)

    pinned = tc.Runner(engine, backend=be, copy_outputs=False)
    view = pinned.host_input("in0", x.shape)

    def pinned_infer() -> object:
        np.copyto(view, x)  # the same host work as raw: fill pinned memory, read it back
        return pinned.infer({"in0": view})

    cases[f"{name} raw"] = lambda: raw(x)
    cases[f"{name} Runner.infer"] = lambda: run.infer(feed)
    cases[f"{name} Runner.infer pinned"] = pinned_infer
    cases[f"{name} infer_async+sync"] = pair
    cases[f"{name} do_inference"] = classic
    try:
        graph = tc.Runner(engine, backend=be, cuda_graph=True)
        ok = np.array_equal(graph.infer(feed)["out0"], 2 * x)
        notes[f"{name} cuda_graph"] = "" if ok else "WRONG RESULT"
        cases[f"{name} cuda_graph"] = lambda: graph.infer(feed)
    except BackendError:
        notes[f"{name} cuda_graph"] = "n/a (backend has no graph capture)"
    except Exception as exc:
        notes[f"{name} cuda_graph"] = f"failed: {type(exc).__name__}: {exc}"


def latency(engine: Any, n: int, quick: bool) -> list[list[str]]:
    """Section 1 rows for tensors of ``n`` float32."""
    x = np.arange(n, dtype=np.float32)
    feed = {"in0": x}
    cases: dict[str, Callable[[], object]] = {}
    notes: dict[str, str] = {}
    for name in BACKENDS:
        try:
            _backend_cases(name, engine, x, cases, notes)
        except Exception as exc:  # report and go on: one run must cover everything
            notes[name] = f"failed: {type(exc).__name__}: {exc}"
            traceback.print_exc()
    try:
        samples = samples_helper(engine, n)
        cases["samples helper (cudart)"] = lambda: samples(x)
    except Exception as exc:
        notes["samples helper (cudart)"] = f"failed: {type(exc).__name__}: {exc}"
    try:
        from polygraphy.backend.trt import TrtRunner
        poly = TrtRunner(engine)
        poly.activate()
        cases["Polygraphy TrtRunner.infer"] = lambda: poly.infer(feed)
    except Exception as exc:
        notes["Polygraphy TrtRunner.infer"] = f"failed: {type(exc).__name__}: {exc}"
        traceback.print_exc()
    t = bench(cases, iters=2_000, repeats=3 if quick else 7, budget_s=0.05)
    base = t.get("cupy raw")
    rows = []
    for name in BACKENDS:
        raw_t = t.get(f"{name} raw")
        for what in ("raw", "Runner.infer", "Runner.infer pinned", "infer_async+sync",
                     "do_inference", "cuda_graph"):
            key = f"{name} {what}"
            note = notes.get(key, notes.get(name, "")) if what in ("raw", "cuda_graph") else ""
            rows.append([f"{4 * n // 1024} KiB", name, what, fmt(t.get(key)),
                         ratio(t.get(key), raw_t), note])
    for key in ("samples helper (cudart)", "Polygraphy TrtRunner.infer"):
        rows.append([f"{4 * n // 1024} KiB", "-", key, fmt(t.get(key)),
                     ratio(t.get(key), base) + " of cupy raw", notes.get(key, "")])
    return rows


def _transfer_cases(name: str, engine: Any, x: np.ndarray,
                    cases: dict[str, Callable[[], object]]) -> list[Any]:
    """Section 2 contenders of one backend; returns what to close afterwards."""
    be = get_backend(name)
    ctx = engine.create_execution_context()
    bufs = tc.allocate_buffers(engine, ctx, backend=be)
    run = tc.Runner(engine, backend=be)
    ins, outs, bindings, stream = bufs
    cases[f"{name} do_inference"] = lambda: tc.do_inference(ctx, bindings, ins, outs, stream)
    cases[f"{name} Runner.infer"] = lambda: run.infer({"in0": x})
    pinned = tc.Runner(engine, backend=be, copy_outputs=False)
    view = pinned.host_input("in0", x.shape)
    cases[f"{name} Runner.infer pinned"] = lambda: pinned.infer({"in0": view})
    return [bufs, run, pinned]


def throughput(nbytes: int, quick: bool) -> list[list[str]]:
    """Section 2 rows: GB/s of H2D + D2H of ``nbytes`` each way."""
    import cupy
    import cupyx
    n = nbytes // 4
    engine = build_engine(tiny_spec(elements=n, launch=noop_launch), ERA)
    run_ = cupy.cuda.runtime
    s = cupy.cuda.Stream(non_blocking=False)
    hp, dv = cupyx.empty_pinned(n, np.float32), cupy.empty(n, np.float32)

    def memcpy() -> None:
        run_.memcpyAsync(dv.data.ptr, hp.ctypes.data, nbytes, 1, s.ptr)
        run_.memcpyAsync(hp.ctypes.data, dv.data.ptr, nbytes, 2, s.ptr)
        s.synchronize()

    cases: dict[str, Callable[[], object]] = {"cudaMemcpyAsync": memcpy}
    x = np.ones(n, np.float32)
    owned: list[Any] = []
    for name in BACKENDS:
        try:
            owned += _transfer_cases(name, engine, x, cases)
        except Exception:
            traceback.print_exc()
    t = bench(cases, iters=5 if quick else 10, repeats=3 if quick else 5, budget_s=0.2)
    for thing in owned:
        thing.close()
    gbs = {k: 2 * nbytes / (v * 1e-6) / 1e9 for k, v in t.items()}
    base = gbs["cudaMemcpyAsync"]
    return [[f"{nbytes >> 20} MiB", k, fmt(t[k], 0), fmt(v, 1), ratio(v, base),
             "yes" if k == "cudaMemcpyAsync" or v >= 0.95 * base else "no"]
            for k, v in gbs.items()]


def allocation(quick: bool) -> list[list[str]]:
    """Section 3 rows: ms per ``allocate_buffers`` of 10 dynamic inputs + 10 outputs."""
    prof = (((1, 256), (8, 256), (16, 256)),)
    tensors = [TensorSpec(f"in{i}", np.float32, (-1, 256), True, prof) for i in range(10)]
    tensors += [TensorSpec(f"out{i}", np.float32, (-1, 256), False, like=f"in{i}")
                for i in range(10)]
    engine = build_engine(EngineSpec(tuple(tensors), launch=noop_launch), ERA)
    rows = []
    for name in BACKENDS:
        try:
            be = get_backend(name)
            ctx = engine.create_execution_context()
            times = []
            for _ in range(10 if quick else 50):
                start = time.perf_counter()
                bufs = tc.allocate_buffers(engine, ctx, backend=be)
                times.append((time.perf_counter() - start) * 1e3)
                bufs.close()
            ms = float(np.median(times[1:]))
            rows.append([name, fmt(ms, 3), fmt(min(times[1:]), 3), "yes" if ms <= 1 else "no"])
        except Exception as exc:
            rows.append([name, "n/a", "n/a", f"failed: {exc}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats")
    args = parser.parse_args()
    from trtcompat.testing import fake_tensorrt
    with fake_tensorrt(ERA) as trt:
        reset_polygraphy_trt()
        import cupy
        gpu = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
        print(f"GPU {gpu}; fake TensorRT {trt.__version__}", flush=True)
        kernel = CupyKernel()
        sections = []
        rows: list[list[str]] = []
        for n in (1024, 1 << 18) if args.quick else (1024, 1 << 14, 1 << 18):
            engine = build_engine(tiny_spec(elements=n, launch=kernel), ERA, trt)
            rows += latency(engine, n, args.quick)
            print(markdown_table(["size", "backend", "contender", "µs", "vs raw", "note"], rows),
                  flush=True)
        sections.append("## 1. Latency, small tensors (target <= 1.10x raw; cuda_graph < 1.0x)"
                        "\n\n" + markdown_table(
                            ["size", "backend", "contender", "µs", "vs raw", "note"], rows))
        rows = []
        for nbytes in (64 << 20, 256 << 20):
            rows += throughput(nbytes, args.quick)
        head = ["size", "contender", "µs", "GB/s (H2D+D2H)", "vs memcpy", ">= 0.95x"]
        sections.append("## 2. Throughput, large tensors\n\n" + markdown_table(head, rows))
        print(sections[-1], flush=True)
        rows = allocation(args.quick)
        sections.append("## 3. allocate_buffers, 20 tensors, dynamic shapes (target <= 1 ms)"
                        "\n\n" + markdown_table(["backend", "median ms", "min ms", "<= 1 ms"],
                                                rows))
        print(sections[-1], flush=True)
    extra = {"cupy": cupy.__version__}
    for mod in ("torch", "pycuda"):
        try:
            extra[mod] = __import__(mod).__version__
        except Exception:
            extra[mod] = "n/a"
    for context in _PUSHED:
        context.pop()
    path = write_results("gpu", "GPU suite: trtcompat vs raw calls, every backend",
                         machine_info(gpu=gpu, extra=extra), "\n\n".join(sections))
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
