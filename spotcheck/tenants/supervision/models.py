"""Supervision's rows (监督的数据): the justice bureau's — the deductions of the assessment (考核扣分项), the notices
of criticism (通报), the businesses' complaints about inspections (投诉) and their evaluations of them (评价) — and
the departments' statistical tables as submitted (报表报送) with the cells they fill in them. (The filing archive,
备案审核记录, is the plans' :class:`PlanReview`.)"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import SharedWithReceiver, TenantOwned


class DeductionRule(Model):
    """One deduction of the assessment as the justice bureau set it: points per occurrence, the
    most it may take off, and whether it applies. One setting for the whole deployment (one
    bureau supervises every department, and each department reads the rules it is scored by);
    written only by the bureau's command. Absent rows take the defaults of
    the rules in force (:func:`spotcheck.tenants.supervision.assessment.defaults`)."""

    __tablename__ = "deduction_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    points: Mapped[float] = mapped_column(sa.Float)
    cap: Mapped[float] = mapped_column(sa.Float)
    active: Mapped[bool] = mapped_column(default=True)
    updated_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class CriticismStatus(StrEnum):
    draft = "draft"  # 草稿: drafted from the figures, editable
    approved = "approved"  # 已签发: approved by a leader of the justice bureau and delivered
    withdrawn = "withdrawn"  # 已撤回: dropped before approval


class Criticism(TenantOwned, Model):
    """A notice of criticism (通报) of the justice bureau to the departments that missed a
    deadline or fell below coverage in a period: drafted from the figures by a supervisor,
    approved by a leader of the bureau, then delivered to each department named (inbox,
    e-mail, PDF)."""

    __tablename__ = "criticism"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(8))  # 2026, 2026H1, 2026Q3
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")  # the opening and closing paragraphs
    #: The departments named and why: [{tenant_id, name, reasons: [{code, text, count}]}].
    findings: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[CriticismStatus] = mapped_column(
        sa.Enum(CriticismStatus, name="criticism_status", native_enum=False, length=16), default=CriticismStatus.draft
    )
    number: Mapped[str] = mapped_column(sa.String(64), default="")  # 文号, given at approval
    drafted_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    drafted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    approved_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Sent back by the bureau's leader (退回修改): why, by whom and when; cleared once changed again.
    returned_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    returned_by_name: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    returned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Submitted to the bureau's leaders (提交局领导签发), who were told; cleared when it is changed or sent back.
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ComplaintStatus(StrEnum):
    open = "open"  # 待处理: received, neither forwarded nor answered
    forwarded = "forwarded"  # 已转办: forwarded to the department complained about, not answered yet
    answered = "answered"  # 已答复: the bureau replied to the business


class Complaint(TenantOwned, Model):
    """A business's complaint about an inspection (投诉), made on its code's page with its 企业核验码: the
    justice bureau's row alone. The department complained about (``about_tenant_id``, kept for the bureau's
    figures per department) reads nothing of it: what it reads is the bureau's forward (:class:`ComplaintForward`,
    转办), if the bureau makes one. Who complained is :class:`ComplaintContact`."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The department complained about: the bureau's to count by, never a receiver of the row.
    about_tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id"), index=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    department_name: Mapped[str] = mapped_column(sa.String(100))
    entity_name: Mapped[str] = mapped_column(sa.String(200))
    campaign_code: Mapped[str] = mapped_column(sa.String(64), default="")
    #: The day of the check complained about (检查日期), when it was recorded.
    checked_on: Mapped[date | None] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    status: Mapped[ComplaintStatus] = mapped_column(
        sa.Enum(ComplaintStatus, name="complaint_status", native_enum=False, length=16), default=ComplaintStatus.open
    )
    #: The bureau's reply to the business (答复), which the business reads with its code.
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ComplaintForward(SharedWithReceiver, Model):
    """The justice bureau's forward of a complaint to the department complained about (转办): the bureau's row,
    shared with that department (``receiver_tenant_id``), which reads the text as the bureau forwarded it and
    answers the bureau here. Forwarded without the business's name (``named`` false), it holds no visit, campaign
    code, business name or check date; the original complaint stays the bureau's."""

    __tablename__ = "complaint_forward"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), unique=True)
    named: Mapped[bool] = mapped_column(default=False)
    department_name: Mapped[str] = mapped_column(sa.String(100))
    #: What the bureau forwards: the complaint's text, as it may have edited it.
    text: Mapped[str] = mapped_column(sa.Text)
    #: Of a named forward only (empty or None otherwise).
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"))
    entity_name: Mapped[str] = mapped_column(sa.String(200), default="")
    campaign_code: Mapped[str] = mapped_column(sa.String(64), default="")
    checked_on: Mapped[date | None] = mapped_column(sa.Date)
    forwarded_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    forwarded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    #: The department's answer to the bureau (部门答复).
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ComplaintContact(TenantOwned, Model):
    """Who complained and how to reach them (投诉人联系方式): the bureau's alone (row-level security
    keeps it from the department complained about), encrypted (personal data)."""

    __tablename__ = "complaint_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), unique=True)
    name_encrypted: Mapped[str] = mapped_column(sa.Text)
    phone_encrypted: Mapped[str] = mapped_column(sa.Text)


class Evaluation(TenantOwned, Model):
    """A business's evaluation of an inspection (评价), given with its 企业核验码 once the team has left: how
    satisfied it is (1 to 5) and why. The justice bureau's row alone (``tenant_id``: the bureau), read one by
    one by nobody else: the department inspected (``about_tenant_id``) is named, never shared with — it reads
    figures of ended periods over at least five (:mod:`spotcheck.tenants.supervision.evaluation_figures`).
    ``tenant_id`` is empty only for evaluations given before the platform had a bureau (migration 0057): kept
    for the bureau, read by no department, and the bureau's once it is created."""

    __tablename__ = "evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # empty: waiting for a bureau
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    about_tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id"), index=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), unique=True)  # once per visit
    satisfaction: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(sa.Text, default="")
    evaluated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now, index=True)


class SubmissionStatus(StrEnum):
    prepared = "prepared"  # 待签发: frozen, waiting for the leader's signature
    submitted = "submitted"  # 已报送: signed and submitted
    superseded = "superseded"  # 已更正: replaced by a later signed version


class ReportSubmission(TenantOwned, Model):
    """A statistical table as submitted (报表报送): the figures frozen at a moment, signed by the leader.

    One row per version of a department's table for a period. A planner (or the leader) prepares it —
    the table's sheets are frozen as data (``content``) with their SHA-256 (``digest``) — and the
    leader signs it (签发): then it is submitted, never changed again. A correction (更正) is a new
    version, signed the same way, with its reason; the version it replaces is kept, marked superseded."""

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


class DepartmentFigures(TenantOwned, Model):
    """A department's supervision figures of one period as last counted (统计结果), the department's row: the figures
    that are the same whichever bureau reads them (:data:`spotcheck.tenants.supervision.stored.STORED`: its lists,
    filings, coverage, checks and publication — not the businesses' voice, which each bureau reads of its own rows),
    and when they were counted. Written by the counting job (:mod:`spotcheck.tenants.supervision.stored`), never by a
    page: the dashboard and the bureau's home read them, and say when they were counted (数据截至)."""

    __tablename__ = "department_figures"
    __table_args__ = (sa.UniqueConstraint("period", "tenant_id", name="uq_department_figures_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(8))  # 2026, 2026H1, 2026Q3 (spotcheck.tenants.supervision.periods)
    #: The figures by name (counts), ``plan_year`` / ``plan_half`` (filings), ``goals`` (coverage goals).
    figures: Mapped[dict] = mapped_column(sa.JSON)
    #: The department's results past their publication deadline and still not published when counted (逾期未公示, of
    #: any period: the same in each of its rows of that count), which the bureau's home adds up.
    overdue: Mapped[int] = mapped_column(default=0)
    counted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
