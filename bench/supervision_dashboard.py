"""The justice bureau's supervision dashboard (监督统计) for 40 departments and a year of work with
1,000,000 visit results: the figures as the platform computes them (one aggregate query per figure,
grouped by department, in the database) and the whole page rendered for the supervisor, against
the same figures computed the common way in the same run — load the rows into Python and count
them there. Both give the same numbers (checked before the times are printed).

The data is written in SQL as the owner: 40 departments (the demo's three and 37 more) with 30
items each (a third in the market-regulation field, three in four under random checking), 500
directory entries, 40 inspectors, a plan (some filed late), 25 campaigns with their two draws, and
1,000,000 visits over the year in every state of a result, one item result and category each (one
in seven a problem), a follow-up for every other problem (half of them open).
"""
from __future__ import annotations

import os
import re

from bench.common import Timer, admin_connect, app_context, emit, fresh_database, log, median, save, vacuum_analyze

NAME = "supervision_dashboard"
VISITS = int(os.environ.get("BENCH_SUPERVISION_VISITS", "1000000"))
DEPARTMENTS = 40
CAMPAIGNS = 25  # per department
ITEMS = 30  # per department
ENTITIES = 20_000
ROUNDS = 3
TITLE = f"Supervision dashboard: {DEPARTMENTS} departments, one year, {VISITS:,} visit results (PostgreSQL)"


def load(url: str) -> dict:
    from bench.public_search import _fill

    with Timer() as timer, admin_connect(url, autocommit=False) as conn:
        _fill(conn, "tenant", {"code": "'D' || lpad(g::text, 2, '0')", "name": "'部门' || g",
                               "kind": "'ordinary'", "region_code": "'330100'", "short_name": "'部' || g",
                               "risk_labels": "'letters'", "active": "true"},
              f"generate_series(1, {DEPARTMENTS - 3}) g")
        conn.execute("CREATE TEMP TABLE dept AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM tenant "
                     "WHERE kind <> 'supervisor'")
        _fill(conn, "entity", {"code": "'BENCH' || lpad(g::text, 13, '0')", "name": "'企业' || g",
                               "entity_type": "'enterprise'", "industry_code": "'F5211'", "region_code": "'330102'",
                               "status": "'active'", "abnormal": "false", "blacklisted": "false", "complaints": "0"},
              f"generate_series(1, {ENTITIES}) g")
        first_entity = conn.execute("SELECT min(id) FROM entity WHERE code LIKE 'BENCH%'").fetchone()[0]
        _fill(conn, "directory_entry", {"tenant_id": "d.id", "entity_id": f"{first_entity} + (d.n * 500 + g) % {ENTITIES}",
                                        "category": "'一般'", "risk": "'C'", "tags": "''"},
              "dept d, generate_series(0, 499) g")
        _fill(conn, "item", {"tenant_id": "d.id", "code": "'BI-' || d.n || '-' || g", "status": "'published'",
                             "version": "1", "name": "'检查事项' || g", "methods": "'[\"onsite\"]'::json",
                             "inspector_categories": "'[]'::json", "field": "CASE WHEN g % 3 = 0 THEN 'market' ELSE 'other' END",
                             "kind": "'general'", "random_check": "(g % 4 <> 0 OR d.n % 5 = 0)"},
              f"dept d, generate_series(1, {ITEMS}) g")
        _fill(conn, "inspector", {"tenant_id": "d.id", "name": "'检查员' || g", "sex": "'M'", "id_encrypted": "'x'",
                                  "id_digest": "md5(d.n || '-' || g)", "id_masked": "'33****'", "agency": "'执法队'",
                                  "cert_no": "'C' || d.n || '-' || g", "categories": "'[]'::json", "active": "true"},
              "dept d, generate_series(1, 40) g")
        _fill(conn, "rules_document", {"tenant_id": "d.id", "title": "'实施细则'", "published": "d.n % 7 <> 0"},
              "dept d")
        _fill(conn, "plan", {"tenant_id": "d.id", "year": "2026", "title": "'2026年度计划'", "status": "'filed'",
                             "submitted_at": "TIMESTAMPTZ '2026-01-05 10:00+08' + (d.n % 20) * INTERVAL '1 day'"},
              "dept d")
        _fill(conn, "campaign", {"tenant_id": "d.id", "code": "'BC-' || d.n || '-' || g", "title": "'抽查任务' || g",
                                 "year": "2026", "status": "'published'", "target_filter": "'{}'::json",
                                 "strata": "'{}'::json", "exclude_checked": "true", "reserve_size": "0",
                                 "team_size": "2", "method": "'onsite'", "joint": "false",
                                 "window_start": "DATE '2026-01-05' + g * 13",
                                 "window_end": "DATE '2026-01-05' + g * 13 + 20"},
              f"dept d, generate_series(0, {CAMPAIGNS - 1}) g")
        conn.execute("CREATE TEMP TABLE camp AS SELECT c.id, c.tenant_id, d.n, "
                     "row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.id) - 1 AS k, c.window_start, c.window_end "
                     "FROM campaign c JOIN dept d ON d.id = c.tenant_id WHERE c.code LIKE 'BC-%'")
        conn.execute("CREATE INDEX ON camp (n, k)")
        _fill(conn, "draw", {"tenant_id": "c.tenant_id", "campaign_id": "c.id", "kind": "kinds.kind",
                             "nonce_encrypted": "'x'", "commitment": "md5(c.id::text)",
                             "drawn_at": "c.window_start::timestamptz - INTERVAL '2 days'"},
              "camp c, (VALUES ('targets'), ('inspectors')) kinds(kind)")
        conn.execute("CREATE TEMP TABLE first_item AS SELECT tenant_id, min(id) AS item_id FROM item GROUP BY tenant_id")
        log("departments, items, directories, campaigns and draws written")
        status = ("CASE WHEN g % 10 < 6 THEN 'published' WHEN g % 10 = 6 THEN 'approved' WHEN g % 10 = 7 THEN 'submitted' "
                  "WHEN g % 10 = 8 THEN 'returned' ELSE 'assigned' END")
        checked = "c.window_start + (g % 20)"
        _fill(conn, "visit", {
            "tenant_id": "c.tenant_id", "campaign_id": "c.id", "entity_id": f"{first_entity} + (g / {DEPARTMENTS * CAMPAIGNS} + 37 * (g % {DEPARTMENTS * CAMPAIGNS})) % {ENTITIES}",
            "status": status, "method": "'onsite'", "version": "CASE WHEN g % 10 < 6 THEN 1 ELSE 0 END",
            "entered_by": "'[]'::json", "source": "'entered'", "due_assumed": "false",
            "checked_on": f"CASE WHEN g % 10 = 9 THEN NULL ELSE {checked} END",
            "report_due": f"CASE WHEN g % 10 = 9 THEN NULL ELSE {checked} + 7 END",
            "publish_due": f"CASE WHEN g % 10 IN (0, 1, 2, 3, 4, 5, 6) THEN {checked} + 30 END",
            "approved_at": f"CASE WHEN g % 10 < 7 THEN ({checked})::timestamptz + INTERVAL '2 days' END",
            "published_at": f"CASE WHEN g % 10 < 6 THEN ({checked})::timestamptz + "
                            f"(CASE WHEN g % 50 = 0 THEN 45 ELSE 5 END) * INTERVAL '1 day' END"},
            f"generate_series(0, {VISITS - 1}) g JOIN camp c ON c.n = g % {DEPARTMENTS} "
            f"AND c.k = (g / {DEPARTMENTS}) % {CAMPAIGNS}")
        log(f"{VISITS:,} visits written")
        _fill(conn, "item_result", {"tenant_id": "v.tenant_id", "visit_id": "v.id", "item_id": "f.item_id"},
              "visit v JOIN first_item f ON f.tenant_id = v.tenant_id WHERE v.status <> 'assigned'")
        _fill(conn, "result_category", {"tenant_id": "r.tenant_id", "item_result_id": "r.id",
                                        "code": "CASE WHEN r.visit_id % 7 = 0 THEN 'rectified' ELSE 'no_problem' END"},
              "item_result r")
        _fill(conn, "follow_up", {"tenant_id": "v.tenant_id", "visit_id": "v.id", "kind": "'rectification'",
                                  "opened_on": "v.checked_on", "opened_at": "v.checked_on::timestamptz",
                                  "closed_on": "CASE WHEN v.id % 4 = 0 THEN v.checked_on + 10 END"},
              "visit v WHERE v.id % 14 = 0 AND v.status <> 'assigned'")
        conn.commit()
        log("results, categories and follow-ups written")
    vacuum_analyze(url, "visit", "item_result", "result_category", "follow_up", "campaign", "draw", "item",
                   "directory_entry", "inspector", "plan")
    return {"seconds": timer.seconds}


# --- the platform: aggregates in the database -------------------------------------------------------


def platform_figures(app) -> tuple[list, float]:
    from spotcheck.core.clock import frozen_at
    from spotcheck.core.scoping import cross_tenant
    from spotcheck.tenants.supervision import figures
    from spotcheck.tenants.supervision.periods import Period

    from bench.common import TODAY
    from spotcheck.core.database import db
    from spotcheck.tenants.models import User
    import sqlalchemy as sa

    from spotcheck.core.scoping import system_access

    with system_access("bench"):
        supervisor = db.session.scalar(sa.select(User).where(User.login == "sfj_supervisor"))
    times, statuses = [], None
    for _ in range(ROUNDS):
        db.session.remove()
        with frozen_at(TODAY), cross_tenant(supervisor, "bench"), Timer() as timer:
            statuses = figures.compute(Period(2026), figures.departments())
        times.append(timer.seconds)
    return statuses, median(times)


def page_render(app) -> float:
    from spotcheck.core.clock import frozen_at

    from bench.common import TODAY

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": "sfj_supervisor", "password": "Spotcheck-2026", "csrf_token": token})
    times = []
    for _ in range(ROUNDS):
        with frozen_at(TODAY), Timer() as timer:
            response = client.get("/supervision?period=2026")
        assert response.status_code == 200 and "部门37" in response.get_data(as_text=True), response.status_code
        times.append(timer.seconds)
    return median(times)


# --- the common way: rows into Python ----------------------------------------------------------------


def python_figures(url: str) -> tuple[dict, float]:
    """The same figures of the year by fetching the rows and counting them in Python."""
    from datetime import date, timedelta, timezone

    from bench.common import TODAY

    start, end = date(2026, 1, 1), date(2026, 12, 31)
    found: dict[int, dict] = {}

    def of(tenant):
        return found.setdefault(tenant, {"checked": 0, "problems": 0, "publish_due": 0, "published_on_time": 0,
                                         "published_late": 0, "reports_overdue": 0, "campaigns": 0, "draws": 0,
                                         "follow_ups_open": 0, "items": 0})

    beijing = timezone(timedelta(hours=8))
    with Timer() as timer, admin_connect(url) as conn:
        window_end = dict(conn.execute("SELECT id, window_end FROM campaign").fetchall())
        problem = {row[0] for row in conn.execute(
            "SELECT r.visit_id FROM result_category c JOIN item_result r ON r.id = c.item_result_id "
            "WHERE c.code IN ('rectified', 'uncooperative') OR c.code LIKE 'pending%'")}
        for tenant, visit_id, campaign, status, checked, report_due, publish_due, published_at in conn.execute(
                "SELECT tenant_id, id, campaign_id, status, checked_on, report_due, publish_due, published_at FROM visit"):
            figures = of(tenant)
            if status in ("submitted", "approved", "published") and checked and start <= checked <= end:
                figures["checked"] += 1
                figures["problems"] += visit_id in problem
            if publish_due and start <= publish_due <= end and publish_due < TODAY:
                figures["publish_due"] += 1
                on_time = published_at is not None and published_at.astimezone(beijing).date() <= publish_due
                figures["published_on_time" if on_time else "published_late"] += 1
            due = report_due or window_end[campaign]
            if status in ("assigned", "drafting", "returned") and start <= due <= end and due < TODAY:
                figures["reports_overdue"] += 1
        for tenant, status, joint, window_start in conn.execute("SELECT tenant_id, status, joint, window_start FROM campaign"):
            if not joint and status != "draft" and start <= window_start <= end:
                of(tenant)["campaigns"] += 1
        for tenant, drawn_at in conn.execute("SELECT tenant_id, drawn_at FROM draw"):
            if drawn_at is not None and start <= drawn_at.astimezone(beijing).date() <= end:
                of(tenant)["draws"] += 1
        for tenant, opened, closed in conn.execute("SELECT tenant_id, opened_on, closed_on FROM follow_up"):
            day = min(end, TODAY)
            if opened <= day and (closed is None or closed > day):
                of(tenant)["follow_ups_open"] += 1
        for tenant, status, random_check in conn.execute("SELECT tenant_id, status, random_check FROM item"):
            if status == "published" and random_check:
                of(tenant)["items"] += 1
    return found, timer.seconds


COMPARED = ("checked", "problems", "publish_due", "published_on_time", "published_late", "reports_overdue",
            "campaigns", "draws", "follow_ups_open", "items")


def run() -> dict:
    with fresh_database("supervision") as url:
        loaded = load(url)
        log(f"data written in {loaded['seconds']:.0f} s")
        with app_context(url) as app:
            statuses, computed = platform_figures(app)
            rendered = page_render(app)
        counted, python_seconds = python_figures(url)
        for status in statuses:
            expected = counted.get(status.tenant_id, {})
            for key in COMPARED:
                assert getattr(status, key) == expected.get(key, 0), (status.name, key, getattr(status, key),
                                                                      expected.get(key))
        total = sum(s.checked for s in statuses)
        log(f"{len(statuses)} departments, {total:,} visits checked in the year: both ways agree on "
            f"{', '.join(COMPARED)}")
    lines = [
        {"figure_name": "figures computed (aggregates, median of 3)", "figure": f"{computed:.2f} s",
         "baseline_name": "rows loaded into Python and counted", "baseline": f"{python_seconds:.2f} s",
         "ratio": python_seconds / computed},
        {"figure_name": "dashboard page rendered (median of 3)", "figure": f"{rendered:.2f} s",
         "baseline_name": "rows loaded into Python and counted", "baseline": f"{python_seconds:.2f} s",
         "ratio": python_seconds / rendered},
    ]
    emit(lines)
    notes = [f"{DEPARTMENTS} departments, {VISITS:,} visits ({sum(s.checked for s in statuses):,} checked in the year), "
             f"written in {loaded['seconds']:.0f} s as the owner; the figures of both ways are compared for "
             f"{', '.join(COMPARED)} and are equal.",
             "The page is `/supervision?period=2026` for the demo's 司法局 supervisor through the Flask test client: "
             "the figures, the table, four SVG charts, the audit entry of the cross-department read.",
             "The baseline counts in one Python process reading the rows over one connection (no ORM objects), "
             "the cheapest form of the common way."]
    result = {"title": TITLE, "lines": lines, "notes": notes}
    save(NAME, result)
    return result
