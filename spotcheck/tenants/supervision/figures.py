"""The supervision figures of each department for a period (监督统计), as
:mod:`~spotcheck.tenants.supervision.vocabulary` defines them.

The figures are aggregate queries grouped by department (several figures of one table in one pass,
each a ``count(*) FILTER``), run in the database over whatever the current scope shows: every
department inside the supervision policy's :class:`~spotcheck.core.queries.Across` scope (the justice
bureau), one's own department otherwise (a department leader). :func:`.drill_down.rows_of` gives the
rows a figure counts (the drill-down), through the same conditions (:mod:`.conditions`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa

from spotcheck.core.clock import local, today
from spotcheck.core.database import db, one_of
from spotcheck.core.scoping import JointShared, SharedWithReceiver, TenantOwned, current_scope
from spotcheck.tenants.accounts.branches import within_reach
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory.history import sizes_at
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.inspectors.history import listed_at
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.history import versions_at
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.items.queries import Coverage, goal_of
from spotcheck.tenants.joint import figures as joint_figures
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results.models import (
    FollowUp,
    InspectionCode,
    ItemResult,
    RectificationAnswer,
    ResultCategory,
    Visit,
)
from spotcheck.tenants.rules.models import RulesDocument
from spotcheck.tenants.rules.rulebook import know_departments, rules_for, rules_for_region
from spotcheck.tenants.supervision import conditions as when
from spotcheck.tenants.supervision.conditions import Condition
from spotcheck.tenants.supervision.models import Evaluation
from spotcheck.tenants.supervision.periods import Period

#: A department's rows: what the figures count by department (``tenant_id``).
Owned = type[TenantOwned] | type[SharedWithReceiver] | type[JointShared]
#: A condition, or whatever ``_only`` keeps of a figure.
T = TypeVar("T")


@dataclass
class Filing:
    """One plan deadline of a department: which plan (``half`` None for the year's), its
    deadline, when it was submitted, and the status (:data:`vocabulary.FILING_STATUS`)."""

    half: int | None
    deadline: date | None  # None: the rules set no deadline (not required)
    status: str
    plan_id: int | None = None
    submitted_on: date | None = None


@dataclass
class Status:
    """One department's figures for the period (the keys of :data:`vocabulary.FIGURES`)."""

    tenant_id: int
    name: str
    code: str
    #: A justice bureau (司法局): it supervises the others, and inspects only where it keeps items of its own.
    bureau: bool = False
    items: int = 0
    entries: int = 0
    inspectors: int = 0
    #: Its own 细则 published (one started from another department's, its articles not yet confirmed, is not).
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
    named_campaigns: int = 0
    named_checked: int = 0
    follow_ups_open: int = 0
    answers_on_time: int = 0
    answers_late: int = 0
    publish_due: int = 0
    published_on_time: int = 0
    published_late: int = 0
    reports_overdue: int = 0
    provisional: int = 0
    joint: int = 0
    visits_saved: int = 0
    codes_issued: int = 0
    codes_scanned: int = 0
    coded_results: int = 0
    entered_before_result: int = 0
    evaluations: int = 0
    satisfaction_total: int = 0
    complaints_open: int = 0
    complaints_answered: int = 0
    #: A department's reading of its evaluations (:mod:`.evaluation_figures`): each figure not shown → why not.
    withheld: dict[str, str] = field(default_factory=dict)
    #: The coverage goals of the department's rules (field → (basis points or None, citation)).
    goals: dict = field(default_factory=dict)

    @classmethod
    def of(cls, tenant: Tenant) -> Status:
        """A department's figures, all at zero."""
        return cls(
            tenant_id=tenant.id, name=tenant.full_name, code=tenant.code, bureau=tenant.kind == TenantKind.supervisor
        )

    @property
    def basics(self) -> bool:
        return bool(self.items and self.entries and self.inspectors and self.rules)

    @property
    def inspects(self) -> bool:
        """Whether the department inspects (实施检查), so that 一单两库一细则 are asked of it: every department but a
        justice bureau that keeps no item of its own (宁安市司法局 checks law firms; 牡丹江市司法局 only supervises)."""
        return not self.bureau or bool(self.items or self.market_items or self.other_items)

    @property
    def basics_missing(self) -> bool:
        """一单两库一细则 asked of the department (:attr:`inspects`) and not all there."""
        return self.inspects and not self.basics

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return None if not whole else round(100.0 * part / whole, 1)

    def coverage(self, field_code: str) -> Coverage:
        """The field's coverage against its goal, as the item list states it (the one rule)."""
        items, random = {
            "market": (self.market_items, self.market_random),
            "other": (self.other_items, self.other_random),
        }[field_code]
        goal, cited = self.goals.get(field_code, (None, ""))
        return Coverage(field=field_code, items=items, random=random, goal_bp=goal, cited=cited)

    @property
    def coverage_market(self) -> float | None:
        return self.coverage("market").share_percent if self.market_items else None

    @property
    def coverage_other(self) -> float | None:
        return self.coverage("other").share_percent if self.other_items else None

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.published_on_time, self.publish_due)

    @property
    def scan_rate(self) -> float | None:
        """扫码核验率: codes scanned over codes issued."""
        return self._rate(self.codes_scanned, self.codes_issued)

    @property
    def entry_rate(self) -> float | None:
        """入企登记率: arrivals recorded before the result, over the results of visits with a code."""
        return self._rate(self.entered_before_result, self.coded_results)

    @property
    def satisfaction(self) -> float | None:
        """The average satisfaction of the businesses' evaluations (平均满意度, 1 to 5); ``None`` without any, or
        withheld from a department."""
        if not self.evaluations or "satisfaction" in self.withheld:
            return None
        return round(self.satisfaction_total / self.evaluations, 2)

    def below_target(self, field_code: str) -> bool:
        """The field has items, a goal, and too few of them under random checking."""
        return self.coverage(field_code).missed

    @property
    def filings(self) -> list[Filing]:
        return ([self.plan_year] if self.plan_year else []) + list(self.plan_half)


def _visit_counts(period: Period, want: Callable[..., bool]) -> dict[int, dict[str, int]]:
    """The figures counted over visits (those ``want`` asks for): those of the visit row alone in one
    pass over the table (each a ``count(*) FILTER`` of its condition); the overdue reports from the
    unreported visits joined to their campaign (for its last day); the problems found from the result
    categories. Three queries cost less than one joining every visit to its campaign and its categories."""
    conditions = _only(
        want,
        {
            "checked": when.checked(period),
            "named_checked": when.named_checked(period),
            "publish_due": when.publish_due(period),
            "published_on_time": sa.and_(when.publish_due(period), when.published_by_due()),
            "published_late": when.published_late(period),
            "provisional": when.provisional(period),
        },
    )
    found: dict[int, dict[str, int]] = {}
    if conditions:
        query = (
            sa.select(Visit.tenant_id, *[sa.func.count().filter(c) for c in conditions.values()])
            .where(
                sa.or_(
                    when.between(Visit.checked_on, period),
                    when.between(Visit.publish_due, period),
                    when.between(Visit.report_due, period),
                )
            )
            .group_by(Visit.tenant_id)
        )
        found = {
            tenant_id: dict(zip(conditions, counts, strict=True)) for tenant_id, *counts in db.session.execute(query)
        }

    def overdue() -> sa.Select[int, int]:
        return (
            sa.select(Visit.tenant_id, sa.func.count())
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(when.reports_overdue(period))
            .group_by(Visit.tenant_id)
        )

    def problems() -> sa.Select[int, int]:  # the problem codes are read from the departments' category lists
        return (
            sa.select(Visit.tenant_id, sa.func.count(sa.distinct(Visit.id)))
            .select_from(ResultCategory)
            .join(ItemResult, ItemResult.id == ResultCategory.item_result_id)
            .join(Visit, Visit.id == ItemResult.visit_id)
            .where(when.problem_codes(), when.checked(period))
            .group_by(Visit.tenant_id)
        )

    for name, extra in (("reports_overdue", overdue), ("problems", problems)):
        if want(name):
            for tenant_id, count in db.session.execute(extra()):
                found.setdefault(tenant_id, {})[name] = count
    return found


# --- the figures --------------------------------------------------------------------------------


#: 一单两库一细则 but the item list, as they stand today: the rows that show a department has each.
BASICS: dict[str, tuple[Any, Any]] = {
    "entries": (DirectoryEntry, None),
    "inspectors": (Inspector, Inspector.active.is_(True)),
    "rules": (RulesDocument, RulesDocument.published.is_(True)),
}
RANDOM_ITEM = sa.and_(Item.status == ItemStatus.published, Item.random_check.is_(True))


def basics_present(tenant_id: int) -> dict[str, bool]:
    """Whether the department has each of its 一单两库一细则 (``items``, ``entries``, ``inspectors``,
    ``rules``) — a look for one row each, without the period's figures (a home page's to-do)."""
    found = {}
    for name, (model, condition) in {"items": (Item, RANDOM_ITEM), **BASICS}.items():
        rows = sa.exists().where(model.tenant_id == tenant_id)
        found[name] = bool(db.session.scalar(sa.select(rows.where(condition) if condition is not None else rows)))
    return found


def _count(model: Owned, condition: Condition | None = None) -> dict[int, int]:
    query = sa.select(model.tenant_id, sa.func.count()).group_by(model.tenant_id)
    if condition is not None:
        query = query.where(condition)
    return {tenant_id: n for tenant_id, n in db.session.execute(query)}


def departments(tenant_ids: Iterable[int] | None = None, period: Period | None = None) -> list[Tenant]:
    """The active departments of ``tenant_ids`` (none given: those the current scope reads — a bureau's branch);
    of ``period``, only those that existed by its end: one created after it owes nothing for it and shows nothing."""
    query = sa.select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.kind, Tenant.code)
    query = within_reach(query) if tenant_ids is None else query.where(one_of(Tenant.id, tenant_ids))
    if period is not None:
        query = query.where(sa.or_(Tenant.created_at.is_(None), Tenant.created_at < when.end_of(period)))
    return list(db.session.scalars(query))


@dataclass
class _Reading:
    """The figures being counted: each department's :class:`Status`, and which figures are ``wanted``."""

    statuses: dict[int, Status]
    wanted: Collection[str] | None

    def want(self, *names: str) -> bool:
        return self.wanted is None or any(name in self.wanted for name in names)

    def put(self, name: str, counts: Mapping[int, object]) -> None:
        for tenant_id, value in counts.items():
            if tenant_id in self.statuses:
                setattr(self.statuses[tenant_id], name, value)

    def put_all(self, found: Mapping[int, Mapping[str, object]]) -> None:
        for tenant_id, values in found.items():
            if tenant_id in self.statuses:
                for name, value in values.items():
                    setattr(self.statuses[tenant_id], name, value)


def compute(period: Period, tenants: list[Tenant], wanted: Collection[str] | None = None) -> list[Status]:
    """The figures of ``tenants`` for ``period``, read in the current scope (a department the
    scope does not show gets zeros; :mod:`access` makes sure that is never the case). 一单两库一细则
    are counted as they stood at the period's end (据实填报): the items published then, as their
    version in force then states them; the entries and active inspectors in the directories then; the
    细则 published by then. ``wanted``: only those figures (names of :class:`Status`; ``filings`` for
    the plan deadlines), the others left at zero — a page that shows a few figures does not count
    them all; ``None``: every figure."""
    reading = _Reading({t.id: Status.of(t) for t in tenants}, wanted)
    as_of = when.as_of(period)
    know_departments({t.id: t.region_id for t in tenants})  # their rules: one read per level, not per department
    unconfirmed = set()
    for tenant in tenants:
        rules = rules_for(tenant.id, as_of)
        reading.statuses[tenant.id].goals = {f: goal_of(rules, f) for f in reference.ITEM_FIELDS}
        if rules.department_starting_point:
            unconfirmed.add(tenant.id)
    _count_basics(reading, when.end_of(period), unconfirmed)
    _count_activity(reading, period)
    reading.put_all(_business_counts(period, reading.want))
    if reading.want("filings"):
        _filings(period, reading.statuses)
    return [reading.statuses[t.id] for t in tenants]


def overdue_unpublished() -> dict[int, int]:
    """By department, the results past their publication deadline today and still not published (逾期未公示, of any
    period), in the current scope."""
    late = sa.and_(Visit.published_at.is_(None), Visit.publish_due < today())
    return dict(
        db.session.execute(sa.select(Visit.tenant_id, sa.func.count()).where(late).group_by(Visit.tenant_id)).all()
    )


#: The businesses' voice (国办发〔2024〕54号): the bureaus' own rows, each reader counting those it reads.
VOICE = ("evaluations", "satisfaction_total", "complaints_open", "complaints_answered")


def count_voice(period: Period, statuses: list[Status]) -> None:
    """Set the businesses' voice (:data:`VOICE`: evaluations and complaints) of ``statuses`` for ``period`` as the
    current scope reads them, counted now: two grouped reads of the bureau's rows (a department: its forwards)."""
    reading = _Reading({s.tenant_id: s for s in statuses}, VOICE)
    reading.put_all(_business_counts(period, reading.want))


def _count_basics(reading: _Reading, end: datetime, unconfirmed: Collection[int] = ()) -> None:
    """一单两库一细则 as they stood at ``end``, the period's end; the 细则 of departments ``unconfirmed`` (started from
    another department's, its articles not yet confirmed as their own) not counted as theirs."""
    if reading.want(*ITEM_FIGURES):
        reading.put_all(_item_counts(end))
    if reading.want("entries"):
        reading.put("entries", sizes_at(end))
    if reading.want("inspectors"):
        reading.put("inspectors", _count(Inspector, listed_at(end)))
    if reading.want("rules"):
        published = _count(RulesDocument, RulesDocument.first_published_at < end)
        reading.put("rules", {tenant_id: True for tenant_id in published if tenant_id not in unconfirmed})


def _count_activity(reading: _Reading, period: Period) -> None:
    """What the departments did in the period: campaigns, draws, visits, follow-ups, joint campaigns."""
    for name, condition in _only(
        reading.want, {"campaigns": when.campaigns, "named_campaigns": when.named_campaigns}
    ).items():
        reading.put(name, _count(Campaign, condition(period)))
    if reading.want("draws"):
        reading.put("draws", _count(Draw, when.draws(period)))
    reading.put_all(_visit_counts(period, reading.want))
    if reading.want("follow_ups_open"):
        reading.put("follow_ups_open", _count(FollowUp, when.follow_ups_open(period)))
    for name, late in _only(reading.want, {"answers_on_time": False, "answers_late": True}).items():
        reading.put(name, _count(RectificationAnswer, when.answers_given(period, late)))
    if reading.want("joint"):
        joint = when.joint_of(period)
        reading.put(
            "joint",
            dict(
                db.session.execute(
                    sa.select(joint.c.tenant_id, sa.func.count(sa.distinct(joint.c.joint))).group_by(joint.c.tenant_id)
                ).all()
            ),
        )
    if reading.want("visits_saved"):
        reading.put("visits_saved", _visits_saved(period))


#: The figures of the items in force (一单), counted in one pass: each one's condition on the version.
ITEM_FIGURES = ("items", "market_items", "market_random", "other_items", "other_random")


def _only(want: Callable[..., bool], conditions: Mapping[str, T]) -> dict[str, T]:
    """Of ``conditions`` (figure name → its condition), those of the figures ``want`` asks for."""
    return {name: condition for name, condition in conditions.items() if want(name)}


def _item_counts(end: datetime) -> dict[int, dict[str, int]]:
    versions = versions_at(end)
    market, random_check = versions.c.market, versions.c.random_check
    conditions = dict(
        zip(
            ITEM_FIGURES,
            (
                random_check,
                market,
                sa.and_(market, random_check),
                sa.not_(market),
                sa.and_(sa.not_(market), random_check),
            ),
            strict=True,
        )
    )
    return {
        tenant_id: dict(zip(conditions, counts, strict=True))
        for tenant_id, *counts in db.session.execute(
            sa.select(versions.c.tenant_id, *[sa.func.count().filter(c) for c in conditions.values()])
            .where(versions.c.status == ItemStatus.published)
            .group_by(versions.c.tenant_id)
        )
    }


def _business_counts(period: Period, want: Callable[..., bool]) -> dict[int, dict[str, int]]:
    """The figures of 扫码入企 and of the business's voice (those ``want`` asks for): those of the codes
    in one pass over the codes joined to their visits; the evaluations by the department they are about (the
    bureau's rows: every department's in the bureau's reading, none in a department's own scope — a department reads
    its evaluations as :mod:`.evaluation_figures` discloses them); the complaints by the department complained
    about, as the reader may know of them (:func:`.conditions.complaints_counted`)."""
    codes = _only(
        want,
        {
            "codes_issued": when.codes_issued(period),
            "codes_scanned": when.codes_scanned(period),
            "coded_results": when.coded_results(period),
            "entered_before_result": when.entered_before_result(period),
        },
    )
    found: dict[int, dict[str, int]] = {}
    if codes:
        query = (
            sa.select(Visit.tenant_id, *[sa.func.count().filter(c) for c in codes.values()])
            .select_from(InspectionCode)
            .join(Visit, Visit.id == InspectionCode.visit_id)
            .where(sa.or_(*codes.values()))
            .group_by(Visit.tenant_id)
        )
        found = {tenant_id: dict(zip(codes, counts, strict=True)) for tenant_id, *counts in db.session.execute(query)}
    if want("evaluations", "satisfaction_total"):
        for about, count, summed in db.session.execute(
            sa.select(
                Evaluation.about_tenant_id, sa.func.count(), sa.func.coalesce(sa.func.sum(Evaluation.satisfaction), 0)
            )
            .where(when.evaluated(period))
            .group_by(Evaluation.about_tenant_id)
        ):
            found.setdefault(about, {}).update(evaluations=count, satisfaction_total=int(summed))
    model, department, counted = when.complaints_counted(current_scope().across, period)
    complaints = _only(want, counted)
    if complaints:
        for tenant_id, *counts in db.session.execute(
            sa.select(department, *[sa.func.count().filter(c) for c in complaints.values()])
            .select_from(model)
            .where(sa.or_(*complaints.values()))
            .group_by(department)
        ):
            if tenant_id is not None:
                found.setdefault(tenant_id, {}).update(zip(complaints, counts, strict=True))
    return found


def _visits_saved(period: Period) -> dict[int, int]:
    """减少检查户次 by lead department: each joint campaign's saving in whole visits, as its row of the
    joint table has it (:attr:`spotcheck.tenants.joint.figures.Savings.saved_visits`)."""
    saved: dict[int, int] = {}
    for campaign in db.session.scalars(sa.select(Campaign).where(Campaign.joint.is_(True), when.joint_in(period))):
        saving = joint_figures.savings(campaign)
        if saving is not None:
            saved[campaign.tenant_id] = saved.get(campaign.tenant_id, 0) + saving.saved_visits
    return saved


def deadline_of(tenant_id: int | None, year: int, half: int | None) -> date | None:
    """The filing deadline of a department's plan of ``year`` (``half`` None: the year's plan), by the rules
    in force on the year's first day; ``None`` where they set none."""
    return (
        rules_for(tenant_id, date(year, 1, 1)) if tenant_id is not None else rules_for_region(None, date(year, 1, 1))
    ).plan_deadline(year, half)


def submitted_on(moment: datetime | None) -> date | None:
    """The Beijing day of a moment (the day a plan was submitted)."""
    return None if moment is None else local(moment).date()


def created_on(tenant_id: int | None) -> date | None:
    """The Beijing day a department was created (``None``: unknown)."""
    tenant = db.session.get(Tenant, tenant_id) if tenant_id is not None else None
    return local(tenant.created_at).date() if tenant is not None and tenant.created_at is not None else None


def filing(tenant_id: int, year: int, half: int | None, plan: Plan | None, created: date | None = None) -> Filing:
    """The status of one plan deadline of department ``tenant_id``. Where the rules set no deadline it
    is not required; a deadline that passed before the department was created (``created``; looked up
    when not given) is not owed: never late, never missing."""
    deadline = deadline_of(tenant_id, year, half)
    day = submitted_on(plan.submitted_at) if plan is not None else None
    if created is None:
        created = created_on(tenant_id)
    if deadline is None:
        status = "not_required"
    elif created is not None and deadline < created:
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
        status.plan_year = filing(status.tenant_id, period.year, None, plans.get((status.tenant_id, None)), created)
        if status.other_items and deadline_of(status.tenant_id, period.year, 1) is not None:
            status.plan_half = [
                filing(status.tenant_id, period.year, half, plans.get((status.tenant_id, half)), created)
                for half in period.halves
            ]


# --- drill-down ------------------------------------------------------------------------------


def department_exists(tenant_id: int) -> bool:
    return db.session.scalar(sa.select(Tenant.id).where(Tenant.id == tenant_id, Tenant.active.is_(True))) is not None
