"""A simulated year of a city (模拟一年): 40 departments over a registry of 1,000,000 entities run a
year of 双随机、一公开 through the product's own commands and durable jobs, on PostgreSQL, with a
real Celery worker on Redis and the pages served by gunicorn on loopback.

The year (set-up of :mod:`bench.city_world` first, its time printed, no step of it timed):

* **plans (年度抽查计划)** — each department's annual plan, its lines, published (公开), submitted
  (报备) and filed (备案) by the justice bureau (and 市场监管局 for the market field);
* **60 campaigns (抽查任务)** of 200 to 3,000 visits (sizes spread geometrically, the largest one
  市场监管局's), a 20-visit campaign of 市场监管局 first (the baseline), and one **joint campaign
  (联合抽查)** of five departments with about 2,000 visits;
* per campaign: drafted and approved (批准), the target frame frozen, the **target draw** (抽取检查
  对象, a job), the inspector frame frozen, the **inspector draw** (抽取检查人员, a job), **team
  leaders by rule** (``designate_leaders``, ``first_drawn``), the **hand-out** (检查任务下达, a job),
  whose event queues the **notices** (文书, a job); a **result for every visit** recorded and
  submitted by its 组长 (a mix of categories), some **returned** (退回) and submitted again;
  the **review** (审核): the results that found no problem approved in one bulk action, the others
  one by one; **follow-ups** (后续处置) of half the problems; **publication** (公示) of the
  campaign's results in one action; the **credit export** (信用信息导出, a job); the supervisor's
  **dashboard figures** (监督统计) and **table** (统计报表, a job).

The modules: :mod:`bench.city_plan` (the city at its scale, its set-up), :mod:`bench.city_steps` and
:mod:`bench.city_joint` (the year's steps), :mod:`bench.city_measure` (the timing of actions and jobs),
:mod:`bench.city_pages` (the passes of the pages), :mod:`bench.city_summary` and :mod:`bench.city_report`
(the report); :mod:`bench.city_world`, :mod:`bench.city_services` and :mod:`bench.city_offline` beside.

Figures per step: its time over the year and per visit, the same at the largest campaign, and
per visit at the 20-visit baseline campaign in the same run (the ratio: how the step's cost per
visit grows with the campaign's size). Budget (issue 23): an action answers in ≤ 2 s at that size,
or it runs as a job. Pages: each role's pages — home, the lists of visits and results, the
campaign page, the review list, the supervision dashboard, the public results search — asked for
by locust (headless) through gunicorn, once the baseline campaign's, the largest campaign's and
the joint campaign's results are all submitted; p50/p95 against the baseline campaign's in the
same run; budget p95 ≤ 1 s. Every step or page over its budget is listed in ``over_budget`` with
its figure and what it spends its time on (its SQL statements, traced once).

``BENCH_CITY_SCALE`` (default 1.0) scales the departments (at least 2; the joint campaign takes up
to five of them), the entities, the number of campaigns and their visits (so the visits with its
square); ``BENCH_CITY_SCALE=0.05`` is a quick version (written to ``bench/results/trial/``: below
0.25 the result is not kept). A campaign of :data:`IMPORTED_FROM` visits or more (1,000 at full
size) has its results entered offline and imported from its workbook, as a department does at that
size; the others, and the joint campaign, by each visit's 组长 through the result form (some 50 ms a
visit, the year's costliest step). Other knobs: ``BENCH_CITY_PAGE_REQUESTS`` (timed requests of each
page by each of its users in a pass of the pages, default 100), ``BENCH_CITY_PAGE_WARMUP`` (seconds, 5; 0 for none),
``BENCH_CITY_USERS_PER_PAGE`` (1),
``BENCH_CITY_TRACES`` (pages over budget traced in each pass, the slowest first; all by default),
``BENCH_CITY_PAUSE_MIN``/``_MAX`` (1–2 s between two requests of a user), ``BENCH_CITY_WEB_WORKERS``
(gunicorn's, 2), ``BENCH_CITY_REDIS_URL`` (the worker's broker, ``redis://127.0.0.1:6379/5``);
``BENCH_RESULTS_DIR`` writes the result there instead (the json only), ``BENCH_KEEP_DATABASE=1``
keeps the database to look into.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # psutil ships no types (types-psutil is not installed)
from flask import Flask

from bench import city_services as services, city_world as world
from bench.city_joint import run_joint
from bench.city_measure import Year
from bench.city_pages import WEB_WORKERS, Pages
from bench.city_plan import (
    BASELINE_VISITS,
    CAMPAIGNS,
    DEPARTMENTS,
    ENTITIES,
    JOINT_DEPARTMENTS,
    LARGEST,
    SCALE,
    SMALLEST,
    build_city,
    plan_city,
)
from bench.city_steps import plans_of_the_year, run_campaign
from bench.city_summary import YearRun, report
from bench.city_world import CampaignSpec, Department
from bench.common import HERE, Figures, Timer, app_context, fresh_database, log, save

NAME = "city_year"
TITLE = (
    f"A year of a city: {DEPARTMENTS} departments, {ENTITIES:,} entities, {CAMPAIGNS} campaigns of "
    f"{SMALLEST:,}–{LARGEST:,} visits and a joint campaign of {JOINT_DEPARTMENTS} departments (PostgreSQL, "
    f"Celery on Redis, gunicorn)"
)


# --- the run ----------------------------------------------------------------------------------------


def cpu_now(url: str, worker: services.Worker, server: services.WebServer) -> Figures:
    """CPU seconds so far: the benchmark's own process (the commands), the worker (the jobs), gunicorn
    (the pages) and PostgreSQL's backends of the benchmark's database."""
    return {
        "benchmark": sum(psutil.Process().cpu_times()[:2]),
        "worker": services.cpu_seconds(worker.proc.pid),
        "gunicorn": services.cpu_seconds(server.proc.pid),
        "postgresql": services.database_cpu_seconds(url.rpartition("/")[2]),
    }


def the_year(
    app: Flask,
    url: str,
    folder: Path,
    storage: Path,
    worker: services.Worker,
    departments: list[Department],
    specs: list[CampaignSpec],
    joint: Figures,
) -> YearRun:
    """Set-up, then the year: plans, the campaigns in turn (pages at the baseline and the largest),
    the joint campaign (pages once its results are submitted), the jobs collected."""
    year = Year(app)
    with Timer() as setup_timer:
        city = build_city(url, departments, joint)
    log(f"city set up in {setup_timer.seconds:.0f} s")
    server = services.WebServer(url, storage, worker.queue, folder, WEB_WORKERS)
    try:
        server.wait_ready()
        before = cpu_now(url, worker, server)
        pages = Pages(year, server, folder)
        by_code = {d.code: d for d in departments}
        baseline, largest = specs[0], max(specs[1:], key=lambda s: (s.visits, s.number))
        supervisor = world.user_named("sfj_supervisor")
        with Timer() as year_timer:
            plans_of_the_year(year, departments)
            for spec in specs:
                department = by_code[spec.department]
                measure = (
                    pages.single("baseline", department)
                    if spec is baseline
                    else pages.single("largest", department)
                    if spec is largest
                    else None
                )
                run_campaign(year, department, spec, supervisor, measure)
            joint_result = run_joint(
                year, departments[:JOINT_DEPARTMENTS], joint, supervisor, pages.joint("joint", by_code["SCJ"])
            )
            year.collect()
        after = cpu_now(url, worker, server)
    finally:
        server.stop()
    return {
        "year": year,
        "city": city,
        "setup_seconds": setup_timer.seconds,
        "year_seconds": year_timer.seconds,
        "baseline": baseline,
        "largest": largest,
        "joint": joint_result,
        "cpu": {key: round(after[key] - before[key], 1) for key in after},
    }


def run() -> Figures:
    departments, specs, joint = plan_city()
    folder = Path(tempfile.mkdtemp(prefix="bench-city-"))
    storage = folder / "storage"
    started, code = time.perf_counter(), code_under_test()
    gc.collect()
    log(
        f"scale {SCALE}: {len(departments)} departments, {ENTITIES:,} entities, {len(specs) - 1} campaigns of "
        f"{SMALLEST:,}–{LARGEST:,} visits (+ the {BASELINE_VISITS}-visit baseline), a joint campaign of "
        f"{JOINT_DEPARTMENTS} departments (~{joint['visits']:,} visits)"
    )
    with fresh_database("city") as url:
        worker = services.Worker(url, storage, folder)
        try:
            with (
                services.queue_environment(worker.queue),
                app_context(url, REDIS_URL=services.REDIS_URL, SPOTCHECK_STORAGE=str(storage)) as app,
            ):
                ready = worker.wait_ready()
                log(f"celery worker ready in {ready:.1f} s (queue {worker.queue} on {services.REDIS_URL})")
                ran = the_year(app, url, folder, storage, worker, departments, specs, joint)
        finally:
            worker.stop()
    ran["total_seconds"] = time.perf_counter() - started
    ran["code"] = code
    result = report(ran, departments, specs, TITLE)
    save(NAME, result)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def code_under_test() -> str:
    """Which product code ran: the commit, and how many files under spotcheck/ the work tree changes
    (read-only git; the product may be edited while a benchmark runs)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "spotcheck"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "outside a git work tree"
    return f"commit {head}" + (
        f" with {len(changed)} files under spotcheck/ changed in the work tree" if changed else ""
    )
