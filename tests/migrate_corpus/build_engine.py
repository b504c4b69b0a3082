#!/usr/bin/env python3
"""Convert an ONNX model to a TensorRT engine (FP32 / FP16 / INT8)."""
import argparse
import glob
import os

import numpy as np
import pycuda.autoinit  # noqa: F401
import pycuda.driver as cuda
import tensorrt as trt

TRT_LOGGER = trt.Logger(trt.Logger.INFO)


class ImageCalibrator(trt.IInt8EntropyCalibrator2):
    """Feeds preprocessed .npy batches to the INT8 calibrator."""

    def __init__(self, data_dir, batch_size=8, cache_file="calib.cache"):
        trt.IInt8EntropyCalibrator2.__init__(self)
        self.files = sorted(glob.glob(os.path.join(data_dir, "*.npy")))
        self.batch_size = batch_size
        self.cache_file = cache_file
        self.index = 0
        sample = np.load(self.files[0])
        self.device_input = cuda.mem_alloc(sample.nbytes * batch_size)

    def get_batch_size(self):
        return self.batch_size

    def get_batch(self, names):
        if self.index + self.batch_size > len(self.files):
            return None
        batch = np.stack([np.load(f) for f in self.files[self.index:self.index + self.batch_size]])
        cuda.memcpy_htod(self.device_input, np.ascontiguousarray(batch))
        self.index += self.batch_size
        return [int(self.device_input)]

    def read_calibration_cache(self):
        if os.path.exists(self.cache_file):
            with open(self.cache_file, "rb") as f:
                return f.read()

    def write_calibration_cache(self, cache):
        with open(self.cache_file, "wb") as f:
            f.write(cache)


def build(onnx_path, engine_path, precision="fp16", workspace_gb=4, calib_dir=None):
    flags = 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)
    builder = trt.Builder(TRT_LOGGER)
    network = builder.create_network(flags)
    parser = trt.OnnxParser(network, TRT_LOGGER)
    with open(onnx_path, "rb") as model:
        if not parser.parse(model.read()):
            for i in range(parser.num_errors):
                print(parser.get_error(i))
            raise RuntimeError("failed to parse " + onnx_path)

    builder.max_batch_size = 1
    config = builder.create_builder_config()
    config.max_workspace_size = workspace_gb * (1 << 30)  # GiB -> bytes
    if precision == "fp16" and builder.platform_has_fast_fp16:
        config.set_flag(trt.BuilderFlag.FP16)
    elif precision == "int8":
        if not builder.platform_has_fast_int8:
            print("warning: no fast INT8 on this platform")
        config.set_flag(trt.BuilderFlag.INT8)
        config.set_flag(trt.BuilderFlag.STRICT_TYPES)
        config.int8_calibrator = ImageCalibrator(calib_dir)

    profile = builder.create_optimization_profile()
    inp = network.get_input(0)
    profile.set_shape(inp.name, (1, 3, 640, 640), (4, 3, 640, 640), (8, 3, 640, 640))
    config.add_optimization_profile(profile)

    engine = builder.build_engine(network, config)
    if engine is None:
        raise RuntimeError("engine build failed")
    with open(engine_path, "wb") as f:
        f.write(engine.serialize())
    return engine


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("onnx")
    ap.add_argument("engine")
    ap.add_argument("--precision", default="fp16", choices=["fp32", "fp16", "int8"])
    ap.add_argument("--workspace", type=int, default=4)
    ap.add_argument("--calib-dir")
    a = ap.parse_args()
    build(a.onnx, a.engine, a.precision, a.workspace, a.calib_dir)
