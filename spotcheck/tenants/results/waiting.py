"""What of a campaign's visits still waits (待办的检查结果), in SQL: the results still to record, the visits whose
result found a problem (发现问题) and that await a follow-up, the follow-ups still open. The policy's campaign
steps (办结, 检查结果导入) and the to-dos ask them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import FollowUp, ItemResult, ResultCategory, Visit
from spotcheck.tenants.results.vocabulary import OPEN_STATUSES, VisitStatus


def problem_found_sql() -> sa.ColumnElement:
    """:func:`~spotcheck.tenants.results.policy.found_problem` as SQL, for a submitted or later visit: one of its
    items' categories says so."""
    return sa.exists().where(
        ItemResult.visit_id == Visit.id,
        ResultCategory.item_result_id == ItemResult.id,
        ResultCategory.code.in_(sorted(categories.problem_codes())),
    )


def _awaiting_follow_up(campaign_id: int) -> sa.Select:
    """The campaign's visits whose result found a problem and that await a follow-up or a leader's decision."""
    return (
        sa.select(Visit)
        .where(
            Visit.campaign_id == campaign_id,
            Visit.status != VisitStatus.assigned,
            Visit.no_follow_up_at.is_(None),
            problem_found_sql(),
            Visit.id.not_in(sa.select(FollowUp.visit_id)),
        )
        .order_by(Visit.id)
    )


def results_to_record(campaign: Campaign) -> tuple[int, date | None]:
    """How many of the campaign's visits still wait for their result (待录入: assigned, drafting, returned),
    a draft imported on the team's behalf left out: it waits for its 组长's confirmation, not for a record; and the
    earliest of their report deadlines (the campaign's last day for a visit whose check has not ended or whose
    rules set none, as :func:`~.queries.listing.due_of` shows it)."""
    due = sa.func.coalesce(Visit.report_due, sa.literal(campaign.window_end, sa.Date))
    count, earliest = db.session.execute(
        sa.select(sa.func.count(Visit.id), sa.func.min(due)).where(
            Visit.campaign_id == campaign.id,
            Visit.status.in_(OPEN_STATUSES),
            sa.or_(Visit.status != VisitStatus.drafting, Visit.recorded_for_team_at.is_(None)),
        )
    ).one()
    return count or 0, earliest if count else None


def any_result_open(campaign: Campaign) -> bool:
    """Whether a result of the campaign can still be recorded (or imported): visits exist once handed out; a
    corrected result is open again; an imported draft not yet confirmed may be imported again (corrected) until
    its 组长 submits it."""
    return (
        db.session.scalar(
            sa.select(Visit.id).where(Visit.campaign_id == campaign.id, Visit.status.in_(OPEN_STATUSES)).limit(1)
        )
        is not None
    )


def open_follow_ups_of(campaign: Campaign) -> int:
    """How many follow-ups (后续处置) of the campaign's visits are still open."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(FollowUp.id))
            .join(Visit, Visit.id == FollowUp.visit_id)
            .where(Visit.campaign_id == campaign.id, FollowUp.closed_at.is_(None))
        )
        or 0
    )


def any_awaiting_follow_up(campaign: Campaign) -> bool:
    """Whether a visit of the campaign awaits a follow-up or a leader's decision (:func:`_awaiting_follow_up`)."""
    return db.session.scalar(_awaiting_follow_up(campaign.id).limit(1)) is not None


def awaiting_follow_up_of(campaign: Campaign) -> list[Visit]:
    """The campaign's visits awaiting a follow-up or a leader's decision (:func:`_awaiting_follow_up`), loaded."""
    return list(db.session.scalars(_awaiting_follow_up(campaign.id)))
