"""build_plan on the fake of every release the version table knows (8.0 to 11.x), not only the
four coarse eras: the workspace goes through the API that release has (max_workspace_size
before 8.4, the memory pool from 8.4), fp16 through a flag up to 10.x and a converted model on
11.x, and the built plan loads and computes the model on the same release."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from _onnx_models import RANGE, expected, scale_relu

import trtcompat as tc
from trtcompat import BuildConfig, build_plan
from trtcompat._versions import has_member, parse_version
from trtcompat.testing import RELEASES, fake_tensorrt

X = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)


@pytest.fixture(params=RELEASES)
def release(request: pytest.FixtureRequest) -> Any:
    with fake_tensorrt(request.param):
        yield request.param


@pytest.mark.parametrize("precision", ["fp32", "fp16"])
def test_every_release_builds_loads_and_computes(release: str, precision: str) -> None:
    config = BuildConfig(precision=precision, workspace=1 << 20, profiles=[RANGE])
    result = build_plan(scale_relu().SerializeToString(), config)
    version = parse_version(release)
    pool = has_member("IBuilderConfig", "set_memory_pool_limit", version)
    assert result.report.workspace_api == ("set_memory_pool_limit" if pool else "max_workspace_size")
    assert result.report.precision_applied == precision
    assert tc.plan_info(result.plan).version.startswith(release + ".")
    with tc.Runner(tc.load_engine(result.plan), backend="host") as run:
        out = run.infer({"x": X})["y"]
    tolerance = 0 if precision == "fp32" else 1e-3
    np.testing.assert_allclose(out, expected(X), atol=tolerance)
