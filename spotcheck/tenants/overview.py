"""Summaries for home pages: departments with their user counts, users by role."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.policy import Role
from spotcheck.tenants.models import Tenant, User
from spotcheck.core.scoping import cross_tenant


def departments(reader=None) -> list[dict]:
    """Every department; with ``reader`` (supervisor or coordinator) also its active users,
    read across tenants through the explicit opt-out."""
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.kind, Tenant.code)).all()
    counts: dict[int, int] = {}
    if reader is not None:
        with cross_tenant(reader, "department overview"):
            counts = dict(db.session.execute(
                sa.select(User.tenant_id, sa.func.count()).where(User.active.is_(True)).group_by(User.tenant_id)
            ).all())
    return [{"tenant": t, "users": counts.get(t.id)} for t in tenants]


def user_counts() -> list[tuple[str, int]]:
    """Active users of the current tenant per role, in the order of the role table."""
    counter: Counter = Counter()
    for roles in db.session.scalars(sa.select(User.roles).where(User.active.is_(True))):
        counter.update(roles or ())
    order = [role.value for role in Role]
    return sorted(counter.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


@dataclass(frozen=True)
class Task:
    """Something waiting for the reader: an object and the actions they may take on it now."""

    kind: str  # "campaign", "joint", "invitation", "plan", "item", "visit", "follow_up", "transfer", "report"
    obj: object
    actions: frozenset[str]
    due: object = None  # the deadline that matters now (a visit's)
    flag: str | None = None  # "overdue" / "due_soon"
    provisional: bool = False  # the due date was counted Monday–Friday (no official calendar for its year yet)


#: The actions that are somebody's next step (editing a draft is always possible: not a task).
NEXT_STEPS = {
    "campaign": ("approve", "freeze_targets", "draw_targets", "freeze_inspectors", "draw_inspectors",
                 "designate_leader", "hand_out", "close"),
    "plan": ("publish", "submit"),
    "item": ("publish",),
    "visit": ("record", "submit", "approve", "return", "publish"),
    "follow_up": ("close",),
    "transfer": ("acknowledge",),
    "joint": ("approve", "freeze_targets", "draw_targets", "freeze_inspectors", "draw_inspectors",
              "designate_leader", "hand_out"),
    "invitation": ("accept", "edit_part", "approve_part"),
}


def tasks_for(actor, limit: int = 20) -> list[Task]:
    """What the reader has to do next in their department, as the allowed actions of its campaigns,
    plans and items say (the same rules as the commands; nothing re-derived here). A campaign whose
    teams are drawn waits for team leaders only while some visit has none."""
    from spotcheck.tenants.campaigns.lifecycle import CAMPAIGN_ACTIONS, visits_without_leader
    from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
    from spotcheck.tenants.items.models import Item, ItemStatus
    from spotcheck.tenants.items.policy import ITEM_ACTIONS
    from spotcheck.tenants.joint.lifecycle import JOINT_ACTIONS, PARTICIPANT_ACTIONS
    from spotcheck.tenants.joint.models import ParticipantStatus
    from spotcheck.tenants.joint.services import invitations
    from spotcheck.tenants.plans.models import Plan, PlanStatus
    from spotcheck.tenants.plans.policy import PLAN_ACTIONS

    found: list[Task] = []

    def collect(kind, objects, actions):
        for obj in objects:
            allowed = actions.allowed(obj, actor) & set(NEXT_STEPS[kind])
            if kind in ("campaign", "joint") and "designate_leader" in allowed and not visits_without_leader(obj):
                allowed = allowed - {"designate_leader"}  # every team has its leader: not a next step
            if kind == "invitation" and (obj.part or {}).get("items"):
                allowed = allowed - {"edit_part"}  # the part is there: the leader approves it next
            if allowed:
                found.append(Task(kind, obj, frozenset(allowed)))

    collect("campaign", db.session.scalars(sa.select(Campaign).where(
        Campaign.status.in_([CampaignStatus.draft, CampaignStatus.approved, CampaignStatus.targets_drawn,
                             CampaignStatus.inspectors_drawn, CampaignStatus.notified, CampaignStatus.in_progress,
                             CampaignStatus.published]))
        .order_by(Campaign.id.desc()).limit(limit)),
            CAMPAIGN_ACTIONS)
    collect("joint", db.session.scalars(sa.select(Campaign).where(
        Campaign.joint.is_(True), Campaign.status.in_([CampaignStatus.draft, CampaignStatus.approved,
                                                       CampaignStatus.targets_drawn, CampaignStatus.inspectors_drawn]))
        .order_by(Campaign.id.desc()).limit(limit)), JOINT_ACTIONS)
    collect("invitation", [p for p in invitations() if p.status in (ParticipantStatus.invited, ParticipantStatus.accepted)],
            PARTICIPANT_ACTIONS)
    collect("plan", db.session.scalars(sa.select(Plan).where(
        Plan.status.in_([PlanStatus.draft, PlanStatus.returned, PlanStatus.published, PlanStatus.filed]))
        .order_by(Plan.year)), PLAN_ACTIONS)
    collect("item", db.session.scalars(sa.select(Item).where(Item.status == ItemStatus.draft).order_by(Item.code)
                                       .limit(limit)), ITEM_ACTIONS)
    return _visit_tasks(actor, limit) + _follow_up_tasks(actor, limit) + found[:limit]


def _follow_up_tasks(actor, limit: int) -> list[Task]:
    """Follow-ups waiting for the reader: transfers from other departments to acknowledge (签收),
    then the department's own open follow-ups to close (re-check, conclude a case …), the
    earliest deadline first."""
    from spotcheck.tenants.results import deadlines, follow_ups
    from spotcheck.tenants.results.rules import FOLLOW_UP_ACTIONS

    tasks = []
    for kind, rows in (("transfer", follow_ups.received(open_only=True)[:limit]),
                       ("follow_up", follow_ups.open_of_department()[:limit * 5])):
        for follow_up in rows:
            allowed = FOLLOW_UP_ACTIONS.allowed(follow_up, actor) & set(NEXT_STEPS[kind])
            if allowed:
                tasks.append(Task(kind, follow_up, frozenset(allowed), follow_up.deadline,
                                  deadlines.flag(follow_up.deadline), follow_up.deadline_provisional))
    return tasks[:limit]


def _visit_tasks(actor, limit: int) -> list[Task]:
    """Visits waiting for the reader, most urgent first: the inspector's own visits to record or
    submit, the results a leader may review, the approved results a planner may publish."""
    from spotcheck.core.policy import Permission, has_permission
    from spotcheck.tenants.results import listing
    from spotcheck.tenants.results.models import VisitStatus
    from spotcheck.tenants.results.rules import OPEN, VISIT_ACTIONS

    queries = []
    if has_permission(actor, Permission.RESULTS_ENTER):
        queries.append(listing.mine(actor).where(sa.or_(
            listing.Visit.status.in_(OPEN), listing.Visit.status == VisitStatus.submitted)))
    if has_permission(actor, Permission.RESULTS_REVIEW):
        queries.append(listing.in_status(VisitStatus.submitted))
    if has_permission(actor, Permission.RESULTS_PUBLISH):
        queries.append(listing.in_status(VisitStatus.approved))
    tasks, seen = [], set()
    for query in queries:
        for visit in listing.first(query, limit):
            allowed = VISIT_ACTIONS.allowed(visit, actor) & set(NEXT_STEPS["visit"])
            if visit.id in seen or not allowed:
                continue
            seen.add(visit.id)
            tasks.append(Task("visit", visit, frozenset(allowed), listing.due_of(visit), listing.flag_of(visit),
                              listing.due_provisional(visit)))
    order = {"overdue": 0, "due_soon": 1, None: 2}
    return sorted(tasks, key=lambda task: (order[task.flag], task.due or date.max))[:limit]


def overdue_publications(reader, limit: int = 50) -> tuple[int, list[dict]]:
    """Results not published by their due date (20 working days after the check ended, the review
    included), in every department: the supervisor's view (逾期未公示), read through the explicit
    cross-department path. Returns the count and the oldest ``limit``."""
    from spotcheck.core.clock import today
    from spotcheck.tenants.campaigns.models import Campaign
    from spotcheck.tenants.directory.models import Entity
    from spotcheck.tenants.results.models import Visit

    late = sa.and_(Visit.published_at.is_(None), Visit.publish_due < today())
    with cross_tenant(reader, "publications overdue in every department"):
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(late)) or 0
        rows = db.session.execute(
            sa.select(Tenant.name, Campaign.code, Entity.name, Visit.publish_due, Visit.publish_due_provisional)
            .join(Campaign, Campaign.id == Visit.campaign_id).join(Tenant, Tenant.id == Visit.tenant_id)
            .join(Entity, Entity.id == Visit.entity_id).where(late)
            .order_by(Visit.publish_due, Visit.id).limit(limit)).all()
    return total, [{"department": d, "campaign": c, "entity": e, "due": due, "provisional": provisional}
                   for d, c, e, due, provisional in rows]
