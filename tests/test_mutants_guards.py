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
    assert _guarded(source) == [(5, "execute_async_v2", True), (6, "execute_async_v2", False)]


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
