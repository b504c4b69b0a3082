"""The forwarding wrapper under both legacy views: a stand-in for a TensorRT object."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["Proxy"]

# TensorRT 8 members that the facade does not map onto the name-based API, with what to use.
_UNMAPPED = {
    "get_binding_format_desc": "engine.get_tensor_format_desc(name)",
    "get_profile_shape_input": "engine.get_tensor_profile_values(profile_index, name)",
    "set_shape_input": "context.set_tensor_address(name, host_pointer)",
    "get_shape": "context.get_tensor_address(name) (a host pointer)",
    "get_strides": "context.get_tensor_strides(name)",
}


class Proxy:
    """Forwards every attribute it does not define to the wrapped TensorRT object.

    Setting goes through too (``context.debug_sync = True`` must reach TensorRT), except for
    names the proxy class itself defines (its slots and properties).

    ``__class__`` reports the wrapped object's class, as ``wrapt.ObjectProxy`` does, so
    client code that checks ``isinstance(engine, trt.ICudaEngine)`` accepts the view;
    ``type()`` still gives the proxy class, and ``isinstance`` against the proxy classes
    still holds (Python tries ``type()`` first).
    """

    __slots__ = ("__wrapped__",)
    __wrapped__: Any

    def __init__(self, wrapped: Any) -> None:
        object.__setattr__(self, "__wrapped__", wrapped)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(self.__wrapped__)

    def __getattr__(self, name: str) -> Any:
        if name == "__wrapped__":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        try:
            return getattr(self.__wrapped__, name)
        except AttributeError:
            if name not in _UNMAPPED:
                raise
        raise AttributeError(
            f"{name!r} is a TensorRT 8 member that trtcompat.legacy does not map onto the "
            f"name-based API. Use {_UNMAPPED[name]} instead."
        ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name):
            object.__setattr__(self, name, value)
        else:
            setattr(self.__wrapped__, name, value)

    def __enter__(self) -> Any:
        # TensorRT 8 samples write `with engine.create_execution_context() as context:`;
        # the real classes' own __enter__ (patched on by tensorrt/__init__.py) still runs.
        enter = getattr(self.__wrapped__, "__enter__", None)
        if enter is not None:
            with warnings.catch_warnings():
                # 10.x/11.x deprecate these (no-op) context managers; TensorRT 8 code that the
                # facade runs used them as documented then, so it is not warned about them.
                warnings.simplefilter("ignore", DeprecationWarning)
                enter()
        return self

    def __exit__(self, *exc: object) -> None:
        exit_ = getattr(self.__wrapped__, "__exit__", None)
        if exit_ is not None:
            exit_(*exc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.__wrapped__!r}>"
