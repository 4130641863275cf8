"""A campaign's transitions (抽查任务状态流转): every move of its status, one table — from which statuses, to
which, by which commands, on which permission, and the refusal, with the rule it cites, of a move the table does
not hold. :func:`move` is the one writer of ``Campaign.status`` once a campaign exists (it is created a draft):
it checks the move against :data:`TRANSITIONS`, writes the status and its audit entry (``campaign.moved``).

A move made by another command than the campaign's own (系统流转: a visit's first record moving its campaign
to 进行中, the last approval or publication moving it on, a correction reopening it, the lead's hand-out moving
a department's part of a joint campaign) is a row of the table like any other: ``system`` marks it, and its
permission is the triggering command's. Whether the calling command may run now is its own check
(:data:`~spotcheck.tenants.campaigns.policy.CAMPAIGN_ACTIONS`, the joint and the results' policies): the
table is what any command can do to a campaign's status, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.errors import ConflictError, ForbiddenError
from spotcheck.core.policy import Permission, require
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.policy import cancel_refusal
from spotcheck.tenants.campaigns.vocabulary import MOVED, CampaignStatus
from spotcheck.tenants.common import vocabulary as labels

S = CampaignStatus


@dataclass(frozen=True)
class Transition:
    """A campaign moves from one of ``sources`` to ``to`` by one of the commands ``by`` (``package.function``
    of :mod:`spotcheck.tenants`), for an actor holding ``permission`` (and, where ``who`` is given, only
    ``who(campaign, actor)``; otherwise Forbidden with ``who_refusal``). A move the table does not hold is
    refused with ``refusal`` (a message, or a function of the campaign giving it), opening with the citation of
    ``rule`` (a key of the rules in force for the campaign) where it names one. ``system``: made by another
    command than the campaign's own — ``permission`` is that command's."""

    sources: tuple[CampaignStatus, ...]
    to: CampaignStatus
    permission: Permission
    by: tuple[str, ...]
    refusal: Any = None  # a message, or what makes it from the campaign; None: the state's own
    rule: str | None = None
    who: Callable[[Campaign, Actor | None], bool] | None = None
    who_refusal: object = None
    system: bool = False

    def said(self, campaign: Campaign) -> Any:
        """Why the campaign cannot make this move now, the rule cited first."""
        message = self.refusal(campaign) if callable(self.refusal) else self.refusal
        message = message if message is not None else state_refusal(campaign)
        cited = rules_of(campaign).under(self.rule) if self.rule else ""
        return f"{cited}{message}" if cited else message


def state_refusal(campaign: Campaign) -> LazyString:
    """The refusal of a move no row describes: the campaign's present state."""
    return _l(
        "This step is not possible in the campaign's present state (%(status)s).",
        status=labels.campaign_status(campaign.status, campaign),
    )


#: Every move of a campaign's status the platform makes, and by which commands.
TRANSITIONS: tuple[Transition, ...] = (
    # --- a department's own campaign (抽查任务) ----------------------------------------------------
    Transition(
        (S.draft,),
        S.approved,
        Permission.CAMPAIGNS_APPROVE,
        ("campaigns.approve",),
        _l("Only a draft campaign can be approved."),
    ),
    # a check of named businesses (特定对象检查): its businesses registered at the approval, in place of a draw
    Transition((S.approved,), S.targets_drawn, Permission.CAMPAIGNS_APPROVE, ("campaigns.approve",)),
    Transition((S.approved,), S.targets_drawn, Permission.CAMPAIGNS_EDIT, ("campaigns.draw_targets",)),
    Transition((S.targets_drawn,), S.inspectors_drawn, Permission.CAMPAIGNS_EDIT, ("campaigns.draw_inspectors",)),
    # 紧急检查事后登记: registered with its businesses and the team that went, in one step
    Transition(
        (S.draft,),
        S.targets_drawn,
        Permission.CAMPAIGNS_APPROVE,
        ("campaigns.register_emergency",),
        rule="named_late_days",
    ),
    Transition(
        (S.targets_drawn,),
        S.inspectors_drawn,
        Permission.CAMPAIGNS_APPROVE,
        ("campaigns.register_emergency",),
        rule="named_late_days",
    ),
    # 撤销: before the targets are drawn; a check of named businesses, until its visits are handed out
    Transition(
        (S.approved, S.targets_drawn, S.inspectors_drawn),
        S.withdrawn,
        Permission.CAMPAIGNS_APPROVE,
        ("campaigns.cancel",),
        cancel_refusal,
    ),
    # --- a joint campaign (联合抽查) and each department's part of it ------------------------------------
    Transition(
        (S.draft,),
        S.approved,
        Permission.CAMPAIGNS_APPROVE,
        ("joint.approve_part", "joint.approve_joint"),
        _l("Only a draft campaign can be approved."),
    ),
    Transition((S.approved,), S.targets_drawn, Permission.JOINT_MANAGE, ("joint.draw_targets",)),
    Transition((S.targets_drawn,), S.inspectors_drawn, Permission.JOINT_MANAGE, ("joint.draw_inspectors",)),
    Transition((S.inspectors_drawn,), S.notified, Permission.JOINT_MANAGE, ("joint.hand_out",)),
    # a department's part: handed out with the joint campaign, by the lead (its part was approved, never drawn)
    Transition((S.approved,), S.notified, Permission.JOINT_MANAGE, ("joint.hand_out",), system=True),
    # withdrawn in preparation by its coordinator, or cancelled once approved by the lead's leader: the parts follow
    Transition((S.draft, S.approved), S.withdrawn, Permission.JOINT_MANAGE, ("joint.withdraw",)),
    Transition((S.draft, S.approved), S.withdrawn, Permission.CAMPAIGNS_APPROVE, ("joint.cancel",)),
    # --- its visits (检查): handed out, recorded, approved, published, closed ---------------------------
    Transition(
        (S.inspectors_drawn,),
        S.notified,
        Permission.CAMPAIGNS_EDIT,
        ("results.hand_out",),
        _l("The visits are handed to the teams once the inspectors are drawn, and only once."),
    ),
    # the first result recorded (进行中): by a member of the team, or imported by the department
    Transition(
        (S.notified,),
        S.in_progress,
        Permission.RESULTS_ENTER,
        ("results.record_result",),
        _l("A result is recorded once the visits are handed to the teams."),
        system=True,
    ),
    Transition(
        (S.notified,),
        S.in_progress,
        Permission.CAMPAIGNS_EDIT,
        ("results.import_result", "results.import_results"),
        _l("A result is recorded once the visits are handed to the teams."),
        system=True,
    ),
    # every result approved (the last approval); a corrected result approved again reopens a published campaign
    Transition(
        (S.in_progress, S.published),
        S.results_in,
        Permission.RESULTS_REVIEW,
        ("results.approve_result", "results.approve_results"),
        _l("A campaign's results are in once every result of its visits is approved."),
        system=True,
    ),
    # every result published (the last publication)
    Transition(
        (S.in_progress, S.results_in),
        S.published,
        Permission.RESULTS_PUBLISH,
        ("results.publish_results",),
        _l("A campaign's results are published once every result of its visits is published."),
        system=True,
    ),
    # a correction (更正) of a result of a closed campaign reopens it, to be closed again once it is published
    Transition(
        (S.closed,),
        S.published,
        Permission.RESULTS_PUBLISH,
        ("results.start_correction",),
        _l("A correction reopens a closed campaign only."),
        system=True,
    ),
    # 办结: its guard (every result published, no follow-up waiting) is the results' own
    Transition(
        (S.published,),
        S.closed,
        Permission.CAMPAIGNS_EDIT,
        ("results.close_campaign",),
        _l("A campaign is closed once every result is published."),
        rule="follow_up_required",
    ),
)


def _row(status: CampaignStatus, to: CampaignStatus, by: str) -> Transition | None:
    return next((row for row in TRANSITIONS if row.to == to and status in row.sources and by in row.by), None)


def refusal(campaign: Campaign, to: CampaignStatus, by: str) -> Any:
    """Why ``campaign`` cannot move to ``to`` by the command ``by`` now (None when it can): the refusal of
    the command's row into ``to``, its rule cited (no such row: the state's own refusal)."""
    if _row(campaign.status, to, by) is not None:
        return None
    row = next((row for row in TRANSITIONS if row.to == to and by in row.by), None)
    return row.said(campaign) if row is not None else state_refusal(campaign)  # no move of this command's: the state


def move(campaign: Campaign, to: CampaignStatus, *, actor: Actor | None, by: str) -> None:
    """Move ``campaign`` to ``to`` by the command ``by`` (``package.function``, a row's): refused (Conflict)
    unless :data:`TRANSITIONS` holds the move, (Forbidden) unless ``actor`` holds its permission and is one
    who may; then the status is written, with its audit entry in the campaign's department."""
    row = _row(campaign.status, to, by)
    if row is None:
        raise ConflictError(refusal(campaign, to, by))
    require(actor, row.permission)
    if row.who is not None and not row.who(campaign, actor):
        raise ForbiddenError(row.who_refusal or _l("You are not allowed to do this."))
    was = campaign.status
    campaign.status = to
    audit.record(
        MOVED,
        "campaign",
        campaign.id,
        actor=actor,
        tenant_id=campaign.tenant_id,
        details={"from": str(was), "to": str(to), "by": by},
    )
