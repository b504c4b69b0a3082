"""A Runtime whose creation fails while TensorRT logs nothing (its factory returned nullptr).

Seen for real in ``nox -s oracle``: NVIDIA's bindings over libraries whose
``createInferRuntime_INTERNAL`` returns NULL raise pybind's TypeError and log nothing. The
error and ``trtcompat doctor`` must then say that TensorRT was silent and give the binding's
error, not present trtcompat's own sentence as "TensorRT said".
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

import trtcompat as tc
from tests._plans import junk_engine_plan
from trtcompat.cli.main import main

NULLPTR = "pybind11::init(): factory function returned nullptr"


def _refusing(logger: Any) -> Any:
    raise TypeError(NULLPTR)


def test_load_engine_says_tensorrt_was_silent(era: str, monkeypatch: pytest.MonkeyPatch) -> None:
    trt = sys.modules["tensorrt"]
    monkeypatch.setattr(trt, "Runtime", _refusing)
    with pytest.raises(tc.RuntimeCreationError) as err:
        # A plan of the installed release (load_engine refuses other bytes before it makes
        # a Runtime), whose engine only a Runtime could judge.
        tc.load_engine(junk_engine_plan(trt.__version__))
    first = str(err.value).splitlines()[0]
    assert first.endswith(
        f"could not create a TensorRT Runtime. TensorRT logged nothing; the call raised "
        f"TypeError: {NULLPTR}."
    )
    assert "TensorRT said" not in str(err.value) and err.value.trt_log == ()


def test_doctor_gives_the_reason(era: str, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys.modules["tensorrt"], "Runtime", _refusing)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "TensorRT runtime: cannot be created; why:\n" in out
    assert f"TensorRT logged nothing; the call raised TypeError: {NULLPTR}." in out
