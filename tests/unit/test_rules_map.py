"""The rules map (docs/rules.md: 种子文件的规则与执行它们的命令) stays true to the code.

Every ``tests/….py::name`` it names must be a test function of that file (a parametrised test is
named with its function, or with ``name[…]``), and every ``spotcheck/….py:name`` it names must be
defined at the top level of that file (a function, a class or a module constant such as a rule's
refusal text). Each rule row names its source and says how the rule is kept: by a command, not at
all (未执行), by people, or not yet (``TODO(merge)``: being built on another branch).
:func:`test_no_rule_is_left_unmapped` fails while a ``TODO(merge)`` is left, so nothing
unfinished lands. Reads files only: no database, no application.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from spotcheck.tenants.rules.docs import replaced

ROOT = Path(__file__).resolve().parents[2]
MAP = ROOT / "docs" / "rules.md"

#: ``tests/test_x.py::test_name`` or ``tests/test_x.py::test_name[param]``.
TEST_REFERENCE = re.compile(r"(?<![\w/])(tests/[\w/]+\.py)::(\w+)(?:\[[^\]\s`]*\])?")
#: ``spotcheck/x/y.py:name`` (one colon: two colons would be a test's).
CODE_REFERENCE = re.compile(r"(?<![\w/])(spotcheck/[\w/]+\.py):(?!:)([A-Za-z_]\w*)")
TODO = "TODO(merge)"
#: The topics of the map, one section each, in this order.
SECTIONS = (
    "一单两库一细则",
    "检查计划",
    "抽取",
    "检查",
    "结果与公示",
    "后续处置",
    "联合抽查",
    "监督与报送",
    "期限与日历",
    "留给人的规则",
)
HEADER = ["规则（原文摘要）", "出处", "执行的命令", "显示它的测试"]
#: What a command cell says when it names no code: the rule is not kept, is kept by people, or is coming.
NO_CODE = (TODO, "**未执行**", "Left to people")
SEED = re.compile(r"\b00[0-4]\b|issue 21|企业信息公示暂行条例")


def _text() -> str:
    return MAP.read_text(encoding="utf-8")


def _rows() -> list[tuple[str, list[str]]]:
    """(section, cells) of every rule row of the map's tables (the topics' sections; the generated
    section of the parameters and presets is checked by :func:`test_the_parameters_section_is_current`)."""
    rows, section = [], ""
    for line in _text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif section in SECTIONS and line.startswith("|") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if cells != HEADER:
                rows.append((section, cells))
    return rows


@cache
def _top_level_names(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


@cache
def _test_functions(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
    )


def test_the_map_names_only_tests_that_exist():
    named = set(TEST_REFERENCE.findall(_text()))
    assert len(named) > 50, "the map names the tests that show its rules"
    missing = sorted(
        f"{path}::{name}" for path, name in named if not (ROOT / path).is_file() or name not in _test_functions(path)
    )
    assert not missing, "docs/rules.md names tests that do not exist:\n" + "\n".join(missing)


@pytest.mark.seconds(1.2)
def test_the_map_names_only_code_that_exists():
    named = set(CODE_REFERENCE.findall(_text()))
    assert len(named) > 50, "the map names the commands that enforce its rules"
    missing = sorted(
        f"{path}:{name}" for path, name in named if not (ROOT / path).is_file() or name not in _top_level_names(path)
    )
    assert not missing, "docs/rules.md names code that is not defined:\n" + "\n".join(missing)


def test_every_rule_row_names_its_source_and_how_it_is_kept():
    """One section per topic, in order; each row has its four cells, a seed clause, a command (or
    says why there is none) and a test (or ``—`` with the reason, or ``TODO(merge)``)."""
    found = [line[3:].strip() for line in _text().splitlines() if line.startswith("## ")]
    assert [s for s in found if s in SECTIONS] == list(SECTIONS)
    rows = _rows()
    assert {section for section, _ in rows} == set(SECTIONS)
    problems = []
    for section, cells in rows:
        if len(cells) != 4:
            problems.append(f"{section}: {len(cells)} cells: {cells[0][:40]}")
            continue
        rule, source, command, shown = cells
        if not rule or not SEED.search(source):
            problems.append(f"{section}: no seed clause: {rule[:40]}")
        if not CODE_REFERENCE.search(command) and not any(word in command for word in NO_CODE):
            problems.append(f"{section}: no command and no reason: {rule[:40]}")
        if not TEST_REFERENCE.search(shown) and not shown.startswith(("—", TODO)):
            problems.append(f"{section}: no test and no reason: {rule[:40]}")
    assert not problems, "\n".join(problems)


def test_no_rule_is_left_unmapped():
    """Fails while a rule waits for a branch to be merged (``TODO(merge)``): the lead fills in the
    command and the test when the branch lands."""
    waiting = [f"{section}: {cells[0][:60]}" for section, cells in _rows() if any(TODO in cell for cell in cells)]
    assert not waiting, f"{len(waiting)} rules still say {TODO}:\n" + "\n".join(waiting)


def test_the_parameters_section_is_current():
    """The generated part of the map (every rule parameter, what it drives, the code that reads it; each
    preset with where each value comes from) is what ``spotcheck rules-docs`` writes now."""
    assert replaced(_text()) == _text(), "run `spotcheck rules-docs`"
