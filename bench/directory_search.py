"""Directory search over 1,000,000 entries of one department (``search_directory``, keyset
pagination) — 200 varied queries: name fragments, code prefixes, industry and region prefixes,
flags, risk classes, tags, and combinations.

Figures: the latency of the first page (p50/p95), and of a deep page (page 201, i.e. after
10,000 rows, or the last page when a query has fewer matches) reached with the keyset
(``after=<last id of the previous page>``) against the same query paged with LIMIT/OFFSET — the
way the systems we replace page through large pools. Every timing is the service call as the
web page and the API make it (in the department's tenant scope, 50 rows materialised as ORM
objects), after one untimed warm-up pass; each query's time is the median of three runs.
"""

from __future__ import annotations

import os
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import flask_migrate
import sqlalchemy as sa

from bench.common import (
    ADMIN_URL,
    ENTITIES,
    QUERIES,
    TODAY,
    Figures,
    Line,
    Timer,
    app_context,
    emit,
    fresh_database,
    log,
    median,
    percentile,
    save,
    vacuum_analyze,
    with_database,
)
from spotcheck.core.database import db, searching
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.registry import EntryRow, RegistryRow, city
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.directory.queries import Filters, directory_query, search_directory

#: A city's million keeps the plain name; a province's run (BENCH_ENTITIES=10000000) is recorded beside it.
NAME = "directory_search" if ENTITIES == 1_000_000 else f"directory_search_{ENTITIES}"
#: The goal of issue 44: the directory's first page within 300 ms at p95, at a province's size too.
GOAL_FIRST_PAGE_P95_MS = 300.0
TITLE = f"Directory search latency ({ENTITIES:,} entries, one department)"
#: Every this many entities written, one is kept as a sample to search for (its code, a fragment of its name).
SAMPLE_EVERY = 997
DEEP_OFFSET = 10_000  # page 201 of 50
ROUNDS = 3  # each query is timed this many times; its median counts (the machine may be shared)
LOADS: list[float] = []  # 1-minute load averages seen while timing


def load(url: str, count: int) -> Figures:
    """``count`` registry entities and one directory entry each for 市场监管局, in bulk."""
    samples = []
    with app_context(url), Timer() as timer:
        scj = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == "SCJ"))
        assert scj is not None  # the demo's 市场监管局
        batch: list[tuple[RegistryRow, EntryRow]] = []
        with tenant_scope(scj):
            for number, (row, entries) in enumerate(city(0, count, today=TODAY), start=1):
                entry = (
                    entries.get("SCJ")
                    or entries.get("SWJ")
                    or entries.get("YJJ")
                    or EntryRow(
                        category="社会组织" if row["entity_type"] == "ngo" else "事业单位",
                        risk="D",
                        tags="",
                        last_inspected_on=None,
                    )
                )
                batch.append((row, entry))
                if number % SAMPLE_EVERY == 0:
                    samples.append((row["code"], row["name"]))
                if len(batch) == 200_000:
                    _write(scj, batch)
                    batch = []
                    log(f"{number:,} entities and entries written")
            if batch:
                _write(scj, batch)
            db.session.commit()
    return {"seconds": timer.seconds, "samples": samples, "tenant": scj}


def _write(tenant: int, batch: list[tuple[RegistryRow, EntryRow]]) -> None:
    bulk.upsert_entities(row for row, _ in batch)
    bulk.upsert_directory_entries(tenant, ({"code": row["code"], **entry} for row, entry in batch))


def build_queries(samples: list[tuple[str, str]], count: int) -> list[tuple[str, dict[str, Any]]]:
    """(kind, filter fields) for ``count`` varied searches, the same every run."""
    rnd = random.Random(2026)

    def pick() -> tuple[str, str]:
        return rnd.choice(samples)

    names = [
        "餐饮",
        "网络科技",
        "服饰",
        "面馆",
        "便利店",
        "萧山",
        "余杭",
        "建德",
        "装饰",
        "有限公司",
        "合作社",
        "大药房",
        "汽配",
        "化工",
        "协会",
    ]
    names += [pick()[1][2:4] for _ in range(10)]  # a brand (字号)
    names += [name[len(name) // 2 - 2 : len(name) // 2 + 2] for _, name in (pick() for _ in range(15))]  # rare
    codes = [
        f"9{kind}33{district}"
        for kind, district in [
            ("1", "0106"),
            ("1", "0109"),
            ("2", "0110"),
            ("1", "0100"),
            ("2", "0102"),
            ("1", "0127"),
            ("3", "0182"),
            ("1", "0114"),
        ]
    ]
    codes += [f"9{rnd.choice('12')}3301{rnd.choice(['06', '08', '09', '10'])}MA2" for _ in range(5)]
    codes += [pick()[0][: rnd.randint(12, 16)] for _ in range(12)]
    industries = [
        "H",
        "F",
        "C",
        "G",
        "E",
        "B",
        "I",
        "H62",
        "F52",
        "F51",
        "C18",
        "C36",
        "G54",
        "H6210",
        "F5212",
        "C3670",
        "B1011",
        "F5191",
        "O8051",
        "F5265",
    ]
    regions = [
        "3301",
        "330102",
        "330105",
        "330106",
        "330108",
        "330109",
        "330110",
        "330111",
        "330112",
        "330113",
        "330114",
        "330122",
        "330127",
        "330182",
        "33011",
    ]
    flag_sets = [
        ["abnormal"],
        ["blacklisted"],
        ["penalized"],
        ["complaints"],
        ["abnormal", "complaints"],
        ["blacklisted", "penalized"],
        ["abnormal", "blacklisted"],
        ["penalized", "complaints"],
        ["abnormal"],
        ["complaints"],
        ["penalized"],
        ["abnormal", "penalized", "complaints"],
        ["blacklisted"],
        ["abnormal", "complaints"],
        ["penalized"],
    ]
    risks = ["A", "B", "C", "D", "A", "B", "A", "C", "D", "B"]
    tags = [
        "食品安全",
        "学校周边",
        "老字号",
        "网络经营",
        "特种设备",
        "重点监管",
        "连锁经营",
        "单用途预付卡",
        "粉尘涉爆",
        "食品安全",
        "学校周边",
        "特种设备",
        "重点监管",
        "有限空间作业",
        "涉氨制冷",
    ]
    categories = ["餐饮服务", "食品销售", "网络交易", "工业产品生产", "药品经营", "一般市场主体", "食品生产"]
    singles = (
        [("name", {"q": q}) for q in names]
        + [("code", {"q": c}) for c in codes]
        + [("industry", {"industry": i}) for i in industries]
        + [("region", {"region": r}) for r in regions]
        + [("flags", {"flags": f}) for f in flag_sets]
        + [("risk", {"risk": r}) for r in risks]
        + [("tag", {"tag": t}) for t in tags]
    )
    combined = []
    for _ in range(count - len(singles)):
        parts = rnd.sample(
            ["q", "industry", "region", "flags", "risk", "tag", "category", "entity_type", "status"],
            k=rnd.choice([2, 2, 3]),
        )
        fields: dict[str, Any] = {}
        for part in parts:
            pick_field: dict[str, Callable[[], dict[str, Any]]] = {
                "q": lambda: {"q": rnd.choice(names[:15])},
                "industry": lambda: {"industry": rnd.choice(industries)},
                "region": lambda: {"region": rnd.choice(regions[1:])},
                "flags": lambda: {"flags": rnd.choice(flag_sets)},
                "risk": lambda: {"risk": rnd.choice("ABCD")},
                "tag": lambda: {"tag": rnd.choice(tags)},
                "category": lambda: {"category": rnd.choice(categories)},
                "entity_type": lambda: {"entity_type": rnd.choice(["enterprise", "individual", "enterprise"])},
                "status": lambda: {"status": rnd.choice(["active", "revoked", "deregistered"])},
            }
            fields.update(pick_field[part]())
        combined.append(("combined", fields))
    queries = singles + combined
    return queries[:count] if count < len(queries) else queries


def measure(url: str, tenant: int, queries: list[tuple[str, dict[str, Any]]]) -> list[Figures]:
    results = []
    with app_context(url), tenant_scope(tenant):
        prepared = []
        for kind, fields in queries:
            filters = Filters(**fields)
            with searching():
                statement = directory_query(filters)  # what the search pages through, to page it by OFFSET
            ids_only = statement.with_only_columns(DirectoryEntry.id)
            key = db.session.scalar(ids_only.limit(1).offset(DEEP_OFFSET - 1))
            offset = DEEP_OFFSET
            if key is None:  # fewer matches: the last page
                ids = list(db.session.scalars(ids_only.limit(None)))
                offset = ((len(ids) - 1) // 50) * 50 if ids else 0
                key = ids[offset - 1] if offset else 0
            prepared.append((kind, fields, filters, statement, offset, key))
            db.session.rollback()

        def first_page(filters: Filters, statement: sa.Select[DirectoryEntry], offset: int, key: int) -> list[int]:
            return [e.id for e in search_directory(filters).rows]

        def keyset(filters: Filters, statement: sa.Select[DirectoryEntry], offset: int, key: int) -> list[int]:
            return [e.id for e in search_directory(filters, after=key).rows]

        def by_offset(filters: Filters, statement: sa.Select[DirectoryEntry], offset: int, key: int) -> list[int]:
            return [e.id for e in db.session.scalars(statement.offset(offset).limit(51))][:50]

        for _kind, _fields, filters, statement, offset, key in prepared:  # warm-up, untimed
            first_page(filters, statement, offset, key)
            keyset(filters, statement, offset, key)
            by_offset(filters, statement, offset, key)
        db.session.rollback()

        LOADS.append(os.getloadavg()[0])
        timings: list[defaultdict[str, list[float]]] = [defaultdict(list) for _ in prepared]
        pages: list[dict[str, list[int]]] = [{} for _ in prepared]
        for round_ in range(ROUNDS):
            for number, (_kind, _fields, filters, statement, offset, key) in enumerate(prepared):
                order = ["first", "keyset", "offset"] if (number + round_) % 2 else ["first", "offset", "keyset"]
                for name in order:
                    fn = {"first": first_page, "keyset": keyset, "offset": by_offset}[name]
                    start = time.perf_counter()
                    pages[number][name] = fn(filters, statement, offset, key)
                    timings[number][name].append((time.perf_counter() - start) * 1000)
                    db.session.rollback()
            LOADS.append(os.getloadavg()[0])
        for number, (kind, fields, _filters, _statement, offset, _key) in enumerate(prepared):
            assert pages[number]["keyset"] == pages[number]["offset"], (fields, offset)  # the same page both ways
            results.append(
                {
                    "kind": kind,
                    "filters": fields,
                    "offset": offset,
                    "rows_first_page": len(pages[number]["first"]),
                    **{f"{name}_ms": median(values) for name, values in timings[number].items()},
                    "runs_ms": {name: values for name, values in timings[number].items()},
                }
            )
    return results


def loaded_before(url: str) -> Figures:
    """What :func:`load` returns, read from a database it filled earlier (``BENCH_REUSE_DATABASE``): the samples are
    the same entities (every :data:`SAMPLE_EVERY`-th, numbered in the order they were written), the load's time is
    not known."""
    with app_context(url):
        samples = [
            tuple(row)
            for row in db.session.execute(
                sa.text("SELECT code, name FROM entity WHERE id % :every = 0 ORDER BY id"), {"every": SAMPLE_EVERY}
            )
        ]
        tenant = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == "SCJ"))
    return {"seconds": None, "samples": samples, "tenant": tenant}


@contextmanager
def database() -> Iterator[tuple[str, Figures]]:
    """A database of :data:`ENTITIES` entities and entries: loaded now, or (``BENCH_REUSE_DATABASE=<name>``) one a
    run kept (``BENCH_KEEP_DATABASE=1``), migrated to the head revision first — a province's load takes most of
    an hour, the queries a few minutes."""
    reused = os.environ.get("BENCH_REUSE_DATABASE")
    if reused:
        url = with_database(ADMIN_URL, reused)
        with app_context(url) as app:
            flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
        yield url, loaded_before(url)
        return
    with fresh_database("search") as url:
        log(f"loading {ENTITIES:,} entities and directory entries (bulk)")
        loaded = load(url, ENTITIES)
        yield url, loaded


def run() -> Figures:
    with database() as (url, loaded):
        vacuum_analyze(url, "entity", "directory_entry", "directory_entry_tag")
        queries = build_queries(loaded["samples"], QUERIES)
        log(f"timing {len(queries)} queries")
        results = measure(url, loaded["tenant"], queries)

    first = [r["first_ms"] for r in results]
    keyset = [r["keyset_ms"] for r in results]
    offset = [r["offset_ms"] for r in results]
    deep = [r for r in results if r["offset"] == DEEP_OFFSET]
    by_kind = defaultdict(list)
    for r in results:
        by_kind[r["kind"]].append(r["first_ms"])
    lines: list[Line] = [
        {
            "figure_name": f"first page p50 ({len(results)} queries)",
            "figure": f"{median(first):,.1f} ms",
            "baseline_name": "same queries, OFFSET to the deep page, p50",
            "baseline": f"{median(offset):,.1f} ms",
            "ratio": median(offset) / median(first),
        },
        {
            "figure_name": f"first page p95 ({len(results)} queries)",
            "figure": f"{percentile(first, 95):,.1f} ms",
            "budget": f"≤ {GOAL_FIRST_PAGE_P95_MS:g} ms: "
            f"{'within' if percentile(first, 95) <= GOAL_FIRST_PAGE_P95_MS else 'OVER'}",
            "baseline_name": "same queries, OFFSET to the deep page, p95",
            "baseline": f"{percentile(offset, 95):,.1f} ms",
            "ratio": percentile(offset, 95) / percentile(first, 95),
        },
        {
            "figure_name": "deep page by keyset, p50",
            "figure": f"{median(keyset):,.1f} ms",
            "baseline_name": "deep page by LIMIT/OFFSET, p50",
            "baseline": f"{median(offset):,.1f} ms",
            "ratio": median(offset) / median(keyset),
        },
        {
            "figure_name": "deep page by keyset, p95",
            "figure": f"{percentile(keyset, 95):,.1f} ms",
            "baseline_name": "deep page by LIMIT/OFFSET, p95",
            "baseline": f"{percentile(offset, 95):,.1f} ms",
            "ratio": percentile(offset, 95) / percentile(keyset, 95),
        },
    ]
    if deep:
        deep_keyset = [r["keyset_ms"] for r in deep]
        deep_offset = [r["offset_ms"] for r in deep]
        lines.append(
            {
                "figure_name": f"page 201 by keyset, p50 ({len(deep)} broad queries)",
                "figure": f"{median(deep_keyset):,.1f} ms",
                "baseline_name": "page 201 by OFFSET 10,000, p50",
                "baseline": f"{median(deep_offset):,.1f} ms",
                "ratio": median(deep_offset) / median(deep_keyset),
            }
        )
    slowest = sorted(results, key=lambda r: r["first_ms"], reverse=True)[:5]
    notes = [
        f"{ENTITIES:,} registry entities and {ENTITIES:,} directory entries of one department, "
        + (
            f"loaded with the bulk path in {loaded['seconds']:,.0f} s"
            if loaded["seconds"] is not None
            else "loaded with the bulk path by an earlier run and migrated to this revision"
        )
        + ", then VACUUM ANALYZE (as autovacuum would soon do).",
        f"Queries: {', '.join(f'{k} {len(v)}' for k, v in by_kind.items())}. Each query's time is the median of "
        f"{ROUNDS} runs after one untimed warm-up pass, through `search_directory` in the department's scope "
        "(row-level security on), 50 rows per page.",
        f"Deep page: page 201 (after 10,000 rows) for the {len(deep)} queries with that many matches, else their "
        "last page; keyset and OFFSET return the same rows (checked).",
        "First page p50/p95 by kind (ms): "
        + "; ".join(f"{k} {median(v):,.1f}/{percentile(v, 95):,.1f}" for k, v in by_kind.items()),
        "Slowest first pages: " + "; ".join(f"{r['filters']} {r['first_ms']:,.0f} ms" for r in slowest),
        f"Load average while timing {min(LOADS):.1f}–{max(LOADS):.1f} on {os.cpu_count()} CPUs (the machine may be "
        "shared with other work; timings then vary by a few tens of per cent between runs).",
    ]
    result = {
        "title": TITLE,
        "entities": ENTITIES,
        "queries": len(results),
        "load_seconds": loaded["seconds"],
        "first_page_ms": {"p50": median(first), "p95": percentile(first, 95)},
        "keyset_deep_ms": {"p50": median(keyset), "p95": percentile(keyset, 95)},
        "offset_deep_ms": {"p50": median(offset), "p95": percentile(offset, 95)},
        "by_kind_first_page_ms": {
            k: {"p50": median(v), "p95": percentile(v, 95), "n": len(v)} for k, v in by_kind.items()
        },
        "results": results,
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(NAME, result)
    return result
