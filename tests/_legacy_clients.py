"""TensorRT 8 client code in the styles real projects use (written for these tests), run
unchanged through ``trtcompat.legacy.wrap`` on every era:

- the TensorRT 8 samples' ``common.py`` (``tests/migrate_corpus/samples_common.py``, the
  migration corpus itself, imported, not copied), with pycuda or a host-memory stand-in;
- an mmdeploy-style ``TRTWrapper``: torch tensors bound by ``data_ptr()``,
  ``get_profile_shape`` / ``get_binding_index`` / ``set_binding_shape`` / ``get_location``,
  ``execute_async_v2`` on torch's current stream, and an ``isinstance(engine,
  trt.ICudaEngine)`` check on construction.
"""

from __future__ import annotations

import ctypes
import enum
import importlib.util
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

CORPUS = Path(__file__).parent / "migrate_corpus"


@contextmanager
def samples_common(trt: types.ModuleType, pycuda: types.ModuleType | None = None) -> Iterator[Any]:
    """Imports the corpus's ``samples_common.py`` against ``trt`` (and ``pycuda``, default: a
    host-memory stand-in). The script also reads ``NetworkDefinitionCreationFlag.EXPLICIT_BATCH``
    at import time, which 11.x removed (the fakes follow it): a stand-in enum holding it is put
    in place for the import where the fake lacks it."""
    saved = {name: sys.modules.get(name) for name in ("pycuda", "pycuda.driver", "pycuda.autoinit")}
    original = getattr(trt, "NetworkDefinitionCreationFlag", None)
    added = not hasattr(original, "EXPLICIT_BATCH")
    if added:
        trt.NetworkDefinitionCreationFlag = enum.IntEnum(  # type: ignore[attr-defined]
            "NetworkDefinitionCreationFlag", [("EXPLICIT_BATCH", 0)], start=0)
    if pycuda is None:
        pycuda = host_pycuda()
    if pycuda.__name__ == "pycuda.host_stand_in":
        sys.modules.update({"pycuda": pycuda, "pycuda.driver": pycuda.driver,
                            "pycuda.autoinit": pycuda.autoinit})
    spec = importlib.util.spec_from_file_location("samples_common", CORPUS / "samples_common.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        if added and original is None:
            del trt.NetworkDefinitionCreationFlag
        elif added:
            trt.NetworkDefinitionCreationFlag = original  # type: ignore[attr-defined]
        for name, value in saved.items():
            if value is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value


class _HostAllocation:
    """``pycuda.driver.DeviceAllocation`` in host memory: ``int()`` is its address."""

    def __init__(self, nbytes: int) -> None:
        self.buffer = np.zeros(max(nbytes, 1), np.uint8)

    def __int__(self) -> int:
        return int(self.buffer.ctypes.data)


def host_pycuda() -> types.ModuleType:
    """The slice of ``pycuda`` the samples use, over host memory (the fakes read and write
    the addresses they are bound to, wherever they are)."""
    driver = types.ModuleType("pycuda.driver")

    class Stream:
        handle = 0

        def synchronize(self) -> None:
            pass

    def memcpy_htod_async(dest: Any, src: np.ndarray, stream: Any = None) -> None:
        ctypes.memmove(int(dest), src.ctypes.data, src.nbytes)

    def memcpy_dtoh_async(dest: np.ndarray, src: Any, stream: Any = None) -> None:
        ctypes.memmove(dest.ctypes.data, int(src), dest.nbytes)

    driver.Stream = Stream  # type: ignore[attr-defined]
    driver.pagelocked_empty = lambda size, dtype: np.empty(size, dtype)  # type: ignore[attr-defined]
    driver.mem_alloc = _HostAllocation  # type: ignore[attr-defined]
    driver.memcpy_htod_async = memcpy_htod_async  # type: ignore[attr-defined]
    driver.memcpy_dtoh_async = memcpy_dtoh_async  # type: ignore[attr-defined]
    package = types.ModuleType("pycuda.host_stand_in")
    package.driver = driver  # type: ignore[attr-defined]
    package.autoinit = types.ModuleType("pycuda.autoinit")  # type: ignore[attr-defined]
    return package


def trt_wrapper_class(trt: Any, torch: Any, device: str) -> type:
    """An mmdeploy-style ``TRTWrapper`` (a ``torch.nn.Module``) over ``trt``'s engines."""

    def torch_dtype(trt_dtype: Any) -> Any:
        return {trt.DataType.FLOAT: torch.float32, trt.DataType.HALF: torch.float16,
                trt.DataType.INT32: torch.int32, trt.DataType.INT8: torch.int8}[trt_dtype]

    class TRTWrapper(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, engine: Any) -> None:
            super().__init__()
            if not isinstance(engine, trt.ICudaEngine):
                raise TypeError(f"`engine` should be ICudaEngine, but given: {type(engine)}")
            self.engine = engine
            self.context = engine.create_execution_context()
            per_profile = engine.num_bindings // engine.num_optimization_profiles
            names = [engine.get_binding_name(i) for i in range(per_profile)]
            self.input_names = [n for n in names if engine.binding_is_input(n)]
            self.output_names = [n for n in names if not engine.binding_is_input(n)]

        def forward(self, inputs: dict[str, Any]) -> dict[str, Any]:
            bindings = [0] * self.engine.num_bindings
            for name, tensor in inputs.items():
                index = self.engine.get_binding_index(name)
                low, _, high = self.engine.get_profile_shape(0, name)
                assert tensor.dim() == len(low), name
                for lo, size, hi in zip(low, tensor.shape, high):
                    assert lo <= size <= hi, (name, tuple(tensor.shape))
                assert self.context.set_binding_shape(index, tuple(tensor.shape))
                assert self.engine.get_location(index) == trt.TensorLocation.DEVICE
                tensor = tensor.contiguous()
                inputs[name] = tensor  # keep the contiguous copy alive until the run
                bindings[index] = tensor.data_ptr()
            outputs = {}
            for name in self.output_names:
                index = self.engine.get_binding_index(name)
                shape = tuple(self.context.get_binding_shape(index))
                dtype = torch_dtype(self.engine.get_binding_dtype(index))
                outputs[name] = torch.empty(size=shape, dtype=dtype, device=device)
                bindings[index] = outputs[name].data_ptr()
            stream = torch.cuda.current_stream().cuda_stream if device == "cuda" else 0
            assert self.context.execute_async_v2(bindings, stream)
            return outputs

    return TRTWrapper
