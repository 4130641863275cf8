"""Reading visits (检查列表) for the pages and the API: an inspector's own visits, a review or publication
queue, a campaign's visits — each with the deadline that matters now and its flag."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.common.queries import NumberedPage, paginate
from spotcheck.tenants.results import deadlines, policy, waiting
from spotcheck.tenants.results.models import ItemResult, ResultCategory, Visit
from spotcheck.tenants.results.policy import OPEN, sees_every_visit, visible_visits
from spotcheck.tenants.results.present_teams import on_team_of_visit
from spotcheck.tenants.results.vocabulary import FOUND_PROBLEM, VisitStatus

PER_PAGE = 50


def mine(actor: Actor) -> sa.Select:
    """The visits the actor is on (through their linked inspector entry), only those."""
    return sa.select(Visit).where(on_team_of_visit(actor))


def every() -> sa.Select:
    """Every visit of the department."""
    return sa.select(Visit)


def in_status(*statuses: VisitStatus) -> sa.Select:
    return sa.select(Visit).where(Visit.status.in_(statuses))


def of_campaign(campaign_id: int) -> sa.Select:
    return sa.select(Visit).where(Visit.campaign_id == campaign_id)


def _due_now() -> sa.ColumnElement[date | None]:
    """The deadline that matters in the visit's state, as SQL (see :func:`due_of`)."""
    return sa.case(
        (Visit.status.in_(OPEN), Visit.report_due),
        (Visit.status.in_((VisitStatus.submitted, VisitStatus.approved)), Visit.publish_due),
        else_=None,
    )


def ordered(query: sa.Select) -> sa.Select:
    """Most urgent first: by the deadline that matters now, then by id."""
    return query.order_by(_due_now().asc().nulls_last(), Visit.id)


@query(Permission.SIGNED_IN)
def visits_page(
    *,
    reader: Actor,
    mine: bool = False,
    status: VisitStatus | str | None = None,
    campaign_id: int | None = None,
    statuses: Collection[VisitStatus | str] = (),
    number: int = 1,
    category: str = "",
) -> NumberedPage:
    """The visits ``reader`` may see, most urgent first (:func:`~spotcheck.tenants.results.policy.visible_visits`):
    ``mine`` (always, for a reader who does not read the department's campaigns) only those whose team
    they are on; else filtered by ``status`` (or ``statuses``), ``campaign_id`` and the result
    ``category`` (检查结果类别: a result with an item of that category; :data:`FOUND_PROBLEM`: of any
    category that found a problem)."""
    return page(
        _matching(reader, mine=mine, status=status, campaign_id=campaign_id, statuses=statuses, category=category),
        number,
    )


def _matching(
    reader: Actor,
    *,
    mine: bool = False,
    status: VisitStatus | str | None = None,
    campaign_id: int | None = None,
    statuses: Collection[VisitStatus | str] = (),
    category: str = "",
) -> sa.Select:
    found = mine_or_visible(reader, mine)
    if category == FOUND_PROBLEM:
        found = found.where(waiting.problem_found_sql())
    elif category:
        found = found.where(
            Visit.id.in_(
                sa.select(ItemResult.visit_id)
                .join(ResultCategory, ResultCategory.item_result_id == ItemResult.id)
                .where(ResultCategory.code == category)
            )
        )
    if status is not None:
        found = found.where(Visit.status == status)
    if statuses:
        found = found.where(Visit.status.in_(statuses))
    if campaign_id is not None:
        found = found.where(Visit.campaign_id == campaign_id)
    return found


#: The most rows one bulk step takes (the bulk commands' limit).
TOGETHER_MOST = 5000


@query(Permission.RESULTS_REVIEW)
def approvable_together(*, reader: Actor, campaign_id: int | None = None, category: str = "") -> list[int]:
    """批量审核: the submitted results of the review list's filter that ``reader`` may approve in one
    step, most urgent first (at most :data:`TOGETHER_MOST`): those that found no problem (the
    others are approved each on its own page, never unseen) and that ``reader`` did not record or
    submit. The approval checks each again."""
    found = _matching(reader, status=VisitStatus.submitted, campaign_id=campaign_id, category=category)
    rows = db.session.execute(
        ordered(found.where(~waiting.problem_found_sql()))
        .with_only_columns(Visit.id, Visit.entered_by, Visit.submitted_by_id)
        .limit(TOGETHER_MOST)
    )
    return [row.id for row in rows if policy.not_its_author(row, reader)]


@query(Permission.RESULTS_PUBLISH)
def publishable_together(*, reader: Actor, campaign_id: int | None = None) -> list[int]:
    """批量公示: the approved results of the publication queue's filter, most urgent first (at most
    :data:`TOGETHER_MOST`)."""
    found = _matching(reader, status=VisitStatus.approved, campaign_id=campaign_id)
    return list(db.session.scalars(ordered(found).with_only_columns(Visit.id).limit(TOGETHER_MOST)))


@query(Permission.SIGNED_IN)
def campaigns_waiting(*, reader: Actor, status: VisitStatus) -> list[tuple[int, str | None, str, int]]:
    """The campaigns with visits in ``status`` that ``reader`` sees — id, number, title and how many —
    newest first: the filter of the review and publication queues."""
    visible = _matching(reader, status=status).subquery()
    rows = db.session.execute(
        sa.select(Campaign.id, Campaign.code, Campaign.title, sa.func.count(visible.c.id))
        .join(visible, visible.c.campaign_id == Campaign.id)
        .group_by(Campaign.id, Campaign.code, Campaign.title)
        .order_by(Campaign.id.desc())
    )
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def publication_urgency(reader: Actor, status: VisitStatus) -> tuple[int, int]:
    """Of the visits in ``status`` that ``reader`` sees (a review or publication queue), how many are past
    their publication due date and how many are due soon (within the rules' ``due_soon_days`` working days,
    as :func:`deadlines.flag` says it)."""
    found = _matching(reader, status=status).subquery()
    on = today()
    soon_until = deadlines.due_soon_until(on, tenant_id=reader.tenant_id)
    past, soon = (
        sa.func.sum(sa.case((condition, 1), else_=0))
        for condition in (found.c.publish_due < on, found.c.publish_due.between(on, soon_until))
    )
    row = db.session.execute(sa.select(past, soon).select_from(found)).one()
    return int(row[0] or 0), int(row[1] or 0)


def mine_or_visible(reader: Actor, mine: bool) -> sa.Select:
    if mine or not sees_every_visit(reader):
        return sa.select(Visit).where(on_team_of_visit(reader))
    return sa.select(Visit).where(visible_visits(reader))


#: A listed visit comes with its results (a row says whether it found a problem) and follow-ups.
_WITH_RESULTS = (selectinload(Visit.results), selectinload(Visit.follow_ups))


def page(query: sa.Select, number: int = 1, per_page: int = PER_PAGE) -> NumberedPage:
    return paginate(ordered(query).options(*_WITH_RESULTS), page=number, per_page=per_page, make=lambda row: row[0])


def first(query: sa.Select, limit: int = 200) -> list[Visit]:
    return list(db.session.scalars(ordered(query).options(*_WITH_RESULTS).limit(limit)))


def due_field_of(visit: Visit) -> str | None:
    """Which due date matters in the visit's present state: the report's until the result is
    submitted, then publication's (the review counts inside its 20 working days); none once published."""
    if visit.status in OPEN:
        return "report_due"
    if visit.status in (VisitStatus.submitted, VisitStatus.approved):
        return "publish_due"
    return None


def due_rules(visit: Visit) -> str:
    """The due dates the visit's check is given by the rules in force where it ends (today while it
    has not ended), in words with their documents (:func:`deadlines.due_rules_words`)."""
    return deadlines.due_rules_words(visit.tenant_id, visit.checked_until or today(), visit.campaign.window_end)


def due_of(visit: Visit) -> date | None:
    """The deadline that matters now (:func:`due_field_of`); before the check's end is recorded, the
    last day of the campaign's window."""
    field = due_field_of(visit)
    if field is None:
        return None
    if field == "report_due" and visit.report_due is None:
        return visit.campaign.window_end
    return getattr(visit, field)


def due_provisional(visit: Visit) -> bool:
    """Whether the deadline that matters now is provisional (暂按周一至周五计算)."""
    field = due_field_of(visit)
    return bool(field and deadlines.provisional(visit, field))


def overdue_of(visit: Visit, on: date | None = None) -> deadlines.Overdue | None:
    """逾期N个工作日: how many working days the visit is past the deadline that matters now (:func:`due_field_of`)
    — its publication's while it waits for review or publication, its report's before — counted on the
    official calendar (None: not past it; or a report the rules give no deadline, bounded by the campaign's
    last day, which is flagged overdue without a count of working days)."""
    field = due_field_of(visit)
    if field == "publish_due":
        return deadlines.publication_overdue(visit, on)
    if field == "report_due":
        return deadlines.overdue(visit.report_due, on)
    return None


def flag_of(visit: Visit, on: date | None = None) -> str | None:
    return deadlines.flag(due_of(visit), on)
