# In the style of NVIDIA's BERT demo (demo/BERT/inference.py, release/8.6): one engine with an
# optimization profile per batch range; the bindings list holds every profile's slots, zeros up
# to the selected profile's (the per-profile binding arithmetic of the samples).
import numpy as np
import pycuda.driver as cuda
import tensorrt as trt


def select_profile(engine, batch):
    per_profile = engine.num_bindings // engine.num_optimization_profiles
    for idx in range(engine.num_optimization_profiles):
        lo, opt, hi = engine.get_profile_shape(idx, idx * per_profile)
        if lo[0] <= batch <= hi[0]:
            return idx, per_profile
    raise ValueError(f"no profile takes a batch of {batch}")


def infer(engine, batch_input, stream):
    context = engine.create_execution_context()
    profile, per_profile = select_profile(engine, len(batch_input))
    context.active_optimization_profile = profile
    offset = profile * per_profile
    context.set_binding_shape(offset, batch_input.shape)
    output = np.empty(batch_input.shape, np.float32)
    d_input = cuda.mem_alloc(batch_input.nbytes)
    d_output = cuda.mem_alloc(output.nbytes)
    cuda.memcpy_htod_async(d_input, batch_input, stream)
    run(context, offset, d_input, d_output, stream)
    cuda.memcpy_dtoh_async(output, d_output, stream)
    stream.synchronize()
    return profile, output


def run(context, offset, d_input, d_output, stream):
    context.execute_async_v2(
        bindings=[0 for _ in range(offset)] + [int(d_input), int(d_output)],
        stream_handle=stream.handle,
    )
