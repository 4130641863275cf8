"""Publication of results (公示) and their correction (更正), as commands. Each publication is a
version in the public register, told to the rest of the platform by the ``result.published``
event inside the command's transaction (the credit-system export queues it there, exactly once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, bulk, events, jobs, statistics
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, in_chunks
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import transitions
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.results import visit_transitions
from spotcheck.tenants.results.commands._visits import advance, locked_visit, locked_visits, named, one_of
from spotcheck.tenants.results.models import PublishedEntity, PublishedResult, Visit
from spotcheck.tenants.results.policy import VISIT_ACTIONS
from spotcheck.tenants.results.queries.register import PublicParts, public_content
from spotcheck.tenants.results.vocabulary import PUBLICATION_JOB, PUBLICATION_TASK, REASON_LENGTH, VisitStatus


@command(Permission.RESULTS_PUBLISH)
def publish_results(visit_ids: list[int], data: object = None, *, actor: Actor) -> list[Visit]:
    """Publish approved results (公示), one or many at once: each becomes a version in the public
    register; a correction's new version replaces the old one there, marked as corrected. All or
    nothing: each result is checked as if published alone, and every refused one is named."""
    if not visit_ids:
        raise InvalidInputError({"visit_ids": [_l("Choose at least one result to publish.")]})
    ids = bulk.require_selection(visit_ids)
    locked = locked_visits(ids, follow_ups=True)

    def publishable(visit_id: int) -> Visit:
        visit = one_of(locked, visit_id)
        VISIT_ACTIONS.require(visit, actor, "publish")
        return visit

    visits = bulk.each(ids, publishable, name=named)
    moment, parts = now(), PublicParts(visits)
    db.session.execute(sa.update(PublishedResult).where(PublishedResult.visit_id.in_(ids)).values(current=False))
    versions = []
    for visit in visits:
        visit.version += 1
        versions.append(
            PublishedResult(
                tenant_id=visit.tenant_id,
                visit_id=visit.id,
                campaign_id=visit.campaign_id,
                entity_id=visit.entity_id,
                version=visit.version,
                current=True,
                corrected=visit.version > 1,
                correction_reason=visit.correction_reason if visit.version > 1 else "",
                checked_on=visit.checked_on,
                checked_until=visit.checked_until,
                published_at=moment,
                content=public_content(visit, parts),
            )
        )
    db.session.add_all(versions)
    db.session.flush()  # every version has its id: one INSERT for all of them
    lines = _register_lines(visits)
    for visit, published in zip(visits, versions, strict=True):  # one version per visit
        # the credit-system export queues the version here, in this transaction: exactly once
        events.emit("result.published", actor=actor, visit=visit, published=published)
        _count_in_register(lines, visit, moment)
        visit_transitions.move(visit, VisitStatus.published)
        visit.published_at, visit.published_by_name = moment, actor.display_name
        # a correction's version never moves the first publication, from which its lateness is counted
        visit.first_published_at = visit.first_published_at or moment
        visit.entered_by = []
    audit.record_many(
        "result.published",
        "visit",
        [(visit.id, {"entity": visit.entity.code, "version": visit.version}) for visit in visits],
        actor=actor,
    )
    statistics.refresh_after_commit("visit", "published_result", "published_entity", rows=len(visits))
    for campaign in {visit.campaign for visit in visits}:
        advance(campaign, actor=actor, by="results.publish_results")
    return visits


def _register_lines(visits: list[Visit]) -> dict[int, PublishedEntity]:
    """The register's lines of the visits' entities (those that have one), locked, in one query."""
    entity_ids = sorted({visit.entity_id for visit in visits})
    lines: dict[Any, Any] = {}
    for chunk in in_chunks(entity_ids):
        lines.update(
            (line.entity_id, line)
            for line in db.session.scalars(
                sa.select(PublishedEntity)
                .where(PublishedEntity.entity_id.in_(chunk))
                .order_by(PublishedEntity.entity_id)
                .with_for_update(of=PublishedEntity)
                .execution_options(populate_existing=True)
            )
        )
    return lines


def _count_in_register(lines: dict[int, PublishedEntity], visit: Visit, moment: datetime) -> None:
    """The entity's line of the register: one more current result for a first publication (a
    correction replaces its version), published last at ``moment``."""
    line = lines.get(visit.entity_id)
    if line is None:
        line = lines[visit.entity_id] = PublishedEntity(entity_id=visit.entity_id, results=0)
        db.session.add(line)
    line.results += 1 if visit.version == 1 else 0
    line.last_published_at, line.name, line.code = moment, visit.entity.name, visit.entity.code


@command(Permission.RESULTS_PUBLISH)
def start_correction(visit_id: int, data: object, *, actor: Actor) -> Visit:
    """更正: a published result is reopened for a new version, with the reason (``data["reason"]``);
    the public keeps the published version until the corrected one is approved and published."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "correct")
    reason = str((data if isinstance(data, dict) else {}).get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise InvalidInputError(
            {"reason": [_l("Say why the result is corrected (2 to %(n)d characters).", n=REASON_LENGTH)]}
        )
    visit_transitions.move(visit, VisitStatus.drafting)
    visit.correction_reason, visit.closed_at = reason, None
    if visit.campaign.status == CampaignStatus.closed:
        # to be closed again once the correction is published
        transitions.move(visit.campaign, CampaignStatus.published, actor=actor, by="results.start_correction")
    visit.submitted_at = visit.submitted_by_id = visit.approved_at = visit.approved_by_id = None
    visit.submitted_by_name = visit.approved_by_name = visit.recorded_for_team_by_name = ""
    visit.recorded_for_team_by_id = visit.recorded_for_team_at = None  # the new version is recorded anew
    audit.record(
        "result.correction_started",
        "visit",
        visit.id,
        actor=actor,
        details={"entity": visit.entity.code, "reason": reason},
    )
    return visit


@command(Permission.RESULTS_PUBLISH)
def submit_publication(visit_ids: list[int], data: dict | None = None, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Ask for the publication of many results at once in the background; returns the job to watch.
    The job calls :func:`publish_results`, all or nothing, each row checked again under its lock."""
    return jobs.submit(
        PUBLICATION_TASK, PUBLICATION_JOB, actor, visit_ids=bulk.require_selection(visit_ids), locale=locale
    )
