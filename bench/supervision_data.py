"""The data of :mod:`bench.supervision_dashboard`, written in SQL as the owner (``INSERT … SELECT
generate_series``) on a fresh database: 40 departments (the demo's three and 37 more) beside the
demo's 司法局 (kind ``supervisor``, with its supervisor ``sfj_supervisor``); 5,000 shared entities,
1,000 directory entries per department; 30 published items each (a third in the market-regulation
field, three in four under random checking) and three drafts; 40 inspectors (one in ten inactive);
the rules (published by six departments in seven); the year's plan (filed between 5 and 24 January,
deadline 15 January; three departments filed none) and some half-year plans; 25 published campaigns
over 2026 with their two draws, plus a draft and one of 2025 that no figure counts; and 1,000,000
visits — 25,000 a department, 1,000 a campaign — in every state of a result (60 % published, 10 %
each approved, submitted, returned, assigned), checked over the campaign's three weeks, report due
7 days and publication 30 days later, a few published late (0–5 % by department, plus some at 00:30
Beijing time the day after the deadline: late too), one item result and category each (one in seven
a problem of three kinds, some with a second problem category, and a department's own problem
category), a follow-up for every other problem (many still open).
"""

from __future__ import annotations

import os

import psycopg
from psycopg.rows import TupleRow

from bench.common import Figures, Timer, admin_connect, log, vacuum_analyze
from bench.public_search import _fill

VISITS = int(os.environ.get("BENCH_SUPERVISION_VISITS", "1000000"))
DEPARTMENTS = 40  # the demo's SCJ, YJJ, SWJ and 37 more (the bureau SFJ is the 41st tenant)
CAMPAIGNS = 25  # per department, over 2026
ITEMS = 30  # published, per department
DIRECTORY = max(1000, -(-VISITS // (DEPARTMENTS * CAMPAIGNS)))  # entries per department ≥ visits per campaign
ENTITIES = max(5000, 2 * DIRECTORY)
YEAR = 2026


def _beijing(day_sql: str, clock: str) -> str:
    """A moment (timestamptz) at ``clock`` Beijing time on the day ``day_sql``."""
    return f"(({day_sql})::timestamp + TIME '{clock}') AT TIME ZONE 'Asia/Shanghai'"


def load(url: str) -> Figures:
    """Everything written and committed in one transaction, then VACUUM ANALYZE (each timed)."""
    with Timer() as timer, admin_connect(url, autocommit=False) as conn:
        first_entity = departments(conn)
        plans_campaigns_draws(conn)
        log("departments, items, directories, plans, campaigns and draws written")
        visits(conn, first_entity)
        log(f"{VISITS:,} visits written")
        results(conn)
        conn.commit()
        log("results, categories and follow-ups written")
    with Timer() as vacuum:
        vacuum_analyze(
            url,
            "visit",
            "item_result",
            "result_category",
            "follow_up",
            "campaign",
            "draw",
            "item",
            "directory_entry",
            "inspector",
            "plan",
            "entity",
        )
    return {"seconds": timer.seconds, "vacuum_seconds": vacuum.seconds}


def departments(conn: psycopg.Connection[TupleRow]) -> int:
    """The departments (temp table ``dept``: id, n), the shared entities, each department's directory,
    items, inspectors and rules; returns the first entity's id."""
    _fill(
        conn,
        "tenant",
        {
            "code": "'D' || lpad(g::text, 2, '0')",
            "name": "'部门' || g",
            "kind": "'ordinary'",
            "region_id": "(SELECT id FROM region WHERE parent_id IS NULL ORDER BY id LIMIT 1)",
            "short_name": "'部' || g",
            "risk_labels": "'letters'",
            "active": "true",
        },
        f"generate_series(1, {DEPARTMENTS - 3}) g",
    )
    conn.execute(
        "CREATE TEMP TABLE dept AS SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM tenant "
        "WHERE kind <> 'supervisor'"
    )
    row = conn.execute("SELECT count(*) FROM dept").fetchone()
    assert row is not None  # the query answers one row
    found = row[0]
    assert found == DEPARTMENTS, f"{found} departments, expected {DEPARTMENTS} (the demo's three and the rest)"
    _fill(
        conn,
        "entity",
        {
            "code": "'BENCH' || lpad(g::text, 13, '0')",
            "name": "'企业' || g",
            "entity_type": "'enterprise'",
            "industry_code": "'F5211'",
            "region_code": "'330102'",
            "status": "'active'",
            "abnormal": "false",
            "blacklisted": "false",
            "complaints": "0",
        },
        f"generate_series(0, {ENTITIES - 1}) g",
    )
    row = conn.execute("SELECT min(id) FROM entity WHERE code LIKE 'BENCH%'").fetchone()
    assert row is not None  # the query answers one row
    first_entity = row[0]
    # Department n's directory: entities (n·113 + e) mod ENTITIES, e < DIRECTORY (shared between departments).
    _fill(
        conn,
        "directory_entry",
        {
            "tenant_id": "d.id",
            "entity_id": f"{first_entity} + (d.n * 113 + e) % {ENTITIES}",
            "category": "'一般'",
            "risk": "'C'",
            "tags": "''",
        },
        f"dept d, generate_series(0, {DIRECTORY - 1}) e",
    )
    department_lists(conn)
    return first_entity


def department_lists(conn: psycopg.Connection[TupleRow], inspectors: int = 40) -> None:
    """Each department of temp table ``dept`` its items (``ITEMS`` published and three drafts), ``inspectors``
    inspectors (one in ten inactive) and its rules (published by six in seven)."""
    _fill(
        conn,
        "item",
        {
            "tenant_id": "d.id",
            "code": "'BI-' || d.n || '-' || g",
            "status": f"CASE WHEN g <= {ITEMS} THEN 'published' ELSE 'draft' END",
            "version": "1",
            "name": "'检查事项' || g",
            "methods": "'[\"onsite\"]'::json",
            "inspector_categories": "'[]'::json",
            "field": "CASE WHEN g % 3 = 0 THEN 'market' ELSE 'other' END",
            "kind": "'general'",
            "random_check": "(g % 4 <> 0 OR d.n % 5 = 0)",
        },
        f"dept d, generate_series(1, {ITEMS + 3}) g",
    )
    _fill(
        conn,
        "inspector",
        {
            "tenant_id": "d.id",
            "name": "'检查员' || g",
            "sex": "'M'",
            "id_encrypted": "'x'",
            "id_digest": "md5(d.n || '-' || g)",
            "id_masked": "'33****'",
            "agency": "'执法队'",
            "cert_no": "'C' || d.n || '-' || g",
            "categories": "'[]'::json",
            "active": "g % 10 <> 0",
        },
        f"dept d, generate_series(1, {inspectors}) g",
    )
    _fill(conn, "rules_document", {"tenant_id": "d.id", "title": "'实施细则'", "published": "d.n % 7 <> 0"}, "dept d")


def plans_campaigns_draws(conn: psycopg.Connection[TupleRow], campaigns: int = CAMPAIGNS) -> None:
    """The plans, the campaigns (temp table ``camp``: the year's, numbered k in each department) and their
    draws; temp table ``first_item``: each department's first item."""
    # The year's plan (deadline 15 January) filed 5–24 January, none by three departments; the first
    # half's by every other department, the second half's (deadline 15 June) by every third, some late.
    _fill(
        conn,
        "plan",
        {
            "tenant_id": "d.id",
            "year": str(YEAR),
            "half": "h.half",
            "title": "'计划'",
            "status": "'filed'",
            "submitted_at": _beijing(
                f"CASE h.half WHEN 2 THEN DATE '{YEAR}-06-08' + d.n % 11 "
                f"ELSE DATE '{YEAR}-01-05' + (d.n + 3 * coalesce(h.half, 0)) % 20 END",
                "10:00",
            ),
        },
        "dept d, (VALUES (NULL::int), (1), (2)) h(half) WHERE CASE WHEN h.half IS NULL THEN d.n % 13 <> 12 "
        "WHEN h.half = 1 THEN d.n % 2 = 0 ELSE d.n % 3 = 0 END",
    )
    spacing = max(13, 325 // campaigns)  # days between two campaigns' windows, over the year
    campaign = {
        "tenant_id": "d.id",
        "title": "'抽查任务' || g",
        "year": str(YEAR),
        "target_filter": "'{}'::json",
        "strata": "'{}'::json",
        "exclude_checked": "true",
        "reserve_size": "0",
        "team_size": "2",
        "method": "'onsite'",
        "joint": "false",
    }
    _fill(
        conn,
        "campaign",
        {
            **campaign,
            "code": "'BC-' || d.n || '-' || g",
            "status": "'published'",
            "window_start": f"DATE '{YEAR}-01-05' + g * {spacing}",
            "window_end": f"DATE '{YEAR}-01-05' + g * {spacing} + 20",
        },
        f"dept d, generate_series(0, {campaigns - 1}) g",
    )
    # Counted by no figure of the year: a draft, and a campaign of the year before.
    _fill(
        conn,
        "campaign",
        {
            **campaign,
            "code": "'BX-' || d.n || '-' || g",
            "status": "CASE g WHEN 0 THEN 'draft' ELSE 'published' END",
            "year": f"{YEAR} - g",
            "window_start": f"DATE '{YEAR}-10-01' - g * 365",
            "window_end": f"DATE '{YEAR}-10-31' - g * 365",
        },
        "dept d, generate_series(0, 1) g",
    )
    conn.execute(
        "CREATE TEMP TABLE camp AS SELECT c.id, c.tenant_id, d.n, "
        "(row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.id) - 1)::int AS k, "
        "c.window_start, c.window_end "
        "FROM campaign c JOIN dept d ON d.id = c.tenant_id WHERE c.code LIKE 'BC-%'"
    )
    conn.execute("CREATE UNIQUE INDEX ON camp (n, k)")
    _fill(
        conn,
        "draw",
        {
            "tenant_id": "c.tenant_id",
            "campaign_id": "c.id",
            "kind": "kinds.kind",
            "nonce_encrypted": "'x'",
            "commitment": "md5(c.id::text)",
            "drawn_at": _beijing("c.window_start - 2", "09:30"),
        },
        "campaign c JOIN dept d ON d.id = c.tenant_id, (VALUES ('targets'), ('inspectors')) kinds(kind) "
        "WHERE c.status <> 'draft'",
    )
    conn.execute("CREATE TEMP TABLE first_item AS SELECT tenant_id, min(id) AS item_id FROM item GROUP BY tenant_id")


def visits(
    conn: psycopg.Connection[TupleRow],
    first_entity: int,
    *,
    departments: int = DEPARTMENTS,
    campaigns: int = CAMPAIGNS,
    count: int = VISITS,
    entity: str | None = None,
    join: str = "",
) -> None:
    """The year's visits, in every state of a result. ``entity``: the SQL of a visit's entity id (of ``v.n``,
    ``v.k``, ``v.m``, the campaign ``c`` and what ``join`` adds; by default the department's directory)."""
    # Visit g: department n = g mod 40; j = g div 40 its number in the department, campaign k = j mod 25,
    # m = j div 25 its number in the campaign (a distinct directory entity each). s mixes the states
    # over the departments and campaigns; l decides the publication (late below n mod 6 in 100).
    # Written campaign by campaign, in the order of their windows, as the target draws create them
    # (a campaign's visits lie together in the table, as they would).
    v = (
        f"(SELECT g, g % {departments} AS n, (g / {departments}) % {campaigns} AS k, "
        f"g / {departments * campaigns} AS m FROM generate_series(0, {count - 1}) g) v"
    )
    s = "((v.m + 3 * v.k + v.n) % 20)"
    late = "((v.m * 13 + v.k) % 100)"
    checked = "(c.window_start + (v.m * 7 + v.n) % 21)"
    status = (
        f"CASE WHEN {s} < 12 THEN 'published' WHEN {s} < 14 THEN 'approved' WHEN {s} < 16 THEN 'submitted' "
        f"WHEN {s} < 18 THEN 'returned' ELSE 'assigned' END"
    )
    published_at = (
        f"CASE WHEN {late} < v.n % 6 THEN {_beijing(f'{checked} + 31 + {late}', '10:00')} "
        f"WHEN {late} = 50 THEN {_beijing(f'{checked} + 31', '00:30')} "
        f"WHEN {late} = 51 THEN {_beijing(f'{checked} + 30', '23:30')} "
        f"ELSE {_beijing(f'{checked} + 3 + v.m % 20', '15:00')} END"
    )
    _fill(
        conn,
        "visit",
        {
            "tenant_id": "c.tenant_id",
            "campaign_id": "c.id",
            "entity_id": entity or f"{first_entity} + (v.n * 113 + (v.m + 37 * v.k) % {DIRECTORY}) % {ENTITIES}",
            "status": status,
            "method": "'onsite'",
            "version": f"CASE WHEN {s} < 12 THEN 1 ELSE 0 END",
            "entered_by": "'[]'::json",
            "source": "'entered'",
            "checked_on": f"CASE WHEN {s} < 18 THEN {checked} END",
            "report_due": f"CASE WHEN {s} < 18 THEN {checked} + 7 END",  # assigned: the campaign's last day
            "publish_due": f"CASE WHEN {s} < 14 THEN {checked} + 30 END",
            "approved_at": f"CASE WHEN {s} < 14 THEN {_beijing(f'{checked} + 2', '11:00')} END",
            "published_at": f"CASE WHEN {s} < 12 THEN {published_at} END",
        },
        f"{v} JOIN camp c ON c.n = v.n AND c.k = v.k {join} ORDER BY v.k, v.n, v.m",
    )  # a campaign's visits together


def results(conn: psycopg.Connection[TupleRow]) -> None:
    """An item result and its categories for every visit past assigned, and the follow-ups."""
    _fill(
        conn,
        "item_result",
        {"tenant_id": "v.tenant_id", "visit_id": "v.id", "item_id": "f.item_id"},
        "visit v JOIN first_item f ON f.tenant_id = v.tenant_id WHERE v.status <> 'assigned'",
    )
    # One department keeps its own list with a problem category of its own (read by _problem_codes).
    row = conn.execute("SELECT id FROM dept WHERE n = 5").fetchone()
    assert row is not None  # the query answers one row
    own_tenant = row[0]
    _fill(
        conn,
        "result_category_choice",
        {
            "tenant_id": str(own_tenant),
            "code": "'own_warning'",
            "name": "'当场警告'",
            "problem": "true",
            "active": "true",
        },
        "(SELECT 1) one",
    )
    problem = "CASE r.visit_id % 3 WHEN 0 THEN 'rectified' WHEN 1 THEN 'pending_other_rules' ELSE 'uncooperative' END"
    _fill(
        conn,
        "result_category",
        {
            "tenant_id": "r.tenant_id",
            "item_result_id": "r.id",
            "code": f"CASE WHEN r.visit_id % 7 = 0 THEN {problem} "
            f"WHEN r.tenant_id = {own_tenant} AND r.visit_id % 11 = 0 THEN 'own_warning' "
            "ELSE 'no_problem' END",
        },
        "item_result r",
    )
    _fill(
        conn,
        "result_category",
        {"tenant_id": "r.tenant_id", "item_result_id": "r.id", "code": "'pending_own_rules'"},
        "item_result r WHERE r.visit_id % 21 = 0",
    )  # a second problem category: the visit counts once
    _fill(
        conn,
        "follow_up",
        {
            "tenant_id": "v.tenant_id",
            "visit_id": "v.id",
            "kind": "'rectification'",
            "opened_on": "v.checked_on",
            "opened_at": _beijing("v.checked_on", "16:00"),
            "closed_on": "CASE WHEN v.id % 4 = 0 THEN v.checked_on + 10 + (v.id / 28) % 90 END",
        },
        "visit v WHERE v.id % 14 = 0 AND v.status <> 'assigned'",
    )
