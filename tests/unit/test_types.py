"""The types hold (类型检查): mypy over the package as ``pyproject.toml`` configures it (strict on
``core/`` and ``draw/``), and every acting user — ``actor``, ``reader`` — typed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "spotcheck"
#: The parameters that name the acting user (:class:`spotcheck.core.actor.Actor`).
ACTING = {"actor", "reader"}


def _untyped_acting_parameters() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            found += [
                f"{path.relative_to(ROOT)}:{argument.lineno} {node.name}({argument.arg})"
                for argument in arguments
                if argument.arg in ACTING and argument.annotation is None
            ]
    return found


@pytest.mark.seconds(2.1)
def test_every_actor_and_reader_is_typed():
    assert _untyped_acting_parameters() == []


@pytest.mark.slow(25)  # a clean checkout; a second run reads .mypy_cache and takes a second
def test_mypy_finds_nothing():
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run([str(mypy)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
