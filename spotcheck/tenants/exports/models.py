"""The credit-system export (信用信息共享): the outbox of published results, the batches they go out
in, and the log of every delivery attempt.

* :class:`ExportRecord` — the outbox (发件箱): one row per published version of a result, written
  by the publish command in its own transaction (:mod:`spotcheck.tenants.exports.outbox`), with a
  frozen copy of what is exported. ``published_result_id`` is unique: a version is exported once.
  A correction (更正) is a record of its own pointing to the record it corrects (``corrects_id``).
* :class:`ExportBatch` — a numbered batch of a department (批次号, 1, 2, 3… per department): the
  records it holds (``ExportRecord.batch_id``), its files in the core storage (JSON Lines, CSV,
  manifest) with their SHA-256, and whether it was delivered. A record belongs to one batch only.
* :class:`ExportDelivery` — one attempt to deliver a batch (投递记录), successful or not.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned
from spotcheck.tenants.exports.vocabulary import BatchStatus


class ExportRecord(TenantOwned, Model):
    """One published version of a result, waiting for its batch or exported in it."""

    __tablename__ = "export_record"
    __table_args__ = (
        sa.UniqueConstraint("published_result_id", name="uq_export_record_published_result_id"),
        sa.Index("ix_export_record_pending", "tenant_id", "batch_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)  # the record id (记录标识) in the files
    published_result_id: Mapped[int] = mapped_column(sa.ForeignKey("published_result.id"))
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    version: Mapped[int] = mapped_column()
    #: ``result`` (a first publication) or ``correction`` (更正: a later version).
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The record of the version this one corrects (``None`` for a first publication).
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("export_record.id"))
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    #: The exported fields, frozen at publication (:func:`spotcheck.tenants.exports.outbox.payload`).
    payload: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("export_batch.id"))
    delivered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ExportBatch(TenantOwned, Model):
    """A numbered batch of a department: its records, files and delivery state."""

    __tablename__ = "export_batch"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "number", name="uq_export_batch_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 批次号: 1, 2, 3… per department, in the order batches are built (set before the batch commits).
    number: Mapped[int | None] = mapped_column()
    status: Mapped[BatchStatus] = mapped_column(
        sa.Enum(BatchStatus, name="export_batch_status", native_enum=False, length=16), default=BatchStatus.pending
    )
    format_version: Mapped[str] = mapped_column(sa.String(16))
    records: Mapped[int] = mapped_column(default=0)
    corrections: Mapped[int] = mapped_column(default=0)
    #: The publication times of its first and last record (the batch's time range).
    published_from: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_to: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    jsonl_key: Mapped[str] = mapped_column(sa.String(120), default="")
    jsonl_size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    jsonl_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    csv_key: Mapped[str] = mapped_column(sa.String(120), default="")
    csv_size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    csv_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    manifest_key: Mapped[str] = mapped_column(sa.String(120), default="")
    manifest_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    created_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Where it was delivered last (a folder or an address, never a password).
    delivered_to: Mapped[str] = mapped_column(sa.String(300), default="")


class ExportDelivery(TenantOwned, Model):
    """One attempt to deliver a batch (投递记录)."""

    __tablename__ = "export_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("export_batch.id"), index=True)
    target: Mapped[str] = mapped_column(sa.String(300))
    ok: Mapped[bool] = mapped_column()
    status_code: Mapped[int | None] = mapped_column()  # the HTTP answer, for an endpoint
    error: Mapped[str] = mapped_column(sa.Text, default="")
    again: Mapped[bool] = mapped_column(default=False)  # asked again by an administrator (重新投递)
    actor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    attempted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
