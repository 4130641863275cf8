"""Joint campaigns' policy (联合抽查规则): a joint campaign's steps and who takes each, and who reads what.

The lead department's coordinator creates the joint campaign and invites departments → each
department's planner accepts (or declines) and prepares its part: items from its filed plan or an
exempt kind with the reason, strata rules, filter → the department's leader approves its part →
the lead's leader approves the whole, which commits the target draw → the coordinator freezes and
draws the targets (one seed, one group per department), then the inspectors (mixed teams, at
least one of each department present), names each team's leader (组长) and hands the visits out
→ each department records, reviews and publishes its own results.

:data:`JOINT_ACTIONS` (on the joint campaign) and :data:`PARTICIPANT_ACTIONS` (on a department's
invitation) are the one statement of these rules, read by the commands and the pages.
The read rules: a participant reads a joint campaign's shared rows inside its :class:`Joint` scope
(:func:`in_campaign`); the year's statistics are the lead department's (:func:`reads_statistics`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import OWN, Joint
from spotcheck.tenants.campaigns.draw_stages import draw_of, stage
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.campaigns.policy import (
    TEAMS_OPEN,
    WITHDRAWN_RULE,
    cancel_refusal,
    cancellable,
    ceremony_step,
    leader_rule,
    named_visits,
    recusal_rule,
    refusing_withdrawn,
)
from spotcheck.tenants.campaigns.team_gaps import visits_with_recusal, visits_without_leader
from spotcheck.tenants.joint import figures
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.participants import approved_parts, parts_of, pending
from spotcheck.tenants.joint.vocabulary import ParticipantStatus
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.rulebook import rules_for


def _lead(campaign: Campaign, actor: Actor) -> bool:
    return getattr(actor, "tenant_id", None) == campaign.tenant_id


def _receiver(participant: JointParticipant, actor: Actor) -> bool:
    return getattr(actor, "tenant_id", None) == participant.receiver_tenant_id


def _min_departments(campaign: Campaign) -> int:
    """How many departments a joint campaign needs (the lead's rules: 联合抽查最少参加部门数)."""
    return rules_for(campaign.tenant_id).joint_min_departments


def _approvable(campaign: Campaign) -> bool:
    return (
        campaign.status == CampaignStatus.draft
        and not pending(campaign)
        and len(approved_parts(campaign)) >= _min_departments(campaign)
    )


def _approve_refusal(campaign: Campaign) -> LazyString:
    if campaign.status != CampaignStatus.draft:
        return _l("Only a joint campaign in preparation can be approved.")
    if waiting := pending(campaign):
        return _l(
            "Waiting for %(names)s: every invited department answers and has its part approved first.",
            names="、".join(p.department_name for p in waiting),
        )
    return _l("A joint campaign needs at least %(n)d departments with an approved part.", n=_min_departments(campaign))


def _can_hand_out(campaign: Campaign) -> bool:
    return (
        campaign.status == CampaignStatus.inspectors_drawn
        and visits_without_leader(campaign) == 0
        and not visits_with_recusal(campaign)
    )


def _hand_out_refusal(campaign: Campaign) -> LazyString:
    if campaign.status == CampaignStatus.inspectors_drawn and (recused := visits_with_recusal(campaign)):
        return _l("%(rule)s Replace first: %(visits)s.", rule=recusal_rule(campaign), visits=named_visits(recused))
    if campaign.status == CampaignStatus.inspectors_drawn:
        return leader_rule(campaign, visits_without_leader(campaign))
    return _l("The visits are handed to the teams once the inspectors are drawn, and only once.")


class _Who(TypedDict):
    """Who may take an action (:class:`~spotcheck.core.actions.Action`'s ``who`` and ``who_refusal``)."""

    who: Callable[..., bool]
    who_refusal: LazyString


def _lead_only() -> _Who:
    return {
        "who": lambda c, actor: _lead(c, actor),
        "who_refusal": _l("Only the lead department coordinates a joint campaign."),
    }


def _sizes_open(campaign: Campaign) -> bool:
    """Before the target frame is frozen: in preparation, once a department's part is approved (the
    leader reads the size before approving), or approved."""
    return (
        campaign.status in (CampaignStatus.draft, CampaignStatus.approved)
        and stage(draw_of(campaign, "targets")) not in ("frozen", "drawn")
        and bool(parts_of(campaign))
    )


def _teams_open(campaign: Campaign) -> bool:
    """After the inspector draw, until every visit's results are published: the mixed teams may change."""
    return campaign.status in TEAMS_OPEN and figures.progress_status(campaign) in TEAMS_OPEN


def _teams_refusal(campaign: Campaign) -> LazyString:
    if campaign.status in TEAMS_OPEN:
        return _l("Every visit's results are published: its team no longer changes.")
    return _l("This is possible only after the inspector draw, until the results are in.")


def _handed_out_teams(campaign: Campaign) -> bool:
    return campaign.status != CampaignStatus.inspectors_drawn and _teams_open(campaign)


JOINT_ACTIONS = Actions(
    *refusing_withdrawn(
        # Withdrawal (撤销, :mod:`.withdrawal`): the joint campaign keeps its number, its parts follow.
        Action(
            "withdraw",
            Permission.JOINT_MANAGE,
            lambda c: c.status == CampaignStatus.draft,
            _l(
                "The coordinator withdraws a joint campaign in preparation; an approved one is cancelled by a leader "
                "with the reason."
            ),
            **_lead_only(),
        ),
        Action(
            "return",
            Permission.CAMPAIGNS_APPROVE,
            lambda c: c.status == CampaignStatus.draft,
            _l("Only a joint campaign in preparation is returned to its coordinator."),
            **_lead_only(),
        ),
        Action(
            "cancel",
            Permission.CAMPAIGNS_APPROVE,
            cancellable,
            lambda c: (
                _l(
                    "A joint campaign in preparation is withdrawn by its coordinator, or returned by a leader with the "
                    "reason."
                )
                if c.status == CampaignStatus.draft
                else cancel_refusal(c)
            ),
            **_lead_only(),
        ),
        Action(
            "edit",
            Permission.JOINT_MANAGE,
            lambda c: c.status == CampaignStatus.draft,
            _l("Only a joint campaign in preparation can change."),
            **_lead_only(),
        ),
        Action(
            "invite",
            Permission.JOINT_MANAGE,
            lambda c: c.status == CampaignStatus.draft,
            _l("Departments are invited while the joint campaign is in preparation."),
            **_lead_only(),
        ),
        Action("approve", Permission.CAMPAIGNS_APPROVE, _approvable, _approve_refusal, **_lead_only()),
        Action(
            "estimate_sizes",
            Permission.JOINT_MANAGE,
            _sizes_open,
            lambda c: (
                _l(
                    "The size of the draw is estimated before the target frame is frozen; "
                    "then its counts are published."
                )
                if c.status != CampaignStatus.draft
                else _l("The size is estimated once a department's part is approved.")
            ),
            **_lead_only(),
        ),
        Action("freeze_targets", Permission.JOINT_MANAGE, *ceremony_step("targets", "committed"), **_lead_only()),
        Action("draw_targets", Permission.JOINT_MANAGE, *ceremony_step("targets", "frozen"), **_lead_only()),
        Action("freeze_inspectors", Permission.JOINT_MANAGE, *ceremony_step("inspectors", "committed"), **_lead_only()),
        Action("draw_inspectors", Permission.JOINT_MANAGE, *ceremony_step("inspectors", "frozen"), **_lead_only()),
        Action(
            "designate_leader",
            Permission.JOINT_MANAGE,
            _teams_open,
            lambda c: (
                _l("Every visit's results are published: its team no longer changes.")
                if c.status in TEAMS_OPEN
                else _l("The team leader is named after the inspector draw.")
            ),
            **_lead_only(),
        ),
        # A conflict declared after the draw (抽取后申报回避), the member replaced by the joint draw's rule, and who
        # submits a department's result of a visit once handed out (the 组长 when of that department).
        Action("declare_recusal", Permission.JOINT_MANAGE, _teams_open, _teams_refusal, **_lead_only()),
        Action("replace_inspector", Permission.JOINT_MANAGE, _teams_open, _teams_refusal, **_lead_only()),
        Action(
            "designate_submitter",
            Permission.JOINT_MANAGE,
            _handed_out_teams,
            lambda c: (
                _l("A department's submitter is named once the visits are handed out, until the results are in.")
                if c.status == CampaignStatus.inspectors_drawn
                else _teams_refusal(c)
            ),
            **_lead_only(),
        ),
        Action("hand_out", Permission.JOINT_MANAGE, _can_hand_out, _hand_out_refusal, **_lead_only()),
    )
)


def _receiver_only() -> _Who:
    return {"who": _receiver, "who_refusal": _l("Only the invited department answers for its part.")}


def _part_refusal(
    refusal: LazyString | Callable[[JointParticipant], LazyString],
) -> Callable[[JointParticipant], LazyString]:
    """A department's step on its part, refused first when the joint campaign was withdrawn."""

    def why(participant: JointParticipant) -> LazyString:
        if participant.status == ParticipantStatus.withdrawn:
            return _l(
                "%(rule)s The joint campaign %(code)s was withdrawn.",
                rule=WITHDRAWN_RULE,
                code=participant.campaign_code,
            )
        return refusal(participant) if callable(refusal) else refusal

    return why


PARTICIPANT_ACTIONS = Actions(
    Action(
        "accept",
        Permission.CAMPAIGNS_EDIT,
        lambda p: p.status == ParticipantStatus.invited,
        _part_refusal(_l("This invitation has already been answered.")),
        **_receiver_only(),
    ),
    Action(
        "decline",
        Permission.CAMPAIGNS_EDIT,
        lambda p: p.status == ParticipantStatus.invited,
        _part_refusal(_l("This invitation has already been answered.")),
        **_receiver_only(),
    ),
    Action(
        "edit_part",
        Permission.CAMPAIGNS_EDIT,
        lambda p: p.status == ParticipantStatus.accepted,
        _part_refusal(_l("The part can change after the invitation is accepted and until it is approved.")),
        **_receiver_only(),
    ),
    Action(
        "approve_part",
        Permission.CAMPAIGNS_APPROVE,
        lambda p: p.status == ParticipantStatus.accepted and bool((p.part or {}).get("items")),
        _part_refusal(
            lambda p: (
                _l("Add the department's items first.")
                if p.status == ParticipantStatus.accepted
                else _l("Only an accepted part can be approved.")
            )
        ),
        **_receiver_only(),
    ),
)


# --- read rules ----------------------------------------------------------------------------------


def in_campaign(reader: Actor, campaign_id: int, **_: object) -> Joint | None:
    """A joint campaign's page and API read it in the scope its reader needs: the lead department
    its own rows (nothing to open); an invited department the shared rows, inside the campaign's
    :class:`Joint` scope (opened and recorded)."""
    if not is_row_id(campaign_id):
        return OWN  # no campaign has that id: the read finds nothing (NotFoundError)
    led = db.session.scalar(
        sa.select(Campaign.id).where(
            Campaign.id == int(campaign_id),
            Campaign.joint.is_(True),
            Campaign.tenant_id == getattr(reader, "tenant_id", None),
        )
    )
    return OWN if led is not None else Joint(int(campaign_id))


#: Why anyone but the lead department's readers is refused the statistics (:func:`require_statistics_reader`).
STATISTICS_REFUSED = _l("Only the lead department reads its joint-inspection statistics.")


def require_statistics_reader(reader: Actor) -> None:
    """ForbiddenError unless ``reader`` reads the lead department's statistics (:func:`reads_statistics`): the page,
    the query and the export job ask here."""
    if not reads_statistics(reader):
        raise ForbiddenError(STATISTICS_REFUSED)


def reads_statistics(reader: Actor) -> bool:
    """The year's joint-inspection statistics (联合检查工作进展情况统计表) are the lead department's:
    its coordinator (``JOINT_MANAGE``) and whoever reads its campaigns (``CAMPAIGNS_VIEW``)."""
    if not (has_permission(reader, Permission.JOINT_MANAGE) or has_permission(reader, Permission.CAMPAIGNS_VIEW)):
        return False
    kind = getattr(getattr(reader, "tenant", None), "kind", None)
    return getattr(kind, "value", kind) == "lead"


def of_joint_visit(reader: Actor, visit_id: int, **_: object) -> Joint | None:
    """A visit of a department's part of a joint campaign shows its whole mixed team (联合检查组):
    read inside the campaign's scope (opened and recorded), by whoever may see the visit."""
    if not is_row_id(visit_id):
        return OWN
    joint_id = db.session.scalar(
        sa.select(Campaign.joint_id).join(Visit, Visit.campaign_id == Campaign.id).where(Visit.id == int(visit_id))
    )
    return Joint(joint_id) if joint_id is not None else OWN
