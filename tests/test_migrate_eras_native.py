"""The fix kinds ``--fix`` (default ``--to trtcompat``) writes outside the runtime, run on the
fakes of 8.0, 8.4, 8.6, 10 and 11 (issue 26: "the default fixes work on 8.0 to 11 by
construction"). A kind that needs a newer release is held back by the floor there instead.

The runtime kinds (``wrapped``, ``tc_execute``, ``tc_call``) run on the same releases in
test_migrate_eras.py; here also the native runtime rewrites, which ``--to trtcompat`` replaces
with those kinds.
"""

from __future__ import annotations

import json
import pathlib
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

pytest.importorskip("libcst")

from packaging.version import Version

from trtcompat._versions import has_member
from trtcompat.migrate import fix_source, scan_source
from trtcompat.migrate._table import at_least
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, fake_tensorrt

SURFACE = json.loads(
    (pathlib.Path(__file__).parent / "data" / "surfaces" / "tensorrt-all-members.json").read_text()
)
FIX_ERAS = ("8.0", "8.4", "8.6", "10", "11")
# The --min-trt each era stands for (what a file that must still run there would pass).
MIN_TRT = {"8.0": "8.0", "8.4": "8.4", "8.6": "8.6", "10": "10.0", "11": "11.0"}
RUNTIME_KINDS = {"wrapped", "tc_execute", "tc_call"}

LAYER = """import tensorrt as trt


def shape_pool(network, inp, kind):
    pool = network.add_pooling_nd(inp, kind, (3, 3))
    pool.stride = (2, 2)
    pool.window_size = (3, 3)
    pool.padding = (1, 1)
    return pool
"""

WORKSPACE = """import tensorrt as trt


def make_config(builder):
    config = builder.create_builder_config()
    config.max_workspace_size = 1 << 20
    return config
"""

CUDA = """import tensorrt as trt
from cuda import cudart
import cuda.cuda as cuda_driver


def layouts():
    return cudart.LAYOUT, cuda_driver.LAYOUT
"""

# Engine members whose native rewrites need 8.5 (tensor names, TensorIOMode, the swapped
# get_tensor_profile_shape) or 10.1 (device_memory_size_v2): --to trtcompat fixes them with the
# legacy view instead.
ENGINE = """import tensorrt as trt


def load(runtime, plan):
    engine = runtime.deserialize_cuda_engine(plan)
    memory = engine.device_memory_size
    is_input = engine.binding_is_input("input")
    shape = tuple(engine.get_binding_shape("input"))
    profile = [tuple(s) for s in engine.get_profile_shape(0, "input")]
    return memory > 0, is_input, shape, profile
"""

# An index looked up by name inside the call: the rewrite drops the lookup (the literal is the
# tensor name trtcompat takes), and the engine the lookup came from is rebound to the view.
UNTRACED = """import tensorrt as trt


def run(context, engine, shape, bindings, stream):
    context.set_binding_shape(engine.get_binding_index("input"), shape)
    out = context.get_binding_shape(engine.get_binding_index("output"))
    context.execute_async_v2(bindings=bindings, stream_handle=stream.handle)
    return tuple(out)
"""

_COMPUTE_SPEC = EngineSpec(
    (
        TensorSpec("input", np.float32, (-1, 3), True, profiles=(((1, 3), (2, 3), (4, 3)),)),
        TensorSpec("output", np.float32, (-1, 3), False),
    ),
    compute=lambda feed: {"output": feed["input"] * 2 + 1},
)

_ENGINE_SPEC = EngineSpec(
    (
        TensorSpec("input", np.float32, (-1, 3), True, profiles=(((1, 3), (2, 3), (4, 3)),)),
        TensorSpec("output", np.float32, (-1, 3), False),
    ),
    device_memory_size=1 << 16,
)


def _layer_class(trt: types.ModuleType, cls: str) -> type:
    """Layer class ``cls`` of ``trt``'s release: the fakes do not model layer fields, so this
    holds exactly the members NVIDIA's pybind sources give the class on the newest branch at
    or below the release (tests/data/surfaces); like a pybind object it refuses any other."""
    release = Version(trt.__version__)
    branch = max((b for b in SURFACE["branches"] if Version(b) <= release), key=Version)
    members = SURFACE["members"][cls]
    return type(cls, (), {"__slots__": tuple(m for m, seen in members.items() if branch in seen)})


def _run_layer(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    builder = trt.Builder(trt.Logger())
    network = builder.create_network(1)
    inp = network.add_input("x", trt.float32, (1, 3, 8, 8))
    layer = _layer_class(trt, "IPoolingLayer")()
    # The release's own add_pooling_nd, called as the snippet calls it (its real signature),
    # hands back the layer the fields are set on.
    shim = types.SimpleNamespace(add_pooling_nd=lambda *a: (network.add_pooling_nd(*a), layer)[1])
    assert mod.shape_pool(shim, inp, 0) is layer
    return [getattr(layer, n) for n in ("stride_nd", "window_size_nd", "padding_nd")]


def _run_workspace(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    config = mod.make_config(trt.Builder(trt.Logger()))
    if hasattr(config, "get_memory_pool_limit"):
        return config.get_memory_pool_limit(trt.MemoryPoolType.WORKSPACE)
    return config.max_workspace_size


def _cuda_modules(new_layout: bool) -> dict[str, types.ModuleType]:
    """cuda-python as 13 lays it out (cuda.bindings only) or as 11.x did (cuda.cudart)."""
    mods = {"cuda": types.ModuleType("cuda")}
    names = (
        ("cuda.bindings", "cuda.bindings.runtime", "cuda.bindings.driver")
        if new_layout
        else ("cuda.cudart", "cuda.cuda")
    )
    for name in names:
        mods[name] = types.ModuleType(name)
        mods[name].LAYOUT = "bindings" if new_layout else "old"  # type: ignore[attr-defined]
        parent, _, child = name.rpartition(".")
        setattr(mods[parent], child, mods[name])
    return mods


def _run_engine(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    engine = build_engine(_ENGINE_SPEC, era, trt)
    runtime = types.SimpleNamespace(deserialize_cuda_engine=lambda plan: engine)
    return mod.load(runtime, b"plan")


def _run_untraced(mod: types.ModuleType, trt: types.ModuleType, era: str) -> Any:
    engine = build_engine(_COMPUTE_SPEC, era, trt)
    context = engine.create_execution_context()  # made by the caller: the file cannot trace it
    batch = np.arange(9, dtype=np.float32).reshape(3, 3)
    out = np.zeros_like(batch)
    bindings = [int(batch.ctypes.data), int(out.ctypes.data)]
    shape = mod.run(context, engine, (3, 3), bindings, types.SimpleNamespace(handle=0))
    return shape, out.tolist()


SNIPPETS: dict[str, tuple[str, Callable[[types.ModuleType, types.ModuleType, str], Any], Any]] = {
    "layer": (LAYER, _run_layer, [(2, 2), (3, 3), (1, 1)]),
    "workspace": (WORKSPACE, _run_workspace, 1 << 20),
    "cuda": (CUDA, lambda mod, trt, era: mod.layouts(), ("bindings", "bindings")),
    "untraced": (UNTRACED, _run_untraced, ((3, 3), (np.arange(9).reshape(3, 3) * 2 + 1).tolist())),
    "engine": (ENGINE, _run_engine, (True, True, (-1, 3), [(1, 3), (2, 3), (4, 3)])),
}


def _exec(name: str, source: bytes, era: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    runner = SNIPPETS[name][1]
    with fake_tensorrt(era) as trt:
        assert trt.__version__.startswith(era + "."), trt.__version__
        for key, module in _cuda_modules(new_layout=True).items():
            monkeypatch.setitem(sys.modules, key, module)
        module = types.ModuleType(f"{name}_{era.replace('.', '_')}")
        with warnings.catch_warnings():  # 8.x's binding getters warn, as the real ones do
            warnings.simplefilter("ignore", DeprecationWarning)
            exec(compile(source, name, "exec"), module.__dict__)
            return runner(module, trt, era)


@pytest.mark.parametrize("era", FIX_ERAS)
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_default_fix_runs_on_every_era(
    name: str, era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the default --fix applies (no --min-trt) runs on every release from 8.0 and does
    # what the old code meant; what it holds back needs a release newer than 8.0.
    source, _, expected = SNIPPETS[name]
    findings = scan_source(source, name).findings
    applied = [f for f in findings if f.fix is not None]
    assert applied or name == "workspace", name
    for f in findings:
        if f.fix is None:
            assert f.needs is not None and not at_least(f.needs, "8.0"), (name, f.line, f.needs)
            assert f.held_back, (name, f.line)
        elif f.fix.kind not in RUNTIME_KINDS:
            assert at_least(f.fix.needs, "8.0"), (name, f.fix)
    fixed = fix_source(source.encode(), findings)[0]
    if name == "workspace":  # held back: the file is unchanged and runs where it ran
        assert fixed == source.encode()
        if era in ("10", "11"):
            with pytest.raises(AttributeError):
                _exec(name, fixed, era, monkeypatch)
            return
    assert _exec(name, fixed, era, monkeypatch) == expected


@pytest.mark.parametrize("era", FIX_ERAS)
@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_fix_within_min_trt_runs_there_or_is_held_back(
    name: str, era: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With --min-trt of the era, a native fix is applied exactly when the release it needs is
    # that era or older, and then the fixed code runs on the era's fake.
    source, _, expected = SNIPPETS[name]
    findings = scan_source(source, name, min_trt=MIN_TRT[era]).findings
    for f in findings:
        if f.fix is None:
            assert f.needs is not None and not at_least(f.needs, MIN_TRT[era]), (name, f.needs)
        elif f.fix.kind not in RUNTIME_KINDS:
            assert at_least(f.fix.needs, MIN_TRT[era]), (name, f.fix)
    if all(f.fix is not None for f in findings):
        assert _exec(name, fix_source(source.encode(), findings)[0], era, monkeypatch) == expected


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_unfixed_snippets_fail_on_11(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The runs above mean something: the old code breaks on the 11 fake (and new cuda-python).
    with pytest.raises((AttributeError, ImportError, TypeError)):
        _exec(name, SNIPPETS[name][0].encode(), "11", monkeypatch)


def test_unfixed_snippets_mean_what_the_fixed_ones_do_on_8_4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The expected values are the old code's own results on the fake of 8.4 (old cuda-python).
    for name in ("workspace", "engine", "untraced"):
        source, _, expected = SNIPPETS[name]
        assert _exec(name, source.encode(), "8.4", monkeypatch) == expected, name
    for key, module in _cuda_modules(new_layout=False).items():
        monkeypatch.setitem(sys.modules, key, module)
    with fake_tensorrt("8.4"):
        module = types.ModuleType("cuda_old")
        exec(compile(CUDA, "cuda", "exec"), module.__dict__)
    assert module.layouts() == ("old", "old")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # 8.4-8.6 deprecate the workspace
@pytest.mark.parametrize("era", FIX_ERAS)
def test_fake_builder_classes_refuse_members_their_release_lacks(era: str) -> None:
    # The real builder classes are pybind11 classes without dynamic attributes: a TensorRT 7
    # / 8.x member assigned on a release without it raises, it is not silently kept (before,
    # the fakes of 10 and 11 took config.max_workspace_size = X and dropped the workspace).
    with fake_tensorrt(era) as trt:
        release = Version(trt.__version__)
        builder = trt.Builder(trt.Logger())
        config = builder.create_builder_config()
        for obj, cls, member in ((config, "IBuilderConfig", "max_workspace_size"),
                                 (builder, "Builder", "max_batch_size")):  # fmt: skip
            present = has_member(cls, member, release)
            assert present == (era not in ("10", "11")), (cls, member)
            if present:
                setattr(obj, member, 8)
                assert getattr(obj, member) == 8
            else:
                with pytest.raises(AttributeError, match=f"{cls}' object has no attribute"):
                    setattr(obj, member, 8)
        config._workspace = 1  # the fake's own state stays settable


# A layer whose class the file does not show (network.get_layer(i), a parameter): ILRNLayer's
# window_size, ISliceLayer's stride and IConvolutionLayer's pre_padding / post_padding were
# never removed and have no _nd twin, so the _nd rewrite is certain only for a known layer.
ANY_LAYER = """import tensorrt as trt


def tune(network, conv):
    for i in range(network.num_layers):
        layer = network.get_layer(i)
        layer.window_size = 5
    conv.pre_padding = (1, 1)
    return conv
"""


@pytest.mark.parametrize("era", FIX_ERAS)
def test_no_nd_rewrite_on_a_layer_of_unknown_class(era: str) -> None:
    # Before, --fix wrote layer.window_size_nd / conv.pre_padding_nd: AttributeError on every
    # release for an LRN layer and a convolution (the names exist nowhere).
    findings = scan_source(ANY_LAYER, "any_layer").findings
    assert findings and all(f.fix is None for f in findings), findings
    fixed = fix_source(ANY_LAYER.encode(), findings)[0].decode()
    assert "_nd" not in fixed
    with fake_tensorrt(era) as trt:
        lrn, conv = _layer_class(trt, "ILRNLayer")(), _layer_class(trt, "IConvolutionLayer")()
        network = types.SimpleNamespace(num_layers=1, get_layer=lambda i: lrn)
        module = types.ModuleType("any_layer")
        exec(compile(fixed, "any_layer", "exec"), module.__dict__)
        module.tune(network, conv)
    assert (lrn.window_size, conv.pre_padding) == (5, (1, 1))


def test_nd_rewrite_where_every_layer_the_name_holds_lost_the_field() -> None:
    # A name bound to a convolution and to a pooling layer: both lost stride, both have
    # stride_nd, so the rewrite stays certain; a name also bound to a slice (keeps stride) not.
    source = (
        "import tensorrt as trt\n"
        "def g(net, x, slicing):\n"
        "    layer = net.add_convolution_nd(x, 8, (3, 3), w, b)\n"
        "    if slicing:\n"
        "        layer = net.add_pooling_nd(x, trt.PoolingType.MAX, (2, 2))\n"
        "    layer.stride = (1, 1)\n"
        "    other = net.add_pooling_nd(x, trt.PoolingType.MAX, (2, 2))\n"
        "    if slicing:\n"
        "        other = net.add_slice(x, (0,), (1,), (1,))\n"
        "    other.stride = (1, 1)\n"
    )
    fixes = {f.line: f.fix.new for f in scan_source(source).findings if f.fix is not None}
    assert fixes == {6: "stride_nd"}


def test_every_fix_kind_to_trtcompat_applies_is_run_on_the_five_eras() -> None:
    # Every kind --to trtcompat applies, by default or with the --min-trt of any era, to the
    # corpus or the snippets is one the runs above (or test_migrate_eras.py) exercise: a new
    # kind fails here until it runs on the fakes of 8.0 to 11 too.
    from trtcompat.migrate import scan_paths

    corpus = str(pathlib.Path(__file__).parent / "migrate_corpus")
    run_here = {
        f.fix.kind
        for source, _, _ in SNIPPETS.values()
        for min_trt in MIN_TRT.values()
        for f in scan_source(source, min_trt=min_trt).findings
        if f.fix is not None
    }
    applied = set(run_here)
    for min_trt in (None, *MIN_TRT.values()):
        for result in scan_paths([corpus], min_trt=min_trt):
            applied |= {f.fix.kind for f in result.findings if f.fix is not None}
    assert applied <= run_here | RUNTIME_KINDS, applied - run_here - RUNTIME_KINDS
    assert run_here >= {"attr", "workspace", "cuda_from", "cuda_import", *RUNTIME_KINDS}
