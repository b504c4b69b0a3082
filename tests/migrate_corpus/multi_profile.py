# Two-profile 8.x engine: the second context uses profile 1 and its mangled binding names.
import tensorrt as trt


def make_contexts(engine, stream):
    ctx0 = engine.create_execution_context()
    ctx1 = engine.create_execution_context()
    ctx1.active_optimization_profile = 1
    per_profile = engine.num_bindings // engine.num_optimization_profiles
    shape1 = engine.get_binding_shape("input [profile 1]")
    lo, opt, hi = engine.get_profile_shape(1, "input [profile 1]")
    ctx1.set_binding_shape(per_profile + 0, hi)
    return ctx0, ctx1, shape1, per_profile


def set_shape_tensor(context, engine, values):
    index = engine.get_binding_index("shape_input")
    if engine.is_shape_binding(index):
        context.set_shape_input(index, values)
    return context.get_shape(index)


def run_implicit(context, bindings):
    return context.execute(batch_size=4, bindings=bindings)


def count(engine):
    return len(engine), engine["input"]


def legacy_ok(engine):
    return engine.num_bindings  # trtcompat: ignore[TRT001]
