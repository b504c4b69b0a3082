"""Faults: every backend call that can fail is made to fail, once each, on every era.

A workload (Runner + infer + close, or the classic allocate_buffers + do_inference + close)
is first run through a :class:`FaultInjectingBackend` that never fails, to count its
allocation, copy and stream calls; then once per call with that call failing. Each time the
injected ``BackendError`` itself must reach the caller (not a secondary error from cleanup)
and every allocation and stream made before it must have been released.

The second half makes the fake TensorRT answer ``False`` where real TensorRT does
(``set_input_shape`` / ``set_binding_shape``, ``set_tensor_address``, the execute calls):
each becomes a typed error naming the tensor, and the same Runner works on the next call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from _engines import DYNAMIC, IMPLICIT, TWO_PROFILES

import trtcompat as tc
from trtcompat.testing import (
    ERAS,
    FAULT_KINDS,
    EngineSpec,
    FaultInjectingBackend,
    build_engine,
    era_info,
)

BINDING_ERAS = tuple(e for e in ERAS if era_info(e).implicit_batch)
TENSOR_ERAS = tuple(e for e in ERAS if era_info(e).has_tensors)
_FAULT = re.compile(
    r"^(malloc|malloc_host|memcpy_htod_async|memcpy_dtoh_async|memcpy_dtod_async|"
    r"create_stream|synchronize|create_event|record_event|event_synchronize) failed: "
    r"injected fault \((alloc|copy|stream|any) call #\d+, FaultInjectingBackend over 'host'\)$"
)


def _family(era: str, spec: EngineSpec) -> str:
    return "tensors" if era_info(era).has_tensors and not spec.implicit_batch else "bindings"


# -- workloads -----------------------------------------------------------------------------


def _x(rows: int, cols: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((rows, cols), dtype=np.float32)


def _runner_two_profiles(engine: Any, backend: Any) -> None:
    # profile 1: a profile switch (and its synchronize), three tensors, two inputs
    x, bias = _x(6, 4), np.arange(4, dtype=np.float32)
    with tc.Runner(engine, backend=backend, profile=1) as run:
        out = run.infer({"x": x, "bias": bias})
    np.testing.assert_array_equal(out["y"], x + bias)


def _runner_implicit(engine: Any, backend: Any) -> None:
    x = _x(5, 3)
    with tc.Runner(engine, backend=backend) as run:
        out = run.infer({"x": x})
    np.testing.assert_array_equal(out["y"], x * 2)


def _runner_device_outputs(engine: Any, backend: Any) -> None:
    x = _x(3, 3)
    with tc.Runner(engine, backend=backend, outputs="device") as run:
        run.infer_async({"x": x})
        out = run.synchronize()
        np.testing.assert_array_equal(out["y"], x * 2)


def _classic(engine: Any, backend: Any) -> None:
    context = engine.create_execution_context()
    x = _x(8, 3)
    with tc.allocate_buffers(engine, context, backend=backend) as buffers:
        inputs, outputs, bindings, stream = buffers
        inputs[0].host[:] = x
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, x * 2)


def _grown(engine: Any, backend: Any) -> None:
    with tc.allocate_buffers(engine, backend=backend, shapes={"x": (1, 3), "y": (1, 3)}) as b:
        assert b.ensure("x", (8, 3)).nbytes == 96
        assert b.ensure("y", (8, 3)).nbytes == 96


@dataclass(frozen=True)
class Workload:
    name: str
    spec: EngineSpec
    run: Callable[[Any, Any], None]
    eras: tuple[str, ...] = ERAS
    copies: bool = True  # whether the workload moves any bytes


WORKLOADS = (
    Workload("runner-profile-1", TWO_PROFILES, _runner_two_profiles),
    Workload("runner-implicit-batch", IMPLICIT, _runner_implicit, BINDING_ERAS),
    Workload("runner-device-outputs", DYNAMIC, _runner_device_outputs),
    Workload("allocate-do-inference", DYNAMIC, _classic),
    Workload("allocate-then-grow", DYNAMIC, _grown, copies=False),
)


@pytest.mark.parametrize("fail_on", FAULT_KINDS)
@pytest.mark.parametrize(
    ("workload", "era"),
    [pytest.param(w, e, id=f"{w.name}-trt{e}") for w in WORKLOADS for e in w.eras],
)
def test_every_call_failing_in_turn_leaks_nothing(
    workload: Workload, era: str, fail_on: Any, host: Any
) -> None:
    engine = build_engine(workload.spec, era)
    counting = FaultInjectingBackend(host, fail_on)
    workload.run(engine, counting)
    assert counting.fault is None and counting.balanced(), counting
    total = counting.matching_calls
    # an empty loop below would pass without testing anything
    assert total >= (0 if fail_on == "copy" and not workload.copies else 1), counting
    for k in range(1, total + 1):
        faulty = FaultInjectingBackend(host, fail_on, k)
        with pytest.raises(tc.BackendError) as info:
            workload.run(engine, faulty)
        assert info.value is faulty.fault, f"k={k}: the injected error was replaced"
        assert _FAULT.fullmatch(str(info.value)), str(info.value)
        assert faulty.balanced(), f"k={k}: {faulty!r}"
        # a failed allocation is counted as a call but was never made; every one that was
        # made is matched by a free
        made = faulty.allocations - (1 if str(info.value).startswith("malloc") else 0)
        assert made == faulty.frees, f"k={k}: {made} allocations, {faulty.frees} frees"


def test_runner_stays_usable_after_a_failed_copy_or_sync(host: Any) -> None:
    engine = build_engine(DYNAMIC, "10")
    books = FaultInjectingBackend(host, "any")
    with tc.Runner(engine, backend=books) as run:
        built = books.matching_calls
        run.infer({"x": _x(2, 3)})
        per_infer = books.matching_calls - built
        assert per_infer == 3  # copy in, copy out, synchronize
        for j in range(1, per_infer + 1):
            books.k = books.matching_calls + j
            with pytest.raises(tc.BackendError, match=r"^\w+ failed: injected fault"):
                run.infer({"x": _x(2, 3, seed=j)})
            x = _x(4, 3, seed=10 + j)
            np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)
    assert books.balanced()


def test_fault_backend_counts_and_fails_once(host: Any) -> None:
    faulty = FaultInjectingBackend(host, "alloc", 2)
    first = faulty.malloc(16)
    with pytest.raises(tc.BackendError) as info:
        faulty.malloc_host(16)
    assert str(info.value) == (
        "malloc_host failed: injected fault (alloc call #2, FaultInjectingBackend over 'host')"
    )
    assert faulty.live_allocations == 1 and faulty.fault is info.value
    third = faulty.malloc(16)  # only the k-th call fails
    stream = faulty.create_stream()  # not an 'alloc' call: never fails here
    assert faulty.matching_calls == 3 and faulty.calls["create_stream"] == 1
    assert not faulty.balanced()
    faulty.free(first)
    faulty.free(third)
    faulty.destroy_stream(stream)
    assert faulty.balanced() and faulty.frees == 2 and faulty.allocations == 3
    assert isinstance(faulty, tc.backends.Backend)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"fail_on": "free"},
            r"^fail_on='free' is not a fault kind; use one of 'alloc', "
            r"'copy', 'stream', 'any'\.$",
        ),
        ({"k": 0}, r"^k=0 must be a positive int \(1 fails the first call\), or None\.$"),
        ({"k": True}, r"^k=True must be a positive int \(1 fails the first call\), or None\.$"),
    ],
)
def test_fault_backend_rejects_bad_arguments(
    host: Any, kwargs: Mapping[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        FaultInjectingBackend(host, **kwargs)


# -- TensorRT answering False --------------------------------------------------------------


def _refuse(monkeypatch: pytest.MonkeyPatch, context: Any, method: str) -> None:
    # on the era's context class (one per fake module), as a refusing TensorRT would answer
    monkeypatch.setattr(type(context), method, lambda *args, **kwargs: False)


@pytest.mark.parametrize("era", ERAS)
def test_refused_input_shape_is_a_shape_error_and_the_runner_recovers(
    era: str, host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = build_engine(DYNAMIC, era)
    family = _family(era, DYNAMIC)
    method = "set_input_shape" if family == "tensors" else "set_binding_shape"
    suffix = "" if family == "tensors" else r" \(binding 0\)"
    with tc.Runner(engine, backend=host) as run:
        with monkeypatch.context() as patch:
            _refuse(patch, run.context, method)
            with pytest.raises(tc.ShapeError) as info:
                run.infer({"x": _x(3, 3)})
        assert re.fullmatch(
            rf"TensorRT refused shape \(3, 3\) for input 'x'{suffix}\. The shape is within "
            r"profile 0's range \(1, 3\)\.\.\(8, 3\)\.",
            str(info.value),
        ), str(info.value)
        assert isinstance(info.value, ValueError)
        x = _x(3, 3, seed=1)
        np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)


@pytest.mark.parametrize("era", TENSOR_ERAS)
def test_refused_tensor_address_is_an_execution_error_and_the_runner_recovers(
    era: str, host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = build_engine(DYNAMIC, era)
    with tc.Runner(engine, backend=host) as run:
        with monkeypatch.context() as patch:
            _refuse(patch, run.context, "set_tensor_address")
            with pytest.raises(tc.ExecutionError) as info:
                run.infer({"x": _x(2, 3)})
        assert str(info.value) == (
            "TensorRT refused to bind tensor 'x' (tensors API, profile 0). Tensors: input 'x' "
            "FLOAT shape (2, 3); output 'y' FLOAT shape (2, 3). Nothing reached trtcompat's "
            "logger (TensorRT logs to the logger of the process's first Runtime or Builder; load "
            "engines with trtcompat.load_engine)."
        )
        x = _x(2, 3, seed=1)
        np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)


_EXECUTE_CASES = [
    pytest.param(era, spec, method, id=f"{spec.name}-{method}-trt{era}")
    for era in ERAS
    for spec, method in (
        (DYNAMIC, "execute_async_v3" if _family(era, DYNAMIC) == "tensors" else "execute_async_v2"),
        *([(IMPLICIT, "execute_async")] if era in BINDING_ERAS else []),
    )
]


@pytest.mark.parametrize(("era", "spec", "method"), _EXECUTE_CASES)
def test_refused_execute_is_an_execution_error_and_the_runner_recovers(
    era: str, spec: EngineSpec, method: str, host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = build_engine(spec, era)
    family = _family(era, spec)
    with tc.Runner(engine, backend=host) as run:
        x = _x(2, 3)
        np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)
        with monkeypatch.context() as patch:
            _refuse(patch, run.context, method)
            with pytest.raises(tc.ExecutionError) as info:
                run.infer({"x": _x(2, 3, seed=1)})
        shape = "(-1, 3)" if spec.implicit_batch else "(2, 3)"
        assert str(info.value) == (
            f"TensorRT refused to execute the engine ({family} API, profile 0). Tensors: "
            f"input 'x' FLOAT shape {shape}; output 'y' FLOAT shape {shape}. Nothing reached "
            "trtcompat's logger (TensorRT logs to the logger of the process's first Runtime or "
            "Builder; load engines with trtcompat.load_engine)."
        )
        assert info.value.trt_log == ()
        with pytest.raises(tc.ExecutionError, match=r"^Nothing was enqueued"):
            run.synchronize()  # the refused call left nothing half-done behind
        x = _x(2, 3, seed=2)
        np.testing.assert_array_equal(run.infer({"x": x})["y"], x * 2)


@pytest.mark.parametrize("era", ERAS)
def test_refused_execute_in_do_inference_leaves_the_buffers_usable(
    era: str, host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = build_engine(DYNAMIC, era)
    context = engine.create_execution_context()
    method = "execute_async_v3" if _family(era, DYNAMIC) == "tensors" else "execute_async_v2"
    with tc.allocate_buffers(engine, context, backend=host) as buffers:
        inputs, outputs, bindings, stream = buffers
        inputs[0].host[:] = _x(8, 3)
        with monkeypatch.context() as patch:
            _refuse(patch, context, method)
            with pytest.raises(tc.ExecutionError, match=r"^TensorRT refused to execute"):
                tc.do_inference(context, bindings, inputs, outputs, stream)
        (y,) = tc.do_inference(context, bindings, inputs, outputs, stream)
        np.testing.assert_array_equal(y, _x(8, 3) * 2)
