"""What NVIDIA's pybind11 classes do that plain Python classes do not, for the fakes.

Each rule here was observed on NVIDIA's real modules (8.6.1, 10.16.1.11, 11.4.0.106, imported on
CPU with stub libraries; ``tests/oracle/test_behaviours.py``) or, where CPU cannot reach it,
is cited from the pybind sources of the release (NVIDIA/TensorRT ``python/src/infer/``).

- Instances take no new attributes (no ``py::dynamic_attr``): a typo such as
  ``context.debug_synk = True`` raises AttributeError (:class:`Sealed`).
- A Python subclass of a pybind class with a trampoline (``ILogger``, ``IOutputAllocator``)
  must call the base ``__init__``, or instantiating it raises TypeError (:class:`PybindType`).
- Enums are ``py::enum_``: ``int()`` and ``operator.index`` work, ``==`` an int is False, no
  ordering, the class is not iterable (:class:`PybindEnum`).
- ``Dims`` is a fixed array of 8 with ``nbDims`` (:class:`Dims`); ``IHostMemory`` is a buffer
  without ``len()`` (:func:`host_memory`).
"""

from __future__ import annotations

import ctypes
import enum
import sys
import warnings
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

__all__ = [
    "Dims",
    "IHostMemoryBase",
    "PybindEnum",
    "PybindType",
    "Sealed",
    "deprecated_enter",
    "host_memory",
    "mark_initialized",
    "noop_exit",
    "pure_virtual",
    "pybind_enum",
]


class Sealed:
    """Base of fake classes whose instances, like pybind objects, take no new attributes.

    Subclasses list their private state in ``__slots__``; ``__weakref__`` is here because
    pybind11 instances accept weak references.
    """

    __slots__ = ("__weakref__",)


class PybindType(type):
    """Metaclass of the fake bases Python code subclasses (``ILogger``, ``IOutputAllocator``).

    pybind11 refuses an instance whose bound base was never initialized: ``class
    L(trt.ILogger): def __init__(self): pass`` then ``L()`` raises ``TypeError:
    tensorrt.tensorrt.ILogger.__init__() must be called when overriding __init__`` (observed
    on 8.6.1, 10.16 and 11.4).
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        instance = super().__call__(*args, **kwargs)
        bound = next(k for k in cls.__mro__ if "_pybind_bound" in vars(k))
        if getattr(instance, "_pybind_init", None) is not bound:
            raise TypeError(
                f"{bound.__module__}.{bound.__qualname__}.__init__() must be called when "
                "overriding __init__"
            )
        return instance


def mark_initialized(instance: Any, cls: type) -> None:
    """Records that ``cls.__init__`` ran on ``instance`` (what :class:`PybindType` checks)."""
    instance._pybind_init = cls


def pure_virtual(cls: str, member: str, callback: str) -> None:
    """What the real trampoline does when a pure virtual callback has no Python override:
    prints to stderr (std::cerr) and returns None instead of raising (observed: ``ILogger().
    log(...)`` on 8.6.1, 10.16, 11.4; 8.6.1 ``IOutputAllocator().notify_shape(...)``)."""
    print(
        f"[ERROR] Exception caught in {callback}(): Tried to call pure virtual function "
        f'"{cls}::{member}"',
        file=sys.stderr,
    )


class PybindEnum(enum.Enum):
    """A ``py::enum_`` member: ``int()`` / ``operator.index`` give its value, an int never
    compares equal, and the class is not iterable (``for t in trt.DataType`` raises TypeError
    on the real module; use ``__members__``)."""

    def __int__(self) -> int:
        return int(self.value)

    def __index__(self) -> int:
        return int(self.value)


class _NotIterable(enum.EnumMeta):
    def __iter__(cls) -> Any:
        raise TypeError("'pybind11_type' object is not iterable")

    def __reversed__(cls) -> Any:
        raise TypeError("'pybind11_type' object is not reversible")


def pybind_enum(name: str, members: Iterable[tuple[str, int]]) -> type[PybindEnum]:
    """A fake ``py::enum_`` class called ``name``."""
    functional: Any = PybindEnum  # the functional API, which the stubs do not describe
    made: Any = functional(name, list(members))
    # Swap in the metaclass that refuses iteration once the members exist (the functional
    # API iterates while it builds the class).
    made.__class__ = _NotIterable
    enum_class: type[PybindEnum] = made
    return enum_class


class Dims(Sealed):
    """``tensorrt.Dims`` as pyFoundationalTypes.cpp binds it (release/8.4 .. release/11.x).

    ``nbDims`` entries of at most ``MAX_DIMS`` (8; more is ValueError ``Input length 9. Max
    expected length is 8``); an index gives an int, a slice a tuple; ``==`` compares with a
    list or tuple only (another Dims: TypeError, pybind has no such overload); unhashable.
    An *invalid* Dims (``nbDims == -1``, what TensorRT returns for an unknown tensor name,
    see :meth:`_invalid`) has a ``len()`` of -1, so ``len()``, ``list()`` and ``tuple()`` raise
    ValueError as they do on the real object (``__len__`` returns ``self.nbDims``).
    """

    __slots__ = ("_dims", "_nb_dims")
    MAX_DIMS = 8

    def __init__(self, shape: Iterable[int] = ()) -> None:
        dims = [int(d) for d in shape]
        if len(dims) > self.MAX_DIMS:
            raise ValueError(f"Input length {len(dims)}. Max expected length is {self.MAX_DIMS}")
        self._dims = dims
        self._nb_dims = len(dims)

    @classmethod
    def _invalid(cls) -> Any:
        """``Dims{-1, {}}``: NvInferRuntime.h's answer for a name that is no I/O tensor."""
        made = cls()
        made._nb_dims = -1
        return made

    def __len__(self) -> int:
        # -1 for an invalid Dims: Python itself then raises ValueError, as for the real one.
        return self._nb_dims

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            if index.step is not None and index.step < 0:
                # The real getter checks ``stop <= nbDims`` on an unsigned stop: 8.6.1 refuses
                # a reversed slice (IndexError); 10.16 / 11.4 return a tuple of NULL
                # pointers that crashes later. The fake refuses it as 8.6.1 does.
                raise IndexError("Out of bounds")
            return tuple(self._dims[index])
        position = int(index) + self._nb_dims if int(index) < 0 else int(index)
        if not 0 <= position < self._nb_dims:
            raise IndexError("Out of bounds")
        return self._dims[position]

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            values = [int(v) for v in value]
            positions = range(*index.indices(self._nb_dims))
            for position, item in zip(positions, values):
                self._dims[position] = item
            return
        position = int(index) + self._nb_dims if int(index) < 0 else int(index)
        if not 0 <= position < self._nb_dims:
            raise IndexError("Out of bounds")
        self._dims[position] = int(value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (list, tuple)):
            raise TypeError(
                "__eq__(): incompatible function arguments. The following argument types are "
                f"supported:\n    1. (self: Dims, arg0: list) -> bool\n    2. (self: Dims, arg0: "
                f"tuple) -> bool\n\nInvoked with: {self!r}, {other!r}"
            )
        return len(other) == self._nb_dims and [int(d) for d in other] == self._dims

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._nb_dims < 0:
            return "Dims(nbDims=-1)"  # the real __str__ reads out of bounds here
        if self._nb_dims == 1:
            return f"({self._dims[0]},)"
        return "(" + ", ".join(str(d) for d in self._dims) + ")"

    __str__ = __repr__


class IHostMemoryBase:
    """Base of the fake ``IHostMemory`` (what ``serialize()`` returns): a read-only view of
    bytes through the buffer protocol, with ``nbytes`` and ``dtype``; no ``len()``, no
    indexing or slicing, no constructor (pyFoundationalTypes.cpp: ``py::buffer_protocol()``,
    ``dtype``, ``nbytes``, ``def_buffer``). ``bytes(m)``, ``memoryview(m)``,
    ``numpy.frombuffer(m, numpy.uint8)`` and ``file.write(m)`` work on both."""

    __slots__ = ()
    _dtype: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(f"{type(self).__module__}.IHostMemory: No constructor defined!")

    @property
    def nbytes(self) -> int:
        """Size in bytes."""
        return ctypes.sizeof(self)  # type: ignore[arg-type]

    @property
    def dtype(self) -> Any:
        """The DataType the library gave the memory: a one-byte type for a plan (the buffer's
        item size is that type's size and its length is ``nbytes``)."""
        return self._dtype


def _no_len(self: Any) -> int:
    raise TypeError("object of type 'IHostMemory' has no len()")


def _not_subscriptable(self: Any, index: Any, *value: Any) -> Any:
    raise TypeError("'IHostMemory' object is not subscriptable")


def _not_iterable(self: Any) -> Any:
    raise TypeError("'IHostMemory' object is not iterable")


def _no_new_attribute(self: Any, name: str, value: Any) -> None:
    # ctypes instances have a __dict__; pybind's IHostMemory has none.
    raise AttributeError(f"'IHostMemory' object has no attribute {name!r}")


@lru_cache(maxsize=256)
def _sized(base: type, size: int) -> type:
    # A ctypes array gives the buffer protocol on every Python (``__buffer__`` is 3.12+); the
    # sequence methods ctypes adds are refused as the real object has none.
    return type(
        "IHostMemory",
        (base, ctypes.c_ubyte * size),
        {
            "__slots__": (),
            "__module__": base.__module__,
            "__len__": _no_len,
            "__getitem__": _not_subscriptable,
            "__setitem__": _not_subscriptable,
            "__iter__": _not_iterable,
            "__setattr__": _no_new_attribute,
        },
    )


def host_memory(base: type, data: bytes) -> Any:
    """A fake ``IHostMemory`` (an instance of ``base``) holding a copy of ``data``."""
    return _sized(base, len(data)).from_buffer_copy(data)  # type: ignore[attr-defined]


def deprecated_enter(this: Any) -> Any:
    """``__enter__`` as every real ``tensorrt/__init__.py`` (8.4.3 .. 11.x) patches it on."""
    warnings.warn(
        "Context managers for TensorRT types are deprecated. "
        "Memory will be freed automatically when the reference count reaches 0.",
        DeprecationWarning,
        stacklevel=2,
    )
    return this


def noop_exit(this: Any, exc_type: Any, exc_value: Any, traceback: Any) -> None:
    """``__exit__``: context managers have no effect (objects free at refcount 0)."""
    del this, exc_type, exc_value, traceback
