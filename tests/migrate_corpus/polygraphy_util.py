# In the style of Polygraphy's polygraphy/backend/trt/util.py: tensorrt imported lazily, with
# a requirement, and the API switch as a helper other modules call.
from polygraphy import mod

trt = mod.lazy_import("tensorrt>=8.5")


def _should_use_v3_api():
    return mod.version(trt.__version__) > mod.version("8.5.0.9")


def check_profile(profile, network):
    if not _should_use_v3_api():
        return profile.get_shape_input(network.get_input(0).name)
    return None
