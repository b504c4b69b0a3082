"""Properties over random engines: what must hold for *every* engine, on every era that can
hold it.

Engines are drawn as data: 1-4 inputs and 1-4 outputs in any order, mixed dtypes, static and
dynamic dimensions, 1-3 optimization profiles, implicit batch (8.x only). For each one:

- ``io_tensors`` is identical on every era that can load the engine, and agrees with the
  description it was built from;
- ``Runner.infer`` on the host backend, on a random profile and random admissible shapes,
  returns exactly what the engine's own computation gives for the same arrays;
- every buffer is at least as large as the largest shape the profile admits;
- nothing stays allocated.

An era that cannot hold an engine (bfloat16, int64 and uint8 are newer than 8.4; implicit
batch ended with 8.x) is left out when the eras are listed, never skipped at run time.
The run is derandomized so CI sees the same 1,000 engines every time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Tuple

import ml_dtypes
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trtcompat as tc
from trtcompat.backends import get_backend
from trtcompat.testing import ERAS, EngineSpec, TensorSpec, build_engine, era_info

EXAMPLES = 1000
Shape = Tuple[int, ...]
Profile = Tuple[Shape, Shape, Shape]

# Every dtype here exists from 8.4 on; the newer ones are drawn only for "modern" engines.
OLD_DTYPES = (np.float32, np.float16, np.int32, np.int8, np.bool_)
NEW_DTYPES = (np.uint8, np.int64, ml_dtypes.bfloat16)


@dataclass(frozen=True)
class Input:
    name: str
    dtype: Any
    shape: Shape  # -1 where dynamic; implicit batch: without the batch dimension
    profiles: tuple[Profile, ...]  # empty when static


@dataclass(frozen=True)
class Output:
    name: str
    dtype: Any
    like: str
    salt: int


@dataclass(frozen=True)
class Described:
    """A drawn engine: its spec, and the facts the checks are computed from."""

    spec: EngineSpec
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]


def _transform(x: np.ndarray, salt: int, dtype: Any) -> np.ndarray:
    """Output ``salt``'s function of its input: distinct per output, exact in every dtype."""
    if np.dtype(dtype) == np.bool_:
        return (x.astype(np.float64) != 0) ^ bool(salt % 2)
    value = np.abs(x.astype(np.float64)) * (salt + 2) + salt  # 0 .. 8 * 9 + 7 = 79
    return value.astype(dtype)


def _compute(outputs: tuple[Output, ...]) -> Any:
    def compute(feed: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {o.name: _transform(feed[o.like], o.salt, o.dtype) for o in outputs}

    return compute


@st.composite
def _dims(
    draw: st.DrawFn, rank: int, profiles: int, dynamic: bool
) -> tuple[Shape, tuple[Profile, ...]]:
    """A shape (-1 where dynamic) and, if any dim is dynamic, one (min, opt, max) per profile."""
    kinds = [dynamic and draw(st.booleans()) for _ in range(rank)]
    static = [draw(st.integers(1, 4)) for _ in range(rank)]
    shape = tuple(-1 if k else s for k, s in zip(kinds, static))
    if not any(kinds):
        return shape, ()
    ranges = []
    for _ in range(profiles):
        low, high, opt = [], [], []
        for k, s in zip(kinds, static):
            if k:
                lo = draw(st.integers(1, 3))
                hi = draw(st.integers(lo, lo + 3))
                low.append(lo)
                high.append(hi)
                opt.append(draw(st.integers(lo, hi)))
            else:
                low.append(s)
                high.append(s)
                opt.append(s)
        ranges.append((tuple(low), tuple(opt), tuple(high)))
    # What TensorRT reports: -1 only where a range varies within or between profiles.
    shape = tuple(
        -1
        if len({(r[0][k], r[2][k]) for r in ranges}) > 1 or ranges[0][0][k] != ranges[0][2][k]
        else ranges[0][0][k]
        for k in range(rank)
    )
    return (shape, tuple(ranges)) if -1 in shape else (shape, ())


@st.composite
def engines(draw: st.DrawFn) -> Described:
    implicit = draw(st.integers(0, 3)) == 0
    # implicit batch exists only on 8.x, so its engines keep to 8.x dtypes
    modern = not implicit and draw(st.booleans())
    pool = OLD_DTYPES + NEW_DTYPES if modern else OLD_DTYPES
    n_in, n_out = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    names = draw(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9_.:/]{0,6}", fullmatch=True),
            min_size=n_in + n_out,
            max_size=n_in + n_out,
            unique=True,
        )
    )
    num_profiles = 1 if implicit else draw(st.integers(1, 3))
    inputs = []
    for name in names[:n_in]:
        rank = draw(st.integers(0, 3))
        shape, profiles = draw(_dims(rank, num_profiles, not implicit))
        inputs.append(Input(name, draw(st.sampled_from(pool)), shape, profiles))
    outputs = [
        Output(name, draw(st.sampled_from(pool)), draw(st.sampled_from(names[:n_in])), j)
        for j, name in enumerate(names[n_in:])
    ]
    by_name = {i.name: i for i in inputs}
    specs = [TensorSpec(i.name, i.dtype, i.shape, True, profiles=i.profiles) for i in inputs]
    specs += [
        TensorSpec(o.name, o.dtype, by_name[o.like].shape, False, like=o.like) for o in outputs
    ]
    order = draw(st.permutations(specs))  # outputs may come first, inputs interleaved
    spec = EngineSpec(
        tuple(order),
        compute=_compute(tuple(outputs)),
        num_profiles=num_profiles,
        implicit_batch=implicit,
        max_batch_size=draw(st.integers(1, 8)) if implicit else 1,
        name="drawn",
    )
    return Described(spec, tuple(inputs), tuple(outputs))


def eras_holding(spec: EngineSpec) -> tuple[str, ...]:
    """The eras whose runtime can load ``spec``: by DataType and by implicit batch."""
    return tuple(
        era
        for era in ERAS
        if all(t.trt_dtype in era_info(era).dtypes for t in spec.tensors)
        and (era_info(era).implicit_batch or not spec.implicit_batch)
    )


def _expected_io(d: Described) -> list[tuple[str, Shape, np.dtype[Any], bool]]:
    inputs = {i.name: i for i in d.inputs}
    result = []
    for t in d.spec.tensors:
        shape = inputs[t.name if t.is_input else t.like or ""].shape
        if d.spec.implicit_batch:
            shape = (-1, *shape)
        result.append((t.name, shape, np.dtype(t.dtype), t.is_input))
    return result


def _max_shape(d: Described, source: Input, profile: int) -> Shape:
    shape = source.profiles[profile][2] if source.profiles else source.shape
    return (d.spec.max_batch_size, *shape) if d.spec.implicit_batch else shape


def _feed(d: Described, profile: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    batch = int(rng.integers(1, d.spec.max_batch_size + 1))
    feed = {}
    for i in d.inputs:
        if i.profiles:
            low, _, high = i.profiles[profile]
            shape = tuple(int(rng.integers(lo, hi + 1)) for lo, hi in zip(low, high))
        else:
            shape = i.shape
        if d.spec.implicit_batch:
            shape = (batch, *shape)
        dtype = np.dtype(i.dtype)
        if dtype == np.bool_:
            feed[i.name] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            low_value = 0 if dtype.kind in "ub" else -8
            feed[i.name] = rng.integers(low_value, 9, shape).astype(dtype)
    return feed


def _check(d: Described, profile: int, seed: int) -> None:
    eras = eras_holding(d.spec)
    assert eras, "every drawn engine fits some era by construction"
    host = get_backend("host")
    start = host.outstanding()
    engines = {era: build_engine(d.spec, era) for era in eras}

    listed = {era: tc.io_tensors(engine) for era, engine in engines.items()}
    first = listed[eras[0]]
    for era in eras[1:]:
        assert listed[era] == first, f"io_tensors differ between {eras[0]} and {era}"
    assert [(t.name, t.shape, t.dtype, t.is_input) for t in first] == _expected_io(d)
    assert [t.index for t in first] == list(range(len(first)))

    inputs = {i.name: i for i in d.inputs}
    likes = {o.name: o.like for o in d.outputs}
    rng = np.random.default_rng(seed)
    feeds = [_feed(d, profile, rng) for _ in range(2)]
    for era, engine in engines.items():
        with tc.Runner(engine, backend=host, profile=profile) as run:
            for t in run.tensors:
                source = inputs[t.name] if t.is_input else inputs[likes[t.name]]
                need = math.prod(_max_shape(d, source, profile)) * np.dtype(t.dtype).itemsize
                got = run.buffers[t.name].nbytes
                assert got >= need, f"{era}: {t.name!r} has {got} bytes, profile needs {need}"
            for feed in feeds:
                out = run.infer(feed)
                want = d.spec.compute(feed)
                assert set(out) == set(want)
                for name, value in want.items():
                    assert out[name].dtype == value.dtype, (era, name)
                    assert out[name].shape == value.shape, (era, name)
                    np.testing.assert_array_equal(out[name], value, err_msg=f"{era} {name!r}")
    assert host.outstanding() == start, "allocations leaked"


def test_random_engines_agree_across_eras_and_with_the_reference() -> None:
    seen: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(engines(), st.data())
    def check(d: Described, data: st.DataObject) -> None:
        profile = data.draw(st.integers(0, d.spec.num_profiles - 1), label="profile")
        seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
        _check(d, profile, seed)
        seen.append(1)

    check()
    assert len(seen) >= EXAMPLES
