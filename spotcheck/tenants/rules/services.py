"""The rules document (一细则): text, an uploaded file kept in the shared storage (never under the
web root), publication."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, settings, storage
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.core.clock import now
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.tenants.rules.models import RulesDocument

#: Where the documents are kept in the shared storage.
AREA = "rules"

#: Accepted files: extension → (media type, leading bytes that prove it).
ACCEPTED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".wps": ("application/vnd.ms-works", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
}


def current_document() -> RulesDocument | None:
    return db.session.scalar(sa.select(RulesDocument))


@command(Permission.CATALOG_MANAGE)
def save_text(title: str, body: str, *, actor) -> RulesDocument:
    """Save the title and text of the department's rules document (一细则)."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter the document's title (at most 200 characters).")]
    if len(body) > 200_000:
        errors["body"] = [_l("The text is too long; attach it as a file instead.")]
    if errors:
        raise ValidationFailed(errors)
    document = current_document()
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
def attach_file(filename: str, stream, *, actor) -> RulesDocument:
    """Store an uploaded file after checking its type (extension and content) and size."""
    document = current_document()
    if document is None:
        raise ValidationFailed({"file": [_l("Save the title and text first, then attach the file.")]})
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if not name or stream is None:
        raise ValidationFailed({"file": [_l("Choose the file to upload.")]})
    if suffix not in ACCEPTED:
        raise ValidationFailed({"file": [_l("Upload a PDF, Word (.docx, .doc), WPS or OFD file.")]})
    stored = storage.save(stream, area=AREA, tenant_id=document.tenant_id, suffix=suffix,
                          limit=int(settings.get("UPLOAD_MAX_BYTES")))
    media_type, magics = ACCEPTED[suffix]
    start = storage.head(stored.key, max(len(magic) for magic in magics))
    if not stored.size or not any(start.startswith(magic) for magic in magics):
        raise ValidationFailed({"file": [_l("The file's content does not match its type %(ext)s.", ext=suffix)]})
    old = document.stored_name
    document.file_name, document.stored_name = name[:200], stored.key
    document.media_type, document.size, document.sha256 = media_type, stored.size, stored.sha256
    document.updated_at = now()
    audit.record("rules.file_attached", "rules_document", document.id, actor=actor,
                 details={"file": document.file_name, "size": document.size, "sha256": document.sha256})
    if old != document.published_stored_name:  # the public keeps the published file until the next publication
        storage.delete_after_commit(old)
    return document


@command(Permission.CATALOG_MANAGE)
def publish(*, actor) -> RulesDocument:
    """Publish the rules document on the public portal: the working text and file become the version
    the public sees (an edit of a published document stays a draft until it is published again)."""
    document = current_document()
    if document is None:
        raise NotFound(_l("There is no rules document yet."))
    superseded = document.published_stored_name
    for working, public in RulesDocument.VERSIONED:
        setattr(document, public, getattr(document, working))
    document.published, document.published_at = True, now()
    if superseded and superseded != document.stored_name:
        storage.delete_after_commit(superseded)
    audit.record("rules.published", "rules_document", document.id, actor=actor, details={"sha256": document.sha256})
    return document


@dataclass(frozen=True)
class PublishedRules:
    """What the public sees of a department's rules document: the version last published."""

    title: str
    body: str
    file_name: str | None
    stored_name: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    published_at: object


def published_version() -> PublishedRules | None:
    """The current department's rules as last published, or None if never published."""
    document = current_document()
    if document is None or not document.published:
        return None
    return PublishedRules(title=document.published_title or "", body=document.published_body or "",
                          file_name=document.published_file_name, stored_name=document.published_stored_name,
                          media_type=document.published_media_type, size=document.published_size,
                          sha256=document.published_sha256, published_at=document.published_at)


def file_path(document) -> Path:
    """The stored file of ``document`` (the working draft, or a :class:`PublishedRules`): a key the
    server chose, never a name from a request."""
    if not storage.exists(document.stored_name):
        raise NotFound(_l("No file is attached."))
    return storage.path(document.stored_name)
