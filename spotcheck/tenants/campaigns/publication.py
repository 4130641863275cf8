"""What the public sees of a department's plans and draws (一公开): read-only.

Every function works in the current tenant scope: the public portal enters a department's
scope (:func:`spotcheck.tenants.scoping.tenant_scope`) and calls these. They return only what
is public — published plans; campaigns once approved (a draft is internal); each draw's
commitment, frame digest and counts, inputs, seed and proof once they exist (the nonce only
inside the proof, after the draw); targets by entity code and name; team members by name and
enforcement certificate number, nothing else of the inspector.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, selectinload

from spotcheck.draw.verify import Check, verify
from spotcheck.platform.errors import NotFound
from spotcheck.platform.extensions import db
from spotcheck.tenants.campaigns.ceremony import proof_bytes
from spotcheck.tenants.campaigns.models import (
    Campaign, CampaignStatus, CampaignTarget, Draw, DrawKind, TargetStatus, TeamMember,
)
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanStatus

#: Campaign states shown to the public: approved and later.
PUBLIC_STATUSES = tuple(status for status in CampaignStatus if status != CampaignStatus.draft)


def published_plans() -> list[Plan]:
    """The department's published plans, newest year first, with their lines and items."""
    return list(db.session.scalars(
        sa.select(Plan).where(Plan.status == PlanStatus.published)
        .options(selectinload(Plan.lines).joinedload(PlanItem.item))
        .order_by(Plan.year.desc(), Plan.half)))


def public_campaigns() -> list[Campaign]:
    """The department's campaigns that are approved or later, most recently approved first."""
    return list(db.session.scalars(
        sa.select(Campaign).where(Campaign.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Campaign.items))
        .order_by(Campaign.approved_at.desc(), Campaign.id.desc())))


def public_campaign(campaign_id: int) -> Campaign:
    """One campaign of the department if it is public (approved or later), else NotFound."""
    campaign = db.session.scalar(sa.select(Campaign).where(
        Campaign.id == campaign_id, Campaign.status.in_(PUBLIC_STATUSES)))
    if campaign is None:
        raise NotFound(_l("No such campaign."))
    return campaign


def is_public_campaign(campaign_id: int) -> bool:
    return db.session.scalar(sa.select(Campaign.id).where(
        Campaign.id == campaign_id, Campaign.status.in_(PUBLIC_STATUSES))) is not None


@dataclass(frozen=True)
class PublicDraw:
    """The public state of one draw. ``stage``: committed → frozen → drawn."""

    kind: str
    commitment: str
    committed_at: object
    frame_digest: str | None
    counts: dict | None
    excluded: dict | None
    frozen_at: object
    public_inputs: list | None
    seed: str | None
    drawn_at: object
    proof_sha256: str | None

    @property
    def stage(self) -> str:
        return "drawn" if self.drawn_at else "frozen" if self.frozen_at else "committed"


def public_draws(campaign: Campaign) -> dict[str, PublicDraw]:
    """The campaign's draws by kind; what a stage has not reached yet is left out (the frame and
    the proof are never loaded here; the nonce is never read)."""
    records = db.session.scalars(sa.select(Draw).where(Draw.campaign_id == campaign.id)
                                 .options(defer(Draw.nonce_encrypted), defer(Draw.frame), defer(Draw.proof)))
    out = {}
    for record in records:
        frozen, drawn = record.frozen_at is not None, record.drawn_at is not None
        out[record.kind.value] = PublicDraw(
            kind=record.kind.value, commitment=record.commitment, committed_at=record.committed_at,
            frame_digest=record.frame_digest if frozen else None, counts=record.counts if frozen else None,
            excluded=record.excluded if frozen else None, frozen_at=record.frozen_at,
            public_inputs=record.public_inputs if drawn else None, seed=record.seed if drawn else None,
            drawn_at=record.drawn_at, proof_sha256=record.proof_sha256 if drawn else None)
    return out


@dataclass(frozen=True)
class PublicTarget:
    entity_id: int
    code: str
    name: str
    stratum: str
    rank: int
    status: str  # selected or replaced
    replacement_reason: str


def public_targets(campaign: Campaign) -> list[PublicTarget]:
    """The drawn targets (selected, and those replaced with the reason), by stratum and rank;
    entity code and name only."""
    rows = db.session.execute(
        sa.select(CampaignTarget.entity_id, Entity.code, Entity.name, CampaignTarget.stratum, CampaignTarget.rank,
                  CampaignTarget.status, CampaignTarget.replacement_reason)
        .join(Entity, Entity.id == CampaignTarget.entity_id)
        .where(CampaignTarget.campaign_id == campaign.id,
               CampaignTarget.status.in_([TargetStatus.selected, TargetStatus.replaced]))
        .order_by(CampaignTarget.stratum, CampaignTarget.rank))
    return [PublicTarget(entity_id=r[0], code=r[1], name=r[2], stratum=r[3], rank=r[4], status=r[5].value,
                         replacement_reason=r[6]) for r in rows]


@dataclass(frozen=True)
class PublicMember:
    name: str
    cert_no: str
    is_leader: bool
    active: bool
    replacement_reason: str


def public_teams(campaign: Campaign) -> dict[int, list[PublicMember]]:
    """Team members per visit (entity id), in pick order: the inspector's name and enforcement
    certificate number only (no ID number, sex, post or anything else)."""
    rows = db.session.execute(
        sa.select(TeamMember.entity_id, Inspector.name, Inspector.cert_no, TeamMember.is_leader, TeamMember.active,
                  TeamMember.replacement_reason)
        .join(Inspector, Inspector.id == TeamMember.inspector_id)
        .where(TeamMember.campaign_id == campaign.id)
        .order_by(TeamMember.entity_id, TeamMember.position, TeamMember.id))
    teams: dict[int, list[PublicMember]] = {}
    for entity_id, name, cert_no, is_leader, active, reason in rows:
        teams.setdefault(entity_id, []).append(PublicMember(name, cert_no, is_leader, active, reason))
    return teams


def drawn_proof(campaign: Campaign, kind: str) -> dict:
    """The published proof of a drawn draw; NotFound before the draw (or for an unknown kind)."""
    try:
        draw_kind = DrawKind(kind)
    except ValueError:
        raise NotFound(_l("No such draw.")) from None
    record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == campaign.id, Draw.kind == draw_kind,
                                                     Draw.drawn_at.is_not(None))
                               .options(defer(Draw.nonce_encrypted), defer(Draw.frame)))
    if record is None or record.proof is None:
        raise NotFound(_l("This draw has not been made yet; its proof is published after the draw."))
    return record.proof


def published_proof(campaign: Campaign, kind: str) -> bytes:
    """The proof file as published (UTF-8 JSON)."""
    return proof_bytes(drawn_proof(campaign, kind))


@dataclass(frozen=True)
class Verification:
    checks: list[Check]
    proof_sha256: str
    published_sha256: str | None
    nonce: str | None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


def verify_proof(campaign: Campaign, kind: str) -> Verification:
    """Recompute the stored proof with the verifier (:func:`spotcheck.draw.verify.verify`): the
    same checks ``spotcheck draw verify`` prints. Changes nothing."""
    proof = drawn_proof(campaign, kind)
    published = db.session.scalar(sa.select(Draw.proof_sha256).where(Draw.campaign_id == campaign.id,
                                                                      Draw.kind == DrawKind(kind)))
    digest = hashlib.sha256(proof_bytes(proof)).hexdigest()
    nonce = proof.get("nonce") if isinstance(proof, dict) and isinstance(proof.get("nonce"), str) else None
    return Verification(checks=verify(proof), proof_sha256=digest, published_sha256=published, nonce=nonce)
