"""``python -m bench suite [--from PATH]``: the suite's two times on a fresh clone, each beside its budget.

The clone is made from PATH (default: this checkout's repository) into a temporary folder; its first install
(the virtual environment, Chromium's check, the npm packages: ``make install-dev chromium pdf-libs``) runs first and
is not counted. Then ``make test-fast`` (the edit loop: rules, commands and units on SQLite) and ``make test``
(everything, with PostgreSQL and Redis required as CI requires them) are timed, and each time is printed beside its
budget. Not a timed test: a figure to read, kept in ``bench/results/suite.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

TITLE = "The suite's time on a fresh clone"
HERE = Path(__file__).resolve().parent
#: The budgets (seconds): issue 75's standard.
BUDGETS = {"test-fast": 90, "test": 12 * 60}
#: What the first install is (not counted).
INSTALL = ("install-dev", "chromium", "pdf-libs")


@dataclass(frozen=True)
class Timed:
    target: str
    seconds: float
    budget: int
    passed: bool

    @property
    def within(self) -> bool:
        return self.passed and self.seconds <= self.budget

    def line(self) -> str:
        verdict = "within budget" if self.within else ("FAILED" if not self.passed else "OVER budget")
        return (
            f"make {self.target:<10} {_minutes(self.seconds):>10}   budget {_minutes(self.budget):>8}"
            f"   ({self.seconds / self.budget:.0%} of it)   {verdict}"
        )


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def _make(folder: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SPOTCHECK_REQUIRE_SERVICES": "1"}
    return subprocess.run(["make", *targets], cwd=folder, env=environment, capture_output=True, text=True)


def _timed(folder: Path, target: str) -> Timed:
    started = time.monotonic()
    done = _make(folder, target)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
    return Timed(target, seconds, BUDGETS[target], done.returncode == 0)


def measure(source: Path) -> list[Timed]:
    """Clone ``source``, install it (not counted), then time ``make test-fast`` and ``make test``."""
    with tempfile.TemporaryDirectory(prefix="spotcheck-suite-") as temporary:
        folder = Path(temporary) / "spotcheck"
        subprocess.run(["git", "clone", "-q", str(source), str(folder)], check=True)
        print(f"fresh clone of {source} at {folder}; first install (not counted)…", flush=True)
        installed = _make(folder, *INSTALL)
        if installed.returncode != 0:
            print(installed.stdout[-3000:], installed.stderr[-2000:], sep="\n", file=sys.stderr)
            raise SystemExit("the first install failed")
        found = []
        for target in ("test-fast", "test"):
            print(f"make {target}…", flush=True)
            found.append(_timed(folder, target))
            print(found[-1].line(), flush=True)
        return found


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench suite", description=TITLE)
    parser.add_argument("--from", dest="source", type=Path, default=HERE.parent, help="the repository to clone")
    arguments = parser.parse_args(argv or [])
    found = measure(arguments.source.resolve())
    print(f"\n== {TITLE} ==")
    for timed in found:
        print(timed.line())
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "suite.json").write_text(
        json.dumps([{**asdict(t), "within": t.within} for t in found], indent=2) + "\n", encoding="utf-8"
    )
    return 0 if all(t.within for t in found) else 1
