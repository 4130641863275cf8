"""The credit export's test world (信用信息共享): a published result corrected and published again,
many more published versions queued for export in bulk, and the count of an audited action."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.exports.models import ExportRecord
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import PublishedResult
from tests.support.campaign_world import planner_of
from tests.support.helpers import user_named
from tests.support.results_world import complete_result, visit

TODAY = date(2026, 10, 12)
#: What an export run that finds nothing new reports.
NOTHING = {"batches": 0, "records": 0, "delivered": 0, "failed": 0}


def corrected(ids, reason: str = "检查结果类别录入有误，予以更正。") -> None:
    """Correct the published result of ``ids`` and publish the new version (更正)."""
    chief, leader, planner = user_named("yjj_inspector"), user_named("yjj_leader"), planner_of(user_named("yjj_admin"))
    results.start_correction(visit(ids).id, {"reason": reason}, actor=planner)
    results.record_result(
        visit(ids).id,
        complete_result(
            ids, items={str(ids["item"]): {"categories": ["rectified"], "findings": "应急预案已按要求补充演练。"}}
        ),
        actor=chief,
    )
    results.submit_result(visit(ids).id, actor=chief)
    results.approve_result(visit(ids).id, actor=leader)
    results.publish_results([ids["visit"]], actor=planner)
    db.session.commit()


def audited(action: str) -> int:
    """How many audit entries of ``action`` there are."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def more_published(ids, count: int) -> list[int]:
    """``count`` more published versions of the visit, queued for export as the publish command
    queues them (written in bulk: the batch machinery is what is tested, not publication)."""
    with tenant_scope(ids["tenant"]):
        [model] = db.session.scalars(sa.select(ExportRecord)).all()
        base = db.session.scalar(sa.select(PublishedResult).where(PublishedResult.id == model.published_result_id))
        start = 1000
        db.session.execute(
            sa.insert(PublishedResult),
            [
                {
                    "tenant_id": base.tenant_id,
                    "visit_id": base.visit_id,
                    "campaign_id": base.campaign_id,
                    "entity_id": base.entity_id,
                    "version": start + n,
                    "current": False,
                    "corrected": False,
                    "correction_reason": "",
                    "checked_on": base.checked_on,
                    "published_at": base.published_at,
                    "content": base.content,
                }
                for n in range(count)
            ],
        )
        made = db.session.execute(
            sa.select(PublishedResult.id, PublishedResult.version)
            .where(PublishedResult.version >= start)
            .order_by(PublishedResult.id)
        ).all()
        db.session.execute(
            sa.insert(ExportRecord),
            [
                {
                    "tenant_id": ids["tenant"],
                    "published_result_id": pr_id,
                    "visit_id": model.visit_id,
                    "version": version,
                    "kind": "result",
                    "published_at": model.published_at,
                    "created_at": model.created_at,
                    "payload": {**model.payload, "entity_name": f"{model.payload['entity_name']}（{version}）"},
                }
                for pr_id, version in made
            ],
        )
        db.session.commit()
        return list(db.session.scalars(sa.select(ExportRecord.id).order_by(ExportRecord.id)))
