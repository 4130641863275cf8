"""Who reads a document (文书阅读权限): the notices' read rule, for the queries and the pages."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, has_permission
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.vocabulary import NoticeKind
from spotcheck.tenants.results.models import FollowUp, Visit
from spotcheck.tenants.results.present_teams import membership


def readable(notice: Notice, reader: Actor) -> bool:
    """Who may read a document: the department's staff who see campaigns; the lead department's
    coordinator (联合抽查协调人) the documents of a joint campaign it coordinates, which it writes; an
    inspector their own assignment notice and the notices of the visits they are on; the receiving
    department's people who acknowledge transfers, its transfer letter."""
    tenant_id = getattr(reader, "tenant_id", None)
    if notice.kind == NoticeKind.criticism:  # 通报: the bureau's staff, and the leaders of the department named
        return tenant_id in (notice.tenant_id, notice.receiver_tenant_id) and has_permission(
            reader, Permission.SUPERVISION_VIEW
        )
    if notice.receiver_tenant_id is not None and tenant_id == notice.receiver_tenant_id:
        return has_permission(reader, Permission.TRANSFERS_RECEIVE)
    if tenant_id != notice.tenant_id:
        return False
    if has_permission(reader, Permission.CAMPAIGNS_VIEW):
        return True
    if has_permission(reader, Permission.JOINT_MANAGE) and of_joint_campaign(notice):
        return True
    if notice.kind == NoticeKind.transfer:
        return (
            has_permission(reader, Permission.RESULTS_FOLLOW_UP)
            and notice.follow_up_id is not None
            and membership(
                cast(
                    Visit, db.session.get(Visit, cast(FollowUp, db.session.get(FollowUp, notice.follow_up_id)).visit_id)
                ),
                reader,
            )
            is not None
        )
    if notice.kind == NoticeKind.assignment:
        return db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == notice.inspector_id)) == reader.id
    if notice.kind == NoticeKind.inspection:  # it carries the business's own code (企业核验码): not the team's to read
        return False
    if notice.visit_id is not None:
        return membership(cast(Visit, db.session.get(Visit, notice.visit_id)), reader) is not None
    return False


def of_joint_campaign(notice: Notice) -> bool:
    """Whether the document is of a joint campaign itself (联合抽查: its inspection notices, written by the lead),
    not of a department's part."""
    return notice.campaign_id is not None and bool(
        db.session.scalar(sa.select(Campaign.joint).where(Campaign.id == notice.campaign_id))
    )
