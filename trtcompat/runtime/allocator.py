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
from ..backends import Backend, resolve_backend
from ..errors import ClosedError, ShapeError, UnknownTensorError
from ..iotensor import IOTensor
from ._hostmem import host_array
from .memory import BindingList, HostDeviceMem

__all__ = [
    "BindingList",
    "Buffers",
    "HostDeviceMem",
    "allocate_buffers",
    "choose_backend",
    "make_buffers",
]


def _max_shape(family: Family, engine: Any, tensor: IOTensor, profile: int) -> Shape:
    if not tensor.is_dynamic:
        return tensor.shape
    return family.profile_shapes(engine, tensor.name, profile)[2]


class Buffers:
    """Buffers for every I/O tensor of one engine on one backend, and the addresses bound.

    Unpacks as ``inputs, outputs, bindings, stream`` (``len(buffers) == 4``, like the tuple it
    stands for); ``buffers["name"]`` gives one tensor's :class:`HostDeviceMem`. Use as a
    context manager, or call :meth:`close`.

    It alone writes its binding state: :meth:`bind` points a tensor at other memory (a
    caller's device array), :meth:`ensure` grows a tensor's memory and binds the new memory;
    :meth:`addresses` gives the list ``execute`` takes for any profile. ``moves`` counts the
    times any tensor's own memory was replaced (so cached pointers can be checked cheaply).
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
        self.family = family
        self.tensors = tuple(tensors)
        self.backend = backend
        self.stream = stream
        self._owns_stream = owns_stream
        self._closed = False
        self._mems: dict[str, HostDeviceMem] = {}
        self._index = {t.name: i for i, t in enumerate(self.tensors)}
        #: Per profile: (slot count, slot of each tensor), from the family (8.x replicates).
        self._layouts = [
            family.binding_layout(engine, k) for k in range(family.num_profiles(engine))
        ]
        family.binding_layout(engine, profile)  # ProfileError for a profile out of range
        self._profile = profile
        #: The address bound for each tensor, in tensor order.
        self._bound = [0] * len(self.tensors)
        self.moves = 0
        self.bindings = BindingList([0] * self._layouts[profile][0])
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
        return 4  # what unpacking yields: inputs, outputs, bindings, stream

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ClosedError("These buffers were closed; allocate new ones.")

    # -- binding state ---------------------------------------------------------------------
    def bind(self, name: str, pointer: int) -> None:
        """Points tensor ``name`` at ``pointer`` (e.g. a caller's device array, zero-copy)."""
        i = self._index[name]
        self._bound[i] = pointer
        self.bindings[self._layouts[self._profile][1][i]] = pointer

    def bound(self, name: str) -> int:
        """The address tensor ``name`` is bound to now."""
        return self._bound[self._index[name]]

    def addresses(self, profile: int | None = None) -> list[int]:
        """The list ``execute`` takes, laid out for ``profile`` (default: these buffers')."""
        slots, slot_of = self._layouts[self._profile if profile is None else profile]
        result = [0] * slots
        for i, pointer in enumerate(self._bound):
            result[slot_of[i]] = pointer
        return result

    # -- allocation ------------------------------------------------------------------------
    def _allocate(self, tensor: IOTensor, shape: Shape, nbytes: int = -1) -> None:
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
        self.bind(tensor.name, device)

    def _release(self, mem: HostDeviceMem) -> None:
        try:
            if mem.device != mem.host_ptr:
                self.backend.free(mem.device)
        finally:  # the host side is freed even where the device free failed
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
        self._allocate(mem.tensor, shape, nbytes)
        self.moves += 1
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
        self._bound = [0] * len(self.tensors)
        errors = []
        for mem in mems:
            try:
                self._release(mem)
            except Exception as err:  # keep freeing the rest; report the first failure
                errors.append(err)
        if self._owns_stream:
            try:
                self.backend.destroy_stream(self.stream)
            except Exception as err:
                errors.append(err)
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
    """Resolves dynamic output shapes by setting the inputs' shapes on a context.

    Without ``context`` a temporary one is made and released before this returns (on 8.x a
    context that outlived the call would keep profile 0 from the caller's own).
    """
    if context is not None:
        return _resolve(family, context, inputs, profile, tensors, stream)
    temporary = engine.create_execution_context()
    try:
        return _resolve(family, temporary, inputs, profile, tensors, stream)
    finally:
        del temporary


def _resolve(
    family: Family,
    context: Any,
    inputs: Mapping[str, Shape],
    profile: int,
    tensors: Sequence[IOTensor],
    stream: int,
) -> dict[str, Shape]:
    if family.active_profile(context) != profile:
        family.set_profile(context, profile, stream)
    for name, shape in inputs.items():
        family.set_input_shape(context, name, shape)
    return {t.name: family.tensor_shape(context, t.name) for t in tensors if not t.is_input}


def allocate_buffers(
    engine: Any,
    context: Any = None,
    *,
    backend: str | Backend | None = None,
    profile: int = 0,
    shapes: Mapping[str, Sequence[int]] | None = None,
    device: int = 0,
    family: str | None = None,
) -> Buffers:
    """Allocates pinned host and device buffers for every I/O tensor of ``engine``.

    Sizes: static shapes exactly; dynamic dimensions from ``shapes`` or else the profile's
    max shape; implicit batch from ``max_batch_size``; dynamic outputs from what a context
    resolves for those input shapes. Host-location (shape) tensors get host memory only.
    If any allocation fails, everything allocated so far is freed before the error.

    Args:
        engine: An ``ICudaEngine`` of any supported TensorRT.
        context: An execution context to resolve output shapes with. Where outputs are
            dynamic, its input shapes are left set to the sizes allocated, as TensorRT 10's
            own samples helper does. Without one, a temporary context is used and released
            before this returns, so a context created afterwards gets profile 0 on 8.x too.
        backend: A backend name (``"pycuda"``, ``"cuda_python"``, ``"cupy"``, ``"torch"``,
            ``"host"``), a backend object, or None for the default.
        profile: The optimization profile the buffers are for.
        shapes: Concrete shapes for some tensors (e.g. the batch you will run).
        device: The CUDA device to allocate on (must match a backend object's device).
        family: Force ``"bindings"`` or ``"tensors"`` where both exist.

    Returns:
        :class:`Buffers`, which unpacks as ``(inputs, outputs, bindings, stream)``.

    Raises:
        ShapeError: an output's shape is data-dependent (use ``shapes=`` or a Runner).
        DeviceError: ``backend`` is an object on another device than ``device``.
    """
    return make_buffers(
        engine,
        choose_backend(backend, device),
        profile=profile,
        context=context,
        shapes=shapes,
        family=family,
    )


def choose_backend(backend: str | Backend | None, device: int) -> Backend:
    """``backend`` as an object on ``device``; a backend object on another device raises."""
    return resolve_backend(backend, device)


def make_buffers(
    engine: Any,
    backend: Backend,
    *,
    profile: int = 0,
    context: Any = None,
    shapes: Mapping[str, Sequence[int]] | None = None,
    family: str | None = None,
    stream: int | None = None,
    data_dependent_ok: bool = False,
) -> Buffers:
    """:func:`allocate_buffers` for the runtime's own callers.

    ``stream``: an existing stream to use (the buffers then do not own it); None makes one.
    ``data_dependent_ok``: size data-dependent outputs at 0 bytes for an output allocator to
    grow (the Runner) instead of raising ShapeError.
    """
    api = family_for(engine, family)
    tensors = api.io_tensors(engine)
    wanted = _known_shapes(api, engine, tensors, _given_shapes(tensors, shapes), profile)
    owns = stream is None
    used = backend.create_stream() if stream is None else stream
    try:
        buffers = Buffers(engine, api, tensors, backend, profile, used, owns)
    except BaseException:  # e.g. ProfileError from the layout: the stream is ours to free
        if owns:
            backend.destroy_stream(used)
        raise
    try:
        if len(wanted) < len(tensors):
            with backend.activate():
                resolved = _output_shapes(
                    api, engine, context, _input_shapes(tensors, wanted), profile, tensors, used
                )
            for t in tensors:
                if t.name not in wanted:
                    wanted[t.name] = _resolved_shape(t, resolved[t.name], data_dependent_ok)
        for t in tensors:
            buffers._allocate(t, wanted[t.name])
    except BaseException:
        buffers.close()
        raise
    return buffers


def _given_shapes(
    tensors: Sequence[IOTensor], shapes: Mapping[str, Sequence[int]] | None
) -> dict[str, Shape]:
    """``shapes=`` as int tuples; UnknownTensorError for a name the engine lacks."""
    given = {k: tuple(int(d) for d in v) for k, v in (shapes or {}).items()}
    names = {t.name for t in tensors}
    for name in given:
        if name not in names:
            known = ", ".join(repr(t.name) for t in tensors)
            raise UnknownTensorError(
                f"shapes= names {name!r}, which the engine lacks; it has {known}."
            )
    return given


def _known_shapes(
    api: Family, engine: Any, tensors: Sequence[IOTensor], given: dict[str, Shape], profile: int
) -> dict[str, Shape]:
    """The shapes known before a context resolves anything: given ones, inputs' and static
    tensors' (max) shapes, every tensor of an implicit-batch engine; dynamic outputs left out."""
    implicit = api.has_implicit_batch(engine)
    wanted: dict[str, Shape] = {}
    for t in tensors:
        if t.name in given:
            wanted[t.name] = given[t.name]
        elif t.is_input or not t.is_dynamic or implicit:
            wanted[t.name] = _max_shape(api, engine, t, profile)
    return wanted


def _input_shapes(tensors: Sequence[IOTensor], wanted: Mapping[str, Shape]) -> dict[str, Shape]:
    # Shape tensors' values, not their shapes, decide outputs: TensorRT resolves those itself.
    return {t.name: wanted[t.name] for t in tensors if t.is_input and not t.is_shape_tensor}


def _resolved_shape(tensor: IOTensor, shape: Shape, data_dependent_ok: bool) -> Shape:
    """A dynamic output's resolved shape; a data-dependent one raises ShapeError, or with
    ``data_dependent_ok`` is sized 0 where unknown (the Runner's output allocator grows it)."""
    if not any(d < 0 for d in shape):
        return shape
    if not data_dependent_ok:
        raise ShapeError(
            f"Output {tensor.name!r} has a data-dependent shape {shape}; "
            "give shapes={...} or run it through trtcompat.Runner."
        )
    return tuple(max(d, 0) for d in shape)
