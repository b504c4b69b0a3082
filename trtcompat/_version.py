"""The trtcompat version, in one place (read by the build and by ``trtcompat.__version__``)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
