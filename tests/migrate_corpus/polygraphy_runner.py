# In the style of Polygraphy's TrtRunner (polygraphy/backend/trt/runner.py): the binding-era
# code lives behind util._should_use_v3_api(), defined in another module of the tree.
from polygraphy import mod
from polygraphy.backend.trt import util as trt_util

trt = mod.lazy_import("tensorrt>=8.5")


class TrtRunner:
    def activate_impl(self):
        if trt_util._should_use_v3_api():
            self.context.set_input_shape("input", self.shape)
        else:
            self.context.set_binding_shape(self.engine.get_binding_index("input"), self.shape)
            self.num_bindings = self.engine.num_bindings

    def infer_impl(self, bindings, stream):
        if not trt_util._should_use_v3_api():
            return self.context.execute_async_v2(bindings=bindings, stream_handle=stream.ptr)
        for name in self.names:
            self.context.set_tensor_address(name, bindings[name])
        return self.context.execute_async_v3(stream.ptr)

    def slice_mode(self):
        return trt.SliceMode.WRAP
