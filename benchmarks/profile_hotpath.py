"""Question: where does a warm ``Runner.infer`` / ``do_inference`` spend its time on a GPU?

Builds ``gpu_suite.py``'s engine (a fake TensorRT 10 engine whose kernel is a real CuPy
launch), warms each backend's contenders, then profiles N calls of each with cProfile and
prints the functions with the most time of their own, next to the hand-written loop's
profile. Also times ``backend.activate()`` entered and left with nothing inside.

Usage: ``python benchmarks/profile_hotpath.py [--calls N] [--backends cupy,pycuda,...]``.
A diagnostic, not a benchmark: cProfile's own cost inflates every frame alike.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from typing import Any, Callable

import numpy as np
from _common import tiny_spec
from gpu_suite import BACKENDS, ERA, CupyKernel, device_array, raw_path

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.testing import build_engine, fake_tensorrt


def _profile(label: str, fn: Callable[[], object], calls: int, top: int) -> None:
    for _ in range(200):
        fn()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    plain = (time.perf_counter() - start) / calls * 1e6
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
    stats.print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    body = lines[next(i for i, ln in enumerate(lines) if "ncalls" in ln) :]
    print(f"\n### {label}: {plain:.2f} µs per call unprofiled; top {top} by own time")
    print("\n".join(body))


def _activate_cost(backend: Any, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        with backend.activate():
            pass
    return (time.perf_counter() - start) / calls * 1e6


def _backend(name: str, engine: Any, calls: int, top: int) -> None:
    n = 1024
    x = np.arange(n, dtype=np.float32)
    backend = get_backend(name)
    raw = raw_path(name, engine, n)
    run = tc.Runner(engine, backend=backend)
    dev = tc.Runner(engine, backend=backend, outputs="device")
    dx = {"in0": device_array(name, x)}
    ctx = engine.create_execution_context()
    buffers = tc.allocate_buffers(engine, ctx, backend=backend)
    ins, outs, bindings, stream = buffers

    def classic() -> object:
        np.copyto(ins[0].host, x)
        return tc.do_inference(ctx, bindings, ins, outs, stream)

    print(f"\n## {name}: activate() alone {_activate_cost(backend, calls):.2f} µs")
    _profile(f"{name} raw", lambda: raw.infer(x), calls, top)
    _profile(f"{name} Runner.infer", lambda: run.infer({"in0": x}), calls, top)
    _profile(f"{name} do_inference", classic, calls, top)
    _profile(f"{name} device in/out", lambda: dev.infer(dx), calls, top)
    run.close()
    dev.close()
    buffers.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--top", type=int, default=14)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    with fake_tensorrt(ERA) as trt:
        engine = build_engine(tiny_spec(elements=1024, launch=CupyKernel()), ERA, trt)
        for name in args.backends.split(","):
            _backend(name, engine, args.calls, args.top)


if __name__ == "__main__":
    main()
