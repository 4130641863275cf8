"""The joint campaign (联合抽查) of :mod:`bench.city_year`: created and invited by 市场监管局's
coordinator, each department's part accepted, set and approved, both draws and the hand-out as
jobs; then each department records, reviews and publishes its own part's results
(:mod:`bench.city_steps`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import sqlalchemy as sa

from bench import city_world as world
from bench.city_measure import Year
from bench.city_steps import after_publication, choose_outcomes, record_results, review_and_publish
from bench.city_world import JOINT_CATEGORY, YEAR, CampaignSpec, Department
from bench.common import Figures, log, planning
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.joint import commands as joint, commands as joint_commands, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.results.models import Visit


def joint_spec(joint: Figures) -> CampaignSpec:
    return CampaignSpec(
        len(joint["departments"]) * 100,
        "SCJ",
        joint["visits"],
        joint["window"],
        JOINT_CATEGORY,
        label=f"joint campaign ({len(joint['departments'])} departments, ~{joint['visits']:,} visits)",
    )


def prepare_joint(year: Year, parts: list[Department], spec: CampaignSpec) -> int:
    """联合抽查 up to the hand-out: created and invited by 市场监管局's coordinator, each department's
    part accepted, set and approved, the whole approved, both draws (jobs) and the 组长 by rule."""
    lead = parts[0]
    coord, chief = world.user_named("scj_coord"), world.users(lead)["leader"]
    start, end = spec.window
    with tenant_scope(lead.tenant_id), planning(), year.per_visit("create", spec) as drafting:
        campaign_id = drafting(
            lambda: (
                joint.create_joint(
                    {
                        "title": f"{YEAR}年{JOINT_CATEGORY}跨部门联合抽查",
                        "year": YEAR,
                        "field": "market",
                        "window_start": start.isoformat(),
                        "window_end": end.isoformat(),
                        "team_size": world.TEAM_SIZE,
                        "reserve_size": 2,
                        "method": "onsite",
                        "department_ids": [d.tenant_id for d in parts],
                    },
                    actor=coord,
                ).id
            )
        )
    rule = {"ratio_bp": world.DRAW_RATIO_BP, "min": 1}
    for department in parts:
        who = world.users(department)
        with tenant_scope(department.tenant_id), planning():  # drafted before the window (issue 94)
            participant_id = db.session.scalars(
                sa.select(JointParticipant.id).where(
                    JointParticipant.campaign_id == campaign_id,
                    # the lead (市场监管局) sees every department's invitation: its own is the one it receives
                    JointParticipant.receiver_tenant_id == department.tenant_id,
                )
            ).one()
            with year.per_visit("create", spec) as drafting:
                drafting(partial(joint.accept, participant_id, actor=who["planner"]))
                drafting(
                    partial(
                        joint.save_part,
                        participant_id,
                        {
                            "item_ids": [department.item_ids[JOINT_CATEGORY]],
                            "strata": {r: dict(rule) for r in "ABCD"},
                            "target_filter": {"categories": [JOINT_CATEGORY]},
                        },
                        actor=who["planner"],
                    )
                )
            with year.per_visit("approve", spec) as approving:
                approving(partial(joint.approve_part, participant_id, actor=who["leader"]))
    with tenant_scope(lead.tenant_id):
        with planning():
            year.action("approve", spec, lambda: joint.approve_joint(campaign_id, actor=chief))
        year.action("freeze_targets", spec, lambda: joint.freeze_targets(campaign_id, actor=coord))
        year.job(
            "draw_targets",
            spec,
            lead.tenant_id,
            lambda: joint.submit_joint_draw(
                campaign_id, {"kind": "targets", "public_inputs": ["observer:人大代表 联合"]}, actor=coord
            ),
            wait=True,
        )
        year.action("freeze_inspectors", spec, lambda: joint.freeze_inspectors(campaign_id, actor=coord))
        year.job(
            "draw_inspectors",
            spec,
            lead.tenant_id,
            lambda: joint.submit_joint_draw(
                campaign_id, {"kind": "inspectors", "public_inputs": ["observer:媒体 联合"]}, actor=coord
            ),
            wait=True,
        )
        year.action("leaders", spec, lambda: joint.designate_leaders(campaign_id, {"rule": "first_drawn"}, actor=coord))
    return campaign_id


def joint_hand_out(year: Year, lead: Department, spec: CampaignSpec, campaign_id: int) -> dict[str, int]:
    """The joint hand-out (a job) and its notices; returns each department's part campaign."""
    coord = world.user_named("scj_coord")
    with tenant_scope(lead.tenant_id):
        year.job(
            "hand_out",
            spec,
            lead.tenant_id,
            lambda: joint_commands.submit_joint_hand_out(campaign_id, actor=coord),
            wait=True,
        )
        year.queued_by_event("notices", spec, lead.tenant_id, "notices.campaign", campaign_id)
        joint_parts = joint_queries.get_joint(campaign_id).joint_parts
        assert joint_parts is not None  # handed out: every part has its campaign
        parts = dict(joint_parts)
    return {code: part["part_campaign_id"] for code, part in parts.items()}


def run_joint(
    year: Year,
    parts: list[Department],
    joint: Figures,
    supervisor: User,
    pages: Callable[[int, dict[str, int], dict[str, list[int]]], None] | None = None,
) -> Figures:
    """The joint campaign through the year's steps; each department records, reviews and publishes
    its own part's results. Returns the joint campaign and its parts."""
    spec = joint_spec(joint)
    log(f"{spec.label}: invitations, parts, draws, leaders, hand-out")
    campaign_id = prepare_joint(year, parts, spec)
    part_ids = joint_hand_out(year, parts[0], spec, campaign_id)
    visits, outcomes = {}, {}
    for department in parts:
        with tenant_scope(department.tenant_id):
            part_id = part_ids[department.code]
            visits[department.code] = list(
                db.session.scalars(sa.select(Visit.id).where(Visit.campaign_id == part_id).order_by(Visit.id))
            )
    spec.visits = sum(len(v) for v in visits.values())
    log(f"{spec.label}: results of {spec.visits:,} visits in {len(parts)} departments")
    for number, department in enumerate(parts):
        visit_ids = visits[department.code]
        outcome, returned = choose_outcomes(visit_ids, 1000 + number)
        outcomes[department.code] = outcome
        with tenant_scope(department.tenant_id):
            record_results(
                year,
                spec,
                part_ids[department.code],
                department.item_ids[JOINT_CATEGORY],
                visit_ids,
                outcome,
                returned,
                world.users(department)["leader"],
            )
    if pages is not None:
        pages(campaign_id, part_ids, visits)
    for department in parts:
        with tenant_scope(department.tenant_id):
            review_and_publish(year, department, spec, visits[department.code], outcomes[department.code])
            after_publication(year, department, spec, supervisor)
    db.session.remove()
    return {
        "campaign": campaign_id,
        "parts": part_ids,
        "visits": {k: len(v) for k, v in visits.items()},
        "label": spec.label,
        "size": spec.visits,
    }
