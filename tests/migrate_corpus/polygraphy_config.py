# In the style of Polygraphy's CreateConfig (polygraphy/backend/trt/config.py): builder flags
# set by name through a helper, and through getattr.
from polygraphy import mod

trt = mod.lazy_import("tensorrt>=8.5")


def create_config(builder, network, fp16, int8, flag_names):
    config = builder.create_builder_config()

    def try_set_flag(flag_name):
        config.set_flag(getattr(trt.BuilderFlag, flag_name))

    if fp16:
        try_set_flag("FP16")
    if int8:
        try_set_flag("INT8")
    try_set_flag("TF32")
    for name in flag_names:
        config.set_flag(getattr(trt.BuilderFlag, name))
    config.set_flag(getattr(trt.BuilderFlag, "OBEY_PRECISION_CONSTRAINTS"))
    config.profiling_verbosity = trt.ProfilingVerbosity.VERBOSE
    return config
