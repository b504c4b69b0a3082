"""The family Protocol is the real contract (issue 25, item 3): each family module exports
exactly its members with its parameters, the contract lives in a leaf module, and callers
above the layer (``legacy`` included) reach a family only through ``_dispatch``.

mypy's side of the check: ``_dispatch._families`` types each module as a ``Family``, so
``mypy --strict trtcompat`` (the ``typecheck`` session) fails when a module's member differs.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _engines import STATIC

import trtcompat
from trtcompat import _dispatch, legacy
from trtcompat._family import Family, _binding_indices, _protocol, bindings, tensors
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, fake_tensorrt

PACKAGE = Path(trtcompat.__file__).parent


def _protocol_members() -> dict[str, Any]:
    members = {n: v for n, v in vars(Family).items() if not n.startswith("_")}
    members.update(dict.fromkeys(Family.__annotations__))  # NAME
    return members


@pytest.mark.parametrize("module", [bindings, tensors], ids=["bindings", "tensors"])
def test_each_family_exports_exactly_the_protocol(module: ModuleType) -> None:
    members = _protocol_members()
    assert sorted(module.__all__) == sorted(members)
    for name, declared in members.items():
        if declared is None:  # NAME
            assert module.NAME in _dispatch.FAMILY_NAMES
            continue
        expected = list(inspect.signature(declared).parameters)[1:]  # without self
        assert list(inspect.signature(getattr(module, name)).parameters) == expected, name


def test_dispatch_hands_out_the_family_modules() -> None:
    assert _dispatch.get_family("bindings") is bindings
    assert _dispatch.get_family("tensors") is tensors
    with pytest.raises(trtcompat.UnsupportedFamilyError, match=r"^Unknown API family 'x'\."):
        _dispatch.get_family("x")


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """``(level, module, names)`` of every import statement in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or "", [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((0, a.name, []) for a in node.names)
    return found


def test_the_contract_is_a_leaf_module() -> None:
    # _protocol imports nothing of its package; no module of the package imports the
    # package itself (the cycle a bottom-of-file import used to break).
    for level, module, _ in _imports(Path(_protocol.__file__)):
        assert not (level == 1 or "_family" in module), module
    for path in (PACKAGE / "_family").glob("*.py"):
        for level, module, names in _imports(path):
            assert not (level == 1 and module == ""), f"{path.name} imports its package {names}"


def test_the_package_has_no_import_after_code() -> None:
    body = ast.parse((PACKAGE / "_family" / "__init__.py").read_text()).body
    kinds = [isinstance(n, (ast.Import, ast.ImportFrom)) for n in body]
    first_code = next(i for i, n in enumerate(body[1:], 1) if not kinds[i])
    assert not any(kinds[first_code:])


def test_legacy_reaches_families_only_through_dispatch() -> None:
    for path in (PACKAGE / "legacy").glob("*.py"):
        for _, module, names in _imports(path):
            concrete = {"bindings", "tensors"} & {*names, module.rpartition(".")[2]}
            assert not ("_family" in module and concrete), f"{path.name}: {module} {names}"


# -- what the contract promises and a family did not keep ------------------------------------
def test_name_based_launch_without_names_binds_in_engine_order() -> None:
    x, y = np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)
    with fake_tensorrt("10"):
        context = build_engine(STATIC, "10").create_execution_context()
        launch = tensors.make_launch(context, [x.ctypes.data, y.ctypes.data], None, None)
        assert launch(0)
        assert context.get_tensor_address("y") == y.ctypes.data
    np.testing.assert_array_equal(y, 2)


def test_the_family_decision_cache_holds_one_answer_per_fact_set() -> None:
    # Keyed by what the engine offers, not by its class: fake modules make classes per
    # module, and hundreds of engines of every era still give a handful of answers.
    for era in ("8.4", "8.6", "10", "11") * 25:
        with fake_tensorrt(era):
            engine = build_engine(STATIC, era)
            chosen = _dispatch.family_for(engine)
            assert chosen is _dispatch.get_family("bindings" if era == "8.4" else "tensors")
    assert _dispatch._decide.cache_info().currsize <= 2 * 2 * 2 * 3


# -- the name-based family's record of what it bound (issue 25, item 8) -----------------------
class _Counted:
    """A context proxy that records every ``set_tensor_address``."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def set_tensor_address(self, name: str, address: int) -> bool:
        self.calls.append(name)
        return bool(self.inner.set_tensor_address(name, address))


class _Unreferenced:
    """Like :class:`_Counted`, but no weak reference can be taken of it."""

    __slots__ = ("calls", "inner")

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def set_tensor_address(self, name: str, address: int) -> bool:
        self.calls.append(name)
        return bool(self.inner.set_tensor_address(name, address))


class _Unhashable(_Counted):
    """Like :class:`_Counted`, but unhashable (an ``__eq__`` of its own)."""

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = None  # type: ignore[assignment]


def _pair() -> tuple[np.ndarray, np.ndarray, list[int]]:
    x, y = np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)
    return x, y, [x.ctypes.data, y.ctypes.data]


def test_two_address_lists_take_turns_on_one_context() -> None:
    # The record belongs to the context, not to a list: list A, list B, then A again must
    # set A's addresses again, since B's are the ones bound.
    (xa, ya, a), (xb, yb, b) = _pair(), _pair()  # the arrays stay alive: the fake reads them
    with fake_tensorrt("10"):
        context = _Counted(build_engine(STATIC, "10").create_execution_context())
        for slots, y in ((a, ya), (b, yb), (a, ya)):
            context.calls, y[:] = [], 0
            assert tensors.execute(context, slots, ("x", "y"), 0, None)
            assert context.calls == ["x", "y"]
            np.testing.assert_array_equal(y, 2)
        context.calls = []
        assert tensors.execute(context, list(a), ("x", "y"), 0, None)  # unchanged: skipped
        assert context.calls == []
    del xa, xb


@pytest.mark.parametrize("wrap", [_Unreferenced, _Unhashable], ids=["no-weakref", "unhashable"])
def test_a_context_that_cannot_be_remembered_is_bound_on_every_call(wrap: Any) -> None:
    x, y, slots = _pair()
    with fake_tensorrt("10"):
        context = wrap(build_engine(STATIC, "10").create_execution_context())
        for _ in range(2):
            context.calls, y[:] = [], 0
            assert tensors.execute(context, slots, ("x", "y"), 0, None)
            assert context.calls == ["x", "y"]
            np.testing.assert_array_equal(y, 2)
        assert tensors.make_launch(context, slots, ("x", "y"), None)(0)
    del x


def test_names_equal_but_not_the_same_object_still_skip_the_binding() -> None:
    x, y, slots = _pair()
    with fake_tensorrt("10"):
        context = _Counted(build_engine(STATIC, "10").create_execution_context())
        assert tensors.execute(context, slots, tuple(["x", "y"]), 0, None)
        context.calls = []
        assert tensors.execute(context, list(slots), tuple(["x", "y"]), 0, None)
        assert context.calls == []  # same names and addresses: nothing set again
        assert tensors.execute(context, slots, ("y", "x"), 0, None)  # other order: rebinds
        assert context.calls == ["y", "x"]
    del x, y


# -- the output allocator's base class: the engine's own module --------------------------------
class _Base:
    """Stands for a module's ``IOutputAllocator`` (records that its __init__ ran)."""

    def __init__(self) -> None:
        self.initialized = True


def _engine_in(module: str) -> Any:
    return type("ICudaEngine", (), {"__module__": module})()


def test_the_allocator_base_is_found_in_the_package_above(monkeypatch: pytest.MonkeyPatch) -> None:
    # pybind classes may live in a submodule (tensorrt.tensorrt): the package above has it.
    package, sub = ModuleType("fake_trt_pkg"), ModuleType("fake_trt_pkg.bindings")
    package.IOutputAllocator = _Base  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_trt_pkg", package)
    monkeypatch.setitem(sys.modules, "fake_trt_pkg.bindings", sub)
    asked: list[tuple[str, Any]] = []
    allocator = tensors.make_output_allocator(
        _engine_in("fake_trt_pkg.bindings"),
        lambda name, size: asked.append((name, size)) or 0x40,
        lambda name, shape: asked.append((name, shape)),
    )
    assert isinstance(allocator, _Base) and allocator.initialized
    assert allocator.reallocate_output("y", 0, 12, 256) == 0x40
    allocator.notify_shape("y", [3, 1])
    assert asked == [("y", 12), ("y", (3, 1))]


def test_a_module_without_output_allocators_is_an_execution_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "old_trt", ModuleType("old_trt"))
    monkeypatch.setitem(sys.modules, "old_trt.inner", ModuleType("old_trt.inner"))
    message = "This TensorRT has no IOutputAllocator; data-dependent output shapes need 8.5+."
    with pytest.raises(trtcompat.ExecutionError, match=f"^{re.escape(message)}$"):
        tensors.make_output_allocator(_engine_in("old_trt.inner"), lambda n, s: 0, print)


# -- the binding arithmetic ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("binding", "split"),
    [
        ("x [profile 2]", ("x", 2)),
        ("x [profile 10]", ("x", 10)),
        ("x", ("x", 0)),
        ("7]", ("7]", 0)),  # a digit before "]" but no suffix
        ("x [profile ]", ("x [profile ]", 0)),
        ("x [profile 2", ("x [profile 2", 0)),
        ("x [profile a]", ("x [profile a]", 0)),
        ("a [profile 1] [profile 3]", ("a [profile 1]", 3)),
        ("x [profile 1a]", ("x [profile 1a]", 0)),  # digits, then not: no profile suffix
    ],
)
def test_binding_names_split_only_a_whole_profile_suffix(binding: str, split: Any) -> None:
    assert _binding_indices.split_binding_name(binding) == split


def test_binding_indices_count_whole_profiles() -> None:
    # 3 tensors per profile: tensor 1 of profile 2 is binding 7, and back.
    assert _binding_indices.binding_index(1, 2, 3) == 7
    assert _binding_indices.binding_position(7, 3) == (1, 2)
    assert _binding_indices.binding_position(2, 3) == (2, 0)
    assert _binding_indices.binding_name("x", 0) == "x"
    assert _binding_indices.binding_name("x", 2) == "x [profile 2]"


# -- name-based queries TensorRT answers without an error ---------------------------------------
def test_the_shape_of_a_name_the_engine_lacks_is_an_unknown_tensor_error() -> None:
    # TensorRT answers get_tensor_shape("nope") with the invalid Dims (nbDims -1), which
    # iterates as an empty shape: the family must not pass that on as the shape ().
    with fake_tensorrt("10"):
        context = build_engine(STATIC, "10").create_execution_context()
        assert tensors.tensor_shape(context, "y") == (2, 3)
        with pytest.raises(trtcompat.UnknownTensorError, match=r"^Engine has no tensor 'nope'\.$"):
            tensors.tensor_shape(context, "nope")


class _NoProfileQueries:
    """An engine whose get_tensor_profile_shape must not be called (TensorRT keeps profile
    shapes for dynamic inputs only)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get_tensor_profile_shape(self, name: str, profile: int) -> Any:
        raise AssertionError(f"asked the profile for static {name!r}")


def test_a_static_input_with_an_empty_dimension_is_not_asked_of_the_profile() -> None:
    spec = EngineSpec(
        (TensorSpec("x", np.float32, (0, 3), True), TensorSpec("y", np.float32, (0, 3), False)),
        compute=lambda feed: {"y": feed["x"]},
    )
    with fake_tensorrt("10"):
        engine = _NoProfileQueries(build_engine(spec, "10"))
        assert tensors.profile_shapes(engine, "x", 0) == ((0, 3), (0, 3), (0, 3))


def test_the_allocator_base_of_a_module_not_imported_yet_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "late_trt.py").write_text(
        "class IOutputAllocator:\n    def __init__(self):\n        self.initialized = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "late_trt", raising=False)
    allocator = tensors.make_output_allocator(_engine_in("late_trt"), lambda n, s: 0, print)
    assert type(allocator).__mro__[1] is sys.modules["late_trt"].IOutputAllocator
    assert allocator.initialized


# -- the legacy view's context, through its family ----------------------------------------------
def test_legacy_execute_async_runs_on_the_default_stream_when_given_none() -> None:
    streams: list[int] = []
    spec = EngineSpec(STATIC.tensors, launch=lambda run: streams.append(run.stream))
    x, y, slots = _pair()
    with fake_tensorrt("10"):
        context = legacy.wrap(build_engine(spec, "10")).create_execution_context()
        assert context.execute_async(bindings=slots)  # 8.x: stream_handle defaults to 0
        assert context.execute_async(2, slots, 7)
    assert streams == [0, 7]
    del x, y


class _NamesOnly:
    """A context proxy whose get_tensor_shape takes only a str, as pybind's binding does."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get_tensor_shape(self, name: str) -> Any:
        if not isinstance(name, str):
            raise TypeError(f"get_tensor_shape(): incompatible function arguments: {name!r}")
        return self.inner.get_tensor_shape(name)


def test_legacy_invalid_dims_are_asked_with_a_name_no_tensor_has() -> None:
    from trtcompat.legacy._context import TensorContext
    from trtcompat.legacy._table import BindingTable

    with fake_tensorrt("10"):
        engine = build_engine(STATIC, "10")
        family = _dispatch.get_family("tensors")
        real = engine.create_execution_context()
        context = TensorContext(
            _NamesOnly(real), legacy.wrap(engine), family, BindingTable(engine, family), False
        )
        assert tuple(context.get_binding_shape(0)) == (2, 3)
        with pytest.raises(ValueError, match="should return >= 0"):  # TensorRT's nbDims -1
            len(context.get_binding_shape(5))


def test_the_family_is_chosen_without_reading_the_deprecated_property() -> None:
    # TensorRT 8.5 / 8.6 warn on every read of an engine's num_bindings: the family is
    # decided from what the class offers, never by calling the property.
    class Engine:
        num_io_tensors = 2
        has_implicit_batch_dimension = False

        @property
        def num_bindings(self) -> int:
            raise AssertionError("num_bindings was read")

    assert _dispatch.family_for(Engine()).NAME == "tensors"
    assert _dispatch.family_for(Engine(), "bindings").NAME == "bindings"
