"""A statistical table as submitted (报表报送): the figures frozen at a moment, signed by the leader.

One row per version of a department's table for a period. A planner (or the leader) prepares it —
the table's sheets are frozen as data (``content``) with their SHA-256 (``digest``) — and the
leader signs it (签发): then it is submitted, never changed again. A correction (更正) is a new
version, signed the same way, with its reason; the version it replaces is kept, marked superseded.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned


class SubmissionStatus(StrEnum):
    prepared = "prepared"  # 待签发: frozen, waiting for the leader's signature
    submitted = "submitted"  # 已报送: signed and submitted
    superseded = "superseded"  # 已更正: replaced by a later signed version


class ReportSubmission(TenantOwned, Model):
    __tablename__ = "report_submission"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "table_code", "period", "version", name="uq_report_submission_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_code: Mapped[str] = mapped_column(sa.String(8))  # 001-2, 003-4 …
    period: Mapped[str] = mapped_column(sa.String(8))  # 2026H1, 2026Q3, 2026
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[SubmissionStatus] = mapped_column(
        sa.Enum(SubmissionStatus, name="submission_status", native_enum=False, length=16),
        default=SubmissionStatus.prepared,
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date] = mapped_column(sa.Date)
    #: The sheets as frozen: [{name, title, lines, sections: [{heading, headers, rows, footer, …}], signature}].
    content: Mapped[list] = mapped_column(sa.JSON, default=list)
    digest: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of the content (canonical JSON)
    contact: Mapped[str] = mapped_column(sa.String(100), default="")  # 填报人（联系人）
    phone: Mapped[str] = mapped_column(sa.String(32), default="")  # 联系电话
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why a correction (更正理由)
    prepared_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    prepared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), nullable=True)
    signed_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ReportEntry(TenantOwned, Model):
    """A cell of a statistical table the platform holds no data for (由填报单位填写), as the department
    filled it on the table's page: for one table and period, with who entered it and when. A table
    of a later period shows the department's latest entry until it enters another."""

    __tablename__ = "report_entry"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "table_code", "period", "cell", name="uq_report_entry_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_code: Mapped[str] = mapped_column(sa.String(8))
    period: Mapped[str] = mapped_column(sa.String(8))
    cell: Mapped[str] = mapped_column(sa.String(32))  # the cell's key (spotcheck.tenants.supervision.entries.CELLS)
    value: Mapped[str] = mapped_column(sa.Text)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), nullable=True)
    entered_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    entered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
