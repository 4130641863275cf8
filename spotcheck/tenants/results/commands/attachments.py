"""Attachments of a result (附件), as commands: a team member adds a photo or PDF while the result
can be recorded, or removes one. The type is taken from the file's content, never its name."""

from __future__ import annotations

from typing import BinaryIO, cast

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, storage
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.results import attachments
from spotcheck.tenants.results.commands._visits import locked_visit
from spotcheck.tenants.results.models import Attachment
from spotcheck.tenants.results.policy import VISIT_ACTIONS
from spotcheck.tenants.results.vocabulary import MAX_ATTACHMENTS as MAX_PER_VISIT


@command(Permission.RESULTS_ENTER)
def add_attachment(visit_id: int, data: dict, *, actor: Actor) -> Attachment:
    """A team member adds a photo or PDF (``data["stream"]``, named ``data["filename"]``) to the result
    while it can be recorded."""
    visit = locked_visit(visit_id)
    stream, filename = data.get("stream"), data.get("filename") or ""
    VISIT_ACTIONS.require(visit, actor, "record")
    if len(attachments.list_for(visit)) >= MAX_PER_VISIT:
        raise InvalidInputError({"file": [_l("A visit keeps at most %(n)d attachments.", n=MAX_PER_VISIT)]})
    stored, kind = attachments.store_checked(cast(BinaryIO, stream), area="attachments", tenant_id=visit.tenant_id)
    attachment = Attachment(
        visit_id=visit.id,
        name=attachments.clean_name(filename, kind),
        content_type=kind[0],
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        uploaded_by_id=actor.id,
        uploaded_by_name=actor.display_name,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "result.attachment_added",
        "visit",
        visit.id,
        actor=actor,
        details={"name": attachment.name, "sha256": stored.sha256, "size": stored.size},
    )
    return attachment


@command(Permission.RESULTS_ENTER)
def remove_attachment(visit_id: int, data: object, *, actor: Actor) -> None:
    """A team member removes an attachment (``data["attachment_id"]``) while the result can be recorded
    (the file goes once committed)."""
    visit = locked_visit(visit_id)
    attachment_id = data.get("attachment_id") if isinstance(data, dict) else None
    VISIT_ACTIONS.require(visit, actor, "record")
    attachment = attachments.get(visit, attachment_id)
    storage.delete_after_commit(attachment.storage_key)
    db.session.delete(attachment)
    audit.record(
        "result.attachment_removed",
        "visit",
        visit.id,
        actor=actor,
        details={"name": attachment.name, "sha256": attachment.sha256},
    )
