# In the style of torch2trt's native converters (torch2trt/converters/*.py): no tensorrt
# import of their own; `trt` comes from the core module's star import.
from torch2trt_core import *


def convert_interpolate(ctx, input, output, size, align_corners):
    layer = ctx.network.add_resize(input=input)
    layer.shape = tuple(size)
    layer.resize_mode = trt.ResizeMode.LINEAR
    layer.align_corners = align_corners
    output._trt = layer.get_output(0)


def convert_narrow(ctx, input, output, start, shape):
    layer = ctx.network.add_slice(input, start, shape, (1,) * len(shape))
    layer.mode = trt.SliceMode.WRAP
    output._trt = layer.get_output(0)
