"""A business's own record at a province's size (issue 79, 企业检查档案): in a copy of the province's world
(:mod:`bench.province_world`: 10,000,000 businesses, 1,000,000 visits of the year, 3,000 departments), ``BUSINESSES``
businesses each checked ``CHECKS`` times in the year by departments of the three levels, each signed in by its own
access token (访问令牌, ``Authorization: Bearer scb_…``), all reading their ``/business`` page at once — locust through
gunicorn on 127.0.0.1, one user a business, a pause of 1–2 s between two requests (a person reading the page) — the
p95 against its budget (≤ 300 ms), beside a citizen's page under the same load in the same run (a department's public
page, :data:`BASELINE`), and one record traced in-process (its SQL statements, and where its time goes).

What a business's year holds (bulk SQL on the copy, :func:`setup` — the app is not used to write it):

* **its checks** — ``CHECKS - 1`` single-department checks and one joint check (联合检查) of its county's
  market-regulation lead and three other departments (their parts of the county's joint campaign): 53 visits by 53
  departments, 17 of the province, 16 of its city and 20 of its county; each in one of the department's campaigns of
  the year (its items linked), with its team of two inspectors (a joint check's mixed team: one of each part);
* **their state** — seven in ten published (公示: a visit's result as the public register holds it, with its items,
  categories and team), the rest under way (submitted with 离企, or 入企 without 离企 yet); every visit with its code
  (检查码: token, the 12 characters to type, 入企/离企);
* **rectification orders (责令改正)** — one in three of the published checks, with a deadline, half of them closed
  (the others open past their deadline: overdue);
* **the register (每户企业年度检查次数)** — a row per check and department, as :func:`bench.province_world.register`
  writes them (a joint check once, under ``joint:<id>``);
* **its account** — a business account (企业账户), its holder (持有人) and an access token, whose secret the run keeps
  in memory only.

The businesses are chosen among those the world's year never checked (beyond the first ``HOT`` of each county), in
counties of every city, so that each record holds exactly its ``CHECKS`` checks.

``python -m bench business_record`` — needs the kept world (``python -m bench province --rebuild`` builds it, about
10 minutes); the world itself is never written (a copy is made, measured on and dropped).
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import secrets
import shutil
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

from bench import city_services as services, province_world as world
from bench.common import HERE, RESULTS, Figures, Line, admin_connect, app_context, emit, log, save, web_workers
from bench.draw_data import load_average
from bench.public_search import _fill
from spotcheck.core.database import db
from spotcheck.core.passwords import hash_password, secret_digest

NAME = "business_record"
BUSINESSES = int(os.environ.get("BENCH_RECORD_BUSINESSES", "50"))
CHECKS = 50  # a business's checks of the year (a joint check once)
#: Departments of each level checking a business: the province's, its city's, its county's (the county's first four
#: are the joint check's parts: the lead and D01–D03, whose first campaigns are parts of the county's joint campaign).
LEVELS = {"province": 17, "city": 16, "county": 20}
JOINT_PARTS = 4
REQUESTS = int(os.environ.get("BENCH_RECORD_REQUESTS", "20"))  # each business's timed requests
WARMUP = int(os.environ.get("BENCH_RECORD_WARMUP", "15"))
ROUNDS = 5  # the page in-process, timed
PAUSE_MAX = 2.0  # the locust files' default pause: 1–2 s between two requests of a user
BUDGET_MS = 300
#: The page of the same run under the same load: a department's public page, as :mod:`bench.province` times it.
BASELINE = ("public: a department's page", f"/public/SCJ{world.COUNTY}")
RECORD = "business: its own record (/business)"
ALONE = "business: its own record (/business), one business alone"
TITLE = (
    f"A business's own record (/business) with {CHECKS} checks by departments of three levels, {BUSINESSES} "
    "businesses reading theirs at once, in the province's world (10,000,000 businesses, 1,000,000 visits; "
    "PostgreSQL, gunicorn)"
)
FOLDER = RESULTS / "business-record-79"
#: Of the type-able code's alphabet (:data:`spotcheck.tenants.results.vocabulary.ALPHABET`).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# --- the businesses' year, in SQL on the copy ----------------------------------------------------------------


def _businesses(conn: psycopg.Connection[TupleRow]) -> list[tuple[int, int, str, str]]:
    """(b, entity id, county code, city code) of each measured business: business ``g`` of the registry is in county
    ``g mod 107`` (:func:`bench.province_world.registry`); ``g`` taken beyond the world's ``HOT`` checked ones."""
    counties = world.counties()
    row = conn.execute("SELECT min(id) FROM entity").fetchone()
    assert row is not None  # the registry is written
    first = int(row[0])
    chosen = []
    for b in range(BUSINESSES):
        n = (b * 2 + b // 54) % len(counties)  # every other county, then the others: every city's
        code, _name, city = counties[n]
        g = len(counties) * (world.HOT + 1000 + b) + n
        chosen.append((b, first + g, code, city))
    found: dict[int, str] = dict(
        conn.execute(
            "SELECT id, region_code FROM entity WHERE id = ANY(%s)", ([entity for _, entity, _, _ in chosen],)
        ).fetchall()
    )
    assert all(found.get(entity) == county for _, entity, county, _ in chosen), "business g is in county g mod 107"
    visited = conn.execute(
        "SELECT count(*) FROM visit WHERE entity_id = ANY(%s)", ([entity for _, entity, _, _ in chosen],)
    ).fetchone()
    assert visited is not None and visited[0] == 0, "the world's year checked none of them"
    return chosen


def _typed(column: str) -> str:
    """SQL: a unique 12-character type-able code of the integer ``column`` (``R`` and its 11 base-32 digits)."""
    digits = " || ".join(f"substr('{ALPHABET}', (({column} >> {5 * i}) & 31)::int + 1, 1)" for i in range(10, -1, -1))
    return f"'R' || {digits}"


def _beijing(day_sql: str, clock: str) -> str:
    return f"(({day_sql})::timestamp + TIME '{clock}') AT TIME ZONE 'Asia/Shanghai'"


def setup(url: str) -> Figures:
    """The businesses' checks, codes, results, orders, register rows and accounts (module doc); their tokens."""
    started = time.perf_counter()
    with admin_connect(url) as conn:
        chosen = _businesses(conn)
        conn.execute("CREATE TEMP TABLE biz (b int, entity_id int, county text, city text)")
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO biz VALUES (%s, %s, %s, %s)", chosen)
        limits = " OR ".join(f"(d.level = '{level}' AND d.rn <= {n})" for level, n in LEVELS.items())
        conn.execute(
            "CREATE TEMP TABLE pick AS SELECT d.*, c.id AS campaign_id, c.joint_id, c.window_start, c.code AS "
            "campaign_code, (row_number() OVER (PARTITION BY d.b ORDER BY d.lv, d.rn) - 1)::int AS j FROM ("
            "SELECT b.b, b.entity_id, t.id AS tenant_id, t.code, t.name, r.level, "
            "CASE r.level WHEN 'province' THEN 0 WHEN 'city' THEN 1 ELSE 2 END AS lv, "
            "(r.level = 'county' AND (t.kind = 'lead' OR left(t.code, 3) IN ('D01', 'D02', 'D03'))) AS joint_part, "
            "row_number() OVER (PARTITION BY b.b, r.level ORDER BY t.kind <> 'lead', t.code)::int AS rn "
            "FROM biz b JOIN region r ON r.code IN (%s, b.city, b.county) "
            "JOIN tenant t ON t.region_id = r.id AND t.kind <> 'supervisor') d "
            "CROSS JOIN LATERAL (SELECT c.id, c.joint_id, c.window_start, c.code FROM campaign c "
            "WHERE c.tenant_id = d.tenant_id AND c.code LIKE 'BC-%%' ORDER BY c.id "
            "OFFSET CASE WHEN d.joint_part THEN 0 ELSE 1 + (d.b + d.rn) %% 3 END LIMIT 1) c "
            f"WHERE {limits}",
            (world.PROVINCE[0],),
        )
        shape = conn.execute(
            "SELECT count(*), count(DISTINCT tenant_id), count(*) FILTER (WHERE joint_id IS NOT NULL), "
            "count(*) FILTER (WHERE joint_part AND joint_id IS NULL) FROM pick"
        ).fetchone()
        assert shape is not None
        visits_each = sum(LEVELS.values())
        assert shape[0] == BUSINESSES * visits_each, f"{shape[0]} visits picked, wanted {BUSINESSES * visits_each}"
        assert shape[2] == BUSINESSES * JOINT_PARTS and shape[3] == 0, "the county's four joint parts"
        # The state of a visit: the joint check's parts published; of the rest, 7 in 10 published, 2 submitted
        # (离企), 1 arrived (入企 only).
        state = (
            "CASE WHEN p.joint_id IS NOT NULL OR p.j % 10 < 7 THEN 'published' WHEN p.j % 10 < 9 THEN "
            "'submitted' ELSE 'assigned' END"
        )
        checked = "(p.window_start + (p.b + p.j) % 21)"
        row = conn.execute("SELECT COALESCE(max(id), 0) FROM visit").fetchone()
        assert row is not None
        before = int(row[0])
        _fill(
            conn,
            "visit",
            {
                "tenant_id": "p.tenant_id",
                "campaign_id": "p.campaign_id",
                "entity_id": "p.entity_id",
                "status": state,
                "method": "'onsite'",
                "version": f"CASE WHEN {state} = 'published' THEN 1 ELSE 0 END",
                "entered_by": "'[]'::json",
                "source": "'entered'",
                "checked_on": checked,
                "checked_until": checked,
                "report_due": f"{checked} + 7",
                "publish_due": f"{checked} + 30",
                "submitted_at": f"CASE WHEN {state} <> 'assigned' THEN {_beijing(f'{checked} + 1', '10:00')} END",
                "first_submitted_at": f"CASE WHEN {state} <> 'assigned' THEN {_beijing(f'{checked} + 1', '10:00')} END",
                "approved_at": f"CASE WHEN {state} = 'published' THEN {_beijing(f'{checked} + 2', '11:00')} END",
                "published_at": f"CASE WHEN {state} = 'published' THEN {_beijing(f'{checked} + 5', '15:00')} END",
                "first_published_at": f"CASE WHEN {state} = 'published' THEN {_beijing(f'{checked} + 5', '15:00')} END",
            },
            "pick p ORDER BY p.b, p.j",
        )
        conn.execute(
            "CREATE TEMP TABLE nv AS SELECT v.id, v.tenant_id, v.campaign_id, v.entity_id, v.status, v.checked_on, "
            "v.published_at, p.j, p.b, p.code, p.name, p.joint_id, p.campaign_code FROM visit v JOIN pick p ON "
            "p.entity_id = v.entity_id AND p.campaign_id = v.campaign_id WHERE v.id > %s",
            (before,),
        )
        # Each campaign its first two published items, where the world linked none.
        conn.execute(
            "INSERT INTO campaign_item (campaign_id, item_id) SELECT c.campaign_id, i.id FROM "
            "(SELECT DISTINCT campaign_id, tenant_id FROM pick) c CROSS JOIN LATERAL (SELECT id FROM item "
            "WHERE tenant_id = c.tenant_id AND status = 'published' ORDER BY id LIMIT 2) i ON CONFLICT DO NOTHING"
        )
        # The teams: two inspectors of the department a single check; one of each part in a joint check's mixed
        # team, kept under the joint campaign by its lead.
        conn.execute(
            "CREATE TEMP TABLE crew AS SELECT n.id AS visit_id, i.id AS inspector_id, i.name, i.cert_no, i.k "
            "FROM nv n CROSS JOIN LATERAL (SELECT id, name, cert_no, (row_number() OVER (ORDER BY id) - 1)::int AS k "
            "FROM inspector WHERE tenant_id = n.tenant_id AND active ORDER BY id "
            "OFFSET (n.b * 2) % 30 LIMIT 2) i"
        )
        _fill(
            conn,
            "team_member",
            {
                "campaign_id": "n.campaign_id",
                "entity_id": "n.entity_id",
                "inspector_id": "c.inspector_id",
                "position": "c.k",
                "is_leader": "c.k = 0",
                "active": "true",
                "tenant_id": "n.tenant_id",
                "inspector_name": "c.name",
                "cert_no": "c.cert_no",
            },
            "nv n JOIN crew c ON c.visit_id = n.id WHERE n.joint_id IS NULL",
        )
        _fill(
            conn,
            "team_member",
            {
                "campaign_id": "n.joint_id",
                "entity_id": "n.entity_id",
                "inspector_id": "c.inspector_id",
                "position": "0",
                "is_leader": "n.code LIKE 'SCJ%'",
                "active": "true",
                "tenant_id": "j.tenant_id",
                "group_code": "n.code",
                "inspector_name": "c.name",
                "cert_no": "c.cert_no",
            },
            "nv n JOIN crew c ON c.visit_id = n.id AND c.k = 0 JOIN campaign j ON j.id = n.joint_id",
        )
        # Every visit its code: issued before the window, 入企 on the day, 离企 but for the visits still 'assigned'.
        _fill(
            conn,
            "inspection_code",
            {
                "visit_id": "n.id",
                "tenant_id": "n.tenant_id",
                "token": "md5('bench-record-' || n.id)",
                "typed": _typed("n.id"),
                "business_encrypted": "'x'",
                "business_digest": "md5('bench-record-business-' || n.id)",
                "issued_at": _beijing("n.checked_on - 10", "09:00"),
                "scans": "1",
                "first_scanned_at": _beijing("n.checked_on", "09:30"),
                "arrived_at": _beijing("n.checked_on", "09:30"),
                "arrival_recorded_at": _beijing("n.checked_on", "09:30"),
                "arrived_by_name": "'检查员'",
                "left_at": f"CASE WHEN n.status <> 'assigned' THEN {_beijing('n.checked_on', '11:30')} END",
                "left_by_name": "CASE WHEN n.status <> 'assigned' THEN '检查员' ELSE '' END",
            },
            "nv n",
        )
        # The published results, as the register of results (公示) holds them.
        _fill(
            conn,
            "published_result",
            {
                "tenant_id": "n.tenant_id",
                "visit_id": "n.id",
                "campaign_id": "n.campaign_id",
                "entity_id": "n.entity_id",
                "version": "1",
                "current": "true",
                "corrected": "false",
                "checked_on": "n.checked_on",
                "checked_until": "n.checked_on",
                "published_at": "n.published_at",
                "content": (
                    "json_build_object('department', n.name, 'department_code', n.code, 'campaign_code', "
                    "n.campaign_code, 'campaign_title', c.title, 'method', '实地检查', 'joint_code', "
                    "COALESCE(j.code, ''), 'items', (SELECT json_agg(json_build_object('name', i.name, 'categories', "
                    "json_build_array(CASE WHEN n.j % 3 = 0 THEN '发现问题已责令改正' ELSE '未发现问题' END), "
                    "'findings', CASE WHEN n.j % 3 = 0 THEN '进货查验记录不全，已责令限期改正。' ELSE '' END) "
                    "ORDER BY i.code) FROM campaign_item ci JOIN item i ON i.id = ci.item_id "
                    "WHERE ci.campaign_id = n.campaign_id), 'team', (SELECT json_agg(json_build_object('name', "
                    "m.name, 'cert_no', m.cert_no, 'leader', m.k = 0) ORDER BY m.k) FROM crew m "
                    "WHERE m.visit_id = n.id))"
                ),
            },
            "nv n JOIN campaign c ON c.id = n.campaign_id LEFT JOIN campaign j ON j.id = n.joint_id "
            "WHERE n.status = 'published'",
        )
        # 责令改正: one in three published checks; half closed, the rest open past the deadline (overdue).
        _fill(
            conn,
            "follow_up",
            {
                "tenant_id": "n.tenant_id",
                "visit_id": "n.id",
                "kind": "'rectification'",
                "details": "'责令改正：进货查验记录不全，限期补齐并建立台账。'",
                "deadline": "n.checked_on + 30",
                "deadline_days": "30",
                "opened_on": "n.checked_on",
                "opened_at": _beijing("n.checked_on", "16:00"),
                "opened_by_name": "'检查员'",
                "closed_on": "CASE WHEN n.j % 2 = 0 THEN n.checked_on + 20 END",
                "closed_at": f"CASE WHEN n.j % 2 = 0 THEN {_beijing('n.checked_on + 20', '10:00')} END",
                "closed_by_name": "CASE WHEN n.j % 2 = 0 THEN '检查员' ELSE '' END",
                "outcome": "CASE WHEN n.j % 2 = 0 THEN 'rectified' ELSE '' END",
            },
            "nv n WHERE n.status = 'published' AND n.j % 3 = 0",
        )
        # 每户企业年度检查次数: as the world's register (a joint check once, under its joint campaign).
        conn.execute(
            "INSERT INTO inspection_count (entity_id, year, counted_as, campaign_code, department_id, counts, kind, "
            "withheld) SELECT DISTINCT v.entity_id, c.year, CASE WHEN c.joint_id IS NULL THEN 'campaign:' || c.id "
            "ELSE 'joint:' || c.joint_id END, COALESCE(c.code, ''), v.tenant_id, true, '', false "
            "FROM nv v JOIN campaign c ON c.id = v.campaign_id"
        )
        # a year's stamps (变更戳, migration 0072): every visit, campaign and business with a team of the world has
        # changed at least once, as a deployment's year leaves them — the record's look-up reads them by key, never
        # scanning them (the world was built before the stamps: its rows have none yet)
        conn.execute(
            "INSERT INTO record_stamp (kind, key, serial) SELECT 'visit', id, 1 FROM visit UNION ALL "
            "SELECT 'campaign', id, 1 FROM campaign UNION ALL SELECT DISTINCT 'entity', entity_id, 1 FROM team_member "
            "UNION ALL SELECT 'global', 0, 1 ON CONFLICT (kind, key) DO NOTHING"
        )
        stamps = conn.execute("SELECT count(*) FROM record_stamp").fetchone()
        tokens = _accounts(conn, chosen)
        counted = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'published'), "
            "(SELECT count(*) FROM follow_up f JOIN nv ON nv.id = f.visit_id), "
            "(SELECT count(DISTINCT counted_as) FROM inspection_count i JOIN biz ON biz.entity_id = i.entity_id), "
            "(SELECT count(*) FROM team_member m JOIN biz ON biz.entity_id = m.entity_id) FROM nv"
        ).fetchone()
        assert counted is not None
        conn.commit()
    _analyse(url)
    figures = {
        "businesses": BUSINESSES,
        "entity_ids": [entity for _, entity, _, _ in chosen],
        "visits": counted[0],
        "published": counted[1],
        "rectification_orders": counted[2],
        "register_checks": counted[3],
        "team_members": counted[4],
        "departments_each": sum(LEVELS.values()),
        "stamps": stamps[0] if stamps else 0,
        "seconds": round(time.perf_counter() - started, 1),
    }
    log(
        f"{BUSINESSES} businesses: {counted[0]:,} visits ({counted[1]:,} published), {counted[2]:,} rectification "
        f"orders, {counted[3]:,} checks in the register, {counted[4]:,} team members; {figures['seconds']} s"
    )
    return {**figures, "tokens": tokens}


def _accounts(conn: psycopg.Connection[TupleRow], chosen: list[tuple[int, int, str, str]]) -> list[str]:
    """Each business its account, its holder and an access token (its secret returned, only its SHA-256 stored)."""
    password = hash_password("Qiye-mima-2026")  # once: the benchmark signs in by token, never by password
    tokens = []
    with conn.cursor() as cursor:
        for _b, entity, _county, _city in chosen:
            row = cursor.execute(
                "INSERT INTO business_account (entity_id, credit_code, name, created_at) SELECT id, code, name, "
                "now() FROM entity WHERE id = %s RETURNING id",
                (entity,),
            ).fetchone()
            assert row is not None
            person = cursor.execute(
                "INSERT INTO business_person (account_id, login, display_name, password_hash, holder, active, "
                "session_stamp, created_at) VALUES (%s, 'fawu', '王法务', %s, true, true, %s, now()) RETURNING id",
                (row[0], password, secrets.token_hex(8)),
            ).fetchone()
            assert person is not None
            secret = "scb_" + secrets.token_urlsafe(32)
            cursor.execute(
                "INSERT INTO business_token (person_id, name, prefix, token_hash, created_at) VALUES "
                "(%s, '基准测试', %s, %s, now())",
                (person[0], secret[:10], secret_digest(secret)),
            )
            tokens.append(secret)
    return tokens


def _analyse(url: str) -> None:
    with admin_connect(url, autocommit=True) as conn:
        for table in (
            "visit",
            "inspection_code",
            "published_result",
            "follow_up",
            "team_member",
            "inspection_count",
            "campaign_item",
            "business_account",
            "business_person",
            "business_token",
            "record_stamp",
        ):
            conn.execute(f"ANALYZE {table}")


# --- measuring -----------------------------------------------------------------------------------------------


#: The record's functions whose share of a request the profile reports (cumulative, as a share of the page's).
PROFILED = (
    "record_of",
    "_department",
    "_requests_of_bureaus",
    "bureau_of",
    "ledger_of",
    "joint_team",
    "find_visits",
    "level_labels",
    "own_account",
    "render_template",
)


def trace(url: str, token: str, entity_id: int) -> Figures:
    """One business's page in-process (the test client, its token): its time (median of ``ROUNDS``, and the CPU of
    the app's process), its statements by kind (one request), where a request's time goes (one request profiled:
    the record's parts, :data:`PROFILED`), and what the record holds."""
    from spotcheck.core.clock import today
    from spotcheck.tenants.business_record import lookup
    from spotcheck.tenants.business_record.queries import record_of

    headers = {"Authorization": f"Bearer {token}"}
    with app_context(url) as app:
        with app.app_context():
            client = app.test_client()
            warm = client.get("/business", headers=headers)
            assert warm.status_code == 200, f"/business answered {warm.status_code}"
            page = warm.get_data(as_text=True)
            times, cpu = [], []
            for _ in range(ROUNDS):
                started, used = time.perf_counter(), time.process_time()
                client.get("/business", headers=headers)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - used)
            started = time.perf_counter()
            with services.StatementTrace(db.engine) as statements:
                client.get("/business", headers=headers)
            traced_seconds = time.perf_counter() - started
            profile = cProfile.Profile()
            profile.enable()
            client.get("/business", headers=headers)
            profile.disable()
            db.session.remove()
        with app.test_request_context("/business"):
            departments = len(lookup.find_visits(entity_id).visits)
            built = []
            for _ in range(ROUNDS):  # the record built anew, as after a change of what it is read from
                started = time.perf_counter()
                record = record_of(entity_id, today())
                built.append(time.perf_counter() - started)
            db.session.remove()
    seconds = statistics.median(times)
    summary = statements.summary(top=6)
    kinds: dict[str, list[float]] = defaultdict(list)
    for spent, statement in statements.rows:
        kinds[services._label(statement)].append(spent)
    stats = pstats.Stats(profile)
    whole = max(row[3] for row in stats.stats.values())  # type: ignore[attr-defined]  # pstats' own table
    shares: dict[str, float] = {}
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        if function in PROFILED and ("spotcheck" in filename or function == "render_template"):
            shares[function] = max(shares.get(function, 0.0), round(row[3] / whole, 3))
    log(
        f"traced /business: {summary['statements']} statements, {seconds * 1000:.0f} ms (median of {ROUNDS}; CPU "
        f"{statistics.median(cpu) * 1000:.0f} ms), {departments} departments; the record built anew "
        f"{statistics.median(built) * 1000:.0f} ms"
    )
    return {
        "page": {
            "seconds": round(seconds, 3),
            "cpu_seconds": round(statistics.median(cpu), 3),
            "rounds": ROUNDS,
            **summary,
            "cause": services.describe(summary, traced_seconds),
            "kinds": [
                {"statement": kind, "count": len(spent), "ms": round(1000 * sum(spent), 1)}
                for kind, spent in sorted(kinds.items(), key=lambda kv: -len(kv[1]))
            ],
            "profile_shares": dict(sorted(shares.items(), key=lambda kv: -kv[1])),
            "bytes": len(page.encode("utf-8")),
            "built_seconds": round(statistics.median(built), 3),
        },
        "record": {
            "departments": departments,
            "coming": len(record.coming),
            "under_way": len(record.under_way),
            "past": len(record.past),
            "rectifications": sum(len(p.rectifications) for p in record.past),
            "ledger_counted": record.ledger.count,
            "ledger_cap": record.ledger.cap,
        },
    }


def measure(url: str, folder: Path, tokens: list[str]) -> Figures:
    """gunicorn as deployed; locust: one business alone (the page's own time, no queue), then the businesses at once,
    each reading its own page, then citizens as many reading a department's public page, the same users and pauses
    (the baseline, in the same run). Each pass's CPU a request (gunicorn's workers, and the database's backends)."""
    storage = folder / "storage"
    storage.mkdir()
    server = services.WebServer(url, storage, f"bench-record-{uuid.uuid4().hex[:6]}", folder, web_workers())
    database = url.rpartition("/")[2]
    pages: dict[str, Figures] = {}
    load: dict[str, list[float]] = {}
    cpu: dict[str, Figures] = {}
    passes: list[tuple[str, list[str], Figures]] = [
        ("alone", tokens[:1], {"bearer": True, "pages": [[ALONE, "/business"]]}),
        ("businesses", tokens, {"bearer": True, "pages": [[RECORD, "/business"]]}),
        ("citizens", tokens, {"pages": [list(BASELINE)]}),
    ]
    try:
        server.wait_ready()
        for role, users, spec in passes:
            log(
                f"{role}: {len(users)} user(s), {WARMUP} s warm-up, then {REQUESTS} requests each "
                f"(load average {load_average()})"
            )
            started = load_average()
            app_cpu, database_cpu = services.cpu_seconds(server.proc.pid), services.database_cpu_seconds(database)
            found = services.locust(
                server.base,
                {"roles": {role: spec}, "tokens": users},
                folder,
                f"record-{role}",
                users_per_page=len(users),
                warmup=WARMUP,
                requests=REQUESTS,
                pause_max=PAUSE_MAX,
                locustfile=HERE / "business_record_locustfile.py",
            )
            app_cpu = services.cpu_seconds(server.proc.pid) - app_cpu
            database_cpu = services.database_cpu_seconds(database) - database_cpu
            label = spec["pages"][0][0]
            warm = json.loads((folder / f"record-{role}-warmup.json").read_text(encoding="utf-8"))
            asked = found[label]["requests"] + sum(row["requests"] for row in warm.values())
            cpu[label] = {
                "requests": asked,
                "app_ms": round(1000 * app_cpu / asked, 1),
                "database_ms": round(1000 * database_cpu / asked, 1),
            }
            pages |= found
            load[role] = [started, load_average()]
            log(f"  {json.dumps(found[label], ensure_ascii=False)}; CPU a request {json.dumps(cpu[label])}")
    finally:
        server.stop()
    return {"pages": pages, "cpu": cpu, "load_average": load, "workers": web_workers(), "users": len(tokens)}


def _figure(row: Figures) -> str:
    return (
        f"{row['p95_ms']:,.0f} ms (p50 {row['p50_ms']:,.0f}; {row['requests']} requests"
        + (f", {row['failures']} failed" if row["failures"] else "")
        + ")"
    )


def lines(measured: Figures) -> list[Line]:
    pages, cpu = measured["pages"], measured.get("cpu", {})
    record, alone, baseline = pages.get(RECORD), pages.get(ALONE), pages.get(BASELINE[0])
    if record is None or baseline is None:
        return []
    found: list[Line] = [
        {
            "figure_name": f"{RECORD}, {CHECKS} checks, {measured['users']} businesses at once, p95",
            "figure": _figure(record),
            "budget": f"p95 ≤ {BUDGET_MS} ms: {'within' if record['p95_ms'] <= BUDGET_MS else 'OVER'}",
            "baseline_name": f"{BASELINE[0]} ({BASELINE[1]}), as many citizens at once, p95",
            "baseline": f"{baseline['p95_ms']:,.0f} ms (p50 {baseline['p50_ms']:,.0f})",
            "ratio": record["p95_ms"] / baseline["p95_ms"] if baseline["p95_ms"] else None,
        }
    ]
    if alone is not None:
        found.append(
            {
                "figure_name": f"{ALONE} (no queue), p95",
                "figure": _figure(alone),
                "budget": f"p95 ≤ {BUDGET_MS} ms: {'within' if alone['p95_ms'] <= BUDGET_MS else 'OVER'}",
                "baseline_name": "its budget",
                "baseline": f"{BUDGET_MS} ms",
                "ratio": alone["p95_ms"] / BUDGET_MS,
            }
        )
    if RECORD in cpu and BASELINE[0] in cpu:
        mine, theirs = cpu[RECORD], cpu[BASELINE[0]]
        total, base = mine["app_ms"] + mine["database_ms"], theirs["app_ms"] + theirs["database_ms"]
        found.append(
            {
                "figure_name": f"CPU a request of {RECORD} (gunicorn + PostgreSQL)",
                "figure": f"{total:,.0f} ms ({mine['app_ms']:,.0f} + {mine['database_ms']:,.0f})",
                "baseline_name": f"CPU a request of {BASELINE[0]}",
                "baseline": f"{base:,.1f} ms",
                "ratio": total / base if base else None,
            }
        )
    return found


def notes(found: Figures, made: Figures, measured: Figures, traced: Figures) -> list[str]:
    page, record = traced["page"], traced["record"]
    shares = ", ".join(f"{name} {share:.0%}" for name, share in page["profile_shares"].items())
    kinds = ", ".join(f"{row['statement']} ×{row['count']}" for row in page["kinds"][:10])
    cpu = measured.get("cpu", {})
    return [
        f"The world: {world.describe(found)} (database {world.NAME}, kept; measured on a copy, dropped after).",
        f"Added on the copy in bulk SQL ({made['seconds']} s): {made['businesses']} businesses, each checked "
        f"{CHECKS} times this year by {made['departments_each']} departments (17 of the province, 16 of its city, 20 "
        f"of its county, four of them one joint check): {made['visits']:,} visits with their codes, "
        f"{made['published']:,} published, {made['rectification_orders']:,} rectification orders (half open past "
        f"their deadline), {made['register_checks']:,} checks in the register, {made['team_members']:,} team "
        f"members; an account, its holder and an access token each; a year's stamps of the kept records "
        f"({made.get('stamps', 0):,}: every visit, campaign and business with a team of the world).",
        f"Pages: locust (headless) through gunicorn (SPOTCHECK_ENV=production, {measured['workers']} sync workers, "
        f"127.0.0.1), each user a business with its own token (Authorization: Bearer) reading its own /business, a "
        f"pause of 1–2 s between two requests, {WARMUP} s warm-up, then {REQUESTS} timed requests each: one "
        f"business alone, then {measured['users']} at once; then as many citizens reading {BASELINE[1]} the same "
        "way (the baseline). A request unanswered after 60 s is a failure (locust's own timeout). Load average "
        "(1 min) at the start and end of each pass: "
        + "; ".join(f"{role} {a} → {b}" for role, (a, b) in measured["load_average"].items())
        + ". CPU a request (warm-up and timed, gunicorn's workers + the database's backends): "
        + "; ".join(f"{label} {row['app_ms']:,.0f} + {row['database_ms']:,.0f} ms" for label, row in cpu.items())
        + ".",
        "The timed requests read records kept (留存): nothing of a business changed during the run, so each page "
        "after a business's first reading is served from the record kept under its stamps. A record read after a "
        f"change is built anew: {page.get('built_seconds', 0) * 1000:.0f} ms in-process (median of {page['rounds']}) "
        "before its page renders.",
        f"One record traced in-process (the test client, its token): {page['seconds'] * 1000:.0f} ms (median of "
        f"{page['rounds']}; the app's CPU {page['cpu_seconds'] * 1000:.0f} ms), {page['statements']} SQL statements "
        f"over its {record['departments']} departments ({kinds}); {page['cause']}. Of a request's time (profiled "
        f"once): {shares}. The record held {record['past']} published results ({record['rectifications']} "
        f"rectification orders), {record['under_way']} checks under way, {record['coming']} coming; its ledger "
        f"{record['ledger_counted']} checks counted (cap {record['ledger_cap']}).",
        "Re-run: `python -m bench business_record` (needs the kept world: `python -m bench province --rebuild` "
        "builds it).",
    ]


def run() -> Figures:
    found = world.ensure()
    trial = world.ENTITIES < 10_000_000 or world.VISITS < 1_000_000
    kept = RESULTS / "trial" / FOLDER.name if trial else FOLDER
    folder = Path(tempfile.mkdtemp(prefix="bench-record-"))
    try:
        with world.run_copy() as url:
            made = setup(url)
            tokens = made.pop("tokens")
            traced = trace(url, tokens[0], made["entity_ids"][0])
            measured = measure(url, folder, tokens)
        kept.mkdir(parents=True, exist_ok=True)
        for path in folder.glob("record-*-timed.json"):
            shutil.copy(path, kept / path.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    found_lines = lines(measured)
    emit(found_lines)
    over = [
        {
            "what": row["figure_name"],
            "figure": row["figure"],
            "budget": f"p95 ≤ {BUDGET_MS} ms",
            "cause": f"Traced once in-process: {traced['page']['cause']}.",
        }
        for row in found_lines
        if "OVER" in (row.get("budget") or "")
    ]
    result = {
        "title": TITLE,
        "lines": found_lines,
        "over_budget": over,
        "notes": notes(found, made, measured, traced),
        "made": made,
        "pages": measured,
        "trace": traced,
        "day": date.today().isoformat(),
    }
    save(NAME, result, trial=trial)
    return result
