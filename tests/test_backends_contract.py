"""The backend contract (issue 25, item 4): a small required Protocol, capabilities checked
where they are used, a typed error naming what a would-be backend lacks, and one registry
record per backend."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from _engines import STATIC

import trtcompat as tc
from trtcompat import backends
from trtcompat.backends import _registry
from trtcompat.runtime import _streamops
from trtcompat.testing import build_engine


class MinimalBackend:
    """Only the members :data:`trtcompat.backends.REQUIRED` names, over the host backend's
    memory: no ``stream_ops``, ``translate_error``, ``is_active``, events or graphs."""

    def __init__(self) -> None:
        self._inner = tc.backends.get_backend("host")
        self.name = "minimal"
        self.device = 0
        self.calls: list[str] = []

    def malloc(self, nbytes: int) -> int:
        return self._inner.malloc(nbytes)

    def free(self, ptr: int) -> None:
        self._inner.free(ptr)

    def malloc_host(self, nbytes: int) -> int:
        return self._inner.malloc_host(nbytes)

    def free_host(self, ptr: int) -> None:
        self._inner.free_host(ptr)

    def memcpy_htod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        self.calls.append("htod")
        self._inner.memcpy_htod_async(dst, src, nbytes, stream)

    def memcpy_dtoh_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        self.calls.append("dtoh")
        self._inner.memcpy_dtoh_async(dst, src, nbytes, stream)

    def memcpy_dtod_async(self, dst: int, src: int, nbytes: int, stream: int) -> None:
        self._inner.memcpy_dtod_async(dst, src, nbytes, stream)

    def create_stream(self) -> int:
        return self._inner.create_stream()

    def destroy_stream(self, stream: int) -> None:
        self._inner.destroy_stream(stream)

    def synchronize(self, stream: int) -> None:
        self.calls.append("sync")
        self._inner.synchronize(stream)

    @contextmanager
    def activate(self) -> Iterator[None]:
        self.calls.append("activate")
        yield

    def device_array(self, ptr: int, shape: tuple[int, ...], dtype: Any, owner: object) -> Any:
        return self._inner.device_array(ptr, shape, dtype, owner)


def test_the_required_protocol_is_what_the_runtime_calls() -> None:
    minimal = MinimalBackend()
    assert isinstance(minimal, backends.Backend)
    for capability in (backends.HotPath, backends.ActiveQuery, backends.GraphCapture,
                       backends.EventOps, backends.MemoryInfo):
        assert not isinstance(minimal, capability), capability
    host = backends.get_backend("host")
    assert isinstance(host, backends.BuiltinBackend)
    assert not isinstance(host, backends.GraphCapture)
    assert backends.missing_members(minimal) == []


@pytest.mark.parametrize("engine_era", ["8.6", "10"])
def test_an_object_with_only_the_required_members_runs_a_runner(engine_era: str) -> None:
    minimal = MinimalBackend()
    with tc.Runner(build_engine(STATIC, engine_era), backend=minimal) as runner:
        x = np.arange(6, dtype=np.float32).reshape(2, 3)
        for _ in range(3):  # cold, then warm calls on the adapted ops
            np.testing.assert_array_equal(runner.infer({"x": x})["y"], x * 2)
    # The guarded methods served the copies (no stream_ops), and every call activated (no
    # is_active).
    assert {"htod", "dtoh", "sync"} <= set(minimal.calls)
    assert minimal.calls.count("activate") >= 3


def test_an_object_with_only_the_required_members_serves_the_samples_helpers() -> None:
    minimal = MinimalBackend()
    engine = build_engine(STATIC, "10")
    context = engine.create_execution_context()
    with tc.allocate_buffers(engine, context, backend=minimal) as buffers:
        (x,), (y,), bindings, stream = buffers
        x.host[...] = 2.0
        out = tc.do_inference(context, bindings, [x], [y], stream)
        np.testing.assert_array_equal(out[0], np.full((2, 3), 4.0, np.float32))


def test_without_the_hot_path_the_errors_are_the_backends_own() -> None:
    minimal = MinimalBackend()
    ops = _streamops.stream_ops(minimal, 0)
    assert ops.errors == ()  # the guarded methods raise BackendError themselves
    with pytest.raises(tc.BackendError, match="null pointer"):
        ops.htod(0, 0, 8)
    error = _streamops.translate(minimal, RuntimeError("boom"), "copying 'x'")
    assert str(error) == "copying 'x' failed: boom"
    assert _streamops.active_check(minimal)() is False
    host = backends.get_backend("host")
    assert _streamops.active_check(host) == host.is_active


def test_stream_ops_alone_is_not_the_hot_path() -> None:
    """stream_ops raises the library's errors, so without translate_error the runtime must
    not use it: the guarded adapter is used instead."""

    class HalfHot(MinimalBackend):
        def stream_ops(self, stream: int) -> Any:
            raise AssertionError("stream_ops used without translate_error")

    half = HalfHot()
    assert not isinstance(half, backends.HotPath)
    ops = _streamops.stream_ops(half, 0)
    assert ops.errors == ()


@pytest.mark.parametrize(
    ("remove", "missing"),
    [
        (("malloc",), "malloc"),
        (("activate", "device_array"), "activate, device_array"),
        (("name",), "name"),
    ],
)
def test_an_object_lacking_a_required_member_gets_a_typed_error_naming_it(
    remove: tuple[str, ...], missing: str
) -> None:
    cls = type("Partial", (MinimalBackend,), {})
    obj = cls()
    for member in remove:
        if member == "name":
            del obj.name
        else:
            setattr(cls, member, None)  # present but not callable counts as missing
    with pytest.raises(tc.BackendProtocolError) as info:
        tc.Runner(build_engine(STATIC, "10"), backend=obj)
    message = str(info.value)
    assert f"it lacks {missing}." in message
    assert "Unknown backend" not in message
    assert isinstance(info.value, TypeError)


def test_a_value_that_is_no_backend_at_all_is_refused_as_such() -> None:
    with pytest.raises(tc.BackendProtocolError, match=r"^backend=42 is not a memory backend"):
        tc.allocate_buffers(build_engine(STATIC, "10"), None, backend=42)  # type: ignore[arg-type]


def test_a_backend_object_on_another_device_still_raises_device_error() -> None:
    minimal = MinimalBackend()
    with pytest.raises(tc.DeviceError, match=r"^device=1 was given with a 'minimal' backend"):
        backends.resolve_backend(minimal, 1)
    assert backends.resolve_backend(minimal, 0) is minimal


# -- the registry ----------------------------------------------------------------------------


def test_every_name_has_one_record_and_the_name_list_is_derived_from_them() -> None:
    assert tuple(r.name for r in backends.RECORDS) == backends.BACKEND_NAMES
    assert backends.BACKEND_NAMES[-1] == "host"
    for record in backends.RECORDS:
        assert _registry.record_for(record.name) is record
        # The module and class a record names exist (imported lazily: check the source).
        module = record.module.lstrip(".")
        source = (
            __import__("pathlib").Path(backends.__file__).with_name(f"{module}.py").read_text()
        )
        assert f"class {record.cls}" in source, record
    assert _registry.record_for("jax") is None


def test_unavailable_names_the_extra_from_the_record_and_never_raises_key_error() -> None:
    error = _registry.unavailable("cupy", "cupy", ImportError("no module"))
    assert str(error) == (
        "Backend 'cupy' needs cupy, which could not be imported (no module); install it "
        "with: pip install cupy-cuda12x (trtcompat's 'cupy' extra)"
    )
    other = _registry.unavailable("jax", "jax", ImportError("x"))  # no record: no KeyError
    assert str(other).endswith("; install jax")


def test_the_records_extras_exist_in_pyproject() -> None:
    text = (__import__("pathlib").Path(__file__).parents[1] / "pyproject.toml").read_text()
    for record in backends.RECORDS:
        if record.extra is not None:
            assert re.search(rf"^{record.extra} = \[\"{re.escape(record.package or '')}",
                             text, re.M), record


def test_installed_asks_each_record_and_nothing_unknown() -> None:
    assert backends._installed("host") is True
    assert backends._installed("nope") is False


def test_doctor_reports_the_distributions_of_the_module_each_record_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A backend named unlike its import (cuda_python imports ``cuda``; a new one may be
    named anyhow): doctor asks for the record's module, not the name's first word."""
    from trtcompat.cli import _doctor

    record = backends.BackendRecord(
        "gpu_arrays", "._gpu_arrays", "GpuArraysBackend", "jaxlib", "jax", "jax", lambda: True
    )
    monkeypatch.setattr(_doctor, "RECORDS", (record, *backends.RECORDS))
    monkeypatch.setattr(_doctor, "BACKEND_NAMES", ("gpu_arrays", "host"))
    monkeypatch.setattr(_doctor, "available_backends", lambda: ["gpu_arrays", "host"])
    monkeypatch.setattr(_doctor, "_try_backend", lambda name: (name, None))
    asked: list[list[str]] = []

    def distributions_of(modules: list[str]) -> dict[str, list[str]]:
        asked.append(modules)
        return {"jaxlib": ["jaxlib 0.4.30"]}

    monkeypatch.setattr(_doctor, "_distributions_of", distributions_of)
    report = _doctor._backends()
    assert asked == [["jaxlib"]]
    assert report["gpu_arrays"]["versions"] == ["jaxlib 0.4.30"]
    assert report["host"]["versions"] == []


def test_required_is_read_from_the_protocol_and_each_member_is_checked() -> None:
    assert backends.REQUIRED[:2] == ("name", "device")
    assert set(backends.REQUIRED) == {
        n for n in dir(MinimalBackend()) if not n.startswith("_") and n != "calls"
    }
    for member in backends.REQUIRED:
        stripped = type("Stripped", (MinimalBackend,), {member: None})()
        assert backends.missing_members(stripped) == (
            [] if member in ("name", "device") else [member]  # None is a value for a field
        )


def test_a_library_reader_is_chosen_by_the_records_package_and_attributes() -> None:
    from trtcompat.backends import _readers

    def made(module: str, **members: Any) -> type:
        cls = type("Array", (), {"__cuda_array_interface__": None, **members})
        cls.__module__ = module
        return cls

    assert backends.array_reading(made("torch", data_ptr=1))[0] is _readers.torch_info
    assert backends.array_reading(made("torch.nn"))[0] is _readers.cai_info  # no data_ptr
    cupy = made("cupy._core.core", data=1, flags=1, device=1)
    assert backends.array_reading(cupy) == (_readers.cupy_info, _readers.cupy_fingerprint)
    assert backends.array_reading(made("cupy_like", data=1, flags=1, device=1))[0] is (
        _readers.cai_info
    )
    assert backends.array_reading(made("cupy", data=1, flags=1))[0] is _readers.cai_info
