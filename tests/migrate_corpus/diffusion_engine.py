# In the style of NVIDIA's Diffusion demo (demo/Diffusion/utilities.py, 8.6): contexts
# without device memory, a shared activation buffer, and a version check the file keeps.
from packaging import version

import tensorrt as trt


class Engine:
    def activate(self, reuse_device_memory=None):
        if reuse_device_memory:
            self.context = self.engine.create_execution_context_without_device_memory()
            self.context.device_memory = reuse_device_memory
        else:
            self.context = self.engine.create_execution_context()

    def memory_size(self):
        return self.engine.device_memory_size

    def refit_supported(self):
        return version.parse(trt.__version__) >= version.parse("8.6")
