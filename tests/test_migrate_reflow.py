"""``--fix`` keeps rewritten lines within the project's line length, and no other line moves."""

from __future__ import annotations

import ast
import pathlib
import shutil

import pytest

pytest.importorskip("libcst")

from trtcompat.migrate import Finding, fix_source, main, scan_source
from trtcompat.migrate._linelength import DEFAULT, _toml_loader, line_length

CORPUS = pathlib.Path(__file__).resolve().parent / "migrate_corpus"
NAMES = sorted(p.name for p in CORPUS.glob("*.py") if p.name != "conftest.py")


def _fixed_lines(source: bytes, findings: list[Finding]) -> set[int]:
    """The lines of the statements (a compound statement's header) that hold a fix."""
    fixed = {f.line for f in findings if f.fix is not None}
    fixed.update(line for f in findings if f.fix is not None for line, _, _ in f.fix.edits)
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.stmt):
            body = getattr(node, "body", None)
            last = body[0].lineno - 1 if isinstance(body, list) else node.end_lineno
            span = set(range(node.lineno, (last or node.lineno) + 1))
            if span & fixed:
                lines |= span
    return lines


def _is_subsequence(kept: list[bytes], lines: list[bytes]) -> bool:
    it = iter(lines)
    return all(any(line == candidate for candidate in it) for line in kept)


@pytest.mark.parametrize("to", ["trtcompat", "tensorrt"])
@pytest.mark.parametrize("name", NAMES)
def test_fixed_lines_fit_and_untouched_lines_are_identical(name: str, to: str) -> None:
    source = (CORPUS / name).read_bytes()
    findings = scan_source(source, name, to=to).findings
    new, _ = fix_source(source, findings, DEFAULT)
    before = source.splitlines(keepends=True)
    after = new.splitlines(keepends=True)
    untouched = [
        line
        for number, line in enumerate(before, 1)
        if number not in _fixed_lines(source, findings)
    ]
    assert _is_subsequence(untouched, after), name
    added = [line for line in after if line not in before]
    assert all(len(line.decode().rstrip("\r\n")) <= DEFAULT for line in added), added


def test_the_corpus_rewrites_that_were_too_long_are_broken_inside_their_parentheses() -> None:
    source = (CORPUS / "build_engine.py").read_bytes()
    new, _ = fix_source(source, scan_source(source, to="tensorrt").findings)
    assert (
        b"    config.set_memory_pool_limit(\n"
        b"        trt.MemoryPoolType.WORKSPACE, workspace_gb * (1 << 30)\n"
        b"    )  # GiB -> bytes\n"
    ) in new
    source = (CORPUS / "runner_10x.py").read_bytes()
    new, _ = fix_source(source, scan_source(source, to="tensorrt").findings)
    assert (
        b"            context = engine.create_execution_context(\n"
        b"                trt.ExecutionContextAllocationStrategy.USER_MANAGED\n"
        b"            )\n"
    ) in new


def _fix(source: str, length: int, to: str = "trtcompat") -> str:
    findings = scan_source(source, to=to).findings
    return fix_source(source.encode(), findings, length)[0].decode()


def test_arguments_one_per_line_when_they_do_not_fit_on_one() -> None:
    source = (
        "import tensorrt as trt\n"
        "def run(context, bindings, stream, n):\n"
        "    context.execute_async(n, bindings, stream)  # go\n"
        "    x = 1\n"
    )
    assert _fix(source, 40) == (
        "import tensorrt as trt\n"
        "import trtcompat\n"
        "def run(context, bindings, stream, n):\n"
        "    trtcompat.execute(\n"
        "        context,\n"
        "        bindings,\n"
        "        stream,\n"
        "        batch_size=n,\n"
        "    )  # go\n"
        "    x = 1\n"
    )
    # Within the length nothing is broken.
    assert "    trtcompat.execute(context, bindings, stream, batch_size=n)  # go\n" in _fix(
        source, 80
    )


def test_nested_calls_break_from_the_outside_in_and_only_on_changed_lines() -> None:
    long_untouched = (
        "y = some_function_with_a_long_name(argument_one, argument_two, argument_three)\n"
    )
    source = (
        "import tensorrt as trt\n"
        + long_untouched
        + "config.max_workspace_size = compute_the_workspace(gigabytes_of_memory, (1 << 30))\n"
    )
    findings = scan_source(source, to="tensorrt").findings
    new = fix_source(source.encode(), findings, 50)[0].decode()
    assert new == (
        "import tensorrt as trt\n" + long_untouched + "config.set_memory_pool_limit(\n"
        "    trt.MemoryPoolType.WORKSPACE,\n"
        "    compute_the_workspace(\n"
        "        gigabytes_of_memory, (1 << 30)\n"
        "    ),\n"
        ")\n"
    )
    compile(new, "x", "exec")


def test_crlf_and_tab_indented_files_keep_their_style() -> None:
    source = (
        "import tensorrt as trt\r\n"
        "def f(config, size):\r\n"
        "\tconfig.max_workspace_size = size * 2\r\n"
    )
    findings = scan_source(source, to="tensorrt").findings
    new = fix_source(source.encode(), findings, 40)[0].decode()
    assert new == (
        "import tensorrt as trt\r\n"
        "def f(config, size):\r\n"
        "\tconfig.set_memory_pool_limit(\r\n"
        "\t\ttrt.MemoryPoolType.WORKSPACE, size * 2\r\n"
        "\t)\r\n"
    )


def test_calls_inside_f_strings_are_not_broken() -> None:
    source = (
        "import tensorrt as trt\n"
        "print(f\"{engine.get_binding_shape('input_tensor_with_a_long_name')}\")\n"
    )
    new = _fix(source, 30, to="tensorrt")
    assert "print(\n" in new and "{engine.get_tensor_shape('input_tensor_with_a_long_name')}" in new
    compile(new, "x", "exec")


def test_line_length_comes_from_the_project(tmp_path: pathlib.Path) -> None:
    project = tmp_path / "project"
    (project / "src" / "pkg").mkdir(parents=True)
    path = project / "src" / "pkg" / "m.py"
    path.write_text("x = 1\n")
    assert line_length(path) == DEFAULT
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = 88\n")
    assert line_length(path) == 88
    (project / "pyproject.toml").write_text(
        "[tool.black]\nline-length = 88\n[tool.ruff]\nline-length = 120\n"
    )
    assert line_length(path) == 120
    (project / "src" / "ruff.toml").write_text("line-length = 79\n")
    assert line_length(path) == 79
    cache: dict[pathlib.Path, int] = {}
    assert line_length(path, cache) == 79 and cache[path.parent.resolve()] == 79


def test_cli_line_length(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    if _toml_loader() is None:
        pytest.skip("needs tomllib (3.11+) or tomli to read pyproject.toml")
    shutil.copy(CORPUS / "build_engine.py", tmp_path / "build_engine.py")
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 70\n")
    main(["--fix", "--to", "tensorrt", str(tmp_path)])
    lines = (tmp_path / "build_engine.py").read_text().splitlines()
    original = (CORPUS / "build_engine.py").read_text().splitlines()
    assert all(len(line) <= 70 for line in lines if line not in original)
    shutil.copy(CORPUS / "build_engine.py", tmp_path / "build_engine.py")
    main(["--fix", "--to", "tensorrt", "--line-length", "200", str(tmp_path)])
    text = (tmp_path / "build_engine.py").read_text()
    assert (
        "config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, workspace_gb * (1 << 30))"
        in text
    )
    assert main(["--fix", "--line-length", "0", str(tmp_path)]) == 2
    assert "positive line length" in capsys.readouterr().err
