# In the style of torch2trt/torch2trt.py: the package's core module binds `trt`, which the
# converters get through `from torch2trt.torch2trt import *`.
import tensorrt as trt


def torch_dtype_to_trt(dtype):
    return trt.float32


def add_missing_trt_tensors(network, tensors):
    return [network.add_input("x", trt.float32, (1,)) for _ in tensors]
