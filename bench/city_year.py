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
visit, the year's costliest step). Other knobs: ``BENCH_CITY_PAGE_SECONDS`` (timed seconds of each
pass of the pages, default 45), ``BENCH_CITY_PAGE_WARMUP`` (5; 0 for none), ``BENCH_CITY_USERS_PER_PAGE`` (1),
``BENCH_CITY_TRACES`` (pages over budget traced in each pass, the slowest first; all by default),
``BENCH_CITY_PAUSE_MIN``/``_MAX`` (1–2 s between two requests of a user), ``BENCH_CITY_WEB_WORKERS``
(gunicorn's, 2), ``BENCH_CITY_REDIS_URL`` (the worker's broker, ``redis://127.0.0.1:6379/5``);
``BENCH_RESULTS_DIR`` writes the result there instead (the json only), ``BENCH_KEEP_DATABASE=1``
keeps the database to look into.
"""
from __future__ import annotations

import gc
import math
import os
import random
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench import city_offline as offline, city_services as services, city_world as world
from bench.city_report import (
    ACTION_BUDGET_SECONDS,
    PAGE_BUDGET_MS,
    PASSES,
    STEPS,
    by_campaign,
    over_budget,
    page_lines,
    page_table,
    print_table,
    step_figures,
    step_lines,
    year_table,
)
from bench.city_world import JOINT_CATEGORY, PASSWORD, YEAR, CampaignSpec, Department
from bench.common import Timer, app_context, fresh_database, log, save

NAME = "city_year"
SCALE = float(os.environ.get("BENCH_CITY_SCALE", "1.0"))
DEPARTMENTS = max(2, round(40 * SCALE))
ENTITIES = max(20_000, round(1_000_000 * SCALE))
CAMPAIGNS = max(2, round(60 * SCALE))
SMALLEST = max(10, round(200 * SCALE))
LARGEST = max(SMALLEST, round(3000 * SCALE))
JOINT_DEPARTMENTS = max(2, min(5, DEPARTMENTS))
JOINT_VISITS = max(20, round(2000 * SCALE))
BASELINE_VISITS = 20
#: The pages: seconds of locust (timed, after a warm-up) and users per page.
PAGE_SECONDS = int(os.environ.get("BENCH_CITY_PAGE_SECONDS", "45"))
PAGE_WARMUP = int(os.environ.get("BENCH_CITY_PAGE_WARMUP", "5"))
USERS_PER_PAGE = int(os.environ.get("BENCH_CITY_USERS_PER_PAGE", "1"))
TRACES = int(os.environ.get("BENCH_CITY_TRACES", "1000"))
WEB_WORKERS = int(os.environ.get("BENCH_CITY_WEB_WORKERS", "2"))
JOB_TIMEOUT = 3600
TITLE = (f"A year of a city: {DEPARTMENTS} departments, {ENTITIES:,} entities, {CAMPAIGNS} campaigns of "
         f"{SMALLEST:,}–{LARGEST:,} visits and a joint campaign of {JOINT_DEPARTMENTS} departments (PostgreSQL, "
         f"Celery on Redis, gunicorn)")

#: The departments beyond the demo's three (市场监管局, 应急管理局, 商务局), in turn.
NAMES = ("卫生健康委员会", "生态环境局", "交通运输局", "文化广电旅游局", "住房和城乡建设局", "农业农村局", "教育局",
         "人力资源和社会保障局", "自然资源和规划局", "水利局", "林业局", "城市管理局", "民政局", "体育局", "粮食和物资储备局",
         "烟草专卖局", "气象局", "档案局", "国防动员办公室", "消防救援支队", "公安局", "财政局", "统计局", "审计局",
         "医疗保障局", "退役军人事务局", "机关事务管理局", "数据资源管理局", "港航管理局", "人民防空办公室", "邮政管理局",
         "地方金融监督管理局", "园林文物局", "民族宗教事务局", "新闻出版局", "知识产权局", "畜牧兽医局")


#: The result categories of the year (检查结果类别) and their shares; a problem's follow-up: every
#: other one; returns: about 3 % of the results.
OUTCOMES = (("no_problem", 70), ("no_activity", 6), ("pending_own_rules", 12), ("rectified", 6),
            ("pending_unreachable", 3), ("pending_other_rules", 3))
RETURNED_SHARE = 0.03
#: A department's campaign of this many visits or more has its results entered offline and imported
#: from the campaign's workbook (:mod:`bench.city_offline`); smaller ones, and the joint campaign,
#: through the result form of each visit's 组长.
IMPORTED_FROM = max(50, round(1000 * SCALE))


# --- the city's plan for the year ----------------------------------------------------------------


def campaign_sizes() -> list[int]:
    """``CAMPAIGNS`` sizes from ``SMALLEST`` to ``LARGEST``, spread geometrically (most campaigns
    small, a few large), smallest first."""
    if CAMPAIGNS == 1:
        return [LARGEST]
    step = (LARGEST / SMALLEST) ** (1 / (CAMPAIGNS - 1))
    return [round(SMALLEST * step ** n) for n in range(CAMPAIGNS)]


def plan_city() -> tuple[list[Department], list[CampaignSpec], dict]:
    """The departments, the campaigns in the order the year runs them (the baseline first, the
    largest last among the single ones) and the joint campaign's shape."""
    codes = [("SCJ", "市场监督管理局"), ("YJJ", "应急管理局"), ("SWJ", "商务局")]
    codes += [(f"D{n + 4:02d}", NAMES[n] if n < len(NAMES) else f"第{n + 4}行政执法局")
              for n in range(max(0, DEPARTMENTS - 3))]
    departments = [Department(index=n, code=code, name=name) for n, (code, name) in enumerate(codes[:DEPARTMENTS])]
    baseline = CampaignSpec(0, "SCJ", BASELINE_VISITS, world.window(0), "基准抽查对象",
                            label=f"baseline campaign (SCJ, {BASELINE_VISITS} visits)")
    specs = [baseline]
    sizes = campaign_sizes()
    for rank, visits in enumerate(sorted(sizes, reverse=True)):  # the largest to 市场监管局, then in turn
        department = departments[rank % len(departments)]
        number = len(sizes) - rank
        specs.append(CampaignSpec(number, department.code, visits, world.window(number), f"抽查对象{number:02d}类"))
    specs = [baseline] + sorted(specs[1:], key=lambda s: (s.visits, s.number))
    by_code = {d.code: d for d in departments}
    for spec in specs:
        by_code[spec.department].campaigns.append(spec)
    joint_parts = departments[:JOINT_DEPARTMENTS]
    per_department = math.ceil(JOINT_VISITS / len(joint_parts))
    for department in joint_parts:
        department.joint, department.joint_visits = True, per_department
    joint = {"departments": [d.code for d in joint_parts], "visits": per_department * len(joint_parts),
             "frame": world.frame_for(per_department), "window": world.window(5)}
    return departments, specs, joint


# --- measuring ------------------------------------------------------------------------------------


class Year:
    """What the year measured: every step of every campaign (time, visits, slowest call), the jobs
    to collect, the pages of each pass, and the traces of what went over budget."""

    def __init__(self, app):
        from spotcheck.core.database import db

        self.app, self.engine = app, db.engine
        self.measures: list[dict] = []
        self.pending_jobs: list[tuple[str, CampaignSpec, int, int, float]] = []
        self.traces: dict[str, dict] = {}
        self.pages: dict[str, dict] = {}

    def _keep(self, step: str, spec: CampaignSpec, seconds: float, trace) -> None:
        key = f"{step} @ {spec.label}"
        if seconds > ACTION_BUDGET_SECONDS and trace is not None and key not in self.traces:
            summary = trace.summary()
            self.traces[key] = {**summary, "seconds": round(seconds, 3), "cause": services.describe(summary, seconds)}

    def action(self, step: str, spec: CampaignSpec, call, *, visits: int | None = None):
        """One action, timed (its statements kept if it is over budget)."""
        with services.StatementTrace(self.engine) as trace, Timer() as timer:
            result = call()
        self.measures.append({"step": step, "spec": spec, "visits": visits, "seconds": timer.seconds, "calls": 1,
                              "slowest": timer.seconds})
        self._keep(step, spec, timer.seconds, trace)
        return result

    def per_visit(self, step: str, spec: CampaignSpec) -> "_PerVisit":
        """A step made of one call per visit (``with year.per_visit(…) as timed: timed(call)``)."""
        return _PerVisit(self, step, spec)

    def job(self, step: str, spec: CampaignSpec, tenant_id: int, submit, *, wait: bool) -> int:
        """A job asked for (the submit timed as an action), then waited for or collected later."""
        with services.StatementTrace(self.engine) as trace, Timer() as timer:
            job = submit()
        self._keep(f"{step} (submit)", spec, timer.seconds, trace)
        job_id = job.id
        if wait:
            self.finish_job(step, spec, tenant_id, job_id, timer.seconds)
        else:
            self.pending_jobs.append((step, spec, tenant_id, job_id, timer.seconds))
        return job_id

    def queued_by_event(self, step: str, spec: CampaignSpec, tenant_id: int, kind: str, campaign_id: int) -> None:
        """A job a command's event queued (the notices of a hand-out): collected later."""
        job_id = find_job(tenant_id, kind, campaign_id)
        self.pending_jobs.append((step, spec, tenant_id, job_id, 0.0))

    def finish_job(self, step: str, spec: CampaignSpec, tenant_id: int, job_id: int, submit_seconds: float) -> dict:
        job = wait_for_job(tenant_id, job_id)
        self.measures.append({"step": step, "spec": spec, "visits": None, "seconds": job["seconds"], "calls": 1,
                              "slowest": submit_seconds, "waited": job["waited"], "status": job["status"],
                              "result": job["result"]})
        if job["status"] != "succeeded":
            raise RuntimeError(f"{step} of {spec.label}: job {job_id} {job['status']}: {job['error']}")
        return job

    def collect(self) -> None:
        """Wait for every job still queued or running, and record them."""
        pending, self.pending_jobs = self.pending_jobs, []
        for step, spec, tenant_id, job_id, submitted in pending:
            self.finish_job(step, spec, tenant_id, job_id, submitted)


class _PerVisit:
    """Many calls of one step (one per visit): their total, count and slowest."""

    def __init__(self, year: Year, step: str, spec: CampaignSpec):
        self.year, self.step, self.spec = year, step, spec
        self.total, self.calls, self.slowest = 0.0, 0, 0.0

    def __call__(self, call):
        with services.StatementTrace(self.year.engine) as trace, Timer() as timer:
            result = call()
        self.total += timer.seconds
        self.calls += 1
        if timer.seconds > self.slowest:
            self.slowest = timer.seconds
            self.year._keep(self.step, self.spec, timer.seconds, trace)
        return result

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.calls and exc[0] is None:
            self.year.measures.append({"step": self.step, "spec": self.spec, "visits": self.calls,
                                       "seconds": self.total, "calls": self.calls, "slowest": self.slowest})


def find_job(tenant_id: int, kind: str, campaign_id: int) -> int:
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tasks.models import Job

    with tenant_scope(tenant_id):
        for job in db.session.scalars(sa.select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(50)):
            if (job.params or {}).get("campaign_id") == campaign_id:
                return job.id
    raise RuntimeError(f"no {kind} job for campaign {campaign_id}")


def wait_for_job(tenant_id: int, job_id: int) -> dict:
    """Poll the job (a fresh session each time: what the worker committed) until it is done."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tasks.models import Job

    started = time.monotonic()
    while True:
        db.session.remove()
        with tenant_scope(tenant_id):
            job = db.session.scalar(sa.select(Job).where(Job.id == job_id))
            if job is not None and job.done:
                seconds = (job.finished_at - job.started_at).total_seconds() if job.started_at else 0.0
                return {"status": job.status.value, "seconds": seconds, "error": job.error, "result": job.result,
                        "waited": time.monotonic() - started}
        if time.monotonic() - started > JOB_TIMEOUT:
            raise RuntimeError(f"job {job_id} not done after {JOB_TIMEOUT} s")
        time.sleep(0.1)


# --- the set-up -------------------------------------------------------------------------------------


def build_city(url: str, departments: list[Department], joint: dict) -> dict:
    """The registry, the departments (through the commands), their directories and inspectors; the
    plans are the year's first step (:func:`plans_of_the_year`)."""
    timings = {}
    log(f"registry: {ENTITIES:,} entities by COPY")
    registry = world.load_registry(url, ENTITIES)
    timings["registry"] = registry["seconds"]
    with Timer() as opened:
        world.open_departments(departments)
    timings["departments"] = opened.seconds
    world.place_directories(departments, ENTITIES, joint["frame"])
    log(f"directories of {len(departments)} departments (INSERT … SELECT)")
    directories = world.load_directories(url, departments, ENTITIES, registry["first_id"], joint["frame"])
    timings["directories"] = directories["seconds"] + directories["vacuum_seconds"]
    with Timer() as staffed:
        number = 0
        for department in departments:
            number += world.inspectors_with_accounts(department, number)
    timings["inspectors"] = staffed.seconds
    log(f"{number:,} inspectors with their accounts in {staffed.seconds:.0f} s")
    return {"entries": directories["entries"], "inspectors": number, "parts": timings}


def plans_of_the_year(year: Year, departments: list[Department]) -> None:
    """Each department's items and plan of the year (the plan's commands timed as the step ``plan``)."""
    for department in departments:
        spec = CampaignSpec(-1, department.code, 1, world.window(0), "", label=f"plan of {department.code}")
        with year.per_visit("plan", spec) as timed:
            world.items_and_plan(department, act=timed)


# --- one campaign -----------------------------------------------------------------------------------


def campaign_data(department: Department, spec: CampaignSpec) -> dict:
    """The campaign as its planner drafts it (起草): the frame's category, one item of the filed plan,
    the same ratio in every risk class, teams of two and a capacity the department's inspectors meet."""
    start, end = spec.window
    rule = {"ratio_bp": world.DRAW_RATIO_BP, "min": 1}
    capacity = math.ceil(world.TEAM_SIZE * spec.visits * 1.3 / department.inspectors) + 1
    return {"title": f"{YEAR}年{spec.category}双随机抽查（{department.name}）", "year": YEAR,
            "item_ids": [department.item_ids[spec.category]], "strata": {r: dict(rule) for r in "ABCD"},
            "reserve_size": 2, "team_size": world.TEAM_SIZE, "capacity": capacity,
            "window_start": start.isoformat(), "window_end": end.isoformat(),
            "target_filter": {"categories": [spec.category]}}


def prepare_campaign(year: Year, department: Department, spec: CampaignSpec) -> int:
    """Drafted, approved, both frames frozen and both draws made (as jobs), 组长 named by rule."""
    from spotcheck.tasks import draw_jobs
    from spotcheck.tenants.campaigns import commands as campaigns

    who = world.users(department)
    planner, leader = who["planner"], who["leader"]
    campaign_id = year.action("create", spec, lambda: campaigns.create_campaign(campaign_data(department, spec),
                                                                                 actor=planner).id)
    year.action("approve", spec, lambda: campaigns.approve(campaign_id, actor=leader))
    year.action("freeze_targets", spec, lambda: campaigns.freeze_targets(campaign_id, actor=planner))
    year.job("draw_targets", spec, department.tenant_id, lambda: draw_jobs.submit_draw(
        campaign_id, {"kind": "targets", "public_inputs": [f"observer:人大代表 {spec.number:04d}"]}, actor=planner),
        wait=True)
    year.action("freeze_inspectors", spec, lambda: campaigns.freeze_inspectors(campaign_id, actor=planner))
    year.job("draw_inspectors", spec, department.tenant_id, lambda: draw_jobs.submit_draw(
        campaign_id, {"kind": "inspectors", "public_inputs": [f"observer:媒体 {spec.number:04d}"]}, actor=planner),
        wait=True)
    year.action("leaders", spec, lambda: campaigns.designate_leaders(campaign_id, {"rule": "first_drawn"},
                                                                     actor=planner))
    return campaign_id


def hand_out(year: Year, department: Department, spec: CampaignSpec, campaign_id: int) -> list[int]:
    """检查任务下达 as a job; its event queues the notices job (collected later). Returns the visits."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tasks import handout_jobs
    from spotcheck.tenants.results.models import Visit

    planner = world.users(department)["planner"]
    year.job("hand_out", spec, department.tenant_id,
             lambda: handout_jobs.submit_hand_out(campaign_id, actor=planner), wait=True)
    year.queued_by_event("notices", spec, department.tenant_id, "notices.campaign", campaign_id)
    return list(db.session.scalars(sa.select(Visit.id).where(Visit.campaign_id == campaign_id).order_by(Visit.id)))


def team_leaders(campaign_id: int) -> dict[int, object]:
    """Each visit's 组长 as the user account linked to the inspector (the actor who records)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.accounts.models import User
    from spotcheck.tenants.campaigns.models import TeamMember
    from spotcheck.tenants.inspectors.models import Inspector
    from spotcheck.tenants.results.models import Visit

    rows = db.session.execute(
        sa.select(Visit.id, User).join(TeamMember, sa.and_(TeamMember.campaign_id == Visit.campaign_id,
                                                          TeamMember.entity_id == Visit.entity_id))
        .join(Inspector, Inspector.id == TeamMember.inspector_id).join(User, User.id == Inspector.user_id)
        .where(Visit.campaign_id == campaign_id, TeamMember.is_leader.is_(True), TeamMember.active.is_(True))).all()
    return {visit_id: user for visit_id, user in rows}


def choose_outcomes(visit_ids: list[int], seed: int) -> tuple[dict[int, str], set[int]]:
    """Each visit's result category (the year's mix, :data:`OUTCOMES`) and the visits returned once."""
    rng = random.Random(seed)
    codes, weights = zip(*OUTCOMES)
    outcome = dict(zip(visit_ids, rng.choices(codes, weights=weights, k=len(visit_ids))))
    returned = {v for v in visit_ids if rng.random() < RETURNED_SHARE}
    return outcome, returned


def result_data(item_id: int, code: str, checked_on) -> dict:
    """A visit's result as its 组长 records it (检查结果): the day, the method, the record, the item's
    category and, when a problem was found, what."""
    return {"checked_on": checked_on.isoformat(), "method": "onsite",
            "record": offline.RECORD, "evaluation": offline.EVALUATION, "opinions": offline.OPINIONS,
            "items": {str(item_id): {"categories": [code],
                                     "findings": offline.FINDINGS if problem(code) else ""}}}


def record_results(year: Year, spec: CampaignSpec, campaign_id: int, item_id: int, visit_ids: list[int],
                   outcome: dict[int, str], returned: set[int], leader, *, department: Department | None = None) -> None:
    """A result for every visit, recorded and submitted by its 组长 — or, at a campaign of
    :data:`IMPORTED_FROM` visits or more (``department`` given), entered offline and imported by the
    planner on the teams' behalf, then confirmed (submitted) by each 组长 —; the returned ones (退回 by
    the leader with the reasons) recorded again and submitted again."""
    from spotcheck.tenants.results import commands as results

    chiefs = team_leaders(campaign_id)
    start, end = spec.window
    days = (end - start).days + 1
    checked = {v: start + timedelta(days=n % days) for n, v in enumerate(visit_ids)}
    if department is not None and len(visit_ids) >= IMPORTED_FROM:
        offline.import_results(year, department, spec, campaign_id, checked, outcome, problem)
        with year.per_visit("confirm", spec) as confirm:  # 代为录入: each 组长 confirms the team's result
            for visit_id in visit_ids:
                confirm(lambda visit_id=visit_id: results.submit_result(visit_id, actor=chiefs[visit_id]))
    else:
        with year.per_visit("record", spec) as record, year.per_visit("submit", spec) as submit:
            for visit_id in visit_ids:
                chief = chiefs[visit_id]
                record(lambda: results.record_result(
                    visit_id, result_data(item_id, outcome[visit_id], checked[visit_id]), actor=chief))
                submit(lambda: results.submit_result(visit_id, actor=chief))
    if not returned:
        return
    with year.per_visit("return", spec) as send_back:
        for visit_id in sorted(returned):
            send_back(lambda: results.return_result(visit_id, {"reason": "请补充现场检查照片，并写明检查的具体场所。"},
                                                    actor=leader))
    with year.per_visit("resubmit", spec) as again:
        for visit_id in sorted(returned):
            chief = chiefs[visit_id]
            data = result_data(item_id, outcome[visit_id], checked[visit_id])
            data["record"] += "已补充现场照片。"
            again(lambda: (results.record_result(visit_id, data, actor=chief),
                           results.submit_result(visit_id, actor=chief)))


def problem(code: str) -> bool:
    """The category says a problem was found (发现问题): approved on its own, never in a batch."""
    return code.startswith("pending_") or code in ("rectified", "uncooperative")


def review_and_publish(year: Year, department: Department, spec: CampaignSpec, visit_ids: list[int],
                       outcome: dict[int, str]) -> None:
    """审核: no problem found → one bulk approval (the list's "approve all", a job); a problem → each on
    its own; 后续处置 of every other problem; 公示 of the campaign's results (the list's "publish all", a job)."""
    from spotcheck.core.clock import today
    from spotcheck.tasks import review_jobs
    from spotcheck.tenants.results import commands as results

    who = world.users(department)
    clean = [v for v in visit_ids if not problem(outcome[v])]
    problems = [v for v in visit_ids if problem(outcome[v])]
    if clean:  # "全部批准" on the review list: a job, as the page asks for it
        year.job("approve_bulk", spec, department.tenant_id,
                 lambda: review_jobs.submit_approval(clean, actor=who["leader"]), wait=True)
    with year.per_visit("approve_single", spec) as approve:
        for visit_id in problems:
            approve(lambda: results.approve_result(visit_id, actor=who["leader"]))
    deadline = (today() + timedelta(days=60)).isoformat()
    with year.per_visit("follow_up", spec) as follow:
        for visit_id in problems[::2]:
            follow(lambda: results.open_follow_up(visit_id, {
                "kind": "rectification", "details": "补齐台账记录，建立进货查验制度。", "deadline": deadline},
                actor=who["planner"]))
    year.job("publish", spec, department.tenant_id,  # "全部公示" on the publication list: a job too
             lambda: review_jobs.submit_publication(visit_ids, actor=who["planner"]), wait=True)


def after_publication(year: Year, department: Department, spec: CampaignSpec, supervisor) -> None:
    """The credit export (a job of the department's administrator) and the supervisor's figures and table."""
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tasks import export_jobs, statistics_jobs

    admin = world.users(department)["admin"]
    year.job("export", spec, department.tenant_id, lambda: export_jobs.request_export(actor=admin), wait=False)
    with tenant_scope(supervisor.tenant_id):
        year.action("dashboard", spec, lambda: dashboard_figures(supervisor))
        year.job("table", spec, supervisor.tenant_id,
                 lambda: statistics_jobs.request_table("progress", str(YEAR), actor=supervisor), wait=False)


def dashboard_figures(supervisor) -> int:
    """The dashboard's figures of the year for every department, as the supervisor reads them."""
    from spotcheck.core.database import db
    from spotcheck.core.scoping import cross_tenant
    from spotcheck.tenants.supervision import figures
    from spotcheck.tenants.supervision.periods import Period

    db.session.remove()
    with cross_tenant(supervisor, "bench: the supervisor's dashboard"):
        return len(figures.compute(Period(YEAR), figures.departments()))


def run_campaign(year: Year, department: Department, spec: CampaignSpec, supervisor, pages=None) -> int:
    """One campaign of the year, from the draft to the supervisor's table; ``pages(campaign_id,
    visit_ids)`` runs once its results are all submitted (a pass of the pages at that size)."""
    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope

    log(f"{spec.label}: draws, leaders, hand-out")
    with tenant_scope(department.tenant_id):
        campaign_id = prepare_campaign(year, department, spec)
        visit_ids = hand_out(year, department, spec, campaign_id)
        spec.visits = len(visit_ids)
        outcome, returned = choose_outcomes(visit_ids, spec.number)
        log(f"{spec.label}: results of {len(visit_ids):,} visits")
        record_results(year, spec, campaign_id, department.item_ids[spec.category], visit_ids, outcome, returned,
                       world.users(department)["leader"], department=department)
    if pages is not None:
        pages(campaign_id, visit_ids)
    with tenant_scope(department.tenant_id):
        review_and_publish(year, department, spec, visit_ids, outcome)
        after_publication(year, department, spec, supervisor)
    db.session.remove()
    return campaign_id


# --- the joint campaign -------------------------------------------------------------------------------


def joint_spec(joint: dict) -> CampaignSpec:
    return CampaignSpec(len(joint["departments"]) * 100, "SCJ", joint["visits"], joint["window"], JOINT_CATEGORY,
                        label=f"joint campaign ({len(joint['departments'])} departments, "
                              f"~{joint['visits']:,} visits)")


def prepare_joint(year: Year, parts: list[Department], spec: CampaignSpec) -> int:
    """联合抽查 up to the hand-out: created and invited by 市场监管局's coordinator, each department's
    part accepted, set and approved, the whole approved, both draws (jobs) and the 组长 by rule."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tasks import draw_jobs
    from spotcheck.tenants.joint import commands as joint
    from spotcheck.tenants.joint.models import JointParticipant

    lead = parts[0]
    coord, chief = world.user_named("scj_coord"), world.users(lead)["leader"]
    start, end = spec.window
    with tenant_scope(lead.tenant_id), year.per_visit("create", spec) as drafting:
        campaign_id = drafting(lambda: joint.create_joint({
            "title": f"{YEAR}年{JOINT_CATEGORY}跨部门联合抽查", "year": YEAR, "field": "market",
            "window_start": start.isoformat(), "window_end": end.isoformat(), "team_size": world.TEAM_SIZE,
            "reserve_size": 2, "method": "onsite", "department_ids": [d.tenant_id for d in parts]}, actor=coord).id)
    rule = {"ratio_bp": world.DRAW_RATIO_BP, "min": 1}
    for department in parts:
        who = world.users(department)
        with tenant_scope(department.tenant_id):
            participant_id = db.session.scalar(sa.select(JointParticipant.id).where(
                JointParticipant.campaign_id == campaign_id))
            with year.per_visit("create", spec) as drafting:
                drafting(lambda: joint.accept(participant_id, actor=who["planner"]))
                drafting(lambda: joint.save_part(participant_id, {
                    "item_ids": [department.item_ids[JOINT_CATEGORY]], "strata": {r: dict(rule) for r in "ABCD"},
                    "target_filter": {"categories": [JOINT_CATEGORY]}}, actor=who["planner"]))
            with year.per_visit("approve", spec) as approving:
                approving(lambda: joint.approve_part(participant_id, actor=who["leader"]))
    with tenant_scope(lead.tenant_id):
        year.action("approve", spec, lambda: joint.approve_joint(campaign_id, actor=chief))
        year.action("freeze_targets", spec, lambda: joint.freeze_targets(campaign_id, actor=coord))
        year.job("draw_targets", spec, lead.tenant_id, lambda: draw_jobs.submit_joint_draw(
            campaign_id, {"kind": "targets", "public_inputs": ["observer:人大代表 联合"]}, actor=coord), wait=True)
        year.action("freeze_inspectors", spec, lambda: joint.freeze_inspectors(campaign_id, actor=coord))
        year.job("draw_inspectors", spec, lead.tenant_id, lambda: draw_jobs.submit_joint_draw(
            campaign_id, {"kind": "inspectors", "public_inputs": ["observer:媒体 联合"]}, actor=coord), wait=True)
        year.action("leaders", spec, lambda: joint.designate_leaders(campaign_id, {"rule": "first_drawn"},
                                                                     actor=coord))
    return campaign_id


def joint_hand_out(year: Year, lead: Department, spec: CampaignSpec, campaign_id: int) -> dict[str, int]:
    """The joint hand-out (a job) and its notices; returns each department's part campaign."""
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tasks import handout_jobs
    from spotcheck.tenants.joint import queries as joint_queries

    coord = world.user_named("scj_coord")
    with tenant_scope(lead.tenant_id):
        year.job("hand_out", spec, lead.tenant_id,
                 lambda: handout_jobs.submit_joint_hand_out(campaign_id, actor=coord), wait=True)
        year.queued_by_event("notices", spec, lead.tenant_id, "notices.campaign", campaign_id)
        parts = dict(joint_queries.get_joint(campaign_id).joint_parts)
    return {code: part["part_campaign_id"] for code, part in parts.items()}


def run_joint(year: Year, parts: list[Department], joint: dict, supervisor, pages=None) -> dict:
    """The joint campaign through the year's steps; each department records, reviews and publishes
    its own part's results. Returns the joint campaign and its parts."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tenants.results.models import Visit

    spec = joint_spec(joint)
    log(f"{spec.label}: invitations, parts, draws, leaders, hand-out")
    campaign_id = prepare_joint(year, parts, spec)
    part_ids = joint_hand_out(year, parts[0], spec, campaign_id)
    visits, outcomes = {}, {}
    for department in parts:
        with tenant_scope(department.tenant_id):
            part_id = part_ids[department.code]
            visits[department.code] = list(db.session.scalars(
                sa.select(Visit.id).where(Visit.campaign_id == part_id).order_by(Visit.id)))
    spec.visits = sum(len(v) for v in visits.values())
    log(f"{spec.label}: results of {spec.visits:,} visits in {len(parts)} departments")
    for number, department in enumerate(parts):
        visit_ids = visits[department.code]
        outcome, returned = choose_outcomes(visit_ids, 1000 + number)
        outcomes[department.code] = outcome
        with tenant_scope(department.tenant_id):
            record_results(year, spec, part_ids[department.code], department.item_ids[JOINT_CATEGORY], visit_ids,
                           outcome, returned, world.users(department)["leader"])
    if pages is not None:
        pages(campaign_id, part_ids, visits)
    for department in parts:
        with tenant_scope(department.tenant_id):
            review_and_publish(year, department, spec, visits[department.code], outcomes[department.code])
            after_publication(year, department, spec, supervisor)
    db.session.remove()
    return {"campaign": campaign_id, "parts": part_ids, "visits": {k: len(v) for k, v in visits.items()},
            "label": spec.label, "size": spec.visits}


# --- the pages --------------------------------------------------------------------------------------


def _last_page(count: int) -> int:
    return max(1, math.ceil(count / 50))  # spotcheck.tenants.results.queries.listing.PER_PAGE


def busiest_inspector(campaign_id: int) -> str:
    """The login of the inspector on most visits of the campaign (their 我的检查 is the longest)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.accounts.models import User
    from spotcheck.tenants.campaigns.models import TeamMember
    from spotcheck.tenants.inspectors.models import Inspector

    return db.session.execute(
        sa.select(User.login).join(Inspector, Inspector.user_id == User.id)
        .join(TeamMember, TeamMember.inspector_id == Inspector.id)
        .where(TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True))
        .group_by(User.login).order_by(sa.func.count().desc(), User.login).limit(1)).scalar_one()


def public_searches() -> list[str]:
    """What citizens type: fragments, a name and a code prefix of published entities (or of the
    registry, before anything is published)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.directory.models import Entity
    from spotcheck.tenants.results.models import PublishedResult

    rows = db.session.execute(sa.select(Entity.name, Entity.code).join(
        PublishedResult, PublishedResult.entity_id == Entity.id).order_by(PublishedResult.id.desc()).limit(3)).all()
    if not rows:
        rows = db.session.execute(sa.select(Entity.name, Entity.code).order_by(Entity.id).limit(3)).all()
    searches = ["餐饮管理", "有限公司"]
    for name, code in rows:
        searches += [name[2:6], name, code[:12]]
    return searches


def role_pages(department: Department, campaign_id: int, visits: int, inspector: str,
               extra: dict | None = None) -> dict:
    """Each role's pages at the campaign's size (the same labels in every pass)."""
    from urllib.parse import quote

    last = _last_page(visits)
    roles = {
        "planner": {"login": department.login("planner"), "pages": [
            ["planner: home", "/"], ["planner: campaign page", f"/campaigns/{campaign_id}"],
            ["planner: visits of the campaign", f"/visits/campaign/{campaign_id}"],
            ["planner: visits of the campaign, last page", f"/visits/campaign/{campaign_id}?page={last}"]]},
        "leader": {"login": department.login("leader"), "pages": [
            ["leader: home", "/"], ["leader: review list", "/visits/review"],
            ["leader: review list, no problem found", "/visits/review?category=no_problem"],
            ["leader: review list, last page", f"/visits/review?page={last}"]]},
        "inspector": {"login": inspector, "pages": [["inspector: home", "/"],
                                                    ["inspector: my visits", "/visits/mine"]]},
        "supervisor": {"login": "sfj_supervisor", "pages": [
            ["supervisor: home", "/"], ["supervisor: dashboard", f"/supervision?period={YEAR}"]]},
        "public": {"login": None, "pages": [["public: results search", f"/public/results?q={quote(q)}"]
                                            for q in public_searches()]
                   + [["public: newest results", "/public/results"]]},
    }
    roles.update(extra or {})
    return {"password": PASSWORD, "roles": roles}


class Pages:
    """The passes of the pages: gunicorn started once, locust run at each chosen moment."""

    def __init__(self, year: Year, server: services.WebServer, folder: Path):
        self.year, self.server, self.folder = year, server, folder

    def measure(self, label: str, spec: dict, size: int) -> None:
        """One pass: the jobs still running finished first (the worker idle), then locust; pages
        over budget traced once in-process."""
        from spotcheck.core.database import db

        self.year.collect()
        db.session.remove()
        load = os.getloadavg()[0]
        log(f"pages at {label} ({size:,} visits): {PAGE_WARMUP} s warm-up, {PAGE_SECONDS} s timed")
        pages = services.locust(self.server.base, spec, self.folder, label, users_per_page=USERS_PER_PAGE,
                                warmup=PAGE_WARMUP, seconds=PAGE_SECONDS)
        paths = {page_label: (role["login"], path) for role in spec["roles"].values()
                 for page_label, path in role["pages"]}
        over = sorted((label for label, figures in pages.items()
                       if figures["p95_ms"] > PAGE_BUDGET_MS and label in paths), key=lambda label: -pages[label]["p95_ms"])
        for page_label in over[:TRACES]:
            login, path = paths[page_label]
            pages[page_label]["trace"] = services.trace_page(self.year.app, login, PASSWORD, path)
        self.year.pages[label] = {"size": size, "pages": pages,
                                  "load_average": [round(load, 2), round(os.getloadavg()[0], 2)]}

    def single(self, label: str, department: Department):
        def measure(campaign_id: int, visit_ids: list[int]) -> None:
            from spotcheck.core.scoping import tenant_scope

            with tenant_scope(department.tenant_id):
                spec = role_pages(department, campaign_id, len(visit_ids), busiest_inspector(campaign_id))
            self.measure(label, spec, len(visit_ids))

        return measure

    def joint(self, label: str, lead: Department):
        def measure(campaign_id: int, part_ids: dict[str, int], visits: dict[str, list[int]]) -> None:
            from spotcheck.core.scoping import tenant_scope

            part = part_ids[lead.code]
            with tenant_scope(lead.tenant_id):
                spec = role_pages(lead, part, len(visits[lead.code]), busiest_inspector(part), extra={
                    "coordinator": {"login": "scj_coord", "pages": [
                        ["coordinator: home", "/"], ["coordinator: joint campaign page", f"/joint/{campaign_id}"]]}})
            self.measure(label, spec, sum(len(v) for v in visits.values()))

        return measure


# --- the run ----------------------------------------------------------------------------------------


def cpu_now(url: str, worker: services.Worker, server: services.WebServer) -> dict:
    """CPU seconds so far: the benchmark's own process (the commands), the worker (the jobs), gunicorn
    (the pages) and PostgreSQL's backends of the benchmark's database."""
    import psutil

    return {"benchmark": sum(psutil.Process().cpu_times()[:2]), "worker": services.cpu_seconds(worker.proc.pid),
            "gunicorn": services.cpu_seconds(server.proc.pid),
            "postgresql": services.database_cpu_seconds(url.rpartition("/")[2])}


def the_year(app, url: str, folder: Path, storage: Path, worker: services.Worker, departments, specs, joint) -> dict:
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
                measure = (pages.single("baseline", department) if spec is baseline
                           else pages.single("largest", department) if spec is largest else None)
                run_campaign(year, department, spec, supervisor, measure)
            joint_result = run_joint(year, departments[:JOINT_DEPARTMENTS], joint, supervisor,
                                     pages.joint("joint", by_code["SCJ"]))
            year.collect()
        after = cpu_now(url, worker, server)
    finally:
        server.stop()
    return {"year": year, "city": city, "setup_seconds": setup_timer.seconds, "year_seconds": year_timer.seconds,
            "baseline": baseline, "largest": largest, "joint": joint_result,
            "cpu": {key: round(after[key] - before[key], 1) for key in after}}


def run() -> dict:
    departments, specs, joint = plan_city()
    folder = Path(tempfile.mkdtemp(prefix="bench-city-"))
    storage = folder / "storage"
    started, code = time.perf_counter(), code_under_test()
    gc.collect()
    log(f"scale {SCALE}: {len(departments)} departments, {ENTITIES:,} entities, {len(specs) - 1} campaigns of "
        f"{SMALLEST:,}–{LARGEST:,} visits (+ the {BASELINE_VISITS}-visit baseline), a joint campaign of "
        f"{JOINT_DEPARTMENTS} departments (~{joint['visits']:,} visits)")
    with fresh_database("city") as url:
        worker = services.Worker(url, storage, folder)
        try:
            with services.queue_environment(worker.queue), app_context(
                    url, REDIS_URL=services.REDIS_URL, SPOTCHECK_STORAGE=str(storage)) as app:
                ready = worker.wait_ready()
                log(f"celery worker ready in {ready:.1f} s (queue {worker.queue} on {services.REDIS_URL})")
                ran = the_year(app, url, folder, storage, worker, departments, specs, joint)
        finally:
            worker.stop()
    ran["total_seconds"] = time.perf_counter() - started
    ran["code"] = code
    result = report(ran, departments, specs, joint)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def _sizes(ran: dict, departments, specs) -> dict:
    campaigns = [s.visits for s in specs[1:]]
    return {"departments": len(departments), "entities": ENTITIES, "directory_entries": ran["city"]["entries"],
            "inspectors": ran["city"]["inspectors"], "campaigns": len(campaigns), "campaign_visits": campaigns,
            "baseline_visits": ran["baseline"].visits,
            "joint": {"departments": JOINT_DEPARTMENTS, "visits": ran["joint"]["size"],
                      "by_department": ran["joint"]["visits"]},
            "visits": sum(campaigns) + ran["baseline"].visits + ran["joint"]["size"]}


def code_under_test() -> str:
    """Which product code ran: the commit, and how many files under spotcheck/ the work tree changes
    (read-only git; the product may be edited while a benchmark runs)."""
    import subprocess

    from bench.common import HERE

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True,
                              check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "spotcheck"], cwd=HERE.parent,
                                 capture_output=True, text=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "outside a git work tree"
    return f"commit {head}" + (f" with {len(changed)} files under spotcheck/ changed in the work tree"
                               if changed else "")


def _notes(ran: dict, departments, sizes: dict, over: list, missing: list) -> list[str]:
    """What the figures mean: the city, the set-up and the year's time, the CPU, how each step and
    page was measured, the load of the machine."""
    campaigns, cpu, pages = sizes["campaign_visits"], ran["cpu"], ran["year"].pages
    more = f" and {len(departments) - 3} more" if len(departments) > 3 else ""
    joint = ", ".join(f"{code} {count:,}" for code, count in sizes["joint"]["by_department"].items())
    notes = [
        f"Scale {SCALE}: {len(departments)} departments ({', '.join(d.name for d in departments[:3])}{more}), "
        f"{ENTITIES:,} registry entities and {sizes['directory_entries']:,} directory entries, {sizes['inspectors']:,} "
        f"inspectors each with an account; {len(campaigns)} campaigns of {min(campaigns):,}–{max(campaigns):,} visits "
        f"({sum(campaigns):,} in all), the {sizes['baseline_visits']}-visit baseline campaign first, and the joint "
        f"campaign of {JOINT_DEPARTMENTS} departments: {sizes['joint']['visits']:,} visits ({joint}).",
        f"Set-up (not a step): {ran['setup_seconds']:.0f} s ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in ran["city"]["parts"].items()) + f"); the year "
        f"{ran['year_seconds']:.0f} s; the whole run {ran['total_seconds']:.0f} s on {os.cpu_count()} CPUs "
        f"(PostgreSQL, one Celery worker, gunicorn with {WEB_WORKERS} workers and the benchmark share them); the "
        f"product as of {ran['code']}.",
        "CPU over the year: " + ", ".join(f"{k} {v:,.0f} s" for k, v in cpu.items())
        + f" — {sum(cpu.values()):,.0f} s in all, {1000 * sum(cpu.values()) / max(1, sizes['visits']):.0f} ms a "
        f"visit, {sum(cpu.values()) / max(1.0, ran['year_seconds']):.2f} of the {os.cpu_count()} CPUs on average "
        "(PostgreSQL: the backends of the benchmark's database still connected at the end).",
        "Each step through the product's commands, as the people concerned: the planner drafts, freezes, asks for "
        "the draws and the hand-out (jobs) and publishes; the leader approves and reviews; each visit's 组长 (an "
        "inspector with an account linked) records and submits; the administrator asks for the credit export (job); "
        "the justice bureau's supervisor reads the dashboard's figures and asks for table 001-2 (job). Jobs run on a "
        "real Celery worker (solo pool) on Redis; a job's time is its own run (started to finished).",
        f"Results: {', '.join(f'{code} {share} %' for code, share in OUTCOMES)}; about {RETURNED_SHARE:.0%} returned "
        "once and submitted again; those without a problem approved in one bulk action, the others one by one; a "
        "rectification (后续处置) for every other problem; the campaign's results published in one action.",
        f"Pages: locust (headless), {USERS_PER_PAGE} user(s) per page signed in as its role, no forms, a pause of "
        f"{os.environ.get('BENCH_CITY_PAUSE_MIN', '1.0')}–{os.environ.get('BENCH_CITY_PAUSE_MAX', '2.0')} s between "
        "two requests, "
        f"{PAGE_WARMUP} s warm-up then {PAGE_SECONDS} s timed, through gunicorn on 127.0.0.1 (SPOTCHECK_ENV="
        "production), once the campaign's results were all submitted (the review list at its fullest) and the worker "
        "idle; the same pages at the baseline campaign are the baseline. Load average (1 minute) at the start and end "
        "of each pass: " + "; ".join(f"{key} {' → '.join(f'{x:.1f}' for x in pages[key]['load_average'])}"
                                   for key, _ in PASSES if key in pages)
        + f"; at the end of the run {os.getloadavg()[0]:.1f} (the machine may be shared).",
        "Budgets (issue 23): an action answers in ≤ 2 s at its size, or runs as a job; a page's p95 ≤ 1 s. "
        + (f"Over budget: {len(over)} (see over_budget, with the SQL each spends its time on)." if over
           else "Every step and page within its budget."),
    ]
    if missing:
        notes.append(f"Steps that did not run: {', '.join(missing)}.")
    return notes


def report(ran: dict, departments, specs, joint) -> dict:
    """The figures of the year against their budgets, printed and saved."""
    from bench.common import emit

    year = ran["year"]
    joint_campaign = next((m["spec"] for m in year.measures if m["spec"].category == JOINT_CATEGORY), None)
    steps = [f for key, _, _ in STEPS
             if (f := step_figures(year.measures, key, ran["largest"], ran["baseline"], joint_campaign)) is not None]
    missing = [key for key, _, _ in STEPS if key not in {f["step"] for f in steps}]
    lines = step_lines(steps) + page_lines(year.pages)
    tables = [year_table(steps), page_table(year.pages)]
    over = over_budget(steps, year.pages, year.traces)
    sizes = _sizes(ran, departments, specs)
    result = {"title": TITLE, "scale": SCALE, "sizes": sizes, "cpu_seconds": ran["cpu"],
              "seconds": {"setup": round(ran["setup_seconds"], 1), "year": round(ran["year_seconds"], 1),
                          "total": round(ran["total_seconds"], 1),
                          "setup_parts": {k: round(v, 1) for k, v in ran["city"]["parts"].items()}},
              "steps": steps, "steps_missing": missing, "pages": year.pages, "over_budget": over,
              "campaigns": by_campaign(year.measures),
              "budgets": {"action_seconds": ACTION_BUDGET_SECONDS, "page_p95_ms": PAGE_BUDGET_MS},
              "lines": lines, "tables": tables, "notes": _notes(ran, departments, sizes, over, missing)}
    emit(lines)
    for table in tables:
        print_table(table)
    print(f"\n  over_budget ({len(over)}):" + "".join(
        f"\n  - {o['what']}: {o['figure']} (budget {o['budget']}); {o['cause']}" for o in over), flush=True)
    save(NAME, result)
    return result
