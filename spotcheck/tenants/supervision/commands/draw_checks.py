"""核验抽取: the justice bureau's check of a blinded draw (DRAW-SPEC "The bureau's check"), as commands — asked for
(:func:`request_check`, a durable job: a frame of a million rows is seconds of work) and run (:func:`check_draw`, the
job's work), which records the verdict.

The draw is found by the bureau's look-up (:mod:`spotcheck.tenants.supervision.draw_checks`: a draw another bureau
checks is no such draw) and read in its department's own scope. The lead's bureau (or a department's own, outside a
joint campaign) reads the key and the clear file and checks every row (:func:`spotcheck.draw.disclosure.bureau_checks`);
another bureau of a joint campaign reads its departments' clear rows with the salts of their ids, made here from the
key, which it never receives (:func:`spotcheck.draw.disclosure.part_checks`). Each reading, and the verdict, is
recorded in the bureau's audit trail and in the trail of each department concerned (the draw's, and those whose rows
were read)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import sqlalchemy as sa

from spotcheck.core import audit, jobs
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import blinding, disclosure
from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.campaigns import draws as steps, verdicts
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawCheck
from spotcheck.tenants.supervision import draw_checks
from spotcheck.tenants.supervision.draw_checks import Checkable
from spotcheck.tenants.supervision.vocabulary import DRAW_CHECK_JOB, DRAW_CHECK_TASK


@command(Permission.DRAWS_CHECK)
def request_check(campaign_id: int, kind: str, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Check the draw of ``kind`` of campaign ``campaign_id`` in the background (核验抽取); returns the job — the one
    already under way for that draw, if the bureau asked before. A draw the bureau does not check: NotFoundError."""
    draw_checks.one(cast(int, actor.tenant_id), campaign_id, kind)
    for job in db.session.scalars(
        sa.select(Job).where(Job.kind == DRAW_CHECK_JOB, Job.status.in_([JobStatus.queued, JobStatus.running]))
    ):
        if (job.params or {}).get("campaign_id") == campaign_id and (job.params or {}).get("draw") == kind:
            return job
    return jobs.submit(DRAW_CHECK_TASK, DRAW_CHECK_JOB, actor, campaign_id=campaign_id, draw=kind, locale=locale)


@command(Permission.DRAWS_CHECK)
def check_draw(
    campaign_id: int, kind: str, *, actor: Actor, progress: Callable[..., None] = lambda *p, **k: None
) -> DrawCheck:
    """The job's work: the bureau's check of the draw (the whole draw with the key and the clear file, or its
    departments' rows with their salts), each reading audited, the verdict recorded and returned."""
    bureau = get_tenant(cast(int, actor.tenant_id))
    found = draw_checks.one(bureau.id, campaign_id, kind)
    progress(5)
    with tenant_scope(found.department_id):  # the draw in its department's own scope: read, never written
        record = cast(Draw, db.session.get(Draw, found.draw_id))
        joint_parts = cast(Campaign, db.session.get(Campaign, campaign_id)).joint_parts or {}
        proof = steps.full_proof(record)
        given = _given(record, found)
    read = {part["tenant_id"] for group, part in joint_parts.items() if found.whole or group in found.groups}
    chains = [bureau.id, *sorted({found.department_id, *read})]
    details = _details(found, bureau.name)
    if found.whole:
        _record("draw.key_read", found, chains, details, actor)
        _record("draw.clear_read", found, chains, details, actor)
        progress(20)
        checks = disclosure.bureau_checks(proof, given["key"], given["clear"], given["published"])
    else:
        _record("draw.clear_read", found, chains, {**details, "salts": len(given["part"]["salts"])}, actor)
        progress(20)
        checks = disclosure.part_checks(proof, given["part"], found.groups)
    progress(90)
    verdict = verdicts.record(
        found.draw_id,
        found.campaign_id,
        found.kind,
        found.department_id,
        bureau_name=bureau.name,
        groups=list(zip(found.groups, found.group_names, strict=True)),
        checks=checks,
        proof_sha256=found.proof_sha256,
        actor=actor,
    )
    failed = sum(not check.ok for check in checks)
    _record("draw.checked", found, chains, {**details, "checks_run": len(checks), "checks_failed": failed}, actor)
    progress(100)
    return verdict


def _given(record: Draw, found: Checkable) -> dict[str, Any]:
    """What the check reads of the draw: the key, the clear file and the exclusions as published (the whole draw); or
    the clear rows of the bureau's departments with their salts (``part``)."""
    if not found.whole:
        return {"part": steps.clear_part(record, found.groups)}
    return {
        "key": steps.blind_key(record).hex(),
        "clear": steps.clear_content(record),
        "published": dict(record.excluded or {}) if found.kind == "targets" else None,
    }


def _details(found: Checkable, bureau: str) -> dict[str, Any]:
    """What each entry says of the check, in every trail alike: the draw by its campaign, the bureau, and a joint
    draw's departments whose rows alone were read."""
    details: dict[str, Any] = {
        "kind": found.kind,
        "campaign": found.code,
        "title": found.title,
        "department": found.department,
        "reader": bureau,
    }
    if not found.whole:
        details["groups"] = list(found.group_names)
    return details


def _record(action: str, found: Checkable, chains: list[int], details: dict[str, Any], actor: Actor) -> None:
    """``action`` in the bureau's trail and in each department's concerned (全程留痕)."""
    for chain in chains:
        audit.record(action, "campaign", found.campaign_id, actor=actor, tenant_id=chain, details=details)


#: Why a bureau reads a draw's key for 重复抽中提示 (the ``reason`` of its ``draw.key_read`` entries).
REPEATS_REASON = "重复抽中提示：以盲化密钥复算企业在各次抽取中的抽中概率"


@command(Permission.SUPERVISION_VIEW)
def tokens_for_repeats(record: Draw, codes: list[str], *, actor: Actor) -> dict[str, str]:
    """重复抽中提示 (:mod:`spotcheck.tenants.supervision.repeated_draws`): the tokens of ``codes`` in blinded target
    draw ``record`` — where the proof holds each business — made from the draw's key, which stays here. The key's
    reading is recorded (``draw.key_read``, with the reason and how many businesses) in the drawing department's trail
    and in the reader's. ``record`` is read in the scope its caller read it in."""
    key = steps.blind_key(record)
    tokens = {code: blinding.token(key, record.kind.value, code) for code in codes}
    campaign = cast(Campaign, db.session.get(Campaign, record.campaign_id))
    details = {
        "kind": record.kind.value,
        "campaign": campaign.code,
        "title": campaign.title,
        "department": get_tenant(record.tenant_id).name,
        "reader": get_tenant(cast(int, actor.tenant_id)).name,
        "reason": REPEATS_REASON,
        "count": len(codes),
    }
    for chain in sorted({record.tenant_id, cast(int, actor.tenant_id)}):
        audit.record("draw.key_read", "campaign", record.campaign_id, actor=actor, tenant_id=chain, details=details)
    return tokens
