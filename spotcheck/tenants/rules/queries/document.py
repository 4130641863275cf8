"""Reading the department's rules document (一细则 · 实施细则): its working draft, the version the public
portal shows, and its stored file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.tenants.rules.models import RulesDocument


def current_document(*, for_update: bool = False) -> RulesDocument | None:
    """The current department's document (``for_update``: locked and read afresh, for a command)."""
    query = sa.select(RulesDocument)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


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
    return PublishedRules(
        title=document.published_title or "",
        body=document.published_body or "",
        file_name=document.published_file_name,
        stored_name=document.published_stored_name,
        media_type=document.published_media_type,
        size=document.published_size,
        sha256=document.published_sha256,
        published_at=document.published_at,
    )


def file_path(document: RulesDocument | PublishedRules) -> Path:
    """The stored file of ``document`` (the working draft, or a :class:`PublishedRules`): a key the
    server chose, never a name from a request."""
    stored = document.stored_name
    if stored is None or not storage.exists(stored):
        raise NotFoundError(_l("No file is attached."))
    return storage.path(stored)
