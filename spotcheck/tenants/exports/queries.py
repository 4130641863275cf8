"""Reading the credit-system export (信用信息导出): the department's batches, their files and
manifest, the delivery log, what is pending."""

from __future__ import annotations

import json
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.exports import formats
from spotcheck.tenants.exports.models import ExportBatch, ExportDelivery, ExportRecord
from spotcheck.tenants.exports.vocabulary import FILE_KINDS, BatchStatus


def department() -> Tenant:
    """The current department (NotFoundError without one)."""
    tenant_id = current_tenant_id()
    tenant = db.session.get(Tenant, tenant_id) if tenant_id is not None else None
    if tenant is None:
        raise NotFoundError(_l("No such department."))
    return tenant


def get_batch(batch_id: int, *, for_update: bool = False) -> ExportBatch:
    batch = get_row(ExportBatch, batch_id, _l("No such export batch."), for_update=for_update)
    if batch.number is None:
        raise NotFoundError(_l("No such export batch."))
    return batch


def batches_query() -> sa.Select:
    return sa.select(ExportBatch).where(ExportBatch.number.is_not(None)).order_by(ExportBatch.number.desc())


def deliveries_query(batch_id: int | None = None) -> sa.Select:
    query = sa.select(ExportDelivery).order_by(ExportDelivery.id.desc())
    if batch_id is not None:
        query = query.where(ExportDelivery.batch_id == batch_id)
    return query


def pending_count() -> int:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(ExportRecord).where(ExportRecord.batch_id.is_(None)))
        or 0
    )


def batch_name(batch: ExportBatch) -> str:
    return formats.name_of(department().code, cast(int, batch.number))  # numbered when made


def manifest_of(batch: ExportBatch) -> dict:
    """The batch's manifest as stored (and delivered)."""
    return json.loads(storage.read(batch.manifest_key))


def file_of(batch: ExportBatch, kind: str) -> tuple[str, str, str]:
    """(path, download name, media type) of one of the batch's files: ``jsonl``, ``csv`` or ``manifest``."""
    if kind not in FILE_KINDS:
        raise NotFoundError(_l("No such file."))
    media_type, suffix = FILE_KINDS[kind]
    key = {"jsonl": batch.jsonl_key, "csv": batch.csv_key, "manifest": batch.manifest_key}[kind]
    return str(storage.path(key)), f"{batch_name(batch)}{suffix}", media_type


def undelivered() -> list[ExportBatch]:
    """The department's batches waiting for a (first or new) delivery, in number order."""
    return list(
        db.session.scalars(
            sa.select(ExportBatch)
            .where(ExportBatch.number.is_not(None), ExportBatch.status != BatchStatus.delivered)
            .order_by(ExportBatch.number)
        )
    )
