"""A campaign's policy (抽查任务流程): which step it allows now, and why not.

draft → approved (the target draw committed) → the target frame frozen → targets drawn →
the inspector frame frozen → inspectors drawn → handed to the teams (notified) → in progress →
results approved → results published (the visits' steps, and the campaign's hand-out and closing that are about its
visits, are in :mod:`spotcheck.tenants.results.policy`). Each draw is a ceremony of its own
(committed, frozen, drawn; DRAW-SPEC "Sequence"). Withdrawal (撤销, :mod:`.withdrawal`): a draft is
deleted by its planner or returned by a leader with the reason; an approved campaign whose targets
are not drawn yet is cancelled by a leader with the reason (``withdrawn``), after which every step
is refused naming that rule. :data:`CAMPAIGN_ACTIONS` (the campaign's policy) is the one statement
of these rules: the commands require its actions, and the pages and the API show what it allows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeAlias

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns.draw_stages import draw_of, stage
from spotcheck.tenants.campaigns.drawn_list import drawn_list
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.vocabulary import DRAW_STATUS, PUBLIC_STATUSES, TEAMS_OPEN, CampaignStatus
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.directory.models import Entity

#: Whether a step is possible on a campaign now.
Possible: TypeAlias = Callable[[Campaign], bool]
#: Why a step is refused on a campaign (a translatable message).
Refusal: TypeAlias = Callable[[Campaign], LazyString]
#: A step: when it is possible, and what to say when it is not.
Step: TypeAlias = tuple[Possible, Refusal]

# --- read rules: what the public sees (一公开) -------------------------------------------------


def public_campaign_rows() -> sa.ColumnElement[bool]:
    """The campaigns on the public portal, as an SQL condition: approved (a draft is internal), in a
    public state, and with draws of their own (a department's part of a joint campaign has none:
    the joint campaign, the lead's, is public)."""
    return sa.and_(Campaign.status.in_(PUBLIC_STATUSES), Campaign.joint_id.is_(None), Campaign.approved_at.is_not(None))


def is_public(campaign: Campaign) -> bool:
    """Whether the campaign is on the public portal (一公开): from its approval on."""
    return campaign.status in PUBLIC_STATUSES and campaign.approved_at is not None


def ceremony_step(kind: str, before: str) -> Step:
    """A step of a draw's ceremony (a campaign's own or a joint campaign's), possible in the draw's campaign
    status when the draw is at ``before``."""

    def possible(campaign: Campaign) -> bool:
        return campaign.status == DRAW_STATUS[kind] and stage(draw_of(campaign, kind)) == before

    def refusal(campaign: Campaign) -> LazyString:
        reached = stage(draw_of(campaign, kind))
        if reached == "drawn":
            return _l("This draw has already been made; it can never be made again.")
        if campaign.status != DRAW_STATUS[kind] or reached is None:
            return _l(
                "This step is not possible in the campaign's present state (%(status)s).",
                status=labels.campaign_status(campaign.status, campaign),
            )
        if before == "frozen":
            return _l("Freeze the frame first.")
        return _l("The frame is already frozen.")

    return possible, refusal


def leader_rule(campaign: Campaign, missing: int) -> LazyString:
    """The hand-out's refusal while ``missing`` visits have no team leader (组长): the rule as the campaign's rules
    cite it (``team_leader_required``: seed 002 四（三）, 实施部门可在检查组内指定一名检查组长), then what it asks."""
    return _l(
        "%(rule)seach visit's team has its team leader (组长) before the visits are handed out: name the team leader "
        "of every visit first (%(n)d without one).",
        rule=rules_of(campaign).under("team_leader_required"),
        n=missing,
    )


def recusal_rule(campaign: Campaign) -> LazyString:
    """The refusal's opening while a team member who declared a conflict waits to be replaced: the rule
    as the campaign's rules cite it (``recusal``, the national floor: 国办发〔2024〕54号), then what it asks
    (seed 002: 检查人员与被检查企业有利害关系的，应依法回避)."""
    return _l(
        "%(rule)sa team member who declared a conflict (“检查人员与被检查企业有利害关系的，应依法回避”) is "
        "replaced by the rule of the draw (抽取后申报回避) before the visit goes on.",
        rule=rules_of(campaign).under("recusal"),
    )


def named_visits(entities: list[Entity], most: int = 5) -> str:
    return "、".join(f"{e.name}（{e.code}）" for e in entities[:most]) + ("…" if len(entities) > most else "")


def _team_step(joint_refusal: LazyString) -> Step:
    """A change of a drawn team after the draw (专家, 回避): a department's own campaign, teams open."""

    def why(campaign: Campaign) -> LazyString:
        if campaign.joint or campaign.joint_id is not None:
            return joint_refusal
        return _l("This is possible only after the inspector draw, until the results are in.")

    return lambda c: not c.joint and c.joint_id is None and c.status in TEAMS_OPEN, why


def _late_refused(step: Step) -> Step:
    """A team step refused for a check registered after it was made (its team went; nothing replaces by a draw)."""
    possible, refusal = step
    return (lambda c: not c.registered_late and possible(c), lambda c: LATE_TEAM if c.registered_late else refusal(c))


def _targets_replaceable(campaign: Campaign) -> bool:
    return (
        not campaign.named
        and campaign.status == CampaignStatus.targets_drawn
        and stage(draw_of(campaign, "inspectors")) == "committed"
    )


def target_replacement_refusal(campaign: Campaign) -> LazyString:
    """Why a target cannot be replaced now: a named check's are never; after the inspector freeze, where the rules
    publish the list of drawn businesses from then on (抽取后), that rule, cited — the published list has one
    version; else the draw's own order of steps."""
    if campaign.named:
        return _l("A named check's businesses are checked for their causes: none is replaced by another.")
    if stage(draw_of(campaign, "inspectors")) in ("frozen", "drawn"):
        listed = drawn_list(campaign, inspectors_frozen=True)
        if listed.when == "after_draw":
            return _l(
                "The list of the businesses drawn is published once the inspector frame is frozen (%(rule)s): "
                "no target is replaced after that, so that the published list has one version.",
                rule=listed.source,
            )
    return _l("Targets can be replaced only after the target draw and before the inspector frame is frozen.")


def _own(possible: Possible, *, parts: bool = False) -> Possible:
    """A step of a department's own campaign: not of a joint campaign, whose steps are the joint
    ones (:mod:`spotcheck.tenants.joint.policy`), nor of a department's part of one, except
    where ``parts`` allows it (closing the part once its results are published)."""
    return lambda c: not c.joint and (parts or c.joint_id is None) and possible(c)


def _own_refusal(refusal: Refusal | LazyString) -> Refusal:
    def why(campaign: Campaign) -> LazyString:
        if campaign.joint or campaign.joint_id is not None:
            return _l("This is done on the joint campaign's page.")
        return refusal(campaign) if callable(refusal) else refusal

    return why


def _own_action(
    name: str, permission: Permission, possible: Possible, refusal: Refusal | LazyString, *, parts: bool = False
) -> Action:
    return Action(name, permission, _own(possible, parts=parts), _own_refusal(refusal))


#: A check registered after it was made (紧急检查事后登记): its team is the one that went, and stays so.
LATE_TEAM = _l(
    "This check was registered after it was made: its team is the one that went, not drawn, and stays as "
    "it was registered."
)


#: The refusal naming the rule of a withdrawn campaign (撤销): its commitment stays published, nothing follows.
WITHDRAWN_RULE = _l(
    "A withdrawn campaign (已撤销) stays published as it was and no draw, freeze or hand-out can ever follow on it."
)


def withdrawn_refusal(campaign: Campaign) -> LazyString:
    return _l(
        "%(rule)s %(code)s was withdrawn by %(who)s: %(reason)s",
        rule=WITHDRAWN_RULE,
        code=campaign.code or campaign.title,
        who=campaign.withdrawn_by_name,
        reason=campaign.withdrawal_reason,
    )


def refusing_withdrawn(*actions: Action) -> list[Action]:
    """The actions, each refused on a withdrawn campaign with :data:`WITHDRAWN_RULE` first."""

    def guarded(action: Action) -> Action:
        refusal = action.refusal

        def why(campaign: Campaign) -> LazyString:
            if getattr(campaign, "status", None) == CampaignStatus.withdrawn:
                return withdrawn_refusal(campaign)
            return refusal(campaign) if callable(refusal) else refusal

        return dataclasses.replace(action, refusal=why)

    return [guarded(action) for action in actions]


def cancellable(campaign: Campaign) -> bool:
    """Approved, its target draw committed or frozen, not drawn: a leader may still cancel it; a check of named
    businesses, until its visits are handed to the teams (one registered after it was made never)."""
    if campaign.named:
        return not campaign.registered_late and campaign.status in (
            CampaignStatus.targets_drawn,
            CampaignStatus.inspectors_drawn,
        )
    return campaign.status == CampaignStatus.approved and stage(draw_of(campaign, "targets")) in ("committed", "frozen")


def cancel_refusal(campaign: Campaign) -> LazyString:
    if campaign.named and campaign.status != CampaignStatus.draft:
        return (
            _l("A check registered after it was made has been made: it is not withdrawn.")
            if campaign.registered_late
            else _l("A check of named businesses is withdrawn only until its visits are handed to the teams.")
        )
    if campaign.status == CampaignStatus.draft:
        return _l("A draft is not cancelled: its planner deletes it, or a leader returns it with the reason.")
    return _l(
        "Only an approved campaign whose targets are not drawn yet can be withdrawn: once drawn, the published "
        "draw stands and its targets are checked (抽取结果不得因结果不合意而撤销重抽); a target that cannot be "
        "checked is replaced by the draw's rule or recorded as a finding."
    )


CAMPAIGN_ACTIONS = Actions(
    *refusing_withdrawn(
        _own_action(
            "delete",
            Permission.CAMPAIGNS_EDIT,
            lambda c: c.status == CampaignStatus.draft,
            _l(
                "Only a draft can be deleted; an approved campaign is committed and published, and only a leader "
                "withdraws it, giving the reason."
            ),
        ),
        _own_action(
            "return",
            Permission.CAMPAIGNS_APPROVE,
            lambda c: c.status == CampaignStatus.draft,
            _l("Only a draft is returned to its planner."),
        ),
        _own_action("cancel", Permission.CAMPAIGNS_APPROVE, cancellable, cancel_refusal),
        _own_action(
            "edit",
            Permission.CAMPAIGNS_EDIT,
            lambda c: c.status == CampaignStatus.draft,
            _l("Only a draft campaign can change; an approved one is committed."),
        ),
        _own_action(
            "approve",
            Permission.CAMPAIGNS_APPROVE,
            lambda c: c.status == CampaignStatus.draft,
            _l("Only a draft campaign can be approved."),
        ),
        _own_action("freeze_targets", Permission.CAMPAIGNS_EDIT, *ceremony_step("targets", "committed")),
        _own_action("draw_targets", Permission.CAMPAIGNS_EDIT, *ceremony_step("targets", "frozen")),
        _own_action("replace_target", Permission.CAMPAIGNS_EDIT, _targets_replaceable, target_replacement_refusal),
        _own_action("freeze_inspectors", Permission.CAMPAIGNS_EDIT, *ceremony_step("inspectors", "committed")),
        _own_action("draw_inspectors", Permission.CAMPAIGNS_EDIT, *ceremony_step("inspectors", "frozen")),
        _own_action(
            "replace_inspector",
            Permission.CAMPAIGNS_EDIT,
            lambda c: c.status in TEAMS_OPEN and not c.registered_late,
            lambda c: (
                LATE_TEAM if c.registered_late else _l("Inspectors can be replaced only after the inspector draw.")
            ),
        ),
        _own_action(
            "designate_leader",
            Permission.CAMPAIGNS_EDIT,
            lambda c: c.status in TEAMS_OPEN and not c.registered_late,
            lambda c: LATE_TEAM if c.registered_late else _l("The team leader is named after the inspector draw."),
        ),
        # Experts join a team in addition (seed 001); a conflict declared after the draw (seed 002).
        Action(
            "add_expert",
            Permission.CAMPAIGNS_EDIT,
            *_late_refused(
                _team_step(
                    _l(
                        "Experts join the teams of a department's own campaign; the mixed teams of a joint campaign "
                        "(联合抽查) take no experts on the platform."
                    )
                )
            ),
        ),
        Action(
            "remove_expert",
            Permission.CAMPAIGNS_EDIT,
            *_late_refused(
                _team_step(
                    _l(
                        "Experts join the teams of a department's own campaign; the mixed teams of a joint campaign "
                        "(联合抽查) take no experts on the platform."
                    )
                )
            ),
        ),
        Action(
            "declare_recusal",
            Permission.CAMPAIGNS_EDIT,
            *_late_refused(
                _team_step(
                    _l(
                        "A conflict in a joint campaign (联合抽查) is declared by the member on the visit's page, "
                        "or by the lead department's coordinator on the joint campaign's page, who replaces the "
                        "member by the joint draw."
                    )
                )
            ),
        ),
    )
)
