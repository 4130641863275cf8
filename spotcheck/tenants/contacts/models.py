"""The department's 负责人 and 联络员 of “双随机、一公开” (seed 003 附件5: 工作负责人和联络员名单)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned


class DepartmentContact(TenantOwned, Model):
    """One of the department's two contacts for 双随机、一公开 (``role``: ``responsible`` 负责人 or
    ``liaison`` 联络员), kept by its administrator: name, post and phones. The phones are personal
    data: shown only to whoever may read the list (the department's administrator and leader, the
    justice bureau), never on public pages, in the audit trail or in logs."""

    __tablename__ = "department_contact"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "role", name="uq_department_contact_tenant_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(50))
    post: Mapped[str] = mapped_column(sa.String(100), default="")
    office_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    mobile: Mapped[str] = mapped_column(sa.String(16), default="")
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    updated_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
