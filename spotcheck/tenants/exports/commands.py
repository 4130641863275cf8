"""Export batches (导出批次) to the credit system, as commands, and what the pages read of them.

**Building** a batch (:func:`build_batch` for the scheduler, :func:`export_now` for a department
administrator) is one transaction: it creates the batch row, *claims* the department's pending
outbox records by pointing them at it — on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so that two
runs at once take disjoint records — writes the JSON Lines and CSV files a record at a time, then,
holding the department's numbering lock, gives the batch the next number and writes its manifest.
It commits with all of it, or not at all: a run that dies (a worker killed mid-batch) leaves no
batch, and its records are still pending for the next run. With nothing pending nothing is built.

**Delivering** (:func:`deliver_batch`, :func:`deliver_now`) sends the stored files — the same bytes
under the same batch number every time — and records the attempt in the delivery log. Only a
successful delivery marks the batch and its records delivered; a failed one leaves the batch to be
tried again by the next scheduled run, in number order.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol, cast

import sqlalchemy as sa

from spotcheck.core import audit, jobs, settings, storage
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import changed, db
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import current_tenant_id, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.exports import delivery, formats, outbox
from spotcheck.tenants.exports.models import ExportBatch, ExportDelivery, ExportRecord
from spotcheck.tenants.exports.policy import ensure_deliverable
from spotcheck.tenants.exports.queries import department as _department, get_batch, undelivered
from spotcheck.tenants.exports.vocabulary import AREA, DELIVER_TASK, EXPORT_TASK, FILE_KINDS, BatchStatus
from spotcheck.tenants.results.models import PublishedResult, Visit

_LOCK_NAMESPACE = 0x5C0B  # first key of pg_advisory_xact_lock(int, int): "export batch numbers"
#: Records read from the database at a time while writing a batch (memory stays flat).
READ_CHUNK = 2000
#: Temporary files older than this were left by a run that died: removed by the next build.
STALE_SECONDS = 3600


def batch_size() -> int:
    return max(1, int(settings.get("SPOTCHECK_EXPORT_BATCH_SIZE") or 100_000))


def _actor_name(actor: Actor) -> str:
    return str(getattr(actor, "display_name", "") or getattr(actor, "login", "") or "")[:100]


def _scratch() -> Path:
    """Where a batch's files are written before they are stored (the storage's own disk)."""
    folder = storage.root() / "tmp" / AREA
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_SECONDS
    for leftover in folder.glob(".export-*"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except FileNotFoundError:
            pass
    return folder


# --- building ---------------------------------------------------------------------------------


def _claim(batch: ExportBatch, tenant_id: int) -> int:
    """Point up to :func:`batch_size` pending records at ``batch``, skipping records another run
    holds (PostgreSQL); returns how many were taken."""
    pending = (
        sa.select(ExportRecord.id)
        .where(ExportRecord.tenant_id == tenant_id, ExportRecord.batch_id.is_(None))
        .order_by(ExportRecord.id)
        .limit(batch_size())
        .with_for_update(skip_locked=True)
    )
    return changed(
        db.session.execute(
            sa.update(ExportRecord)
            .where(ExportRecord.id.in_(pending.scalar_subquery()))
            .values(batch_id=batch.id)
            .execution_options(synchronize_session=False)
        )
    )


def _next_number(tenant_id: int) -> int:
    """The department's next batch number, under its numbering lock (held until the commit)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, :tenant)"), {"ns": _LOCK_NAMESPACE, "tenant": tenant_id}
        )
    last = db.session.scalar(sa.select(sa.func.max(ExportBatch.number)).where(ExportBatch.tenant_id == tenant_id))
    return (last or 0) + 1


def _store(path: str, size: int, tenant_id: int, suffix: str) -> storage.Stored:
    with Path(path).open("rb") as stream:
        return storage.save(stream, area=AREA, tenant_id=tenant_id, suffix=suffix, limit=max(size, 1))


def _build(actor: Actor, progress: delivery.Progress | None = None) -> ExportBatch | None:
    tenant = _department()
    has_pending = db.session.scalar(sa.select(ExportRecord.id).where(ExportRecord.batch_id.is_(None)).limit(1))
    if has_pending is None:
        return None
    batch = ExportBatch(
        tenant_id=tenant.id, format_version=formats.FORMAT_VERSION, created_by_name=_actor_name(actor), created_at=now()
    )
    db.session.add(batch)
    db.session.flush()
    claimed = _claim(batch, tenant.id)
    if not claimed:  # another run holds every pending record: no empty batch
        db.session.delete(batch)
        db.session.flush()
        return None
    if progress:
        progress(5)
    writer = formats.BatchWriter(str(_scratch()))
    try:
        rows = db.session.execute(
            sa.select(
                ExportRecord.id,
                ExportRecord.kind,
                ExportRecord.corrects_id,
                ExportRecord.version,
                ExportRecord.payload,
                ExportRecord.published_at,
            )
            .where(ExportRecord.batch_id == batch.id)
            .order_by(ExportRecord.id)
            .execution_options(yield_per=READ_CHUNK)
        )
        for count, (record_id, kind, corrects_id, version, payload, published_at) in enumerate(rows, start=1):
            writer.add(formats.record(record_id, kind, corrects_id, version, payload), published_at)
            if progress and count % READ_CHUNK == 0:
                progress(5 + 80 * count // claimed)
        writer.close()
        batch.number = _next_number(tenant.id)
        name = formats.name_of(tenant.code, batch.number)
        jsonl = _store(writer.jsonl.path, writer.jsonl.size, tenant.id, ".jsonl")
        table = _store(writer.csv.path, writer.csv.size, tenant.id, ".csv")
    finally:
        writer.discard()
    if (jsonl.sha256, table.sha256) != (writer.jsonl.digest.hexdigest(), writer.csv.digest.hexdigest()):
        raise RuntimeError("an export file changed between writing and storing it")
    files = [
        {
            "name": f"{name}.jsonl",
            "media_type": FILE_KINDS["jsonl"][0],
            "records": writer.records,
            "size": jsonl.size,
            "sha256": jsonl.sha256,
        },
        {
            "name": f"{name}.csv",
            "media_type": FILE_KINDS["csv"][0],
            "records": writer.records,
            "size": table.size,
            "sha256": table.sha256,
        },
    ]
    manifest = storage.save_bytes(
        formats.manifest(
            department_code=tenant.code,
            department_name=tenant.full_name,
            number=batch.number,
            created_at=batch.created_at,
            records=writer.records,
            corrections=writer.corrections,
            published_from=writer.first_at,
            published_to=writer.last_at,
            first_record_id=writer.first_id,
            last_record_id=writer.last_id,
            files=files,
        ),
        area=AREA,
        tenant_id=tenant.id,
        suffix=".json",
    )
    batch.records, batch.corrections = writer.records, writer.corrections
    batch.published_from, batch.published_to = writer.first_at, writer.last_at
    batch.jsonl_key, batch.jsonl_size, batch.jsonl_sha256 = jsonl.key, jsonl.size, jsonl.sha256
    batch.csv_key, batch.csv_size, batch.csv_sha256 = table.key, table.size, table.sha256
    batch.manifest_key, batch.manifest_sha256 = manifest.key, manifest.sha256
    db.session.flush()
    audit.record(
        "export.batch_built",
        "export_batch",
        batch.id,
        actor=actor,
        details={
            "number": batch.number,
            "records": batch.records,
            "corrections": batch.corrections,
            "manifest_sha256": batch.manifest_sha256,
        },
    )
    if progress:
        progress(95)
    return batch


@command(Permission.NOTICES_SEND)
def build_batch(*, actor: Actor, progress: delivery.Progress | None = None) -> ExportBatch | None:
    """The scheduler builds the department's next batch of pending records (None: nothing pending)."""
    return _build(actor, progress)


@command(Permission.EXPORTS_MANAGE)
def export_now(*, actor: Actor, progress: delivery.Progress | None = None) -> ExportBatch | None:
    """A department administrator has the pending records exported now, without waiting for the
    scheduled run (None: nothing pending)."""
    return _build(actor, progress)


# --- delivering -------------------------------------------------------------------------------


def _parts_of(batch: ExportBatch, department_code: str) -> list[delivery.Part]:
    name = formats.name_of(department_code, cast(int, batch.number))  # numbered when made
    return [
        delivery.Part("manifest", f"{name}.manifest.json", FILE_KINDS["manifest"][0], batch.manifest_key),
        delivery.Part("jsonl", f"{name}.jsonl", FILE_KINDS["jsonl"][0], batch.jsonl_key),
        delivery.Part("csv", f"{name}.csv", FILE_KINDS["csv"][0], batch.csv_key),
    ]


def _deliver(
    batch: ExportBatch, actor: Actor, *, again: bool, progress: delivery.Progress | None = None
) -> ExportDelivery:
    tenant = _department()
    name = formats.name_of(tenant.code, cast(int, batch.number))
    outcome = delivery.deliver(tenant.code, name, batch.manifest_sha256, _parts_of(batch, tenant.code), progress)
    moment = now()
    attempt = ExportDelivery(
        batch_id=batch.id,
        target=outcome.target,
        ok=outcome.ok,
        status_code=outcome.status_code,
        error=outcome.error,
        again=again,
        actor_name=_actor_name(actor),
        attempted_at=moment,
        seconds=round(outcome.seconds, 3),
    )
    db.session.add(attempt)
    batch.attempts += 1
    if outcome.ok:
        batch.status, batch.last_error, batch.delivered_to = BatchStatus.delivered, "", outcome.target
        batch.delivered_at = batch.delivered_at or moment
        db.session.execute(
            sa.update(ExportRecord)
            .where(ExportRecord.batch_id == batch.id, ExportRecord.delivered_at.is_(None))
            .values(delivered_at=moment)
            .execution_options(synchronize_session=False)
        )
    else:
        if batch.status != BatchStatus.delivered:
            batch.status = BatchStatus.failed
        batch.last_error = outcome.error
    db.session.flush()
    audit.record(
        "export.batch_delivered" if outcome.ok else "export.delivery_failed",
        "export_batch",
        batch.id,
        actor=actor,
        details={
            "number": batch.number,
            "target": outcome.target,
            "again": again,
            **({"error": outcome.error} if not outcome.ok else {}),
        },
    )
    return attempt


@command(Permission.NOTICES_SEND)
def deliver_batch(
    batch_id: int, data: dict | None = None, *, actor: Actor, progress: delivery.Progress | None = None
) -> ExportDelivery | None:
    """The scheduler delivers a batch not yet delivered (None: it was, meanwhile)."""
    batch = get_batch(batch_id, for_update=True)  # one delivery of a batch at a time
    if batch.status == BatchStatus.delivered:
        return None
    return _deliver(batch, actor, again=False, progress=progress)


@command(Permission.EXPORTS_MANAGE)
def deliver_now(
    batch_id: int, data: dict | None = None, *, actor: Actor, progress: delivery.Progress | None = None
) -> ExportDelivery:
    """A department administrator delivers a batch now — again, when it was delivered already
    (重新投递): the same files under the same number."""
    batch = get_batch(batch_id, for_update=True)
    ensure_deliverable(batch)
    return _deliver(batch, actor, again=batch.status == BatchStatus.delivered or batch.attempts > 0, progress=progress)


class Deliver(Protocol):
    """A command delivering a batch (:func:`deliver_batch`, :func:`deliver_now`): its attempt, or None when there
    was nothing to deliver."""

    def __call__(self, batch_id: int, data: dict | None = None, *, actor: Actor) -> ExportDelivery | None: ...


def deliver_waiting(actor: Actor, deliver: Deliver | None = None) -> dict[str, int]:
    """Deliver the department's waiting batches in number order, stopping at the first failure (the
    receiver gets them in order). ``deliver``: the command to use (the scheduler's by default)."""
    deliver = deliver or deliver_batch
    counts = {"delivered": 0, "failed": 0}
    for batch in undelivered():
        attempt = deliver(batch.id, actor=actor)
        if attempt is None:
            continue
        if not attempt.ok:
            counts["failed"] += 1
            break
        counts["delivered"] += 1
    return counts


def export_due(actor: Actor) -> dict[str, int]:
    """The scheduled run (beat): for every department, build a batch of what is pending and deliver
    every batch waiting, each step a command of its own (its own transaction)."""
    totals = {"batches": 0, "records": 0, "delivered": 0, "failed": 0}
    for tenant_id in list(db.session.scalars(sa.select(Tenant.id).order_by(Tenant.id))):
        with tenant_scope(tenant_id):
            batch = build_batch(actor=actor)
            if batch is not None:
                totals["batches"] += 1
                totals["records"] += batch.records
            counts = deliver_waiting(actor)
            totals["delivered"] += counts["delivered"]
            totals["failed"] += counts["failed"]
    return totals


@command(Permission.NOTICES_SEND)
def backfill(*, actor: Actor) -> int:
    """Queue for export the current published version of every result of the department that has
    no export record — results published before the export existed; returns how many. The payload
    is read from the visit as it is now, which is what its current version published."""
    tenant_id = current_tenant_id()
    exported = sa.select(ExportRecord.visit_id)
    waiting = db.session.scalars(
        sa.select(PublishedResult)
        .where(
            PublishedResult.tenant_id == tenant_id,
            PublishedResult.current.is_(True),
            PublishedResult.visit_id.not_in(exported),
        )
        .order_by(PublishedResult.published_at, PublishedResult.id)
    ).all()
    for published in waiting:
        outbox.enqueue(cast(Visit, db.session.get(Visit, published.visit_id)), published)
        db.session.flush()
    if waiting:
        audit.record(
            "exports.backfilled",
            "tenant",
            tenant_id,
            actor=actor,
            tenant_id=tenant_id,
            details={"records": len(waiting)},
        )
    return len(waiting)


# --- on request, in the background (后台作业) -------------------------------------------------------


@command(Permission.EXPORTS_MANAGE)
def request_export(*, actor: Actor, locale: str = "zh_CN") -> Job:
    """Export the department's pending published results now, in the background; returns the job."""
    return jobs.submit(EXPORT_TASK, "exports.export", actor, locale=locale)


@command(Permission.EXPORTS_MANAGE)
def request_delivery(batch_id: int, data: dict | None = None, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Deliver a batch (again) in the background: the same files under the same number."""
    batch = get_batch(batch_id)
    ensure_deliverable(batch)
    return jobs.submit(DELIVER_TASK, "exports.deliver", actor, batch_id=batch.id, locale=locale)
