# In the style of an export script (RT-DETR / rf-detr): tensorrt imported through importlib,
# a precision flag set only where it exists (silently dropped on 11), a version check, and a
# TensorRT 7 fallback.
import importlib

trt = importlib.import_module("tensorrt")


def build(builder, network, onnx_path, fp16, workspace):
    config = builder.create_builder_config()
    if int(trt.__version__.split(".")[0]) >= 8:
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace)
    else:
        config.max_workspace_size = workspace
    if fp16 and hasattr(trt.BuilderFlag, "FP16"):
        config.set_flag(trt.BuilderFlag.FP16)
    try:
        config.set_flag(trt.BuilderFlag.BF16)
    except AttributeError:
        pass
    config.profiling_verbosity = trt.ProfilingVerbosity.VERBOSE
    config.max_workspace_size = workspace
    return builder.build_serialized_network(network, config)


def engine_memory(engine):
    return engine.device_memory_size
