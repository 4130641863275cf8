"""The draw ceremony (抽取仪式), DRAW-SPEC "Sequence": commit → freeze → inputs → draw → reveal.

Each step is a service; each is audited and refused out of order. A draw happens once per
campaign and kind: the draw row is locked (``SELECT … FOR UPDATE``) and checked before
drawing, and a unique constraint allows one draw row per campaign and kind.
"""
from __future__ import annotations

import copy
import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck import draw as engine
from spotcheck.draw import inspectors as inspector_engine, proof_file, targets as target_engine
from spotcheck.core import audit, personal_data
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.core.clock import iso_utc, today, now
from spotcheck.core.errors import Conflict, NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.tenants.campaigns import frames
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS, draw_of
from spotcheck.tenants.campaigns.models import (
    Campaign, CampaignStatus, CampaignTarget, Draw, DrawKind, TargetStatus, TeamMember,
)
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector

MAX_INPUTS, MAX_INPUT_LENGTH = 20, 200

#: Why a drawn target may be replaced; "cannot be found" is not one: it is a finding.
TARGET_REPLACEMENT_REASONS = {
    "closed": "已关闭停业",
    "deregistered": "已注销",
    "revoked": "已被吊销",
    "moved": "已迁出",
    "recused_by_rule": "依规回避",
}
#: Why a drawn inspector may be replaced.
INSPECTOR_REPLACEMENT_REASONS = {
    "leave": "请假",
    "illness": "因病",
    "conflict": "抽取后申报回避",
    "post_change": "岗位调整",
}


#: The campaign's draw of a kind (``None`` before it is committed).
get_draw = draw_of


def commit_draw(campaign: Campaign, kind: str, *, actor) -> Draw:
    """Step 1: a fresh 32-byte nonce; its hash (the commitment) is published now. Part of the
    commands :func:`~spotcheck.tenants.campaigns.services.approve` (targets) and :func:`draw_targets`
    (the inspector draw is committed when the targets are drawn)."""
    if get_draw(campaign, kind) is not None:
        raise Conflict(_l("This draw is already committed."))
    nonce = engine.new_nonce()
    record = Draw(campaign_id=campaign.id, kind=DrawKind(kind), nonce_encrypted=personal_data.encrypt(nonce.hex()),
                  commitment=engine.commitment(nonce))
    db.session.add(record)
    db.session.flush()
    audit.record("draw.committed", "campaign", campaign.id, actor=actor,
                 details={"kind": kind, "commitment": record.commitment})
    return record


# --- targets ------------------------------------------------------------------------------


@command(Permission.CAMPAIGNS_EDIT)
def freeze_targets(campaign: Campaign, *, actor) -> Draw:
    """Step 2: fix the frame (exclusions applied first) and publish its digest and counts."""
    CAMPAIGN_ACTIONS.require(campaign, actor, "freeze_targets")
    record = draw_of(campaign, "targets")
    frame = frames.target_frame([frames.FramePart.of(campaign)], today())
    try:
        target_engine.parse_frame_file(frame.file)
    except ValueError as bad:
        raise ValidationFailed({"target_filter": [_l("The directory holds a code the draw cannot take (%(why)s).",
                                                     why=str(bad))]}) from None
    _freeze(record, frame, actor=actor)
    return record


def _freeze(record: Draw, frame: frames.Frame, *, actor) -> None:
    record.frame_file = frame.file
    record.frame_digest = hashlib.sha256(frame.file).hexdigest()
    record.counts, record.excluded, record.frozen_at = frame.counts, frame.excluded, now()
    audit.record("draw.frozen", "campaign", record.campaign_id, actor=actor,
                 details={"kind": record.kind.value, "frame_digest": record.frame_digest, "counts": record.counts,
                          "excluded": record.excluded})


def clean_inputs(public_inputs) -> list[str]:
    inputs = [str(text).strip() for text in public_inputs or [] if str(text).strip()]
    if len(inputs) > MAX_INPUTS or any(len(t) > MAX_INPUT_LENGTH or "\n" in t or "\r" in t for t in inputs):
        raise ValidationFailed({"public_inputs": [_l("At most %(n)d inputs of one line and at most %(len)d characters each.",
                                                     n=MAX_INPUTS, len=MAX_INPUT_LENGTH)]})
    return inputs


@command(Permission.CAMPAIGNS_EDIT)
def draw_targets(campaign_id: int, public_inputs: list[str], *, actor) -> Draw:
    """Steps 3–5: take the observers' inputs, draw, store the targets and publish the proof.

    Locks the campaign and its draw row first; a second request finds them drawn and is refused.
    """
    inputs = clean_inputs(public_inputs)
    campaign, record = _locked(campaign_id, "targets", actor, "draw_targets")
    proof = target_engine.draw_targets_from_file(
        campaign=campaign.code, nonce=_nonce(record), frame_file=_frozen_file(record),
        rules={campaign.tenant_code: campaign.strata}, reserve_size=campaign.reserve_size, public_inputs=inputs)
    _finish(record, proof, inputs)
    _store_targets(campaign, proof)
    campaign.status = CampaignStatus.targets_drawn
    audit.record("draw.drawn", "campaign", campaign.id, actor=actor,
                 details={"kind": "targets", "seed": record.seed, "public_inputs": inputs,
                          "selected": sum(len(v) for s in proof["selected"].values() for v in s.values())})
    commit_draw(campaign, "inspectors", actor=actor)
    return record


@command(Permission.CAMPAIGNS_EDIT)
def replace_target(campaign: Campaign, entity_id: int, reason: str, *, actor) -> CampaignTarget:
    """Replace a drawn target by the next unused reserve of its cell, before the inspectors are frozen."""
    if reason not in TARGET_REPLACEMENT_REASONS:
        raise ValidationFailed({"reason": [_l("Choose a reason from the list; an entity that cannot be found is a "
                                              "finding of the check, not a reason to replace it.")]})
    campaign, record = _locked(campaign.id, "targets", actor, "replace_target")
    out = db.session.scalar(sa.select(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.entity_id == entity_id,
        CampaignTarget.status == TargetStatus.selected))
    if out is None:
        raise NotFound(_l("This entity is not a selected target of the campaign."))
    proof = copy.deepcopy(record.proof)  # a new value, so the change is saved
    try:
        replacement = target_engine.replace_target(proof, group=out.group_code, stratum=out.stratum,
                                                   out=out.entity.code, reason=reason)
    except ValueError as exc:
        raise Conflict(_l("No reserve left in this stratum (%(detail)s).", detail=str(exc))) from None
    incoming = db.session.scalar(sa.select(CampaignTarget).join(CampaignTarget.entity).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.group_code == out.group_code,
        Entity.code == replacement["in"]))
    out.status, out.replacement_reason = TargetStatus.replaced, reason
    incoming.status = TargetStatus.selected
    _store_proof(record, proof)
    audit.record("draw.target_replaced", "campaign", campaign.id, actor=actor, details=replacement)
    return incoming


# --- inspectors ---------------------------------------------------------------------------


@command(Permission.CAMPAIGNS_EDIT)
def freeze_inspectors(campaign: Campaign, *, actor) -> Draw:
    """Fix the visits (current targets), the eligible pool on the draw date, and the recusals."""
    CAMPAIGN_ACTIONS.require(campaign, actor, "freeze_inspectors")
    record = draw_of(campaign, "inspectors")
    needed = sorted({c for item in campaign.items for c in item.inspector_categories})
    if not needed:
        raise ValidationFailed({"items": [_l("The campaign's items name no enforcement category (执法类别): no "
                                             "inspector can be qualified.")]})
    visit_codes = dict(db.session.execute(
        sa.select(CampaignTarget.entity_id, Entity.code).join(Entity, Entity.id == CampaignTarget.entity_id)
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)).all())
    part = frames.PoolPart(campaign.tenant_code, campaign.tenant_id, needed, visit_codes)
    _freeze(record, frames.inspector_frame([part], today()), actor=actor)
    return record


@command(Permission.CAMPAIGNS_EDIT)
def draw_inspectors(campaign_id: int, public_inputs: list[str], *, actor) -> Draw:
    """Draw the teams; if a team cannot be filled the whole draw fails with the visit named."""
    inputs = clean_inputs(public_inputs)
    campaign, record = _locked(campaign_id, "inspectors", actor, "draw_inspectors")
    try:
        proof = engine.draw_inspectors(campaign=campaign.code, nonce=_nonce(record),
                                       lines=proof_file.frame_value("inspectors", _frozen_file(record)),
                                       team_size=campaign.team_size, per_group_min=0, capacity=campaign.capacity,
                                       public_inputs=inputs)
    except engine.DrawFailed as failed:
        raise Conflict(_l("The inspector draw cannot form every team: %(why)s", why=str(failed))) from None
    del proof["frame_lines"]  # the frame file is the proof's frame
    _finish(record, proof, inputs)
    _store_teams(campaign, proof["teams"])
    campaign.status = CampaignStatus.inspectors_drawn
    audit.record("draw.drawn", "campaign", campaign.id, actor=actor,
                 details={"kind": "inspectors", "seed": record.seed, "public_inputs": inputs, "teams": len(proof["teams"])})
    return record


def _store_targets(campaign: Campaign, proof: dict) -> None:
    """The drawn targets and reserves as ``campaign_target`` rows, each cell in ranking order."""
    drawn = [(code, group, stratum, rank, (TargetStatus.selected if rank <= len(ids) else TargetStatus.reserve).name)
             for group, strata in proof["selected"].items() for stratum, ids in strata.items()
             for rank, code in enumerate(ids + proof["reserves"][group][stratum], 1)]
    if not drawn:
        return
    if db.session.get_bind().dialect.name == "postgresql":  # codes looked up and rows written in one statement
        codes, groups, strata, ranks, statuses = (list(column) for column in zip(*drawn))
        written = db.session.execute(sa.text(
            "INSERT INTO campaign_target (tenant_id, campaign_id, entity_id, group_code, stratum, rank, status, "
            "replacement_reason) SELECT :tenant, :campaign, entity.id, d.group_code, d.stratum, d.rank, d.status, '' "
            "FROM unnest(CAST(:codes AS text[]), CAST(:groups AS text[]), CAST(:strata AS text[]), "
            "CAST(:ranks AS integer[]), CAST(:statuses AS text[])) AS d(code, group_code, stratum, rank, status) "
            "JOIN entity ON entity.code = d.code WHERE entity.code = ANY(CAST(:codes AS text[]))"),  # by the index
            {"tenant": campaign.tenant_id, "campaign": campaign.id, "codes": codes, "groups": groups,
             "strata": strata, "ranks": ranks, "statuses": statuses}).rowcount
    else:
        entity_ids = _entity_ids(code for code, *_ in drawn)
        rows = [{"tenant_id": campaign.tenant_id, "campaign_id": campaign.id, "entity_id": entity_ids[code],
                 "group_code": group, "stratum": stratum, "rank": rank, "status": status, "replacement_reason": ""}
                for code, group, stratum, rank, status in drawn if code in entity_ids]
        db.session.execute(sa.insert(CampaignTarget), rows)
        written = len(rows)
    if written != len(drawn):
        raise Conflict(_l("A drawn entity is no longer in the registry: the draw is refused."))


def _entity_ids(codes) -> dict[str, int]:
    """Entity ids by code, looked up in batches (PostgreSQL takes at most 65,535 parameters)."""
    codes, found = sorted(codes), {}
    for start in range(0, len(codes), 10_000):
        batch = codes[start:start + 10_000]
        found.update(db.session.execute(sa.select(Entity.code, Entity.id).where(Entity.code.in_(batch))).all())
    return found


def _store_teams(campaign: Campaign, teams: dict[str, list[str]], inspectors: dict | None = None) -> None:
    """The drawn teams as ``team_member`` rows in pick order. ``inspectors``: certificate number →
    (inspector id, name, group) — for a joint campaign, read across its departments; otherwise the
    department's own list."""
    entity_ids = _entity_ids(teams)
    if inspectors is None:
        inspectors = {cert: (inspector_id, name, campaign.tenant_code) for cert, inspector_id, name in db.session.execute(
            sa.select(Inspector.cert_no, Inspector.id, Inspector.name))}
    rows = [{"tenant_id": campaign.tenant_id, "campaign_id": campaign.id, "entity_id": entity_ids[visit],
             "inspector_id": inspectors[cert][0], "inspector_name": inspectors[cert][1], "cert_no": cert,
             "group_code": inspectors[cert][2], "position": position, "is_leader": False, "active": True,
             "replacement_reason": ""}
            for visit, team in teams.items() for position, cert in enumerate(team, 1)]
    if rows:
        db.session.execute(sa.insert(TeamMember), rows)


@command(Permission.CAMPAIGNS_EDIT)
def replace_inspector(campaign: Campaign, member_id: int, reason: str, *, actor) -> TeamMember:
    """Replace a team member by the next eligible inspector in that visit's ranking (a member who
    declared a conflict after the draw: for the reason ``conflict``, 抽取后申报回避)."""
    if reason not in INSPECTOR_REPLACEMENT_REASONS:
        raise ValidationFailed({"reason": [_l("Choose a reason from the list.")]})
    campaign, record = _locked(campaign.id, "inspectors", actor, "replace_inspector")
    member = db.session.scalar(sa.select(TeamMember).where(TeamMember.id == member_id, TeamMember.active.is_(True),
                                                           TeamMember.campaign_id == campaign.id))
    if member is None:
        raise NotFound(_l("No such team member."))
    if member.recusal_id is not None and reason != "conflict":  # the proof records why: the declared conflict
        raise ValidationFailed({"reason": [_l("This member declared a conflict (回避): the reason is “%(reason)s”.",
                                              reason=INSPECTOR_REPLACEMENT_REASONS["conflict"])]})
    proof = full_proof(record)
    try:
        replacement = inspector_engine.replace_inspector(proof, visit=member.entity.code, out=member.inspector.cert_no,
                                                         reason=reason)
    except engine.DrawFailed as failed:
        raise Conflict(_l("No eligible inspector is left: %(why)s", why=str(failed))) from None
    del proof["frame_lines"]
    member.active, member.replacement_reason = False, reason
    incoming = db.session.scalar(sa.select(Inspector).where(Inspector.cert_no == replacement["in"]))
    new = TeamMember(campaign_id=campaign.id, entity_id=member.entity_id, inspector_id=incoming.id,
                     position=member.position, is_leader=member.is_leader, inspector_name=incoming.name,
                     cert_no=incoming.cert_no, group_code=member.group_code)
    db.session.add(new)
    db.session.flush()  # stamped with the tenant now, not by an autoflush inside the audit's system access
    _store_proof(record, proof)
    audit.record("draw.inspector_replaced", "campaign", campaign.id, actor=actor, details=replacement)
    return new


@command(Permission.CAMPAIGNS_EDIT)
def designate_leader(campaign: Campaign, member_id: int, *, actor) -> TeamMember:
    """Name the team leader (组长) of a visit, after the draw (audited)."""
    CAMPAIGN_ACTIONS.require(campaign, actor, "designate_leader")
    return name_leader(campaign, member_id, actor=actor)


def name_leader(campaign: Campaign, member_id: int, *, actor) -> TeamMember:
    """The leader of the member's visit is that member, and nobody else (a step of the commands
    that name leaders, single or joint campaign)."""
    member = db.session.scalar(sa.select(TeamMember).where(TeamMember.id == member_id, TeamMember.active.is_(True),
                                                           TeamMember.campaign_id == campaign.id))
    if member is None:
        raise NotFound(_l("No such team member."))
    for other in db.session.scalars(sa.select(TeamMember).where(TeamMember.campaign_id == campaign.id,
                                                                TeamMember.entity_id == member.entity_id)):
        other.is_leader = other.id == member.id
    audit.record("team.leader_designated", "campaign", campaign.id, actor=actor,
                 details={"visit": member.entity.code, "leader": member.cert_no or member.inspector.cert_no})
    return member


# --- reading the outcome (for the pages and the API) ----------------------------------------


def ready_to_draw(campaign: Campaign, kind: str) -> Draw:
    """Refuse at once what :func:`draw_targets` / :func:`draw_inspectors` would refuse, so a draw
    request that cannot succeed (a second draw above all) is answered before a job is queued."""
    CAMPAIGN_ACTIONS.check_state(campaign, f"draw_{kind}")
    return draw_of(campaign, kind)


def list_team_members(campaign: Campaign) -> list[TeamMember]:
    """Every team member of the campaign, replaced ones included, in pick order per visit."""
    return list(db.session.scalars(sa.select(TeamMember).where(TeamMember.campaign_id == campaign.id)
                                   .order_by(TeamMember.entity_id, TeamMember.position, TeamMember.id)))


# --- shared steps ---------------------------------------------------------------------------


def _locked(campaign_id: int, kind: str, actor, action: str) -> tuple[Campaign, Draw]:
    """The campaign and its draw of ``kind``, locked and read afresh, once ``action`` is allowed: two
    requests for the same step take turns, and the second finds the step done."""
    from spotcheck.tenants.campaigns.services import get_campaign

    campaign = get_campaign(campaign_id, for_update=True)
    record = draw_of(campaign, kind, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, action)
    return campaign, record


def _nonce(record: Draw) -> bytes:
    return bytes.fromhex(personal_data.decrypt(record.nonce_encrypted))


def _frozen_file(record: Draw) -> bytes:
    """The frame file as frozen; refused if it no longer matches the digest published at the freeze."""
    if hashlib.sha256(record.frame_file).hexdigest() != record.frame_digest:
        raise Conflict(_l("The stored frame no longer matches its published digest: the draw is refused."))
    return record.frame_file


def _finish(record: Draw, proof: dict, inputs: list[str]) -> None:
    record.public_inputs, record.seed, record.drawn_at = inputs, proof["seed"], now()
    proof["committed_at"] = iso_utc(record.committed_at)
    proof["frozen_at"] = iso_utc(record.frozen_at)
    proof["drawn_at"] = iso_utc(record.drawn_at)
    _store_proof(record, proof)


def _store_proof(record: Draw, proof: dict) -> None:
    """Keep the proof (without its frame) and the SHA-256 of the file it publishes."""
    record.proof = proof
    record.proof_sha256 = hashlib.sha256(published_bytes(record)).hexdigest()


def published_bytes(record: Draw) -> bytes:
    """The published proof file of a drawn draw (:mod:`spotcheck.draw.proof_file`)."""
    return proof_file.dumps(record.proof, record.frame_file)


def full_proof(record: Draw) -> dict:
    """The proof with its frame, as the verifier and the replacement rules read it (a new value:
    changing it changes nothing stored)."""
    proof = copy.deepcopy(record.proof)
    proof[proof_file.FRAME_FIELD[proof["kind"]]] = proof_file.frame_value(proof["kind"], record.frame_file)
    return proof
