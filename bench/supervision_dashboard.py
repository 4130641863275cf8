"""The justice bureau's supervision dashboard (监督统计) for 40 departments and a year of work with
1,000,000 visit results: the figures as the platform computes them
(:func:`spotcheck.tenants.supervision.figures.compute`: aggregate queries grouped by department, in
the database, inside ``cross_tenant``) and the whole page ``/supervision?period=2026`` rendered for
the bureau's supervisor, against the same figures computed the common way in the same run — load
the rows into Python and count them there. Both ways must give the same numbers for every
department (checked before the times are printed; the totals are printed side by side).

The data is written in SQL as the owner (``INSERT … SELECT generate_series``) on a fresh database:
40 departments (the demo's three and 37 more) beside the demo's 司法局 (kind ``supervisor``, with
its supervisor ``sfj_supervisor``); 5,000 shared entities, 1,000 directory entries per department;
30 published items each (a third in the market-regulation field, three in four under random
checking) and three drafts; 40 inspectors (one in ten inactive); the rules (published by six
departments in seven); the year's plan (filed between 5 and 24 January, deadline 15 January; three
departments filed none) and some half-year plans; 25 published campaigns over 2026 with their two
draws, plus a draft and one of 2025 that no figure counts; and 1,000,000 visits — 25,000 a
department, 1,000 a campaign — in every state of a result (60 % published, 10 % each approved,
submitted, returned, assigned), checked over the campaign's three weeks, report due 7 days and
publication 30 days later, a few published late (0–5 % by department, plus some at 00:30 Beijing
time the day after the deadline: late too), one item result and category each (one in seven a
problem of three kinds, some with a second problem category, and a department's own problem
category), a follow-up for every other problem (many still open).
"""
from __future__ import annotations

import os
import re
import time
from datetime import date, timedelta, timezone

from bench.common import (
    TODAY,
    Timer,
    admin_connect,
    app_context,
    emit,
    fresh_database,
    log,
    median,
    save,
    vacuum_analyze,
)

NAME = "supervision_dashboard"
VISITS = int(os.environ.get("BENCH_SUPERVISION_VISITS", "1000000"))
DEPARTMENTS = 40  # the demo's SCJ, YJJ, SWJ and 37 more (the bureau SFJ is the 41st tenant)
CAMPAIGNS = 25  # per department, over 2026
ITEMS = 30  # published, per department
DIRECTORY = max(1000, -(-VISITS // (DEPARTMENTS * CAMPAIGNS)))  # entries per department ≥ visits per campaign
ENTITIES = max(5000, 2 * DIRECTORY)
ROUNDS = 5
YEAR = 2026
TITLE = f"Supervision dashboard: {DEPARTMENTS} departments, one year, {VISITS:,} visit results (PostgreSQL)"
#: The figures both ways must agree on (the plans' filing status too); the first six are printed.
COMPARED = ("checked", "problems", "published_on_time", "published_late", "reports_overdue", "campaigns",
            "publish_due", "draws", "follow_ups_open", "items", "market_items", "market_random", "other_items",
            "other_random", "entries", "inspectors", "rules", "plan_year", "plan_half")
PRINTED = COMPARED[:6]


def _beijing(day_sql: str, clock: str) -> str:
    """A moment (timestamptz) at ``clock`` Beijing time on the day ``day_sql``."""
    return f"(({day_sql})::timestamp + TIME '{clock}') AT TIME ZONE 'Asia/Shanghai'"


def load(url: str) -> dict:
    from bench.public_search import _fill

    with Timer() as timer, admin_connect(url, autocommit=False) as conn:
        _fill(conn, "tenant", {"code": "'D' || lpad(g::text, 2, '0')", "name": "'部门' || g",
                               "kind": "'ordinary'", "region_code": "'330100'", "short_name": "'部' || g",
                               "risk_labels": "'letters'", "active": "true"},
              f"generate_series(1, {DEPARTMENTS - 3}) g")
        conn.execute("CREATE TEMP TABLE dept AS SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM tenant "
                     "WHERE kind <> 'supervisor'")
        found = conn.execute("SELECT count(*) FROM dept").fetchone()[0]
        assert found == DEPARTMENTS, f"{found} departments, expected {DEPARTMENTS} (the demo's three and the rest)"
        _fill(conn, "entity", {"code": "'BENCH' || lpad(g::text, 13, '0')", "name": "'企业' || g",
                               "entity_type": "'enterprise'", "industry_code": "'F5211'", "region_code": "'330102'",
                               "status": "'active'", "abnormal": "false", "blacklisted": "false", "complaints": "0"},
              f"generate_series(0, {ENTITIES - 1}) g")
        first_entity = conn.execute("SELECT min(id) FROM entity WHERE code LIKE 'BENCH%'").fetchone()[0]
        # Department n's directory: entities (n·113 + e) mod ENTITIES, e < DIRECTORY (shared between departments).
        _fill(conn, "directory_entry", {"tenant_id": "d.id",
                                        "entity_id": f"{first_entity} + (d.n * 113 + e) % {ENTITIES}",
                                        "category": "'一般'", "risk": "'C'", "tags": "''"},
              f"dept d, generate_series(0, {DIRECTORY - 1}) e")
        _fill(conn, "item", {"tenant_id": "d.id", "code": "'BI-' || d.n || '-' || g",
                             "status": f"CASE WHEN g <= {ITEMS} THEN 'published' ELSE 'draft' END",
                             "version": "1", "name": "'检查事项' || g", "methods": "'[\"onsite\"]'::json",
                             "inspector_categories": "'[]'::json",
                             "field": "CASE WHEN g % 3 = 0 THEN 'market' ELSE 'other' END",
                             "kind": "'general'", "random_check": "(g % 4 <> 0 OR d.n % 5 = 0)"},
              f"dept d, generate_series(1, {ITEMS + 3}) g")
        _fill(conn, "inspector", {"tenant_id": "d.id", "name": "'检查员' || g", "sex": "'M'", "id_encrypted": "'x'",
                                  "id_digest": "md5(d.n || '-' || g)", "id_masked": "'33****'", "agency": "'执法队'",
                                  "cert_no": "'C' || d.n || '-' || g", "categories": "'[]'::json",
                                  "active": "g % 10 <> 0"},
              "dept d, generate_series(1, 40) g")
        _fill(conn, "rules_document", {"tenant_id": "d.id", "title": "'实施细则'", "published": "d.n % 7 <> 0"},
              "dept d")
        # The year's plan (deadline 15 January) filed 5–24 January, none by three departments; the first
        # half's by every other department, the second half's (deadline 15 June) by every third, some late.
        _fill(conn, "plan", {"tenant_id": "d.id", "year": str(YEAR), "half": "h.half", "title": "'计划'",
                             "status": "'filed'",
                             "submitted_at": _beijing(
                                 f"CASE h.half WHEN 2 THEN DATE '{YEAR}-06-08' + d.n % 11 "
                                 f"ELSE DATE '{YEAR}-01-05' + (d.n + 3 * coalesce(h.half, 0)) % 20 END", "10:00")},
              "dept d, (VALUES (NULL::int), (1), (2)) h(half) WHERE CASE WHEN h.half IS NULL THEN d.n % 13 <> 12 "
              "WHEN h.half = 1 THEN d.n % 2 = 0 ELSE d.n % 3 = 0 END")
        campaign = {"tenant_id": "d.id", "title": "'抽查任务' || g", "year": str(YEAR), "target_filter": "'{}'::json",
                    "strata": "'{}'::json", "exclude_checked": "true", "reserve_size": "0", "team_size": "2",
                    "method": "'onsite'", "joint": "false"}
        _fill(conn, "campaign", {**campaign, "code": "'BC-' || d.n || '-' || g", "status": "'published'",
                                 "window_start": f"DATE '{YEAR}-01-05' + g * 13",
                                 "window_end": f"DATE '{YEAR}-01-05' + g * 13 + 20"},
              f"dept d, generate_series(0, {CAMPAIGNS - 1}) g")
        # Counted by no figure of the year: a draft, and a campaign of the year before.
        _fill(conn, "campaign", {**campaign, "code": "'BX-' || d.n || '-' || g",
                                 "status": "CASE g WHEN 0 THEN 'draft' ELSE 'published' END",
                                 "year": f"{YEAR} - g", "window_start": f"DATE '{YEAR}-10-01' - g * 365",
                                 "window_end": f"DATE '{YEAR}-10-31' - g * 365"},
              "dept d, generate_series(0, 1) g")
        conn.execute("CREATE TEMP TABLE camp AS SELECT c.id, c.tenant_id, d.n, "
                     "(row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.id) - 1)::int AS k, "
                     "c.window_start, c.window_end "
                     "FROM campaign c JOIN dept d ON d.id = c.tenant_id WHERE c.code LIKE 'BC-%'")
        conn.execute("CREATE UNIQUE INDEX ON camp (n, k)")
        _fill(conn, "draw", {"tenant_id": "c.tenant_id", "campaign_id": "c.id", "kind": "kinds.kind",
                             "nonce_encrypted": "'x'", "commitment": "md5(c.id::text)",
                             "drawn_at": _beijing("c.window_start - 2", "09:30")},
              "campaign c JOIN dept d ON d.id = c.tenant_id, (VALUES ('targets'), ('inspectors')) kinds(kind) "
              "WHERE c.status <> 'draft'")
        conn.execute("CREATE TEMP TABLE first_item AS "
                     "SELECT tenant_id, min(id) AS item_id FROM item GROUP BY tenant_id")
        log("departments, items, directories, plans, campaigns and draws written")
        # Visit g: department n = g mod 40; j = g div 40 its number in the department, campaign k = j mod 25,
        # m = j div 25 its number in the campaign (a distinct directory entity each). s mixes the states
        # over the departments and campaigns; l decides the publication (late below n mod 6 in 100).
        # Written campaign by campaign, in the order of their windows, as the target draws create them
        # (a campaign's visits lie together in the table, as they would).
        v = (f"(SELECT g, g % {DEPARTMENTS} AS n, (g / {DEPARTMENTS}) % {CAMPAIGNS} AS k, "
             f"g / {DEPARTMENTS * CAMPAIGNS} AS m FROM generate_series(0, {VISITS - 1}) g) v")
        s = "((v.m + 3 * v.k + v.n) % 20)"
        late = "((v.m * 13 + v.k) % 100)"
        checked = "(c.window_start + (v.m * 7 + v.n) % 21)"
        status = (f"CASE WHEN {s} < 12 THEN 'published' WHEN {s} < 14 THEN 'approved' WHEN {s} < 16 THEN 'submitted' "
                  f"WHEN {s} < 18 THEN 'returned' ELSE 'assigned' END")
        published_at = (f"CASE WHEN {late} < v.n % 6 THEN {_beijing(f'{checked} + 31 + {late}', '10:00')} "
                        f"WHEN {late} = 50 THEN {_beijing(f'{checked} + 31', '00:30')} "
                        f"WHEN {late} = 51 THEN {_beijing(f'{checked} + 30', '23:30')} "
                        f"ELSE {_beijing(f'{checked} + 3 + v.m % 20', '15:00')} END")
        _fill(conn, "visit", {
            "tenant_id": "c.tenant_id", "campaign_id": "c.id",
            "entity_id": f"{first_entity} + (v.n * 113 + (v.m + 37 * v.k) % {DIRECTORY}) % {ENTITIES}",
            "status": status, "method": "'onsite'", "version": f"CASE WHEN {s} < 12 THEN 1 ELSE 0 END",
            "entered_by": "'[]'::json", "source": "'entered'", "due_assumed": "false",
            "checked_on": f"CASE WHEN {s} < 18 THEN {checked} END",
            "report_due": f"CASE WHEN {s} < 18 THEN {checked} + 7 END",  # assigned: the campaign's last day
            "publish_due": f"CASE WHEN {s} < 14 THEN {checked} + 30 END",
            "approved_at": f"CASE WHEN {s} < 14 THEN {_beijing(f'{checked} + 2', '11:00')} END",
            "published_at": f"CASE WHEN {s} < 12 THEN {published_at} END"},
            f"{v} JOIN camp c ON c.n = v.n AND c.k = v.k ORDER BY v.k, v.n, v.m")  # a campaign's visits together
        log(f"{VISITS:,} visits written")
        _fill(conn, "item_result", {"tenant_id": "v.tenant_id", "visit_id": "v.id", "item_id": "f.item_id"},
              "visit v JOIN first_item f ON f.tenant_id = v.tenant_id WHERE v.status <> 'assigned'")
        # One department keeps its own list with a problem category of its own (read by _problem_codes).
        own_tenant = conn.execute("SELECT id FROM dept WHERE n = 5").fetchone()[0]
        _fill(conn, "result_category_choice", {"tenant_id": str(own_tenant), "code": "'own_warning'",
                                               "name": "'当场警告'", "problem": "true", "active": "true"},
              "(SELECT 1) one")
        problem = ("CASE r.visit_id % 3 WHEN 0 THEN 'rectified' WHEN 1 THEN 'pending_other_rules' "
                   "ELSE 'uncooperative' END")
        _fill(conn, "result_category", {
            "tenant_id": "r.tenant_id", "item_result_id": "r.id",
            "code": f"CASE WHEN r.visit_id % 7 = 0 THEN {problem} "
                    f"WHEN r.tenant_id = {own_tenant} AND r.visit_id % 11 = 0 THEN 'own_warning' "
                    "ELSE 'no_problem' END"},
            "item_result r")
        _fill(conn, "result_category", {"tenant_id": "r.tenant_id", "item_result_id": "r.id",
                                        "code": "'pending_own_rules'"},
              "item_result r WHERE r.visit_id % 21 = 0")  # a second problem category: the visit counts once
        _fill(conn, "follow_up", {"tenant_id": "v.tenant_id", "visit_id": "v.id", "kind": "'rectification'",
                                  "opened_on": "v.checked_on", "opened_at": _beijing("v.checked_on", "16:00"),
                                  "closed_on": "CASE WHEN v.id % 4 = 0 THEN v.checked_on + 10 + (v.id / 28) % 90 END"},
              "visit v WHERE v.id % 14 = 0 AND v.status <> 'assigned'")
        conn.commit()
        log("results, categories and follow-ups written")
    with Timer() as vacuum:
        vacuum_analyze(url, "visit", "item_result", "result_category", "follow_up", "campaign", "draw", "item",
                       "directory_entry", "inspector", "plan", "entity")
    return {"seconds": timer.seconds, "vacuum_seconds": vacuum.seconds}


def _supervisor():
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import system_access
    from spotcheck.tenants.accounts.models import User

    with system_access("bench: the supervisor"):
        return db.session.scalar(sa.select(User).where(User.login == "sfj_supervisor"))


# --- the platform: aggregates in the database -------------------------------------------------------


def _label(statement: str) -> str:
    """A short name for a statement: the tables it reads, and how many ``FILTER`` counts it has."""
    tables = list(dict.fromkeys(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)", statement)))
    filters = statement.count("FILTER (WHERE")
    return " ⋈ ".join(tables) + (f" ({filters} count FILTER)" if filters else "")


def compute_once(supervisor) -> tuple[list, float]:
    """``figures.compute`` for every department as the supervisor reads them, in a fresh session."""
    from spotcheck.core.clock import frozen_at
    from spotcheck.core.database import db
    from spotcheck.core.scoping import cross_tenant
    from spotcheck.tenants.supervision import figures
    from spotcheck.tenants.supervision.periods import Period

    db.session.remove()
    with frozen_at(TODAY), cross_tenant(supervisor, "bench"), Timer() as timer:
        statuses = figures.compute(Period(YEAR), figures.departments())
    db.session.remove()
    return statuses, timer.seconds


def traced_compute(supervisor) -> list[tuple[float, str]]:
    """One more ``compute`` with each statement timed (slowest first; not counted in the medians)."""
    from sqlalchemy import event

    from spotcheck.core.database import db

    traced: list[tuple[float, str]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        traced.append((time.perf_counter() - conn.info.pop("bench_started"), _label(statement)))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        compute_once(supervisor)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    return sorted(traced, reverse=True)


def logged_in_client(app):
    from spotcheck.demo import DEMO_PASSWORD

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": "sfj_supervisor", "password": DEMO_PASSWORD, "csrf_token": token})
    return client


def render_once(client) -> float:
    """The whole dashboard page of the year, as the supervisor's browser asks for it."""
    from spotcheck.core.clock import frozen_at

    with frozen_at(TODAY), Timer() as timer:
        response = client.get(f"/supervision?period={YEAR}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f"部门{DEPARTMENTS - 3}" in body, response.status_code
    return timer.seconds


# --- the common way: rows into Python ----------------------------------------------------------------


def count_once(supervisor) -> tuple[dict, float]:
    """The same figures of the year by fetching the rows and counting them in Python: the same
    connection, role and row-level security as the platform (inside ``cross_tenant``), plain SQL on
    the driver's cursor (no ORM objects: the cheapest form of the common way)."""
    from spotcheck.core.database import db
    from spotcheck.core.scoping import cross_tenant
    from spotcheck.tenants.rules.rulebook import rules_for

    rules = rules_for(None, date(YEAR, 1, 1))
    deadlines = {half: rules.plan_deadline(YEAR, half) for half in (None, 1, 2)}
    db.session.remove()
    with cross_tenant(supervisor, "bench"), Timer() as timer:
        found = _count_in_python(db.session.connection().connection.driver_connection, deadlines)
    db.session.remove()
    return found, timer.seconds


def _count_in_python(conn, deadlines: dict) -> dict[int, dict]:
    """``deadlines``: the plans' filing deadlines of the rules in force (half None: the year's plan)."""
    from spotcheck.tenants.common.vocabulary.reference import RESULT_PROBLEM_CATEGORIES

    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    as_of = min(end, TODAY)
    beijing = timezone(timedelta(hours=8))
    found: dict[int, dict] = {}

    def of(tenant):
        if tenant not in found:
            found[tenant] = {key: 0 for key in COMPARED}
            found[tenant].update(rules=False, plan_year=None, plan_half=[])
        return found[tenant]

    cursor = conn.cursor()
    for (tenant,) in cursor.execute("SELECT id FROM tenant WHERE active"):
        of(tenant)
    own = set(cursor.execute("SELECT tenant_id, code FROM result_category_choice WHERE problem").fetchall())
    window_end = dict(cursor.execute("SELECT id, window_end FROM campaign").fetchall())
    problem = {visit for visit, tenant, code in cursor.execute(
        "SELECT r.visit_id, c.tenant_id, c.code FROM result_category c JOIN item_result r ON r.id = c.item_result_id "
        "WHERE c.code = ANY(%s)", (sorted(RESULT_PROBLEM_CATEGORIES | {code for _, code in own}),))
        if code in RESULT_PROBLEM_CATEGORIES or (tenant, code) in own}
    for tenant, visit, campaign, status, checked, report_due, publish_due, published_at in cursor.execute(
            "SELECT tenant_id, id, campaign_id, status, checked_on, report_due, publish_due, published_at FROM visit"):
        figures = of(tenant)
        if status in ("submitted", "approved", "published") and checked and start <= checked <= end:
            figures["checked"] += 1
            figures["problems"] += visit in problem
        if publish_due and start <= publish_due <= end and publish_due < TODAY:
            figures["publish_due"] += 1
            on_time = published_at is not None and published_at.astimezone(beijing).date() <= publish_due
            figures["published_on_time" if on_time else "published_late"] += 1
        due = report_due or window_end[campaign]
        if status in ("assigned", "drafting", "returned") and start <= due <= end and due < TODAY:
            figures["reports_overdue"] += 1
    for tenant, status, joint, window_start in cursor.execute(
            "SELECT tenant_id, status, joint, window_start FROM campaign"):
        if not joint and status != "draft" and start <= window_start <= end:
            of(tenant)["campaigns"] += 1
    for tenant, drawn_at in cursor.execute("SELECT tenant_id, drawn_at FROM draw"):
        if drawn_at is not None and start <= drawn_at.astimezone(beijing).date() <= end:
            of(tenant)["draws"] += 1
    for tenant, opened, closed in cursor.execute("SELECT tenant_id, opened_on, closed_on FROM follow_up"):
        if opened <= as_of and (closed is None or closed > as_of):
            of(tenant)["follow_ups_open"] += 1
    for tenant, status, field, random_check in cursor.execute(
            "SELECT tenant_id, status, field, random_check FROM item"):
        if status == "published":
            figures = of(tenant)
            kind = "market" if field == "market" else "other"
            figures["items"] += bool(random_check)
            figures[f"{kind}_items"] += 1
            figures[f"{kind}_random"] += bool(random_check)
    for (tenant,) in cursor.execute("SELECT tenant_id FROM directory_entry"):
        of(tenant)["entries"] += 1
    for tenant, active in cursor.execute("SELECT tenant_id, active FROM inspector"):
        of(tenant)["inspectors"] += bool(active)
    for tenant, published in cursor.execute("SELECT tenant_id, published FROM rules_document"):
        of(tenant)["rules"] |= bool(published)
    plans = {(tenant, half): submitted for tenant, half, submitted in cursor.execute(
        "SELECT tenant_id, half, submitted_at FROM plan WHERE year = %s", (YEAR,))}

    def filing(tenant, half):
        deadline = deadlines[half]
        if deadline is None:
            return "not_required"
        submitted = plans.get((tenant, half))
        if submitted is not None:
            return "on_time" if submitted.astimezone(beijing).date() <= deadline else "late"
        return "missing" if TODAY > deadline else "pending"

    for tenant, figures in found.items():
        figures["plan_year"] = filing(tenant, None)
        figures["plan_half"] = [filing(tenant, half) for half in (1, 2)] if figures["other_items"] else []
    return found


def _code_under_test() -> str:
    """Which ``figures.py`` was measured: the commit, and whether the work tree changes it."""
    import subprocess

    from bench.common import HERE

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True,
                              check=True).stdout.strip()
        changed = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "spotcheck/tenants/supervision/figures.py"],
                                 cwd=HERE.parent).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return "outside a git work tree"
    return f"commit {head}" + (" with uncommitted changes to figures.py" if changed else "")


def _platform_value(status, key):
    if key == "plan_year":
        return status.plan_year.status if status.plan_year else None
    if key == "plan_half":
        return [f.status for f in status.plan_half]
    return getattr(status, key)


def _adopt_rulebook() -> None:
    """The city works under 宁安市's rulebook (its plan deadlines are what the filings count against)."""
    from spotcheck.core.policy import CONSOLE
    from spotcheck.tenants.rules import commands, presets

    preset = presets.BY_NAME["宁安市"]
    commands.load_rulebook({"text": preset.text, "preset": preset.name}, actor=CONSOLE)


def run() -> dict:
    with fresh_database("supervision") as url:
        loaded = load(url)
        log(f"data written in {loaded['seconds']:.0f} s (then VACUUM ANALYZE {loaded['vacuum_seconds']:.0f} s)")
        with app_context(url) as app:
            _adopt_rulebook()
            supervisor, client = _supervisor(), logged_in_client(app)
            times: dict[str, list[float]] = {"compute": [], "page": [], "python": []}
            for round_ in range(ROUNDS):  # interleaved: a busy moment of the machine weighs on all three
                statuses, seconds = compute_once(supervisor)
                times["compute"].append(seconds)
                times["page"].append(render_once(client))
                counted, seconds = count_once(supervisor)
                times["python"].append(seconds)
                log(f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
            traced = traced_compute(supervisor)
        computed, rendered, python_seconds = (median(times[k]) for k in ("compute", "page", "python"))
        for status in statuses:
            expected = counted[status.tenant_id]
            for key in COMPARED:
                assert _platform_value(status, key) == expected[key], (
                    status.code, key, _platform_value(status, key), expected[key])
        totals = {key: (sum(getattr(s, key) for s in statuses), sum(c[key] for c in counted.values()))
                  for key in PRINTED}
        filings = {}
        for status in statuses:
            for filed in status.filings:
                filings[filed.status] = filings.get(filed.status, 0) + 1
    print(f"  same numbers both ways for each of the {len(statuses)} departments ({', '.join(COMPARED)}); totals "
          f"(aggregates = Python): " + "; ".join(f"{key} {a:,} = {b:,}" for key, (a, b) in totals.items()), flush=True)
    lines = [
        {"figure_name": f"figures computed (aggregates, median of {ROUNDS})", "figure": f"{computed:.2f} s",
         "baseline_name": f"rows loaded into Python and counted (median of {ROUNDS})",
         "baseline": f"{python_seconds:.2f} s",
         "ratio": python_seconds / computed},
        {"figure_name": f"dashboard page rendered (median of {ROUNDS})", "figure": f"{rendered:.2f} s",
         "baseline_name": "rows loaded into Python and counted (no page)", "baseline": f"{python_seconds:.2f} s",
         "ratio": python_seconds / rendered},
    ]
    emit(lines)
    slowest = "; ".join(f"{label} {seconds:.2f} s" for seconds, label in traced[:3])
    rest = sum(seconds for seconds, _ in traced[3:])
    print(f"  slowest statements of one compute: {slowest}; the other {len(traced) - 3} together {rest:.2f} s",
          flush=True)
    notes = [f"{len(statuses)} tenants ({DEPARTMENTS} departments and the bureau), {VISITS:,} visits, "
             f"{ENTITIES:,} entities, written in SQL as the owner in {loaded['seconds']:.0f} s "
             f"(VACUUM ANALYZE {loaded['vacuum_seconds']:.0f} s); the year {YEAR} read on {TODAY.isoformat()}; "
             f"`figures.py` of {_code_under_test()}; the three timings interleaved round by round.",
             f"Both ways give the same numbers for every department ({', '.join(COMPARED)}); totals: "
             + ", ".join(f"{key} {a:,}" for key, (a, _) in totals.items())
             + "; filings " + ", ".join(f"{k} {v}" for k, v in sorted(filings.items())) + ".",
             f"Slowest statements of one `figures.compute` (timed separately): {slowest}; the other "
             f"{len(traced) - 3} statements together {rest:.2f} s.",
             "The page is `/supervision?period=2026` for the demo's 司法局 supervisor through the Flask test client: "
             "the figures, the table, four SVG charts, the audit entry of the cross-department read.",
             "The baseline reads every visit, category of a problem, campaign, draw, follow-up, item, directory entry, "
             "inspector, rules document and plan over the platform's own connection (same role, row-level security "
             "and cross-tenant scope) with plain SQL on the driver's cursor, no ORM objects — the cheapest form of "
             "the common way — and counts in Python."]
    result = {"title": TITLE, "lines": lines, "notes": notes,
              "seconds": {k: [round(x, 3) for x in v] for k, v in times.items()},
              "totals": {key: a for key, (a, _) in totals.items()}, "filings": filings,
              "statements": [{"statement": label, "seconds": round(seconds, 4)} for seconds, label in traced]}
    save(NAME, result)
    return result
