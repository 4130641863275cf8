"""The code reads one way (代码规范): ruff's rules as ``pyproject.toml`` selects them (pycodestyle, pyflakes, import
order, bugbear, pyupgrade, simplify, complexity, ruff's own, naming, pathlib, gettext) over the whole repository, and
one layout, ``ruff format``'s."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_finds_nothing():
    result = subprocess.run(
        [str(RUFF), "check", "--output-format", "concise", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_tree_is_laid_out_by_the_formatter():
    result = subprocess.run([str(RUFF), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
