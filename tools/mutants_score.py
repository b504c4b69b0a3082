"""Mutation score per module from mutmut's results, without the listed equivalent mutants.

Run after ``mutmut run`` (``nox -s mutants`` does both)::

    python tools/mutants_score.py [--fail-under 90]

A mutant counts as killed when a test failed or timed out on it; "survived" and "no tests"
count against the score. Mutants named in tools/mutants-equivalent.txt (one per line, the
name, then why it cannot change behaviour) leave the denominator. A listed mutant that no
longer exists or that the tests now kill is reported, so the list cannot go stale silently.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "tools" / "mutants-equivalent.txt"
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
#: Statuses that count against the score ("not checked" and "skipped" are reported apart).
SURVIVED = {"survived", "no tests", "suspicious"}
#: Modules whose answers are cached on first use, with the tests that reach that first use.
#: mutmut forks each worker from the process that ran its coverage pass, whose tests already
#: filled these caches: first-use code never runs under mutmut. Their survivors are rerun
#: here, each in a new pytest process, which the subprocess tests in these files can kill.
FRESH = {"trtcompat._dtypes": ["tests/test_mutants_dtypes.py", "tests/test_dtypes.py"]}
#: mutmut names mutants <module>.x_<function>__mutmut_<n> or <module>.xǁ<Class>ǁ<method>...
_MODULE = re.compile(r"^(?P<module>[\w.]+?)\.x[_ǁ]")


def source_modules() -> list[str]:
    """The modules [tool.mutmut] source_paths names, dotted (so modules without mutants show)."""
    import tomllib  # Python 3.11+ (mutmut itself needs 3.10+)

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    paths = config["tool"]["mutmut"]["source_paths"]
    return [p[: -len(".py")].replace("/", ".") for p in paths]


def read_results(text: str) -> dict[str, str]:
    """``mutmut results --all true`` lines (``name: status``) as {name: status}."""
    results = {}
    for line in text.splitlines():
        name, sep, status = line.strip().partition(": ")
        if sep and _MODULE.match(name):
            results[name] = status.strip()
    return results


def read_equivalent(path: Path) -> dict[str, str]:
    """{mutant name: reason} from the equivalent list (``#`` starts a comment line)."""
    listed = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, reason = line.strip().partition(" ")
            listed[name] = reason.strip()
    return listed


def rerun_fresh(results: dict[str, str], equivalent: dict[str, str]) -> None:
    """Marks survivors of the FRESH modules killed where a new pytest process kills them."""
    for name, status in sorted(results.items()):
        match = _MODULE.match(name)
        tests = FRESH.get(match.group("module"), []) if match else []
        if not tests or status not in SURVIVED or name in equivalent:
            continue
        # mutmut's trampolines pick the mutant from MUTANT_UNDER_TEST; mutants/ holds the code.
        env = {**os.environ, "MUTANT_UNDER_TEST": name}
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
        run = subprocess.run(command, cwd=ROOT / "mutants", env=env, capture_output=True)
        if run.returncode == 1:  # tests failed (not: could not run them)
            results[name] = "killed"


def scores(
    results: dict[str, str], equivalent: dict[str, str], modules: list[str]
) -> list[tuple[str, int, int, int, int]]:
    """(module, mutants, equivalent, killed, survived) rows, one per module, then the total."""
    # A row even for a module mutmut found nothing to mutate in.
    counts: dict[str, Counter[str]] = {module: Counter() for module in modules}
    for name, status in results.items():
        match = _MODULE.match(name)
        assert match is not None
        row = counts.setdefault(match.group("module"), Counter())
        row["all"] += 1
        if name in equivalent and status not in KILLED:
            row["equivalent"] += 1
        elif status in KILLED:
            row["killed"] += 1
        elif status in SURVIVED:
            row["survived"] += 1
    counts["total"] = sum(counts.values(), Counter())
    return [(m, c["all"], c["equivalent"], c["killed"], c["survived"]) for m, c in counts.items()]


def main(argv: list[str]) -> int:
    """Print the table; exit 1 when the total is under --fail-under."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fail-under", type=float, default=0.0, metavar="PERCENT")
    args = parser.parse_args(argv)
    out = subprocess.run(
        ["mutmut", "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    results = read_results(out)
    equivalent = read_equivalent(EQUIVALENT)
    rerun_fresh(results, equivalent)
    for name in sorted(equivalent):
        if name not in results:
            print(f"stale: {name} is listed as equivalent but mutmut made no such mutant")
        elif results[name] in KILLED:
            print(f"stale: {name} is listed as equivalent but the tests kill it")
    print(f"{'module':36} {'mutants':>7} {'equiv':>6} {'killed':>6} {'left':>5} {'score':>7}")
    total_score = 100.0
    for module, count, equiv, killed, survived in scores(results, equivalent, source_modules()):
        judged = killed + survived
        score = 100.0 * killed / judged if judged else 100.0
        shown = f"{score:6.1f}%" if judged else "    n/a"
        print(f"{module:36} {count:7} {equiv:6} {killed:6} {survived:5} {shown}")
        total_score = score
    for name, status in sorted(results.items()):
        if status in SURVIVED and name not in equivalent:
            print(f"left: {name} ({status}); `mutmut show {name}` prints it")
    unchecked = sum(status not in KILLED and status not in SURVIVED for status in results.values())
    if unchecked:
        print(f"{unchecked} mutants not checked or skipped (left out): run `mutmut run` again")
    if total_score < args.fail_under:
        print(f"total {total_score:.1f}% is under {args.fail_under}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
