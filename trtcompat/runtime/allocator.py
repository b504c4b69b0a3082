"""The one allocator: host and device buffers for every I/O tensor of an engine.

``allocate_buffers`` returns a :class:`Buffers` that also unpacks as the classic samples'
``(inputs, outputs, bindings, stream)``, so code written on that helper becomes
version-agnostic by changing one import.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .._dispatch import family_for
from .._family import Family, Shape
from ..backends import Backend, get_backend
from ..errors import ClosedError, ShapeError, UnknownTensorError
from ..iotensor import IOTensor
from ._hostmem import host_array
from .memory import BindingList, HostDeviceMem

__all__ = ["BindingList", "Buffers", "HostDeviceMem", "allocate_buffers"]


def _max_shape(family: Family, engine: Any, tensor: IOTensor, profile: int) -> Shape:
    if not tensor.is_dynamic:
        return tensor.shape
    return family.profile_shapes(engine, tensor.name, profile)[2]


class Buffers:
    """Buffers for every I/O tensor of one engine on one backend and profile.

    Unpacks as ``inputs, outputs, bindings, stream``; ``buffers["name"]`` gives one tensor's
    :class:`HostDeviceMem`. Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        engine: Any,
        family: Family,
        tensors: Sequence[IOTensor],
        backend: Backend,
        profile: int,
        stream: int,
        owns_stream: bool,
    ) -> None:
        self.engine = engine
        self.family = family
        self.tensors = tuple(tensors)
        self.backend = backend
        self.profile = profile
        self.stream = stream
        self._owns_stream = owns_stream
        self._closed = False
        self._mems: dict[str, HostDeviceMem] = {}
        slots, self._slot_of = family.binding_layout(engine, profile)
        self.bindings = BindingList([0] * slots)
        self.bindings.names = tuple(t.name for t in self.tensors)
        self.bindings.family = family

    # -- the classic 4-tuple ---------------------------------------------------------------
    @property
    def inputs(self) -> list[HostDeviceMem]:
        """Input buffers, in engine order."""
        return [self._mems[t.name] for t in self.tensors if t.is_input]

    @property
    def outputs(self) -> list[HostDeviceMem]:
        """Output buffers, in engine order."""
        return [self._mems[t.name] for t in self.tensors if not t.is_input]

    def __iter__(self) -> Iterator[Any]:
        self._check_open()
        return iter((self.inputs, self.outputs, self.bindings, self.stream))

    def __getitem__(self, name: str) -> HostDeviceMem:
        self._check_open()
        try:
            return self._mems[name]
        except KeyError:
            known = ", ".join(repr(t.name) for t in self.tensors)
            raise UnknownTensorError(f"No tensor {name!r}. The engine has {known}.") from None

    def __len__(self) -> int:
        return len(self._mems)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ClosedError("These buffers were closed; allocate new ones.")

    # -- allocation ------------------------------------------------------------------------
    def _allocate(self, tensor: IOTensor, shape: Shape, slot: int, nbytes: int = -1) -> None:
        nbytes = tensor.nbytes(shape) if nbytes < 0 else nbytes
        backend = self.backend
        host_ptr = backend.malloc_host(max(nbytes, 1))
        try:
            device = host_ptr if tensor.location == "host" else backend.malloc(max(nbytes, 1))
        except BaseException:
            backend.free_host(host_ptr)
            raise
        host = host_array(host_ptr, nbytes, tensor.dtype, shape, tensor.bits_per_element)
        self._mems[tensor.name] = HostDeviceMem(
            tensor.name, host, device, nbytes, shape, tensor.dtype, tensor, host_ptr, backend
        )
        self.bindings[self._slot_of[slot]] = device

    def _release(self, mem: HostDeviceMem) -> None:
        if mem.device != mem.host_ptr:
            self.backend.free(mem.device)
        self.backend.free_host(mem.host_ptr)

    def ensure(self, name: str, shape: Sequence[int]) -> HostDeviceMem:
        """Grows ``name``'s buffers if ``shape`` needs more bytes than they have.

        The old contents are not kept. Returns the (possibly new) buffers; the binding slot
        is updated, so ``bindings`` stays valid.
        """
        mem = self[name]
        dims = tuple(int(d) for d in shape)
        return self._grow(mem, dims, mem.tensor.nbytes(dims))

    def ensure_nbytes(self, name: str, nbytes: int) -> HostDeviceMem:
        """Grows ``name``'s buffers to at least ``nbytes`` (for outputs whose size only the
        engine knows: data-dependent shapes). Contents are not kept."""
        mem = self[name]
        return self._grow(mem, mem.shape, nbytes)

    def _grow(self, mem: HostDeviceMem, shape: Shape, nbytes: int) -> HostDeviceMem:
        if nbytes <= mem.nbytes:
            return mem
        # Allocate first: if that fails, the old buffers stay in place and usable.
        self._allocate(mem.tensor, shape, self.tensors.index(mem.tensor), nbytes)
        self._release(mem)
        return self._mems[mem.name]

    def close(self) -> None:
        """Frees every buffer (and the stream, if these buffers made it). Idempotent."""
        if self._closed:
            return
        self._closed = True
        mems, self._mems = list(self._mems.values()), {}
        for i in range(len(self.bindings)):
            self.bindings[i] = 0
        errors = []
        for mem in mems:
            try:
                self._release(mem)
            except Exception as err:  # keep freeing the rest; report the first failure
                errors.append(err)
        if self._owns_stream:
            self.backend.destroy_stream(self.stream)
        if errors:
            raise errors[0]

    def __enter__(self) -> Buffers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self._mems)} tensors"
        return f"<Buffers {state} on {self.backend.name}:{self.backend.device}>"


def _output_shapes(
    family: Family,
    engine: Any,
    context: Any,
    inputs: Mapping[str, Shape],
    profile: int,
    tensors: Sequence[IOTensor],
    stream: int,
) -> dict[str, Shape]:
    """Resolves dynamic output shapes by setting the inputs' shapes on a context."""
    own = context is None
    if own:
        context = engine.create_execution_context()
    try:
        if family.active_profile(context) != profile:
            family.set_profile(context, profile, stream)
        for name, shape in inputs.items():
            family.set_input_shape(context, name, shape)
        return {t.name: family.tensor_shape(context, t.name) for t in tensors if not t.is_input}
    finally:
        if own:
            del context


def allocate_buffers(
    engine: Any,
    context: Any = None,
    *,
    backend: str | Backend | None = None,
    profile: int = 0,
    shapes: Mapping[str, Sequence[int]] | None = None,
    device: int = 0,
    family: str | None = None,
    _stream: int | None = None,
    _data_dependent_ok: bool = False,
) -> Buffers:
    """Allocates pinned host and device buffers for every I/O tensor of ``engine``.

    Sizes: static shapes exactly; dynamic dimensions from ``shapes`` or else the profile's
    max shape; implicit batch from ``max_batch_size``; dynamic outputs from what a context
    resolves for those input shapes. Host-location (shape) tensors get host memory only.
    If any allocation fails, everything allocated so far is freed before the error.

    Args:
        engine: An ``ICudaEngine`` of any supported TensorRT.
        context: An execution context to resolve output shapes with (one is made if needed).
            Where outputs are dynamic, its input shapes are left set to the sizes allocated,
            as TensorRT 10's own samples helper does.
        backend: A backend name (``"pycuda"``, ``"cuda_python"``, ``"cupy"``, ``"torch"``,
            ``"host"``), a backend object, or None for the default.
        profile: The optimization profile the buffers are for.
        shapes: Concrete shapes for some tensors (e.g. the batch you will run).
        device: The CUDA device to allocate on.
        family: Force ``"bindings"`` or ``"tensors"`` where both exist.

    Returns:
        :class:`Buffers`, which unpacks as ``(inputs, outputs, bindings, stream)``.
    """
    api = family_for(engine, family)
    chosen = backend if isinstance(backend, Backend) else get_backend(backend, device=device)
    tensors = api.io_tensors(engine)
    given = {k: tuple(int(d) for d in v) for k, v in (shapes or {}).items()}
    names = {t.name for t in tensors}
    for name in given:
        if name not in names:
            known = ", ".join(repr(t.name) for t in tensors)
            raise UnknownTensorError(
                f"shapes= names {name!r}, which the engine lacks; it has {known}."
            )
    wanted: dict[str, Shape] = {}
    implicit = api.has_implicit_batch(engine)
    for t in tensors:
        if t.name in given:
            wanted[t.name] = given[t.name]
        elif t.is_input or not t.is_dynamic or implicit:
            wanted[t.name] = _max_shape(api, engine, t, profile)
    stream = _stream if _stream is not None else chosen.create_stream()
    try:
        buffers = Buffers(engine, api, tensors, chosen, profile, stream, _stream is None)
    except BaseException:  # e.g. ProfileError from the layout: the stream is ours to free
        if _stream is None:
            chosen.destroy_stream(stream)
        raise
    try:
        missing = [t for t in tensors if t.name not in wanted]
        if missing:
            inputs = {
                t.name: wanted[t.name] for t in tensors if t.is_input and not t.is_shape_tensor
            }
            with chosen.activate():
                resolved = _output_shapes(api, engine, context, inputs, profile, tensors, stream)
            for t in missing:
                if any(d < 0 for d in resolved[t.name]) and _data_dependent_ok:
                    # Sized when the engine asks (the Runner's output allocator grows it).
                    wanted[t.name] = tuple(max(d, 0) for d in resolved[t.name])
                    continue
                if any(d < 0 for d in resolved[t.name]):
                    raise ShapeError(
                        f"Output {t.name!r} has a data-dependent shape {resolved[t.name]}; "
                        "give shapes={...} or run it through trtcompat.Runner."
                    )
                wanted[t.name] = resolved[t.name]
        for slot, t in enumerate(tensors):
            buffers._allocate(t, wanted[t.name], slot)
    except BaseException:
        buffers.close()
        raise
    return buffers


def __dir__() -> list[str]:
    return __all__
