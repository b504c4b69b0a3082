"""Fake builds on the GPU machine: a plan built from ONNX on every era runs through Runner on
every CUDA backend, its engine reading and writing the device memory it is bound to (the
CUDA driver's copies on the Runner's stream), and gives the model's outputs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import trtcompat as tc
from trtcompat.backends import Backend
from trtcompat.testing import ERAS, fake_tensorrt

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/_onnx_models.py
from _onnx_models import RANGE, expected, scale_relu

pytestmark = pytest.mark.gpu


@pytest.fixture(params=ERAS, ids=[f"trt{e}" for e in ERAS])
def era(request: pytest.FixtureRequest) -> Any:
    with fake_tensorrt(request.param):
        yield request.param


@pytest.mark.parametrize("precision", ["fp32", "fp16"])
def test_built_plan_runs_on_every_backend(era: str, backend: Backend, precision: str) -> None:
    config = tc.BuildConfig(precision=precision, profiles=[RANGE])
    plan = tc.build_plan(scale_relu().SerializeToString(), config).plan
    rng = np.random.default_rng(0)
    with tc.Runner(tc.load_engine(plan), backend=backend) as runner:
        for batch in (1, 4, 2):
            x = rng.standard_normal((batch, 3)).astype(np.float32)
            y = runner.infer({"x": x})["y"]
            if precision == "fp32":
                np.testing.assert_array_equal(y, expected(x))
            else:
                np.testing.assert_allclose(y, expected(x), rtol=2e-3, atol=1e-3)
