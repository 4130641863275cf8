"""Attachments of a result (附件): photos and PDFs of the inspection, kept through the core storage.

The type is taken from the file's content (its first bytes), never from its name or the
browser's word; the size is limited (``UPLOAD_MAX_BYTES``); the SHA-256 is kept, so a copy can
be checked against the record. Team members add and remove them while the result can be
recorded; anyone who may read the visit downloads them through a permission-checked route.
"""
from __future__ import annotations

import re
from typing import BinaryIO

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, settings, storage
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.results.models import Attachment, Visit
from spotcheck.tenants.results.rules import VISIT_ACTIONS

#: The kinds taken, by their first bytes: (content type, suffix).
SIGNATURES = (
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
    (b"%PDF-", ("application/pdf", ".pdf")),
)
#: The most attachments one visit keeps.
MAX_PER_VISIT = 30
NAME_LENGTH = 200


def kind_of(head: bytes) -> tuple[str, str] | None:
    """The content type and suffix of a file starting with ``head``, or ``None`` if not taken."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def _clean_name(name: str) -> str:
    """The file's name as shown: its last path part, no control characters, at most 200 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-NAME_LENGTH:] or "附件"


def list_for(visit: Visit) -> list[Attachment]:
    return list(db.session.scalars(sa.select(Attachment).where(Attachment.visit_id == visit.id)
                                   .order_by(Attachment.id)))


def any_for(visit: Visit) -> bool:
    """Whether the visit's result has an attachment (the record may be one, seed 002)."""
    return visit.id is not None and db.session.scalar(
        sa.select(Attachment.id).where(Attachment.visit_id == visit.id).limit(1)) is not None


def get(visit: Visit, attachment_id: int) -> Attachment:
    found = db.session.scalar(sa.select(Attachment).where(Attachment.id == attachment_id,
                                                          Attachment.visit_id == visit.id)) \
        if is_row_id(attachment_id) else None
    if found is None:
        raise NotFound(_l("No such attachment."))
    return found


@command(Permission.RESULTS_ENTER)
def add_attachment(visit: Visit, stream: BinaryIO, filename: str, *, actor) -> Attachment:
    """A team member adds a photo or PDF to the result while it can be recorded."""
    VISIT_ACTIONS.require(visit, actor, "record")
    if len(list_for(visit)) >= MAX_PER_VISIT:
        raise ValidationFailed({"file": [_l("A visit keeps at most %(n)d attachments.", n=MAX_PER_VISIT)]})
    stored = storage.save(stream, area="attachments", tenant_id=visit.tenant_id,
                          limit=settings.get("UPLOAD_MAX_BYTES"), field="file")
    if stored.size == 0:
        raise ValidationFailed({"file": [_l("The file is empty.")]})
    kind = kind_of(storage.head(stored.key, 16))
    if kind is None:
        raise ValidationFailed({"file": [_l("Attach a photo (JPEG, PNG) or a PDF document.")]})
    attachment = Attachment(visit_id=visit.id, name=_clean_name(filename), content_type=kind[0], size=stored.size,
                            sha256=stored.sha256, storage_key=stored.key, uploaded_by_id=actor.id,
                            uploaded_by_name=actor.display_name)
    db.session.add(attachment)
    db.session.flush()
    audit.record("result.attachment_added", "visit", visit.id, actor=actor,
                 details={"name": attachment.name, "sha256": stored.sha256, "size": stored.size})
    return attachment


@command(Permission.RESULTS_ENTER)
def remove_attachment(visit: Visit, attachment_id: int, *, actor) -> None:
    """A team member removes an attachment while the result can be recorded (the file goes once committed)."""
    VISIT_ACTIONS.require(visit, actor, "record")
    attachment = get(visit, attachment_id)
    storage.delete_after_commit(attachment.storage_key)
    db.session.delete(attachment)
    audit.record("result.attachment_removed", "visit", visit.id, actor=actor,
                 details={"name": attachment.name, "sha256": attachment.sha256})
