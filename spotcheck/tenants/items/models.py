"""Spot-check items (随机抽查事项) and their published versions (动态调整)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned
from spotcheck.tenants.common.vocabulary import sampling
from spotcheck.tenants.items.vocabulary import ITEM_FIELDS, ItemStatus

__all__ = ["ITEM_FIELDS", "Item", "ItemStatus", "ItemVersion"]


class Item(TenantOwned, Model):
    """One inspection item of a department; ``random_check`` says whether it is under random checking."""

    __tablename__ = "item"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code", name="uq_item_tenant_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[ItemStatus] = mapped_column(
        sa.Enum(ItemStatus, name="item_status", native_enum=False, length=16), default=ItemStatus.draft
    )
    version: Mapped[int] = mapped_column(default=0)  # the last published version; 0 while a draft
    name: Mapped[str] = mapped_column(sa.String(200))  # 事项名称
    sub_item: Mapped[str] = mapped_column(sa.String(200), default="")  # 子项
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")  # 检查依据
    checking_body: Mapped[str] = mapped_column(sa.String(200), default="")  # 检查主体
    target_type: Mapped[str] = mapped_column(sa.String(200), default="")  # 抽查对象
    content: Mapped[str] = mapped_column(sa.Text, default="")  # 检查内容
    methods: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 检查方式 (codes)
    #: 抽查比例: the least share checked, in basis points (500 = 不低于5%); None until stated.
    ratio_bp: Mapped[int | None] = mapped_column(sa.Integer)
    #: 抽查频次: this many times (None until stated) per period (year, half, quarter, month: ``sampling.PERIODS``).
    frequency_times: Mapped[int | None] = mapped_column(sa.Integer)
    frequency_period: Mapped[str] = mapped_column(sa.String(8), default="")
    inspector_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # 执法类别 required
    inspector_requirements: Mapped[str] = mapped_column(sa.Text, default="")  # 检查人员要求
    result_use: Mapped[str] = mapped_column(sa.Text, default="")  # 检查结果的运用情形
    remarks: Mapped[str] = mapped_column(sa.Text, default="")  # 备注
    field: Mapped[str] = mapped_column(sa.String(16), default="other")  # market / other
    kind: Mapped[str] = mapped_column(sa.String(16), default="general")  # general / key
    random_check: Mapped[bool] = mapped_column(default=True)  # 纳入随机抽查
    #: Why an item is kept out of random checking, in writing (seed 001: 书面说明理由); shown to the justice bureau.
    non_random_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    def snapshot(self) -> dict:
        return {name: getattr(self, name) for name in ITEM_FIELDS}

    @property
    def ratio_text(self) -> str:
        """抽查比例 as the item list says it: 不低于5%."""
        return sampling.ratio_text(self.ratio_bp)

    @property
    def frequency_text(self) -> str:
        """抽查频次 as the item list says it: 每年1次."""
        return sampling.frequency_text(self.frequency_times, self.frequency_period)

    @property
    def sampling_text(self) -> str:
        """抽查比例和频次 in one cell: 不低于5%；每年1次."""
        return sampling.sampling_text(self.ratio_bp, self.frequency_times, self.frequency_period)


class ItemVersion(TenantOwned, Model):
    """A published state of an item, kept forever: who changed it, when and why."""

    __tablename__ = "item_version"
    __table_args__ = (sa.UniqueConstraint("item_id", "version", name="uq_item_version_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    version: Mapped[int] = mapped_column()
    status: Mapped[ItemStatus] = mapped_column(sa.Enum(ItemStatus, name="item_status", native_enum=False, length=16))
    fields: Mapped[dict] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    changed_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
