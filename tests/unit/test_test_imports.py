"""Tests a newcomer can find: every test module imports what it uses at its top. An import inside a
function is allowed only with a comment on its line (or the line right above) saying why it must
stay there (it runs after the app exists or an env var is set, a heavy optional library, a cycle)."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def _comment_lines(source: str) -> tuple[set[int], set[int]]:
    """The lines holding a comment, and among them the lines holding nothing but a comment."""
    anywhere, code_lines = set(), set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            anywhere.add(token.start[0])
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            code_lines.update(range(token.start[0], token.end[0] + 1))
    return anywhere, anywhere - code_lines


def _function_imports(tree: ast.AST):
    """Every import statement that sits inside a function or method body."""

    def walk(node: ast.AST, in_function: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and in_function:
                yield child
            yield from walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    yield from walk(tree, False)


def unexplained_local_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line`` of each import inside a function with no comment on its line or the line above."""
    source = path.read_text(encoding="utf-8")
    anywhere, alone = _comment_lines(source)
    found = []
    for node in _function_imports(ast.parse(source, filename=str(path))):
        own_lines = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if any(line in anywhere for line in own_lines) or node.lineno - 1 in alone:
            continue
        found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_the_checker_tells_an_explained_import_from_a_bare_one(tmp_path):
    sample = tmp_path / "tests" / "test_sample.py"
    sample.parent.mkdir()
    sample.write_text(
        "import os\n"
        "def test_a():\n"
        "    import json\n"
        "    import csv  # after the env var is set\n"
        "    # a heavy optional library\n"
        "    import decimal\n"
        "    x = 1  # unrelated\n"
        "    import re\n"
        "class TestB:\n"
        "    def test_b(self):\n"
        "        def inner():\n"
        "            from pathlib import (\n"
        "                Path,\n"
        "            )\n"
        "        return inner\n",
        encoding="utf-8",
    )
    found = [hit.split(":")[1] for hit in unexplained_local_imports(sample, tmp_path)]
    assert found == ["3", "8", "12"]


@pytest.mark.seconds(4)
def test_no_test_module_imports_inside_a_function_without_saying_why():
    found = [hit for path in sorted(TESTS.rglob("*.py")) for hit in unexplained_local_imports(path)]
    assert not found, "imports inside a function with no comment saying why:\n" + "\n".join(found)
