"""Where does a small-tensor ``Runner.infer`` spend its time on a GPU? (cProfile, per backend).

Runs the fake engine with a no-op kernel, so only host-side costs remain: the backend's CUDA
calls and trtcompat's own code. Prints each backend's per-call time of every memory call next
to the library's own call, and the top functions of ``Runner.infer`` by own time.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections.abc import Callable

import numpy as np
from _common import noop_launch, tiny_spec

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.testing import build_engine, fake_tensorrt

N = 1024  # 4 KiB of float32


def per_call(fn: Callable[[], object], iters: int = 2000) -> float:
    """Median-free quick mean in µs (the profile below is the real evidence)."""
    fn()
    start = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - start) / iters * 1e6


def profile_backend(engine: object, name: str) -> None:
    """Prints one backend's call costs and the top of its ``Runner.infer`` profile."""
    backend = get_backend(name)
    runner = tc.Runner(engine, backend=backend)
    x = np.ones(N, np.float32)
    mem, stream = runner.buffers["in0"], runner.stream
    timings = {
        "memcpy_htod_async": per_call(
            lambda: backend.memcpy_htod_async(mem.device, mem.host_ptr, 4 * N, stream)
        ),
        "synchronize": per_call(lambda: backend.synchronize(stream)),
        "enqueue (fake v3)": per_call(lambda: runner.context.execute_async_v3(stream)),
        "Runner.infer": per_call(lambda: runner.infer({"in0": x})),
    }
    print(f"\n== {name}: " + ", ".join(f"{k} {v:.1f} µs" for k, v in timings.items()))
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(2000):
        runner.infer({"in0": x})
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)
    runner.close()


def pieces(engine: object) -> None:
    """CuPy's own calls next to the cupy backend's wrappers of them, and the Runner's steps."""
    import cupy

    runtime = cupy.cuda.runtime
    backend = get_backend("cupy")
    runner = tc.Runner(engine, backend=backend, copy_outputs=False)
    mem, stream = runner.buffers["in0"], runner.stream
    view = runner.host_input("in0", (N,))

    def activate_once() -> None:
        with backend.activate():
            pass

    def htod_inside_activate() -> None:
        with backend.activate():
            backend.memcpy_htod_async(mem.device, mem.host_ptr, 4 * N, stream)

    rows = {
        "htod inside activate()": htod_inside_activate,
        "cupy memcpyAsync": lambda: runtime.memcpyAsync(mem.device, mem.host_ptr, 4 * N, 1, stream),
        "backend.memcpy_htod_async": lambda: backend.memcpy_htod_async(
            mem.device, mem.host_ptr, 4 * N, stream
        ),
        "cupy streamSynchronize": lambda: runtime.streamSynchronize(stream),
        "backend.synchronize": lambda: backend.synchronize(stream),
        "activate() enter+exit": activate_once,
        "context.execute_async_v3": lambda: runner.context.execute_async_v3(stream),
        "Runner.infer_async": lambda: runner.infer_async({"in0": view}),
        "Runner.synchronize": lambda: (runner.infer_async({"in0": view}), runner.synchronize()),
        "Runner.infer pinned": lambda: runner.infer({"in0": view}),
    }
    print("\n== cupy pieces (µs per call)")
    for label, fn in rows.items():
        print(f"{label:28s} {per_call(fn):8.2f}")
    runner.close()


def main() -> None:
    """Profiles every backend."""
    with fake_tensorrt("10"):
        spec = tiny_spec(elements=N, launch=noop_launch)
        engine = build_engine(spec, "10", sys.modules["tensorrt"])
        pieces(engine)
        for name in ("pycuda", "cuda_python", "cupy", "torch"):
            profile_backend(engine, name)


if __name__ == "__main__":
    main()
