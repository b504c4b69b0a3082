"""The NGC image ships the TensorRT that ci/matrix.toml says it does.

`nox -s ngc` exports the row's version as TRTCOMPAT_EXPECT_TRT_VERSION; an unconfirmed or
wrong row in the matrix fails here on its first GPU run instead of testing the wrong line.
"""

from __future__ import annotations

import os
from typing import Any

import pytest


def version_matches(installed: str, expected: str) -> bool:
    """`expected` is the full version or a dotted prefix of it (11.4 matches 11.4.0.106)."""
    return installed == expected or installed.startswith(expected + ".")


@pytest.mark.parametrize(
    ("installed", "expected", "ok"),
    [
        ("8.6.1.6", "8.6.1", True),
        ("8.6.1.6", "8.6.1.6", True),
        ("11.4.0.106", "11.4", True),
        ("8.6.10", "8.6.1", False),
        ("10.16.1.11", "10.1", False),
        ("8.5.3", "8.6", False),
    ],
)
def test_version_matches(installed: str, expected: str, ok: bool) -> None:
    assert version_matches(installed, expected) is ok


def test_installed_tensorrt_is_the_matrix_row(trt: Any) -> None:
    expected = os.environ.get("TRTCOMPAT_EXPECT_TRT_VERSION")
    if not expected:
        pytest.skip("TRTCOMPAT_EXPECT_TRT_VERSION not set (set by `nox -s ngc`)")
    assert version_matches(trt.__version__, expected), (
        f"image ships TensorRT {trt.__version__}, ci/matrix.toml expects {expected}: "
        f"fix the row's image or version"
    )
