"""The notice of criticism as a document (通报文书): numbered (文号), written to PDF once, a copy
shared with each department named and its leaders told — written inside supervision's approving
command with the steps of :mod:`spotcheck.tenants.notices.writing`."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.clock import today
from spotcheck.core.commands import in_command
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import clauses
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.notices import delivery, documents
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.vocabulary import NoticeKind
from spotcheck.tenants.notices.writing import AREA, numberer


def write(
    issuer: Tenant,
    criticism_id: int,
    *,
    title: str,
    opening: list[str],
    findings: list[dict],
    closing: list[str],
    contact: str,
    link: str,
) -> tuple[str, list[Notice]]:
    """A notice of criticism (通报) of ``issuer`` (the justice bureau): one document with one number,
    a copy shared with each department named in ``findings`` (``{tenant_id, name, reasons}``), and
    its leaders told in their inbox (and by e-mail). Called inside the approving command; returns
    the number and the copies."""
    if not in_command():
        raise RuntimeError("a notice of criticism is written by a command")
    subject = f"criticism:{criticism_id}"
    number = numberer(issuer, NoticeKind.criticism)()
    data = documents.pdf(
        "criticism",
        issuer=issuer.name,
        number=number,
        title=title,
        dated=documents.chinese_date(today()),
        opening=opening,
        findings=findings,
        closing=closing,
        contact=contact,
    )
    stored = storage.save_bytes(data, area=AREA, tenant_id=issuer.id, suffix=".pdf")
    copies = []
    for finding in findings:
        notice = Notice(
            kind=NoticeKind.criticism,
            subject=f"{subject}:t{finding['tenant_id']}",
            number=number,
            title=title,
            storage_key=stored.key,
            size=stored.size,
            sha256=stored.sha256,
            receiver_tenant_id=finding["tenant_id"],
            criticism_id=criticism_id,
        )
        db.session.add(notice)
        copies.append(notice)
    db.session.flush()
    for notice, finding in zip(copies, findings, strict=True):  # a copy per finding
        with tenant_scope(finding["tenant_id"]):  # the department's leaders, in its own inboxes
            for user in db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
                if has_permission(user, Permission.SUPERVISION_VIEW):
                    delivery.deliver(
                        user,
                        purpose=f"{subject}:notice",
                        notice=notice,
                        link=link,
                        subject=f"通报：{issuer.name} {number}",
                        body=f"{issuer.name}印发《{title}》，{finding['name']}被通报："
                        + clauses(reason["text"] for reason in finding["reasons"]),
                    )
            db.session.flush()
    return number, copies
