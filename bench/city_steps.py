"""The steps of one campaign of :mod:`bench.city_year`, through the product's commands and jobs as
the people concerned take them: drafted and approved, both draws, 组长 by rule, the hand-out and its
notices, a result for every visit (some returned), the review, follow-ups, publication, the credit
export and the supervisor's figures and table; and each department's plan of the year before them."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa

from bench import city_offline as offline, city_world as world
from bench.city_measure import Year
from bench.city_plan import SCALE
from bench.city_world import YEAR, CampaignSpec, Department
from bench.common import Figures, log, planning
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import cross_tenant, tenant_scope
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.campaigns import commands as campaigns
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.exports import commands as export_commands
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import commands as results, commands as results_commands
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.supervision import commands as supervision_commands, figures
from spotcheck.tenants.supervision.periods import Period

#: The result categories of the year (检查结果类别) and their shares; a problem's follow-up: every
#: other one; returns: about 3 % of the results.
OUTCOMES = (
    ("no_problem", 70),
    ("no_activity", 6),
    ("pending_own_rules", 12),
    ("rectified", 6),
    ("pending_unreachable", 3),
    ("pending_other_rules", 3),
)
RETURNED_SHARE = 0.03
#: A department's campaign of this many visits or more has its results entered offline and imported
#: from the campaign's workbook (:mod:`bench.city_offline`); smaller ones, and the joint campaign,
#: through the result form of each visit's 组长.
IMPORTED_FROM = max(50, round(1000 * SCALE))


def plans_of_the_year(year: Year, departments: list[Department]) -> None:
    """Each department's items and plan of the year (the plan's commands timed as the step ``plan``)."""
    for department in departments:
        spec = CampaignSpec(-1, department.code, 1, world.window(0), "", label=f"plan of {department.code}")
        with year.per_visit("plan", spec) as timed:
            world.items_and_plan(department, act=timed)


def campaign_data(department: Department, spec: CampaignSpec) -> Figures:
    """The campaign as its planner drafts it (起草): the frame's category, one item of the filed plan,
    the same ratio in every risk class, teams of two and a capacity the department's inspectors meet."""
    start, end = spec.window
    rule = {"ratio_bp": world.DRAW_RATIO_BP, "min": 1}
    capacity = math.ceil(world.TEAM_SIZE * spec.visits * 1.3 / department.inspectors) + 1
    return {
        "title": f"{YEAR}年{spec.category}双随机抽查（{department.name}）",
        "year": YEAR,
        "item_ids": [department.item_ids[spec.category]],
        "strata": {r: dict(rule) for r in "ABCD"},
        "reserve_size": 2,
        "team_size": world.TEAM_SIZE,
        "capacity": capacity,
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "target_filter": {"categories": [spec.category]},
    }


def prepare_campaign(year: Year, department: Department, spec: CampaignSpec) -> int:
    """Drafted, approved, both frames frozen and both draws made (as jobs), 组长 named by rule."""
    who = world.users(department)
    planner, leader = who["planner"], who["leader"]
    with planning():  # drafted and approved before the window (issue 94)
        campaign_id = year.action(
            "create", spec, lambda: campaigns.create_campaign(campaign_data(department, spec), actor=planner).id
        )
        year.action("approve", spec, lambda: campaigns.approve(campaign_id, actor=leader))
    year.action("freeze_targets", spec, lambda: campaigns.freeze_targets(campaign_id, actor=planner))
    year.job(
        "draw_targets",
        spec,
        department.tenant_id,
        lambda: campaigns.submit_draw(
            campaign_id, {"kind": "targets", "public_inputs": [f"observer:人大代表 {spec.number:04d}"]}, actor=planner
        ),
        wait=True,
    )
    year.action("freeze_inspectors", spec, lambda: campaigns.freeze_inspectors(campaign_id, actor=planner))
    year.job(
        "draw_inspectors",
        spec,
        department.tenant_id,
        lambda: campaigns.submit_draw(
            campaign_id, {"kind": "inspectors", "public_inputs": [f"observer:媒体 {spec.number:04d}"]}, actor=planner
        ),
        wait=True,
    )
    year.action(
        "leaders", spec, lambda: campaigns.designate_leaders(campaign_id, {"rule": "first_drawn"}, actor=planner)
    )
    return campaign_id


def hand_out(year: Year, department: Department, spec: CampaignSpec, campaign_id: int) -> list[int]:
    """检查任务下达 as a job; its event queues the notices job (collected later). Returns the visits."""
    planner = world.users(department)["planner"]
    year.job(
        "hand_out",
        spec,
        department.tenant_id,
        lambda: results_commands.submit_hand_out(campaign_id, actor=planner),
        wait=True,
    )
    year.queued_by_event("notices", spec, department.tenant_id, "notices.campaign", campaign_id)
    return list(db.session.scalars(sa.select(Visit.id).where(Visit.campaign_id == campaign_id).order_by(Visit.id)))


def team_leaders(campaign_id: int) -> dict[int, User]:
    """Each visit's 组长 as the user account linked to the inspector (the actor who records)."""
    rows = db.session.execute(
        sa.select(Visit.id, User)
        .join(TeamMember, sa.and_(TeamMember.campaign_id == Visit.campaign_id, TeamMember.entity_id == Visit.entity_id))
        .join(Inspector, Inspector.id == TeamMember.inspector_id)
        .join(User, User.id == Inspector.user_id)
        .where(Visit.campaign_id == campaign_id, TeamMember.is_leader.is_(True), TeamMember.active.is_(True))
    ).all()
    return {visit_id: user for visit_id, user in rows}


def choose_outcomes(visit_ids: list[int], seed: int) -> tuple[dict[int, str], set[int]]:
    """Each visit's result category (the year's mix, :data:`OUTCOMES`) and the visits returned once."""
    rng = random.Random(seed)
    codes, weights = zip(*OUTCOMES, strict=True)
    outcome = dict(zip(visit_ids, rng.choices(codes, weights=weights, k=len(visit_ids)), strict=True))
    returned = {v for v in visit_ids if rng.random() < RETURNED_SHARE}
    return outcome, returned


def result_data(item_id: int, code: str, checked_on: date) -> dict[str, Any]:
    """A visit's result as its 组长 records it (检查结果): the day, the method, the record, the item's
    category and, when a problem was found, what."""
    return {
        "checked_on": checked_on.isoformat(),
        "method": "onsite",
        "record": offline.RECORD,
        "evaluation": offline.EVALUATION,
        "opinions": offline.OPINIONS,
        "items": {str(item_id): {"categories": [code], "findings": offline.FINDINGS if problem(code) else ""}},
    }


def record_results(
    year: Year,
    spec: CampaignSpec,
    campaign_id: int,
    item_id: int,
    visit_ids: list[int],
    outcome: dict[int, str],
    returned: set[int],
    leader: User,
    *,
    department: Department | None = None,
) -> None:
    """A result for every visit, recorded and submitted by its 组长 — or, at a campaign of
    :data:`IMPORTED_FROM` visits or more (``department`` given), entered offline and imported by the
    planner on the teams' behalf, then confirmed (submitted) by each 组长 —; the returned ones (退回 by
    the leader with the reasons) recorded again and submitted again."""
    chiefs = team_leaders(campaign_id)
    start, end = spec.window
    days = (end - start).days + 1
    checked = {v: start + timedelta(days=n % days) for n, v in enumerate(visit_ids)}
    if department is not None and len(visit_ids) >= IMPORTED_FROM:
        offline.import_results(year, department, spec, campaign_id, checked, outcome, problem)
        with year.per_visit("confirm", spec) as confirm:  # 代为录入: each 组长 confirms the team's result
            for visit_id in visit_ids:
                confirm(partial(results.submit_result, visit_id, actor=chiefs[visit_id]))
    else:
        with year.per_visit("record", spec) as record, year.per_visit("submit", spec) as submit:
            for visit_id in visit_ids:
                chief = chiefs[visit_id]
                record(partial(_record, visit_id, item_id, outcome[visit_id], checked[visit_id], chief))
                submit(partial(results.submit_result, visit_id, actor=chief))
    if not returned:
        return
    with year.per_visit("return", spec) as send_back:
        for visit_id in sorted(returned):
            send_back(
                partial(
                    results.return_result,
                    visit_id,
                    {"reason": "请补充现场检查照片，并写明检查的具体场所。"},
                    actor=leader,
                )
            )
    with year.per_visit("resubmit", spec) as again:
        for visit_id in sorted(returned):
            chief = chiefs[visit_id]
            data = result_data(item_id, outcome[visit_id], checked[visit_id])
            data["record"] += "已补充现场照片。"
            again(partial(_record_and_submit, visit_id, data, chief))


def _record(visit_id: int, item_id: int, code: str, checked_on: date, chief: User) -> None:
    """The 组长 records the visit's result (the result built in the timed call, as the form's submission builds it)."""
    results.record_result(visit_id, result_data(item_id, code, checked_on), actor=chief)


def _record_and_submit(visit_id: int, data: dict[str, Any], chief: User) -> None:
    """The returned result recorded again, then submitted again."""
    results.record_result(visit_id, data, actor=chief)
    results.submit_result(visit_id, actor=chief)


def problem(code: str) -> bool:
    """The category says a problem was found (发现问题): approved on its own, never in a batch."""
    return code.startswith("pending_") or code in ("rectified", "uncooperative")


def review_and_publish(
    year: Year, department: Department, spec: CampaignSpec, visit_ids: list[int], outcome: dict[int, str]
) -> None:
    """审核: no problem found → one bulk approval (the list's "approve all", a job); a problem → each on
    its own; 后续处置 of every other problem; 公示 of the campaign's results (the list's "publish all", a job)."""
    who = world.users(department)
    clean = [v for v in visit_ids if not problem(outcome[v])]
    problems = [v for v in visit_ids if problem(outcome[v])]
    if clean:  # "全部批准" on the review list: a job, as the page asks for it
        year.job(
            "approve_bulk",
            spec,
            department.tenant_id,
            lambda: results.submit_approval(clean, actor=who["leader"]),
            wait=True,
        )
    with year.per_visit("approve_single", spec) as approve:
        for visit_id in problems:
            approve(partial(results.approve_result, visit_id, actor=who["leader"]))
    deadline = (today() + timedelta(days=60)).isoformat()
    with year.per_visit("follow_up", spec) as follow:
        for visit_id in problems[::2]:
            follow(
                partial(
                    results.open_follow_up,
                    visit_id,
                    {"kind": "rectification", "details": "补齐台账记录，建立进货查验制度。", "deadline": deadline},
                    actor=who["planner"],
                )
            )
    year.job(
        "publish",
        spec,
        department.tenant_id,  # "全部公示" on the publication list: a job too
        lambda: results.submit_publication(visit_ids, actor=who["planner"]),
        wait=True,
    )


def after_publication(year: Year, department: Department, spec: CampaignSpec, supervisor: User) -> None:
    """The credit export (a job of the department's administrator) and the supervisor's figures and table."""
    assert supervisor.tenant_id is not None  # the supervisor works at the justice bureau (司法局)
    admin = world.users(department)["admin"]
    year.job("export", spec, department.tenant_id, lambda: export_commands.request_export(actor=admin), wait=False)
    with tenant_scope(supervisor.tenant_id):
        year.action("dashboard", spec, lambda: dashboard_figures(supervisor))
        year.job(
            "table",
            spec,
            supervisor.tenant_id,
            lambda: supervision_commands.request_table("progress", str(YEAR), actor=supervisor),
            wait=False,
        )


def dashboard_figures(supervisor: User) -> int:
    """The dashboard's figures of the year for every department, as the supervisor reads them."""
    db.session.remove()
    with cross_tenant(supervisor, "bench: the supervisor's dashboard"):
        return len(figures.compute(Period(YEAR), figures.departments()))


def run_campaign(
    year: Year,
    department: Department,
    spec: CampaignSpec,
    supervisor: User,
    pages: Callable[[int, list[int]], None] | None = None,
) -> int:
    """One campaign of the year, from the draft to the supervisor's table; ``pages(campaign_id,
    visit_ids)`` runs once its results are all submitted (a pass of the pages at that size)."""
    log(f"{spec.label}: draws, leaders, hand-out")
    with tenant_scope(department.tenant_id):
        campaign_id = prepare_campaign(year, department, spec)
        visit_ids = hand_out(year, department, spec, campaign_id)
        spec.visits = len(visit_ids)
        outcome, returned = choose_outcomes(visit_ids, spec.number)
        log(f"{spec.label}: results of {len(visit_ids):,} visits")
        record_results(
            year,
            spec,
            campaign_id,
            department.item_ids[spec.category],
            visit_ids,
            outcome,
            returned,
            world.users(department)["leader"],
            department=department,
        )
    if pages is not None:
        pages(campaign_id, visit_ids)
    with tenant_scope(department.tenant_id):
        review_and_publish(year, department, spec, visit_ids, outcome)
        after_publication(year, department, spec, supervisor)
    db.session.remove()
    return campaign_id
