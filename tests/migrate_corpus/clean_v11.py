"""TensorRT 10/11 style code: nothing here may be reported."""
import math
import sqlite3

import numpy as np
import tensorrt as trt
from cuda.bindings import runtime as cudart


class Batcher:
    """Not TensorRT: its own execute() and max_batch_size."""

    def __init__(self, max_batch_size=8):
        self.max_batch_size = max_batch_size

    def execute(self, items):
        return [items[i:i + self.max_batch_size] for i in range(0, len(items), self.max_batch_size)]


def log_run(db_path, name):
    cursor = sqlite3.connect(db_path).cursor()
    cursor.execute("INSERT INTO runs VALUES (?)", (name,))


def build(onnx_path, workspace=1 << 30):
    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    network = builder.create_network(0)
    parser = trt.OnnxParser(network, logger)
    if not parser.parse_from_file(onnx_path):
        raise RuntimeError(parser.get_error(0))
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace)
    return builder.build_serialized_network(network, config)


def allocate(engine, profile=0):
    buffers = {}
    for i in range(engine.num_io_tensors):
        name = engine.get_tensor_name(i)
        if engine.get_tensor_mode(name) == trt.TensorIOMode.INPUT:
            shape = engine.get_tensor_profile_shape(name, profile)[2]
        else:
            shape = engine.get_tensor_shape(name)
        itemsize = np.dtype(trt.nptype(engine.get_tensor_dtype(name))).itemsize
        nbytes = math.prod(max(d, 1) for d in shape) * itemsize
        _, buffers[name] = cudart.cudaMalloc(nbytes)
    return buffers


def run(engine, feeds, stream):
    context = engine.create_execution_context(trt.ExecutionContextAllocationStrategy.USER_MANAGED)
    _, scratch = cudart.cudaMalloc(engine.device_memory_size_v2)
    context.set_device_memory(scratch, engine.device_memory_size_v2)
    buffers = allocate(engine)
    for name, array in feeds.items():
        context.set_input_shape(name, array.shape)
    for name, ptr in buffers.items():
        context.set_tensor_address(name, ptr)
    context.execute_async_v3(stream)
    return np.prod(feeds["images"].shape)
