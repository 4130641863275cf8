"""A joint campaign's participants (参与部门): the invitation and each department's answer.

The joint campaign itself is a :class:`~spotcheck.tenants.campaigns.models.Campaign` of the lead
department with ``joint`` set; each participating department's part is a campaign of its own
(``joint_id``). This row is the lead's invitation, shared with the department invited
(:class:`~spotcheck.core.scoping.SharedWithReceiver`): the department answers on it and keeps on it
a copy of its part as approved (``part``), which is all the lead reads of that part.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import SharedWithReceiver
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.joint.vocabulary import ParticipantStatus


class JointParticipant(SharedWithReceiver, Model):
    """One department invited to a joint campaign (``tenant_id``: the lead; ``receiver_tenant_id``: the department)."""

    __tablename__ = "joint_participant"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "receiver_tenant_id", name="uq_joint_participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    status: Mapped[ParticipantStatus] = mapped_column(
        sa.Enum(ParticipantStatus, name="participant_status", native_enum=False, length=16),
        default=ParticipantStatus.invited,
    )
    #: The department's own campaign for its part, once it accepts.
    part_campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"))
    #: Copies for whoever cannot read the other side's rows: the joint campaign, the department.
    campaign_code: Mapped[str] = mapped_column(sa.String(64))
    campaign_title: Mapped[str] = mapped_column(sa.String(200))
    group_code: Mapped[str] = mapped_column(sa.String(16))
    department_name: Mapped[str] = mapped_column(sa.String(100))
    #: The part as the department last saved it: items (code, name, categories), rules, filter, plan or exemption.
    part: Mapped[dict | None] = mapped_column(sa.JSON)
    invited_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    invited_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    answered_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    part_saved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    part_saved_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    approved_by_name: Mapped[str] = mapped_column(sa.String(100), default="")

    receiver: Mapped[Tenant] = relationship(foreign_keys="JointParticipant.receiver_tenant_id", lazy="joined")


class FieldLead(Model):
    """The lead department (牵头部门) of an enforcement field outside market regulation (执法领域) in a region,
    named by the platform administrator (seed 001 item 10: 其他执法领域开展联合抽查工作由牵头部门制定
    年度联合抽查工作计划): one row per region and field, a department of that region. A region without its own
    lead of a field follows the nearest region above that has one (:func:`spotcheck.tenants.joint.leads.lead_of`).
    Deployment-wide data, no tenant of its own."""

    __tablename__ = "field_lead"

    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), primary_key=True)
    field: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    lead_tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id"), index=True)
    named_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    named_by_name: Mapped[str] = mapped_column(sa.String(100), default="")

    lead: Mapped[Tenant] = relationship(lazy="joined")
