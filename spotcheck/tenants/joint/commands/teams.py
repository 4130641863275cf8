"""A joint visit's mixed team after the draw (联合检查组的调整), as the lead department's coordinator's
commands: a member's conflict declared after the draw (抽取后申报回避), the member replaced by a
replacement draw of the joint campaign — DRAW-SPEC's rule for a team member, by the draw engine's own
:func:`spotcheck.draw.replace_inspector`, recorded in the joint inspector draw's published proof — and,
once the visits are handed out, who submits a department's result of a visit.

Until the member is replaced, nobody records, submits, 入企 or 离企 on any department's part of the
visit (:mod:`spotcheck.tenants.results.recusals`). The 组长, or a department's submitter who has a
colleague of the same department on the visit, is named anew before being replaced: the one coming is
drawn, never chosen, and may be of another department. What changes for a department is written in
its scope (:mod:`spotcheck.tenants.joint.parts`); the mixed team and the proof are the lead's.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck import draw as engine
from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command, unit_of_work
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import draws as steps
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, Draw, TeamMember
from spotcheck.tenants.campaigns.vocabulary import INSPECTOR_REPLACEMENT_REASONS
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint import codes as joint_codes, parts
from spotcheck.tenants.joint.commands.notices import tell_the_new_team
from spotcheck.tenants.joint.participants import parts_of, reading_invited
from spotcheck.tenants.joint.policy import JOINT_ACTIONS
from spotcheck.tenants.joint.queries import get_joint
from spotcheck.tenants.joint.visits import team_of
from spotcheck.tenants.joint.vocabulary import LEADERS_REASON, REPLACEMENT_REASON
from spotcheck.tenants.results.commands.teams import declare_in_joint
from spotcheck.tenants.results.vocabulary import RECUSAL_REASON_LENGTH


def _member(campaign: Campaign, member_id: object) -> TeamMember:
    """A present member of the joint campaign's mixed teams (the lead's row, read afresh)."""
    member = (
        db.session.scalar(
            sa.select(TeamMember)
            .where(TeamMember.id == member_id, TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
            .execution_options(populate_existing=True)
        )
        if is_row_id(member_id)
        else None
    )
    if member is None:
        raise NotFoundError(_l("No such team member."))
    return member


def handed_out(campaign: Campaign) -> bool:
    """The visits are handed out: each department's part has its visits and its members."""
    return campaign.status != CampaignStatus.inspectors_drawn


@command(Permission.JOINT_MANAGE)
def declare_recusal(campaign_id: int, member_id: int, data: dict | None, *, actor: Actor) -> TeamMember:
    """The coordinator declares a conflict (回避) of a member of a mixed team with the visit's entity
    (``data["reason"]``): kept in the member's department's inspector directory; every department's part
    of the visit waits until the member is replaced (:func:`replace_inspector`)."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "declare_recusal")
    reason = str((data if isinstance(data, dict) else {}).get("reason") or "").strip()
    if not 2 <= len(reason) <= RECUSAL_REASON_LENGTH:
        raise InvalidInputError(
            {
                "reason": [
                    _l(
                        "State the conflict (2 to %(n)d characters, e.g. a relative works there).",
                        n=RECUSAL_REASON_LENGTH,
                    )
                ]
            }
        )
    return declare_in_joint(campaign, _member(campaign, member_id), reason, actor)


@command(Permission.JOINT_MANAGE)
def replace_inspector(campaign_id: int, data: dict | None, *, actor: Actor) -> TeamMember:
    """Replace a member of a mixed team (``data["member_id"]``) by a replacement draw of the joint campaign:
    the first eligible inspector of that visit's order who is not on the team and was not replaced out of
    it before, of the member's department when it would otherwise have none there (DRAW-SPEC), for
    ``data["reason"]`` (``conflict`` for a member who declared one). Recorded in the joint inspector draw's
    proof; once handed out, written into each affected department's part and told to the team."""
    data = data if isinstance(data, dict) else {}
    reason = data.get("reason") or ""
    campaign = get_joint(campaign_id, for_update=True)
    record = draw_of(campaign, "inspectors", for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "replace_inspector")
    if reason not in rules_of(campaign).inspector_replacement_reasons:
        raise InvalidInputError({"reason": [_l("Choose a reason from the list.")]})
    out = _member(campaign, data.get("member_id"))
    if out.recusal_id is not None and reason != "conflict":  # the proof records why: the declared conflict
        raise InvalidInputError(
            {
                "reason": [
                    _l(
                        "This member declared a conflict (回避): the reason is “%(reason)s”.",
                        reason=INSPECTOR_REPLACEMENT_REASONS["conflict"],
                    )
                ]
            }
        )
    if out.is_leader:
        raise ConflictError(
            _l(
                "%(name)s leads this visit's mixed team (组长): name its new team leader first, then replace them.",
                name=out.inspector_name,
            )
        )
    department = parts_of(campaign)[out.group_code]["name"]
    if handed_out(campaign):
        own, alongside = parts.submitter_of(campaign, out)
        if own is not None and own.is_leader and alongside > 1:
            raise ConflictError(
                _l(
                    "%(name)s submits the result of %(department)s for this visit: name the department's "
                    "new submitter first, then replace them.",
                    name=out.inspector_name,
                    department=department,
                )
            )
    return _replace(campaign, cast(Draw, record), out, reason, actor=actor)  # drawn: the teams are open


def _replace(
    campaign: Campaign, record: Draw, out: TeamMember, reason: str, *, actor: Actor, system: bool = False
) -> TeamMember:
    """The joint draw's replacement of ``out`` (checked by the caller), recorded in the proof and the trail
    (``system``: as a step of another command); once handed out, the departments' parts follow and the new
    team is told (its notice sent again)."""
    proof = steps.full_proof(record)
    try:
        replacement = engine.replace_inspector(
            proof, visit=steps.public_id(record, out.entity.code), out=out.cert_no, reason=reason
        )
    except engine.DrawError as failed:
        raise ConflictError(_l("No eligible inspector is left: %(why)s", why=str(failed))) from None
    del proof["frame_lines"]
    new = _joining(campaign, out, replacement["in"], reason, actor)
    steps.store_proof(record, proof)
    names = {group: part["name"] for group, part in parts_of(campaign).items()}
    audit.record(
        "draw.inspector_replaced",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            **replacement,
            "visit": out.entity.code,  # the trail names the business by its code (the proof, by its token)
            "out_department": names[out.group_code],
            "in_department": names[new.group_code],
            **({"system_step": True} if system else {}),
        },
    )
    if handed_out(campaign):
        parts.replace(campaign, out, new, actor=actor, reason=reason)
        tell_the_new_team(campaign, new, actor=actor)
    return new


def _joining(campaign: Campaign, out: TeamMember, cert_no: str, reason: str, actor: Actor) -> TeamMember:
    """``out`` leaves the mixed team and the inspector drawn (``cert_no``, of one of the departments)
    takes their place in it."""
    invited = parts_of(campaign)
    groups = {part["tenant_id"]: group for group, part in invited.items()}
    with reading_invited(invited, actor, REPLACEMENT_REASON):
        found = db.session.execute(
            sa.select(Inspector.id, Inspector.name, Inspector.tenant_id).where(
                Inspector.cert_no == cert_no, Inspector.tenant_id.in_(list(groups))
            )
        ).one()
    out.active, out.replacement_reason = False, reason
    new = TeamMember(
        campaign_id=campaign.id,
        entity_id=out.entity_id,
        inspector_id=found.id,
        position=out.position,
        is_leader=False,
        inspector_name=found.name,
        cert_no=cert_no,
        group_code=groups[found.tenant_id],
    )
    db.session.add(new)
    db.session.flush()
    return new


@command(Permission.JOINT_MANAGE)
def designate_submitter(campaign_id: int, data: dict | None, *, actor: Actor) -> TeamMember:
    """Name who submits a department's result of a joint visit (``data["member_id"]``: a member of the mixed
    team, of that department, who declared no conflict) — the 组长 does for their own department."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "designate_submitter")
    member = _member(campaign, (data if isinstance(data, dict) else {}).get("member_id"))
    if member.recusal_id is not None:
        raise ConflictError(
            _l("%(name)s declared a conflict (回避) with this entity: name another member.", name=member.inspector_name)
        )
    leader = next((m for m in team_of(campaign, member.entity_id) if m.is_leader), None)
    if leader is not None and leader.group_code == member.group_code and leader.id != member.id:
        raise ConflictError(
            _l(
                "The team leader (组长) %(name)s submits their own department's result of this visit.",
                name=leader.inspector_name,
            )
        )
    parts.submit_by(campaign, member, actor=actor)
    audit.record(
        "joint.submitter_designated",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            "visit": member.entity.code,
            "submitter": member.cert_no,
            "department": parts_of(campaign)[member.group_code]["name"],
        },
    )
    return member


def lead_anew(campaign: Campaign, member: TeamMember, *, actor: Actor) -> None:
    """A visit's 组长 named after the draw: never one who declared a conflict; once handed out, the new 组长
    submits their own department's result and the visit's code goes to that department's visit."""
    if member.recusal_id is not None:
        raise ConflictError(
            _l("%(name)s declared a conflict (回避) with this entity: name another member.", name=member.inspector_name)
        )
    if handed_out(campaign):
        parts.follow_leader(campaign, member, actor=actor)
        joint_codes.follow_leader(campaign, member.entity_id, member.group_code, actor=actor)


# --- an accepted request replaces at once (回避申请：按随机抽取规则替换) -------------------------------------


@events.subscribe("joint.recusal_accepted")
def replace_at_once(*, actor: Actor, campaign: Campaign, member: TeamMember) -> TeamMember | None:
    """A step of the coordinator's decision that accepts a business's request about a mixed team's member
    (``member``: the lead's row, its conflict just declared), taken by the platform: a recused 组长 is followed
    by a new one named by the campaign's rule (the code follows them, :func:`lead_anew`); a department's
    submitter by a colleague of the same department; then the member is replaced by the joint draw and the
    new team told, its notice sent again. With nobody eligible left, nothing of it changes: the member waits,
    on the coordinator's to-dos (替换回避人员). Returns the member who came, or ``None``."""
    record = draw_of(campaign, "inspectors", for_update=True)
    waiting = None
    if "conflict" not in rules_of(campaign).inspector_replacement_reasons or record is None:
        waiting = str(_l("The rules in force do not replace a member for a conflict."))
    else:
        try:
            with unit_of_work():  # a savepoint: a pool exhausted changes nothing of the team
                out = _member(campaign, member.id)
                if out.is_leader:
                    with reading_invited(parts_of(campaign), actor, LEADERS_REASON):
                        accounts = steps.with_account(m.inspector_id for m in team_of(campaign, out.entity_id))
                    lead_anew(
                        campaign,
                        steps.lead_by_rule(campaign, out.entity_id, actor=actor, accounts=accounts),
                        actor=actor,
                    )
                    out = _member(campaign, member.id)
                if handed_out(campaign):
                    own, alongside = parts.submitter_of(campaign, out)
                    if own is not None and own.is_leader and alongside > 1:
                        colleague = next(
                            m
                            for m in team_of(campaign, out.entity_id)
                            if m.group_code == out.group_code and m.id != out.id and m.recusal_id is None
                        )
                        parts.submit_by(campaign, colleague, actor=actor)
                return _replace(campaign, record, out, "conflict", actor=actor, system=True)
        except (ConflictError, StopIteration) as refused:
            waiting = str(refused) or str(_l("Nobody is left on this team: replace its members first."))
    audit.record(
        "team.replacement_waiting",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visit": member.entity.code, "cert_no": member.cert_no, "reason": waiting},
    )
    return None
