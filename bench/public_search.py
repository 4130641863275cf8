"""Public entity search (检查结果公示 查询) over 1,000,000 published results of 100,000 entities,
through gunicorn on loopback under 50 concurrent clients (locust, headless).

Three loads of the same shape in the same run, one after the other against the same server:

* ``/healthz`` — the stack's floor (gunicorn, Flask, a session-less request);
* ``/public/results?q=…`` — the platform's search, as a citizen uses it (name fragment or
  统一社会信用代码 prefix, first page mostly, sometimes a later one);
* ``/bench/common-search?q=…`` — the same search done the common way: ``LIKE '%…%'`` on name and
  code over the results joined to their entities, grouped, ``COUNT(*)`` for the total and
  ``LIMIT/OFFSET`` for the page, rendered with the same template (a route of the benchmark's
  own WSGI wrapper, :mod:`bench.search_app`, never part of the product).

Each figure is locust's p50 and p95 over the timed window, after a warm-up.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

from bench.common import (
    HERE,
    Figures,
    Line,
    Timer,
    admin_connect,
    emit,
    free_port,
    fresh_database,
    gunicorn_command,
    log,
    production_environment,
    save,
    vacuum_analyze,
    web_workers,
)
from bench.directory_search import load as load_entities

NAME = "public_search"
ENTITIES = int(os.environ.get("BENCH_PS_ENTITIES", "100000"))
PER_ENTITY = 10  # published results per entity: one per campaign
USERS = int(os.environ.get("BENCH_PS_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_PS_SECONDS", "40"))
WARMUP = 8
WORKERS = int(os.environ.get("BENCH_PS_WORKERS", "0")) or web_workers()
TITLE = (
    f"Public entity search ({ENTITIES * PER_ENTITY:,} published results of {ENTITIES:,} entities) "
    f"through gunicorn, {USERS} concurrent clients"
)


def _fill(
    conn: psycopg.Connection[TupleRow],
    table: str,
    overrides: dict[str, str],
    source: str,
    params: dict[str, object] | None = None,
) -> int:
    """INSERT … SELECT into ``table``: every NOT NULL column without a default gets a neutral value
    of its type, ``overrides`` (column → SQL expression) the rest; ``source`` is the FROM clause."""
    neutral = {
        "character varying": "''",
        "text": "''",
        "integer": "0",
        "bigint": "0",
        "smallint": "0",
        "boolean": "false",
        "json": "'{}'::json",
        "jsonb": "'{}'::jsonb",
        "date": "DATE '2026-09-01'",
        "timestamp with time zone": "now()",
    }
    columns = {
        name: neutral[kind]
        for name, kind in conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s AND is_nullable = "
            "'NO' "
            "AND column_default IS NULL",
            (table,),
        ).fetchall()
    }
    columns.update(overrides)
    names = ", ".join(columns)
    values = ", ".join(columns.values())
    return conn.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {source}", params).rowcount


def load(url: str) -> Figures:
    """100,000 registry entities (the city generator, bulk path), then per entity one published
    result in each of ten campaigns of the three departments, written in SQL as the owner."""
    with Timer() as timer:
        entities = load_entities(url, ENTITIES)
        with admin_connect(url, autocommit=False) as conn:
            tenants = conn.execute(
                "SELECT id, code, name FROM tenant WHERE code IN ('SCJ', 'YJJ', 'SWJ') ORDER BY code"
            ).fetchall()
            campaigns = []
            for number in range(PER_ENTITY):
                tenant_id, code, _name = tenants[number % len(tenants)]
                _fill(
                    conn,
                    "campaign",
                    {
                        "tenant_id": str(tenant_id),
                        "code": f"'{code}抽〔2026〕{100 + number}号'",
                        "title": f"'2026年第{number % 4 + 1}季度双随机抽查（第{number + 1}批）'",
                        "year": "2026",
                        "status": "'published'",
                        "window_start": "DATE '2026-01-01'",
                        "window_end": "DATE '2026-12-31'",
                    },
                    "(SELECT 1) AS one",
                )
                row = conn.execute("SELECT max(id) FROM campaign").fetchone()
                assert row is not None  # the query answers one row
                campaign_id = row[0]
                campaigns.append((campaign_id, tenant_id))
            log(f"{len(campaigns)} campaigns; writing {ENTITIES * PER_ENTITY:,} visits")
            for campaign_id, tenant_id in campaigns:
                _fill(
                    conn,
                    "visit",
                    {
                        "tenant_id": str(tenant_id),
                        "campaign_id": str(campaign_id),
                        "entity_id": "e.id",
                        "status": "'published'",
                        "checked_on": f"DATE '2026-03-01' + (e.id * 7 + {campaign_id}) % 200",
                        "method": "'onsite'",
                        "version": "1",
                        "entered_by": "'[]'::json",
                        "source": "'entered'",
                        "published_at": f"TIMESTAMPTZ '2026-03-10' + ((e.id * 13 + {campaign_id} * 101) % 250) * "
                        "INTERVAL '1 day' + (e.id % 600) * INTERVAL '1 minute'",
                    },
                    "entity e",
                )
            log(f"writing {ENTITIES * PER_ENTITY:,} published results")
            written = _fill(
                conn,
                "published_result",
                {
                    "tenant_id": "v.tenant_id",
                    "visit_id": "v.id",
                    "campaign_id": "v.campaign_id",
                    "entity_id": "v.entity_id",
                    "version": "1",
                    "current": "true",
                    "corrected": "false",
                    "checked_on": "v.checked_on",
                    "published_at": "v.published_at",
                    "content": (
                        "json_build_object('department', t.name, 'department_code', t.code, 'campaign_code', c.code, "
                        "'campaign_title', c.title, 'method', '实地检查', 'items', json_build_array(json_build_object("
                        "'name', '经营者落实主体责任情况检查', 'categories', json_build_array(CASE WHEN v.id % 5 = 0 "
                        "THEN '发现问题待后续处理：违反本部门其他规定' ELSE '未发现问题' END), 'findings', CASE WHEN "
                        "v.id % 5 = 0 THEN '进货查验记录不全，已责令整改。' ELSE '' END)), 'team', json_build_array("
                        "json_build_object('name', '李强', 'cert_no', t.code || '-' || lpad((v.id % 997)::text, 4, "
                        "'0'), 'leader', true), json_build_object('name', '王芳', 'cert_no', t.code || '-' || "
                        "lpad((v.id % 991)::text, 4, '0'), 'leader', false)))"
                    ),
                },
                "visit v JOIN campaign c ON c.id = v.campaign_id JOIN tenant t ON t.id = v.tenant_id",
            )
            conn.execute(
                "INSERT INTO published_entity (entity_id, results, last_published_at, name, code) SELECT "
                "r.entity_id, count(*), max(r.published_at), min(e.name), min(e.code) FROM published_result r JOIN "
                "entity e ON "
                "e.id = r.entity_id WHERE r.current GROUP BY r.entity_id"
            )
            conn.commit()
    return {"seconds": timer.seconds, "samples": entities["samples"], "results": written}


def build_queries(samples: list[tuple[str, str]]) -> list[str]:
    """What citizens type: a brand or a fragment of a name, a whole name, a code or its prefix."""
    rnd = random.Random(2026)
    queries = ["餐饮", "便利店", "网络科技", "服饰", "有限公司", "面馆", "化工", "大药房", "装饰", "汽配"]
    for code, name in rnd.sample(samples, min(len(samples), 90)):
        queries += [name[2:4], name, code, code[: rnd.randint(8, 14)]]
    return queries


def _serve(url: str, port: int, folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        **production_environment(),
        "DATABASE_URL": url,
        "SPOTCHECK_STORAGE": str(folder / "storage"),
        "REDIS_URL": "",
    }
    with (folder / "gunicorn.log").open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            gunicorn_command("bench.search_app:app", port, WORKERS),
            env=env,
            cwd=HERE.parent,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError(f"gunicorn did not start: see {folder / 'gunicorn.log'}")


def _locust(port: int, path: str, queries_file: Path, folder: Path, label: str) -> Figures:
    """One headless locust run against ``path``: warm-up, then the timed window; p50/p95 in ms."""
    env = {**os.environ, "BENCH_PATH": path, "BENCH_QUERIES_FILE": str(queries_file)}
    for run, seconds in (("warmup", WARMUP), ("timed", SECONDS)):
        prefix = folder / f"{label}-{run}"
        with (folder / f"{label}-{run}.log").open("w", encoding="utf-8") as log_file:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(HERE / "search_locustfile.py"),
                    "--headless",
                    "-u",
                    str(USERS),
                    "-r",
                    str(USERS),
                    "-t",
                    f"{seconds}s",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--stop-timeout",
                    "5",
                ],
                env=env,
                cwd=HERE.parent,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    return {
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
    }


def run() -> Figures:
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    loads_before = os.getloadavg()[0]
    with fresh_database("public") as url:
        log(f"loading {ENTITIES:,} entities and {ENTITIES * PER_ENTITY:,} published results")
        loaded = load(url)
        vacuum_analyze(url, "entity", "visit", "published_result", "published_entity", "campaign")
        queries = build_queries(loaded["samples"])
        queries_file = folder / "queries.json"
        queries_file.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
        port = free_port()
        server = _serve(url, port, folder)
        try:
            measured = {}
            for label, path in (
                ("healthz", "/healthz"),
                ("search", "/public/results"),
                ("common", "/bench/common-search"),
            ):
                log(f"{USERS} clients on {path} for {SECONDS} s")
                measured[label] = _locust(port, path, queries_file, folder, label)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    search, floor, common = measured["search"], measured["healthz"], measured["common"]
    lines: list[Line] = [
        {
            "figure_name": "search p50",
            "figure": f"{search['p50_ms']:.0f} ms",
            "baseline_name": "/healthz p50 (floor)",
            "baseline": f"{floor['p50_ms']:.0f} ms",
            "ratio": search["p50_ms"] / max(floor["p50_ms"], 1),
        },
        {
            "figure_name": "search p95",
            "figure": f"{search['p95_ms']:.0f} ms",
            "budget": f"≤ 1,000 ms: {'within' if search['p95_ms'] <= 1000 else 'OVER'}",
            "baseline_name": "/healthz p95 (floor)",
            "baseline": f"{floor['p95_ms']:.0f} ms",
            "ratio": search["p95_ms"] / max(floor["p95_ms"], 1),
        },
        {
            "figure_name": "search p50",
            "figure": f"{search['p50_ms']:.0f} ms",
            "baseline_name": "common way (LIKE, COUNT, OFFSET) p50",
            "baseline": f"{common['p50_ms']:.0f} ms",
            "ratio": common["p50_ms"] / max(search["p50_ms"], 1),
        },
        {
            "figure_name": "search p95",
            "figure": f"{search['p95_ms']:.0f} ms",
            "baseline_name": "common way (LIKE, COUNT, OFFSET) p95",
            "baseline": f"{common['p95_ms']:.0f} ms",
            "ratio": common["p95_ms"] / max(search["p95_ms"], 1),
        },
        {
            "figure_name": "search throughput",
            "figure": f"{search['rps']:.0f} req/s",
            "baseline_name": "common way throughput",
            "baseline": f"{common['rps']:.0f} req/s",
            "ratio": search["rps"] / max(common["rps"], 0.1),
        },
    ]
    notes = [
        f"{ENTITIES:,} registry entities (the demo city's generator, bulk path) and {loaded['results']:,} published "
        f"results (ten campaigns of three departments, one result each per entity), loaded in {loaded['seconds']:.0f} "
        "s, "
        "then VACUUM ANALYZE.",
        f"gunicorn on 127.0.0.1 with {WORKERS} sync workers (as deployed: bench.common.gunicorn_command); locust "
        f"headless, {USERS} users without "
        f"think time, {WARMUP} s warm-up then {SECONDS} s timed, each load after the other on the same server.",
        f"{len(queries)} queries: brand and name fragments, whole names, codes and code prefixes; each request takes "
        "one "
        "at random, page 1 (four in five) or pages 2–5.",
        "Requests and failures: "
        + "; ".join(f"{label} {m['requests']:,} / {m['failures']}" for label, m in measured.items())
        + ".",
        "Ratios: search against the floor (how much the search adds to the stack's own cost: lower is better), "
        "the common way against search (how many times slower it is), throughput search against the common way.",
        f"Load average {loads_before:.1f} before loading the data and {os.getloadavg()[0]:.1f} at the end, on "
        f"{os.cpu_count()} CPUs shared by PostgreSQL, gunicorn and locust.",
    ]
    result = {
        "title": TITLE,
        "entities": ENTITIES,
        "published_results": loaded["results"],
        "measured": measured,
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(NAME, result)
    shutil.rmtree(folder, ignore_errors=True)
    return result
