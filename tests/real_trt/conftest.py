"""Fixtures for tests against a full TensorRT (builder included) on a real GPU.

These run inside the NGC images (`nox -s "ngc(trt='X')"`). Elsewhere every test here is
collected and skipped with the reason. Inside a matrix container
(TRTCOMPAT_EXPECT_TRT_VERSION is set) a missing TensorRT or GPU is a failure instead:
the container exists to run these tests, so skipping there would hide a broken row.
A rehearsal of the row on a CPU host (`nox -s rehearse`, TRTCOMPAT_REHEARSAL=1) runs the
same script without a GPU: there what needs one skips, saying so, and test_rehearsal.py
checks what can be checked (the module against the row, its surface).
No GPU or TensorRT is touched at collection time.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
EXPECT_ENV = "TRTCOMPAT_EXPECT_TRT_VERSION"
#: Set to "1" by ci/rehearse.py: the row's script runs on a CPU host, without its image.
REHEARSAL_ENV = "TRTCOMPAT_REHEARSAL"
#: Backends that hand TensorRT host memory: never valid for a real engine.
HOST_ONLY_BACKENDS = frozenset({"host"})


def in_rehearsal() -> bool:
    """True in `nox -s rehearse`: the row's script on a CPU host, where no GPU can be."""
    return os.environ.get(REHEARSAL_ENV) == "1"


def in_matrix_container() -> bool:
    """True inside `nox -s ngc` containers, where skipping would hide a broken row."""
    return bool(os.environ.get(EXPECT_ENV)) and not in_rehearsal()


def _unavailable(reason: str) -> None:
    if in_rehearsal():
        pytest.skip(f"{reason} (a rehearsal on a CPU host: the GPU run of the row checks this)")
    if in_matrix_container():
        pytest.fail(f"{reason} (inside the {os.environ[EXPECT_ENV]} matrix container)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark everything in this folder real_trt + gpu, so `-m "not gpu"` deselects it."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.real_trt)
            item.add_marker(pytest.mark.gpu)


def _backend_names() -> tuple[list[str], str]:
    """Installed device backends, and the reason when there are none."""
    try:
        from trtcompat.backends import available_backends  # imports only, no CUDA calls
    except ImportError as exc:
        return [], f"trtcompat.backends unavailable: {exc}"
    names = [n for n in available_backends() if n not in HOST_ONLY_BACKENDS]
    return names, "no device memory backend installed (cuda-python, pycuda, cupy or torch)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `backend_name` over the installed device backends (None: there are none)."""
    if "backend_name" in metafunc.fixturenames:
        names, _ = _backend_names()
        metafunc.parametrize("backend_name", names or [None], ids=names or ["no-backend"])


@pytest.fixture(autouse=True)
def _require_backend(request: pytest.FixtureRequest) -> None:
    """Skip (fail in the matrix container) a backend test when no backend is installed."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("backend_name", "") is None:
        _unavailable(_backend_names()[1])


@pytest.fixture(scope="session")
def trt_module() -> Any:
    """The installed `tensorrt` module, imported only; skips (fails in the matrix) without."""
    if importlib.util.find_spec("tensorrt") is None:
        if in_rehearsal():  # the rehearsal put a module there: its absence is a broken run
            pytest.fail("no `tensorrt` module in a rehearsal (ci/rehearse.py provides one)")
        _unavailable("full TensorRT is not installed (run these with `nox -s ngc`)")
    return importlib.import_module("tensorrt")


@pytest.fixture(scope="session")
def trt(trt_module: Any) -> Any:
    """The full `tensorrt` module; skips (fails in the matrix) without builder or GPU."""
    module = trt_module
    if in_rehearsal():
        # The stub libraries make every factory return nullptr, and a fake has no builder.
        _unavailable(f"building and running engines needs a GPU; tensorrt "
                     f"{module.__version__} here is {os.environ.get('TRTCOMPAT_REHEARSAL_MODULE')}")
    if not hasattr(module, "Builder"):
        _unavailable(f"tensorrt {module.__version__} has no Builder (lean/dispatch runtime)")
    from _build import builder_for

    builder, _ = builder_for(module)
    if builder is None:
        _unavailable(f"tensorrt {module.__version__} cannot create a Builder: no usable GPU")
    return module


@pytest.fixture(scope="session")
def tc(trt: Any) -> Any:
    """The trtcompat package (imported after TensorRT is known to work)."""
    try:
        return importlib.import_module("trtcompat")
    except ImportError as exc:
        _unavailable(f"trtcompat is not importable: {exc}")


@pytest.fixture(scope="session")
def trt_version(trt: Any) -> tuple[int, int]:
    """(major, minor) of the installed TensorRT."""
    from _build import version_tuple

    return version_tuple(trt)


@pytest.fixture
def load(tc: Any) -> Iterator[Any]:
    """load(plan_bytes) -> engine via trtcompat.load_engine; engines are dropped after the test."""
    engines: list[Any] = []

    def _load(plan: bytes) -> Any:
        engine = tc.load_engine(plan)
        engines.append(engine)
        return engine

    yield _load
    engines.clear()
