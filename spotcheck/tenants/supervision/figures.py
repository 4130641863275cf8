"""The supervision figures of each department for a period (监督统计), as
:mod:`~spotcheck.tenants.supervision.definitions` defines them.

The figures are aggregate queries grouped by department (several figures of one table in one pass,
each a ``count(*) FILTER``), run in the database over whatever the current scope shows: every department inside :func:`~spotcheck.tenants.supervision.access.reading`
(the justice bureau), one's own department otherwise (a department leader). :func:`~spotcheck.tenants.supervision.drill_down.rows_of`
gives the rows a figure counts (the drill-down), through the same conditions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from spotcheck.core.clock import local, today
from spotcheck.core.database import db
from spotcheck.tenants import reference
from spotcheck.tenants.campaigns.models import NOT_CARRIED_OUT, Campaign, Draw
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.items.queries import Coverage
from spotcheck.tenants.models import Tenant
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results.categories import CategoryChoice
from spotcheck.tenants.results.models import FollowUp, ItemResult, ResultCategory, Visit, VisitStatus
from spotcheck.tenants.rules.models import RulesDocument
from spotcheck.tenants.supervision.definitions import FILING_DEADLINES
from spotcheck.tenants.supervision.periods import Period

#: A result has been reported (报送): what "checked" counts.
REPORTED = (VisitStatus.submitted, VisitStatus.approved, VisitStatus.published)
#: A result not reported yet (what an overdue report counts).
UNREPORTED = (VisitStatus.assigned, VisitStatus.drafting, VisitStatus.returned)


@dataclass
class Filing:
    """One plan deadline of a department: which plan (``half`` None for the year's), its
    deadline, when it was submitted, and the status (:data:`definitions.FILING_STATUS`)."""

    half: int | None
    deadline: date
    status: str
    plan_id: int | None = None
    submitted_on: date | None = None


@dataclass
class Status:
    """One department's figures for the period (the keys of :data:`definitions.FIGURES`)."""

    tenant_id: int
    name: str
    code: str
    items: int = 0
    entries: int = 0
    inspectors: int = 0
    rules: bool = False
    market_items: int = 0
    market_random: int = 0
    other_items: int = 0
    other_random: int = 0
    plan_year: Filing | None = None
    plan_half: list[Filing] = field(default_factory=list)
    campaigns: int = 0
    draws: int = 0
    checked: int = 0
    problems: int = 0
    follow_ups_open: int = 0
    publish_due: int = 0
    published_on_time: int = 0
    published_late: int = 0
    reports_overdue: int = 0
    provisional: int = 0
    joint: int = 0
    visits_saved: int = 0

    @property
    def basics(self) -> bool:
        return bool(self.items and self.entries and self.inspectors and self.rules)

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return None if not whole else round(100.0 * part / whole, 1)

    def coverage(self, field_code: str) -> Coverage:
        """The field's coverage against its goal, as the item list states it (the one rule)."""
        items, random = {"market": (self.market_items, self.market_random),
                         "other": (self.other_items, self.other_random)}[field_code]
        return Coverage(field=field_code, items=items, random=random, goal_bp=reference.COVERAGE_GOALS_BP[field_code])

    @property
    def coverage_market(self) -> float | None:
        return self.coverage("market").share_percent if self.market_items else None

    @property
    def coverage_other(self) -> float | None:
        return self.coverage("other").share_percent if self.other_items else None

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.published_on_time, self.publish_due)

    def below_target(self, field_code: str) -> bool:
        """The field has items and too few of them under random checking."""
        found = self.coverage(field_code)
        return bool(found.items) and not found.met

    @property
    def filings(self) -> list[Filing]:
        return ([self.plan_year] if self.plan_year else []) + list(self.plan_half)


# --- the conditions (one place each, for the figure and its drill-down) ------------------------


def _between(column, period: Period):
    return sa.and_(column >= period.start, column <= period.end)


def _moment_between(column, period: Period):
    return sa.and_(column >= period.since, column < period.until)


def _as_of(period: Period) -> date:
    """The day the period's "so far" figures are read at: its end, or today while it runs."""
    return min(period.end, today())


def _campaigns(period: Period):
    return sa.and_(Campaign.joint.is_(False), Campaign.status.not_in(NOT_CARRIED_OUT),
                   _between(Campaign.window_start, period))


def _draws(period: Period):
    return sa.and_(Draw.drawn_at.is_not(None), _moment_between(Draw.drawn_at, period))


def _checked(period: Period):
    return sa.and_(Visit.status.in_(REPORTED), _between(Visit.checked_on, period))


def _problem_codes():
    """A result category that says a problem was found: a standard problem code, or one a
    department marked so in its own list (few rows: read once, written into the condition)."""
    own = db.session.execute(sa.select(CategoryChoice.tenant_id, CategoryChoice.code)
                             .where(CategoryChoice.problem.is_(True))).all()
    by_tenant: dict[int, list[str]] = {}
    for tenant_id, code in own:
        by_tenant.setdefault(tenant_id, []).append(code)
    return sa.or_(ResultCategory.code.in_(sorted(reference.RESULT_PROBLEM_CATEGORIES)),
                  *[sa.and_(ResultCategory.tenant_id == tenant_id, ResultCategory.code.in_(codes))
                    for tenant_id, codes in sorted(by_tenant.items())])


def _problem_visits():
    """The visits with a problem category."""
    return (sa.select(ItemResult.visit_id).join(ResultCategory, ResultCategory.item_result_id == ItemResult.id)
            .where(_problem_codes()))


def _problems(period: Period):
    return sa.and_(_checked(period), Visit.id.in_(_problem_visits()))


def _follow_ups_open(period: Period):
    day = _as_of(period)
    return sa.and_(FollowUp.opened_on <= day, sa.or_(FollowUp.closed_on.is_(None), FollowUp.closed_on > day))


def _publish_due(period: Period):
    return sa.and_(Visit.publish_due.is_not(None), Visit.publish_due >= period.start,
                   Visit.publish_due <= period.end, Visit.publish_due < today())


class beijing_date(sa.sql.functions.GenericFunction):
    """The Beijing calendar day of a stored UTC moment (the day a deadline is met on)."""

    type = sa.Date()
    inherit_cache = True


@compiles(beijing_date, "postgresql")
def _beijing_date_pg(element, compiler, **kw):
    return f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai')::date"


@compiles(beijing_date, "sqlite")
def _beijing_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


def _published_by_due():
    """Published no later than the end of its due day (Beijing)."""
    return sa.and_(Visit.published_at.is_not(None), beijing_date(Visit.published_at) <= Visit.publish_due)


def _published_late(period: Period):
    return sa.and_(_publish_due(period), sa.not_(_published_by_due()))


def _report_due():
    """A visit's report deadline: its own (from the day checked), else its campaign's last day
    (as :func:`spotcheck.tenants.results.listing.due_of`); the caller joins the visit's campaign."""
    return sa.func.coalesce(Visit.report_due, Campaign.window_end)


def _reports_overdue(period: Period):
    due = _report_due()
    return sa.and_(Visit.status.in_(UNREPORTED), _between(due, period), due < today())


def _provisional(period: Period):
    """A visit whose pending deadline (report not yet submitted, result not yet published) is provisional
    (暂按周一至周五计算: it falls in a year without an official calendar), checked or due in the period."""
    pending_report = sa.and_(Visit.report_due_provisional.is_(True), Visit.report_due.is_not(None),
                             Visit.status.in_(UNREPORTED))
    pending_publication = sa.and_(Visit.publish_due_provisional.is_(True), Visit.publish_due.is_not(None),
                                  Visit.published_at.is_(None))
    return sa.and_(sa.or_(pending_report, pending_publication),
                   sa.or_(_between(Visit.checked_on, period), _between(Visit.report_due, period),
                          _between(Visit.publish_due, period)))


def _visit_counts(period: Period) -> dict[int, dict[str, int]]:
    """The figures counted over visits: those of the visit row alone in one pass over the table (each
    a ``count(*) FILTER`` of its condition); the overdue reports from the unreported visits joined to
    their campaign (for its last day); the problems found from the result categories. Three queries
    cost less than one joining every visit to its campaign and its categories."""
    conditions = {
        "checked": _checked(period),
        "publish_due": _publish_due(period),
        "published_on_time": sa.and_(_publish_due(period), _published_by_due()),
        "published_late": _published_late(period),
        "provisional": _provisional(period),
    }
    query = (sa.select(Visit.tenant_id, *[sa.func.count().filter(c) for c in conditions.values()])
             .where(sa.or_(_between(Visit.checked_on, period), _between(Visit.publish_due, period),
                           _between(Visit.report_due, period)))
             .group_by(Visit.tenant_id))
    found = {tenant_id: dict(zip(conditions, counts)) for tenant_id, *counts in db.session.execute(query)}
    overdue = (sa.select(Visit.tenant_id, sa.func.count()).join(Campaign, Campaign.id == Visit.campaign_id)
               .where(_reports_overdue(period)).group_by(Visit.tenant_id))
    problems = (sa.select(Visit.tenant_id, sa.func.count(sa.distinct(Visit.id)))
                .select_from(ResultCategory).join(ItemResult, ItemResult.id == ResultCategory.item_result_id)
                .join(Visit, Visit.id == ItemResult.visit_id).where(_problem_codes(), _checked(period))
                .group_by(Visit.tenant_id))
    for name, extra in (("reports_overdue", overdue), ("problems", problems)):
        for tenant_id, count in db.session.execute(extra):
            found.setdefault(tenant_id, {})[name] = count
    return found


def _joint_in(period: Period):
    """A joint campaign (or a department's part of one) of the period, past its preparation."""
    return sa.and_(Campaign.status.not_in(NOT_CARRIED_OUT), _between(Campaign.window_start, period))


def _joint_of(period: Period):
    """The joint campaigns (ids) a department led or took part in, by department."""
    led = sa.select(Campaign.tenant_id, Campaign.id.label("joint")).where(Campaign.joint.is_(True), _joint_in(period))
    part = sa.select(Campaign.tenant_id, Campaign.joint_id.label("joint")).where(
        Campaign.joint_id.is_not(None), _joint_in(period))
    return sa.union(led, part).subquery()


# --- the figures --------------------------------------------------------------------------------


def _count(model, condition=None) -> dict[int, int]:
    query = sa.select(model.tenant_id, sa.func.count()).group_by(model.tenant_id)
    if condition is not None:
        query = query.where(condition)
    return {tenant_id: n for tenant_id, n in db.session.execute(query)}


def departments(tenant_ids=None) -> list[Tenant]:
    query = sa.select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.kind, Tenant.code)
    if tenant_ids is not None:
        query = query.where(Tenant.id.in_(list(tenant_ids)))
    return list(db.session.scalars(query))


def compute(period: Period, tenants: list[Tenant]) -> list[Status]:
    """The figures of ``tenants`` for ``period``, read in the current scope (a department the
    scope does not show gets zeros; :mod:`access` makes sure that is never the case)."""
    statuses = {t.id: Status(tenant_id=t.id, name=t.name, code=t.code) for t in tenants}

    def put(name: str, counts: dict[int, int]) -> None:
        for tenant_id, value in counts.items():
            if tenant_id in statuses:
                setattr(statuses[tenant_id], name, value)

    market, random_check = Item.field == "market", Item.random_check.is_(True)
    item_counts = {"items": random_check, "market_items": market, "market_random": sa.and_(market, random_check),
                   "other_items": sa.not_(market), "other_random": sa.and_(sa.not_(market), random_check)}
    for tenant_id, *counts in db.session.execute(
            sa.select(Item.tenant_id, *[sa.func.count().filter(c) for c in item_counts.values()])
            .where(Item.status == ItemStatus.published).group_by(Item.tenant_id)):
        if tenant_id in statuses:
            for name, value in zip(item_counts, counts):
                setattr(statuses[tenant_id], name, value)
    put("entries", _count(DirectoryEntry))
    put("inspectors", _count(Inspector, Inspector.active.is_(True)))
    put("rules", {tenant_id: True for tenant_id in db.session.scalars(
        sa.select(RulesDocument.tenant_id).where(RulesDocument.published.is_(True)))})
    put("campaigns", _count(Campaign, _campaigns(period)))
    put("draws", _count(Draw, _draws(period)))
    for tenant_id, counts in _visit_counts(period).items():
        if tenant_id in statuses:
            for name, value in counts.items():
                setattr(statuses[tenant_id], name, value)
    put("follow_ups_open", _count(FollowUp, _follow_ups_open(period)))
    joint = _joint_of(period)
    put("joint", dict(db.session.execute(sa.select(joint.c.tenant_id, sa.func.count(sa.distinct(joint.c.joint)))
                                         .group_by(joint.c.tenant_id)).all()))
    put("visits_saved", _visits_saved(period))
    _filings(period, statuses)
    return [statuses[t.id] for t in tenants]


def _visits_saved(period: Period) -> dict[int, int]:
    from spotcheck.tenants.joint.statistics import campaign_figures

    saved: dict[int, int] = {}
    for campaign in db.session.scalars(sa.select(Campaign).where(Campaign.joint.is_(True), _joint_in(period))):
        row = campaign_figures(campaign)
        saved[campaign.tenant_id] = saved.get(campaign.tenant_id, 0) + (row.saved or 0)
    return saved


def deadline_of(year: int, half: int | None) -> date:
    month, day = FILING_DEADLINES[half]
    return date(year, month, day)


def submitted_on(moment: datetime | None) -> date | None:
    """The Beijing day of a moment (the day a plan was submitted)."""
    return None if moment is None else local(moment).date()


def created_on(tenant_id: int | None) -> date | None:
    """The Beijing day a department was created (``None``: unknown)."""
    tenant = db.session.get(Tenant, tenant_id) if tenant_id is not None else None
    return local(tenant.created_at).date() if tenant is not None and tenant.created_at is not None else None


def filing(year: int, half: int | None, plan: Plan | None, created: date | None = None) -> Filing:
    """The status of one plan deadline. A deadline that passed before the department was created
    (``created``; looked up from the plan when not given) is not owed: never late, never missing."""
    deadline = deadline_of(year, half)
    day = submitted_on(plan.submitted_at) if plan is not None else None
    if created is None and plan is not None:
        created = created_on(plan.tenant_id)
    if created is not None and deadline < created:
        status = "not_owed"
    elif day is not None:
        status = "on_time" if day <= deadline else "late"
    else:
        status = "missing" if today() > deadline else "pending"
    return Filing(half=half, deadline=deadline, status=status, plan_id=plan.id if plan else None, submitted_on=day)


def _filings(period: Period, statuses: dict[int, Status]) -> None:
    plans: dict[tuple[int, int | None], Plan] = {}
    for plan in db.session.scalars(sa.select(Plan).where(Plan.year == period.year, Plan.kind == "annual")):
        plans[(plan.tenant_id, plan.half)] = plan
    for status in statuses.values():
        created = created_on(status.tenant_id)
        status.plan_year = filing(period.year, None, plans.get((status.tenant_id, None)), created)
        if status.other_items:
            status.plan_half = [filing(period.year, half, plans.get((status.tenant_id, half)), created)
                                for half in period.halves]


# --- drill-down ------------------------------------------------------------------------------


def department_exists(tenant_id) -> bool:
    return db.session.scalar(sa.select(Tenant.id).where(Tenant.id == tenant_id, Tenant.active.is_(True))) is not None
