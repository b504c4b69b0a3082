"""``BuildConfig``: what a plan build asks of TensorRT, frozen and JSON-canonical.

The same config means the same plan request on every release, so it is part of a plan store's
key (:meth:`BuildConfig.key_fields`); the timing cache path is not (a cache changes how fast a
build is, never what it builds).
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields

# typing's generics: these aliases and the base class are evaluated at run time, where
# collections.abc's cannot be subscripted before Python 3.9.
from typing import Any, Mapping, Sequence, Tuple

from ..errors import BuildError, PrecisionError, ProfileError

__all__ = ["HARDWARE_LEVELS", "PRECISIONS", "BuildConfig", "Profile", "ShapeRange"]

#: Every precision a config may ask for (docs/BUILD.md says what each means per release).
PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "int8", "fp8", "model")
#: Hardware-compatibility levels by their config spelling -> TensorRT's enum member.
HARDWARE_LEVELS = {"ampere+": "AMPERE_PLUS", "same_compute_capability": "SAME_COMPUTE_CAPABILITY"}
#: TensorRT's builder optimization levels (IBuilderConfig.builder_optimization_level).
_OPTIMIZATION_LEVELS = range(6)

Shape = Tuple[int, ...]
#: ``(min, opt, max)`` of one input.
ShapeRange = Tuple[Shape, Shape, Shape]
ProfileLike = Mapping[str, Sequence[Sequence[int]]]


class Profile(Mapping[str, ShapeRange]):
    """One optimization profile: input name -> ``(min, opt, max)``; immutable and hashable.

    Built from any mapping of names to three shapes; the shapes are checked here (same rank,
    ``min <= opt <= max`` in every dimension, no negative dimension), the names against the
    parsed network when the plan is built.

    Raises:
        ProfileError: a range that is not three shapes of one rank in order.
    """

    __slots__ = ("_items",)

    def __init__(self, ranges: ProfileLike) -> None:
        items = []
        for name, shapes in sorted(dict(ranges).items()):
            items.append((str(name), _shape_range(str(name), shapes)))
        self._items: tuple[tuple[str, ShapeRange], ...] = tuple(items)

    def __getitem__(self, name: str) -> ShapeRange:
        for key, value in self._items:
            if key == name:
                return value
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Profile):
            return self._items == other._items
        return super().__eq__(other)

    def __repr__(self) -> str:
        return f"Profile({dict(self._items)!r})"

    def as_json(self) -> dict[str, list[list[int]]]:
        """``{name: [min, opt, max]}`` with lists, as JSON holds it."""
        return {name: [list(s) for s in shapes] for name, shapes in self._items}


def _shape_range(name: str, shapes: Sequence[Sequence[int]]) -> ShapeRange:
    try:
        low, opt, high = (tuple(int(d) for d in s) for s in shapes)
    except (TypeError, ValueError):
        raise ProfileError(
            f"Profile range of input {name!r} is {shapes!r}; it must be three shapes "
            "(min, opt, max), e.g. ((1, 3, 224, 224), (8, 3, 224, 224), (32, 3, 224, 224))."
        ) from None
    if not len(low) == len(opt) == len(high):
        raise ProfileError(
            f"Profile range of input {name!r}: min {low}, opt {opt} and max {high} have "
            "different ranks; give all three with the input's rank."
        )
    if any(d < 0 for d in (*low, *opt, *high)):
        raise ProfileError(
            f"Profile range of input {name!r}: {(low, opt, high)} has a negative dimension; "
            "a profile gives concrete sizes (-1 belongs in the model, not the profile)."
        )
    if not all(a <= b <= c for a, b, c in zip(low, opt, high)):
        raise ProfileError(
            f"Profile range of input {name!r}: min {low} <= opt {opt} <= max {high} must hold "
            "in every dimension."
        )
    return low, opt, high


def _profiles(value: Any) -> tuple[Profile, ...]:
    if isinstance(value, Mapping):
        value = (value,)  # one profile given bare
    try:
        return tuple(p if isinstance(p, Profile) else Profile(p) for p in value)
    except (TypeError, AttributeError):
        raise ProfileError(
            f"profiles={value!r}: give a sequence of {{input: (min, opt, max)}} mappings."
        ) from None


def _positive_int(name: str, value: Any, *, allow_zero: bool = False) -> int:
    # Any integer type (numpy's included) but bool; the JSON form holds plain ints.
    try:
        number: int | None = operator.index(value)
    except TypeError:
        number = None
    if isinstance(value, bool) or number is None or number < (0 if allow_zero else 1):
        wanted = "a DLA core index (0, 1)" if allow_zero else "a positive number of bytes (1 << 30)"
        raise BuildError(f"{name}={value!r}: give {wanted}, or None.")
    return number


@dataclass(frozen=True)
class BuildConfig:
    """What to build: precision, shapes, memory and compatibility options.

    Every option is checked against the installed TensorRT when the plan is built: an option
    the release lacks raises :class:`~trtcompat.BuildFeatureError` naming the release that
    added it, and a precision it cannot meet raises :class:`~trtcompat.PrecisionError`;
    nothing is silently dropped or lowered. docs/BUILD.md has the rules per release.

    Attributes:
        precision: ``"fp32"`` (TF32 off), ``"tf32"``, ``"fp16"``, ``"bf16"``, ``"int8"``,
            ``"fp8"`` (both need a model with Q/DQ nodes), or ``"model"`` (strongly typed:
            the model's own types).
        profiles: Optimization profiles, each ``{input: (min, opt, max)}``; one mapping alone
            is one profile. Stored as :class:`Profile` objects.
        workspace: Workspace limit in bytes (TensorRT's default where None).
        timing_cache: Path of a timing cache to load and update (atomically). Not part of
            :meth:`key_fields`: it changes build time, never the plan asked for.
        version_compatible: Build a version-compatible plan (TensorRT 8.6+).
        exclude_lean_runtime: Leave the lean runtime out of a version-compatible plan (8.6+).
        hardware_compatibility: ``"ampere+"`` (8.6+) or ``"same_compute_capability"``
            (10.12+), or None for plans of this GPU's compute capability only.
        optimization_level: Builder optimization level 0-5 (8.6+).
        dla_core: Build for this DLA core with GPU fallback.
        refit: A refittable plan.
        strip_weights: A weight-stripped plan (10.0+; refit the weights at load time).
        plugins: Plugin libraries to load for the build (and to serialize into a
            version-compatible plan).
        keep_io_types: When fp16 / bf16 on a strongly typed release converts the model, keep
            its inputs and outputs in their original types (the default); False converts
            them too.
    """

    precision: str = "fp32"
    profiles: Sequence[ProfileLike] = ()
    workspace: int | None = None
    timing_cache: str | None = None
    version_compatible: bool = False
    exclude_lean_runtime: bool = False
    hardware_compatibility: str | None = None
    optimization_level: int | None = None
    dla_core: int | None = None
    refit: bool = False
    strip_weights: bool = False
    plugins: Sequence[str] = ()
    keep_io_types: bool = True

    def __post_init__(self) -> None:
        # Normalise through object.__setattr__: the dataclass is frozen once built.
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        precision = str(self.precision).lower()
        if precision not in PRECISIONS:
            raise PrecisionError(
                f"precision={self.precision!r} is not a precision; use one of "
                f"{', '.join(PRECISIONS)}."
            )
        put("precision", precision)
        put("profiles", _profiles(self.profiles))
        if self.workspace is not None:
            put("workspace", _positive_int("workspace", self.workspace))
        if self.timing_cache is not None:
            put("timing_cache", os.fspath(self.timing_cache))
        level = self.hardware_compatibility
        if level is not None:
            spelled = str(level).lower().replace("_plus", "+")
            if spelled not in HARDWARE_LEVELS:
                raise BuildError(
                    f"hardware_compatibility={level!r}: use one of "
                    f"{', '.join(map(repr, HARDWARE_LEVELS))} or None."
                )
            put("hardware_compatibility", spelled)
        if self.optimization_level is not None and self.optimization_level not in (
            _OPTIMIZATION_LEVELS
        ):
            raise BuildError(
                f"optimization_level={self.optimization_level!r}: TensorRT's levels are 0-5 "
                "(3 is its default)."
            )
        if self.dla_core is not None:
            put("dla_core", _positive_int("dla_core", self.dla_core, allow_zero=True))
        if self.exclude_lean_runtime and not self.version_compatible:
            raise BuildError(
                "exclude_lean_runtime=True applies to version-compatible plans only; set "
                "version_compatible=True as well, or leave exclude_lean_runtime off."
            )
        if isinstance(self.plugins, (str, bytes)):
            raise BuildError(f"plugins={self.plugins!r}: give a sequence of library paths.")
        put("plugins", tuple(os.fspath(p) for p in self.plugins))
        for name in ("version_compatible", "exclude_lean_runtime", "refit", "strip_weights",
                     "keep_io_types"):  # fmt: skip
            put(name, bool(getattr(self, name)))

    def key_fields(self) -> dict[str, Any]:
        """The fields that decide which plan is built, as JSON-ready values (a store key's
        part): every field but ``timing_cache``."""
        data = self._as_json()
        del data["timing_cache"]
        return data

    canonical = key_fields

    def _as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["profiles"] = [p.as_json() for p in self.profiles]  # type: ignore[attr-defined]
        data["plugins"] = list(self.plugins)
        return data

    def to_json(self) -> str:
        """The config as canonical JSON: sorted keys, no whitespace, equal for equal configs."""
        return json.dumps(self._as_json(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> BuildConfig:
        """The config :meth:`to_json` wrote.

        Raises:
            BuildError: not a JSON object, or a key that is not a field.
        """
        try:
            data = json.loads(text)
        except ValueError as err:
            raise BuildError(f"Not a BuildConfig JSON document: {err}.") from None
        if not isinstance(data, dict):
            raise BuildError(f"A BuildConfig JSON document is an object, not {data!r}.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise BuildError(
                f"BuildConfig JSON has unknown keys {unknown}; known: {', '.join(sorted(known))}."
            )
        return cls(**data)
