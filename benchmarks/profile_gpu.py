"""What one backend operation costs on a GPU: the library's own call, the StreamOps callable,
the guarded Backend method, side by side in one process, per backend.

1. Per-op µs (4 KiB host-to-device copy, stream synchronize): raw library call (what a user
   writes by hand with that library), ``backend.stream_ops(stream)`` callable inside
   ``activate()``, and the guarded ``memcpy_htod_async`` / ``synchronize``; ratios to raw.
2. Pinned copies at 64 / 256 MiB: H2D + D2H through StreamOps vs ``cudaMemcpyAsync``
   (cupy.cuda.runtime) on the same byte count; target >= 0.95x.
3. Allocation: µs per ``malloc`` and ``malloc_host`` (16 KiB) through the backend, and per
   raw pinned allocation of the library, to show what dominates ``allocate_buffers``; and
   20 tensors' worth (20 x malloc + malloc_host) in ms; target <= 1 ms.
4. cuda-python's error-code check: the cost of each way of testing ``err``.

``--quick`` uses fewer repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from trtcompat.backends import get_backend

NAMES = ("pycuda", "cuda_python", "cupy", "torch")
SMALL = 4096


def per_call(fn: Callable[[], object], iters: int) -> float:
    """µs per call of ``fn`` over ``iters`` calls."""
    fn()
    start = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - start) / iters * 1e6


def interleaved(
    cases: dict[str, Callable[[], object]], iters: int, rounds: int
) -> dict[str, float]:
    """Median µs per call of every case, the cases interleaved round by round."""
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(rounds):
        for label, fn in cases.items():
            samples[label].append(per_call(fn, iters))
    return {k: statistics.median(v) for k, v in samples.items()}


def raw_calls(name: str, n: int) -> tuple[Callable[[], object], Callable[[], object], Any]:
    """The library's own 4 KiB H2D copy and synchronize on its own objects, and a cleanup."""
    if name == "cupy":
        import cupy
        import cupyx

        rt = cupy.cuda.runtime
        host, dev, s = cupyx.empty_pinned(n, np.uint8), cupy.empty(n, np.uint8), rt.streamCreate()
        h, d = host.ctypes.data, dev.data.ptr
        return (
            lambda: rt.memcpyAsync(d, h, n, rt.memcpyHostToDevice, s),
            lambda: rt.streamSynchronize(s),
            lambda: rt.streamDestroy(s),
        )
    if name == "cuda_python":
        from cuda.bindings import runtime as cudart

        _, h = cudart.cudaMallocHost(n)
        _, d = cudart.cudaMalloc(n)
        _, s = cudart.cudaStreamCreate()
        kind = cudart.cudaMemcpyKind.cudaMemcpyHostToDevice

        def copy() -> None:
            err = cudart.cudaMemcpyAsync(d, h, n, kind, s)[0]
            assert int(err) == 0

        def sync() -> None:
            assert int(cudart.cudaStreamSynchronize(s)[0]) == 0

        def done() -> None:
            cudart.cudaStreamDestroy(s)
            cudart.cudaFree(d)
            cudart.cudaFreeHost(h)

        return copy, sync, done
    if name == "pycuda":
        import pycuda.driver as cuda

        get_backend("pycuda")  # retains and knows the primary context
        ctx = cuda.Device(0).retain_primary_context()
        ctx.push()
        host, dev, stream = cuda.pagelocked_empty(n, np.uint8), cuda.mem_alloc(n), cuda.Stream()
        return (
            lambda: cuda.memcpy_htod_async(dev, host, stream),
            stream.synchronize,
            lambda: cuda.Context.pop(),
        )
    import torch

    host = torch.empty(n, dtype=torch.uint8).pin_memory()
    dev = torch.empty(n, dtype=torch.uint8, device="cuda")
    stream = torch.cuda.Stream()

    def torch_copy() -> None:
        with torch.cuda.stream(stream):
            dev.copy_(host, non_blocking=True)

    return torch_copy, stream.synchronize, lambda: None


def per_op(name: str, iters: int, rounds: int) -> None:
    """Section 1 for one backend."""
    be = get_backend(name)
    raw_copy, raw_sync, done = raw_calls(name, SMALL)
    host, dev, stream = be.malloc_host(SMALL), be.malloc(SMALL), be.create_stream()
    ops = be.stream_ops(stream)
    htod, sync = ops.htod, ops.synchronize
    with be.activate():
        copies = interleaved(
            {
                "raw": lambda: (raw_copy(), raw_sync()),
                "StreamOps": lambda: (htod(dev, host, SMALL), sync()),
                "guarded": lambda: (
                    be.memcpy_htod_async(dev, host, SMALL, stream),
                    be.synchronize(stream),
                ),
            },
            iters,
            rounds,
        )
        only = interleaved(
            {
                "raw copy": raw_copy,
                "StreamOps copy": lambda: htod(dev, host, SMALL),
                "guarded copy": lambda: be.memcpy_htod_async(dev, host, SMALL, stream),
            },
            iters,
            rounds,
        )
        sync()
        syncs = interleaved(
            {
                "raw sync": raw_sync,
                "StreamOps sync": sync,
                "guarded sync": lambda: be.synchronize(stream),
            },
            iters,
            rounds,
        )
    outside = per_call(lambda: be.memcpy_htod_async(dev, host, SMALL, stream), iters)
    be.synchronize(stream)
    done()
    be.destroy_stream(stream)
    be.free(dev)
    be.free_host(host)
    print(f"\n== {name}: 4 KiB H2D copy + synchronize, µs per op (ratio to raw)")
    for table in (copies, only, syncs):
        base = next(iter(table.values()))
        print("  " + " | ".join(f"{k} {v:7.2f} ({v / base:4.2f}x)" for k, v in table.items()))
    print(f"  guarded copy outside activate(): {outside:7.2f}")


def bandwidth(nbytes: int, rounds: int) -> None:
    """Section 2: H2D + D2H of ``nbytes`` through StreamOps vs cudaMemcpyAsync (cupy)."""
    import cupy
    import cupyx

    rt = cupy.cuda.runtime
    hp, dv = cupyx.empty_pinned(nbytes, np.uint8), cupy.empty(nbytes, np.uint8)
    s = rt.streamCreate()

    def memcpy() -> None:
        rt.memcpyAsync(dv.data.ptr, hp.ctypes.data, nbytes, rt.memcpyHostToDevice, s)
        rt.memcpyAsync(hp.ctypes.data, dv.data.ptr, nbytes, rt.memcpyDeviceToHost, s)
        rt.streamSynchronize(s)

    cases: dict[str, Callable[[], object]] = {"cudaMemcpyAsync": memcpy}
    cleanup = []
    for name in NAMES:
        try:
            be = get_backend(name)
            h, d, st = be.malloc_host(nbytes), be.malloc(nbytes), be.create_stream()
            ops = be.stream_ops(st)

            def run(be: Any = be, ops: Any = ops, h: int = h, d: int = d) -> None:
                with be.activate():
                    ops.htod(d, h, nbytes)
                    ops.dtoh(h, d, nbytes)
                    ops.synchronize()

            cases[f"{name} StreamOps"] = run
            cleanup.append((be, h, d, st))
        except Exception as exc:
            print(f"  {name}: failed: {exc}")
    times = interleaved(cases, 3, rounds)
    base = times["cudaMemcpyAsync"]
    print(f"\n== pinned H2D + D2H, {nbytes >> 20} MiB (GB/s, ratio to cudaMemcpyAsync)")
    for label, us in times.items():
        gbs = 2 * nbytes / (us * 1e-6) / 1e9
        verdict = "ok" if base / us >= 0.95 else "BELOW 0.95x"
        print(f"  {label:22s} {us:9.0f} µs {gbs:6.1f} GB/s {base / us:5.2f}x {verdict}")
    for be, h, d, st in cleanup:
        be.destroy_stream(st)
        be.free(d)
        be.free_host(h)
    rt.streamDestroy(s)


def allocation(name: str, rounds: int) -> None:
    """Section 3 for one backend."""
    be: Any = get_backend(name)
    n = 16 * 1024

    def one_pair() -> None:
        d, h = be.malloc(n), be.malloc_host(n)
        be.free(d)
        be.free_host(h)

    def twenty() -> float:
        start = time.perf_counter()
        pairs = [(be.malloc(n), be.malloc_host(n)) for _ in range(20)]
        took = (time.perf_counter() - start) * 1e3
        for d, h in pairs:
            be.free(d)
            be.free_host(h)
        return took

    def raw_pin() -> None:
        with be.activate():
            ptr, owner = be._lib_malloc_host(n)
            be._lib_free_host(ptr, owner)

    def raw_dev() -> None:
        with be.activate():
            ptr, owner = be._lib_malloc(n)
            be._lib_free(ptr, owner)

    ms = statistics.median(twenty() for _ in range(rounds * 4))
    alloc_only = {
        "malloc": statistics.median(
            per_call(lambda: be.free(be.malloc(n)), 20) for _ in range(rounds)
        ),
        "malloc_host (pooled)": statistics.median(
            per_call(lambda: be.free_host(be.malloc_host(n)), 20) for _ in range(rounds)
        ),
        "library pinned alloc+free": statistics.median(
            per_call(raw_pin, 20) for _ in range(rounds)
        ),
        "library device alloc+free": statistics.median(
            per_call(raw_dev, 20) for _ in range(rounds)
        ),
        "pair": statistics.median(per_call(one_pair, 20) for _ in range(rounds)),
    }
    print(f"\n== {name}: allocation, 16 KiB, µs per alloc+free")
    print("  " + " | ".join(f"{k} {v:8.1f}" for k, v in alloc_only.items()))
    print(f"  20 x (malloc + malloc_host): {ms:.3f} ms {'ok' if ms <= 1 else 'ABOVE 1 ms'}")


def error_checks(iters: int, rounds: int) -> None:
    """Section 4: ways to test cuda-python's returned code, on a real cudaStreamQuery."""
    from cuda.bindings import runtime as cudart

    _, s = cudart.cudaStreamCreate()
    ok = cudart.cudaError_t.cudaSuccess
    query = cudart.cudaStreamSynchronize
    times = interleaved(
        {
            "call only": lambda: query(s),
            "[0] is not ok": lambda: query(s)[0] is not ok,
            "int([0]) != 0": lambda: int(query(s)[0]) != 0,
            "bool([0])": lambda: bool(query(s)[0]),
        },
        iters,
        rounds,
    )
    cudart.cudaStreamDestroy(s)
    print("\n== cuda-python error check on cudaStreamSynchronize, µs per call")
    print("  " + " | ".join(f"{k} {v:6.3f}" for k, v in times.items()))


def main() -> None:
    """Runs every section on every backend that loads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    iters, rounds = (1000, 5) if args.quick else (5000, 9)
    sections: list[tuple[str, Callable[[], object]]] = []
    for name in NAMES:
        sections.append((f"per-op {name}", lambda name=name: per_op(name, iters, rounds)))
    for size in (64, 256):
        sections.append((f"{size} MiB", lambda size=size: bandwidth(size << 20, 3)))
    for name in NAMES:
        sections.append((f"allocation {name}", lambda name=name: allocation(name, rounds)))
    sections.append(("error checks", lambda: error_checks(iters, rounds)))
    for label, section in sections:
        try:
            section()
        except Exception as exc:  # one broken section must not hide the others
            print(f"\n== {label} failed: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
