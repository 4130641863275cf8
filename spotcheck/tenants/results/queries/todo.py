"""The results' to-dos (检查待办) for the home page: the visits waiting for the reader (record,
submit, review, publish), the follow-ups to close and the transfers to acknowledge; and, for a
supervisor, the results not published by their due date in every department (逾期未公示)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db, one_of
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import Across, query
from spotcheck.core.todo import Task
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.campaigns.team_gaps import leaders_to_open
from spotcheck.tenants.campaigns.vocabulary import TEAMS_OPEN, CampaignStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.results.codes import RECUSAL_REQUEST_ACTIONS, is_joint_request
from spotcheck.tenants.results.models import RecusalRequest, Visit
from spotcheck.tenants.results.policy import (
    CAMPAIGN_STEPS,
    FOLLOW_UP_ACTIONS,
    OPEN,
    VISIT_ACTIONS,
    awaits_confirmation,
)
from spotcheck.tenants.results.present_teams import teams_read_together
from spotcheck.tenants.results.queries import follow_ups, listing
from spotcheck.tenants.results.vocabulary import RecusalRequestStatus, VisitStatus
from spotcheck.tenants.results.waiting import results_to_record

#: The actions that make an object a to-do, by kind.
NEXT_STEPS = {
    "visit": ("record", "submit", "approve", "return", "publish"),
    "follow_up": ("review_answer", "close"),
    "transfer": ("acknowledge",),
    "campaign": ("hand_out", "import_results", "close"),
    "recusal_request": ("decide",),
    "recusal_replacement": ("replace",),
    "leader_accounts": ("open_accounts",),
}
#: The campaigns whose visits may wait for a step of the campaign: the hand-out (下达), the closing (办结).
_STEPPING = (
    CampaignStatus.inspectors_drawn,
    CampaignStatus.notified,
    CampaignStatus.in_progress,
    CampaignStatus.published,
)
_URGENCY = {"overdue": 0, "due_soon": 1, None: 2}


#: How many of the reader's visits the home lists one by one (the most urgent); the queues they
#: belong to are counted beside them, each with its list (:func:`queues`).
LISTED_VISITS = 8


def tasks_for(reader: Actor, limit: int = 20) -> list[Task]:
    """The reader's visits to act on, most urgent first, then the transfers and follow-ups, then the
    campaigns whose visits are to be handed out, whose results are still to record (a planner may
    import those entered offline), or whose results are all published (办结)."""
    return (
        _recusal_requests(reader, limit)
        + _recusal_replacements(reader, limit)
        + _leader_accounts(reader, limit)
        + _visit_tasks(reader, min(limit, LISTED_VISITS))
        + _follow_up_tasks(reader, limit)
        + _campaign_steps(reader, limit)
    )


@dataclass(frozen=True)
class Queue:
    """A queue of results waiting for the reader (``review`` 待审核, ``publish`` 待公示): how many it holds,
    and how many of them are past their publication due date (``overdue``) or due soon (``due_soon``)."""

    name: str
    count: int
    overdue: int = 0
    due_soon: int = 0


@query(Permission.SIGNED_IN)
def queues(*, reader: Actor) -> list[Queue]:
    """The queues of results waiting for the reader and how many each holds — ``review`` (待审核) for
    a leader, ``publish`` (待公示) for a planner —, those not empty: at a large campaign's size the
    home names them in one line each, with their list, not a row per result; each says how many of
    its results are overdue for publication or due soon (the most urgent are listed by name beside)."""
    found = []
    if has_permission(reader, Permission.RESULTS_REVIEW):
        found.append(("review", VisitStatus.submitted))
    if has_permission(reader, Permission.RESULTS_PUBLISH):
        found.append(("publish", VisitStatus.approved))
    waiting = []
    for name, status in found:
        count = sum(row[-1] for row in listing.campaigns_waiting(reader=reader, status=status))
        if count:
            waiting.append(Queue(name, count, *listing.publication_urgency(reader, status)))
    return waiting


def _recusal_requests(reader: Actor, limit: int) -> list[Task]:
    """A business's requests that an inspector withdraw (回避申请), for a leader to decide: first, as
    the team may be at the door."""
    if not (has_permission(reader, Permission.RESULTS_REVIEW) or has_permission(reader, Permission.JOINT_MANAGE)):
        return []
    pending = db.session.scalars(
        sa.select(RecusalRequest)
        .where(RecusalRequest.status == RecusalRequestStatus.pending)
        .order_by(RecusalRequest.id)
        .limit(limit)
    )
    tasks = [
        Task("joint_recusal_request", request, RECUSAL_REQUEST_ACTIONS.allowed(request, reader) & {"decide_joint"})
        if is_joint_request(request)
        else Task("recusal_request", request, RECUSAL_REQUEST_ACTIONS.allowed(request, reader) & {"decide"})
        for request in pending
    ]
    reviews = has_permission(reader, Permission.RESULTS_REVIEW)  # a leader sees their department's, decided by another
    return [task for task in tasks if task.actions or (reviews and task.kind == "recusal_request")]


@dataclass(frozen=True)
class WaitingReplacement:
    """A visit whose team has a member who declared a conflict (回避) and is not replaced (替换回避人员): the campaign,
    the business by name, who waits to be replaced — the replacement rule found nobody eligible, or it was declared
    by hand. ``joint``: a joint campaign's mixed team, replaced by its coordinator."""

    id: str
    campaign: Campaign
    entity_id: int
    entity_name: str
    names: str
    joint: bool


def _recusal_replacements(reader: Actor, limit: int) -> list[Task]:
    """The visits whose recused members wait to be replaced: the planner's, or for a joint campaign's mixed team
    its coordinator's (替换回避人员), by the business's name."""
    plans, coordinates = (
        has_permission(reader, Permission.CAMPAIGNS_EDIT),
        has_permission(reader, Permission.JOINT_MANAGE),
    )
    if not (plans or coordinates):
        return []
    found = db.session.execute(
        sa.select(Campaign, Entity.id, Entity.name, TeamMember.inspector_name)
        .join(TeamMember, TeamMember.campaign_id == Campaign.id)
        .join(Entity, Entity.id == TeamMember.entity_id)
        .where(
            Campaign.status.in_(TEAMS_OPEN),
            Campaign.joint_id.is_(None),
            Campaign.joint.is_(True) if not plans else Campaign.joint.is_(False) if not coordinates else sa.true(),
            TeamMember.active.is_(True),
            TeamMember.recusal_id.is_not(None),
        )
        .order_by(Campaign.id, Entity.code, TeamMember.position)
        .limit(limit * 5)
    ).all()
    waiting: dict[tuple[int, int], WaitingReplacement] = {}
    for campaign, entity_id, entity_name, name in found:
        key = (campaign.id, entity_id)
        if key in waiting:
            waiting[key] = replace(waiting[key], names=f"{waiting[key].names}、{name}")
        else:
            waiting[key] = WaitingReplacement(
                f"{campaign.id}:{entity_id}", campaign, entity_id, entity_name, name, campaign.joint
            )
    return [Task("recusal_replacement", row, frozenset({"replace"})) for row in list(waiting.values())[:limit]]


@dataclass(frozen=True)
class LeaderAccounts:
    """A campaign whose teams' leaders (组长) of the department have no account (为这些组长开通账号): the department
    administrator's to-do, its hand-out refused until they have one. ``selection``: their inspector ids, as the
    inspector list's selection carries them (``1,2,3``)."""

    id: str
    campaign_code: str
    campaign_title: str
    names: str
    selection: str

    @classmethod
    def of(cls, key: str, code: str, title: str, leaders: list[tuple[int, str]]) -> LeaderAccounts:
        return cls(key, code, title, "、".join(name for _, name in leaders), ",".join(str(i) for i, _ in leaders))


def _leader_accounts(reader: Actor, limit: int) -> list[Task]:
    """The department's own campaigns waiting for the hand-out whose 组长 have no account, for the administrator
    who opens accounts (a joint campaign's, one per department: the joint domain's to-dos)."""
    if not has_permission(reader, Permission.USERS_MANAGE):
        return []
    tasks = []
    for campaign in db.session.scalars(
        sa.select(Campaign)
        .where(
            Campaign.status == CampaignStatus.inspectors_drawn,
            Campaign.joint.is_(False),
            Campaign.joint_id.is_(None),
        )
        .order_by(Campaign.id.desc())
        .limit(limit)
    ):
        if leaders := leaders_to_open(campaign):
            tasks.append(
                Task(
                    "leader_accounts",
                    LeaderAccounts.of(f"c{campaign.id}", campaign.code or "", campaign.title, leaders),
                    frozenset({"open_accounts"}),
                )
            )
    return tasks


def _campaign_steps(reader: Actor, limit: int) -> list[Task]:
    tasks = []
    for campaign in db.session.scalars(
        sa.select(Campaign).where(Campaign.status.in_(_STEPPING)).order_by(Campaign.id.desc()).limit(limit)
    ):
        allowed = set(CAMPAIGN_STEPS.allowed(campaign, reader) & set(NEXT_STEPS["campaign"]))
        waiting, due = results_to_record(campaign) if "import_results" in allowed else (None, None)
        if waiting == 0:  # only drafts imported on the teams' behalf are open: their 组长 confirm them
            allowed.discard("import_results")
        if allowed:  # the results still to record, with the earliest report deadline among them (逾期 flagged)
            tasks.append(
                Task("campaign", campaign, frozenset(allowed), due, deadlines.flag(due), count=waiting or None)
            )
    return tasks


def _follow_up_tasks(reader: Actor, limit: int) -> list[Task]:
    """Transfers from other departments to acknowledge (签收), then the department's own open
    follow-ups to close (re-check, conclude a case …), the earliest deadline first."""
    tasks = []
    for kind, rows in (
        ("transfer", follow_ups.received(open_only=True, limit=limit)),
        ("follow_up", follow_ups.open_of_department(limit=limit * 5)),
    ):
        # the teams of the department's own visits read at once (a received transfer's visit is not readable)
        with teams_read_together([row.visit for row in rows if kind == "follow_up"]):
            for follow_up in rows:
                allowed = FOLLOW_UP_ACTIONS.allowed(follow_up, reader) & set(NEXT_STEPS[kind])
                if allowed:
                    tasks.append(
                        Task(
                            kind,
                            follow_up,
                            frozenset(allowed),
                            follow_up.deadline,
                            deadlines.flag(follow_up.deadline),
                            follow_up.deadline_provisional,
                        )
                    )
    return tasks[:limit]


def _visit_tasks(reader: Actor, limit: int) -> list[Task]:
    """The inspector's own visits to record or submit, the results a leader may review, the
    approved results a planner may publish."""
    queries = []
    if has_permission(reader, Permission.RESULTS_ENTER):
        queries.append(
            listing.mine(reader).where(sa.or_(Visit.status.in_(OPEN), Visit.status == VisitStatus.submitted))
        )
    if has_permission(reader, Permission.RESULTS_REVIEW):
        queries.append(listing.in_status(VisitStatus.submitted))
    if has_permission(reader, Permission.RESULTS_PUBLISH):
        queries.append(listing.in_status(VisitStatus.approved))
    tasks, seen = [], set()
    for found in queries:
        visits = listing.first(found, limit)
        with teams_read_together(visits):
            for visit in visits:
                allowed = VISIT_ACTIONS.allowed(visit, reader) & set(NEXT_STEPS["visit"])
                if visit.id in seen or not allowed:
                    continue
                seen.add(visit.id)
                if "submit" in allowed and awaits_confirmation(visit):  # 代为录入: the 组长 confirms it
                    allowed = (allowed - {"submit"}) | {"confirm"}
                tasks.append(
                    Task(
                        "visit",
                        visit,
                        frozenset(allowed),
                        listing.due_of(visit),
                        listing.flag_of(visit),
                        listing.due_provisional(visit),
                    )
                )
    return sorted(tasks, key=lambda task: (_URGENCY[task.flag], task.due or date.max))[:limit]


def _every_department(reader: Actor, **_: object) -> Across:
    return Across("publications overdue in every department")


@query(Permission.TENANTS_READ_ALL, scope=_every_department)
def overdue_publications(*, reader: Actor, limit: int = 50, count: bool = True) -> tuple[int | None, list[dict]]:
    """Results not published by their due date (the rules' working days after the check ended, the review
    included), in every department: the supervisor's view (逾期未公示), read through the explicit
    cross-department path. Returns the count and the oldest ``limit``, each with how many working days
    it is overdue (``count`` false: no count, None — the caller knows it, as the supervision figures counted it)."""
    late = sa.and_(Visit.published_at.is_(None), Visit.publish_due < today())
    total = (db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(late)) or 0) if count else None
    # the oldest first, read alone through the index of the results not yet published (ix_visit_unpublished), then
    # their rows by id: a province's branch holds a hundred thousand of them, and in one statement with the joins the
    # planner may sort them all (5.8 s) — the ids are asked first, on their own
    oldest = list(
        db.session.scalars(sa.select(Visit.id).where(late).order_by(Visit.publish_due, Visit.id).limit(limit))
    )
    found = db.session.execute(
        sa.select(
            Tenant.name,
            Campaign.code,
            Entity.name,
            Visit.publish_due,
            Visit.publish_due_provisional,
            Visit.id,
            Visit.tenant_id,
            sa.func.coalesce(Campaign.joint_id, Campaign.id),
        )
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .join(Tenant, Tenant.id == Visit.tenant_id)
        .join(Entity, Entity.id == Visit.entity_id)
        .where(one_of(Visit.id, oldest))
    ).all()
    order = {visit_id: position for position, visit_id in enumerate(oldest)}
    rows = sorted(found, key=lambda row: order[row[5]])
    # each row names its visit, its department and the campaign the public portal shows it under
    # (a joint campaign's, for a department's part of one), for the page to link it
    return total, [
        {
            "department": d,
            "campaign": c,
            "entity": e,
            "due": due,
            "provisional": provisional,
            "overdue": deadlines.overdue(due),
            "visit_id": visit_id,
            "tenant_id": tenant_id,
            "on_portal": on_portal,
        }
        for d, c, e, due, provisional, visit_id, tenant_id, on_portal in rows
    ]
