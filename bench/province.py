"""A province's size (issue 78): 1 province, 12 cities, 107 counties, 3,000 departments, 10,000,000 businesses and
1,000,000 visits a year with the yearly cap across every level and joint visits (:mod:`bench.province_world`, built
once into a database of its own and kept). Measured, each beside its budget or its baseline in the same run:

* **the pages** — the province's and a county's justice bureau (home and dashboard, p95 ≤ 1 s) and the portal
  (``/public``, a department's public page; p95 ≤ 500 ms), asked for by locust through gunicorn on 127.0.0.1, one
  user a page, all pages at once (:data:`PAGES`: one line a page);
* **the target draw** — the province's 市场监督管理局's ceremony (freeze_targets + draw_targets) over its directory
  of ``DRAW_ENTRIES`` businesses, the register of checks spanning every level and the cap leaving businesses out,
  against ``ORDER BY random()`` per stratum leaving out the same ones, in the same run (≤ 0.8×).

``python -m bench province [--rebuild]`` — the world is reused when the database holds one of the wanted size.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench import city_services as services, province_world as world
from bench.common import (
    RESULTS,
    Figures,
    Line,
    admin_connect,
    app_context,
    emit,
    log,
    ratio_text,
    save,
    web_workers,
)
from bench.draw_data import DEPARTMENT, load_average
from bench.draw_targets import ceremony_draw, measure_ways, random_draw, size_result
from spotcheck.core.policy import SCHEDULER
from spotcheck.tenants.supervision.commands import count_scheduled

NAME = "province"
TITLE = (
    "A province: 1 province, 12 cities, 107 counties, 3,000 departments, 10,000,000 businesses, 1,000,000 visits "
    "a year — the bureaus' pages, the portal, and the target draw with the yearly cap across every level "
    "(PostgreSQL, gunicorn)"
)
#: Where the run's own files go (the pages' locust figures, the world's sizes), beside ``bench/results/province.json``.
FOLDER = RESULTS / "province-78"
#: Timed requests of each page, unless the timed pass reaches LIMIT seconds first (a page slower than LIMIT/REQUESTS
#: is asked fewer times: each page's count is in the results).
REQUESTS = int(os.environ.get("BENCH_PROVINCE_REQUESTS", "40"))
LIMIT = int(os.environ.get("BENCH_PROVINCE_SECONDS", "300"))
WARMUP = int(os.environ.get("BENCH_PROVINCE_WARMUP", "10"))
PAUSE_MAX = 2.0  # city_locustfile's default pause: 1–2 s between two requests of a user
DRAW_ROUNDS = int(os.environ.get("BENCH_PROVINCE_DRAW_ROUNDS", "2"))
DRAW_BUDGET = 0.8  # × ORDER BY random()
#: The pages: label, who asks (a login, or None: a citizen), the path, the budget (p95, ms). In a path, {county} is
#: the measured county's code, {county_id} its region's id, {department} its market-regulation lead's code.
PAGES: list[tuple[str, str | None, str, int]] = [
    ("province bureau: home", "sfj_supervisor", "/", 1000),
    ("province bureau: dashboard", "sfj_supervisor", f"/supervision?period={world.YEAR}", 1000),
    ("county bureau: home", "county_sfj_supervisor", "/", 1000),
    ("county bureau: dashboard", "county_sfj_supervisor", f"/supervision?period={world.YEAR}", 1000),
    ("public: portal (/public)", None, "/public", 500),
    ("public: a department's page", None, "/public/{department}", 500),
    ("public: a region's page", None, "/public/regions/{county}", 500),
]
#: The businesses a frame leaves out at the yearly cap (the rulebook's, across every department and level), as
#: ``ORDER BY random()`` must leave them out too (the ceremony reads them from the same register).
AT_CAP = (
    f"e.id IN (SELECT entity_id FROM inspection_count WHERE year = {world.YEAR} AND counts AND NOT withheld "
    f"GROUP BY entity_id HAVING count(DISTINCT counted_as) >= {world.CAP})"
)


def paths(url: str) -> dict[str, str]:
    return {"county": world.COUNTY, "department": f"SCJ{world.COUNTY}", "county_id": str(_county_id(url))}


def _county_id(url: str) -> int:
    with admin_connect(url) as conn:
        row = conn.execute("SELECT id FROM region WHERE code = %s", (world.COUNTY,)).fetchone()
    assert row is not None  # the tree is loaded
    return int(row[0])


def page_spec(url: str) -> Figures:
    """The pages as :mod:`bench.city_locustfile` takes them: a role per login, its pages."""
    values = paths(url)
    roles: dict[str, Figures] = {}
    for label, login, path, _budget in PAGES:
        role = roles.setdefault(login or "public", {"login": login, "pages": []})
        role["pages"].append([label, path.format(**values)])
    return {"password": world.PASSWORD, "roles": roles}


def count_figures(url: str) -> Figures:
    """The supervision figures the bureaus' pages read, counted as the hourly schedule counts them (its command: every
    department's of the current year, the platform's own path) before the pages are asked for."""
    with app_context(url):
        started = time.perf_counter()
        counted = count_scheduled(actor=SCHEDULER)
        seconds = time.perf_counter() - started
    log(f"the figures counted as the schedule does: {counted} in {seconds:.1f} s")
    return {"counted": counted, "seconds": round(seconds, 2)}


def measure_pages(url: str, folder: Path) -> Figures:
    """gunicorn as deployed; locust asking for the pages of one reader at a time (the province's bureau, the county's,
    a citizen), each of its pages by a user of its own at once: a page that takes half a minute holds a sync worker
    that long, and would queue the other readers' pages behind it. Each page's p50/p95; the pages over budget
    traced once in-process (their statements)."""
    spec = page_spec(url)
    storage = folder / "storage"
    storage.mkdir()
    server = services.WebServer(url, storage, f"bench-province-{uuid.uuid4().hex[:6]}", folder, web_workers())
    pages: dict[str, Figures] = {}
    load: dict[str, list[float]] = {}
    try:
        server.wait_ready()
        for role, asked_by in spec["roles"].items():
            log(
                f"pages of {role}: {WARMUP} s warm-up, then {REQUESTS} requests of each page or {LIMIT} s "
                f"(load average {load_average()})"
            )
            started = load_average()
            pages |= services.locust(
                server.base,
                {"password": spec["password"], "roles": {role: asked_by}},
                folder,
                f"pages-{role}",
                users_per_page=1,
                warmup=WARMUP,
                requests=REQUESTS,
                pause_max=PAUSE_MAX,
                limit=LIMIT,
            )
            load[role] = [started, load_average()]
    finally:
        server.stop()
    budgets = {label: budget for label, _, _, budget in PAGES}
    asked = {label: (login, path.format(**paths(url))) for label, login, path, _ in PAGES}
    with app_context(url) as app:
        for label, figures in pages.items():
            if label in budgets and figures["p95_ms"] > budgets[label]:
                login, path = asked[label]
                figures["trace"] = services.trace_page(app, login, world.PASSWORD, path)
    return {"pages": pages, "load_average": load, "workers": web_workers()}


def measure_draw(url: str, items: Iterator[int]) -> Figures:
    """The ceremony against ORDER BY random() per stratum, both leaving out the businesses at their cap. The ceremony
    is run once first as the product is (its error kept, where it fails), then both ways alternately."""
    with admin_connect(url) as conn:  # the same warm cache for both ways
        conn.execute("SELECT count(*) FROM directory_entry d JOIN entity e ON e.id = d.entity_id").fetchone()
        tenant_row = conn.execute("SELECT id FROM tenant WHERE code = %s", (DEPARTMENT,)).fetchone()
        assert tenant_row is not None
        capped = conn.execute(
            f"SELECT count(*) FROM directory_entry d JOIN entity e ON e.id = d.entity_id WHERE d.tenant_id = %s "
            f"AND {AT_CAP}",
            (tenant_row[0],),
        ).fetchone()
    assert capped is not None
    tenant = int(tenant_row[0])

    def at_random(url: str, tenant: int, item_id: int) -> Figures:
        return random_draw(url, tenant, item_id, excluded=AT_CAP)

    def ceremony(url: str, tenant: int, item_id: int) -> Figures:
        """The ceremony, its register rows taken back afterwards: every round's frame leaves out the same."""
        outcome = ceremony_draw(url, tenant, item_id)
        with admin_connect(url) as conn:
            conn.execute("DELETE FROM inspection_count WHERE counted_as = %s", (f"campaign:{outcome['campaign']}",))
            conn.commit()
        return outcome

    as_is = None
    log("the ceremony once as the product is")
    try:
        ceremony(url, tenant, next(items))
    except Exception as error:
        as_is = {"ceremony_error": f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"}
        log(f"  FAILED: {as_is['ceremony_error']}")
    runs, failures = measure_ways(url, tenant, items, DRAW_ROUNDS, measures={"random": at_random, "ceremony": ceremony})
    result = size_result(world.DRAW_ENTRIES, {"seconds": 0.0}, DRAW_ROUNDS, runs, failures)
    if "ceremony" in runs:
        result["excluded"] = runs["ceremony"][0]["excluded"]
        result["candidates"] = sum(runs["ceremony"][0]["counts"][DEPARTMENT].values())
    result["directory_at_cap"] = int(capped[0])
    result["as_is"] = as_is
    return result


def page_lines(pages: Figures) -> list[Line]:
    lines: list[Line] = []
    for label, _login, _path, budget in PAGES:
        figures = pages["pages"].get(label)
        if figures is None:
            continue
        p95 = figures["p95_ms"]
        lines.append(
            {
                "figure_name": f"page {label}, p95",
                "figure": f"{p95:,.0f} ms (p50 {figures['p50_ms']:,.0f}; {figures['requests']} requests"
                + (f", {figures['failures']} failed" if figures["failures"] else "")
                + ")",
                "budget": f"p95 ≤ {budget:,} ms: {'within' if p95 <= budget else 'OVER'}",
                "baseline_name": "its budget",
                "baseline": f"{budget:,} ms",
                "ratio": p95 / budget,
            }
        )
    return lines


def draw_lines(draw: Figures) -> list[Line]:
    if "seconds" not in draw.get("ceremony", {}) or "seconds" not in draw.get("random", {}):
        return []
    ceremony, random_seconds = draw["ceremony"]["seconds"], draw["random"]["seconds"]
    ratio = ceremony / random_seconds
    lines: list[Line] = []
    if draw.get("as_is"):
        lines.append(
            {
                "figure_name": f"target draw {world.DRAW_ENTRIES:,}, cap register across levels: ceremony as it is",
                "figure": "fails",
                "budget": f"≤ {DRAW_BUDGET}× random(): OVER",
                "baseline_name": "ORDER BY random() LIMIT n per stratum, same exclusions",
                "baseline": f"{random_seconds:.2f} s",
                "ratio": None,
            }
        )
    lines.append(
        {
            "figure_name": f"target draw {world.DRAW_ENTRIES:,}, cap register across levels: ceremony",
            "figure": f"{ceremony:.2f} s",
            "budget": f"≤ {DRAW_BUDGET}× random(): {'within' if ratio <= DRAW_BUDGET else 'OVER'}",
            "baseline_name": "ORDER BY random() LIMIT n per stratum, same exclusions",
            "baseline": f"{random_seconds:.2f} s",
            "ratio": ratio,
        }
    )
    return lines


def over_budget(lines: list[Line], pages: Figures) -> list[Figures]:
    over = []
    for row in lines:
        if "OVER" not in (row.get("budget") or ""):
            continue
        label = row["figure_name"].removeprefix("page ").removesuffix(", p95")
        trace = pages["pages"].get(label, {}).get("trace")
        if row["figure"] == "fails":
            over.append({"what": row["figure_name"], "figure": "fails", "budget": "≤ 0.8× random()", "cause": ""})
            continue
        over.append(
            {
                "what": row["figure_name"],
                "figure": row["figure"],
                "budget": (row.get("budget") or "").split(":")[0],
                "cause": f"Traced once in-process: {trace['seconds']:.2f} s, {trace['cause']}." if trace else "",
            }
        )
    return over


def notes(found: Figures, draw: Figures, pages: Figures, sizes: Figures) -> list[str]:
    steps = ", ".join(f"{k} {v:,.0f} s" for k, v in found["steps"].items())
    big = ", ".join(f"{t['table']} {t['bytes'] / 1e9:.2f} GB" for t in sizes["tables"][:6])
    out = [
        f"The world: {world.describe(found)}. Built in SQL as the owner in {found['build_seconds']:,.0f} s "
        f"({found['built_at']}): {steps}; kept in database {world.NAME} and reused by the next run.",
        f"The database: {sizes['database_bytes'] / 1e9:.1f} GB; largest tables with their indexes: {big}.",
        f"Pages: locust (headless) through gunicorn (SPOTCHECK_ENV=production, {pages['workers']} sync workers, "
        f"127.0.0.1), one reader at a time — the province's 司法局 (sfj_supervisor), the county's ({world.COUNTY}, "
        f"county_sfj_supervisor), a citizen — each of its pages by a user of its own at once, a pause of 1–2 s "
        f"between two requests, {WARMUP} s warm-up, then {REQUESTS} timed requests of each page or as many as "
        f"{LIMIT} s allow (each page's count beside its figure); load average (1 min) at the start and end of each "
        "reader's pass: "
        + "; ".join(f"{role} {a} → {b}" for role, (a, b) in pages["load_average"].items())
        + ". The bureaus' figures (dashboard, home) as the hourly job stores them, counted before the pages: "
        + (
            f"{sum(pages['figures_counted']['counted'].values()):,} departments in "
            f"{pages['figures_counted']['seconds']:.1f} s"
            if "figures_counted" in pages
            else "not stored by this head"
        )
        + ". The province's bureau reads its branch, every department of the province; the county's its county's "
        "25. A page over budget was also traced once in-process (one request alone, its SQL statements timed).",
    ]
    if "seconds" in draw.get("ceremony", {}):
        c, r = draw["ceremony"], draw["random"]
        out.append(
            f"The draw: the province's 市场监督管理局 over its {world.DRAW_ENTRIES:,} businesses (every county's), "
            f"{draw.get('candidates', 0):,} in the frame, left out {draw.get('excluded')}; "
            f"{draw['directory_at_cap']:,} of its businesses at the cap of {world.CAP} (counted by departments of "
            f"every level, a joint campaign once); median of {draw['rounds']} round(s), the ways alternated. "
            f"Ceremony {c['seconds']:.2f} s = freeze_targets {c.get('freeze_seconds', 0):.2f} s + draw_targets "
            f"{c.get('draw_seconds', 0):.2f} s (it writes the register's rows of its selected businesses too); "
            f"ORDER BY random() {r['seconds']:.2f} s, the same cap read by a sub-select of the register "
            f"({ratio_text(c['seconds'] / r['seconds'])}). {draw['stored_rows']:,} targets stored by each way; "
            "the register's rows a ceremony wrote taken back after it, so that every round's frame is the same."
        )
    if draw.get("as_is"):
        out.append(f"The ceremony's first run, as the product is, failed: {draw['as_is']['ceremony_error']}.")
    out.append(
        "Re-run: `python -m bench province` (the world reused), `python -m bench province --rebuild` (built anew); "
        "a region's page is one line of `bench.province.PAGES`."
    )
    return out


def run(rebuild: bool = False) -> Figures:
    found = world.ensure(rebuild=rebuild)
    sizes = world.sizes()
    assert len(found["draw_items"]) >= 2 * DRAW_ROUNDS, "two items a round of the draw"
    log(world.describe(found))
    trial = world.ENTITIES < 10_000_000 or world.VISITS < 1_000_000
    kept = RESULTS / "trial" / FOLDER.name if trial else FOLDER
    folder = Path(tempfile.mkdtemp(prefix="bench-province-"))
    try:
        with world.run_copy() as url:
            log(f"the target draw at {world.DRAW_ENTRIES:,} (load average {load_average()})")
            draw = measure_draw(url, iter(found["draw_items"]))
            counted = count_figures(url)
            pages = measure_pages(url, folder)
            pages["figures_counted"] = counted
        kept.mkdir(parents=True, exist_ok=True)
        for path in [*folder.glob("pages-*-timed.json"), *folder.glob("pages-*-pages.json")]:
            shutil.copy(path, kept / path.name)  # each reader's pass: its pages and their locust figures
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines = page_lines(pages) + draw_lines(draw)
    emit(lines)
    result = {
        "title": TITLE,
        "lines": lines,
        "over_budget": over_budget(lines, pages),
        "notes": notes(found, draw, pages, sizes),
        "world": found,
        "sizes": sizes,
        "pages": pages,
        "draw": draw,
    }
    save(NAME, result, trial=trial)
    (kept / "world.json").write_text(
        json.dumps({"world": found, "sizes": sizes}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return result


def main(argv: list[str]) -> int:
    unknown = [arg for arg in argv if arg != "--rebuild"]
    if unknown:
        print(f"unknown argument(s): {' '.join(unknown)}; python -m bench province [--rebuild]", file=sys.stderr)
        return 2
    print(f"\n== {TITLE} ==", flush=True)
    run(rebuild="--rebuild" in argv)
    return 0
