"""The justice bureau's supervision dashboard (监督统计) for 40 departments and a year of work with
1,000,000 visit results: the figures as the platform computes them
(:func:`spotcheck.tenants.supervision.figures.compute`: aggregate queries grouped by department, in
the database, inside ``cross_tenant``) and the whole page ``/supervision?period=2026`` rendered for
the bureau's supervisor, against the same figures computed the common way in the same run — load
the rows into Python and count them there (:mod:`bench.supervision_baseline`). Both ways must give
the same numbers for every department (checked before the times are printed; the totals are printed
side by side). The data (:mod:`bench.supervision_data`) is written in SQL as the owner on a fresh
database.
"""

from __future__ import annotations

import re
import subprocess
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor

from bench.common import HERE, TODAY, Figures, Line, Timer, app_context, emit, fresh_database, log, median, save
from bench.supervision_baseline import COMPARED, count_once
from bench.supervision_data import DEPARTMENTS, ENTITIES, VISITS, YEAR, load
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import cross_tenant, system_access
from spotcheck.demo import DEMO_PASSWORD
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.rules import commands, presets
from spotcheck.tenants.supervision import figures
from spotcheck.tenants.supervision.periods import Period

NAME = "supervision_dashboard"
ROUNDS = 5
TITLE = f"Supervision dashboard: {DEPARTMENTS} departments, one year, {VISITS:,} visit results (PostgreSQL)"
#: The figures printed side by side (both ways agree on all of COMPARED).
PRINTED = COMPARED[:6]


def _supervisor() -> User:
    with system_access("bench: the supervisor"):
        return db.session.scalars(sa.select(User).where(User.login == "sfj_supervisor")).one()


# --- the platform: aggregates in the database -------------------------------------------------------


def _label(statement: str) -> str:
    """A short name for a statement: the tables it reads, and how many ``FILTER`` counts it has."""
    tables = list(dict.fromkeys(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", statement)))
    filters = statement.count("FILTER (WHERE")
    return " ⋈ ".join(tables) + (f" ({filters} count FILTER)" if filters else "")


def compute_once(supervisor: User) -> tuple[list[figures.Status], float]:
    """``figures.compute`` for every department as the supervisor reads them, in a fresh session."""
    db.session.remove()
    with frozen_at(TODAY), cross_tenant(supervisor, "bench"), Timer() as timer:
        statuses = figures.compute(Period(YEAR), figures.departments())
    db.session.remove()
    return statuses, timer.seconds


def traced_compute(supervisor: User) -> list[tuple[float, str]]:
    """One more ``compute`` with each statement timed (slowest first; not counted in the medians)."""
    traced: list[tuple[float, str]] = []

    def before(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: object,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: object,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        traced.append((time.perf_counter() - conn.info.pop("bench_started"), _label(statement)))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        compute_once(supervisor)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    return sorted(traced, reverse=True)


def logged_in_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found is not None, "the sign-in form carries its CSRF token"
    token = found.group(1)
    client.post("/login", data={"login": "sfj_supervisor", "password": DEMO_PASSWORD, "csrf_token": token})
    return client


def render_once(client: FlaskClient) -> float:
    """The whole dashboard page of the year, as the supervisor's browser asks for it."""
    with frozen_at(TODAY), Timer() as timer:
        response = client.get(f"/supervision?period={YEAR}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f"部门{DEPARTMENTS - 3}" in body, response.status_code
    return timer.seconds


# --- the run ------------------------------------------------------------------------------------------


def _code_under_test() -> str:
    """Which ``figures.py`` was measured: the commit, and whether the work tree changes it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = (
            subprocess.run(
                ["git", "diff", "--quiet", "HEAD", "--", "spotcheck/tenants/supervision/figures.py"], cwd=HERE.parent
            ).returncode
            != 0
        )
    except (OSError, subprocess.CalledProcessError):
        return "outside a git work tree"
    return f"commit {head}" + (" with uncommitted changes to figures.py" if changed else "")


def _platform_value(status: figures.Status, key: str) -> object:
    if key == "plan_year":
        return status.plan_year.status if status.plan_year else None
    if key == "plan_half":
        return [f.status for f in status.plan_half]
    return getattr(status, key)


def _adopt_rulebook() -> None:
    """The city works under 宁安市's rulebook (its plan deadlines are what the filings count against)."""
    preset = presets.BY_NAME["宁安市"]
    commands.load_rulebook({"text": preset.text, "preset": preset.name}, actor=CONSOLE)


def measure(app: Flask) -> Figures:
    """The three timings interleaved round by round (a busy moment of the machine weighs on all three),
    then one compute traced statement by statement."""
    _adopt_rulebook()
    supervisor, client = _supervisor(), logged_in_client(app)
    times: dict[str, list[float]] = {"compute": [], "page": [], "python": []}
    for round_ in range(ROUNDS):
        statuses, seconds = compute_once(supervisor)
        times["compute"].append(seconds)
        times["page"].append(render_once(client))
        counted, seconds = count_once(supervisor)
        times["python"].append(seconds)
        log(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
    return {"times": times, "statuses": statuses, "counted": counted, "traced": traced_compute(supervisor)}


def compare(
    statuses: list[figures.Status], counted: dict[int, dict[str, Any]]
) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
    """Both ways' numbers the same for every department (else AssertionError); the printed totals of
    each way, and the plans' filings by status."""
    for status in statuses:
        expected = counted[status.tenant_id]
        for key in COMPARED:
            assert _platform_value(status, key) == expected[key], (
                status.code,
                key,
                _platform_value(status, key),
                expected[key],
            )
    totals = {key: (sum(getattr(s, key) for s in statuses), sum(c[key] for c in counted.values())) for key in PRINTED}
    filings: dict[str, int] = {}
    for status in statuses:
        for filed in status.filings:
            filings[filed.status] = filings.get(filed.status, 0) + 1
    return totals, filings


def figure_lines(times: dict[str, list[float]]) -> list[Line]:
    """The figures and the page (medians) against the rows counted in Python."""
    computed, rendered, python_seconds = (median(times[k]) for k in ("compute", "page", "python"))
    return [
        {
            "figure_name": f"figures computed (aggregates, median of {ROUNDS})",
            "figure": f"{computed:.2f} s",
            "baseline_name": f"rows loaded into Python and counted (median of {ROUNDS})",
            "baseline": f"{python_seconds:.2f} s",
            "ratio": python_seconds / computed,
        },
        {
            "figure_name": f"dashboard page rendered (median of {ROUNDS})",
            "figure": f"{rendered:.2f} s",
            "baseline_name": "rows loaded into Python and counted (no page)",
            "baseline": f"{python_seconds:.2f} s",
            "ratio": python_seconds / rendered,
        },
    ]


def notes(
    loaded: Figures,
    tenants: int,
    totals: dict[str, tuple[int, int]],
    filings: dict[str, int],
    slowest: str,
    traced: list[tuple[float, str]],
    rest: float,
) -> list[str]:
    """What the figures mean: the data, the agreement of both ways, the slowest statements, the baseline."""
    return [
        f"{tenants} tenants ({DEPARTMENTS} departments and the bureau), {VISITS:,} visits, "
        f"{ENTITIES:,} entities, written in SQL as the owner in {loaded['seconds']:.0f} s "
        f"(VACUUM ANALYZE {loaded['vacuum_seconds']:.0f} s); the year {YEAR} read on {TODAY.isoformat()}; "
        f"`figures.py` of {_code_under_test()}; the three timings interleaved round by round.",
        f"Both ways give the same numbers for every department ({', '.join(COMPARED)}); totals: "
        + ", ".join(f"{key} {a:,}" for key, (a, _) in totals.items())
        + "; filings "
        + ", ".join(f"{k} {v}" for k, v in sorted(filings.items()))
        + ".",
        f"Slowest statements of one `figures.compute` (timed separately): {slowest}; the other "
        f"{len(traced) - 3} statements together {rest:.2f} s.",
        "The page is `/supervision?period=2026` for the demo's 司法局 supervisor through the Flask test client: "
        "the figures, the table, four SVG charts, the audit entry of the cross-department read.",
        "The baseline reads every visit, category of a problem, campaign, draw, follow-up, item, directory entry, "
        "inspector, rules document and plan over the platform's own connection (same role, row-level security "
        "and cross-tenant scope) with plain SQL on the driver's cursor, no ORM objects — the cheapest form of "
        "the common way — and counts in Python.",
    ]


def run() -> Figures:
    with fresh_database("supervision") as url:
        loaded = load(url)
        log(f"data written in {loaded['seconds']:.0f} s (then VACUUM ANALYZE {loaded['vacuum_seconds']:.0f} s)")
        with app_context(url) as app:
            measured = measure(app)
        statuses, times, traced = measured["statuses"], measured["times"], measured["traced"]
        totals, filings = compare(statuses, measured["counted"])
    print(
        f"  same numbers both ways for each of the {len(statuses)} departments ({', '.join(COMPARED)}); totals "
        f"(aggregates = Python): " + "; ".join(f"{key} {a:,} = {b:,}" for key, (a, b) in totals.items()),
        flush=True,
    )
    lines = figure_lines(times)
    emit(lines)
    slowest = "; ".join(f"{label} {seconds:.2f} s" for seconds, label in traced[:3])
    rest = sum(seconds for seconds, _ in traced[3:])
    print(
        f"  slowest statements of one compute: {slowest}; the other {len(traced) - 3} together {rest:.2f} s", flush=True
    )
    result = {
        "title": TITLE,
        "lines": lines,
        "notes": notes(loaded, len(statuses), totals, filings, slowest, traced, rest),
        "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "totals": {key: a for key, (a, _) in totals.items()},
        "filings": filings,
        "statements": [{"statement": label, "seconds": round(seconds, 4)} for seconds, label in traced],
    }
    save(NAME, result)
    return result
