"""``trtcompat scan --fix`` (``--to trtcompat``): the corpus's runtime code, fixed, runs on the
fakes of 8.0, 8.4, 8.6, 10 and 11 with the same results as the unfixed code on 8.4."""

from __future__ import annotations

import ctypes
import pathlib
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

pytest.importorskip("libcst")

import trtcompat.legacy
from trtcompat._api_changes import CHANGES
from trtcompat.migrate import fix_source, scan_source
from trtcompat.testing import ERAS, RELEASES, EngineSpec, TensorSpec, build_engine, make_module

CORPUS = pathlib.Path(__file__).resolve().parent / "migrate_corpus"
# The releases issue 26 names for "the default fixes run on 8.0 to 11": the oldest TensorRT
# trtcompat supports, then the coarse eras.
FIX_ERAS = ("8.0", *ERAS)
# The corpus files that are runtime code the fakes can run (the others build engines, need
# torch, or are 10.x code already; the scan and fix tests cover them).
RUNTIME_FILES = (
    "bert_profiles.py",
    "engine_info.py",
    "multi_profile.py",
    "samples_common.py",
    "untraced_context.py",
)

_SPEC = EngineSpec(
    (
        TensorSpec("input", np.float32, (1, 3, 4, 4), True),
        TensorSpec("scores", np.float32, (1, 3, 4, 4), False),
    ),
    compute=lambda feed: {"scores": feed["input"] * 2 + 1},
    device_memory_size=1 << 16,
)
_DYNAMIC = EngineSpec(
    (
        TensorSpec(
            "input",
            np.float32,
            (-1, 3),
            True,
            profiles=(((1, 3), (2, 3), (4, 3)), ((2, 3), (4, 3), (8, 3))),
        ),
        TensorSpec("output", np.float32, (-1, 3), False),
    ),
    num_profiles=2,
)

# Two profiles whose batch ranges do not overlap: a batch of 6 runs on profile 1 only.
_PROFILES = EngineSpec(
    (
        TensorSpec(
            "input",
            np.float32,
            (-1, 3),
            True,
            profiles=(((1, 3), (2, 3), (4, 3)), ((5, 3), (6, 3), (8, 3))),
        ),
        TensorSpec("output", np.float32, (-1, 3), False),
    ),
    num_profiles=2,
    compute=lambda feed: {"output": feed["input"] * 2 + 1},
)

_DYNAMIC_COMPUTE = EngineSpec(
    (
        TensorSpec("input", np.float32, (-1, 3), True, profiles=(((1, 3), (2, 3), (4, 3)),)),
        TensorSpec("output", np.float32, (-1, 3), False),
    ),
    compute=lambda feed: {"output": feed["input"] * 2 + 1},
)


class _DeviceAllocation:
    """pycuda's DeviceAllocation over host memory (the fakes read real process addresses)."""

    def __init__(self, nbytes: int) -> None:
        self.buffer = np.zeros(max(nbytes, 1), np.uint8)

    def __int__(self) -> int:
        return int(self.buffer.ctypes.data)


def _fake_pycuda() -> dict[str, types.ModuleType]:
    driver = types.ModuleType("pycuda.driver")
    driver.Stream = lambda: types.SimpleNamespace(handle=0, synchronize=lambda: None)  # type: ignore[attr-defined]
    driver.pagelocked_empty = lambda size, dtype: np.zeros(size, dtype)  # type: ignore[attr-defined]
    driver.mem_alloc = _DeviceAllocation  # type: ignore[attr-defined]

    def htod(device: Any, host: np.ndarray, stream: Any = None) -> None:
        ctypes.memmove(int(device), host.ctypes.data, host.nbytes)

    def dtoh(host: np.ndarray, device: Any, stream: Any = None) -> None:
        ctypes.memmove(host.ctypes.data, int(device), host.nbytes)

    driver.memcpy_htod_async, driver.memcpy_dtoh_async = htod, dtoh  # type: ignore[attr-defined]
    package = types.ModuleType("pycuda")
    package.driver = driver  # type: ignore[attr-defined]
    return {"pycuda": package, "pycuda.driver": driver, "pycuda.autoinit": types.ModuleType("a")}


def _load(
    name: str, source: bytes, era: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[types.ModuleType, types.ModuleType]:
    trt = make_module(era)
    # Builder-side names the runtime-only fakes lack; the corpus reads them at import time
    # (the findings on them stay in the report: they are not runtime code).
    trt.NetworkDefinitionCreationFlag = types.SimpleNamespace(EXPLICIT_BATCH=0)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tensorrt", trt)
    for key, module in _fake_pycuda().items():
        monkeypatch.setitem(sys.modules, key, module)
    module = types.ModuleType(f"{name}_{era}")
    exec(compile(source, name, "exec"), module.__dict__)
    return module, trt


def _fixed(name: str) -> bytes:
    source = (CORPUS / name).read_bytes()
    return fix_source(source, scan_source(source, name).findings)[0]


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(int(d) for d in value)


def _engine_info(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    engine = build_engine(_SPEC, era, trt)
    rows = [(n, i, s, d.rsplit(".", 1)[-1]) for n, i, s, d in mod.describe(engine)]
    dynamic = build_engine(_DYNAMIC, era, trt)
    return rows, mod.input_profile(dynamic, "input")


def _multi_profile(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    engine = build_engine(_DYNAMIC, era, trt)
    _, ctx1, shape1, per_profile = mod.make_contexts(engine, 0)
    return (
        _shape(shape1),
        per_profile,
        ctx1.active_optimization_profile,
        _shape(ctx1.get_binding_shape(per_profile)),
        mod.count(engine),
    )


def _samples(mod: types.ModuleType, trt: types.ModuleType, era: str, capsys: Any) -> Any:
    engine = build_engine(_SPEC, era, trt)
    inputs, outputs, bindings, stream = mod.allocate_buffers(engine)
    inputs[0].host[:] = np.arange(inputs[0].host.size, dtype=np.float32)
    context = engine.create_execution_context()
    result = mod.do_inference_v2(context, bindings, inputs, outputs, stream)
    mod.print_bindings(engine)
    printed = capsys.readouterr().out.replace("DataType.", "")
    return [r.tolist() for r in result], _shape(mod.input_shape(engine)), printed


def _bert(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    engine = build_engine(_PROFILES, era, trt)
    batch = np.arange(18, dtype=np.float32).reshape(6, 3)
    stream = sys.modules["pycuda.driver"].Stream()
    profile, output = mod.infer(engine, batch, stream)
    assert profile == 1 and np.array_equal(output, batch * 2 + 1), (era, profile, output)
    return profile, output.tolist()


def _untraced(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    # A context made elsewhere (here: by the test, as a caller of these helpers would).
    engine = build_engine(_DYNAMIC_COMPUTE, era, trt)
    context = engine.create_execution_context()
    mod.set_shape(context, (3, 3))
    shape = mod.shape_of(context)
    batch = np.arange(9, dtype=np.float32).reshape(3, 3)
    out = np.zeros_like(batch)
    stream = sys.modules["pycuda.driver"].Stream()
    mod.run(context, [int(batch.ctypes.data), int(out.ctypes.data)], stream)
    assert np.array_equal(out, batch * 2 + 1), era
    return shape, out.tolist()


RUNNERS: dict[str, Callable[..., Any]] = {
    "untraced_context.py": lambda mod, trt, era, capsys: _untraced(mod, trt, era),
    "bert_profiles.py": lambda mod, trt, era, capsys: _bert(mod, trt, era),
    "engine_info.py": lambda mod, trt, era, capsys: _engine_info(mod, trt, era),
    "multi_profile.py": lambda mod, trt, era, capsys: _multi_profile(mod, trt, era),
    "samples_common.py": _samples,
}


@pytest.mark.parametrize("era", FIX_ERAS)
@pytest.mark.parametrize("name", RUNTIME_FILES)
def test_fixed_runtime_code_runs_on_every_era(
    name: str, era: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = (CORPUS / name).read_bytes()
    with warnings.catch_warnings():  # 8.x's binding getters warn, as the real ones do
        warnings.simplefilter("ignore", DeprecationWarning)
        old_mod, old_trt = _load(name, original, "8.4", monkeypatch)
        expected = RUNNERS[name](old_mod, old_trt, "8.4", capsys)
        new_mod, new_trt = _load(name, _fixed(name), era, monkeypatch)
        assert new_trt.__version__.startswith(era + "."), new_trt.__version__
        got = RUNNERS[name](new_mod, new_trt, era, capsys)
    assert got == expected


@pytest.mark.parametrize("name", RUNTIME_FILES)
def test_unfixed_runtime_code_fails_on_11(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The proof above means something: the same calls break on the 11-era fake unfixed.
    mod, trt = _load(name, (CORPUS / name).read_bytes(), "11", monkeypatch)
    with pytest.raises((AttributeError, TypeError)):
        RUNNERS[name](mod, trt, "11", None)


def test_fix_to_trtcompat_needs_no_newer_tensorrt() -> None:
    for name in RUNTIME_FILES:
        findings = scan_source((CORPUS / name).read_bytes(), name).findings
        assert all(f.fix.needs is None for f in findings if f.fix is not None), name


@pytest.mark.parametrize(
    ("cls", "view"), [("ICudaEngine", "engine"), ("IExecutionContext", "context")]
)
def test_the_scanner_trusts_exactly_what_the_legacy_views_serve(cls: str, view: str) -> None:
    # Every 8.x member TensorRT removed: served by the view on the 11 era (so the scanner stays
    # quiet about it on a wrapped engine), or still a finding there.
    served = (
        trtcompat.legacy.ENGINE_MEMBERS if view == "engine" else trtcompat.legacy.CONTEXT_MEMBERS
    )
    engine = trtcompat.legacy.wrap(build_engine(_SPEC, "11"))
    target = engine if view == "engine" else engine.create_execution_context()
    removed = sorted(m for m, change in CHANGES[cls].items() if change[3] and not m.startswith("_"))
    assert removed, cls
    for name in removed:
        source = (
            "import tensorrt as trt\nimport trtcompat.legacy\n"
            "engine = trtcompat.legacy.wrap(runtime.deserialize_cuda_engine(b))\n"
            "context = engine.create_execution_context()\n"
            f"x = {view}.{name}\n"
        )
        reported = [f for f in scan_source(source).findings if f.line == 5 and not f.guarded]
        if name in served:
            assert hasattr(target, name), name
            assert reported == [], name
        else:
            assert reported, name
    assert len(engine) == 2 and engine["input"] == 0


def _addresses(*arrays: np.ndarray) -> list[int]:
    return [int(a.ctypes.data) for a in arrays]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 8.x's binding calls warn
def test_both_spellings_run_a_per_profile_bindings_list_at_profile_1(
    era: str, trt: types.ModuleType
) -> None:
    # The legacy call on a wrapped context (what --fix keeps in a per-profile file) and
    # trtcompat.execute (what it writes for an untraced context) both read an 8.x list of
    # every profile's slots as TensorRT 8 did: the active profile's. Before, execute bound the
    # padding zeros to the tensors on 8.6 / 10 / 11 (ExecutionError).
    import trtcompat
    from trtcompat._dispatch import family_for

    batch = np.arange(18, dtype=np.float32).reshape(6, 3)
    spellings = ["legacy", "execute_wrapped", "execute_raw"]
    if family_for(build_engine(_PROFILES, era, trt)).NAME == "tensors":
        spellings.append("execute_compact")  # one slot per I/O tensor: the 8.5+ list
    for spelling in spellings:
        engine = build_engine(_PROFILES, era, trt)
        context = trtcompat.legacy.wrap(engine).create_execution_context()
        context.active_optimization_profile = 1
        assert context.set_binding_shape(2, batch.shape)
        out = np.zeros_like(batch)
        padded = [0, 0, *_addresses(batch, out)]
        raw = context.__wrapped__
        if spelling == "legacy":
            assert context.execute_async_v2(bindings=padded, stream_handle=0)
        elif spelling == "execute_wrapped":
            trtcompat.execute(context, padded, 0)
        elif spelling == "execute_raw":
            assert family_for(engine).active_profile(raw) == 1
            trtcompat.execute(raw, padded, 0)
        else:
            trtcompat.execute(raw, _addresses(batch, out), 0)
        assert np.array_equal(out, batch * 2 + 1), (era, spelling)


# The fix kinds `--fix` (default --to trtcompat) writes into runtime code, and the corpus files
# whose fixed code test_fixed_runtime_code_runs_on_every_era runs on every era's fake.
RUNTIME_FIX_KINDS = {"wrapped", "tc_execute", "tc_call"}


def test_every_runtime_fix_kind_runs_on_every_era_fake() -> None:
    # The claim: the default fixes run on 8.0-11 by construction. Each kind is run on the fakes
    # of 8.0 (the oldest release the fakes have), 8.4, 8.6, 10 and 11 through a corpus file above.
    exercised = {
        f.fix.kind
        for name in RUNTIME_FILES
        for f in scan_source((CORPUS / name).read_bytes(), name).findings
        if f.fix is not None
    }
    assert exercised >= RUNTIME_FIX_KINDS, RUNTIME_FIX_KINDS - exercised
    assert FIX_ERAS == ("8.0", "8.4", "8.6", "10", "11") and FIX_ERAS[0] == RELEASES[0]


def test_the_other_default_fixes_need_nothing_newer_than_8_0() -> None:
    # Fixes outside the runtime (the layers' _nd fields, cuda-python imports, a workspace
    # limit where --min-trt allows it) are native: under the default mode every one applied
    # needs no release newer than 8.0, so it runs wherever the runtime fixes do.
    from trtcompat.migrate import scan_paths
    from trtcompat.migrate._table import at_least

    kinds = set()
    for result in scan_paths([str(CORPUS)]):
        for f in result.findings:
            if f.fix is None:
                continue
            kinds.add(f.fix.kind)
            assert f.fix.kind in RUNTIME_FIX_KINDS or at_least(f.fix.needs, "8.0"), (
                result.path, f.line, f.fix
            )
    assert kinds - RUNTIME_FIX_KINDS, "the corpus has no non-runtime fix to check"
