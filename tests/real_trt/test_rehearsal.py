"""What a rehearsal of a matrix row can check without a GPU (`nox -s rehearse`).

ci/rehearse.py runs the row's container script on a CPU host with NVIDIA's real bindings
of the row's release (over stub libraries) or trtcompat's fake as `tensorrt`, and says
which in TRTCOMPAT_REHEARSAL_MODULE ("real" / "fake") and TRTCOMPAT_REHEARSAL_TRT (the
bindings' version / the release line faked). These tests hold the imported module to the
row (TRTCOMPAT_EXPECT_TRT_VERSION) and trtcompat's version table to the module. Outside a
rehearsal they skip: inside the image, test_version.py checks the real build.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from test_version import version_matches

MODULE_ENV = "TRTCOMPAT_REHEARSAL_MODULE"
STAND_IN_ENV = "TRTCOMPAT_REHEARSAL_TRT"
EXPECT_ENV = "TRTCOMPAT_EXPECT_TRT_VERSION"


def _line(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".")[:2])


@pytest.fixture
def rehearsed(trt_module: Any) -> Any:
    """The module a rehearsal imported; skips outside one."""
    if os.environ.get("TRTCOMPAT_REHEARSAL") != "1":
        pytest.skip("only in a rehearsal (`nox -s rehearse`); the image checks its own build")
    return trt_module


def _is_fake(module: Any) -> bool:
    """Whether ``module`` is one of trtcompat's fakes (a version can be a real one's too)."""
    # The real classes are pybind11 types; the fakes' are Python classes.
    return type(module.Runtime).__name__ != "pybind11_type"


def _fake_key(module: Any) -> str | None:
    """The fake's era key, or None when ``module`` is not one of trtcompat's fakes."""
    from trtcompat.testing import era_of

    if not _is_fake(module):
        return None
    try:
        return era_of(module)
    except ValueError:
        return None


def test_module_is_what_the_rehearsal_says(rehearsed: Any) -> None:
    kind, stand_in = os.environ[MODULE_ENV], os.environ[STAND_IN_ENV]
    if kind == "real":
        assert _fake_key(rehearsed) is None, "a trtcompat fake answered for NVIDIA's module"
        assert rehearsed.__version__ == stand_in, (
            f"imported tensorrt {rehearsed.__version__}, the rehearsal installed {stand_in}")
    else:
        assert kind == "fake", kind
        assert _fake_key(rehearsed) is not None, f"{rehearsed!r} is not a trtcompat fake"


def test_module_is_the_rows_release(rehearsed: Any) -> None:
    """Major.minor of the imported module is the row's: a mispaired `bindings` pin fails."""
    from trtcompat.testing import era_info

    expected = os.environ[EXPECT_ENV]
    if os.environ[MODULE_ENV] == "fake":
        release = os.environ[STAND_IN_ENV]
        try:
            wanted = era_info(release).key
        except ValueError:
            pytest.skip(f"this trtcompat has no fake of TensorRT {release}: the rehearsal "
                        f"imported the fake of {_fake_key(rehearsed)} instead")
        assert _fake_key(rehearsed) == wanted
        return
    assert _line(rehearsed.__version__) == _line(expected), (
        f"the row names TensorRT {expected}; the rehearsal imported {rehearsed.__version__}: "
        f"fix the row's `bindings` pin in ci/matrix.toml")


def test_module_is_the_rows_build(rehearsed: Any) -> None:
    """The image's exact build: passes only where PyPI has it; otherwise says so."""
    expected = os.environ[EXPECT_ENV]
    if not version_matches(rehearsed.__version__, expected):
        pytest.skip(f"the row names TensorRT {expected} (the image's build); the rehearsal "
                    f"imported {os.environ[MODULE_ENV]} {rehearsed.__version__}, so the build "
                    f"is checked only inside the image on a GPU host")


def test_trtcompat_families_match_the_module(rehearsed: Any) -> None:
    """trtcompat's version table against the module: binding-index and tensor-name APIs."""
    import trtcompat

    info = trtcompat.runtime_info()
    assert info.version == rehearsed.__version__
    engine = rehearsed.ICudaEngine
    assert ("bindings" in info.families) == hasattr(engine, "num_bindings"), info
    assert ("tensors" in info.families) == hasattr(engine, "num_io_tensors"), info


def test_real_runtime_without_gpu_raises(rehearsed: Any) -> None:
    """Over the stub libraries the real factory returns nullptr: Runtime() raises TypeError."""
    if os.environ[MODULE_ENV] != "real":
        pytest.skip("trtcompat's fake creates a Runtime without a GPU")
    with pytest.raises(TypeError):
        rehearsed.Runtime(rehearsed.Logger(rehearsed.Logger.WARNING))
