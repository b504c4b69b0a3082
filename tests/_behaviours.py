"""Assertions about what TensorRT's Python classes do, run against a fake module and, in the
oracle session, against NVIDIA's real module of the same release (issue 23's lists).

Each function takes a ``tensorrt`` module (fake or real) and needs no GPU: real pybind
objects are made with ``cls.__new__(cls)`` where TensorRT itself cannot create them on CPU,
and such an object is only ever passed arguments that pybind refuses *before* calling into
TensorRT (a wrong type, a missing argument), so nothing dereferences the missing C++ object.
"""

from __future__ import annotations

import inspect
import operator
import re
import warnings
from types import ModuleType
from typing import Any

import pytest

_PARAMS = re.compile(r"(\w+): ")


def release_of(trt: ModuleType) -> tuple[int, ...]:
    """``(major, minor)`` of the module's ``__version__``."""
    return tuple(int(p) for p in str(trt.__version__).split(".")[:2])


def has_tensor_api(trt: ModuleType) -> bool:
    """Whether the release has the name-based API (8.5+)."""
    return hasattr(trt.ICudaEngine, "num_io_tensors")


def has_binding_api(trt: ModuleType) -> bool:
    """Whether the release has the binding-index API (before 10.0)."""
    return hasattr(trt.ICudaEngine, "num_bindings")


def blank(cls: type) -> Any:
    """An instance of ``cls`` whose ``__init__`` never ran (real: no C++ object behind it)."""
    return cls.__new__(cls)


def keyword_sets(function: Any) -> list[set[str]]:
    """The parameter names (without self) of each way to call ``function``: one set per
    pybind overload (from its docstring signatures), one for a Python function."""
    try:
        return [set(list(inspect.signature(function).parameters)[1:])]
    except ValueError:  # a pybind function: its signatures are in its docstring
        pass
    name = function.__name__
    lines = [ln for ln in (function.__doc__ or "").splitlines() if f"{name}(self" in ln]
    return [
        {p for p in _PARAMS.findall(ln.split("->")[0]) if p != "self"} for ln in lines
    ]


def accepts_keywords(function: Any, names: set[str]) -> bool:
    """Whether some overload of ``function`` takes exactly the keywords ``names``... or more
    (the rest defaulted, which this does not check)."""
    return any(names <= overload for overload in keyword_sets(function))


# -- kinder: the fakes allowed what real TensorRT refuses ------------------------------------


def check_instances_take_no_new_attributes(trt: ModuleType) -> None:
    """Item 1: a typo such as ``context.debug_synk = True`` raises AttributeError."""
    objects = [
        trt.Dims([1, 2]),
        trt.Logger(),
        trt.ILogger(),
        blank(trt.Runtime),
        blank(trt.ICudaEngine),
        blank(trt.IExecutionContext),
    ]
    for instance in objects:
        with pytest.raises(AttributeError):
            instance.debug_synk = True  # a misspelt attribute


def check_dims_equality_takes_list_or_tuple_only(trt: ModuleType) -> None:
    """Item 3: ``Dims == Dims`` raises TypeError (pybind binds ``__eq__`` for list and tuple)."""
    dims = trt.Dims([1, 2, 3])
    assert dims == [1, 2, 3]
    assert dims == (1, 2, 3)
    assert dims != (1, 2)
    with pytest.raises(TypeError):
        _ = dims == trt.Dims([1, 2, 3])
    with pytest.raises(TypeError):
        hash(dims)


def check_dims_hold_at_most_eight(trt: ModuleType) -> None:
    """Item 4: nine entries raise ValueError with TensorRT's own message."""
    assert len(trt.Dims(list(range(8)))) == 8
    with pytest.raises(ValueError, match=r"^Input length 9\. Max expected length is 8$"):
        trt.Dims(list(range(9)))


def check_host_memory_class(trt: ModuleType) -> None:
    """Item 5 (the class): ``IHostMemory`` exists, has ``nbytes`` and ``dtype``, no ``len()``
    or indexing, and Python cannot construct one."""
    cls = trt.IHostMemory
    assert isinstance(inspect.getattr_static(cls, "nbytes"), property) or hasattr(cls, "nbytes")
    assert hasattr(cls, "dtype")
    assert not hasattr(cls, "__len__")
    assert not hasattr(cls, "__getitem__")
    with pytest.raises(TypeError, match="No constructor defined"):
        cls()


def check_subclass_must_call_base_init(trt: ModuleType) -> None:
    """Item 6: an ``ILogger`` / ``IOutputAllocator`` subclass whose ``__init__`` skips the
    base's raises TypeError when instantiated; calling it works."""
    bases = [trt.ILogger] + ([trt.IOutputAllocator] if has_tensor_api(trt) else [])
    for base in bases:
        forgetful = type("Forgetful", (base,), {"__init__": lambda self: None})
        with pytest.raises(TypeError, match=r"__init__\(\) must be called when overriding"):
            forgetful()
        careful = type("Careful", (base,), {"__init__": lambda self, b=base: b.__init__(self)})
        made = careful()
        made.anything = 1  # a Python subclass has a __dict__ (real and fake alike)
        assert isinstance(made, base)


def check_runtime_needs_an_ilogger(trt: ModuleType) -> None:
    """Item 7 (Runtime): ``Runtime(None)`` / ``Runtime(object())`` raise TypeError."""
    for wrong in (None, object(), print):
        with pytest.raises(TypeError, match="incompatible constructor arguments"):
            trt.Runtime(wrong)


def check_output_allocator_must_be_one(trt: ModuleType) -> None:
    """Item 7 (set_output_allocator): a duck-typed allocator raises TypeError."""
    if not has_tensor_api(trt):
        return

    class Duck:
        def reallocate_output(self, *args: Any) -> int:
            return 0

        def notify_shape(self, *args: Any) -> None:
            pass

    with pytest.raises(TypeError, match="incompatible function arguments"):
        blank(trt.IExecutionContext).set_output_allocator("y", Duck())


def check_execute_needs_bindings_and_stream(trt: ModuleType) -> None:
    """Item 9: 8.x ``execute`` / ``execute_async`` have no default for ``bindings`` and
    ``stream_handle`` (only ``batch_size`` defaults to 1)."""
    if not hasattr(trt.IExecutionContext, "execute"):
        return
    context = blank(trt.IExecutionContext)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for call in (
            lambda: context.execute(1),
            lambda: context.execute(),
            lambda: context.execute_async(1, [0, 0]),
            lambda: context.execute_async(bindings=[0, 0]),
        ):
            with pytest.raises(TypeError, match="incompatible function arguments"):
                call()


def check_deserialize_needs_a_buffer(trt: ModuleType) -> None:
    """Item 10: a path string, an int or a list raise TypeError (``serialized_engine:
    buffer``), where the fake used to log and return None."""
    runtime = blank(trt.Runtime)
    for wrong in ("model.plan", 3, [1, 2]):
        with pytest.raises(TypeError, match="incompatible function arguments"):
            runtime.deserialize_cuda_engine(wrong)


def check_host_code_allowed_as_the_release_has_it(trt: ModuleType) -> None:
    """Item 11: ``Runtime.engine_host_code_allowed`` came in 8.5 (pyCore.cpp: absent at tag
    8.4.3, bound at release/8.5 and later)."""
    assert hasattr(trt.Runtime, "engine_host_code_allowed") == (release_of(trt) >= (8, 5))


# -- harsher: the fakes refused what real TensorRT allows ------------------------------------


def check_tensor_format_queries_take_a_profile(trt: ModuleType) -> None:
    """Harsher 1: 8.6+ bind ``(name)`` and ``(name, profile_index)`` for the per-tensor
    format queries."""
    if release_of(trt) < (8, 6):
        return
    for member in (
        "get_tensor_format",
        "get_tensor_vectorized_dim",
        "get_tensor_components_per_element",
        "get_tensor_bytes_per_component",
    ):
        function = getattr(trt.ICudaEngine, member)
        assert accepts_keywords(function, {"name"}), member
        assert accepts_keywords(function, {"name", "profile_index"}), member


def check_binding_queries_take_name_keyword(trt: ModuleType) -> None:
    """Harsher 2: 8.x bind ``(index: int)`` and ``(name: str)`` for these four."""
    if not has_binding_api(trt):
        return
    for member in ("get_binding_shape", "get_binding_dtype", "binding_is_input", "get_location"):
        function = getattr(trt.ICudaEngine, member)
        assert accepts_keywords(function, {"index"}), member
        assert accepts_keywords(function, {"name"}), member


def check_stream_readers_and_runtime_config(trt: ModuleType) -> None:
    """Harsher 3: ``deserialize_cuda_engine(stream_reader=)`` (10.0-10.x),
    ``(stream_reader_v2=)`` (10.8+), ``create_execution_context(runtime_config=)`` (10.11+:
    the real 10.11.0.33 takes it, 10.10.0.31 does not)."""
    deserialize = trt.Runtime.deserialize_cuda_engine
    assert accepts_keywords(deserialize, {"serialized_engine"})
    assert accepts_keywords(deserialize, {"stream_reader"}) == hasattr(trt, "IStreamReader")
    assert accepts_keywords(deserialize, {"stream_reader_v2"}) == hasattr(trt, "IStreamReaderV2")
    create = trt.ICudaEngine.create_execution_context
    assert accepts_keywords(create, {"runtime_config"}) == (release_of(trt) >= (10, 11))


def check_context_managers_everywhere(trt: ModuleType) -> None:
    """Harsher 4: ``tensorrt/__init__.py`` of every release (8.4.3, 8.6.1, 10.x, 11.x)
    patches deprecated ``__enter__`` / ``__exit__`` onto these classes."""
    for name in ("ILogger", "Logger", "ICudaEngine", "IExecutionContext", "Runtime", "IHostMemory"):
        cls = getattr(trt, name)
        assert hasattr(cls, "__enter__") and hasattr(cls, "__exit__"), name
    logger = trt.Logger()
    warns = pytest.warns(DeprecationWarning, match="Context managers for TensorRT types")
    with warns, logger as entered:
        assert entered is logger


def check_enums_convert_to_int(trt: ModuleType) -> None:
    """Harsher 5: ``int()`` / ``operator.index`` of a pybind enum give its value; an int
    never compares equal; members do not order; the class is not iterable."""
    half = trt.DataType.HALF
    assert int(half) == 1
    assert operator.index(half) == 1
    assert half != 1
    assert trt.DataType(1) is half or trt.DataType(1) == half
    assert hash(half) == hash(trt.DataType.HALF)
    with pytest.raises(TypeError):
        _ = half < trt.DataType.INT8
    with pytest.raises(TypeError):
        list(trt.DataType)
    assert list(trt.DataType.__members__)[:2] == ["FLOAT", "HALF"]


def check_base_logger_log_prints(trt: ModuleType, capfd: Any) -> None:
    """Harsher 6: ``ILogger().log(...)`` on the base prints a pure-virtual error to stderr
    and returns None (the trampoline catches it)."""
    assert trt.ILogger().log(trt.ILogger.WARNING, "hello") is None
    err = capfd.readouterr().err
    assert 'Tried to call pure virtual function "ILogger::log"' in err


def check_dims_slices_are_tuples(trt: ModuleType) -> None:
    """Harsher 7: a slice of a Dims is a tuple; an index an int; out of range IndexError."""
    dims = trt.Dims([4, 5, 6])
    assert dims[0:2] == (4, 5) and type(dims[0:2]) is tuple
    assert dims[1:] == (5, 6) and dims[::2] == (4, 6)
    # Not probed here: a reversed slice, which 8.6.1 refuses (IndexError) and 10.16 / 11.4
    # answer with a tuple of NULL pointers (test_fake_behaviours.py tests the fake).
    assert dims[-1] == 6 and type(dims[-1]) is int
    with pytest.raises(IndexError):
        dims[3]
    assert repr(dims) == "(4, 5, 6)" and repr(trt.Dims([7])) == "(7,)" and repr(trt.Dims()) == "()"


def check_allocator_base_binds_callbacks(trt: ModuleType, capfd: Any) -> None:
    """Harsher 8: the 8.5-9.x ``IOutputAllocator`` base binds ``reallocate_output``,
    ``notify_shape`` and ``tensorrt_version``; 10.0+ binds none (the trampoline looks the
    overrides up)."""
    if not has_tensor_api(trt):
        return
    base = trt.IOutputAllocator
    bound = release_of(trt) < (10, 0)
    for member in ("reallocate_output", "notify_shape", "tensorrt_version"):
        assert hasattr(base, member) == bound, member
    if bound:
        assert base().notify_shape("y", trt.Dims([1])) is None
        assert 'pure virtual function "IOutputAllocator::notify_shape"' in capfd.readouterr().err


#: The checks CPU can observe on both a fake and NVIDIA's module (tests/test_fake_behaviours.py
#: runs them on the fakes, tests/oracle/test_behaviours.py on both); the item of issue 23 each
#: covers.
CHECKS = [
    check_instances_take_no_new_attributes,  # kinder 1
    check_dims_equality_takes_list_or_tuple_only,  # kinder 3
    check_dims_hold_at_most_eight,  # kinder 4
    check_host_memory_class,  # kinder 5
    check_subclass_must_call_base_init,  # kinder 6
    check_runtime_needs_an_ilogger,  # kinder 7
    check_output_allocator_must_be_one,  # kinder 7
    check_execute_needs_bindings_and_stream,  # kinder 9
    check_deserialize_needs_a_buffer,  # kinder 10
    check_host_code_allowed_as_the_release_has_it,  # kinder 11
    check_tensor_format_queries_take_a_profile,  # harsher 1
    check_binding_queries_take_name_keyword,  # harsher 2
    check_stream_readers_and_runtime_config,  # harsher 3
    check_context_managers_everywhere,  # harsher 4
    check_enums_convert_to_int,  # harsher 5
    check_dims_slices_are_tuples,  # harsher 7
]
#: Checks that read what the call printed (``capfd`` is their second argument).
CHECKS_WITH_STDERR = [
    check_base_logger_log_prints,  # harsher 6
    check_allocator_base_binds_callbacks,  # harsher 8
]
