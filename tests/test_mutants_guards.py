"""Scanner guards that only surviving mutants showed unpinned (issue 25): version predicates
called as methods, an early exit of several statements, an early exit inside ``else:``."""

from __future__ import annotations

from trtcompat.migrate import scan_source


def _guarded(source: str) -> list[tuple[int, str, bool]]:
    result = scan_source(source)
    assert result.error is None
    return [(f.line, f.symbol, f.guarded) for f in result.findings]


def test_a_version_predicate_called_as_a_method_guards() -> None:
    source = (
        "import tensorrt as trt\n"
        "class Runner:\n"
        "    def run(self, context, b, s):\n"
        "        if self.trt_version() < 10:\n"
        "            context.execute_async_v2(b, s)\n"
        "        context.execute_async_v2(b, s)\n"
    )
    # Guarded for certain (a version check), not only possibly (an unreadable switch).
    assert _possibly(source) == [
        (5, "execute_async_v2", True, False),
        (6, "execute_async_v2", False, False),
    ]


def test_an_early_exit_of_several_statements_guards_what_follows() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine):\n"
        "    if int(trt.__version__.split('.')[0]) >= 10:\n"
        "        n = engine.num_io_tensors\n"
        "        return n\n"
        "    return engine.num_bindings\n"
        "def unguarded(engine):\n"
        "    return engine.num_bindings\n"
    )
    assert _guarded(source) == [(6, "num_bindings", True), (8, "num_bindings", False)]


def test_an_early_exit_guards_a_use_inside_else() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine, cached):\n"
        "    if cached:\n"
        "        return 0\n"
        "    else:\n"
        "        if hasattr(engine, 'num_io_tensors'):\n"
        "            return engine.num_io_tensors\n"
        "        return engine.num_bindings\n"
        "def unguarded(engine, cached):\n"
        "    if cached:\n"
        "        return 0\n"
        "    else:\n"
        "        return engine.num_bindings\n"
    )
    assert _guarded(source) == [(8, "num_bindings", True), (13, "num_bindings", False)]


def _possibly(source: str) -> list[tuple[int, str, bool, bool]]:
    result = scan_source(source)
    assert result.error is None
    return [(f.line, f.symbol, f.guarded, f.possibly) for f in result.findings]


def test_a_helper_of_the_tree_called_by_name_guards() -> None:
    source = (
        "import tensorrt as trt\n"
        "def old_api():\n"
        "    return int(trt.__version__.split('.')[0]) < 10\n"
        "def count(engine):\n"
        "    if old_api():\n"
        "        return engine.num_bindings\n"
        "def other(engine, checks):\n"
        "    if checks[0]():\n"  # a call of no name: neither a guard nor a crash
        "        return engine.num_bindings\n"
    )
    assert _guarded(source) == [(6, "num_bindings", True), (9, "num_bindings", False)]


def test_except_with_a_tuple_holding_attribute_error_guards() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine):\n"
        "    try:\n"
        "        return engine.num_bindings\n"
        "    except (TypeError, AttributeError):\n"
        "        return engine.num_io_tensors\n"
    )
    assert _guarded(source) == [(4, "num_bindings", True)]


def test_each_conjunct_of_an_and_guards_the_body() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine, ready, trt_major):\n"
        "    if ready and not hasattr(engine, 'num_io_tensors'):\n"
        "        a = engine.num_bindings\n"
        "    if ready and trt_major < 10:\n"
        "        b = engine.num_bindings\n"
        "    if ready and engine.has_implicit_batch_dimension:\n"
        "        c = engine.num_bindings\n"
        "    if ready and hasattr(engine, 'num_io_tensors'):\n"
        "        d = engine.num_bindings\n"
    )
    assert _guarded(source) == [
        (4, "num_bindings", True),
        (6, "num_bindings", True),
        (7, "has_implicit_batch_dimension", False),
        (8, "num_bindings", True),
        (10, "num_bindings", False),
    ]


def test_a_switch_the_scanner_cannot_read_is_possibly_guarded() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine, path):\n"
        "    if not use_v3_api():\n"  # negated: the call is not the condition's first node
        "        a = engine.num_bindings\n"
        "    if load_trt_engine(path):\n"  # takes an argument: a loader, no switch
        "        b = engine.num_bindings\n"
    )
    assert _possibly(source) == [(4, "num_bindings", True, True), (6, "num_bindings", False, False)]


def test_a_helper_returning_a_version_check_among_other_statements_possibly_guards() -> None:
    source = (
        "import os\n"
        "import tensorrt as trt\n"
        "def choose(engine):\n"  # takes an argument, defined here: only its body tells
        "    forced = os.environ.get('FORCE')\n"
        "    if forced:\n"
        "        return forced == '1'\n"
        "    return int(trt.__version__.split('.')[0]) < 10\n"
        "def count(engine):\n"
        "    if choose(engine):\n"
        "        return engine.num_bindings\n"
        "    return 0\n"
    )
    assert _possibly(source) == [(10, "num_bindings", True, True)]


def test_an_early_exit_on_an_unreadable_switch_possibly_guards_what_follows() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine):\n"
        "    if use_v3_api():\n"
        "        return engine.num_io_tensors\n"
        "    return engine.num_bindings\n"
    )
    assert _possibly(source) == [(5, "num_bindings", True, True)]


def test_an_early_exit_on_a_helper_or_in_finally_guards_what_follows() -> None:
    source = (
        "import tensorrt as trt\n"
        "def new_api():\n"
        "    return int(trt.__version__.split('.')[0]) >= 10\n"
        "def count(engine):\n"
        "    if new_api():\n"
        "        return engine.num_io_tensors\n"
        "    return engine.num_bindings\n"
        "def close(engine, trt_major):\n"
        "    try:\n"
        "        pass\n"
        "    finally:\n"
        "        if trt_major >= 10:\n"
        "            return\n"
        "        engine.num_bindings\n"
    )
    assert _possibly(source) == [(7, "num_bindings", True, False), (14, "num_bindings", True, False)]


def test_an_early_exit_on_an_unreadable_switch_guards_within_else_and_finally() -> None:
    source = (
        "import tensorrt as trt\n"
        "def count(engine, cached):\n"
        "    if cached:\n"
        "        return 0\n"
        "    else:\n"
        "        if use_v3_api():\n"
        "            return engine.num_io_tensors\n"
        "        return engine.num_bindings\n"
        "def close(engine):\n"
        "    try:\n"
        "        pass\n"
        "    finally:\n"
        "        if use_v3_api():\n"
        "            return\n"
        "        engine.num_bindings\n"
        "def unguarded(engine, cached):\n"
        "    if cached:\n"
        "        return 0\n"
        "    else:\n"
        "        return engine.num_bindings\n"
    )
    assert _possibly(source) == [
        (8, "num_bindings", True, True),
        (15, "num_bindings", True, True),
        (20, "num_bindings", False, False),
    ]


def test_an_early_exit_on_an_unreadable_switch_after_other_statements_guards() -> None:
    # The early exit is found past statements that are no early exit (an assignment, an if
    # that does not leave).
    source = (
        "import tensorrt as trt\n"
        "def count(engine, verbose):\n"
        "    n = 0\n"
        "    if verbose:\n"
        "        print(n)\n"
        "    if use_v3_api():\n"
        "        return engine.num_io_tensors\n"
        "    return engine.num_bindings\n"
    )
    assert _possibly(source) == [(8, "num_bindings", True, True)]
