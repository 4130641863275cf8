"""Attachments of a result (附件): photos and PDFs of the inspection, kept through the core storage
(the commands that add and remove them are in :mod:`spotcheck.tenants.results.commands.attachments`).

The type is taken from the file's content (its first bytes), never from its name or the
browser's word; the size is limited (``UPLOAD_MAX_BYTES``); the SHA-256 is kept, so a copy can
be checked against the record. Team members add and remove them while the result can be
recorded; anyone who may read the visit downloads them through a permission-checked route.
"""

from __future__ import annotations

import re
from typing import BinaryIO, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import settings, storage
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.tenants.results.models import Attachment, Visit

#: The kinds taken, by their first bytes: (content type, suffix).
SIGNATURES = (
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
    (b"%PDF-", ("application/pdf", ".pdf")),
)
NAME_LENGTH = 200


def kind_of(head: bytes) -> tuple[str, str] | None:
    """The content type and suffix of a file starting with ``head``, or ``None`` if not taken."""
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


#: The suffixes a name may keep for each content type (else it gets the type's own).
SUFFIXES = {"image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",), "application/pdf": (".pdf",)}


def clean_name(name: str, kind: tuple[str, str] | None = None) -> str:
    """The file's name as shown: its last path part, no control characters, at most 200 characters;
    with ``kind`` (from the content), ending with that type's suffix — a PNG named ``x.html`` is
    kept and downloaded as ``x.png``, never as a page."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "附件"
    if kind is not None:
        stem, dot, suffix = name.rpartition(".")
        if f".{suffix.lower()}" not in SUFFIXES.get(kind[0], ()) or not dot:
            name = (stem if dot and stem else name) + kind[1]
    return name[-NAME_LENGTH:]


def store_checked(
    stream: BinaryIO, *, area: str, tenant_id: int, field: str = "file"
) -> tuple[storage.Stored, tuple[str, str]]:
    """Store an uploaded photo or PDF (a result's attachment, a business's rectification file): at most
    ``UPLOAD_MAX_BYTES``, not empty, its type taken from its first bytes — else a field error under ``field`` (the
    file stored is gone when the command fails). The stored file and its kind (content type, suffix)."""
    stored = storage.save(stream, area=area, tenant_id=tenant_id, limit=settings.get("UPLOAD_MAX_BYTES"), field=field)
    if stored.size == 0:
        raise InvalidInputError({field: [_l("The file is empty.")]})
    kind = kind_of(storage.head(stored.key, 16))
    if kind is None:
        raise InvalidInputError({field: [_l("Attach a photo (JPEG, PNG) or a PDF document.")]})
    return stored, kind


def list_for(visit: Visit) -> list[Attachment]:
    return list(
        db.session.scalars(sa.select(Attachment).where(Attachment.visit_id == visit.id).order_by(Attachment.id))
    )


def any_for(visit: Visit) -> bool:
    """Whether the visit's result has an attachment (the record may be one, seed 002)."""
    return (
        cast(int | None, visit.id) is not None  # a visit not flushed yet has no id, nor attachments
        and db.session.scalar(sa.select(Attachment.id).where(Attachment.visit_id == visit.id).limit(1)) is not None
    )


def get(visit: Visit, attachment_id: object) -> Attachment:
    found = (
        db.session.scalar(sa.select(Attachment).where(Attachment.id == attachment_id, Attachment.visit_id == visit.id))
        if is_row_id(attachment_id)
        else None
    )
    if found is None:
        raise NotFoundError(_l("No such attachment."))
    return found
