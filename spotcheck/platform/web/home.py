"""The home page, one per role (首页): :class:`HomePage`, what each role's cards show, built once by :func:`index`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue

from spotcheck.core.actor import Actor
from spotcheck.core.calendar import missing_years
from spotcheck.core.clock import today
from spotcheck.core.policy import Role, has_permission
from spotcheck.core.todo import Task, assemble
from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.platform.web.audit.view import read_name
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.queries import User
from spotcheck.tenants.audit import queries as audit_trail
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.items import queries as items
from spotcheck.tenants.joint import queries as joint
from spotcheck.tenants.notices import queries as notices
from spotcheck.tenants.notices.queries import Notice
from spotcheck.tenants.plans import queries as plans
from spotcheck.tenants.plans.queries import Plan
from spotcheck.tenants.results import queries as results
from spotcheck.tenants.results.queries.todo import Queue
from spotcheck.tenants.rules import queries as rules_queries
from spotcheck.tenants.rules.queries import AskedByFloor
from spotcheck.tenants.supervision import queries as supervision, vocabulary as supervision_vocabulary
from spotcheck.tenants.supervision.queries import Attention, Criticism, shown as shown_figures
from spotcheck.tenants.supervision.vocabulary import Period

bp = Blueprint("home", __name__)


@dataclass(frozen=True)
class SupervisionCard:
    """The supervision card (监督与统计): for the justice bureau, what the current year's figures call for and
    the notices of criticism waiting for a leader's approval; for a department, the notices received."""

    period: Period
    #: The reader reads every department's figures (the justice bureau).
    every: bool
    drafts: list[Criticism]
    received: list[Notice]
    #: What the year's figures call for (the justice bureau's only; ``None`` for a department).
    attention: Attention | None = None


@dataclass(frozen=True)
class OverduePublications:
    """The results past their publication due date and still not published (逾期未公示): how many in all — as the
    supervision figures last counted them (``counted_at``), or counted now (None) before they were — and the oldest,
    each with its link (:func:`_overdue_link`)."""

    total: int
    rows: list[dict]
    counted_at: datetime | None = None


@dataclass(frozen=True)
class HomePage:
    """The home page as its template reads it (``page``, 首页): each role's cards. What a role does not see is
    empty, or ``None`` where the card shows even when empty (overdue publications, plans to file, supervision)."""

    user: User
    #: The departments: every one for the platform administrator.
    departments: list[dict] = field(default_factory=list)
    #: The justice bureau's and the coordinators' departments: their region's, and each region below counted.
    oversight: accounts.Oversight | None = None
    #: The years without an official calendar (calendar managers).
    calendar_missing: list[int] = field(default_factory=list)
    #: No local rulebook is in force (rulebook managers).
    rulebook_missing: bool = False
    #: What the national floor asks each place to set and the rules in force leave open.
    floor_asks: list[AskedByFloor] = field(default_factory=list)
    #: 逾期未公示, every department's (the justice bureau).
    overdue: OverduePublications | None = None
    #: Active users per role (the department's administrator).
    user_counts: list[tuple[str, int]] = field(default_factory=list)
    #: 待办事项 and the queues of results waiting for the reader (a department's staff).
    tasks: list[Task] = field(default_factory=list)
    queues: list[Queue] = field(default_factory=list)
    #: The led joint campaigns under way, and what each waits for.
    joint_under_way: list[joint.UnderWay] = field(default_factory=list)
    #: The plans waiting for the reader's filing (备案).
    plans_to_review: list[Plan] | None = None
    supervision: SupervisionCard | None = None
    #: 我的近期操作.
    recent: list[audit_trail.Activity] = field(default_factory=list)


@bp.route("/")
@requires(Permission.SIGNED_IN)
def index() -> ResponseReturnValue:
    """The signed-in user's home: the cards of each of their roles, as one :class:`HomePage`."""
    user = acting_user()
    supervisor, in_department = user.has_role(Role.supervisor.value), user.tenant_id is not None
    page = HomePage(
        user=user,
        departments=_departments(user),
        oversight=_oversight(user),
        calendar_missing=missing_years(today()) if has_permission(user, Permission.CALENDAR_MANAGE) else [],
        rulebook_missing=has_permission(user, Permission.RULEBOOK_MANAGE) and not rules_queries.rulebook_loaded(),
        floor_asks=rules_queries.open_against_floor(department=user.tenant_id)
        if has_permission(user, Permission.RULEBOOK_MANAGE) or supervisor
        else [],
        overdue=_overdue(user) if supervisor else None,
        user_counts=accounts.user_counts() if user.has_role(Role.tenant_admin.value) else [],
        tasks=tasks_for(user) if in_department else [],
        queues=results.queues(reader=user) if in_department else [],
        joint_under_way=joint.under_way(reader=user)
        if has_permission(user, Permission.JOINT_MANAGE) and in_department
        else [],
        plans_to_review=plans.plans_to_review(user) if has_permission(user, Permission.PLANS_REVIEW) else None,
        supervision=_supervision(user) if has_permission(user, Permission.SUPERVISION_VIEW) else None,
        recent=[_named_read(activity) for activity in audit_trail.recent_activity(reader=user)],
    )
    return render_template("home.html", page=page)


def _departments(user: User) -> list[dict]:
    """The departments the platform administrator's card lists: every one (none for anyone else)."""
    return accounts.departments() if user.has_role(Role.platform_admin.value) else []


def _oversight(user: User) -> accounts.Oversight | None:
    """What the justice bureau's and the coordinators' card shows (辖区部门): their region's departments and each
    region below counted."""
    if user.has_role(Role.supervisor.value, Role.coordinator.value):
        return accounts.oversight(user)
    return None


def _overdue(user: Actor) -> OverduePublications:
    """逾期未公示 in every department of the bureau's branch, each row with where it leads: how many, as the supervision
    figures last counted them (a province's branch holds a hundred thousand: not counted in the request), else now."""
    kept = shown_figures.overdue(reader=user)
    total, rows = results.overdue_publications(reader=user, count=kept is None)
    linked = [{**row, "link": _overdue_link(row, user)} for row in rows]
    if kept is not None:
        return OverduePublications(kept.total, linked, kept.counted_at)
    return OverduePublications(total or 0, linked)


def _overdue_link(row: dict, user: Actor) -> str:
    """Where a result overdue for publication leads (逾期未公示 rows are links): the visit itself in
    the reader's own department; in another, the campaign's public page at that entity (what the
    bureau may read of another department's campaign, as its drill-downs do)."""
    if row["tenant_id"] == user.tenant_id:
        return url_for("visit_pages.detail", visit_id=row["visit_id"])
    return url_for("public_draws.campaign", campaign_id=row["on_portal"], q=row["entity"])


def _named_read(activity: audit_trail.Activity) -> audit_trail.Activity:
    """A read beyond the department (跨部门查阅) named by what was read, like any other object."""
    what = (activity.entry.details or {}).get("query") if activity.entry.action.startswith("read.") else None
    return replace(activity, name=audit_trail.Name(read_name(what))) if what else activity


#: Where the home's to-dos come from (待办事项): each domain's ``queries.tasks_for(reader)``.
SOURCES = (
    supervision.tasks_for,
    results.tasks_for,
    campaigns.tasks_for,
    joint.tasks_for,
    plans.tasks_for,
    items.tasks_for,
)


def tasks_for(user: Actor, limit: int = 20) -> list[Task]:
    """What ``user`` has to do next in their department, every domain's to-dos together."""
    return assemble(SOURCES, user, limit)


def _supervision(user: Actor) -> SupervisionCard:
    """The supervision card: for the justice bureau, what the current year's figures call for and
    the notices of criticism waiting for a leader's approval; for a department leader, the notices
    received."""
    period = supervision_vocabulary.current_period("year")
    every = supervision.reads_every_department(user)
    return SupervisionCard(
        period=period,
        every=every,
        drafts=supervision.criticism_drafts(reader=user),
        received=notices.criticisms_received(user),
        attention=shown_figures.attention(period, reader=user) if every else None,
    )
