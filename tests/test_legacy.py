"""trtcompat.legacy: TensorRT 8 binding-index code, unchanged, on every API era.

Views under test, per era (``VIEWS``): ``raw`` (the 8.x engine itself, the reference),
``wrap`` (``legacy.wrap(engine)``: forwarding on 8.x, mapped on 10/11) and ``mapped``
(``legacy.wrap(engine, family="tensors")`` on 8.6, where both APIs exist, so the mapping is
checked against the real binding API of the same fake).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _engines import IMPLICIT, OUTPUTS_FIRST, STATIC, TWO_PROFILES

import trtcompat as tc
from trtcompat import _versions, legacy
from trtcompat.backends._host import HostBackend
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_engine, era_info, fake_tensorrt

VIEWS = [
    (era, how)
    for era in ERAS
    for how in ("raw", "wrap", "mapped")
    if (how != "raw" or era_info(era).has_bindings)
    and (how != "mapped" or (era_info(era).has_bindings and era_info(era).has_tensors))
]

# The views that forward to a real 8.x binding API, and those that map onto the name API.
BINDING_VIEWS = [(e, h) for e, h in VIEWS if h != "mapped" and era_info(e).has_bindings]
MAPPED_VIEWS = [v for v in VIEWS if v not in BINDING_VIEWS]


def _ids(views: list[tuple[str, str]]) -> list[str]:
    return [f"trt{e}-{h}" for e, h in views]


# Fixed in profile 0, dynamic in profile 1: 8.x binding shapes differ per profile (§2.3).
PER_PROFILE = EngineSpec(
    (
        TensorSpec("x", np.float32, (-1, 4), True,
                   profiles=(((2, 4), (2, 4), (2, 4)), ((3, 4), (5, 4), (9, 4)))),
        TensorSpec("y", np.float32, (-1, 4), False),
    ),
    num_profiles=2,
    device_memory_size=4096,
    name="per_profile",
)

# A host-side shape tensor and a vectorized format: the location / format members.
SHAPED = EngineSpec(
    (
        TensorSpec("img", np.float16, (1, 32, 4, 4), True, format="CHW32", vectorized_dim=1,
                   components_per_element=32),
        TensorSpec("size", np.int32, (2,), True, location="host", is_shape_tensor=True),
        TensorSpec("out", np.int8, (1, 32, 4, 4), False),
    ),
    compute=lambda feed: {"out": np.zeros((1, 32, 4, 4), np.int8)},
    name="shaped",
)


@dataclass
class View:
    """One (era, view) case: builds engines and says which warnings are legitimate."""

    era: str
    how: str
    trt: ModuleType
    raws: list[Any] = field(default_factory=list)

    @property
    def forwards_8x(self) -> bool:
        """Whether calls reach a real 8.x binding API (whose own deprecations then surface)."""
        return self.how in ("raw", "wrap") and era_info(self.era).has_bindings

    def engine(self, spec: EngineSpec) -> Any:
        raw = build_engine(spec, self.era, self.trt)
        self.raws.append(raw)
        if self.how == "raw":
            return raw
        return legacy.wrap(raw, family="tensors" if self.how == "mapped" else None)

    @contextmanager
    def calls(self) -> Iterator[list[warnings.WarningMessage]]:
        """Runs 8.x-style calls: 8.x's own DeprecationWarnings are allowed where the view
        forwards to 8.x; anywhere else the facade must be silent."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield caught
        if self.forwards_8x:
            assert all(issubclass(w.category, DeprecationWarning) for w in caught)
        else:
            assert not caught, [str(w.message) for w in caught]


@pytest.fixture(params=VIEWS, ids=_ids(VIEWS))
def view(request: pytest.FixtureRequest) -> Iterator[View]:
    """Every view of every era, with that era's fake installed as ``tensorrt``."""
    era, how = request.param
    with fake_tensorrt(era) as trt:
        yield View(era, how, trt)


# -- the classic TensorRT 8 samples loop, written once ------------------------------------


@dataclass
class HostDeviceMem:
    """samples/python/common.py's pair: a host array and a device address."""

    host: np.ndarray
    device: int


def allocate_buffers(engine: Any, context: Any, trt: Any, cuda: Any) -> tuple[
    list[HostDeviceMem], list[HostDeviceMem], list[int], int
]:
    """TensorRT 8 samples' ``allocate_buffers`` (np.empty stands in for pagelocked_empty,
    ``cuda.malloc`` for mem_alloc). Sized from the context so the shapes set with
    set_binding_shape count; another profile's slots stay 0, as TensorRT never reads them."""
    inputs, outputs, bindings = [], [], []
    stream = cuda.create_stream()
    per_profile = engine.num_bindings // engine.num_optimization_profiles
    for binding in engine:
        index = engine.get_binding_index(binding)
        if index // per_profile != context.active_optimization_profile:
            bindings.append(0)
            continue
        size = trt.volume(context.get_binding_shape(index)) * engine.max_batch_size
        dtype = trt.nptype(engine.get_binding_dtype(binding))
        host_mem = np.empty(size, dtype)
        device_mem = cuda.malloc(host_mem.nbytes)
        bindings.append(int(device_mem))
        if engine.binding_is_input(binding):
            inputs.append(HostDeviceMem(host_mem, device_mem))
        else:
            outputs.append(HostDeviceMem(host_mem, device_mem))
    return inputs, outputs, bindings, stream


def do_inference(context: Any, bindings: list[int], inputs: list[HostDeviceMem],
                 outputs: list[HostDeviceMem], stream: int, cuda: Any,
                 batch_size: int | None = None) -> list[np.ndarray]:
    """samples' ``do_inference_v2`` (and ``do_inference`` with a batch for implicit batch)."""
    for inp in inputs:
        cuda.memcpy_htod_async(inp.device, inp.host.ctypes.data, inp.host.nbytes, stream)
    if batch_size is None:
        ok = context.execute_async_v2(bindings=bindings, stream_handle=stream)
    else:
        ok = context.execute_async(batch_size=batch_size, bindings=bindings, stream_handle=stream)
    assert ok
    for out in outputs:
        cuda.memcpy_dtoh_async(out.host.ctypes.data, out.device, out.host.nbytes, stream)
    cuda.synchronize(stream)
    return [out.host for out in outputs]


@dataclass(frozen=True)
class Scenario:
    spec: EngineSpec
    profile: int = 0
    shapes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    batch: int | None = None


SCENARIOS = {
    "static": Scenario(STATIC),
    "two_profiles": Scenario(TWO_PROFILES, profile=1, shapes={"x": (6, 4)}),
    "outputs_first": Scenario(OUTPUTS_FIRST, shapes={"x": (3, 2), "ids": (3,)}),
    "implicit": Scenario(IMPLICIT, batch=5),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_classic_loop(view: View, name: str) -> None:
    scenario = SCENARIOS[name]
    if scenario.spec.implicit_batch and not era_info(view.era).implicit_batch:
        with pytest.raises(ValueError, match="cannot run implicit-batch engines"):
            view.engine(scenario.spec)  # 10/11 cannot even load one (§2.2)
        return
    if scenario.spec.implicit_batch and view.how == "mapped":
        with pytest.raises(tc.UnsupportedFamilyError, match="implicit-batch"):
            view.engine(scenario.spec)
        return
    cuda = tc.get_backend("host")
    assert isinstance(cuda, HostBackend)
    before = cuda.outstanding()
    rng = np.random.default_rng(7)
    feeds = {}
    for t in scenario.spec.tensors:
        if t.is_input:
            shape = scenario.shapes.get(t.name, t.shape)
            shape = shape if scenario.batch is None else (scenario.batch, *shape)
            feeds[t.name] = (rng.random(shape) * 100).astype(np.dtype(t.dtype))
    expected = scenario.spec.compute(feeds)
    outputs_in_order = [t.name for t in scenario.spec.tensors if not t.is_input]
    expect_warnings: AbstractContextManager[Any] = (
        pytest.warns(DeprecationWarning, match="deprecated") if view.forwards_8x else nullcontext()
    )
    with expect_warnings:  # max_batch_size (8.4+) and friends warn on 8.x, never on 10/11
        engine = view.engine(scenario.spec)
        context = engine.create_execution_context()
        if scenario.profile:
            context.active_optimization_profile = scenario.profile
        for input_name, shape in scenario.shapes.items():
            binding = input_name + (f" [profile {scenario.profile}]" if scenario.profile else "")
            assert context.set_binding_shape(engine.get_binding_index(binding), shape)
        inputs, outputs, bindings, stream = allocate_buffers(engine, context, view.trt, cuda)
        try:
            assert len(bindings) == engine.num_bindings
            for inp, feed in zip(inputs, feeds.values()):
                inp.host[: feed.size] = feed.ravel()
            results = do_inference(context, bindings, inputs, outputs, stream, cuda,
                                   scenario.batch)
        finally:
            for mem in (*inputs, *outputs):
                cuda.free(mem.device)
            cuda.destroy_stream(stream)
    assert cuda.outstanding() == before
    for out_name, host in zip(outputs_in_order, results):
        want = np.asarray(expected[out_name])
        np.testing.assert_array_equal(host[: want.size].reshape(want.shape), want)


def test_execute_async_v2_reads_the_active_profiles_slots(view: View) -> None:
    # Real buffers in profile 0's slots, nulls in profile 1's: with profile 1 active,
    # TensorRT reads the nulls and refuses; a view that read slot 0..n-1 would run.
    engine = view.engine(TWO_PROFILES)
    x, bias, y = np.ones((6, 4), np.float32), np.ones(4, np.float32), np.zeros((6, 4), np.float32)
    with view.calls():
        context = engine.create_execution_context()
        context.active_optimization_profile = 1
        assert context.set_binding_shape(3, (6, 4))
        bindings = [x.ctypes.data, bias.ctypes.data, y.ctypes.data, 0, 0, 0]
        assert context.execute_async_v2(bindings=bindings, stream_handle=0) is False
        assert context.execute_async_v2(bindings=bindings[:5], stream_handle=0) is False
        assert context.execute_async_v2(bindings=bindings[3:] + bindings[:3], stream_handle=0)
    np.testing.assert_array_equal(y, x + bias)


# -- engine members -----------------------------------------------------------------------


def test_bindings_are_replicated_per_profile(view: View) -> None:
    engine = view.engine(TWO_PROFILES)
    names = ["x", "bias", "y", "x [profile 1]", "bias [profile 1]", "y [profile 1]"]
    with view.calls():
        assert engine.num_bindings == len(engine) == 6
        assert list(engine) == names
        assert [engine[i] for i in range(6)] == names
        assert engine[-1] == "y [profile 1]" and engine[-6] == "x"
        assert [engine.get_binding_name(i) for i in range(6)] == names
        assert [engine.get_binding_index(n) for n in names] == list(range(6))
        assert [engine[n] for n in names] == list(range(6))
        for missing in ("nope", "x [profile 2]", "x [profile x]", ""):
            assert engine.get_binding_index(missing) == -1
            assert engine[missing] == -1
        with pytest.raises(IndexError):
            engine[6]
        with pytest.raises(IndexError):
            engine[-7]
        assert engine.get_binding_name(6) is None  # 8.x: nullptr (out of range) -> None
        assert engine.get_binding_name(-1) is None
        assert engine.num_optimization_profiles == 2


def test_binding_properties(view: View) -> None:
    engine = view.engine(OUTPUTS_FIRST)
    trt = view.trt
    with view.calls():
        assert [engine.binding_is_input(i) for i in range(4)] == [False, False, True, True]
        assert engine.binding_is_input("ids") and not engine.binding_is_input("count")
        dtypes = [engine.get_binding_dtype(i) for i in range(4)]
        assert dtypes[0] is trt.DataType.INT32 and dtypes[2] is trt.DataType.HALF
        assert engine.get_binding_dtype("prob") is trt.DataType.HALF
        assert trt.nptype(engine.get_binding_dtype("x")) is np.float16
        assert engine.get_binding_format(2) is trt.TensorFormat.LINEAR
        assert engine.get_location("x") is trt.TensorLocation.DEVICE
        assert tuple(engine.get_binding_shape("prob")) == (-1, 2)
        assert tuple(engine.get_binding_shape(3)) == (-1,)
        assert engine.max_batch_size == 1
        assert engine.has_implicit_batch_dimension is False
        with pytest.raises(IndexError):
            engine.binding_is_input("nope")
        with pytest.raises(IndexError):
            engine.get_binding_dtype(4)


def test_location_format_and_shape_bindings(view: View) -> None:
    engine = view.engine(SHAPED)
    trt = view.trt
    with view.calls():
        assert engine.get_location(1) is trt.TensorLocation.HOST
        assert engine.get_location("img") is trt.TensorLocation.DEVICE
        assert [engine.is_shape_binding(i) for i in range(3)] == [False, True, False]
        assert [engine.is_execution_binding(i) for i in range(3)] == [True, False, True]
        assert engine.get_binding_format(0) is trt.TensorFormat.CHW32
        assert engine.get_binding_vectorized_dim(0) == 1
        assert engine.get_binding_components_per_element(0) == 32
        assert engine.get_binding_bytes_per_component(0) == 2
        assert engine.get_binding_dtype(2) is trt.DataType.INT8


def test_binding_shape_is_per_profile(view: View) -> None:
    engine = view.engine(PER_PROFILE)
    with view.calls():
        assert tuple(engine.get_binding_shape(0)) == (2, 4)  # fixed within profile 0
        assert tuple(engine.get_binding_shape("x [profile 1]")) == (-1, 4)
        assert tuple(engine.get_binding_shape(1)) == (-1, 4)  # output: the engine's dims


def test_get_profile_shape_takes_profile_first(view: View) -> None:
    engine = view.engine(TWO_PROFILES)
    with view.calls():
        assert [tuple(d) for d in engine.get_profile_shape(1, "x")] == [(5, 4), (8, 4), (16, 4)]
        assert [tuple(d) for d in engine.get_profile_shape(0, 0)] == [(1, 4), (2, 4), (4, 4)]
        assert [tuple(d) for d in engine.get_profile_shape(1, 0)] == [(5, 4), (8, 4), (16, 4)]
        assert [tuple(d) for d in engine.get_profile_shape(0, "bias [profile 1]")] == [(4,)] * 3
        with pytest.raises(TypeError):
            engine.get_profile_shape("x", 1)  # the 10.x order is an error, as on 8.x
        with pytest.raises(RuntimeError):
            engine.get_profile_shape(0, "y")  # outputs have no profile range
        with pytest.raises(RuntimeError):
            engine.get_profile_shape(2, "x")
        with pytest.raises(IndexError):
            engine.get_profile_shape(0, "nope")


@pytest.mark.parametrize("view", BINDING_VIEWS, indirect=True, ids=_ids(BINDING_VIEWS))
def test_implicit_batch_members(view: View) -> None:
    engine = view.engine(IMPLICIT)
    with view.calls() as caught:
        assert engine.max_batch_size == 8
        assert engine.has_implicit_batch_dimension is True
        assert tuple(engine.get_binding_shape(0)) == (3,)
    assert any("max_batch_size" in str(w.message) for w in caught)  # forwarded, not swallowed


def test_device_memory_size_without_deprecation(view: View) -> None:
    engine = view.engine(PER_PROFILE)
    with view.calls():  # on 10.x the raw property warns (10.1); the facade reads _v2
        assert engine.device_memory_size == 4096


# -- context members ----------------------------------------------------------------------


def test_context_shapes_follow_the_active_profile(view: View) -> None:
    engine = view.engine(TWO_PROFILES)
    with view.calls():
        context = engine.create_execution_context()
        assert context.engine is engine
        assert context.active_optimization_profile == 0
        unset = context.all_binding_shapes_specified
        assert unset is False
        assert context.set_binding_shape(3, (6, 4)) is False  # profile 1's index, 0 active
        assert context.set_binding_shape(0, (9, 4)) is False  # outside profile 0's range
        assert context.set_binding_shape(2, (3, 4)) is False  # an output
        assert context.set_binding_shape(99, (3, 4)) is False
        assert context.set_binding_shape(0, (3, 4)) is True
        assert context.all_binding_shapes_specified is True
        assert tuple(context.get_binding_shape(0)) == (3, 4)
        assert tuple(context.get_binding_shape(2)) == (3, 4)
        # another profile's binding: TensorRT's Dims of nbDims -1
        with pytest.raises(ValueError, match=r"__len__\(\) should return >= 0"):
            tuple(context.get_binding_shape(4))
        context.active_optimization_profile = 1
        assert context.active_optimization_profile == 1
        assert context.set_binding_shape(3, (6, 4)) is True
        assert tuple(context.get_binding_shape(5)) == (6, 4)
        assert tuple(context.get_binding_shape(0)) == (6, 4)  # profile-0 index: corrected
        with pytest.raises(RuntimeError):
            context.active_optimization_profile = 2
        assert context.set_optimization_profile_async(0, 0) is True
        assert context.active_optimization_profile == 0
        with pytest.raises(RuntimeError):
            context.set_optimization_profile_async(5, 0)


def test_second_context_profile(view: View) -> None:
    engine = view.engine(TWO_PROFILES)
    shared = era_info(view.era).shared_profile_zero
    with view.calls():
        first = engine.create_execution_context()  # kept alive: it holds profile 0
        second = engine.create_execution_context()
        assert first.active_optimization_profile == 0
        assert second.active_optimization_profile == (-1 if shared else 0)
        assert second.set_binding_shape(0, (2, 4)) is (not shared)


def test_execute_v2_and_batchless_execute(view: View) -> None:
    engine = view.engine(TWO_PROFILES)
    x = np.arange(24, dtype=np.float32).reshape(6, 4)
    bias = np.full(4, 0.5, np.float32)
    y = np.zeros((6, 4), np.float32)
    with view.calls():
        context = engine.create_execution_context()
        context.active_optimization_profile = 1
        assert context.set_binding_shape(3, x.shape)
        bindings = [0, 0, 0, x.ctypes.data, bias.ctypes.data, y.ctypes.data]
        assert context.execute_v2(bindings) is True
        np.testing.assert_array_equal(y, x + bias)
        y[:] = 0
        assert context.execute_async(batch_size=1, bindings=bindings, stream_handle=0) is True
        np.testing.assert_array_equal(y, x + bias)
        y[:] = 0
        assert context.execute(batch_size=1, bindings=bindings) is True
        np.testing.assert_array_equal(y, x + bias)
        assert context.execute_v2(bindings[:4]) is False


def test_passthrough_and_setattr(view: View) -> None:
    engine = view.engine(STATIC)
    with view.calls():
        assert engine.name == "static"
        context = engine.create_execution_context()
        context.name = "ctx"
        target = context if view.how == "raw" else context.__wrapped__
        assert target.name == "ctx"
        with pytest.raises(AttributeError):
            engine.no_such_member  # noqa: B018
        if view.how != "raw":  # 8.x samples' `with engine, ... as context:`; no warning
            with engine as same, engine.create_execution_context() as other:
                assert same is engine and isinstance(other, legacy.LegacyContext)


@pytest.mark.parametrize("view", MAPPED_VIEWS, indirect=True, ids=_ids(MAPPED_VIEWS))
def test_unmapped_members_name_the_replacement(view: View) -> None:
    context = view.engine(STATIC).create_execution_context()
    release = _versions.parse_version(era_info(view.era).version)
    if _versions.offered("IExecutionContext", "get_strides", release):
        # 8.6 still has it (the fake too, as a stand-in): the view forwards to the native one.
        assert context.get_strides(0) is None
        return
    with pytest.raises(AttributeError, match=r"^'get_strides' is a TensorRT 8 member .* Use "
                       r"context\.get_tensor_strides\(name\) instead\.$"):
        context.get_strides(0)


def test_wrap_choices(view: View, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = view.engine(STATIC)
    if view.how == "raw":
        engine = legacy.wrap(engine)
    assert legacy.wrap(engine) is engine
    assert isinstance(engine, legacy.LegacyEngine)
    assert engine.__wrapped__ is view.raws[-1]
    with pytest.raises(tc.InvalidEngineError):
        legacy.wrap(object())
    if era_info(view.era).has_bindings and era_info(view.era).has_tensors:
        monkeypatch.setenv("TRTCOMPAT_FAMILY", "tensors")
        assert type(legacy.wrap(view.raws[-1])).__name__ == "TensorEngine"
    if not era_info(view.era).has_bindings:
        with pytest.raises(tc.UnsupportedFamilyError):
            legacy.wrap(view.raws[-1], family="bindings")


def test_create_context_failure_is_none(view: View, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = view.engine(STATIC)
    failing: Callable[..., None] = lambda *args, **kwargs: None  # noqa: E731
    monkeypatch.setattr(type(view.raws[-1]), "create_execution_context", failing)
    assert engine.create_execution_context() is None


# -- the mapping against the real binding API of the same (8.6) fake ----------------------


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        value = call()
    except Exception as err:  # the exception type is part of the 8.x behaviour
        return type(err).__name__
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return _plain(value)


def _plain(value: Any) -> Any:
    if type(value).__name__ != "Dims":
        return value
    try:
        return tuple(value)
    except ValueError:
        return "Dims(nbDims=-1)"  # what TensorRT answers for an invalid binding


@pytest.mark.filterwarnings("ignore:.* is deprecated:DeprecationWarning")  # the native side
@pytest.mark.parametrize("spec", [TWO_PROFILES, OUTPUTS_FIRST, PER_PROFILE, SHAPED],
                         ids=lambda s: s.name)
def test_mapping_matches_8x(spec: EngineSpec) -> None:
    with fake_tensorrt("8.6") as trt:
        native = legacy.wrap(build_engine(spec, "8.6", trt))
        mapped = legacy.wrap(build_engine(spec, "8.6", trt), family="tensors")
        n = native.num_bindings
        keys: list[Any] = [*range(-1, n + 1), *list(native), "nope", "x [profile 2]"]
        members = ("binding_is_input", "get_binding_shape", "get_binding_dtype",
                   "get_binding_format", "get_location", "is_shape_binding",
                   "is_execution_binding", "get_binding_vectorized_dim",
                   "get_binding_components_per_element", "get_binding_bytes_per_component",
                   "get_binding_name")
        names = [k for k in keys if isinstance(k, str)]
        probes: list[tuple[str, Callable[[Any], Any]]] = [
            ("len", len), ("list", list), ("num_bindings", lambda e: e.num_bindings),
            ("max_batch_size", lambda e: e.max_batch_size),
            ("implicit", lambda e: e.has_implicit_batch_dimension),
            ("device_memory_size", lambda e: e.device_memory_size),
            *[(f"[{k!r}]", lambda e, k=k: e[k]) for k in keys],
            *[(f"{m}({k!r})", lambda e, m=m, k=k: getattr(e, m)(k)) for m in members
              for k in keys],
            # The fake answers -1 for an int; real 8.x (pybind, str only) raises TypeError.
            *[(f"get_binding_index({k!r})", lambda e, k=k: e.get_binding_index(k))
              for k in names],
            *[(f"get_profile_shape({p}, {k!r})", lambda e, p=p, k=k: e.get_profile_shape(p, k))
              for p in (-1, 0, 1, 2) for k in keys],
        ]
        for label, probe in probes:
            assert _outcome(partial(probe, native)) == _outcome(partial(probe, mapped)), label
        contexts = [e.create_execution_context() for e in (native, mapped)]
        last = spec.num_profiles - 1
        steps: list[tuple[str, Callable[[Any], Any]]] = [
            ("profile", lambda c: c.active_optimization_profile),
            ("specified", lambda c: c.all_binding_shapes_specified),
            *[(f"set({k!r}, (2, 4))", lambda c, k=k: c.set_binding_shape(k, (2, 4)))
              for k in keys],
            *[(f"get({k!r})", lambda c, k=k: c.get_binding_shape(k)) for k in keys],
            ("select last", lambda c: setattr(c, "active_optimization_profile", last)),
            *[(f"set({k!r}, (5, 4))", lambda c, k=k: c.set_binding_shape(k, (5, 4)))
              for k in keys],
            *[(f"get({k!r}) after", lambda c, k=k: c.get_binding_shape(k)) for k in keys],
            ("specified after", lambda c: c.all_binding_shapes_specified),
        ]
        for label, step in steps:
            outcomes = [_outcome(partial(step, c)) for c in contexts]
            assert outcomes[0] == outcomes[1], label


# -- the views as client code and trtcompat itself see them --------------------------------


def test_views_pass_isinstance_against_the_wrapped_module(view: View) -> None:
    engine = view.engine(STATIC)
    with view.calls():
        context = engine.create_execution_context()
    assert isinstance(engine, view.trt.ICudaEngine)  # mmdeploy's TRTWrapper checks this
    assert isinstance(context, view.trt.IExecutionContext)
    assert not isinstance(engine, view.trt.IExecutionContext)
    if view.how != "raw":
        assert isinstance(engine, legacy.LegacyEngine) and isinstance(context, legacy.LegacyContext)
        assert type(engine) is not view.trt.ICudaEngine  # type() still says what it is
        assert engine.__class__ is view.trt.ICudaEngine


def test_trtcompat_runs_wrapped_engines_of_every_era_side_by_side() -> None:
    # One process, every era's engine wrapped: the view classes are shared across eras, so
    # anything in trtcompat that decided per type(engine) would answer for the wrong era.
    cases = []
    for era in ERAS:
        with fake_tensorrt(era) as trt:
            raw = build_engine(STATIC, era, trt)
        cases.append((era, raw, legacy.wrap(raw)))
    for _ in range(2):
        for era, raw, wrapped in cases:
            assert tc.io_tensors(wrapped) == tc.io_tensors(raw), era
            x = np.arange(6, dtype=np.float32).reshape(2, 3)
            with tc.Runner(wrapped, backend="host") as runner:
                np.testing.assert_array_equal(runner.infer({"x": x})["y"], x * 2)
