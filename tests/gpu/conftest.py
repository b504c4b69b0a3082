"""GPU tests: skip cleanly where no NVIDIA GPU exists, and one fixture per CUDA backend.

The GPU check reads device nodes only, so collection never initializes CUDA.
"""

from __future__ import annotations

import glob
import shutil

import pytest
from _gpu_engine import NAMES

from trtcompat.backends import Backend, get_backend
from trtcompat.errors import BackendUnavailableError

GPU_PRESENT = bool(glob.glob("/dev/nvidia[0-9]*")) or shutil.which("nvidia-smi") is not None


@pytest.fixture(autouse=True)
def _needs_a_gpu() -> None:
    if not GPU_PRESENT:
        pytest.skip("no NVIDIA GPU on this machine")


@pytest.fixture(params=NAMES)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each CUDA backend in turn; one whose library is missing skips with the reason."""
    try:
        return get_backend(request.param)
    except BackendUnavailableError as exc:
        pytest.skip(f"{request.param} unavailable: {exc}")
