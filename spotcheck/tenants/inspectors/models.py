"""Inspectors (执法检查人员) and recusals (回避)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned


class Inspector(TenantOwned, Model):
    """A person in the department's inspector directory. The ID number is stored encrypted, with a
    keyed digest for uniqueness and a masked form for display."""

    __tablename__ = "inspector"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "cert_no", name="uq_inspector_tenant_cert_no"),
        sa.UniqueConstraint("tenant_id", "id_digest", name="uq_inspector_tenant_id_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))  # 姓名
    sex: Mapped[str] = mapped_column(sa.String(1))  # M / F
    id_encrypted: Mapped[str] = mapped_column(sa.Text)  # 身份证号码, Fernet token
    id_digest: Mapped[str] = mapped_column(sa.String(64))  # HMAC-SHA256, for duplicates
    id_masked: Mapped[str] = mapped_column(sa.String(18))
    agency: Mapped[str] = mapped_column(sa.String(200))  # 执法机构全称
    post: Mapped[str] = mapped_column(sa.String(100), default="")  # 职务
    cert_no: Mapped[str] = mapped_column(sa.String(32))  # 执法证编号
    cert_expires_on: Mapped[date | None] = mapped_column(sa.Date)
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 执法类别
    region: Mapped[str] = mapped_column(sa.String(100), default="")  # 执法区域
    expertise: Mapped[str] = mapped_column(sa.String(200), default="")  # 业务专长
    is_expert: Mapped[bool] = mapped_column(default=False)  # 专家 (joins a team in addition)
    active: Mapped[bool] = mapped_column(default=True)
    #: The person's user account (linked by the department administrator; one person, one link).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class InspectorTenure(TenantOwned, Model):
    """A time the inspector was in the directory as active (在库期间): from ``since`` until ``until``
    (``None``: still in it). Written by the commands that add, deactivate and reactivate an inspector;
    a past period's figures count the inspectors as they stood at its end (seed 001: 据实填报)."""

    __tablename__ = "inspector_tenure"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    since: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Recusal(TenantOwned, Model):
    """A declared conflict (回避): the inspector may not inspect the entity."""

    __tablename__ = "recusal"
    __table_args__ = (sa.UniqueConstraint("inspector_id", "entity_id", name="uq_recusal_inspector_entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(200))
    declared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    declared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    inspector: Mapped[Inspector] = relationship()
    #: The registry entity (市场主体名录), mapped by name: the directory of people stands beside the registry.
    entity = relationship("Entity")
