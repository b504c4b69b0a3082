"""The fakes behave as NVIDIA's real modules do (issue 23: 13 ways they were kinder, 8 ways
harsher). The ``check_*`` assertions in ``_behaviours.py`` run here on every era's fake and, in
the oracle session, on the real module too (``tests/oracle/test_behaviours.py``). What needs an
engine (a GPU on the real side) is tested here on the fakes only, each test citing the header
or pybind source that says what real TensorRT does.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _behaviours import CHECKS, CHECKS_WITH_STDERR
from _engines import STATIC, TWO_PROFILES

from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_engine, era_info, make_module


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__[len("check_") :])
@pytest.mark.parametrize("era", ERAS)
def test_fake_behaves_as_real(era: str, check: Any) -> None:
    check(make_module(era))


@pytest.mark.parametrize("check", CHECKS_WITH_STDERR, ids=lambda f: f.__name__[len("check_") :])
@pytest.mark.parametrize("era", ERAS)
def test_fake_prints_as_real(era: str, check: Any, capfd: pytest.CaptureFixture[str]) -> None:
    check(make_module(era), capfd)


def _engine(spec: EngineSpec, era: str) -> tuple[ModuleType, Any]:
    module = make_module(era)
    return module, build_engine(spec, era, module)


@contextmanager
def _quiet() -> Iterator[None]:
    # The 8.x binding getters warn (DeprecationWarning), as the real ones do.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


TENSOR_ERAS = [e for e in ERAS if era_info(e).has_tensors]
BINDING_ERAS = [e for e in ERAS if era_info(e).has_bindings]


@pytest.mark.parametrize("era", ERAS)
def test_engine_and_context_take_no_new_attributes(era: str) -> None:
    """Item 1 on live objects (the oracle checks blank real ones)."""
    module, engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    runtime = module.Runtime(module.Logger())
    for instance in (engine, context, runtime, engine.serialize()):
        with pytest.raises(AttributeError):
            instance.debug_synk = True


@pytest.mark.parametrize("era", ERAS)
def test_reversed_dims_slice_is_refused(era: str) -> None:
    """pyFoundationalTypes.cpp dims_getter_slice checks ``stop <= nbDims`` with an unsigned
    stop, so a negative step never works: observed IndexError on 8.6.1, a tuple of NULL
    pointers on 10.16.1.11 / 11.4.0.106 (not probed by the oracle: it corrupts memory)."""
    with pytest.raises(IndexError, match="Out of bounds"):
        make_module(era).Dims([1, 2, 3])[::-1]


@pytest.mark.parametrize("era", TENSOR_ERAS)
def test_unknown_tensor_shape_is_an_invalid_dims(era: str) -> None:
    """Item 2. NvInferRuntime.h (8.5 .. 11.x) ICudaEngine::getTensorShape: "or Dims{-1, {}}
    if the provided name does not map to an input or output tensor"; IExecutionContext::
    getTensorShape: "Return Dims{-1, {}} if the provided name does not map to an input or
    output tensor". pyFoundationalTypes.cpp ``__len__`` returns ``nbDims``, so Python raises
    ValueError from ``len()``, ``list()`` and ``tuple()``."""
    _, engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    for dims in (engine.get_tensor_shape("nope"), context.get_tensor_shape("nope")):
        for convert in (len, list, tuple):
            with pytest.raises(ValueError, match=r"__len__\(\) should return >= 0"):
                convert(dims)
    assert list(engine.get_tensor_shape("x")) == [2, 3]


@pytest.mark.parametrize("era", BINDING_ERAS)
def test_context_binding_shape_out_of_range_is_invalid(era: str) -> None:
    """Item 2 (8.x). NvInferRuntime.h 8.6 IExecutionContext::getBindingDimensions: "If the
    bindingIndex is out of range, an invalid Dims with nbDims == -1 is returned"."""
    _, engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    with _quiet():
        with pytest.raises(ValueError, match=r"__len__\(\) should return >= 0"):
            len(context.get_binding_shape(7))
        assert list(context.get_binding_shape(0)) == [2, 3]


@pytest.mark.parametrize("era", ERAS)
def test_serialize_returns_host_memory(era: str) -> None:
    """Item 5. pyCore.cpp: ``serialize`` returns ``IHostMemory``; pyFoundationalTypes.cpp binds
    it with ``py::buffer_protocol()``, ``nbytes`` and ``dtype``, nothing else."""
    module, engine = _engine(STATIC, era)
    memory = engine.serialize()
    assert isinstance(memory, module.IHostMemory)
    assert not isinstance(memory, (bytes, bytearray))
    data = bytes(memory)
    assert memory.nbytes == len(data) == memoryview(memory).nbytes > 0
    assert np.frombuffer(memory, np.uint8).tobytes() == data
    assert memory.dtype.name in ("UINT8", "INT8")
    for refused in (len, lambda m: m[0], lambda m: m[:4], list):
        with pytest.raises(TypeError):
            refused(memory)
    again = module.Runtime(module.Logger()).deserialize_cuda_engine(memory)
    assert again is not None and again.name == engine.name


def _data_dependent() -> EngineSpec:
    return EngineSpec(
        (
            TensorSpec("x", np.float32, (4,), True),
            TensorSpec("y", np.float32, (-1,), False, data_dependent=True),
        ),
        compute=lambda feed: {"y": feed["x"][feed["x"] > 0]},
        name="nonzero",
    )


@pytest.mark.parametrize("era", TENSOR_ERAS)
def test_allocator_callback_the_release_calls(era: str) -> None:
    """Item 8. pyCore.cpp release/8.6: the IOutputAllocator trampoline has only
    ``reallocateOutput`` (calling Python's ``reallocate_output``); release/10.16:
    ``reallocateOutputAsync`` calls ``reallocate_output_async`` where Python defines it, else
    ``reallocate_output``."""
    module, engine = _engine(_data_dependent(), era)
    context = engine.create_execution_context()
    calls: list[str] = []
    buffers: list[Any] = []

    class Both(module.IOutputAllocator):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            module.IOutputAllocator.__init__(self)

        def reallocate_output(self, name: str, memory: int, size: int, alignment: int) -> int:
            calls.append("reallocate_output")
            buffers.append(np.zeros(max(size, 1), np.uint8))
            return int(buffers[-1].ctypes.data)

        def reallocate_output_async(
            self, name: str, memory: int, size: int, alignment: int, stream: int
        ) -> int:
            calls.append("reallocate_output_async")
            return self.reallocate_output(name, memory, size, alignment)

        def notify_shape(self, name: str, shape: Any) -> None:
            calls.append("notify_shape")

    x = np.array([1, -1, 2, -2], np.float32)
    assert context.set_output_allocator("y", Both())
    context.set_tensor_address("x", x.ctypes.data)
    assert context.execute_async_v3(0)
    expected = "reallocate_output_async" if era_info(era).key in ("10", "11") else None
    assert calls[0] == (expected or "reallocate_output")
    assert "reallocate_output_async" not in calls or expected
    assert calls[-1] == "notify_shape"


@pytest.mark.parametrize("era", TENSOR_ERAS)
def test_set_output_allocator_none_unsets(era: str) -> None:
    """Item 7. pyCore.cpp docstring of set_output_allocator: "Pass ``None`` to unset the
    output allocator"."""
    module, engine = _engine(_data_dependent(), era)
    context = engine.create_execution_context()

    class Allocator(module.IOutputAllocator):  # type: ignore[name-defined,misc]
        pass

    allocator = Allocator()
    assert context.set_output_allocator("y", allocator)
    assert context.get_output_allocator("y") is allocator
    assert context.set_output_allocator("y", None)
    assert context.get_output_allocator("y") is None


@pytest.mark.parametrize("era", TENSOR_ERAS)
def test_unknown_names_answer_as_the_header_says(era: str) -> None:
    """Item 12. NvInferRuntime.h (8.5 .. 11.x): getTensorDataType "or DataType::kFLOAT if the
    provided name does not map to an input or output tensor"; getTensorLocation
    "TensorLocation::kDEVICE if the provided name does not map to an input or output tensor";
    getProfileShape "If the profileIndex is invalid or provided name does not map to an input
    tensor, return Dims{-1, {}}" (pyCore.cpp get_tensor_profile_shape returns the three);
    IExecutionContext::getMaxOutputSize "or the provided name does not map to an output,
    returns -1"."""
    module, engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    assert engine.get_tensor_dtype("nope") == module.DataType.FLOAT
    assert engine.get_tensor_location("nope") == module.TensorLocation.DEVICE
    for name, profile in (("nope", 0), ("y", 0), ("x", 5)):
        shapes = engine.get_tensor_profile_shape(name, profile)
        assert len(shapes) == 3
        for dims in shapes:
            with pytest.raises(ValueError, match=r"__len__\(\) should return >= 0"):
                len(dims)
    assert [list(d) for d in engine.get_tensor_profile_shape("x", 0)] == [[2, 3]] * 3
    assert context.get_max_output_size("nope") == -1
    assert context.get_max_output_size("y") == 2 * 3 * 4


@pytest.mark.parametrize("era", BINDING_ERAS)
def test_binding_index_out_of_range(era: str) -> None:
    """Item 13. NvInferRuntime.h 8.6 ICudaEngine::getBindingName: "or nullptr if the index is
    out of range" (pybind: None); getBindingDimensions: "The dimensions of the binding if the
    index is in range, otherwise Dims()"."""
    _, engine = _engine(STATIC, era)
    with _quiet():
        assert engine.get_binding_name(7) is None
        assert engine.get_binding_name(-1) is None
        assert engine.get_binding_name(1) == "y"
        assert len(engine.get_binding_shape(7)) == 0
        assert len(engine.get_binding_shape(name="nope")) == 0


@pytest.mark.parametrize("era", BINDING_ERAS)
def test_binding_queries_by_name_keyword(era: str) -> None:
    """Harsher 2, on a live fake engine. pyCore.cpp release/8.4, 8.6: ``"name"_a`` overloads of
    get_binding_shape, get_binding_dtype, binding_is_input and get_location."""
    module, engine = _engine(TWO_PROFILES, era)
    with _quiet():
        assert list(engine.get_binding_shape(name="x [profile 1]")) == [-1, 4]
        assert engine.get_binding_dtype(name="bias") == module.DataType.FLOAT
        assert engine.binding_is_input(name="x") and not engine.binding_is_input(index=2)
        assert engine.get_location(name="y") == module.TensorLocation.DEVICE
        with pytest.raises(TypeError):
            engine.get_binding_shape()
        with pytest.raises(TypeError):
            engine.get_binding_shape(0, name="x")


@pytest.mark.parametrize("era", [e for e in TENSOR_ERAS if e != "8.4"])
def test_tensor_format_queries_with_a_profile(era: str) -> None:
    """Harsher 1, on a live fake engine (8.6.1's real overloads: the oracle checks them)."""
    module, engine = _engine(STATIC, era)
    assert engine.get_tensor_format("x", 0) == module.TensorFormat.LINEAR
    assert engine.get_tensor_format(name="x", profile_index=0) == module.TensorFormat.LINEAR
    assert engine.get_tensor_vectorized_dim("x", 0) == -1
    assert engine.get_tensor_components_per_element("x", 0) == 1
    assert engine.get_tensor_bytes_per_component("x", 0) == 4


@pytest.mark.parametrize("era", [e for e in ERAS if hasattr(make_module(e), "IStreamReaderV2")])
def test_deserialize_from_stream_readers(era: str) -> None:
    """Harsher 3. pyCore.cpp release/10.16: the IStreamReader trampoline calls Python's
    ``read(size)``, the IStreamReaderV2 one ``read(size, stream)`` (and ``seek``), each
    returning a buffer; a reader must subclass the module's class."""
    module, engine = _engine(STATIC, era)
    plan = bytes(engine.serialize())
    runtime = module.Runtime(module.Logger())

    class Reader(module.IStreamReaderV2):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            module.IStreamReaderV2.__init__(self)
            self.position = 0

        def read(self, size: int, stream: int) -> bytes:
            chunk = plan[self.position : self.position + size]
            self.position += len(chunk)
            return chunk

        def seek(self, offset: int, where: Any) -> bool:
            self.position = offset
            return True

    loaded = runtime.deserialize_cuda_engine(stream_reader_v2=Reader())
    assert loaded is not None and loaded.name == engine.name
    with pytest.raises(TypeError):
        runtime.deserialize_cuda_engine(stream_reader_v2=object())
    if hasattr(module, "IStreamReader"):

        class OldReader(module.IStreamReader):  # type: ignore[name-defined,misc]
            def __init__(self) -> None:
                module.IStreamReader.__init__(self)
                self.data = plan

            def read(self, size: int) -> bytes:
                chunk, self.data = self.data[:size], self.data[size:]
                return chunk

        assert runtime.deserialize_cuda_engine(stream_reader=OldReader()) is not None
    else:
        with pytest.raises(TypeError):
            runtime.deserialize_cuda_engine(stream_reader=object())
    context = engine.create_execution_context(runtime_config=None)
    assert context.engine is engine


@pytest.mark.parametrize("era", BINDING_ERAS)
def test_execute_takes_its_arguments(era: str) -> None:
    """Item 9, positive side: the required arguments given, the fake runs."""
    _, engine = _engine(STATIC, era)
    context = engine.create_execution_context()
    x = np.ones((2, 3), np.float32)
    y = np.zeros((2, 3), np.float32)
    with _quiet():
        assert context.execute(bindings=[x.ctypes.data, y.ctypes.data])
        assert context.execute_async(1, [x.ctypes.data, y.ctypes.data], 0)
    assert (y == 2).all()


# -- trtcompat under the real behaviour --------------------------------------------------------


def test_tensor_shape_of_an_unknown_name_is_an_error(era: str, trt: ModuleType) -> None:
    """TensorRT answers an unknown name with a Dims of nbDims -1, which iterates as ``()``:
    trtcompat used to return that empty shape; it raises UnknownTensorError."""
    import trtcompat as tc

    context = build_engine(STATIC, era, trt).create_execution_context()
    with pytest.raises(tc.UnknownTensorError, match="'nope'"):
        tc.tensor_shape(context, "nope")
    assert tc.tensor_shape(context, "x") == (2, 3)


def test_plan_info_reads_any_buffer() -> None:
    """``serialize()`` / ``build_serialized_network()`` give an IHostMemory (a buffer, no
    bytes): plan_info reads any buffer as it reads bytes; a non-buffer is a typed error."""
    from _plans import sectioned_plan

    import trtcompat as tc

    data = sectioned_plan()
    for buffer in (np.frombuffer(data, np.uint8), memoryview(data), bytearray(data)):
        assert tc.plan_info(buffer) == tc.plan_info(data)
    with pytest.raises(tc.PlanFormatError, match=r"bytes or a buffer .*; got list\.$"):
        tc.plan_info([1, 2])  # type: ignore[arg-type]
