"""What a fake engine built from an ONNX model computes: the model itself, run by onnx's
reference evaluator (``onnx.reference.ReferenceEvaluator``), so a fake build, load and infer
gives the model's real outputs without a GPU.

The engine's launch (:class:`OnnxLaunch`) reads its inputs from the addresses it is bound to
and writes its outputs there: host memory directly, device memory (where a CUDA driver says
an address is device memory) through the driver's copies on the launch's stream, so the same
plan runs through every memory backend on a GPU machine. The model travels inside the fake
plan (:meth:`OnnxLaunch.plan_payload`), so such a plan loads in any process, as a real plan
carries its kernels and weights.
"""

from __future__ import annotations

import base64
import ctypes
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._memory import view
from ._spec import Launch, LaunchTensor

__all__ = ["OnnxCompute", "OnnxLaunch", "launch_from_payload"]

#: Reduced precisions a weakly typed fake build applies (the FP16 / BF16 builder flags): the
#: float32 outputs carry that type's rounding, as TensorRT's reduced-precision kernels give.
_ROUNDINGS = ("fp16", "bf16")


class OnnxCompute:
    """A fake engine's host computation: run the ONNX model on the inputs.

    Args:
        model: The serialized ONNX model (weights included).
        reduced: ``"fp16"`` or ``"bf16"`` where the build set that builder flag on a weakly
            typed network; None for full precision or a strongly typed network (whose model
            already holds its own types).
    """

    __slots__ = ("_evaluator", "_lock", "model", "reduced")

    def __init__(self, model: bytes, reduced: str | None = None) -> None:
        if reduced is not None and reduced not in _ROUNDINGS:
            raise ValueError(f"reduced must be one of {_ROUNDINGS} or None, not {reduced!r}.")
        self.model = bytes(model)
        self.reduced = reduced
        self._evaluator: Any = None
        self._lock = threading.Lock()

    def _session(self) -> Any:
        with self._lock:
            if self._evaluator is None:
                import onnx
                from onnx.reference import ReferenceEvaluator

                self._evaluator = ReferenceEvaluator(onnx.load_from_string(self.model))
            return self._evaluator

    def __call__(self, feed: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
        session = self._session()
        inputs = {name: np.array(feed[name]) for name in session.input_names}
        results = session.run(None, inputs)
        outputs = {}
        for name, value in zip(session.output_names, results):
            array = np.asarray(value)
            if self.reduced is not None and array.dtype == np.float32:
                array = _rounded(array, self.reduced)
            outputs[name] = array
        return outputs

    def plan_payload(self) -> dict[str, Any]:
        """What a fake plan stores to rebuild this computation in another process."""
        return {
            "kind": "onnx",
            "model": base64.b64encode(self.model).decode("ascii"),
            "reduced": self.reduced,
        }


def _rounded(array: NDArray[Any], reduced: str) -> NDArray[Any]:
    if reduced == "fp16":
        return array.astype(np.float16).astype(np.float32)
    import ml_dtypes

    return array.astype(ml_dtypes.bfloat16).astype(np.float32)


class OnnxLaunch:
    """A fake engine's launch: the bound inputs in, :class:`OnnxCompute` on them, the outputs
    written to their bound addresses (host or device memory)."""

    __slots__ = ("compute",)

    def __init__(self, model: bytes, reduced: str | None = None) -> None:
        self.compute = OnnxCompute(model, reduced)

    def __call__(self, job: Launch) -> None:
        driver = _driver()
        on_device = driver is not None and any(
            _is_device(driver, t.address) for t in job.tensors.values()
        )
        copies = _DeviceCopies(driver, job.stream) if on_device else None
        feed = {}
        for name, tensor in job.tensors.items():
            if tensor.is_input:
                feed[name] = copies.read(tensor) if copies else _host(tensor).copy()
        results = self.compute(feed)
        for name, tensor in job.tensors.items():
            if tensor.is_input:
                continue
            out = np.ascontiguousarray(
                np.asarray(results[name]).reshape(tensor.shape).astype(tensor.dtype, copy=False)
            )
            if copies:
                copies.write(tensor, out)
            else:
                np.copyto(_host(tensor), out)
        if copies:
            copies.finish()

    def plan_payload(self) -> dict[str, Any]:
        """What a fake plan stores to rebuild this launch in another process."""
        return self.compute.plan_payload()


def _host(tensor: LaunchTensor) -> NDArray[Any]:
    return view(tensor.address, tensor.shape, tensor.dtype, tensor.dtype.itemsize * 8)


_CU_POINTER_ATTRIBUTE_MEMORY_TYPE = 2
_CU_MEMORYTYPE_DEVICE = 2


@lru_cache(maxsize=1)
def _driver() -> Any:
    # The CUDA driver, where there is one: it says which addresses are device memory.
    for name in ("libcuda.so.1", "libcuda.so", "nvcuda.dll"):
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _is_device(driver: Any, address: int) -> bool:
    kind = ctypes.c_uint(0)
    status = driver.cuPointerGetAttribute(
        ctypes.byref(kind), _CU_POINTER_ATTRIBUTE_MEMORY_TYPE, ctypes.c_uint64(address)
    )
    # Plain host memory is unknown to the driver (an error); pinned memory says HOST.
    return status == 0 and kind.value == _CU_MEMORYTYPE_DEVICE


class _DeviceCopies:
    """Copies between the bound device memory and host arrays on the launch's stream."""

    def __init__(self, driver: Any, stream: int) -> None:
        self._driver = driver
        self._stream = ctypes.c_void_p(stream or None)
        self._keep: list[NDArray[Any]] = []  # host sides alive until the stream is done

    def _check(self, status: int, what: str) -> None:
        if status != 0:
            raise RuntimeError(f"fake engine: {what} failed with CUDA error {status}")

    def read(self, tensor: LaunchTensor) -> NDArray[Any]:
        host = np.empty(tensor.shape, tensor.dtype)
        if host.nbytes:
            self._check(
                self._driver.cuMemcpyDtoHAsync_v2(
                    ctypes.c_void_p(host.ctypes.data), ctypes.c_uint64(tensor.address),
                    ctypes.c_size_t(host.nbytes), self._stream,
                ),
                "cuMemcpyDtoHAsync",
            )  # fmt: skip
        self.finish()  # the compute below reads the host copy
        return host

    def write(self, tensor: LaunchTensor, host: NDArray[Any]) -> None:
        self._keep.append(host)
        if host.nbytes:
            self._check(
                self._driver.cuMemcpyHtoDAsync_v2(
                    ctypes.c_uint64(tensor.address), ctypes.c_void_p(host.ctypes.data),
                    ctypes.c_size_t(host.nbytes), self._stream,
                ),
                "cuMemcpyHtoDAsync",
            )  # fmt: skip

    def finish(self) -> None:
        self._check(self._driver.cuStreamSynchronize(self._stream), "cuStreamSynchronize")
        self._keep.clear()


def launch_from_payload(payload: Mapping[str, Any]) -> OnnxLaunch:
    """The launch a fake plan's ``plan_payload`` describes.

    Raises:
        ValueError: a payload of another kind, or a damaged one.
    """
    if payload.get("kind") != "onnx":
        raise ValueError(f"Unknown fake compute kind {payload.get('kind')!r}.")
    try:
        model = base64.b64decode(str(payload["model"]), validate=True)
    except (KeyError, ValueError) as err:
        raise ValueError(f"The fake plan's model is damaged: {err}") from None
    reduced = payload.get("reduced")
    return OnnxLaunch(model, None if reduced is None else str(reduced))
