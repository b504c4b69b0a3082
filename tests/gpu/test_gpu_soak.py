"""GPU soak: many cycles, many threads, every backend at once, on a real device.

The engine is a fake (TensorRT is not needed) whose launch function runs real GPU work:
CuPy wraps the bound device pointers and computes ``y = x * 2 + 1`` on the Runner's own
stream, so wrong bindings, a copy racing the kernel, or a stream mixed up between threads
all give wrong numbers. Memory is judged three ways: a :class:`FaultInjectingBackend` that
never fails keeps exact books of every allocation, pinned buffer and stream; the device's
free memory must come back to within 1 MiB; the process's resident memory must stay flat.

Sizes come from the environment, so a quick run on a shared device is cheap::

    TRTCOMPAT_SOAK_CYCLES=500 TRTCOMPAT_SOAK_INFERS=200 pytest -m "gpu and slow" -s tests/gpu

The figures (free memory before and after, timings) are printed; run with ``-s`` to see them.
Skips as a module without an NVIDIA device node; the check initializes no CUDA library.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pytest
from _gpu_engine import launch

import trtcompat as tc
from trtcompat.backends import Backend, get_backend
from trtcompat.errors import BackendUnavailableError
from trtcompat.testing import EngineSpec, FaultInjectingBackend, TensorSpec, build_engine

pytestmark = [pytest.mark.gpu, pytest.mark.slow]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"${name}={value!r} must be a positive integer (default {default}).")
    return int(value)


CYCLES = _env_int("TRTCOMPAT_SOAK_CYCLES", 10_000)
INFERS = _env_int("TRTCOMPAT_SOAK_INFERS", 5_000)
THREADS = 8
BACKENDS = ("pycuda", "cuda_python", "cupy", "torch")
WIDTH = 1024
MAX_BATCH = 32
MIB = 1 << 20
RSS_SLACK = 64 * MIB  # allocator noise; a leak of one 128 KiB buffer per cycle is far above


SPEC = EngineSpec(
    (
        TensorSpec(
            "x",
            np.float32,
            (-1, WIDTH),
            True,
            profiles=(((1, WIDTH), (8, WIDTH), (MAX_BATCH, WIDTH)),),
        ),
        TensorSpec("y", np.float32, (-1, WIDTH), False),
    ),
    launch=launch,
    name="soak_x2p1",
)

#: The 8.x implicit-batch form of the same engine: the batch travels with each launch
#: (execute_async(batch_size, ...)), every context shares the one implicit profile.
IMPLICIT_SPEC = EngineSpec(
    (
        TensorSpec("x", np.float32, (WIDTH,), True),
        TensorSpec("y", np.float32, (WIDTH,), False),
    ),
    launch=launch,
    implicit_batch=True,
    max_batch_size=MAX_BATCH,
    name="soak_x2p1_implicit",
)


def _expected(x: np.ndarray) -> np.ndarray:
    return x * np.float32(2) + np.float32(1)


@pytest.fixture(scope="module")
def engine() -> Any:
    pytest.importorskip("cupy", reason="the soak engine's kernel is written in CuPy")
    return build_engine(SPEC, "10")


@pytest.fixture(scope="module", params=["10", "8.6"], ids=["trt10-dynamic", "trt8.6-implicit"])
def thread_engine(request: pytest.FixtureRequest) -> Any:
    """The engines the thread soak runs: TensorRT 10 dynamic shapes and 8.x implicit batch."""
    pytest.importorskip("cupy", reason="the soak engine's kernel is written in CuPy")
    if request.param == "10":
        return build_engine(SPEC, "10")
    return build_engine(IMPLICIT_SPEC, request.param)


def _backend(name: str) -> Backend:
    try:
        return get_backend(name)
    except BackendUnavailableError as exc:
        pytest.skip(f"{name} unavailable: {exc}")


def _settle() -> None:
    """Returns what the array libraries cache, so free device memory means what we hold."""
    gc.collect()
    if "cupy" in sys.modules:
        cupy = sys.modules["cupy"]
        cupy.cuda.runtime.deviceSynchronize()
        cupy.get_default_memory_pool().free_all_blocks()
        cupy.get_default_pinned_memory_pool().free_all_blocks()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        torch.cuda.synchronize()
        torch.cuda.empty_cache()


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _pinned() -> str:
    # what the kernel reports as locked/pinned for this process (CUDA pins through the driver,
    # so these may read 0; printed for the record, the books are the exact check)
    with open("/proc/self/status") as handle:
        fields = dict(line.split(":", 1) for line in handle if ":" in line)
    return ", ".join(f"{k} {fields[k].strip()}" for k in ("VmLck", "VmPin") if k in fields)


class _Meter:
    """Free device memory and resident memory before and after a block."""

    def __init__(self, backend: Backend, label: str) -> None:
        self.backend, self.label = backend, label

    def __enter__(self) -> _Meter:
        _settle()
        self.free0, self.total = self.backend.mem_info()
        self.rss0 = _rss()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0
        _settle()
        self.free1, _ = self.backend.mem_info()
        self.rss1 = _rss()
        print(
            f"\n[soak] {self.label}: {self.seconds:.2f} s; free device memory "
            f"{self.free0 / MIB:.1f} -> {self.free1 / MIB:.1f} MiB of {self.total / MIB:.0f} "
            f"(delta {(self.free1 - self.free0) / MIB:+.2f} MiB); RSS {self.rss0 / MIB:.1f} -> "
            f"{self.rss1 / MIB:.1f} MiB; {_pinned()}"
        )

    def check(self) -> None:
        assert abs(self.free1 - self.free0) <= MIB, (
            f"{self.label}: free device memory moved by {(self.free1 - self.free0) / MIB:+.2f} MiB"
        )
        assert self.rss1 - self.rss0 <= RSS_SLACK, (
            f"{self.label}: resident memory grew by {(self.rss1 - self.rss0) / MIB:.1f} MiB"
        )


def _warm_up(engine: Any, backend: Backend) -> None:
    # First use creates contexts, loads CuPy's kernels and fills allocator caches; none of
    # that is a leak, so it happens before the first measurement.
    with tc.Runner(engine, backend=backend) as run:
        x = np.ones((3, WIDTH), np.float32)
        np.testing.assert_array_equal(run.infer({"x": x})["y"], _expected(x))


def _inputs(seed: int, count: int = 16) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [
        rng.standard_normal((int(rng.integers(1, MAX_BATCH + 1)), WIDTH), dtype=np.float32)
        for _ in range(count)
    ]


@pytest.mark.parametrize("name", BACKENDS)
def test_allocate_close_cycles_return_every_byte(name: str, engine: Any) -> None:
    backend = _backend(name)
    _warm_up(engine, backend)
    books = FaultInjectingBackend(backend)
    with _Meter(backend, f"{name}: {CYCLES} allocate_buffers/close cycles") as meter:
        for _ in range(CYCLES):
            tc.allocate_buffers(engine, backend=books).close()
    print(f"[soak] {name}: {meter.seconds / CYCLES * 1e6:.0f} us per cycle; {books!r}")
    assert books.balanced(), books
    assert books.allocations == books.frees == 4 * CYCLES  # x and y, device and pinned each
    assert books.calls["create_stream"] == books.calls["destroy_stream"] == CYCLES
    meter.check()


def _run_threads(engine: Any, backend: Backend, infers: int) -> tuple[list[int], list[str]]:
    """THREADS threads, each with its own Runner on ``engine``: (inferences done, errors)."""
    done = [0] * THREADS
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def work(index: int) -> None:
        inputs = _inputs(index)
        try:
            with tc.Runner(engine, backend=backend) as run:
                start.wait(timeout=120)
                for n in range(infers):
                    x = inputs[n % len(inputs)]
                    y = run.infer({"x": x})["y"]
                    if not np.array_equal(y, _expected(x)):
                        errors.append(f"thread {index}, inference {n}: wrong output")
                        return
                    done[index] += 1
        except BaseException as exc:  # reported by the caller; a thread must not die silently
            errors.append(f"thread {index}: {exc!r}")

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + max(300.0, infers * 0.05)
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.1))
    stuck = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not stuck, f"threads {stuck} still running after the deadline: deadlock? done={done}"
    return done, errors


@pytest.mark.parametrize("name", BACKENDS)
def test_eight_threads_with_a_runner_each(name: str, thread_engine: Any) -> None:
    """8 threads, one Runner each on one engine: every output checked, nothing leaked.

    On the implicit-batch engine no thread may touch process-wide state per call (the old
    per-call ``warnings.catch_warnings()`` did), and each launch carries its own batch."""
    engine = thread_engine
    backend = _backend(name)
    # The first kernels launched from new threads make the CUDA runtime and CuPy set up
    # per-thread state once (a few MiB, measured flat from then on); do that before measuring.
    done, errors = _run_threads(engine, backend, 5)
    assert not errors and done == [5] * THREADS, errors[:5]
    books = FaultInjectingBackend(backend)
    with _Meter(backend, f"{name}: {THREADS} threads x {INFERS} inferences") as meter:
        done, errors = _run_threads(engine, books, INFERS)
    print(f"[soak] {name}: {sum(done) / meter.seconds:.0f} inferences/s over {THREADS} threads")
    assert not errors, errors[:5]
    assert done == [INFERS] * THREADS
    assert books.balanced(), books
    meter.check()


def test_every_backend_in_one_process(engine: Any) -> None:
    """pycuda's primary context, cuda-python, CuPy and torch side by side, arrays passed across.

    Runs with every backend whose library is installed (at least two); the ones missing are
    printed, so a run without pycuda says so instead of passing as if it had covered it.
    """
    backends: dict[str, Backend] = {}
    missing: list[str] = []
    for name in BACKENDS:
        try:
            backends[name] = get_backend(name)
        except BackendUnavailableError as exc:
            missing.append(f"{name} ({exc})")
    if len(backends) < 2:
        pytest.skip(f"fewer than two backends usable: {'; '.join(missing)}")
    print(
        f"\n[soak] all backends: running {', '.join(backends)}; not installed: {missing or 'none'}"
    )
    # one unmeasured round first: torch's and CuPy's allocators set up on their first arrays
    _rounds(engine, backends, 1)
    books = {name: FaultInjectingBackend(b) for name, b in backends.items()}
    rounds = max(INFERS // 10, 10)
    with _Meter(next(iter(backends.values())), f"all backends: {rounds} rounds") as meter:
        _rounds(engine, books, rounds)
    for name, book in books.items():
        assert book.balanced(), f"{name}: {book!r}"
    meter.check()


def _rounds(engine: Any, backends: Mapping[str, Backend], rounds: int) -> None:
    """A Runner per backend, all open at once; each round feeds every Runner a numpy array,
    a CuPy array and (where torch is installed) a torch CUDA tensor, the last two bound
    zero-copy."""
    import cupy

    torch = sys.modules.get("torch") if "torch" in backends else None
    runners = {name: tc.Runner(engine, backend=b) for name, b in backends.items()}
    try:
        for n in range(rounds):
            x = _inputs(n, 1)[0]
            arrays = [x, cupy.asarray(x)]
            if torch is not None:
                arrays.append(torch.from_numpy(x).to("cuda:0"))
                torch.cuda.synchronize()
            cupy.cuda.runtime.deviceSynchronize()
            for name, run in runners.items():
                for array in arrays:
                    y = run.infer({"x": array})["y"]
                    np.testing.assert_array_equal(y, _expected(x), f"{name} <- {type(array)}")
            del arrays
    finally:
        for run in runners.values():
            run.close()


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    assert not [t for t in threading.enumerate() if t not in before and t.is_alive()]
