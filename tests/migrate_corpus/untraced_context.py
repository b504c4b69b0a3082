# Helpers that receive a context whose engine the file never sees (the samples' common.py
# style, one profile): the calls become trtcompat functions.
import tensorrt as trt


def set_shape(context, shape):
    context.set_binding_shape("input", shape)


def shape_of(context):
    return tuple(context.get_binding_shape("input"))


def run(context, bindings, stream):
    context.execute_async_v2(bindings, stream.handle)
