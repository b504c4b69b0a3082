"""Inspection helpers used by the model zoo's `describe` command."""
import tensorrt as trt


def describe(engine):
    rows = []
    for binding in engine:
        is_input = engine.binding_is_input(binding)
        shape = tuple(engine.get_binding_shape(binding))
        dtype = engine.get_binding_dtype(binding)
        rows.append((binding, is_input, shape, str(dtype)))
    return rows


def input_profile(engine, name="images"):
    low, opt, high = engine.get_profile_shape(0, name)
    return tuple(low), tuple(opt), tuple(high)


def configure(config, gigabytes):
    config.max_workspace_size = gigabytes << 30
    return config


def make_user_managed_context(engine):
    needed = engine.device_memory_size
    context = engine.create_execution_context_without_device_memory()
    return context, needed
