"""The province of :mod:`bench.province` (基准省): built once into a database of its own and kept, so that the
benchmark can be run again (after other changes merge) without building it again; ``--rebuild`` builds it anew.

* **The regions (区划)** — 1 province, 12 cities, 107 counties (``PROVINCE``; codes 99…, names 基准…), loaded
  through the regions' command.
* **The departments (部门)** — in every region a justice bureau (司法局, ``supervisor``), a market-regulation lead
  (市场监督管理局, ``lead``) and 23 others (``ordinary``): 3,000. Those whose people sign in (the province's 司法局
  and 市场监督管理局, one county's 司法局) through the accounts' commands, the rest in SQL.
* **The rules** — the deployment's rulebook (宁安市's preset) with a yearly cap of 3 checks of a business across
  every department (``inspection_cap``), so that the register of checks (``inspection_count``) leaves businesses
  out of later frames.
* **The registry (市场主体名录)** — ``ENTITIES`` businesses in one ``INSERT … SELECT generate_series`` with the
  registry's indexes dropped and built again afterwards; each business's region a county of the tree (business
  ``g`` in county ``g mod 107``), its 统一社会信用代码 valid (GB 32100 and its GB 11714 organisation code computed
  in SQL).
* **The directories (检查对象名录)** — the province's 市场监督管理局 lists ``DRAW_ENTRIES`` businesses of every
  county (食品经营, risk classes A 5 %, B 15 %, C 40 %, D 40 %): the frame of the target draw. Every other
  department (the bureaus apart) lists ``DIRECTORY`` businesses of its own region.
* **The year (2026)** — :mod:`bench.supervision_data`'s year for every department but the bureaus: items,
  inspectors, rules, plans, ``CAMPAIGNS`` campaigns each with their draws, ``VISITS`` visits in every state of a
  result, their results and follow-ups. A visit goes to a business of the department's region: a county's to its
  county, a city's to one of its counties, the province's to any; all of them among the first ``HOT`` businesses
  of each county, so that the same business is checked by departments of several levels and reaches its cap. In
  every county the market-regulation lead coordinates a joint campaign (联合抽查) with three other departments of
  the county: their first campaigns are its parts, and their visits go to the same businesses (a joint visit).
* **The register (每户企业年度检查次数)** — one row per business, campaign (a joint campaign once, under
  ``joint:<id>``) and department, for every visit of the year.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import flask_migrate
import psycopg
import sqlalchemy as sa
from psycopg.rows import TupleRow

from bench import draw_data, supervision_data
from bench.common import ADMIN_URL, Figures, Timer, admin_connect, app_context, log, vacuum_analyze, with_database
from bench.draw_data import CATEGORY, INDUSTRIES, SHARES, TRADES, WORDS
from bench.public_search import _fill
from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.regions import commands as region_commands
from spotcheck.tenants.rules import commands as rule_commands, documents, presets, rulefile

NAME = os.environ.get("BENCH_PROVINCE_DATABASE", "bench_province")
URL = with_database(ADMIN_URL, NAME)
#: Sizes (the issue's; smaller ones for a trial: BENCH_PROVINCE_ENTITIES=200000 BENCH_PROVINCE_VISITS=50000).
ENTITIES = int(os.environ.get("BENCH_PROVINCE_ENTITIES", "10000000"))
VISITS = int(os.environ.get("BENCH_PROVINCE_VISITS", "1000000"))
DRAW_ENTRIES = min(ENTITIES, int(os.environ.get("BENCH_PROVINCE_DRAW_ENTRIES", "1000000")))
DIRECTORY = 300  # entries of every other department
CAMPAIGNS = 4  # a department's campaigns of the year
INSPECTORS = 40  # a department's
HOT = min(4000, ENTITIES // 107)  # the businesses of each county its visits go to (the first of each)
YEAR = supervision_data.YEAR
PASSWORD = "Spotcheck-2026"
CAP = 3  # the rulebook's inspection_cap
OPENED = date(2026, 1, 5)  # the departments opened on the platform (they owe the year's filings)

PROVINCE = ("990000", "基准省")
CITIES = 12
#: Counties of each city: 9, the last 8 (107 in all).
COUNTIES = [9] * (CITIES - 1) + [8]
#: The 23 ordinary departments of every region (their short names are their first two characters).
ORDINARY = (
    "应急管理局",
    "生态环境局",
    "商务局",
    "卫生健康委员会",
    "交通运输局",
    "住房和城乡建设局",
    "文化和旅游局",
    "农业农村局",
    "自然资源局",
    "水利局",
    "教育局",
    "人力资源和社会保障局",
    "药品监督管理局",
    "林业局",
    "城市管理局",
    "粮食和物资储备局",
    "体育局",
    "民政局",
    "公安局",
    "财政局",
    "统计局",
    "气象局",
    "烟草专卖局",
)
#: Department slots of a region: 0 the justice bureau, 1 the market-regulation lead, 2… the others.
SLOTS = 2 + len(ORDINARY)
#: The county whose justice bureau is measured (the first county of the first city).
COUNTY = "990101"
#: Who signs in: (region code, slot, code, [(login, name, roles)]).
PEOPLE = [
    (
        PROVINCE[0],
        0,
        "SFJ",
        [("sfj_admin", "省司法厅管理员", ["tenant_admin"]), ("sfj_supervisor", "省司法厅监督员", ["supervisor"])],
    ),
    (
        PROVINCE[0],
        1,
        "SCJ",
        [
            ("scj_admin", "省市场监管局管理员", ["tenant_admin"]),
            ("scj_planner", "省市场监管局科员", ["planner"]),
            ("scj_leader", "省市场监管局分管领导", ["leader"]),
        ],
    ),
    (
        COUNTY,
        0,
        f"SFJ{COUNTY}",
        [
            ("county_sfj_admin", "县司法局管理员", ["tenant_admin"]),
            ("county_sfj_supervisor", "县司法局监督员", ["supervisor"]),
        ],
    ),
]


def counties() -> list[tuple[str, str, str]]:
    """Every county: its code, name and its city's code, city by city (a city's counties numbered together)."""
    found = []
    for city in range(1, CITIES + 1):
        for county in range(1, COUNTIES[city - 1] + 1):
            found.append((f"99{city:02d}{county:02d}", f"基准{city}市{county}县", f"99{city:02d}00"))
    return found


def tree_file() -> str:
    lines = ["code,name,level,parent", f"{PROVINCE[0]},{PROVINCE[1]},省,"]
    lines += [f"99{city:02d}00,基准{city}市,市,{PROVINCE[0]}" for city in range(1, CITIES + 1)]
    lines += [f"{code},{name},县,{city}" for code, name, city in counties()]
    return "\n".join(lines) + "\n"


def department_name(region_name: str, slot: int) -> str:
    kind = "司法局" if slot == 0 else "市场监督管理局" if slot == 1 else ORDINARY[slot - 2]
    return region_name + kind


def department_code(region_code: str, slot: int) -> str:
    if region_code == PROVINCE[0] and slot < 2:
        return ("SFJ", "SCJ")[slot]  # the demo's logins and the draw benchmarks' department (draw_data.DEPARTMENT)
    return f"{'SFJ' if slot == 0 else 'SCJ' if slot == 1 else f'D{slot - 1:02d}'}{region_code}"


def kind_of(slot: int) -> str:
    return "supervisor" if slot == 0 else "lead" if slot == 1 else "ordinary"


def short_name(slot: int) -> str:
    return "司法" if slot == 0 else "市监" if slot == 1 else ORDINARY[slot - 2][:2]


# --- the database, kept ----------------------------------------------------------------------------------


def built() -> Figures | None:
    """What the kept world holds (its sizes and build times), or ``None``: no world, or one left half-built."""
    try:
        with admin_connect(URL) as conn:
            row = conn.execute("SELECT value FROM bench_world WHERE key = 'world'").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def wanted() -> Figures:
    return {"entities": ENTITIES, "visits": VISITS, "draw_entries": DRAW_ENTRIES}


def ensure(rebuild: bool = False) -> Figures:
    """The world: the one kept when it has the wanted sizes, else built (again) — ``rebuild`` always."""
    found = built()
    if found is not None and not rebuild:
        if not all(found.get(key) == value for key, value in wanted().items()):
            raise SystemExit(
                f"database {NAME} holds a province of another size ({ {k: found.get(k) for k in wanted()} }, wanted "
                f"{wanted()}): run with --rebuild, or set BENCH_PROVINCE_DATABASE to another name"
            )
        log(f"the province kept in database {NAME} is reused (built {found['built_at']}; --rebuild builds it anew)")
    else:
        found = build()
    return prepare_draw(found)


def prepare_draw(found: Figures) -> Figures:
    """The province's 市场监督管理局 ready to draw: ``DRAW_ITEMS`` published items in its plan of the year, filed with
    the province's 司法局 (:func:`bench.draw_data.setup`, through the commands; the plan the year's SQL gave it
    makes way). Each run draws on a copy of the world (:func:`run_copy`), so the items stay unused here."""
    if "draw_items" in found:
        return found
    with admin_connect(URL) as conn:
        conn.execute(
            "DELETE FROM plan WHERE tenant_id = (SELECT id FROM tenant WHERE code = 'SCJ') AND year = %s "
            "AND half IS NULL",
            (YEAR,),
        )
        conn.commit()
    with Timer() as timer:
        found = {**found, "draw_items": draw_data.setup(URL, items=DRAW_ITEMS)["items"]}
    found["steps"] = {**found["steps"], "the draw's items and plan (commands)": round(timer.seconds, 1)}
    with admin_connect(URL) as conn:
        conn.execute("UPDATE bench_world SET value = %s WHERE key = 'world'", (json.dumps(found, ensure_ascii=False),))
        conn.commit()
    return found


#: Items ready for the target draws of a run (two a round).
DRAW_ITEMS = 8  # the probe of the product as it is, and two a round


#: The tables the migrations since the kept world was built rewrite (0065: every row of the register gets its kind;
#: 0063: every campaign its rulebook versions) or index anew (0067): vacuumed before the runs, as autovacuum would
#: soon after a deployment — left to it, the register's index-only reads went to the table for every row.
MIGRATED = ("inspection_count", "campaign")


@contextmanager
def run_copy() -> Iterator[str]:
    """A copy of the kept world for one run (``CREATE DATABASE … TEMPLATE``: what a run writes — its draws, their
    register rows, sessions, audit entries — is dropped with it, so every run starts from the same world)."""
    name = f"{NAME}_run_{uuid.uuid4().hex[:6]}"
    with Timer() as copying, admin_connect(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{NAME}"')
    log(f"a copy of the world to measure on, {name}: {copying.seconds:.0f} s")
    url = with_database(ADMIN_URL, name)
    with Timer() as migrating, app_context(url) as app:  # the kept world built by an older head: migrated as deployed
        logging.disable(logging.INFO)
        try:
            flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
        finally:
            logging.disable(logging.NOTSET)
    log(f"the copy migrated to the head: {migrating.seconds:.0f} s")
    with Timer() as vacuuming:  # what autovacuum does after a deployment's migrations, before the timed runs
        vacuum_analyze(url, *MIGRATED)
    log(f"the tables the migrations rewrote vacuumed and analysed: {vacuuming.seconds:.0f} s")
    try:
        yield url
    finally:
        with admin_connect(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build() -> Figures:
    log(f"building the province in database {NAME} ({ENTITIES:,} businesses, {VISITS:,} visits)")
    with admin_connect(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{NAME}"')
    steps: dict[str, float] = {}
    with Timer() as whole:
        with Timer() as timer, app_context(URL) as app:
            logging.disable(logging.INFO)  # no migration chatter
            try:
                flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
            finally:
                logging.disable(logging.NOTSET)
            people()
            db.session.commit()
        steps["schema, regions, rules and the departments that sign in"] = timer.seconds
        log(f"schema, regions, rules, people: {timer.seconds:.0f} s")
        with admin_connect(URL) as conn:
            for label, step in (
                ("departments (SQL)", departments),
                ("registry", registry),
                ("directories", directories),
                ("the year: lists, plans, campaigns, draws", year_lists),
                ("the year: visits", year_visits),
                ("the year: results and follow-ups", supervision_data.results),
                ("the register of checks", register),
            ):
                with Timer() as timer:
                    step(conn)
                    conn.commit()
                steps[label] = timer.seconds
                log(f"{label}: {timer.seconds:.0f} s")
        with Timer() as timer:
            vacuum_analyze(URL, *TABLES)
        steps["VACUUM ANALYZE, CHECKPOINT"] = timer.seconds
    world = {
        **wanted(),
        "built_at": clock.now().isoformat(timespec="seconds"),
        "build_seconds": round(whole.seconds, 1),
        "steps": {k: round(v, 1) for k, v in steps.items()},
        **counts(),
    }
    with admin_connect(URL) as conn:
        conn.execute("CREATE TABLE bench_world (key text PRIMARY KEY, value jsonb NOT NULL)")
        conn.execute("INSERT INTO bench_world VALUES ('world', %s)", (json.dumps(world, ensure_ascii=False),))
        conn.commit()
    log(f"the province built in {whole.seconds:.0f} s")
    return world


TABLES = (
    "region",
    "tenant",
    "entity",
    "directory_entry",
    "item",
    "inspector",
    "plan",
    "campaign",
    "draw",
    "joint_participant",
    "visit",
    "item_result",
    "result_category",
    "follow_up",
    "inspection_count",
)


def counts() -> Figures:
    with admin_connect(URL) as conn:
        rows = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("region", "tenant", "entity", "directory_entry", "campaign", "visit", "inspection_count")
        }
        joint = conn.execute(
            "SELECT count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id WHERE c.joint_id IS NOT NULL"
        ).fetchone()
        capped = conn.execute(
            "SELECT count(*) FROM (SELECT entity_id FROM inspection_count WHERE year = %s AND counts GROUP BY "
            "entity_id HAVING count(DISTINCT counted_as) >= %s) s",
            (YEAR, CAP),
        ).fetchone()
        levels = conn.execute(
            "SELECT count(*) FROM (SELECT i.entity_id FROM inspection_count i JOIN tenant t ON t.id = i.department_id "
            "JOIN region r ON r.id = t.region_id GROUP BY i.entity_id HAVING count(DISTINCT r.level) = 3) s"
        ).fetchone()
    assert joint is not None and capped is not None and levels is not None  # counts answer one row
    return {
        "rows": rows,
        "joint_visits": joint[0],
        "businesses_at_cap": capped[0],
        "businesses_checked_at_three_levels": levels[0],
    }


@contextmanager
def _opened() -> Iterator[None]:
    with clock.frozen_at(OPENED):  # they owe the year's filings and tables
        yield


def people() -> None:
    """The platform administrator, the tree, the rulebook, and the departments whose people sign in."""
    admin = accounts.create_platform_admin(
        {"login": "admin", "display_name": "平台管理员", "password": PASSWORD}, actor=CONSOLE
    )
    region_commands.load_tree({"text": tree_file(), "file_name": "province"}, actor=admin)
    preset = presets.BY_NAME["宁安市"]
    document = rulefile.read(preset.text)
    cap = documents.Article(
        "基准条款", f"同一企业一个年度内被各部门现场检查不超过{CAP}次（基准测试设定，非宁安市方案原文）。"
    )
    document = replace(
        document,
        articles=(*document.articles, cap),
        entries={**document.entries, "inspection_cap": documents.Entry(value=CAP, article=cap.number)},
    )
    rule_commands.load_rulebook({"text": rulefile.write(document), "preset": preset.name}, actor=CONSOLE)
    names = {PROVINCE[0]: PROVINCE[1]} | {code: name for code, name, _ in counties()}
    for region, slot, code, users in PEOPLE:
        (admin_login, admin_name, _roles), *others = users
        with _opened():
            tenant = accounts.create_department(
                {
                    "code": code,
                    "name": department_name(names[region], slot),
                    "kind": kind_of(slot),
                    "region": region,
                    "short_name": short_name(slot),
                    "admin": {"login": admin_login, "display_name": admin_name, "password": PASSWORD},
                },
                actor=admin,
            )
            with tenant_scope(tenant.id):
                tenant_admin = db.session.scalars(sa.select(User).where(User.login == admin_login)).one()
                for login, display_name, roles in others:
                    accounts.create_user(
                        {"login": login, "display_name": display_name, "password": PASSWORD, "roles": roles},
                        actor=tenant_admin,
                    )


# --- SQL, as the owner ---------------------------------------------------------------------------------------


def departments(conn: psycopg.Connection[TupleRow]) -> None:
    """Every region's 25 departments (those made by the commands kept), and temp table ``dept``: every department
    but the bureaus, numbered ``n``, with its region's counties (``lo`` … ``lo + cnt - 1``, numbered city by city)."""
    slots = ", ".join(
        f"({slot}, '{department_name('', slot)}', '{kind_of(slot)}', '{short_name(slot)}')" for slot in range(SLOTS)
    )
    codes = ", ".join(f"('{PROVINCE[0]}', {slot}, '{department_code(PROVINCE[0], slot)}')" for slot in range(2))
    conn.execute(
        f"CREATE TEMP TABLE slot (slot int, name text, kind text, short text); INSERT INTO slot VALUES {slots}; "
        f"CREATE TEMP TABLE special (region text, slot int, code text); INSERT INTO special VALUES {codes}"
    )
    _fill(
        conn,
        "tenant",
        {
            "code": "COALESCE(x.code, CASE s.slot WHEN 0 THEN 'SFJ' WHEN 1 THEN 'SCJ' "
            "ELSE 'D' || lpad((s.slot - 1)::text, 2, '0') END || r.code)",
            "name": "r.name || s.name",
            "kind": "s.kind",
            "region_id": "r.id",
            "short_name": "s.short",
            "risk_labels": "'letters'",
            "active": "true",
            "created_at": f"TIMESTAMPTZ '{OPENED.isoformat()} 09:00+08'",
        },
        "region r CROSS JOIN slot s LEFT JOIN special x ON x.region = r.code AND x.slot = s.slot "
        "WHERE NOT EXISTS (SELECT 1 FROM tenant t WHERE t.code = COALESCE(x.code, CASE s.slot WHEN 0 "
        "THEN 'SFJ' WHEN 1 THEN 'SCJ' ELSE 'D' || lpad((s.slot - 1)::text, 2, '0') END || r.code)) "
        "ORDER BY r.path, s.slot",
    )
    county_rows = ", ".join(f"('{code}', {n}, {_county_sum(code)})" for n, (code, _, _) in enumerate(counties()))
    conn.execute(f"CREATE TEMP TABLE county (code text, n int, partial int); INSERT INTO county VALUES {county_rows}")
    conn.execute(
        "CREATE TEMP TABLE dept AS SELECT t.id, (row_number() OVER (ORDER BY t.id) - 1)::int AS n, t.code, "
        "r.level, (SELECT min(c.n) FROM county c WHERE c.code LIKE rtrim(r.code, '0') || '%') AS lo, "
        "(SELECT count(*) FROM county c WHERE c.code LIKE rtrim(r.code, '0') || '%')::int AS cnt "
        "FROM tenant t JOIN region r ON r.id = t.region_id WHERE t.kind <> 'supervisor'"
    )
    conn.execute("CREATE UNIQUE INDEX ON dept (n)")


#: GB 32100's weights of the first 17 characters (3^i mod 31), and its alphabet.
_USCC_WEIGHTS = [pow(3, place, 31) for place in range(17)]
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _county_sum(code: str) -> int:
    """The weighted sum of a code's first eight characters (91 and the county): the same for the whole county."""
    return sum(w * _USCC_ALPHABET.index(ch) for w, ch in zip(_USCC_WEIGHTS[:8], "91" + code, strict=True))


#: SQL (FROM items): the eight digits of business ``g``'s organisation code (``d.d1`` … ``d.d8``) and its GB 11714
#: check (``o.oc``: 10 is X, 11 is 0).
_DIGITS = (
    "LATERAL (SELECT "
    + ", ".join(f"g / {10 ** (7 - place)} % 10 AS d{place + 1}" for place in range(8))
    + ") d, LATERAL (SELECT 11 - ("
    + " + ".join(f"{w} * d.d{place + 1}" for place, w in enumerate((3, 7, 9, 10, 5, 8, 4, 2)))
    + ") % 11 AS oc) o"
)


def _credit_code() -> str:
    """SQL: business ``g``'s valid 统一社会信用代码 in county ``c`` (91, the county, the GB 11714 organisation code of
    ``g``, the check character), in integers: ``c.partial`` is :func:`_county_sum` (with :data:`_DIGITS`)."""
    org_check = "CASE o.oc WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE o.oc::text END"
    total = (
        "c.partial + "
        + " + ".join(f"{_USCC_WEIGHTS[8 + place]} * d.d{place + 1}" for place in range(8))
        + f" + {_USCC_WEIGHTS[16]} * CASE o.oc WHEN 10 THEN 29 WHEN 11 THEN 0 ELSE o.oc END"
    )
    return (
        f"'91' || c.code || lpad(g::text, 8, '0') || {org_check} || "
        f"substr('{_USCC_ALPHABET}', (31 - ({total}) % 31) % 31 + 1, 1)"
    )


def registry(conn: psycopg.Connection[TupleRow]) -> None:
    """``ENTITIES`` businesses, business ``g`` in county ``g mod 107``, its indexes built once after the rows."""
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'entity' AND indexname NOT IN "
        "('pk_entity', 'uq_entity_code')"
    ).fetchall()
    conn.execute("ALTER TABLE entity DROP CONSTRAINT uq_entity_code")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    words = "ARRAY[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
    trades = "ARRAY[" + ", ".join(f"'{t}'" for t in TRADES) + "]"
    industries = "ARRAY[" + ", ".join(f"'{i}'" for i in INDUSTRIES) + "]"
    conn.execute(
        "INSERT INTO entity (code, name, entity_type, industry_code, region_code, address, status, abnormal, "
        "blacklisted, penalized_on, complaints, credit_rating, updated_at) "
        f"SELECT {_credit_code()}, "
        f"'基准' || ({words})[g % 14 + 1] || ({trades})[g / 14 % 8 + 1] || '有限公司' || g || '号店', "
        f"'enterprise', ({industries})[g % 10 + 1], c.code, '基准省某路' || g % 9973 || '号', "
        "CASE WHEN g % 100 = 37 THEN 'deregistered' WHEN g % 100 = 73 THEN 'revoked' ELSE 'active' END, "
        "g % 100 > 96, false, NULL, CASE WHEN g % 200 = 11 THEN 1 ELSE 0 END, 'B', TIMESTAMPTZ '2026-01-01 00:00Z' "
        f"FROM generate_series(0, {ENTITIES - 1}) g JOIN county c ON c.n = g % {len(counties())}, "
        f"{_DIGITS} ORDER BY g"
    )
    log(f"{ENTITIES:,} businesses written; their indexes")
    conn.execute("ALTER TABLE entity ADD CONSTRAINT uq_entity_code UNIQUE (code)")
    for _, definition in indexes:
        conn.execute(definition)


def directories(conn: psycopg.Connection[TupleRow]) -> None:
    """The province's 市场监督管理局 lists the first ``DRAW_ENTRIES`` businesses (the draw's frame); every other
    department ``DIRECTORY`` businesses of its region, among the first ``HOT`` of each of its counties."""
    first = _first_entity(conn)
    bounds, total = [], 0
    for risk, share in SHARES.items():
        total += share
        bounds.append(f"WHEN (hashtext(e.code) & 1023) < {1024 * total // 100} THEN '{risk}'")
    conn.execute(
        "INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at, entity_industry) "
        f"SELECT (SELECT id FROM tenant WHERE code = 'SCJ'), e.id, %s, CASE {' '.join(bounds)} ELSE 'D' END, '', "
        f"now(), e.industry_code FROM entity e WHERE e.id < {first + DRAW_ENTRIES}",
        (CATEGORY,),
    )
    counted = len(counties())
    conn.execute(
        "INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at, entity_industry) "
        f"SELECT d.id, e.id, '一般', CASE WHEN (hashtext(e.code) & 3) = 0 THEN 'B' ELSE 'C' END, '', now(), "
        f"e.industry_code FROM dept d CROSS JOIN generate_series(0, {DIRECTORY - 1}) g "
        f"JOIN entity e ON e.id = {first} + ((d.n * 37 + g) % {HOT}) * {counted} + d.lo + g % d.cnt "
        "WHERE d.code <> 'SCJ'"
    )


def _first_entity(conn: psycopg.Connection[TupleRow]) -> int:
    row = conn.execute("SELECT min(id) FROM entity").fetchone()
    assert row is not None and row[0] is not None  # the registry is written
    return int(row[0])


def year_lists(conn: psycopg.Connection[TupleRow]) -> None:
    """Every department's items, inspectors, rules, plans, campaigns and draws (:mod:`bench.supervision_data`);
    then a joint campaign in every county, coordinated by its market-regulation lead, whose parts are the first
    campaigns of the lead and of three other departments of the county."""
    supervision_data.department_lists(conn, inspectors=INSPECTORS)
    supervision_data.plans_campaigns_draws(conn, campaigns=CAMPAIGNS)
    _fill(
        conn,
        "campaign",
        {
            "tenant_id": "t.id",
            "title": "'联合抽查' || r.name",
            "code": "'JC-' || r.code",
            "year": str(YEAR),
            "target_filter": "'{}'::json",
            "strata": "'{}'::json",
            "exclude_checked": "true",
            "reserve_size": "0",
            "team_size": "2",
            "method": "'onsite'",
            "status": "'published'",
            "joint": "true",
            "joint_field": "'market'",
            "window_start": f"DATE '{YEAR}-01-05'",
            "window_end": f"DATE '{YEAR}-01-25'",
        },
        "tenant t JOIN region r ON r.id = t.region_id WHERE t.kind = 'lead' AND r.level = 'county'",
    )
    conn.execute(
        "CREATE TEMP TABLE joint_part AS SELECT j.id AS joint_id, c.id AS part_id, c.tenant_id, t.code, t.name "
        "FROM campaign j JOIN tenant l ON l.id = j.tenant_id "
        "JOIN tenant t ON t.region_id = l.region_id AND t.kind <> 'supervisor' "
        "JOIN camp c ON c.tenant_id = t.id AND c.k = 0 "
        "WHERE j.joint AND (t.kind = 'lead' OR left(t.code, 3) IN ('D01', 'D02', 'D03'))"
    )
    conn.execute("UPDATE campaign c SET joint_id = p.joint_id FROM joint_part p WHERE c.id = p.part_id")
    _fill(
        conn,
        "joint_participant",
        {
            "campaign_id": "p.joint_id",
            "status": "'approved'",
            "part_campaign_id": "p.part_id",
            "campaign_code": "'JC'",
            "campaign_title": "'联合抽查'",
            "group_code": "p.code",
            "department_name": "p.name",
            "tenant_id": "j.tenant_id",
            "receiver_tenant_id": "p.tenant_id",
            "invited_at": f"TIMESTAMPTZ '{YEAR}-01-02 09:00+08'",
            "approved_at": f"TIMESTAMPTZ '{YEAR}-01-03 09:00+08'",
        },
        "joint_part p JOIN campaign j ON j.id = p.joint_id",
    )


def year_visits(conn: psycopg.Connection[TupleRow]) -> None:
    """The year's visits: each department's to businesses of its region, a joint campaign's parts to the same ones."""
    first, counted = _first_entity(conn), len(counties())
    row = conn.execute("SELECT count(*) FROM dept").fetchone()
    assert row is not None  # the query answers one row
    departments = int(row[0])
    county = "CASE WHEN p.joint_id IS NULL THEN dp.lo + (v.m * 7 + v.k * 3) % dp.cnt ELSE dp.lo END"
    number = (
        f"CASE WHEN p.joint_id IS NULL THEN (v.m * 7919 + v.k * 104729 + v.n * 31) % {HOT} "
        f"ELSE (v.m * 7919 + p.joint_id * 131) % {HOT} END"
    )
    supervision_data.visits(
        conn,
        first,
        departments=departments,
        campaigns=CAMPAIGNS,
        count=VISITS,
        entity=f"{first} + ({number}) * {counted} + {county}",
        join="JOIN dept dp ON dp.n = v.n LEFT JOIN joint_part p ON p.part_id = c.id",
    )


def register(conn: psycopg.Connection[TupleRow]) -> None:
    """每户企业年度检查次数: every visit counted for its department, a joint visit once, under its joint campaign —
    each an on-site check on no cause (``kind`` ``""``, migration 0065: a row without a kind is an off-site check,
    which no cap counts)."""
    conn.execute(
        "INSERT INTO inspection_count (entity_id, year, counted_as, campaign_code, department_id, counts, kind, "
        "withheld) SELECT DISTINCT v.entity_id, c.year, CASE WHEN c.joint_id IS NULL THEN 'campaign:' || c.id "
        "ELSE 'joint:' || c.joint_id END, COALESCE(c.code, ''), v.tenant_id, true, '', false "
        "FROM visit v JOIN campaign c ON c.id = v.campaign_id"
    )


def sizes(url: str = URL) -> Figures:
    """The database's size and its largest tables (with their indexes), for SCALE.md."""
    with admin_connect(url) as conn:
        total = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        tables = conn.execute(
            "SELECT relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' "
            "ORDER BY 2 DESC LIMIT 12"
        ).fetchall()
        settings: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name IN ('shared_buffers', "
                "'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather')"
            ).fetchall()
        )
    assert total is not None  # the query answers one row
    return {
        "database_bytes": int(total[0]),
        "tables": [{"table": name, "bytes": int(size), "index_bytes": int(index)} for name, size, index in tables],
        "settings": settings,
    }


def describe(world: Figures) -> str:
    rows: dict[str, Any] = world["rows"]
    return (
        f"{rows['region']} regions (1 province, {CITIES} cities, {len(counties())} counties), {rows['tenant']:,} "
        f"departments, {rows['entity']:,} businesses, {rows['directory_entry']:,} directory entries "
        f"({world['draw_entries']:,} of them the province's 市场监督管理局's), {rows['campaign']:,} campaigns, "
        f"{rows['visit']:,} visits ({world['joint_visits']:,} of joint campaigns), {rows['inspection_count']:,} rows "
        f"in the register of checks; {world['businesses_at_cap']:,} businesses at the yearly cap of {CAP}, "
        f"{world['businesses_checked_at_three_levels']:,} checked by departments of all three levels"
    )
