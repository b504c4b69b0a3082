# A TensorRT 7 build script (the 7.x samples): builder settings that 8.0 moved to the config,
# a resize layer's align_corners, and the engine's workspace.
import tensorrt as trt

TRT_LOGGER = trt.Logger(trt.Logger.WARNING)


def build_engine(network_def, fp16):
    builder = trt.Builder(TRT_LOGGER)
    network = builder.create_network(1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH))
    builder.max_workspace_size = 1 << 28
    builder.fp16_mode = fp16
    resize = network.add_resize(network_def)
    resize.align_corners = True
    config = builder.create_builder_config()
    config.max_workspace_size = 1 << 28
    engine = builder.build_cuda_engine(network)
    print(engine.max_workspace_size)
    return engine
