"""The simulated year (``python -m bench city_year``) in its quick version (``BENCH_CITY_SCALE=0.05``):
every step of a campaign runs through the commands and the jobs on a real Celery worker, the pages
are asked for through gunicorn by locust, and the result file has its fields with numbers for
figures. Timing is the benchmark's business, never asserted here; the result goes to a temporary
folder, never over the committed ``bench/results``."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.support.helpers import PG_ADMIN_URL, REDIS_URL, _pg_connect, service_missing

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED = REPO_ROOT / "bench" / "results"
STEPS = (
    "plan",
    "create",
    "approve",
    "freeze_targets",
    "draw_targets",
    "freeze_inspectors",
    "draw_inspectors",
    "leaders",
    "hand_out",
    "notices",
    "template",
    "import",
    "confirm",
    "record",
    "submit",
    "return",
    "resubmit",
    "approve_bulk",
    "approve_single",
    "follow_up",
    "publish",
    "export",
    "dashboard",
    "table",
)
#: Where a step runs when not everywhere: the largest campaign's results are entered offline and
#: imported (its workbook downloaded, then the import job) and each 组长 confirms theirs, the others'
#: through each visit's form.
WHERE = {
    "template": ("largest",),
    "import": ("largest",),
    "confirm": ("largest",),
    "record": ("baseline", "joint"),
    "submit": ("baseline", "joint"),
}
#: The roles whose pages are asked for (one locust user per page and role).
ROLES = {"planner", "leader", "inspector", "supervisor", "public", "coordinator"}


@pytest.fixture
def services():
    """PostgreSQL and Redis as the other system tests reach them (skipped without, unless required)."""
    try:
        _pg_connect(PG_ADMIN_URL).close()
    except Exception as exc:
        service_missing("PostgreSQL", f"{PG_ADMIN_URL}: {type(exc).__name__}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        service_missing("Redis", f"{REDIS_URL}: {type(exc).__name__}")


def _committed_state() -> dict:
    return {path.name: path.stat().st_mtime_ns for path in [*COMMITTED.glob("*.json"), COMMITTED.parent / "RESULTS.md"]}


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(50)
def test_the_quick_year_runs_every_step_and_writes_its_figures(services, tmp_path):
    before = _committed_state()
    env = {
        **os.environ,
        "SPOTCHECK_ENV": "testing",
        "BENCH_CITY_SCALE": "0.05",
        "BENCH_RESULTS_DIR": str(tmp_path),
        "SPOTCHECK_BENCH_DATABASE_URL": PG_ADMIN_URL,
        "BENCH_CITY_REDIS_URL": REDIS_URL,
        "BENCH_CITY_PAGE_REQUESTS": "1",
        "BENCH_CITY_PAGE_WARMUP": "0",
        "BENCH_CITY_USERS_PER_PAGE": "1",
        "BENCH_CITY_TRACES": "0",
        "BENCH_CITY_PAUSE_MIN": "0",
        "BENCH_CITY_PAUSE_MAX": "0.1",
    }
    # (each page asked for once only, with no warm-up run and no page traced: the pass shows that
    # every role's pages are measured, while their load would only take the machine from the rest of the suite)
    env.pop("BENCH_KEEP_DATABASE", None)
    ran = subprocess.run(
        [sys.executable, "-m", "bench", "city_year"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 0, f"{ran.stdout[-4000:]}\n{ran.stderr[-6000:]}"

    result = json.loads((tmp_path / "city_year.json").read_text(encoding="utf-8"))
    assert result["benchmark"] == "city_year" and result["scale"] == 0.05
    for key in (
        "title",
        "sizes",
        "seconds",
        "steps",
        "steps_missing",
        "pages",
        "over_budget",
        "budgets",
        "lines",
        "tables",
        "notes",
        "machine",
    ):
        assert key in result, key
    assert result["steps_missing"] == []
    steps = {step["step"]: step for step in result["steps"]}
    assert set(steps) == set(STEPS)
    for step in steps.values():
        assert step["calls"] >= 1 and step["visits"] >= 1, step
        for figure in ("seconds", "ms_per_visit"):
            assert _number(step[figure]), (step["step"], figure, step[figure])
        assert _number(step["slowest"]["seconds"]) and isinstance(step["within_budget"], bool)
        if step["kind"] == "job":
            assert step["failed"] == [], step
    for step in STEPS[1:]:  # every campaign step ran at the baseline, the largest and the joint campaign too,
        for where in WHERE.get(step, ("baseline", "largest", "joint")):  # each visit's result by form or by workbook
            assert _number(steps[step][where]["ms_per_visit"]), (step, where)
        assert not set(steps[step]) & {"baseline", "largest", "joint"} - set(WHERE.get(step, steps[step])), step

    sizes = result["sizes"]
    assert sizes["departments"] == 2 and sizes["joint"]["departments"] == 2
    assert sizes["baseline_visits"] > 0 and sizes["joint"]["visits"] > 0 and len(sizes["campaign_visits"]) == 3
    assert set(result["pages"]) == {"baseline", "largest", "joint"}
    for moment, measured in result["pages"].items():
        assert len(measured["pages"]) >= 3, (moment, sorted(measured["pages"]))
        for label, page in measured["pages"].items():
            assert label.split(":")[0] in ROLES, label
            assert _number(page["p50_ms"]) and _number(page["p95_ms"]), (moment, label)
            assert page["requests"] == 1 and not page["failures"], (moment, label)  # each page asked for once

    assert isinstance(result["over_budget"], list)
    for entry in result["over_budget"]:
        assert entry["what"] and entry["figure"] and entry["budget"] and entry["cause"]
    assert all(line["figure"] and "budget" in line for line in result["lines"])
    assert _committed_state() == before, "the quick year wrote over the committed results"
