"""A visit's team after the draw (检查组): experts who join it in addition, and conflicts declared
against its members.

* **Experts (专家)**, seed 001: 在满足执法检查人数要求的基础上，吸收检测机构、科研院所和专家学者等参与. The
  planner adds to a visit's team an expert of the inspector directory (never drawn) or a testing
  body, research institute or scholar named with its person, and removes one. An expert is a row
  of its own (:class:`~spotcheck.tenants.campaigns.models.TeamExpert`): never counted toward the
  drawn team size, never the 组长, never recording or submitting the result (the team that records
  is the drawn one). Shown as 专家 on the team's pages, the inspection notice written after, and
  the published result.
* **A conflict declared after the draw (抽取后申报回避)**, seed 002: 检查人员与被检查企业有利害关系的，应依法
  回避. The planner declares it against a member, or the inspector against themself on their own
  visit. The conflict is kept in the inspector directory (a :class:`Recusal`, so later draws leave
  the pair out) and the member marked: the hand-out is refused, and a visit already handed out
  cannot have its result recorded or submitted, until the member is replaced by the draw's rule
  (:func:`spotcheck.tenants.campaigns.ceremony.replace_inspector`, reason ``conflict``).

A joint campaign's mixed team (联合抽查) takes neither on the platform: refused, saying so.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actions import Action, Actions
from spotcheck.core.clock import as_utc, now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import Conflict, NotFound, ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns.lifecycle import CAMPAIGN_ACTIONS, TEAMS_OPEN
from spotcheck.tenants.campaigns.models import (
    Campaign, CampaignTarget, ExpertKind, TargetStatus, TeamExpert, TeamMember,
)
from spotcheck.tenants.campaigns.services import get_campaign
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.rules import OPEN, membership

#: Who joins as an expert, as the pages, documents and API name it.
EXPERT_KINDS = {
    ExpertKind.directory.value: "名录库专家",
    ExpertKind.testing_body.value: "检测机构",
    ExpertKind.research_institute.value: "科研院所",
    ExpertKind.scholar.value: "专家学者",
}
NAME_LENGTH, ORGANISATION_LENGTH, EXPERTISE_LENGTH, REASON_LENGTH = 50, 200, 200, 200


def _visit_of(campaign_id: int, entity_id: int) -> Visit | None:
    return db.session.scalar(sa.select(Visit).where(Visit.campaign_id == campaign_id, Visit.entity_id == entity_id))


def _still_open(campaign_id: int, entity_id: int) -> None:
    """Refuse a change of a team whose visit's result is no longer being recorded."""
    visit = _visit_of(campaign_id, entity_id)
    if visit is not None and visit.status not in OPEN:
        raise Conflict(_l("The result of this visit is already submitted: its team no longer changes (a leader "
                          "may return the result first)."))


def _selected(campaign: Campaign, entity_id) -> CampaignTarget:
    target = db.session.scalar(sa.select(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.entity_id == entity_id,
        CampaignTarget.status == TargetStatus.selected)) if is_row_id(entity_id) else None
    if target is None:
        raise NotFound(_l("This entity is not a visit of the campaign."))
    return target


# --- experts (专家) ---------------------------------------------------------------------------


def directory_experts() -> list[Inspector]:
    """The experts (专家) of the department's inspector directory who are active."""
    return list(db.session.scalars(sa.select(Inspector).where(Inspector.is_expert.is_(True),
                                                              Inspector.active.is_(True)).order_by(Inspector.name)))


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
    clean = {"kind": ExpertKind(kind), "expertise": str(data.get("expertise") or "").strip()[:EXPERTISE_LENGTH]}
    if kind == ExpertKind.directory.value:
        inspector_id = data.get("inspector_id")
        inspector_id = int(inspector_id) if str(inspector_id or "").isdigit() and len(str(inspector_id)) < 10 else None
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
def add_expert(campaign_id: int, data: dict, *, actor) -> TeamExpert:
    """An expert joins the team of one visit (``data["entity_id"]``) in addition to the drawn
    inspectors (:func:`_clean_expert` for the rest of ``data``)."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "add_expert")
    data = data if isinstance(data, dict) else {}
    target = _selected(campaign, data.get("entity_id"))
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


def get_expert(campaign_id: int, expert_id: int) -> TeamExpert:
    """An expert of the campaign's teams (NotFound for another campaign's)."""
    expert = get_row(TeamExpert, expert_id, _l("No such expert."))
    if expert.campaign_id != campaign_id:
        raise NotFound(_l("No such expert."))
    return expert


@command(Permission.CAMPAIGNS_EDIT)
def remove_expert(expert_id: int, *, actor) -> TeamExpert:
    """An expert leaves the team (the row is kept, marked removed, for the record)."""
    expert = get_row(TeamExpert, expert_id, _l("No such expert."), for_update=True)
    campaign = get_campaign(expert.campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "remove_expert")
    if not expert.active:
        raise Conflict(_l("This expert has already left the team."))
    _still_open(campaign.id, expert.entity_id)
    expert.removed_at, expert.removed_by_name = now(), actor.display_name
    audit.record("team.expert_removed", "campaign", campaign.id, actor=actor,
                 details={"visit": expert.entity.code, "expert": expert.id, "name": expert.name})
    return expert


def experts_of(campaign: Campaign, entity_ids=None, *, removed: bool = False) -> dict[int, list[TeamExpert]]:
    """The experts of the campaign's visits (``entity_ids``: those only), in the order they joined;
    ``removed``: those who left too."""
    query = sa.select(TeamExpert).where(TeamExpert.campaign_id == campaign.id)
    if entity_ids is not None:
        wanted = list(entity_ids)
        if not wanted:
            return {}
        query = query.where(TeamExpert.entity_id.in_(wanted))
    if not removed:
        query = query.where(TeamExpert.removed_at.is_(None))
    out: dict[int, list[TeamExpert]] = {}
    for expert in db.session.scalars(query.order_by(TeamExpert.entity_id, TeamExpert.id)):
        out.setdefault(expert.entity_id, []).append(expert)
    return out


def experts_of_visit(visit: Visit) -> list[TeamExpert]:
    return experts_of(visit.campaign, [visit.entity_id]).get(visit.entity_id, [])


def public_expert(expert: TeamExpert) -> dict:
    """What a document or the public register keeps of an expert (no personal data)."""
    return {"name": expert.name, "organisation": expert.organisation, "kind": EXPERT_KINDS[expert.kind.value],
            "expert": True}


def after_notice(campaign: Campaign, entity_id: int, experts: list[TeamExpert]) -> dict[int, str]:
    """The experts who joined after the visit's inspection notice was written (it is never written
    again, so it does not name them): expert id → the notice's number."""
    visit = _visit_of(campaign.id, entity_id)
    if visit is None or not experts:
        return {}
    notice = db.session.scalar(sa.select(Notice).where(Notice.visit_id == visit.id,
                                                       Notice.kind == NoticeKind.inspection).limit(1))
    if notice is None:
        return {}
    return {expert.id: notice.number for expert in experts if as_utc(expert.added_at) > as_utc(notice.created_at)}


def team_view(campaign: Campaign, entity_id) -> dict:
    """One visit's team as its page shows it: the target, the drawn members in pick order (replaced
    ones included) with the conflicts declared against them, the experts (those who left too), the
    visit once handed out, and which experts joined after its inspection notice was written."""
    target = _selected(campaign, entity_id)
    members = list(db.session.scalars(sa.select(TeamMember).where(
        TeamMember.campaign_id == campaign.id, TeamMember.entity_id == target.entity_id)
        .order_by(TeamMember.position, TeamMember.id)))
    ids = [m.recusal_id for m in members if m.recusal_id is not None]
    recusals = {r.id: r for r in db.session.scalars(sa.select(Recusal).where(Recusal.id.in_(ids)))} if ids else {}
    experts = experts_of(campaign, [target.entity_id], removed=True).get(target.entity_id, [])
    return {"target": target, "members": members, "recusals": recusals, "experts": experts,
            "visit": _visit_of(campaign.id, target.entity_id),
            "after_notice": after_notice(campaign, target.entity_id, [e for e in experts if e.active])}


# --- conflicts declared after the draw (抽取后申报回避) ------------------------------------------


@events.subscribe("recusal.withdrawing")
def _release_members(*, actor, recusal_id: int) -> None:
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


def _declare(campaign: Campaign, member: TeamMember, reason: str, actor) -> TeamMember:
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
def declare_member_recusal(campaign_id: int, member_id: int, data: dict, *, actor) -> TeamMember:
    """The planner declares a conflict (回避) of a team member with the visit's entity (``data["reason"]``)."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "declare_recusal")
    member = _member(campaign, member_id)
    return _declare(campaign, member, _reason(data), actor)


def _own_member(visit: Visit, actor) -> TeamMember | None:
    return membership(visit, actor)


def _recusable(visit: Visit) -> bool:
    campaign = visit.campaign
    return (not campaign.joint and campaign.joint_id is None and campaign.status in TEAMS_OPEN
            and visit.status in OPEN)


def _recusal_refusal(visit: Visit):
    if visit.campaign.joint_id is not None:
        return _l("A conflict in a joint campaign (联合抽查) is reported to the lead department's coordinator: the "
                  "platform does not replace the members of a mixed team.")
    return _l("The result of this visit is already submitted: its team no longer changes (a leader may return the "
              "result first).")


#: What a visit allows its own team member to declare.
OWN_ACTIONS = Actions(
    Action("declare_own_recusal", Permission.RESULTS_ENTER, _recusable, _recusal_refusal,
           who=lambda visit, actor: _own_member(visit, actor) is not None,
           who_refusal=_l("Only a member of this visit's team declares their own conflict.")),
)


@command(Permission.RESULTS_ENTER)
def declare_own_recusal(visit_id: int, data: dict, *, actor) -> TeamMember:
    """An inspector declares their own conflict (回避) with the entity of a visit they are on."""
    visit = get_row(Visit, visit_id, _l("No such visit."))
    OWN_ACTIONS.require(visit, actor, "declare_own_recusal")
    get_campaign(visit.campaign_id, for_update=True)
    return _declare(visit.campaign, _own_member(visit, actor), _reason(data), actor)
