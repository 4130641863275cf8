"""Notices (文书), inbox messages (站内消息) and deliveries (送达记录).

A :class:`Notice` is one generated document (a PDF kept in the core storage with its SHA-256),
numbered like an official document (文号). A :class:`Message` is what a person reads in the
platform's inbox. A :class:`Delivery` is one sending of one message to one person on one channel
(inbox, e-mail, SMS); its ``key`` is unique, so a job run again never sends the same thing to the
same person on the same channel twice.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import SharedWithReceiver, TenantOwned
from spotcheck.tenants.notices.vocabulary import Channel, DeliveryStatus, NoticeKind


class Notice(SharedWithReceiver, Model):
    """One generated document. A transfer letter is shared with the receiving department
    (``receiver_tenant_id``); every other notice stays in its department."""

    __tablename__ = "notice"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "kind", "subject", name="uq_notice_subject"),
        sa.Index("ix_notice_campaign", "tenant_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(sa.Enum(NoticeKind, name="notice_kind", native_enum=False, length=16))
    #: What it is about, unique per kind: ``visit:12``, ``campaign:3:inspector:7``, ``campaign:3:v2``, ``follow_up:5``.
    subject: Mapped[str] = mapped_column(sa.String(64))
    number: Mapped[str] = mapped_column(sa.String(64))  # 文号, e.g. 市监检通〔2026〕3号
    title: Mapped[str] = mapped_column(sa.String(200))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"))
    visit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_up.id"), index=True)
    criticism_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criticism.id"))
    storage_key: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The public address its inspection code's QR carries (``SPOTCHECK_PUBLIC_BASE_URL`` when it was written; None:
    #: it carries none, or it was written before the address was kept).
    qr_base: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class Message(TenantOwned, Model):
    """A message in one person's inbox (站内消息)."""

    __tablename__ = "inbox_message"
    __table_args__ = (sa.Index("ix_inbox_message_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(200), default="")  # a page of the platform (a path)
    notice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notice.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Delivery(TenantOwned, Model):
    """One sending of a message to one person on one channel, with its tries (送达记录)."""

    __tablename__ = "delivery"
    __table_args__ = (
        sa.UniqueConstraint("key", name="uq_delivery_key"),
        sa.Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The idempotency key: what is sent, to whom, on which channel — never twice.
    key: Mapped[str] = mapped_column(sa.String(160))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id"), index=True)
    recipient_name: Mapped[str] = mapped_column(sa.String(100))
    channel: Mapped[Channel] = mapped_column(sa.Enum(Channel, name="delivery_channel", native_enum=False, length=8))
    address: Mapped[str] = mapped_column(sa.String(200), default="")  # e-mail or mobile number (masked when shown)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(200), default="")
    notice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notice.id"))
    status: Mapped[DeliveryStatus] = mapped_column(
        sa.Enum(DeliveryStatus, name="delivery_status", native_enum=False, length=8), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
