"""Changing what a draw chose (抽取结果的替换), as commands: a target replaced by the next reserve
of its cell, an inspector by the next eligible one of the visit's ranking, a team leader (组长)
named — each recorded in the published proof or the audit trail.
"""

from __future__ import annotations

import copy
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck import draw as engine
from spotcheck.core import audit, bulk, events
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.draw import targets as target_engine
from spotcheck.tenants.campaigns import draws, inspection_counts
from spotcheck.tenants.campaigns.commands.ceremony import _locked
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw, TeamMember
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.campaigns.vocabulary import INSPECTOR_REPLACEMENT_REASONS, TargetStatus
from spotcheck.tenants.inspectors.models import Inspector


@command(Permission.CAMPAIGNS_EDIT)
def replace_target(campaign_id: int, data: dict, *, actor: Actor) -> CampaignTarget:
    """Replace a drawn target (``data["entity_id"]``) by the next unused reserve of its cell, for
    ``data["reason"]``, before the inspectors are frozen."""
    entity_id, reason = data.get("entity_id"), data.get("reason") or ""
    campaign, record = _locked(campaign_id, "targets", actor, "replace_target")
    rules = rules_of(campaign)
    if reason not in rules.target_replacement_reasons:
        raise InvalidInputError(
            {
                "reason": [
                    _l(
                        "A drawn target is replaced only for these reasons (%(source)s): "
                        "%(reasons)s. Choose one; an entity that cannot be found is a finding "
                        "of the check, not a reason to replace it.",
                        source=rules.cited["target_replacement_reasons"].words,
                        reasons="、".join(rules.target_replacement_reasons.values()),
                    )
                ]
            }
        )
    out = db.session.scalar(
        sa.select(CampaignTarget).where(
            CampaignTarget.campaign_id == campaign.id,
            CampaignTarget.entity_id == entity_id,
            CampaignTarget.status == TargetStatus.selected,
        )
    )
    if out is None:
        raise NotFoundError(_l("This entity is not a selected target of the campaign."))
    proof = copy.deepcopy(cast(dict[str, Any], record.proof))  # a new value, so the change is saved
    try:
        replacement = target_engine.replace_target(
            proof,
            group=out.group_code,
            stratum=out.stratum,
            out=draws.public_id(record, out.entity.code),
            reason=reason,
        )
    except ValueError as exc:
        raise ConflictError(_l("No reserve left in this stratum (%(detail)s).", detail=str(exc))) from None
    reserves = db.session.scalars(
        sa.select(CampaignTarget)
        .join(CampaignTarget.entity)
        .where(
            CampaignTarget.campaign_id == campaign.id,
            CampaignTarget.group_code == out.group_code,
            CampaignTarget.stratum == out.stratum,
            CampaignTarget.status == TargetStatus.reserve,
        )
    ).all()
    incoming = next((row for row in reserves if draws.public_id(record, row.entity.code) == replacement["in"]), None)
    incoming = cast(CampaignTarget, incoming)  # the reserve drawn is a target of the campaign
    draws.mark_replaced(out, incoming, reason)
    draws.store_proof(record, proof)
    department = (campaign.joint_parts or {}).get(out.group_code, {}).get("tenant_id") if campaign.joint else None
    inspection_counts.replaced(campaign, out.entity_id, incoming.entity_id, department or campaign.tenant_id)
    audit.record(  # the department's trail names the businesses by their codes (the proof, by its tokens)
        "draw.target_replaced",
        "campaign",
        campaign.id,
        actor=actor,
        details={**replacement, "out": out.entity.code, "in": incoming.entity.code},
    )
    return incoming


@command(Permission.CAMPAIGNS_EDIT)
def replace_inspector(campaign_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """Replace a team member (``data["member_id"]``) by the next eligible inspector in that visit's
    ranking, for ``data["reason"]`` (a member who declared a conflict after the draw: for the
    reason ``conflict``, 抽取后申报回避)."""
    member_id, reason = data.get("member_id"), data.get("reason") or ""
    campaign, record = _locked(campaign_id, "inspectors", actor, "replace_inspector")
    rules = rules_of(campaign)
    if reason not in rules.inspector_replacement_reasons:
        raise InvalidInputError(
            {
                "reason": [
                    _l(
                        "A drawn inspector is replaced only for these reasons (%(source)s): %(reasons)s. Choose one.",
                        source=rules.cited["inspector_replacement_reasons"].words,
                        reasons="、".join(rules.inspector_replacement_reasons.values()),
                    )
                ]
            }
        )
    member = db.session.scalar(
        sa.select(TeamMember).where(
            TeamMember.id == member_id, TeamMember.active.is_(True), TeamMember.campaign_id == campaign.id
        )
    )
    if member is None:
        raise NotFoundError(_l("No such team member."))
    if member.recusal_id is not None and reason != "conflict":  # the proof records why: the declared conflict
        raise InvalidInputError(
            {
                "reason": [
                    _l(
                        "%(rule)sthis member declared a conflict (回避): the reason is “%(reason)s”.",
                        rule=rules.under("recusal"),
                        reason=INSPECTOR_REPLACEMENT_REASONS["conflict"],
                    )
                ]
            }
        )
    return replace_member(campaign, record, member, reason, actor=actor)


def replace_member(
    campaign: Campaign, record: Draw, member: TeamMember, reason: str, *, actor: Actor, system: bool = False
) -> TeamMember:
    """The draw's replacement rule for one member of a department's own campaign (DRAW-SPEC): the next
    eligible inspector of the visit's ranking takes ``member``'s place, recorded in the published proof and
    the trail. ``system``: a step of another command (an accepted recusal request, 回避申请), taken by the
    platform for its actor, who needs no planner's permission; the trail says so, and a 组长 replaced this
    way is followed by a new one named by the campaign's rule rather than by the one coming. Refused
    (Conflict) when nobody eligible is left."""
    proof = draws.full_proof(record)
    try:
        replacement = engine.replace_inspector(
            proof, visit=draws.public_id(record, member.entity.code), out=member.inspector.cert_no, reason=reason
        )
    except engine.DrawError as failed:
        raise ConflictError(_l("No eligible inspector is left: %(why)s", why=str(failed))) from None
    del proof["frame_lines"]
    member.active, member.replacement_reason = False, reason
    incoming = cast(
        Inspector,
        db.session.scalar(  # the replacement drawn is of the frame's inspectors
            sa.select(Inspector).where(Inspector.cert_no == replacement["in"])
        ),
    )
    new = TeamMember(
        campaign_id=campaign.id,
        entity_id=member.entity_id,
        inspector_id=incoming.id,
        position=member.position,
        is_leader=member.is_leader and not system,
        inspector_name=incoming.name,
        cert_no=incoming.cert_no,
        group_code=member.group_code,
    )
    db.session.add(new)
    db.session.flush()  # stamped with the tenant now, not by an autoflush inside the audit's system access
    draws.store_proof(record, proof)
    audit.record(
        "draw.inspector_replaced",
        "campaign",
        campaign.id,
        actor=actor,
        details={**replacement, "visit": member.entity.code, **({"system_step": True} if system else {})},
    )
    events.emit("team.member_replaced", actor=actor, campaign=campaign, entity_id=member.entity_id)
    return new


@command(Permission.CAMPAIGNS_EDIT)
def replace_inspectors(campaign_id: int, data: object, *, actor: Actor) -> list[TeamMember]:
    """Replace several team members at once (批量替换), each exactly as :func:`replace_inspector`
    would, for one reason (``data["reason"]``): the members ``data["member_ids"]``, or every visit
    of the inspector ``data["inspector_id"]`` in the campaign (one taken ill or away). All or
    nothing, each refused member named; each replacement recorded in the proof."""
    data = data if isinstance(data, dict) else {}
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "replace_inspector")
    if data.get("inspector_id") is not None:
        ids = list(
            db.session.scalars(
                sa.select(TeamMember.id)
                .where(
                    TeamMember.campaign_id == campaign.id,
                    TeamMember.inspector_id == data.get("inspector_id"),
                    TeamMember.active.is_(True),
                )
                .order_by(TeamMember.entity_id)
            )
        )
        if not ids:
            raise InvalidInputError({"inspector_id": [_l("This inspector is on no team of the campaign.")]})
    else:
        ids = bulk.require_selection(data.get("member_ids"))
    reason = data.get("reason") or ""
    return bulk.each(
        ids,
        lambda member_id: replace_inspector(campaign.id, {"member_id": member_id, "reason": reason}, actor=actor),
        name=_member_named,
    )


def _member_named(member_id: int) -> str:
    member = db.session.get(TeamMember, member_id)
    if member is None:
        return str(_l("Team member %(id)s", id=member_id))
    return f"{member.inspector_name}（{member.cert_no}）· {member.entity.name}"


@command(Permission.CAMPAIGNS_EDIT)
def designate_leader(campaign_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """Name the team leader (组长) of a visit, ``data["member_id"]``, after the draw (audited)."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "designate_leader")
    return draws.name_leader(campaign, data.get("member_id"), actor=actor)


@command(Permission.CAMPAIGNS_EDIT)
def designate_leaders(campaign_id: int, data: dict, *, actor: Actor) -> dict:
    """Name the team leader (组长) of every visit in one step, by the rule ``data["rule"]``
    (:data:`~spotcheck.tenants.campaigns.vocabulary.LEADER_RULES`); ``data["only_missing"]`` (the
    default) keeps the leaders already named. All or nothing, each designation audited."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "designate_leader")
    return draws.name_leaders(
        campaign,
        (data or {}).get("rule") or "",
        only_missing=(data or {}).get("only_missing", True) is not False,
        actor=actor,
    )
