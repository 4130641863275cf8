"""Complaints as each side reads them (投诉): the justice bureau reads every complaint, who made it (its handlers)
and its forward; the department complained about reads only what the bureau forwarded to it (转办), and nothing
before. Each is a query of the reader's own scope: the complaint and its contact are the bureau's rows, the forward
the bureau's row shared with the department it names."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import query
from spotcheck.core.scoping import current_tenant_id
from spotcheck.core.todo import Task
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, ComplaintForward, ComplaintStatus
from spotcheck.tenants.supervision.policy import COMPLAINT_ACTIONS, FORWARD_ACTIONS

#: The most complaints a list shows.
LISTED = 500


@dataclass(frozen=True)
class Handled:
    """A complaint as the bureau handles it: the complaint, who made it (``None`` but for its handlers), its
    forward (``None``: not forwarded) and what the reader may do."""

    complaint: Complaint
    contact: dict | None
    forward: ComplaintForward | None
    actions: frozenset[str]

    @property
    def waiting_for_department(self) -> bool:
        return self.forward is not None and self.forward.answered_at is None


def _forwards(ids: list[int]) -> dict[int, ComplaintForward]:
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(ComplaintForward).where(ComplaintForward.complaint_id.in_(ids)))
    return {row.complaint_id: row for row in rows}


def _bureau_rows(condition: sa.ColumnElement[bool] | None = None, limit: int = LISTED) -> list[Complaint]:
    statement = sa.select(Complaint).where(Complaint.tenant_id == current_tenant_id())
    if condition is not None:
        statement = statement.where(condition)
    order = sa.case(
        {ComplaintStatus.open.value: 0, ComplaintStatus.forwarded.value: 1}, value=Complaint.status, else_=2
    )
    return list(db.session.scalars(statement.order_by(order, Complaint.id.desc()).limit(limit)))


@query(Permission.SUPERVISION_READ_ALL)
def complaints(*, reader: Actor) -> list[Handled]:
    """The bureau's complaints, those to handle first (received, then forwarded), then the answered."""
    rows = _bureau_rows()
    forwards = _forwards([row.id for row in rows])
    return [Handled(row, None, forwards.get(row.id), COMPLAINT_ACTIONS.allowed(row, reader)) for row in rows]


@query(Permission.SUPERVISION_READ_ALL)
def complaint(complaint_id: int, *, reader: Actor) -> Handled:
    """One complaint of the bureau's, with who made it for those who handle it (``supervision.manage``)."""
    found = get_row(Complaint, complaint_id, _l("No such complaint."))  # the bureau's own rows only
    contact = None
    if has_permission(reader, Permission.SUPERVISION_MANAGE):
        kept = db.session.scalar(sa.select(ComplaintContact).where(ComplaintContact.complaint_id == found.id))
        contact = (
            None
            if kept is None
            else {
                "name": personal_data.decrypt(kept.name_encrypted),
                "phone": personal_data.decrypt(kept.phone_encrypted),
            }
        )
    return Handled(found, contact, _forwards([found.id]).get(found.id), COMPLAINT_ACTIONS.allowed(found, reader))


def _received(condition: sa.ColumnElement[bool] | None = None) -> sa.Select[ComplaintForward]:
    statement = sa.select(ComplaintForward).where(ComplaintForward.receiver_tenant_id == current_tenant_id())
    return statement.where(condition) if condition is not None else statement


@query(Permission.COMPLAINTS_ANSWER)
def forwarded(*, reader: Actor) -> list[tuple[ComplaintForward, frozenset[str]]]:
    """The complaints the bureau forwarded to the reader's department, those to answer first."""
    rows = db.session.scalars(
        _received().order_by(ComplaintForward.answered_at.is_not(None), ComplaintForward.id.desc()).limit(LISTED)
    )
    return [(row, FORWARD_ACTIONS.allowed(row, reader)) for row in rows]


@query(Permission.COMPLAINTS_ANSWER)
def forward(forward_id: int, *, reader: Actor) -> tuple[ComplaintForward, frozenset[str]]:
    """One complaint forwarded to the reader's department (NotFoundError for any other)."""
    found = db.session.scalar(_received(ComplaintForward.id == forward_id))
    if found is None:
        raise NotFoundError(_l("No such complaint."))
    return found, FORWARD_ACTIONS.allowed(found, reader)


def tasks(reader: Actor) -> list[Task]:
    """The home's complaints to act on: for the bureau's handlers, those received (转办 or 答复) and those its
    department answered (答复企业); for a department's leader, those forwarded to answer (部门答复)."""
    found: list[Task] = []
    if has_permission(reader, Permission.SUPERVISION_MANAGE):
        answered = sa.select(ComplaintForward.complaint_id).where(ComplaintForward.answered_at.is_not(None))
        for row in _bureau_rows(
            sa.or_(
                Complaint.status == ComplaintStatus.open,
                sa.and_(Complaint.status == ComplaintStatus.forwarded, Complaint.id.in_(answered)),
            ),
            limit=20,
        ):
            found.append(Task("complaint", row, COMPLAINT_ACTIONS.allowed(row, reader) & {"forward", "answer"}))
    if has_permission(reader, Permission.COMPLAINTS_ANSWER):
        for forward in db.session.scalars(
            _received(ComplaintForward.answered_at.is_(None)).order_by(ComplaintForward.id).limit(20)
        ):
            found.append(Task("complaint_forward", forward, FORWARD_ACTIONS.allowed(forward, reader)))
    return found
