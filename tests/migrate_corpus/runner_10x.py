"""Name-based TensorRT 10.x runner that manages the context's device memory itself."""
import numpy as np
import tensorrt as trt
from cuda import cuda, cudart


def check(result):
    err, *rest = result
    if isinstance(err, cudart.cudaError_t) and err != cudart.cudaError_t.cudaSuccess:
        raise RuntimeError(f"CUDA error {err}")
    if isinstance(err, cuda.CUresult) and err != cuda.CUresult.CUDA_SUCCESS:
        raise RuntimeError(f"CUDA driver error {err}")
    return rest[0] if len(rest) == 1 else rest


class SharedMemoryRunner:
    """Several contexts of one engine share one scratch allocation."""

    def __init__(self, engine, num_contexts=2):
        self.engine = engine
        scratch = max(engine.device_memory_size,
                      engine.get_device_memory_size_for_profile(0))
        self.scratch = check(cudart.cudaMalloc(scratch))
        self.contexts = []
        for _ in range(num_contexts):
            context = engine.create_execution_context_without_device_memory()
            context.device_memory = self.scratch
            self.contexts.append(context)
        self.stream = check(cudart.cudaStreamCreate())
        self.names = [engine.get_tensor_name(i) for i in range(engine.num_io_tensors)]
        self.buffers = {}
        for name in self.names:
            shape = engine.get_tensor_shape(name)
            size = trt.volume(shape) * np.dtype(trt.nptype(engine.get_tensor_dtype(name))).itemsize
            self.buffers[name] = check(cudart.cudaMalloc(size))

    def run(self, index, feeds):
        context = self.contexts[index]
        if self.engine.has_implicit_batch_dimension:
            raise ValueError("implicit batch engines are not supported")
        for name, array in feeds.items():
            context.set_input_shape(name, array.shape)
            check(cudart.cudaMemcpyAsync(self.buffers[name], array.ctypes.data, array.nbytes,
                                         cudart.cudaMemcpyKind.cudaMemcpyHostToDevice,
                                         self.stream))
        assert context.all_shape_inputs_specified
        for name in self.names:
            context.set_tensor_address(name, self.buffers[name])
        context.execute_async_v3(self.stream)
        check(cudart.cudaStreamSynchronize(self.stream))
