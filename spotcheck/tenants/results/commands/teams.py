"""A visit's team after the draw (检查组), as commands: experts who join it in addition (专家, seed
001), and conflicts declared against its members (抽取后申报回避, seed 002) — by the planner, or by
the inspector against themself on their own visit. What the team is, is read in
:mod:`spotcheck.tenants.results.queries.teams`.
"""
from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import Conflict, NotFound, ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.core.text import whole_number
from spotcheck.tenants.campaigns.models import Campaign, ExpertKind, TeamExpert, TeamMember
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.inspectors.models import Recusal
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import OPEN, OWN_ACTIONS, membership
from spotcheck.tenants.results.queries.teams import directory_experts, experts_of, selected_target, visit_of
from spotcheck.tenants.results.vocabulary import (
    EXPERT_KINDS,
    EXPERTISE_LENGTH,
    NAME_LENGTH,
    ORGANISATION_LENGTH,
    RECUSAL_REASON_LENGTH as REASON_LENGTH,
)


def _campaign(campaign_id: int) -> Campaign:
    return get_row(Campaign, campaign_id, _l("No such campaign."), for_update=True)


def _still_open(campaign_id: int, entity_id: int) -> None:
    """Refuse a change of a team whose visit's result is no longer being recorded."""
    visit = visit_of(campaign_id, entity_id)
    if visit is not None and visit.status not in OPEN:
        raise Conflict(_l("The result of this visit is already submitted: its team no longer changes (a leader "
                          "may return the result first)."))


def _text(data: dict, name: str, limit: int, errors: dict, message) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        errors[name] = [message]
    elif len(value) > limit:
        errors[name] = [_l("At most %(n)d characters.", n=limit)]
    return value


def _clean_expert(data: dict) -> dict:
    """An expert as given: ``kind``; for ``directory`` the ``inspector_id`` of a directory expert,
    else the ``organisation`` and the person's ``name``; ``expertise`` optional."""
    errors: dict[str, list] = {}
    kind = data.get("kind")
    if kind not in EXPERT_KINDS:
        raise ValidationFailed({"kind": [_l("Choose who joins: an expert of the directory, a testing body, a "
                                            "research institute or a scholar.")]})
    clean: dict[str, Any] = {"kind": ExpertKind(kind), "expertise": str(data.get("expertise") or "").strip()[:EXPERTISE_LENGTH]}
    if kind == ExpertKind.directory.value:
        inspector_id = data.get("inspector_id")
        inspector_id = whole_number(inspector_id)
        inspector = next((i for i in directory_experts() if i.id == inspector_id), None)
        if inspector is None:
            raise ValidationFailed({"inspector_id": [_l("Choose an active expert (专家) of the inspector directory; "
                                                        "the drawn inspectors are not experts.")]})
        clean.update(inspector=inspector, name=inspector.name, organisation=inspector.agency,
                     expertise=clean["expertise"] or inspector.expertise)
        return clean
    clean["organisation"] = _text(data, "organisation", ORGANISATION_LENGTH, errors,
                                  _l("Name the testing body, research institute or the scholar's institution."))
    clean["name"] = _text(data, "name", NAME_LENGTH, errors, _l("Name the person who takes part."))
    if errors:
        raise ValidationFailed(errors)
    return clean


@command(Permission.CAMPAIGNS_EDIT)
def add_expert(campaign_id: int, data: dict, *, actor: Actor) -> TeamExpert:
    """An expert joins the team of one visit (``data["entity_id"]``) in addition to the drawn
    inspectors (:func:`_clean_expert` for the rest of ``data``)."""
    campaign = _campaign(campaign_id)
    CAMPAIGN_ACTIONS.require(campaign, actor, "add_expert")
    data = data if isinstance(data, dict) else {}
    target = selected_target(campaign, data.get("entity_id"))
    _still_open(campaign.id, target.entity_id)
    clean = _clean_expert(data)
    inspector = clean.pop("inspector", None)
    present = experts_of(campaign, [target.entity_id]).get(target.entity_id, [])
    if inspector is not None:
        if any(expert.inspector_id == inspector.id for expert in present):
            raise ValidationFailed({"inspector_id": [_l("This expert is already on the team.")]})
        if db.session.scalar(sa.select(Recusal.id).where(Recusal.inspector_id == inspector.id,
                                                         Recusal.entity_id == target.entity_id)):
            raise ValidationFailed({"inspector_id": [_l("This expert declared a conflict (回避) with the entity.")]})
    elif any(e.inspector_id is None and (e.organisation, e.name) == (clean["organisation"], clean["name"])
             for e in present):
        raise ValidationFailed({"name": [_l("This expert is already on the team.")]})
    expert = TeamExpert(campaign_id=campaign.id, entity_id=target.entity_id, inspector_id=inspector and inspector.id,
                        added_at=now(), added_by_name=actor.display_name, **clean)
    db.session.add(expert)
    db.session.flush()
    audit.record("team.expert_added", "campaign", campaign.id, actor=actor,
                 details={"visit": target.entity.code, "expert": expert.id, "kind": expert.kind.value,
                          "name": expert.name, "organisation": expert.organisation,
                          **({"cert_no": inspector.cert_no} if inspector else {})})
    return expert


@command(Permission.CAMPAIGNS_EDIT)
def remove_expert(expert_id: int, data=None, *, actor: Actor) -> TeamExpert:
    """An expert leaves the team (the row is kept, marked removed, for the record)."""
    expert = get_row(TeamExpert, expert_id, _l("No such expert."), for_update=True)
    campaign = _campaign(expert.campaign_id)
    CAMPAIGN_ACTIONS.require(campaign, actor, "remove_expert")
    if not expert.active:
        raise Conflict(_l("This expert has already left the team."))
    _still_open(campaign.id, expert.entity_id)
    expert.removed_at, expert.removed_by_name = now(), actor.display_name
    audit.record("team.expert_removed", "campaign", campaign.id, actor=actor,
                 details={"visit": expert.entity.code, "expert": expert.id, "name": expert.name})
    return expert


# --- conflicts declared after the draw (抽取后申报回避) ------------------------------------------


@events.subscribe("recusal.withdrawing")
def _release_members(*, actor: Actor, recusal_id: int) -> None:
    """A recusal withdrawn in the inspector directory: refused once a member was replaced for it
    (the draw's proof cites it), else the members it marked stay on their teams, unmarked."""
    members = list(db.session.scalars(sa.select(TeamMember).where(TeamMember.recusal_id == recusal_id)))
    if any(not member.active for member in members):
        raise Conflict(_l("A team member was replaced for this conflict after a draw: the recusal stays as the "
                          "record of that replacement."))
    for member in members:
        member.recusal_id = None


def _reason(data) -> str:
    reason = str((data if isinstance(data, dict) else {}).get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise ValidationFailed({"reason": [_l("State the conflict (2 to %(n)d characters, e.g. a relative works "
                                              "there).", n=REASON_LENGTH)]})
    return reason


def declare(campaign: Campaign, member: TeamMember, reason: str, actor: Actor) -> TeamMember:
    """Record the conflict in the inspector directory (reusing one declared there before) and mark
    the member, who is then to be replaced."""
    if member.recusal_id is not None:
        raise Conflict(_l("A conflict is already declared for this member: replace them (抽取后申报回避)."))
    _still_open(campaign.id, member.entity_id)
    recusal = db.session.scalar(sa.select(Recusal).where(Recusal.inspector_id == member.inspector_id,
                                                         Recusal.entity_id == member.entity_id))
    if recusal is None:
        recusal = Recusal(inspector_id=member.inspector_id, entity_id=member.entity_id, reason=reason,
                          declared_by_id=getattr(actor, "id", None))
        db.session.add(recusal)
        db.session.flush()
        audit.record("recusal.declared", "recusal", recusal.id, actor=actor,
                     details={"cert_no": member.inspector.cert_no, "entity": member.entity.code, "reason": reason,
                              "campaign": campaign.code})
    member.recusal_id = recusal.id
    audit.record("team.recusal_declared", "campaign", campaign.id, actor=actor,
                 details={"visit": member.entity.code, "member": member.id, "cert_no": member.inspector.cert_no,
                          "reason": reason})
    return member


def _member(campaign: Campaign, member_id) -> TeamMember:
    member = db.session.scalar(sa.select(TeamMember).where(
        TeamMember.id == member_id, TeamMember.campaign_id == campaign.id,
        TeamMember.active.is_(True))) if is_row_id(member_id) else None
    if member is None:
        raise NotFound(_l("No such team member."))
    return member


@command(Permission.CAMPAIGNS_EDIT)
def declare_member_recusal(campaign_id: int, member_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """The planner declares a conflict (回避) of a team member with the visit's entity (``data["reason"]``)."""
    campaign = _campaign(campaign_id)
    CAMPAIGN_ACTIONS.require(campaign, actor, "declare_recusal")
    member = _member(campaign, member_id)
    return declare(campaign, member, _reason(data), actor)


@command(Permission.RESULTS_ENTER)
def declare_own_recusal(visit_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """An inspector declares their own conflict (回避) with the entity of a visit they are on."""
    visit = get_row(Visit, visit_id, _l("No such visit."))
    OWN_ACTIONS.require(visit, actor, "declare_own_recusal")
    _campaign(visit.campaign_id)
    return declare(visit.campaign, cast(TeamMember, membership(visit, actor)), _reason(data), actor)  # on its team
