"""TensorRT backend for a YOLO detector (deployment wrapper)."""
from collections import OrderedDict, namedtuple

import numpy as np
import tensorrt as trt
from cuda import cudart

Binding = namedtuple("Binding", ("name", "dtype", "shape", "data", "ptr"))


class TRTDetector:
    def __init__(self, weights, device=0, max_batch=1):
        self.max_batch = max_batch
        logger = trt.Logger(trt.Logger.INFO)
        trt.init_libnvinfer_plugins(logger, namespace="")
        with open(weights, "rb") as f, trt.Runtime(logger) as runtime:
            self.engine = runtime.deserialize_cuda_engine(f.read())
        self.context = self.engine.create_execution_context()
        _, self.stream = cudart.cudaStreamCreate()
        self.bindings = OrderedDict()
        self.output_names = []
        self.dynamic = False
        for i in range(self.engine.num_bindings):
            name = self.engine.get_binding_name(i)
            dtype = trt.nptype(self.engine.get_binding_dtype(i))
            if self.engine.binding_is_input(i):
                if -1 in tuple(self.engine.get_binding_shape(i)):  # dynamic
                    self.dynamic = True
                    self.context.set_binding_shape(i, tuple(self.engine.get_profile_shape(0, i)[2]))
            else:
                self.output_names.append(name)
            shape = tuple(self.context.get_binding_shape(i))
            host = np.empty(shape, dtype=dtype)
            _, ptr = cudart.cudaMallocAsync(host.nbytes, self.stream)
            self.bindings[name] = Binding(name, dtype, shape, host, ptr)
        self.binding_addrs = OrderedDict((n, d.ptr) for n, d in self.bindings.items())
        self.batch_size = self.bindings["images"].shape[0]

    def __call__(self, im):
        if self.dynamic and im.shape != self.bindings["images"].shape:
            i = self.engine.get_binding_index("images")
            self.context.set_binding_shape(i, im.shape)
            self.bindings["images"] = self.bindings["images"]._replace(shape=im.shape)
            for name in self.output_names:
                j = self.engine.get_binding_index(name)
                self.bindings[name].data.resize(tuple(self.context.get_binding_shape(j)))
        im = np.ascontiguousarray(im)
        cudart.cudaMemcpyAsync(self.binding_addrs["images"], im.ctypes.data, im.nbytes,
                               cudart.cudaMemcpyKind.cudaMemcpyHostToDevice, self.stream)
        self.context.execute_v2(list(self.binding_addrs.values()))
        outs = []
        for name in self.output_names:
            out = self.bindings[name].data
            cudart.cudaMemcpyAsync(out.ctypes.data, self.binding_addrs[name], out.nbytes,
                                   cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost, self.stream)
            outs.append(out)
        cudart.cudaStreamSynchronize(self.stream)
        return outs

    def warmup(self, imgsz=(1, 3, 640, 640)):
        self.context.set_binding_shape(self.engine.get_binding_index("images"), imgsz)
        for _ in range(2):
            self(np.zeros(imgsz, dtype=np.float32))
