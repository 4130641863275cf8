"""Preparing a joint campaign (联合抽查准备), as commands: create and invite, answer, prepare and
approve a part, approve the whole. The draws and the hand-out are in :mod:`.draws`.

The lead department's commands write the joint campaign and the invitations; a department's
commands write its own part (a campaign of its own) and answer on its invitation, where it keeps
the copy of its part that the lead reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import current_tenant_id, joint_scope
from spotcheck.tenants.accounts.models import Tenant, tenant_of
from spotcheck.tenants.campaigns import draws as draw_steps, schedule, transitions
from spotcheck.tenants.campaigns.checking import (
    check_plan,
    clean_campaign,
    issue_code,
    name_part,
    recheck,
    window_over,
)
from spotcheck.tenants.campaigns.in_force import keep_rules
from spotcheck.tenants.campaigns.inputs import values_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.joint import leads, participant_transitions
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.participants import outside_branch, participants_of, parts_of
from spotcheck.tenants.joint.policy import JOINT_ACTIONS, PARTICIPANT_ACTIONS
from spotcheck.tenants.joint.queries import get_joint, get_participant, part_of, summary
from spotcheck.tenants.joint.vocabulary import DECLINE_LENGTH, JOINT_FIELDS, PART_FIELDS, ParticipantStatus
from spotcheck.tenants.plans.queries import filed_joint_plan
from spotcheck.tenants.rules.rulebook import rules_for


def _clean_joint(data: dict) -> tuple[dict, dict]:
    clean, errors = clean_campaign({**data, "item_ids": [], "strata": {}})
    keep = set(JOINT_FIELDS)
    return {k: v for k, v in clean.items() if k in keep}, {k: v for k, v in errors.items() if k in keep}


def _departments(ids: Iterable[int | str] | None, actor: Actor, errors: dict) -> list[Tenant]:
    """The departments asked for (``department_ids``): active ones, no justice bureau, each of the coordinator's
    branch — its region and the regions below it (本级及下级); refused under ``department_ids`` otherwise, the
    departments outside the branch named with their regions."""
    try:
        wanted = {int(i) for i in ids or []}
    except (TypeError, ValueError):
        wanted = {0}
    known = {i for i in wanted if is_row_id(i)}
    found = (
        list(
            db.session.scalars(
                sa.select(Tenant).where(Tenant.id.in_(known), Tenant.active.is_(True), Tenant.kind != "supervisor")
            )
        )
        if known
        else []
    )
    if len(found) != len(wanted) or not found:
        errors["department_ids"] = [_l("Choose departments from the list.")]
        return found
    coordinator = tenant_of(actor)
    outside = outside_branch(coordinator, found)
    if outside:
        errors["department_ids"] = [
            _l(
                "%(names)s: not of %(region)s nor of a region below it. A joint campaign invites the departments of "
                "its coordinator's region and of the regions below it.",
                names="、".join(f"{t.name}（{t.region.name}）" for t in sorted(outside, key=lambda t: t.code)),
                region=coordinator.region.name,
            )
        ]
    return found


def _field(data: dict, actor: Actor, errors: dict) -> str | None:
    """The joint campaign's enforcement field (执法领域): the one asked for, or the only one the
    actor's department leads; refused unless the department leads it."""
    led = leads.fields_led_by(actor.tenant)
    field = data.get("field") or (led[0] if len(led) == 1 else None)
    if field not in reference.ENFORCEMENT_FIELDS:
        errors["field"] = [_l("Choose the enforcement field of the joint campaign.")]
    elif field not in led and field == reference.MARKET_FIELD:
        errors["field"] = [
            _l(
                "%(rule)sjoint campaigns of %(field)s are led by the market-regulation bureau (市场监督管理局), the "
                "field's lead department (牵头部门), which is not yours.",
                rule=rules_for(actor.tenant_id).under("market_field_lead"),
                field=reference.ENFORCEMENT_FIELDS[field],
            )
        ]
    elif field not in led:
        errors["field"] = [
            _l(
                "Joint campaigns of %(field)s are coordinated by its lead department (牵头部门), which is not yours.",
                field=reference.ENFORCEMENT_FIELDS[field],
            )
        ]
    return field


def _check_joint_plan(campaign_or_clean: Campaign | dict, field: str | None, errors: dict) -> int | None:
    """Where the rules ask it (``joint_plans_required``: 其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查
    工作计划，并报市司法局备案审核), a joint campaign outside market regulation needs its field's filed joint
    plan of its year and follows it."""
    if field is None or field == reference.MARKET_FIELD or errors.get("field") or errors.get("year"):
        return None
    rules = rules_for(current_tenant_id())
    if not rules.joint_plans_required:
        return None
    values = (
        campaign_or_clean
        if isinstance(campaign_or_clean, dict)
        else {name: getattr(campaign_or_clean, name) for name in JOINT_FIELDS}
    )
    plan = filed_joint_plan(values["year"], field)
    if plan is None:
        errors["field"] = [
            _l(
                "%(rule)sa joint campaign of %(field)s in %(year)d needs the field's filed joint plan of %(year)d.",
                rule=rules.under("joint_plans_required"),
                field=reference.ENFORCEMENT_FIELDS[field],
                year=values["year"],
            )
        ]
        return None
    for key, messages in schedule.joint_differences(
        plan, values.get("window_start"), values.get("window_end"), values.get("method")
    ).items():
        errors.setdefault(key, []).extend(messages)
    return plan.id


@command(Permission.JOINT_MANAGE)
def create_joint(data: dict, *, actor: Actor) -> Campaign:
    """A field's lead department creates a joint campaign of that field (title, year, window, team
    size…) and invites departments (``department_ids``, at least two, of its region and the regions below it):
    the market-regulation field by 市场监督管理局's coordinator, another field by its lead's, within the field's
    filed joint plan."""
    errors: dict = {}
    field = _field(data, actor, errors)
    clean, clean_errors = _clean_joint(data)
    errors.update(clean_errors)
    departments = _departments(data.get("department_ids"), actor, errors)
    if not errors.get("department_ids") and len(departments) < 2:
        errors["department_ids"] = [_l("Invite at least two departments.")]
    plan_id = _check_joint_plan(clean, field, errors)
    if errors:
        raise InvalidInputError(errors)
    campaign = Campaign(
        joint=True,
        strata={},
        target_filter={},
        joint_parts={},
        joint_field=field,
        plan_id=plan_id,
        **clean,
    )
    # Numbered when created (a draft still), as its invitations carry the code to the departments; a joint campaign
    # is withdrawn (撤销), never deleted, so its number stays accounted for.
    issue_code(campaign, tenant_of(actor))
    db.session.add(campaign)
    db.session.flush()
    for tenant in departments:
        _invite(campaign, tenant, actor)
    audit.record(
        "joint.created",
        "campaign",
        campaign.id,
        actor=actor,
        details={"code": campaign.code, "field": field, "departments": [t.code for t in departments]},
    )
    return campaign


def _invite(campaign: Campaign, tenant: Tenant, actor: Actor) -> JointParticipant:
    participant = JointParticipant(
        campaign_id=campaign.id,
        receiver_tenant_id=tenant.id,
        campaign_code=campaign.code,
        campaign_title=campaign.title,
        group_code=tenant.code,
        department_name=tenant.full_name,
        invited_by_name=actor.display_name,
        invited_at=now(),
    )
    db.session.add(participant)
    db.session.flush()
    return participant


@command(Permission.JOINT_MANAGE)
def update_joint(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """Change the joint campaign's title, window, team size… while it is in preparation."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "edit")
    clean, errors = _clean_joint({**{name: getattr(campaign, name) for name in JOINT_FIELDS}, **data})
    plan_id = _check_joint_plan(clean, campaign.joint_field, errors)
    if errors:
        raise InvalidInputError(errors)
    for key, value in clean.items():
        setattr(campaign, key, value)
    if campaign.joint_field not in (None, reference.MARKET_FIELD):
        campaign.plan_id = plan_id
    for participant in participants_of(campaign):
        participant.campaign_title = campaign.title
    audit.record("joint.changed", "campaign", campaign.id, actor=actor, details={"fields": sorted(data)})
    return campaign


@command(Permission.JOINT_MANAGE)
def invite(campaign_id: int, data: dict, *, actor: Actor) -> list[JointParticipant]:
    """Invite more departments (``data["department_ids"]``, of the coordinator's region and the regions below it)
    while the joint campaign is in preparation."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "invite")
    errors: dict = {}
    departments = _departments((data or {}).get("department_ids"), actor, errors)
    already = {p.receiver_tenant_id for p in participants_of(campaign)}
    if not errors and all(t.id in already for t in departments):
        errors["department_ids"] = [_l("These departments are already invited.")]
    if errors:
        raise InvalidInputError(errors)
    added = [_invite(campaign, tenant, actor) for tenant in departments if tenant.id not in already]
    audit.record(
        "joint.invited", "campaign", campaign.id, actor=actor, details={"departments": [p.group_code for p in added]}
    )
    return added


# --- the department's answer and its part ------------------------------------------------------


@command(Permission.CAMPAIGNS_EDIT)
def accept(participant_id: int, data: dict | None = None, *, actor: Actor) -> JointParticipant:
    """The invited department's planner accepts: the department's part is created (a campaign of
    its own, in the joint campaign's year and window), to be filled with its items and rules."""
    participant = get_participant(participant_id, for_update=True)
    PARTICIPANT_ACTIONS.require(participant, actor, "accept")
    with joint_scope(actor.tenant_id, participant.campaign_id):
        joint = get_joint(participant.campaign_id)
        values = {name: getattr(joint, name) for name in JOINT_FIELDS}
    tenant = tenant_of(actor)
    part = Campaign(joint_id=participant.campaign_id, strata={}, target_filter={}, **values)  # a draft
    name_part(part, participant.campaign_code, tenant)
    db.session.add(part)
    db.session.flush()
    participant_transitions.move(participant, ParticipantStatus.accepted)
    participant.part_campaign_id = part.id
    participant.answered_at, participant.answered_by_name = now(), actor.display_name
    participant.part = {"items": [], "strata": {}, "target_filter": {}, "exempt_kind": None, "exempt_reason": ""}
    audit.record("joint.accepted", "campaign", part.id, actor=actor, details={"code": participant.campaign_code})
    return participant


@command(Permission.CAMPAIGNS_EDIT)
def decline(participant_id: int, data: dict, *, actor: Actor) -> JointParticipant:
    """The invited department declines, saying why (``data["reason"]``)."""
    participant = get_participant(participant_id, for_update=True)
    PARTICIPANT_ACTIONS.require(participant, actor, "decline")
    reason = str((data or {}).get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > DECLINE_LENGTH:
        raise InvalidInputError(
            {"reason": [_l("Say why the department does not take part (2 to %(n)d characters).", n=DECLINE_LENGTH)]}
        )
    participant_transitions.move(participant, ParticipantStatus.declined)
    participant.decline_reason = reason
    participant.answered_at, participant.answered_by_name = now(), actor.display_name
    audit.record(
        "joint.declined",
        "joint_participant",
        participant.id,
        actor=actor,
        details={"code": participant.campaign_code, "reason": reason},
    )
    return participant


@command(Permission.CAMPAIGNS_EDIT)
def save_part(participant_id: int, data: dict, *, actor: Actor) -> JointParticipant:
    """The department's planner sets its part: items (from its filed plan, or an exempt kind with
    the reason), strata rules and the directory filter. The inspectors' categories follow from
    the items. A copy is kept on the invitation for the lead."""
    participant = get_participant(participant_id, for_update=True)
    PARTICIPANT_ACTIONS.require(participant, actor, "edit_part")
    part = cast(Campaign, part_of(participant))  # an accepted invitation has its part
    data = {k: v for k, v in data.items() if k in PART_FIELDS}
    clean, errors = clean_campaign({**values_of(part), **data})
    check_plan(clean, errors)
    if errors:
        raise InvalidInputError(errors)
    part.items = clean.pop("items")
    for key in PART_FIELDS:
        if key in clean:
            setattr(part, key, clean[key])
    part.plan_id = clean["plan_id"]
    participant.part = summary(part)
    participant.part_saved_at, participant.part_saved_by_name = now(), actor.display_name
    audit.record(
        "joint.part_saved",
        "campaign",
        part.id,
        actor=actor,
        details={"items": [i.code for i in part.items], "exempt_kind": part.exempt_kind},
    )
    return participant


@command(Permission.CAMPAIGNS_APPROVE)
def approve_part(participant_id: int, data: dict | None = None, *, actor: Actor) -> JointParticipant:
    """The department's leader approves its part; the plan rule is checked again."""
    participant = get_participant(participant_id, for_update=True)
    PARTICIPANT_ACTIONS.require(participant, actor, "approve_part")
    part = cast(Campaign, part_of(participant))  # an accepted invitation has its part
    errors: dict = {}
    if not part.items:
        errors["item_ids"] = [_l("Add the department's items first.")]
    if not sorted({c for i in part.items for c in i.inspector_categories}):
        errors["item_ids"] = [
            _l("The campaign's items name no enforcement category (执法类别): no inspector can be qualified.")
        ]
    for key, messages in recheck(part).items():
        errors.setdefault(key, messages)
    if errors:
        raise InvalidInputError(errors)
    participant_transitions.move(participant, ParticipantStatus.approved)
    participant.approved_at, participant.approved_by_name = now(), actor.display_name
    participant.part = summary(part)
    transitions.move(part, CampaignStatus.approved, actor=actor, by="joint.approve_part")
    part.approved_at, part.approved_by_name = now(), actor.display_name
    keep_rules(part)
    audit.record("joint.part_approved", "campaign", part.id, actor=actor, details={"code": participant.campaign_code})
    return participant


@command(Permission.CAMPAIGNS_APPROVE)
def approve_joint(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Campaign:
    """The lead's leader approves the whole: the departments' parts as approved are fixed on the
    joint campaign (shared with every participant) and the target draw is committed."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "approve")
    errors: dict = {}
    if over := window_over(campaign.window_end):
        errors["window_end"] = [over]
    _check_joint_plan(campaign, campaign.joint_field, errors)
    if errors:
        raise InvalidInputError(errors)
    campaign.joint_parts = parts_of(campaign)
    transitions.move(campaign, CampaignStatus.approved, actor=actor, by="joint.approve_joint")
    campaign.approved_at, campaign.approved_by_name = now(), actor.display_name
    keep_rules(campaign)
    draw_steps.commit_draw(campaign, "targets", actor=actor)
    audit.record(
        "joint.approved", "campaign", campaign.id, actor=actor, details={"departments": sorted(campaign.joint_parts)}
    )
    return campaign
