"""The cuda_python backend on a machine without a CUDA driver, against the real cuda-python.

Run by ``nox -s cuda_python`` (one session per cuda-python major the extras resolve) and by
``nox -s tests-3.8`` (which installs the ``cuda12`` extra: cuda-python 12.3 there), each
setting ``TRTCOMPAT_EXPECT_CUDA_PYTHON`` to the major it installed. Without it (a plain
``pytest``) the module skips: there is no chosen cuda-python to check.

Each major fails differently without a driver, and these tests pin what each says
(measured on a CPU machine): 11.8 to 12.8 raise ``RuntimeError("Failed to dlopen
libcuda.so.1")`` from their first call and ``RuntimeError('Function "cuInit" not found')``
from every later one; 12.9 and 13.x return ``cudaErrorInsufficientDriver``.
"""

from __future__ import annotations

import ctypes
import importlib.metadata
import os
import re
from collections.abc import Iterator

import numpy as np
import pytest
from packaging.version import Version

import trtcompat as tc
import trtcompat.backends as backends
from trtcompat.errors import BackendUnavailableError
from trtcompat.testing import EngineSpec, TensorSpec, build_engine, fake_tensorrt

EXPECTED_MAJOR = os.environ.get("TRTCOMPAT_EXPECT_CUDA_PYTHON", "")

pytestmark = pytest.mark.skipif(
    not EXPECTED_MAJOR, reason="no chosen cuda-python in this environment (nox -s cuda_python)"
)

#: What each cuda-python line says without a driver, inside the backend's message.
_RAISES_ON_LOAD = re.escape("cuda-python could not load the CUDA driver (Failed to dlopen libcuda.so.1)")
_RETURNS_A_CODE = re.escape(
    "cudaGetDeviceCount returned cudaErrorInsufficientDriver (CUDA driver version is "
    "insufficient for CUDA runtime version)"
)


def _installed() -> Version:
    return Version(importlib.metadata.version("cuda-python"))


def _library_words(version: Version) -> str:
    return _RAISES_ON_LOAD if version < Version("12.9") else _RETURNS_A_CODE


def _driver_loads() -> bool:
    try:
        ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    return True


@pytest.fixture(autouse=True)
def _no_driver() -> Iterator[None]:
    if _driver_loads():
        pytest.skip("libcuda.so.1 loads here: these tests check a machine without a driver")
    backends._reset()
    yield
    backends._reset()


def test_the_session_installed_the_major_it_names() -> None:
    assert str(_installed().major) == EXPECTED_MAJOR, (
        f"cuda-python {_installed()} installed, the session asked for {EXPECTED_MAJOR}.x"
    )


def test_an_explicit_choice_raises_the_typed_error_with_the_librarys_words() -> None:
    expected = (
        r"Backend 'cuda_python' cannot use CUDA: " + _library_words(_installed())
        + r"; check the NVIDIA driver with nvidia-smi"
    )
    for _ in range(2):  # the second call says what the first did, not "cuInit not found"
        with pytest.raises(BackendUnavailableError) as info:
            backends.get_backend("cuda_python")
        assert re.fullmatch(expected, str(info.value)), str(info.value)


def test_the_environment_variable_gets_the_same_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.ENV_VAR, "cuda_python")
    with fake_tensorrt("10"), pytest.raises(BackendUnavailableError) as info:
        tc.Runner(_engine())
    assert re.search(_library_words(_installed()), str(info.value)), str(info.value)


def test_the_default_runner_falls_back_to_the_host_backend() -> None:
    assert "cuda_python" in backends.available_backends()
    assert not backends.gpu_present()
    with fake_tensorrt("10"), tc.Runner(_engine()) as runner:  # Runner(engine), as users write
        assert runner.backend.name == "host"
        x = np.arange(4, dtype=np.float32)
        np.testing.assert_array_equal(runner.infer({"x": x})["y"], x)


def _engine() -> object:
    """An engine of the installed era-10 fake: y is a copy of x."""
    spec = EngineSpec((TensorSpec("x", np.float32, (4,), True),
                       TensorSpec("y", np.float32, (4,), False)))
    return build_engine(spec, "10")
