"""The behaviours of issue 23 on NVIDIA's real module and on the fake of the same release:
one assertion (``tests/_behaviours.py``), both sides. The fake side of every era also runs in
the normal suite (``tests/test_fake_behaviours.py``, with the engine-level behaviours CPU cannot
observe on the real module, each citing its source).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from _behaviours import (
    check_allocator_base_binds_callbacks,
    check_base_logger_log_prints,
    check_binding_queries_take_name_keyword,
    check_context_managers_everywhere,
    check_deserialize_needs_a_buffer,
    check_dims_equality_takes_list_or_tuple_only,
    check_dims_hold_at_most_eight,
    check_dims_slices_are_tuples,
    check_enums_convert_to_int,
    check_execute_needs_bindings_and_stream,
    check_host_code_allowed_as_the_release_has_it,
    check_host_memory_class,
    check_instances_take_no_new_attributes,
    check_output_allocator_must_be_one,
    check_runtime_needs_an_ilogger,
    check_stream_readers_and_runtime_config,
    check_subclass_must_call_base_init,
    check_tensor_format_queries_take_a_profile,
)

CHECKS = [
    check_instances_take_no_new_attributes,  # kinder 1
    check_dims_equality_takes_list_or_tuple_only,  # kinder 3
    check_dims_hold_at_most_eight,  # kinder 4
    check_host_memory_class,  # kinder 5
    check_subclass_must_call_base_init,  # kinder 6
    check_runtime_needs_an_ilogger,  # kinder 7
    check_output_allocator_must_be_one,  # kinder 7
    check_execute_needs_bindings_and_stream,  # kinder 9
    check_deserialize_needs_a_buffer,  # kinder 10
    check_host_code_allowed_as_the_release_has_it,  # kinder 11
    check_tensor_format_queries_take_a_profile,  # harsher 1
    check_binding_queries_take_name_keyword,  # harsher 2
    check_stream_readers_and_runtime_config,  # harsher 3
    check_context_managers_everywhere,  # harsher 4
    check_enums_convert_to_int,  # harsher 5
    check_dims_slices_are_tuples,  # harsher 7
]
CHECKS_WITH_STDERR = [
    check_base_logger_log_prints,  # harsher 6
    check_allocator_base_binds_callbacks,  # harsher 8
]


_CONTRACT = Path(__file__).with_name("conftest.py")


@pytest.fixture(params=["fake", "real"])
def module(request: pytest.FixtureRequest) -> ModuleType:
    """The real module of the oracle release, or the fake of that release."""
    if not _CONTRACT.exists():  # the oracle session's fixtures (real_trt, ...) live there
        pytest.skip(f"{_CONTRACT.name} of the oracle session is missing: no real module")
    fixture = "real_trt" if request.param == "real" else "fake_trt_for_release"
    found: ModuleType = request.getfixturevalue(fixture)
    return found


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__[len("check_") :])
def test_behaves_as_real(module: ModuleType, check: Any) -> None:
    check(module)


@pytest.mark.parametrize("check", CHECKS_WITH_STDERR, ids=lambda f: f.__name__[len("check_") :])
def test_prints_as_real(module: ModuleType, check: Any, capfd: pytest.CaptureFixture[str]) -> None:
    check(module, capfd)
