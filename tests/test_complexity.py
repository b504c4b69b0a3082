"""No function above cyclomatic complexity 15 (radon's count) in the package, ci/, tools/,
benchmarks/ or noxfile.py (issue 25): a function past that is split before it grows further.

radon is in the test extra; its count is McCabe's (1 + each ``if``/``elif``, loop, ``except``,
``and``/``or``, comprehension ``for``/``if``, conditional expression, ``assert``), per
function and method; nested functions and classes counted on their own (which
``radon cc`` shows only with ``--show-closures``).
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import add_inner_blocks, cc_visit
from radon.visitors import Class

ROOT = Path(__file__).resolve().parents[1]
#: What the limit covers, relative to the repository root.
CHECKED = ("trtcompat", "ci", "tools", "benchmarks", "noxfile.py")
LIMIT = 15


def python_files(root: Path = ROOT) -> list[Path]:
    """The ``.py`` files under :data:`CHECKED`, sorted."""
    files: list[Path] = []
    for name in CHECKED:
        path = root / name
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def too_complex(source: str, where: str, limit: int = LIMIT) -> list[str]:
    """``"where:line name complexity"`` for each function, method or nested function of
    ``source`` above ``limit`` (a class's own score, its methods' summed, is no function's)."""
    found = []
    for block in add_inner_blocks(cc_visit(source)):
        if isinstance(block, Class):
            continue
        if block.complexity > limit:
            found.append(f"{where}:{block.lineno} {block.fullname} {block.complexity}")
    return found


def test_the_checked_paths_hold_python_files() -> None:
    files = python_files()
    for name in CHECKED:
        path = ROOT / name
        assert path.exists(), f"{name} is gone: update CHECKED"
        assert any(f == path or path in f.parents for f in files), name
    assert ROOT / "trtcompat" / "runtime" / "runner.py" in files


def test_the_count_names_each_function_above_the_limit() -> None:
    # f: 1 + if + and + for + if = 5; its closure h: 1 + 2 ifs = 3, not part of f's 5;
    # g: 1. Method m of C: 1 + 2 ifs = 3.
    source = (
        "def f(a, b):\n"
        "    if a and b:\n"
        "        pass\n"
        "    for x in a:\n"
        "        if x:\n"
        "            pass\n"
        "    def h(c):\n"
        "        if c:\n"
        "            return 1\n"
        "        if not c:\n"
        "            return 2\n"
        "def g():\n"
        "    return 1\n"
        "class C:\n"
        "    def m(self, a):\n"
        "        if a:\n"
        "            return 1\n"
        "        if not a:\n"
        "            return 2\n"
    )
    assert sorted(too_complex(source, "x.py", limit=2)) == [
        "x.py:1 f 5", "x.py:15 C.m 3", "x.py:7 f.h 3"]
    assert too_complex(source, "x.py", limit=4) == ["x.py:1 f 5"]
    assert too_complex(source, "x.py", limit=5) == []


def test_no_function_is_above_complexity_15() -> None:
    found = []
    for path in python_files():
        found += too_complex(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, (
        f"{len(found)} function(s) above cyclomatic complexity {LIMIT} (radon): split them "
        "(a helper per step, a table instead of a chain of ifs):\n" + "\n".join(found)
    )
