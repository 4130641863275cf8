"""A visit's team after the draw (检查组), as commands: experts who join it in addition (专家, seed
001), and conflicts declared against its members (抽取后申报回避, seed 002) — by the planner, or by
the inspector against themself on their own visit. What the team is, is read in
:mod:`spotcheck.tenants.results.queries.teams`.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command, unit_of_work
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import joint_scope, tenant_scope
from spotcheck.core.text import whole_number
from spotcheck.tenants.campaigns import draws
from spotcheck.tenants.campaigns.commands.teams import replace_member
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, ExpertKind, TeamExpert, TeamMember
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.inspectors.models import Recusal
from spotcheck.tenants.results.commands._visits import locked_campaign
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import OPEN, OWN_ACTIONS
from spotcheck.tenants.results.present_teams import membership
from spotcheck.tenants.results.queries.teams import directory_experts, experts_of, selected_target, visit_of
from spotcheck.tenants.results.vocabulary import (
    EXPERT_KINDS,
    EXPERTISE_LENGTH,
    NAME_LENGTH,
    ORGANISATION_LENGTH,
    RECUSAL_REASON_LENGTH as REASON_LENGTH,
)


def _still_open(campaign_id: int, entity_id: int) -> None:
    """Refuse a change of a team whose visit's result is no longer being recorded."""
    visit = visit_of(campaign_id, entity_id)
    if visit is not None and visit.status not in OPEN:
        raise ConflictError(
            _l(
                "The result of this visit is already submitted: its team no longer changes (a leader "
                "may return the result first)."
            )
        )


def _text(data: dict, name: str, limit: int, errors: dict, message: LazyString) -> str:
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
        raise InvalidInputError(
            {
                "kind": [
                    _l(
                        "Choose who joins: an expert of the directory, a testing body, a "
                        "research institute or a scholar."
                    )
                ]
            }
        )
    clean: dict[str, Any] = {
        "kind": ExpertKind(kind),
        "expertise": str(data.get("expertise") or "").strip()[:EXPERTISE_LENGTH],
    }
    if kind == ExpertKind.directory.value:
        inspector_id = data.get("inspector_id")
        inspector_id = whole_number(inspector_id)
        inspector = next((i for i in directory_experts() if i.id == inspector_id), None)
        if inspector is None:
            raise InvalidInputError(
                {
                    "inspector_id": [
                        _l(
                            "Choose an active expert (专家) of the inspector directory; "
                            "the drawn inspectors are not experts."
                        )
                    ]
                }
            )
        clean.update(
            inspector=inspector,
            name=inspector.name,
            organisation=inspector.agency,
            expertise=clean["expertise"] or inspector.expertise,
        )
        return clean
    clean["organisation"] = _text(
        data,
        "organisation",
        ORGANISATION_LENGTH,
        errors,
        _l("Name the testing body, research institute or the scholar's institution."),
    )
    clean["name"] = _text(data, "name", NAME_LENGTH, errors, _l("Name the person who takes part."))
    if errors:
        raise InvalidInputError(errors)
    return clean


@command(Permission.CAMPAIGNS_EDIT)
def add_expert(campaign_id: int, data: object, *, actor: Actor) -> TeamExpert:
    """An expert joins the team of one visit (``data["entity_id"]``) in addition to the drawn
    inspectors (:func:`_clean_expert` for the rest of ``data``)."""
    campaign = locked_campaign(campaign_id)
    CAMPAIGN_ACTIONS.require(campaign, actor, "add_expert")
    data = data if isinstance(data, dict) else {}
    target = selected_target(campaign, data.get("entity_id"))
    _still_open(campaign.id, target.entity_id)
    clean = _clean_expert(data)
    inspector = clean.pop("inspector", None)
    present = experts_of(campaign, [target.entity_id]).get(target.entity_id, [])
    if inspector is not None:
        if any(expert.inspector_id == inspector.id for expert in present):
            raise InvalidInputError({"inspector_id": [_l("This expert is already on the team.")]})
        if db.session.scalar(
            sa.select(Recusal.id).where(Recusal.inspector_id == inspector.id, Recusal.entity_id == target.entity_id)
        ):
            raise InvalidInputError({"inspector_id": [_l("This expert declared a conflict (回避) with the entity.")]})
    elif any(
        e.inspector_id is None and (e.organisation, e.name) == (clean["organisation"], clean["name"]) for e in present
    ):
        raise InvalidInputError({"name": [_l("This expert is already on the team.")]})
    expert = TeamExpert(
        campaign_id=campaign.id,
        entity_id=target.entity_id,
        inspector_id=inspector and inspector.id,
        added_at=now(),
        added_by_name=actor.display_name,
        **clean,
    )
    db.session.add(expert)
    db.session.flush()
    audit.record(
        "team.expert_added",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            "visit": target.entity.code,
            "expert": expert.id,
            "kind": expert.kind.value,
            "name": expert.name,
            "organisation": expert.organisation,
            **({"cert_no": inspector.cert_no} if inspector else {}),
        },
    )
    return expert


@command(Permission.CAMPAIGNS_EDIT)
def remove_expert(expert_id: int, data: object = None, *, actor: Actor) -> TeamExpert:
    """An expert leaves the team (the row is kept, marked removed, for the record)."""
    expert = get_row(TeamExpert, expert_id, _l("No such expert."), for_update=True)
    campaign = locked_campaign(expert.campaign_id)
    CAMPAIGN_ACTIONS.require(campaign, actor, "remove_expert")
    if not expert.active:
        raise ConflictError(_l("This expert has already left the team."))
    _still_open(campaign.id, expert.entity_id)
    expert.removed_at, expert.removed_by_name = now(), actor.display_name
    audit.record(
        "team.expert_removed",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visit": expert.entity.code, "expert": expert.id, "name": expert.name},
    )
    return expert


# --- conflicts declared after the draw (抽取后申报回避) ------------------------------------------


@events.subscribe("recusal.withdrawing")
def _release_members(*, actor: Actor, recusal_id: int) -> None:
    """A recusal withdrawn in the inspector directory: refused once a member was replaced for it
    (the draw's proof cites it), else the members it marked stay on their teams, unmarked."""
    members = list(db.session.scalars(sa.select(TeamMember).where(TeamMember.recusal_id == recusal_id)))
    if any(not member.active for member in members):
        raise ConflictError(
            _l(
                "A team member was replaced for this conflict after a draw: the recusal stays as the "
                "record of that replacement."
            )
        )
    for member in members:
        member.recusal_id = None
        db.session.flush()  # in the department's scope, before the lead's
        part = db.session.get(Campaign, member.campaign_id)
        if part is not None and part.joint_id is not None:  # and the mixed team's row, the lead's
            joint = _joint_of(part)
            with tenant_scope(joint.tenant_id):
                db.session.execute(
                    sa.update(TeamMember)
                    .where(TeamMember.campaign_id == joint.id, TeamMember.recusal_id == recusal_id)
                    .values(recusal_id=None)
                    .execution_options(synchronize_session="fetch")
                )


def _reason(data: object) -> str:
    reason = str((data if isinstance(data, dict) else {}).get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise InvalidInputError(
            {
                "reason": [
                    _l("State the conflict (2 to %(n)d characters, e.g. a relative works there).", n=REASON_LENGTH)
                ]
            }
        )
    return reason


ALREADY_DECLARED = _l("A conflict is already declared for this member: replace them (抽取后申报回避).")


def _recusal_of(member: TeamMember, reason: str, actor: Actor, campaign_code: str) -> Recusal:
    """The conflict in the inspector directory of the member's department (the current scope): the one
    declared there before, or a new one."""
    recusal = db.session.scalar(
        sa.select(Recusal).where(Recusal.inspector_id == member.inspector_id, Recusal.entity_id == member.entity_id)
    )
    if recusal is None:
        recusal = Recusal(
            inspector_id=member.inspector_id,
            entity_id=member.entity_id,
            reason=reason,
            declared_by_id=getattr(actor, "id", None),
        )
        db.session.add(recusal)
        db.session.flush()
        audit.record(
            "recusal.declared",
            "recusal",
            recusal.id,
            actor=actor,
            details={
                "cert_no": member.shown_cert_no,
                "entity": member.entity.code,
                "reason": reason,
                "campaign": campaign_code,
            },
        )
    return recusal


def declare(campaign: Campaign, member: TeamMember, reason: str, actor: Actor) -> TeamMember:
    """Record the conflict in the inspector directory (reusing one declared there before) and mark
    the member, who is then to be replaced. A member of a department's part of a joint visit: marked
    on the mixed team too (:func:`declare_in_joint`)."""
    if member.recusal_id is not None:
        raise ConflictError(ALREADY_DECLARED)
    if campaign.joint_id is not None:
        joint = _joint_of(campaign)
        with joint_scope(campaign.tenant_id, joint.id):
            mixed = db.session.scalar(
                sa.select(TeamMember).where(
                    TeamMember.campaign_id == joint.id,
                    TeamMember.entity_id == member.entity_id,
                    TeamMember.inspector_id == member.inspector_id,
                    TeamMember.active.is_(True),
                )
            )
        if mixed is None:  # a part's member is a member of the mixed team: not a state the data allows
            raise NotFoundError(_l("No such team member."))
        declare_in_joint(joint, mixed, reason, actor)
        return member
    _still_open(campaign.id, member.entity_id)
    recusal = _recusal_of(member, reason, actor, campaign.code or "")
    member.recusal_id = recusal.id
    audit.record(
        "team.recusal_declared",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            "visit": member.entity.code,
            "member": member.id,
            "cert_no": member.inspector.cert_no,
            "reason": reason,
        },
    )
    return member


def _joint_of(part: Campaign) -> Campaign:
    """The joint campaign of a department's part, read as that department (a participant)."""
    with joint_scope(part.tenant_id, int(part.joint_id or 0)):
        joint = db.session.get(Campaign, part.joint_id)
    if joint is None:  # a part without its joint campaign: not a state the data allows
        raise NotFoundError(_l("No such joint campaign."))
    return joint


def declare_in_joint(joint: Campaign, mixed: TeamMember, reason: str, actor: Actor) -> TeamMember:
    """A conflict declared against a member of a joint campaign's mixed team (``mixed``: the lead's row),
    by the member on their part's visit, by the coordinator, or by a business's request accepted: kept in
    the inspector directory of the member's department, marked on that department's part of the visit
    once handed out (its result no longer being recorded refuses it) — in that department's scope — and
    on the mixed team, in the lead's; audited in both. Until the coordinator replaces the member by the
    joint draw (抽取后申报回避), every department's part of the visit waits (:mod:`..recusals`)."""
    if mixed.recusal_id is not None:
        raise ConflictError(ALREADY_DECLARED)
    db.session.flush()  # what the caller changed, in its own scope
    part = (joint.joint_parts or {}).get(mixed.group_code) or {}
    details = {
        "visit": mixed.entity.code,
        "cert_no": mixed.cert_no,
        "department": part.get("name", mixed.group_code),
        "reason": reason,
        "joint": joint.code,
    }
    with tenant_scope(part.get("tenant_id")):  # the member's department: its directory and its part
        _still_open(part.get("part_campaign_id") or 0, mixed.entity_id)
        recusal = _recusal_of(mixed, reason, actor, joint.code or "")
        own = db.session.scalar(
            sa.select(TeamMember).where(
                TeamMember.campaign_id == part.get("part_campaign_id"),
                TeamMember.entity_id == mixed.entity_id,
                TeamMember.inspector_id == mixed.inspector_id,
                TeamMember.active.is_(True),
            )
        )
        if own is not None:  # handed out: the department's own copy of the member
            own.recusal_id = recusal.id
            db.session.flush()
            audit.record(
                "team.recusal_declared", "campaign", own.campaign_id, actor=actor, details={**details, "member": own.id}
            )
        recusal_id = recusal.id
    with tenant_scope(joint.tenant_id):  # the mixed team, the lead's row
        marked = db.session.scalar(
            sa.select(TeamMember)
            .where(TeamMember.id == mixed.id)
            .with_for_update(of=TeamMember)
            .execution_options(populate_existing=True)
        )
        if marked is None or not marked.active or marked.recusal_id is not None:
            raise ConflictError(ALREADY_DECLARED)
        marked.recusal_id = recusal_id
        db.session.flush()
        audit.record(
            "joint.recusal_declared", "campaign", joint.id, actor=actor, details={**details, "member": marked.id}
        )
    return marked


def _member(campaign: Campaign, member_id: object) -> TeamMember:
    member = (
        db.session.scalar(
            sa.select(TeamMember).where(
                TeamMember.id == member_id, TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True)
            )
        )
        if is_row_id(member_id)
        else None
    )
    if member is None:
        raise NotFoundError(_l("No such team member."))
    return member


@command(Permission.CAMPAIGNS_EDIT)
def declare_member_recusal(campaign_id: int, member_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """The planner declares a conflict (回避) of a team member with the visit's entity (``data["reason"]``)."""
    campaign = locked_campaign(campaign_id)
    CAMPAIGN_ACTIONS.require(campaign, actor, "declare_recusal")
    member = _member(campaign, member_id)
    return declare(campaign, member, _reason(data), actor)


@command(Permission.RESULTS_ENTER)
def declare_own_recusal(visit_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """An inspector declares their own conflict (回避) with the entity of a visit they are on."""
    visit = get_row(Visit, visit_id, _l("No such visit."))
    OWN_ACTIONS.require(visit, actor, "declare_own_recusal")
    locked_campaign(visit.campaign_id)
    return declare(visit.campaign, cast(TeamMember, membership(visit, actor)), _reason(data), actor)  # on its team


# --- an accepted request replaces at once (回避申请：按随机抽取规则替换) -------------------------------------


def replace_at_once(campaign: Campaign, member: TeamMember, *, actor: Actor) -> TeamMember | None:
    """A step of the decision that accepts a business's request (:func:`..business.decide_recusal_request`), taken by
    the platform for the leader who decides — who needs no planner's permission for it: the recused member of a
    department's own campaign is replaced at once by the draw's replacement rule
    (:func:`spotcheck.tenants.campaigns.commands.teams.replace_member`), recorded in the proof and the trail as a
    system step; a recused 组长 is followed by a new one named by the campaign's rule. When nobody eligible is left
    (or the rules do not replace for a conflict), nothing of it changes: the member waits to be replaced, on the
    planner's to-dos (替换回避人员). Returns the member who came, or ``None``."""
    if CAMPAIGN_ACTIONS.refusal(campaign, "replace_inspector") is not None:
        return None
    record = draw_of(campaign, "inspectors", for_update=True)
    waiting = None
    if "conflict" not in rules_of(campaign).inspector_replacement_reasons or record is None:
        waiting = str(_l("The rules in force do not replace a member for a conflict."))
    else:
        led = member.is_leader
        try:
            with unit_of_work():  # a savepoint: a pool exhausted changes nothing of the team
                new = replace_member(campaign, record, member, "conflict", actor=actor, system=True)
                if led:
                    draws.lead_by_rule(campaign, member.entity_id, actor=actor)
                    db.session.refresh(new)
                events.emit("team.recusal_replaced", actor=actor, campaign=campaign, member=new, out=member)
                return new
        except ConflictError as refused:
            waiting = str(refused)
    db.session.refresh(member)
    audit.record(
        "team.replacement_waiting",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visit": member.entity.code, "cert_no": member.shown_cert_no, "reason": waiting},
    )
    return None
