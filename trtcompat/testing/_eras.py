"""What each faked TensorRT release offers: versions, DataTypes, and the public members of its
classes, for every release the version table knows (8.0 ... 11.4) and under the coarse era
names (``"10"`` is the newest 10.x). The fakes implement the members listed here; which of
them a release offers comes from the version table (``_versions.ADDED`` / ``REMOVED``),
so the fakes, the scanner and the version facts cannot disagree. ``tests/test_fake_fidelity.py``
compares the result with the real lists; ``nox -s oracle`` with the real modules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from packaging.version import Version

from .._api_changes import CHANGES
from .._compat import DATACLASS_SLOTS
from .._versions import RELEASE_BUILDS, TRT_10_0, has_member, offered, parse_version

__all__ = ["COARSE_ERAS", "ERAS", "RELEASES", "Era", "release_key"]

_BINDING_ENGINE = (
    "__len__",
    "num_bindings",
    "get_binding_name",
    "get_binding_index",
    "binding_is_input",
    "get_binding_shape",
    "get_binding_dtype",
    "get_binding_format",
    "get_binding_vectorized_dim",
    "get_binding_components_per_element",
    "get_binding_bytes_per_component",
    "get_location",
    "is_shape_binding",
    "is_execution_binding",
    "get_profile_shape",
    "max_batch_size",
    "has_implicit_batch_dimension",
    "create_execution_context_without_device_memory",
    "device_memory_size",
)
_TENSOR_ENGINE = (
    "num_io_tensors",
    "get_tensor_name",
    "get_tensor_mode",
    "get_tensor_shape",
    "get_tensor_dtype",
    "get_tensor_location",
    "get_tensor_format",
    "get_tensor_vectorized_dim",
    "get_tensor_components_per_element",
    "get_tensor_bytes_per_component",
    "get_tensor_profile_shape",
    "is_shape_inference_io",
)
_COMMON_ENGINE = (
    "__getitem__",
    "name",
    "num_optimization_profiles",
    "create_execution_context",
    "serialize",
)
_BINDING_CONTEXT = (
    "set_binding_shape",
    "get_binding_shape",
    "all_shape_inputs_specified",
    "execute",
    "execute_async",
    "execute_async_v2",
)
_TENSOR_CONTEXT = (
    "set_input_shape",
    "get_tensor_shape",
    "set_tensor_address",
    "get_tensor_address",
    "execute_async_v3",
    "infer_shapes",
    "set_output_allocator",
    "get_output_allocator",
    "get_max_output_size",
    "set_input_consumed_event",
    "get_input_consumed_event",
)
_COMMON_CONTEXT = (
    "engine",
    "name",
    "active_optimization_profile",
    "set_optimization_profile_async",
    "all_binding_shapes_specified",
    "execute_v2",
)
_RUNTIME = ("deserialize_cuda_engine", "logger", "max_threads", "engine_host_code_allowed")
# Every member the fakes implement, per class; an era offers those its release has.
_ENGINE = (
    *_COMMON_ENGINE,
    *_BINDING_ENGINE,
    *_TENSOR_ENGINE,
    "get_tensor_profile_values",
    "device_memory_size_v2",
)
_CONTEXT = (*_COMMON_CONTEXT, *_BINDING_CONTEXT, *_TENSOR_CONTEXT)


def _members(cls: str, implemented: tuple[str, ...], version: str) -> tuple[str, ...]:
    release = parse_version(version)
    return tuple(name for name in implemented if offered(cls, name, release))


@dataclass(frozen=True, **DATACLASS_SLOTS)
class Era:
    """One TensorRT API era as the fakes model it.

    Attributes:
        key: A release (``"8.0"`` ... ``"11.4"``) or a coarse era name (``"10"``, ``"11"``).
        version: The ``__version__`` the fake module reports (a real release of that line).
        dtypes: DataType members of that release.
        engine_members / context_members / runtime_members: public names of the classes.
        deprecated: ``Class.member`` names whose Python binding warns (DeprecationWarning).
        implicit_batch: Whether implicit-batch engines exist.
        shared_profile_zero: 8.x: a second context starts on profile -1 while another holds 0.
        settable_profile: ``active_optimization_profile`` has a setter (8.x/9.x).
    """

    key: str
    version: str
    dtypes: tuple[str, ...]
    engine_members: tuple[str, ...]
    context_members: tuple[str, ...]
    runtime_members: tuple[str, ...]
    deprecated: frozenset[str]
    implicit_batch: bool
    shared_profile_zero: bool
    settable_profile: bool

    @property
    def release(self) -> Version:
        """The faked release, parsed."""
        return parse_version(self.version)

    @property
    def has_bindings(self) -> bool:
        """Whether the binding-index API exists."""
        return "num_bindings" in self.engine_members

    @property
    def has_tensors(self) -> bool:
        """Whether the name-based API exists."""
        return "num_io_tensors" in self.engine_members


# Every DataType the table knows, in the order of the real enum's values.
_ALL_DTYPES = (
    "FLOAT", "HALF", "INT8", "INT32", "BOOL", "UINT8", "FP8", "BF16", "INT64", "INT4", "FP4",
    "E8M0",
)  # fmt: skip


def _release_era(version: str) -> Era:
    """The fake of one release, everything read from the version table.

    A member is deprecated where the table's deprecated column says its binding warns;
    ``IExecutionContext.active_optimization_profile`` also warns in 8.4-8.6 (pyCore.cpp of
    release/8.4 and 8.6 wrap its setter in utils::deprecate, which the table's extractor,
    reading ``.def_property`` lines, does not see).
    """
    release = parse_version(version)
    before_10 = release < TRT_10_0
    deprecated = set()
    for cls, implemented in (("ICudaEngine", _ENGINE), ("IExecutionContext", _CONTEXT)):
        for name in _members(cls, implemented, version):
            change = CHANGES.get(cls, {}).get(name)
            if change is not None and change[1] is not None and Version(change[1]) <= release:
                deprecated.add(f"{cls}.{name}")
    if parse_version("8.4") <= release < TRT_10_0:
        deprecated.add("IExecutionContext.active_optimization_profile")
    return Era(
        key=f"{release.major}.{release.minor}",
        version=version,
        dtypes=tuple(d for d in _ALL_DTYPES if has_member("DataType", d, release)),
        engine_members=_members("ICudaEngine", _ENGINE, version),
        context_members=_members("IExecutionContext", _CONTEXT, version),
        runtime_members=_members("Runtime", _RUNTIME, version),
        deprecated=frozenset(deprecated),
        implicit_batch=before_10,
        shared_profile_zero=before_10,
        settable_profile=before_10,
    )


_PER_RELEASE = {era.key: era for era in map(_release_era, RELEASE_BUILDS)}

#: Every faked release by key (``"8.0"`` ... ``"11.4"``), oldest first.
RELEASES: tuple[str, ...] = tuple(_PER_RELEASE)


def _newest(major: int) -> Era:
    """The newest release of a major under the major's own name (``10`` -> 10.16 as ``"10"``)."""
    newest = [era for era in _PER_RELEASE.values() if era.release.major == major][-1]
    return replace(newest, key=str(major))


# The last 8.x releases without and with the name-based API's full form (8.5 added it): the
# suite's two 8.x eras, fixed history.
_EIGHT_X = ("8.4", "8.6")
# Every major from 10.0 on (name-based API only) is one coarse era, its newest release: a
# major the version table gains (``RELEASE_BUILDS``) becomes a coarse era by itself.
_MAJORS = sorted({era.release.major for era in _PER_RELEASE.values() if era.release >= TRT_10_0})

#: The coarse era names the suite runs every test on (``"8.4"``, ``"8.6"``, then one per major
#: from 10 on: ``"10"``, ``"11"``, the newest release of each), then every release.
ERAS: dict[str, Era] = {
    **{key: _PER_RELEASE[key] for key in _EIGHT_X},
    **{str(major): _newest(major) for major in _MAJORS},
}
#: The coarse names, oldest first.
COARSE_ERAS: tuple[str, ...] = tuple(ERAS)
ERAS.update((key, era) for key, era in _PER_RELEASE.items() if key not in ERAS)


def release_key(version: str) -> str:
    """The per-release fake key of a TensorRT ``__version__`` (``"10.3.0.26"`` -> ``"10.3"``).

    Raises:
        ValueError: the table knows no such release.
    """
    release = parse_version(version)
    key = f"{release.major}.{release.minor}"
    if key not in _PER_RELEASE:
        raise ValueError(
            f"No fake of TensorRT {version!r}: the version table knows {', '.join(RELEASES)}."
        )
    return key

