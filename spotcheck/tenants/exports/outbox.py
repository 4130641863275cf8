"""The outbox (发件箱) of the credit-system export: written by the publish command.

:func:`enqueue` is called by :func:`spotcheck.tenants.results.services.publish_results` for each
version it publishes, in the same transaction: the result is published and queued for export
together, or neither is. The record keeps a frozen copy of what is exported (:func:`payload`), so
the batch job only reads the outbox and never has to join the result's tables again; a correction
(更正) is a record of its own that points to the record of the version it corrects.
"""
from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.exports.models import ExportRecord
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import PublishedResult, Visit

#: 后续处置 at publication when no problem was found, and when one was found but nothing opened yet.
NO_FOLLOW_UP = ("none_needed", "无需后续处置")
FOLLOW_UP_DUE = ("to_follow_up", "待后续处置")


def enqueue(visit: Visit, published: PublishedResult) -> ExportRecord:
    """Queue the published version for export (in the publish command's transaction)."""
    corrects = None
    if published.version > 1:
        corrects = db.session.scalar(sa.select(ExportRecord.id).where(
            ExportRecord.visit_id == visit.id, ExportRecord.version == published.version - 1))
    if published.id is None:
        db.session.flush()
    # a correction of a version the credit system never received (published before the export
    # existed) reaches it as a result
    record = ExportRecord(tenant_id=visit.tenant_id, published_result_id=published.id, visit_id=visit.id,
                          version=published.version, kind="correction" if corrects is not None else "result",
                          corrects_id=corrects, published_at=published.published_at,
                          payload=payload(visit, published))
    db.session.add(record)
    return record


@command(Permission.NOTICES_SEND)
def backfill(*, actor) -> int:
    """Queue for export the current published version of every result of the department that has
    no export record — results published before the export existed; returns how many. The payload
    is read from the visit as it is now, which is what its current version published."""
    tenant_id = current_tenant_id()
    exported = sa.select(ExportRecord.visit_id)
    waiting = db.session.scalars(sa.select(PublishedResult).where(
        PublishedResult.tenant_id == tenant_id, PublishedResult.current.is_(True),
        PublishedResult.visit_id.not_in(exported)).order_by(PublishedResult.published_at, PublishedResult.id)).all()
    for published in waiting:
        enqueue(db.session.get(Visit, published.visit_id), published)
        db.session.flush()
    if waiting:
        audit.record("exports.backfilled", "tenant", tenant_id, actor=actor, tenant_id=tenant_id,
                     details={"records": len(waiting)})
    return len(waiting)


def payload(visit: Visit, published: PublishedResult) -> dict:
    """The exported fields of a published version (record id and links are added when it is written)."""
    names = {category.code: category.published_name for category in categories.every()}
    problems = categories.problem_codes()
    items, codes = [], []
    for result in visit.results:
        item_codes = result.category_codes
        items.append({"item_code": result.item.code, "item_name": result.item.name, "category_codes": item_codes,
                      "category_names": [names.get(c) or reference.result_category_name(c) for c in item_codes],
                      "findings": result.findings})
        codes += [c for c in item_codes if c not in codes]
    follow_ups = [{"kind": f.kind.value, "name": reference.FOLLOW_UP_KINDS.get(f.kind.value, f.kind.value),
                   "opened_on": f.opened_on.isoformat(), "open": f.is_open} for f in visit.follow_ups]
    if follow_ups:
        kinds = list(dict.fromkeys(f["kind"] for f in follow_ups))
        follow_up = (";".join(kinds), "；".join(reference.FOLLOW_UP_KINDS.get(k, k) for k in kinds))
    else:
        follow_up = FOLLOW_UP_DUE if set(codes) & problems else NO_FOLLOW_UP
    campaign, entity = visit.campaign, visit.entity
    moment = as_utc(published.published_at)
    return {
        "entity_uscc": entity.code,
        "entity_name": entity.name,
        "department_code": campaign.tenant.code,
        "department_name": campaign.tenant.name,
        "campaign_code": campaign.code,
        "campaign_title": campaign.title,
        "check_date": visit.checked_on.isoformat() if visit.checked_on else None,
        "check_end_date": (visit.checked_until or visit.checked_on).isoformat() if visit.checked_on else None,
        "check_method_code": visit.method,
        "check_method_name": reference.CHECK_METHODS.get(visit.method, visit.method),
        "result_category_codes": codes,
        "result_category_names": [names.get(c) or reference.result_category_name(c) for c in codes],
        "items": items,
        "follow_up_code": follow_up[0],
        "follow_up_name": follow_up[1],
        "follow_ups": follow_ups,
        "publication_date": moment.astimezone(SHANGHAI).date().isoformat(),
        "published_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "correction_reason": published.correction_reason or "",
    }
