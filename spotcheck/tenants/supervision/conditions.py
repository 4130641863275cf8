"""The conditions of the supervision figures (监督统计口径的查询条件): one place each, for the
figure (:mod:`.figures`, counted per department) and its drill-down (:mod:`.drill_down`, the rows
it counts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from spotcheck.core.clock import as_utc, today
from spotcheck.core.database import db, one_of
from spotcheck.tenants.campaigns.models import NOT_CARRIED_OUT, Campaign, CampaignKind, Draw
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results.categories import CategoryChoice
from spotcheck.tenants.results.models import (
    FollowUp,
    InspectionCode,
    ItemResult,
    RectificationAnswer,
    ResultCategory,
    Visit,
    VisitStatus,
)
from spotcheck.tenants.supervision.models import Complaint, ComplaintForward, ComplaintStatus, Evaluation
from spotcheck.tenants.supervision.periods import Period

#: A result has been reported (报送): what "checked" counts.
#: A condition of a query's WHERE clause.
Condition = sa.ColumnElement[bool]

REPORTED = (VisitStatus.submitted, VisitStatus.approved, VisitStatus.published)
#: A result not reported yet (what an overdue report counts).
UNREPORTED = (VisitStatus.assigned, VisitStatus.drafting, VisitStatus.returned)


def between(column: sa.SQLColumnExpression[date | None], period: Period) -> Condition:
    return sa.and_(column >= period.start, column <= period.end)


def moment_between(column: sa.SQLColumnExpression[datetime | None], period: Period) -> Condition:
    return sa.and_(column >= as_utc(period.since), column < end_of(period))


def as_of(period: Period) -> date:
    """The day the period's "so far" figures are read at: its end, or today while it runs."""
    return min(period.end, today())


def end_of(period: Period) -> datetime:
    """The moment the period's 一单两库一细则 are read at (据实填报): the first moment after it, in UTC
    (as the times are stored) — what was on the lists by the end of its last day, nothing since."""
    return as_utc(period.until)


def _carried_out(period: Period) -> Condition:
    return sa.and_(
        Campaign.joint.is_(False), Campaign.status.not_in(NOT_CARRIED_OUT), between(Campaign.window_start, period)
    )


def campaigns(period: Period) -> Condition:
    """The random campaigns (抽查任务) of the period: a check of named businesses is counted apart."""
    return sa.and_(_carried_out(period), Campaign.kind == CampaignKind.random)


def named_campaigns(period: Period) -> Condition:
    """The checks of named businesses (特定对象检查) of the period."""
    return sa.and_(_carried_out(period), Campaign.kind == CampaignKind.named)


def _named_ids() -> list[int]:
    """The campaigns whose visits are checks of named businesses, not random ones — read once in the reader's scope
    and written into the condition, as :func:`problem_codes` is: as a subquery, each campaign's row-level policies
    were costed into every visit's row and a province's bureau walked its million visits for one department's."""
    return list(db.session.scalars(sa.select(Campaign.id).where(Campaign.kind == CampaignKind.named)))


def draws(period: Period) -> Condition:
    return sa.and_(Draw.drawn_at.is_not(None), moment_between(Draw.drawn_at, period))


def checked(period: Period) -> Condition:
    """The random checks reported of the period (已检查户次): a named check's visit is counted apart."""
    return sa.and_(
        Visit.status.in_(REPORTED), between(Visit.checked_on, period), sa.not_(one_of(Visit.campaign_id, _named_ids()))
    )


def named_checked(period: Period) -> Condition:
    """The checks of named businesses reported of the period (特定对象检查户次)."""
    return sa.and_(
        Visit.status.in_(REPORTED), between(Visit.checked_on, period), one_of(Visit.campaign_id, _named_ids())
    )


def problem_codes() -> sa.ColumnElement[bool]:
    """A result category that says a problem was found: a standard problem code, or one a
    department marked so in its own list (few rows: read once, written into the condition)."""
    own = db.session.execute(
        sa.select(CategoryChoice.tenant_id, CategoryChoice.code).where(CategoryChoice.problem.is_(True))
    ).all()
    by_tenant: dict[int, list[str]] = {}
    for tenant_id, code in own:
        by_tenant.setdefault(tenant_id, []).append(code)
    return sa.or_(
        ResultCategory.code.in_(sorted(reference.RESULT_PROBLEM_CATEGORIES)),
        *[
            sa.and_(ResultCategory.tenant_id == tenant_id, ResultCategory.code.in_(codes))
            for tenant_id, codes in sorted(by_tenant.items())
        ],
    )


def problem_visits() -> sa.Select[int]:
    """The visits with a problem category."""
    return (
        sa.select(ItemResult.visit_id)
        .join(ResultCategory, ResultCategory.item_result_id == ItemResult.id)
        .where(problem_codes())
    )


def problems(period: Period) -> Condition:
    return sa.and_(checked(period), Visit.id.in_(problem_visits()))


def follow_ups_open(period: Period) -> Condition:
    day = as_of(period)
    return sa.and_(FollowUp.opened_on <= day, sa.or_(FollowUp.closed_on.is_(None), FollowUp.closed_on > day))


def answers_given(period: Period, late: bool) -> Condition:
    """The businesses' answers to rectification orders (整改答复) given in the period, on time or late."""
    return sa.and_(
        RectificationAnswer.answered_on >= period.start,
        RectificationAnswer.answered_on <= min(period.end, today()),
        RectificationAnswer.late.is_(late),
    )


def publish_due(period: Period) -> Condition:
    return sa.and_(
        Visit.publish_due.is_not(None),
        Visit.publish_due >= period.start,
        Visit.publish_due <= period.end,
        Visit.publish_due < today(),
    )


class beijing_date(sa.sql.functions.GenericFunction[date]):  # noqa: N801 — SQLAlchemy names a GenericFunction by its class (the SQL function's name)
    """The Beijing calendar day of a stored UTC moment (the day a deadline is met on)."""

    type = sa.Date()
    inherit_cache = True


@compiles(beijing_date, "postgresql")
def _beijing_date_pg(element: beijing_date, compiler: SQLCompiler, **kw: object) -> str:
    return f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai')::date"


@compiles(beijing_date, "sqlite")
def _beijing_date_sqlite(element: beijing_date, compiler: SQLCompiler, **kw: object) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


class days_after(sa.sql.functions.GenericFunction[date]):  # noqa: N801 — SQLAlchemy names a GenericFunction by its class
    """The day so many days after a day: ``days_after(day, n)``."""

    type = sa.Date()
    inherit_cache = True


@compiles(days_after, "postgresql")
def _days_after_pg(element: days_after, compiler: SQLCompiler, **kw: object) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(({day}) + CAST({days} AS INTEGER))"


@compiles(days_after, "sqlite")
def _days_after_sqlite(element: days_after, compiler: SQLCompiler, **kw: object) -> str:
    day, days = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"date({day}, '+' || ({days}) || ' days')"


def published_by_due() -> Condition:
    """First published no later than the end of its due day (Beijing): a correction published later, which moves
    ``published_at``, does not make a result published in time late."""
    first = sa.func.coalesce(Visit.first_published_at, Visit.published_at)
    return sa.and_(first.is_not(None), beijing_date(first) <= Visit.publish_due)


def published_late(period: Period) -> Condition:
    return sa.and_(publish_due(period), sa.not_(published_by_due()))


def report_due() -> sa.ColumnElement[date]:
    """A visit's report deadline: its own (from the day checked), else its campaign's last day
    (as :func:`spotcheck.tenants.results.queries.listing.due_of`); the caller joins the visit's campaign."""
    return sa.func.coalesce(Visit.report_due, Campaign.window_end)


def reported_late() -> Condition:
    """A result first reported (submitted) after its report deadline (逾期提交, by the Beijing day; as
    :func:`spotcheck.tenants.results.deadlines.lateness`); the caller joins the visit's campaign."""
    return sa.and_(Visit.first_submitted_at.is_not(None), beijing_date(Visit.first_submitted_at) > report_due())


def reports_overdue(period: Period) -> Condition:
    """A report due in the period and past due: not reported yet, or reported late (逾期提交) — a late
    report stays on the list, marked, rather than leave it when it is made at last."""
    due = report_due()
    return sa.and_(between(due, period), sa.or_(sa.and_(Visit.status.in_(UNREPORTED), due < today()), reported_late()))


def provisional(period: Period) -> Condition:
    """A visit whose pending deadline (report not yet submitted, result not yet published) is provisional
    (暂按周一至周五计算: it falls in a year without an official calendar), checked or due in the period."""
    pending_report = sa.and_(
        Visit.report_due_provisional.is_(True), Visit.report_due.is_not(None), Visit.status.in_(UNREPORTED)
    )
    pending_publication = sa.and_(
        Visit.publish_due_provisional.is_(True), Visit.publish_due.is_not(None), Visit.published_at.is_(None)
    )
    return sa.and_(
        sa.or_(pending_report, pending_publication),
        sa.or_(
            between(Visit.checked_on, period), between(Visit.report_due, period), between(Visit.publish_due, period)
        ),
    )


def joint_in(period: Period) -> Condition:
    """A joint campaign (or a department's part of one) of the period, past its preparation."""
    return sa.and_(Campaign.status.not_in(NOT_CARRIED_OUT), between(Campaign.window_start, period))


def joint_of(period: Period) -> sa.Subquery:
    """The joint campaigns (ids) a department led or took part in, by department."""
    led = sa.select(Campaign.tenant_id, Campaign.id.label("joint")).where(Campaign.joint.is_(True), joint_in(period))
    part = sa.select(Campaign.tenant_id, Campaign.joint_id.label("joint")).where(
        Campaign.joint_id.is_not(None), joint_in(period)
    )
    return sa.union(led, part).subquery()


# --- 扫码入企 and the business's voice (国办发〔2024〕54号) -----------------------------------------------
# The caller joins the visit's inspection code (``InspectionCode.visit_id == Visit.id``); the evaluations and the
# complaints are the justice bureau's rows, each naming the department it is about.


def codes_issued(period: Period) -> Condition:
    """A visit whose 检查码 was issued (at hand-out) in the period."""
    return moment_between(InspectionCode.issued_at, period)


def codes_scanned(period: Period) -> Condition:
    """… and whose page has been opened at least once (扫码核验)."""
    return sa.and_(codes_issued(period), InspectionCode.first_scanned_at.is_not(None))


def coded_results(period: Period) -> Condition:
    """A visit with a code whose result was reported, checked in the period (as :func:`checked`)."""
    return sa.and_(checked(period), InspectionCode.id.is_not(None))


def entered_before_result(period: Period) -> Condition:
    """… whose 入企 was written down (at the door, or by a 补录) before its result was first reported."""
    return sa.and_(
        coded_results(period),
        InspectionCode.arrival_recorded_at.is_not(None),
        InspectionCode.arrival_recorded_at <= Visit.first_submitted_at,
    )


def evaluated(period: Period) -> Condition:
    """An evaluation (评价, the justice bureau's row) a business gave in the period."""
    return moment_between(Evaluation.evaluated_at, period)


def _answered_by_end(period: Period) -> Condition:
    return sa.and_(
        Complaint.status == ComplaintStatus.answered,
        Complaint.answered_at.is_not(None),
        Complaint.answered_at < end_of(period),
    )


def complaints_open(period: Period) -> Condition:
    """A complaint (投诉) made in the period, not answered by its end (a past period's figure stays as it was)."""
    return sa.and_(moment_between(Complaint.created_at, period), sa.not_(_answered_by_end(period)))


def complaints_answered(period: Period) -> Condition:
    """A complaint made in the period, answered by the bureau by its end."""
    return sa.and_(moment_between(Complaint.created_at, period), _answered_by_end(period))


def _forward_answered_by_end(period: Period) -> Condition:
    return sa.and_(ComplaintForward.answered_at.is_not(None), ComplaintForward.answered_at < end_of(period))


def forwards_open(period: Period) -> Condition:
    """A complaint the bureau forwarded to the department (转办) in the period, not answered by it by its end."""
    return sa.and_(moment_between(ComplaintForward.forwarded_at, period), sa.not_(_forward_answered_by_end(period)))


def forwards_answered(period: Period) -> Condition:
    """A complaint forwarded to the department in the period, answered by it to the bureau by its end."""
    return sa.and_(moment_between(ComplaintForward.forwarded_at, period), _forward_answered_by_end(period))


class CountedComplaints(NamedTuple):
    """What the complaint figures count: the rows, the department column they are counted by, and each
    figure's condition."""

    model: type[Complaint] | type[ComplaintForward]
    department: sa.SQLColumnExpression[int | None]
    conditions: dict[str, Condition]


def complaints_counted(every_department: bool, period: Period) -> CountedComplaints:
    """What the complaint figures count, and by which department: for the justice bureau (``every_department``)
    its complaints, by the department complained about; for a department, only the complaints the bureau
    forwarded to it (转办) — before that, it knows of none. (model, department column, figure → condition)."""
    if every_department:
        return CountedComplaints(
            Complaint,
            Complaint.about_tenant_id,
            {"complaints_open": complaints_open(period), "complaints_answered": complaints_answered(period)},
        )
    return CountedComplaints(
        ComplaintForward,
        ComplaintForward.receiver_tenant_id,
        {"complaints_open": forwards_open(period), "complaints_answered": forwards_answered(period)},
    )
