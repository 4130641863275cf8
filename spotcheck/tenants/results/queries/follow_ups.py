"""Reading follow-ups (后续处置): one of the department's, or a transfer it received (移送接收); the
department's open ones; the departments a transfer can be sent to.

A transfer is shared with the receiving department (:class:`~spotcheck.core.scoping.SharedWithReceiver`):
it reads only the copy made when the transfer is sent — the entity, the findings, the sender.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from spotcheck.core.database import db, get_row
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.results.models import FollowUp, RectificationAnswer
from spotcheck.tenants.results.vocabulary import AnswerStatus


def get_follow_up(follow_up_id: int, *, for_update: bool = False) -> FollowUp:
    """A follow-up of the department, or a transfer it received."""
    return get_row(FollowUp, follow_up_id, _l("No such follow-up."), for_update=for_update)


def receivers(tenant_id: int) -> list[Tenant]:
    """The departments a transfer can be sent to: every other active department."""
    return list(
        db.session.scalars(
            sa.select(Tenant).where(Tenant.id != tenant_id, Tenant.active.is_(True)).order_by(Tenant.code)
        )
    )


def received(*, open_only: bool = False, limit: int | None = None) -> list[FollowUp]:
    """Transfers received by the current department (移送接收), the unacknowledged first, newest first
    (the first ``limit``)."""
    query = sa.select(FollowUp).where(FollowUp.receiver_tenant_id == current_tenant_id())
    if open_only:
        query = query.where(FollowUp.closed_at.is_(None))
    return list(
        db.session.scalars(query.order_by(FollowUp.closed_at.is_not(None), FollowUp.opened_at.desc()).limit(limit))
    )


def open_of_department(limit: int | None = None) -> list[FollowUp]:
    """The department's own open follow-ups, those with a business's answer waiting for review first, then the earliest
    deadline first (审核整改答复, 复查, 结案 … to do; the first ``limit``)."""
    waiting = sa.exists().where(
        RectificationAnswer.follow_up_id == FollowUp.id, RectificationAnswer.status == AnswerStatus.submitted
    )
    query = sa.select(FollowUp).where(FollowUp.tenant_id == current_tenant_id(), FollowUp.closed_at.is_(None))
    query = query.order_by(waiting.desc(), FollowUp.deadline.is_(None), FollowUp.deadline, FollowUp.id).limit(limit)
    # their teams are asked next, and their answers
    return list(db.session.scalars(query.options(selectinload(FollowUp.visit), selectinload(FollowUp.answers))))
