"""The implementation rules document (实施细则) of a department."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.core.scoping import TenantOwned


class RulesDocument(TenantOwned, db.Model):
    """One per department: text plus an optional file, stored outside the web root.

    The fields the department edits are its working draft; the public sees the version it last
    published (the ``published_*`` fields), until it publishes again."""

    __tablename__ = "rules_document"
    __table_args__ = (sa.UniqueConstraint("tenant_id", name="uq_rules_document_tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    file_name: Mapped[str | None] = mapped_column(sa.String(200))  # as uploaded, shown to users
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))  # random, chosen by the server
    media_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None] = mapped_column()
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    #: The version the public sees, as it was when last published.
    published_title: Mapped[str | None] = mapped_column(sa.String(200))
    published_body: Mapped[str | None] = mapped_column(sa.Text)
    published_file_name: Mapped[str | None] = mapped_column(sa.String(200))
    published_stored_name: Mapped[str | None] = mapped_column(sa.String(80))
    published_media_type: Mapped[str | None] = mapped_column(sa.String(100))
    published_size: Mapped[int | None] = mapped_column()
    published_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    #: The fields a publication copies: (working field, published field).
    VERSIONED = (("title", "published_title"), ("body", "published_body"), ("file_name", "published_file_name"),
                 ("stored_name", "published_stored_name"), ("media_type", "published_media_type"),
                 ("size", "published_size"), ("sha256", "published_sha256"))

    @property
    def has_unpublished_changes(self) -> bool:
        """The working draft differs from what the public sees (or was never published)."""
        return not self.published or any(getattr(self, a) != getattr(self, b) for a, b in self.VERSIONED)
