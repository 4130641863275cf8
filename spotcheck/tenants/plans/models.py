"""Annual plans (年度检查计划) and their items."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned
from spotcheck.tenants.common.vocabulary import sampling
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.plans.vocabulary import PLAN_KINDS, PlanStatus

__all__ = ["PLAN_KINDS", "Plan", "PlanItem", "PlanReview", "PlanStatus"]


class Plan(TenantOwned, Model):
    """A department's plan for a year (``half`` None) or a half-year (1 or 2); or (``kind`` joint)
    the yearly joint plan of an enforcement field (``field``) that the department leads."""

    __tablename__ = "plan"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "kind", "field", "year", "half", name="uq_plan_tenant_kind_field_year_half"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    half: Mapped[int | None] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[PlanStatus] = mapped_column(
        sa.Enum(PlanStatus, name="plan_status", native_enum=False, length=16), default=PlanStatus.draft
    )
    comment: Mapped[str] = mapped_column(sa.Text, default="")  # the supervisor's comment when returned or filed
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    filed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    filed_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    #: ``annual`` (the year's or a half-year's inspection plan) or ``joint`` (年度联合抽查工作计划).
    kind: Mapped[str] = mapped_column(sa.String(8), default="annual")
    #: A joint plan's enforcement field (reference.ENFORCEMENT_FIELDS); empty for an annual plan.
    field: Mapped[str] = mapped_column(sa.String(16), default="")
    #: A joint plan's departments it intends to involve (tenant ids).
    departments: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The lines as last published (what the public portal shows), ``None`` before the first publication.
    published_lines: Mapped[list | None] = mapped_column(sa.JSON)
    #: This submission's decisions, by authority (``justice``, ``market``): decision, name, time, comment.
    filings: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    lines: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.id"
    )


class PlanItem(TenantOwned, Model):
    """An item in a plan: planned ratio, frequency, months and method."""

    __tablename__ = "plan_item"
    __table_args__ = (sa.UniqueConstraint("plan_id", "item_id", name="uq_plan_item_plan_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    ratio_bp: Mapped[int] = mapped_column(default=0)  # planned sampling ratio, basis points (above 0, at most 10000)
    #: 频次 planned: this many times per period (``sampling.PERIODS``); none: the item's.
    frequency_times: Mapped[int | None] = mapped_column(sa.Integer)
    frequency_period: Mapped[str] = mapped_column(sa.String(8), default="")
    months: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    methods: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship(lazy="joined")

    @property
    def frequency_text(self) -> str:
        """The planned frequency as the plan says it (每年1次); empty when the line leaves it to the item's."""
        return sampling.frequency_text(self.frequency_times, self.frequency_period)


class PlanReview(TenantOwned, Model):
    """One decision of a filing authority on a submitted plan (备案 or 退回), kept for good: the
    department's row (its plan's tenant), written by the reviewer through the cross-department
    path. The plan itself changes afterwards; this keeps what was filed or returned, by which
    authority, when, by whom and why."""

    __tablename__ = "plan_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plan.id"), index=True)
    year: Mapped[int] = mapped_column()
    half: Mapped[int | None] = mapped_column()
    plan_title: Mapped[str] = mapped_column(sa.String(200))
    decision: Mapped[str] = mapped_column(sa.String(16))  # filed / returned
    #: Which authority decided: ``justice`` (司法局) or ``market`` (市场监督管理局, a plan touching its field).
    authority: Mapped[str] = mapped_column(sa.String(16), default="justice")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: What was decided on: the plan's items with their ratio, frequency, months and methods.
    lines: Mapped[list] = mapped_column(sa.JSON, default=list)
    reviewer_tenant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tenant.id"))
    reviewer_name: Mapped[str] = mapped_column(sa.String(100), default="")
    reviewed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
