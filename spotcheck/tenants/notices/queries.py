"""Reading documents and messages (文书与消息查询): a campaign's, a visit's, a transfer's documents
that the reader may read (:func:`spotcheck.tenants.notices.policy.readable`), the notices of
criticism received, and the inbox."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import jobs, storage
from spotcheck.core.actor import Actor
from spotcheck.core.clock import as_utc
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.campaigns.models import Campaign, TeamExpert
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices.delivery import deliveries_query, inbox_query, unread_count  # noqa: F401 (the inbox's reads)
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.policy import readable
from spotcheck.tenants.notices.vocabulary import NoticeKind
from spotcheck.tenants.results.models import FollowUp, Visit
from spotcheck.tenants.results.queries import teams as team_reads


@query(Permission.SIGNED_IN)
def notice_for(notice_id: int, reader: Actor) -> Notice:
    """The document, if ``reader`` may read it (:func:`readable`); NotFoundError otherwise, as for a
    document that does not exist."""
    notice = get_row(Notice, notice_id, _l("No such document."))
    if not readable(notice, reader):
        raise NotFoundError(_l("No such document."))
    return notice


@query(Permission.SIGNED_IN)
def notices_of_campaign(campaign: Campaign, reader: Actor) -> list[Notice]:
    """The campaign's documents that ``reader`` may read: inspection notices, assignment notices,
    announcements, each in the order written."""
    rows = db.session.scalars(sa.select(Notice).where(Notice.campaign_id == campaign.id).order_by(Notice.id)).all()
    order = list(NoticeKind)
    return sorted((notice for notice in rows if readable(notice, reader)), key=lambda n: (order.index(n.kind), n.id))


@query(Permission.SIGNED_IN)
def notices_of_visit(visit: Visit, reader: Actor) -> list[Notice]:
    rows = db.session.scalars(sa.select(Notice).where(Notice.visit_id == visit.id).order_by(Notice.id)).all()
    return [notice for notice in rows if readable(notice, reader)]


@query(Permission.SIGNED_IN)
def for_visit_page(visit: Visit, reader: Actor) -> list[Notice]:
    """The visit's inspection notice and the reader's own assignment notice of its campaign."""
    found = notices_of_visit(visit, reader)
    own = assignment_of(visit.campaign_id, reader)
    return found + ([own] if own is not None else [])


def letter_of(follow_up: FollowUp) -> Notice | None:
    """A transfer's letter (the sender's and the receiver's to read)."""
    return db.session.scalar(
        sa.select(Notice).where(Notice.follow_up_id == follow_up.id, Notice.kind == NoticeKind.transfer)
    )


def assignment_of(campaign_id: int, reader: Actor) -> Notice | None:
    """The reader's own assignment notice of a campaign (through the linked inspector entry)."""
    inspector_id = db.session.scalar(sa.select(Inspector.id).where(Inspector.user_id == getattr(reader, "id", None)))
    if inspector_id is None:
        return None
    return db.session.scalar(
        sa.select(Notice).where(Notice.subject == f"campaign:{campaign_id}:inspector:{inspector_id}")
    )


def notice_file(notice: Notice) -> bytes:
    return storage.read(notice.storage_key)


@query(Permission.SIGNED_IN)
def criticisms_received(reader: Actor) -> list[Notice]:
    """The notices of criticism the reader's department received, newest first."""
    rows = db.session.scalars(
        sa.select(Notice)
        .where(Notice.kind == NoticeKind.criticism, Notice.receiver_tenant_id == getattr(reader, "tenant_id", None))
        .order_by(Notice.id.desc())
    )
    return [notice for notice in rows if readable(notice, reader)]


def criticism_copies(criticism_id: int) -> list[Notice]:
    """The copies of an approved notice of criticism, one per department named (the bureau's rows)."""
    return list(
        db.session.scalars(
            sa.select(Notice)
            .where(Notice.kind == NoticeKind.criticism, Notice.criticism_id == criticism_id)
            .order_by(Notice.id)
        )
    )


def after_notice(campaign: Campaign, entity_id: int, experts: list[TeamExpert]) -> dict[int, str]:
    """The experts who joined after the visit's inspection notice was written (it is never written
    again, so it does not name them): expert id → the notice's number."""
    visit = team_reads.visit_of(campaign.id, entity_id)
    if visit is None or not experts:
        return {}
    notice = db.session.scalar(
        sa.select(Notice).where(Notice.visit_id == visit.id, Notice.kind == NoticeKind.inspection).limit(1)
    )
    if notice is None:
        return {}
    return {expert.id: notice.number for expert in experts if as_utc(expert.added_at) > as_utc(notice.created_at)}


def jobs_of_campaign(campaign: Campaign, reader: Actor) -> list[Job]:
    """The newest jobs writing this campaign's documents that ``reader`` may see (to show progress)."""
    return [
        job
        for job in jobs.list_jobs(reader, kinds=("notices.campaign", "notices.announcement"))
        if (job.params or {}).get("campaign_id") == campaign.id
    ]
