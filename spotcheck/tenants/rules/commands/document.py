"""Keeping the rules document (一细则 · 实施细则): its text, an uploaded file kept in the shared storage
(never under the web root), publication on the public portal."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, settings, storage
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.rules.models import RulesDocument
from spotcheck.tenants.rules.policy import require_document
from spotcheck.tenants.rules.queries import current_document
from spotcheck.tenants.rules.vocabulary import ACCEPTED, AREA


@command(Permission.CATALOG_MANAGE)
def save_text(data: dict, *, actor: Actor) -> RulesDocument:
    """Save the title and text (``data``: ``title``, ``body``) of the department's rules document (一细则)."""
    title, body = str(data.get("title") or "").strip(), str(data.get("body") or "").strip()
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter the document's title (at most 200 characters).")]
    if len(body) > 200_000:
        errors["body"] = [_l("The text is too long; attach it as a file instead.")]
    if errors:
        raise InvalidInputError(errors)
    document = current_document(for_update=True)
    require_document(document, actor, "write")
    if document is None:
        document = RulesDocument(title=title, body=body)
        db.session.add(document)
    else:
        document.title, document.body = title, body
    document.updated_at = now()
    db.session.flush()
    audit.record("rules.saved", "rules_document", document.id, actor=actor, details={"title": title})
    return document


@command(Permission.CATALOG_MANAGE)
def attach_file(data: dict, *, actor: Actor) -> RulesDocument:
    """Store an uploaded file (``data``: ``file_name`` as uploaded, ``stream``) after checking its
    type (extension and content) and size."""
    filename, stream = data.get("file_name"), data.get("stream")
    document = require_document(current_document(for_update=True), actor, "attach_file")
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if not name or stream is None:
        raise InvalidInputError({"file": [_l("Choose the file to upload.")]})
    if suffix not in ACCEPTED:
        raise InvalidInputError({"file": [_l("Upload a PDF, Word (.docx, .doc), WPS or OFD file.")]})
    stored = storage.save(
        stream, area=AREA, tenant_id=document.tenant_id, suffix=suffix, limit=int(settings.get("UPLOAD_MAX_BYTES"))
    )
    media_type, magics = ACCEPTED[suffix]
    start = storage.head(stored.key, max(len(magic) for magic in magics))
    if not stored.size or not any(start.startswith(magic) for magic in magics):
        raise InvalidInputError({"file": [_l("The file's content does not match its type %(ext)s.", ext=suffix)]})
    old = document.stored_name
    document.file_name, document.stored_name = name[:200], stored.key
    document.media_type, document.size, document.sha256 = media_type, stored.size, stored.sha256
    document.updated_at = now()
    audit.record(
        "rules.file_attached",
        "rules_document",
        document.id,
        actor=actor,
        details={"file": document.file_name, "size": document.size, "sha256": document.sha256},
    )
    if old != document.published_stored_name:  # the public keeps the published file until the next publication
        storage.delete_after_commit(old)
    return document


@command(Permission.CATALOG_MANAGE)
def publish(*, actor: Actor) -> RulesDocument:
    """Publish the rules document on the public portal: the working text and file become the version
    the public sees (an edit of a published document stays a draft until it is published again)."""
    document = require_document(current_document(for_update=True), actor, "publish")
    superseded = document.published_stored_name
    for working, public in RulesDocument.VERSIONED:
        setattr(document, public, getattr(document, working))
    document.published, document.published_at = True, now()
    document.first_published_at = document.first_published_at or document.published_at
    if superseded and superseded != document.stored_name:
        storage.delete_after_commit(superseded)
    audit.record("rules.published", "rules_document", document.id, actor=actor, details={"sha256": document.sha256})
    return document
