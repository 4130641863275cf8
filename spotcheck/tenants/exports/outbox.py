"""The outbox (发件箱) of the credit-system export: written when a result is published.

:func:`queue_published` handles the ``result.published`` event that
:func:`spotcheck.tenants.results.commands.publication.publish_results` emits for each version it
publishes, inside its transaction: the result is published and queued for export together, or
neither is — and once, a version's record being unique (``published_result_id``). The record
keeps a frozen copy of what is exported (:func:`payload`), so the batch job only reads the outbox
and never has to join the result's tables again; a correction (更正) is a record of its own that
points to the record of the version it corrects. Results published before the export existed
are queued by :func:`spotcheck.tenants.exports.commands.backfill`.
"""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.core.database import db
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.exports.models import ExportRecord
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import PublishedResult, Visit

#: 后续处置 at publication when no problem was found, and when one was found but nothing opened yet.
NO_FOLLOW_UP = ("none_needed", "无需后续处置")
FOLLOW_UP_DUE = ("to_follow_up", "待后续处置")


@events.subscribe("result.published")
def queue_published(*, actor: Actor, visit: Visit, published: PublishedResult) -> ExportRecord:
    """A version was published: queue it for export (in the publish command's transaction)."""
    return enqueue(visit, published)


def enqueue(visit: Visit, published: PublishedResult) -> ExportRecord:
    """Queue the published version for export (in the publish command's transaction)."""
    corrects = None
    if published.version > 1:
        corrects = db.session.scalar(
            sa.select(ExportRecord.id).where(
                ExportRecord.visit_id == visit.id, ExportRecord.version == published.version - 1
            )
        )
    if published.id is None:
        db.session.flush()
    # a correction of a version the credit system never received (published before the export
    # existed) reaches it as a result
    record = ExportRecord(
        tenant_id=visit.tenant_id,
        published_result_id=published.id,
        visit_id=visit.id,
        version=published.version,
        kind="correction" if corrects is not None else "result",
        corrects_id=corrects,
        published_at=published.published_at,
        payload=payload(visit, published),
    )
    db.session.add(record)
    return record


def payload(visit: Visit, published: PublishedResult) -> dict:
    """The exported fields of a published version (record id and links are added when it is written)."""
    names = {category.code: category.published_name for category in categories.every()}
    problems = categories.problem_codes()
    items, codes = [], []
    for result in visit.results:
        item_codes = result.category_codes
        items.append(
            {
                "item_code": result.item.code,
                "item_name": result.item.name,
                "category_codes": item_codes,
                "category_names": [names.get(c) or reference.result_category_name(c) for c in item_codes],
                "findings": result.findings,
            }
        )
        codes += [c for c in item_codes if c not in codes]
    follow_ups = [
        {
            "kind": f.kind.value,
            "name": reference.FOLLOW_UP_KINDS.get(f.kind.value, f.kind.value),
            "opened_on": f.opened_on.isoformat(),
            "open": f.is_open,
        }
        for f in visit.follow_ups
    ]
    if follow_ups:
        kinds = list(dict.fromkeys(str(f["kind"]) for f in follow_ups))
        follow_up = (";".join(kinds), "；".join(reference.FOLLOW_UP_KINDS.get(k, k) for k in kinds))
    else:
        follow_up = FOLLOW_UP_DUE if set(codes) & problems else NO_FOLLOW_UP
    campaign, entity = visit.campaign, visit.entity
    moment = as_utc(published.published_at)
    return {
        "entity_uscc": entity.code,
        "entity_name": entity.name,
        "department_code": campaign.tenant.code,
        "department_name": campaign.tenant.full_name,
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
