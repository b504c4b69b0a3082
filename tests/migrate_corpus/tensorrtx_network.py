"""A network written layer by layer with the TensorRT 8 API, tensorrtx / torch2trt style."""

import argparse

import numpy as np
import tensorrt as trt

TRT_LOGGER = trt.Logger(trt.Logger.INFO)


def conv_bn_relu(network, weights, inp, out_ch, name):
    conv = network.add_convolution(inp, out_ch, (3, 3), weights[name + ".w"], trt.Weights())
    conv.stride = (1, 1)
    conv.padding = (1, 1)
    conv.dilation = (1, 1)
    conv.precision = trt.float16
    conv.set_output_type(0, trt.float16)
    relu = network.add_activation(conv.get_output(0), trt.ActivationType.RELU)
    relu.get_output(0).set_dynamic_range(-4.0, 4.0)
    return relu


def head(network, weights, inp):
    pool = network.add_pooling(inp, trt.PoolingType.MAX, (2, 2))
    pool.stride = (2, 2)
    pool.window_size = (2, 2)
    fc = network.add_fully_connected(pool.get_output(0), 10, weights["fc.w"], weights["fc.b"])
    out = fc.get_output(0)
    out.dtype = trt.float32
    return out


def build(weights, args):
    builder = trt.Builder(TRT_LOGGER)
    network = builder.create_network()
    data = network.add_input("data", trt.float32, (3, 32, 32))
    last = conv_bn_relu(network, weights, data, 16, "conv1")
    network.mark_output(head(network, weights, last.get_output(0)))
    builder.max_batch_size = args.batch
    config = builder.create_builder_config()
    config.max_workspace_size = args.max_workspace_size
    if builder.platform_has_fast_fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    config.set_flag(trt.BuilderFlag.DIRECT_IO)
    config.profiling_verbosity = trt.ProfilingVerbosity.VERBOSE
    return builder.build_serialized_network(network, config)


def build_trt7(weights):
    builder = trt.Builder(TRT_LOGGER)
    network = builder.create_network()
    builder.max_workspace_size = 1 << 28
    builder.fp16_mode = True
    return builder.build_cuda_engine(network)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--max-workspace-size", type=int, default=1 << 30)
    args = parser.parse_args()
    print(args.max_workspace_size, np.float32)
    return build({}, args)
