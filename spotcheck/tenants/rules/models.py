"""The implementation rules document (实施细则) of a department."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned
from spotcheck.tenants.rules.citations import DocumentRef


class RulesDocument(TenantOwned, Model):
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
    #: When it was first published: a period's figures count the 细则 published by its end.
    first_published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
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
    VERSIONED = (
        ("title", "published_title"),
        ("body", "published_body"),
        ("file_name", "published_file_name"),
        ("stored_name", "published_stored_name"),
        ("media_type", "published_media_type"),
        ("size", "published_size"),
        ("sha256", "published_sha256"),
    )

    @property
    def has_unpublished_changes(self) -> bool:
        """The working draft differs from what the public sees (or was never published)."""
        return not self.published or any(getattr(self, a) != getattr(self, b) for a, b in self.VERSIONED)


class RuleVersion(Model):
    """One version of the rules as loaded (规则版本): a region's rulebook (实施方案, ``tenant_id`` None,
    ``region_id`` its region) or a department's rules (细则), in force from ``effective_from`` until the next
    version of the same scope. Public data, like the official calendar: every department, the justice bureau and the
    portal read every version; only the loading commands write, each audited. A version loaded for a
    day not yet come may be replaced before that day (the replaced one is kept, ``withdrawn``)."""

    __tablename__ = "rule_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tenant.id"), index=True, nullable=True)
    #: A rulebook's region (its level): the region whose 实施方案 it is (None: loaded before the deployment had a
    #: tree — the root's). None for a department's version.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True, nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # rulebook / department
    effective_from: Mapped[date] = mapped_column(sa.Date, index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    short_title: Mapped[str] = mapped_column(sa.String(60))
    issuer: Mapped[str] = mapped_column(sa.String(100))
    number: Mapped[str] = mapped_column(sa.String(60), default="")  # 文号
    #: The document as read (:func:`spotcheck.tenants.rules.rulefile.to_json`).
    content: Mapped[dict] = mapped_column(sa.JSON)
    #: The file as loaded, and its SHA-256.
    source_text: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    preset: Mapped[str] = mapped_column(sa.String(60), default="")  # the preset it came from, if any
    withdrawn: Mapped[bool] = mapped_column(default=False)  # replaced before it took effect
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    loaded_by_name: Mapped[str] = mapped_column(sa.String(100), default="")

    @property
    def cited(self) -> DocumentRef:
        """This version's document as the rules cite it (《标题》（文号））."""
        return DocumentRef(self.kind, self.title, self.short_title, self.number, self.effective_from, self.id)

    @classmethod
    def of_scope(cls, tenant_id: int | None, region_id: int | None = None) -> sa.ColumnElement[bool]:
        """The condition of one scope's versions: a department's (``tenant_id``), else region ``region_id``'s
        rulebook (``region_id`` None, or the root's id with ``root``: see :func:`of_region`)."""
        if tenant_id is not None:
            return cls.tenant_id == tenant_id
        return sa.and_(
            cls.tenant_id.is_(None), cls.region_id.is_(None) if region_id is None else cls.region_id == region_id
        )

    @classmethod
    def of_region(cls, region_id: int | None, root: bool) -> sa.ColumnElement[bool]:
        """The condition of a region's rulebook versions; the root's (``root``) include those loaded before the
        deployment had a tree (``region_id`` None)."""
        if region_id is None or not root:
            return cls.of_scope(None, region_id)
        return sa.and_(cls.tenant_id.is_(None), sa.or_(cls.region_id.is_(None), cls.region_id == region_id))
