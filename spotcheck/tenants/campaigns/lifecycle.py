"""A campaign's life cycle (抽查任务流程): which step it allows now, and why not.

draft → approved (the target draw committed) → the target frame frozen → targets drawn →
the inspector frame frozen → inspectors drawn → handed to the teams (notified) → in progress →
results approved → results published (the visits' steps are in :mod:`spotcheck.tenants.results.rules`). Each draw is a ceremony of its own
(committed, frozen, drawn; DRAW-SPEC "Sequence"). :data:`CAMPAIGN_ACTIONS` is the one statement
of these rules: the commands require its actions, and the pages and the API show what it allows.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.tenants import labels
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, Draw, DrawKind, TeamMember

#: The campaign status in which each draw is made.
DRAW_STATUS = {"targets": CampaignStatus.approved, "inspectors": CampaignStatus.targets_drawn}
#: Once the inspectors are drawn, teams can still change (replacements, team leaders).
TEAMS_OPEN = (CampaignStatus.inspectors_drawn, CampaignStatus.notified, CampaignStatus.in_progress)


def draw_of(campaign: Campaign, kind: str, *, for_update: bool = False) -> Draw | None:
    """The campaign's draw of ``kind`` (``None`` before it is committed); ``for_update`` locks its row."""
    query = sa.select(Draw).where(Draw.campaign_id == campaign.id, Draw.kind == DrawKind(kind))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def stage(record: Draw | None) -> str | None:
    """``committed``, ``frozen`` or ``drawn`` (``None``: not committed)."""
    if record is None:
        return None
    if record.drawn_at is not None:
        return "drawn"
    return "frozen" if record.frozen_at is not None else "committed"


def _ceremony_step(kind: str, before: str):
    """A step of a draw's ceremony, possible in the draw's campaign status when the draw is at ``before``."""

    def possible(campaign: Campaign) -> bool:
        return campaign.status == DRAW_STATUS[kind] and stage(draw_of(campaign, kind)) == before

    def refusal(campaign: Campaign):
        reached = stage(draw_of(campaign, kind))
        if reached == "drawn":
            return _l("This draw has already been made; it can never be made again.")
        if campaign.status != DRAW_STATUS[kind] or reached is None:
            return _l("This step is not possible in the campaign's present state (%(status)s).",
                      status=labels.name(labels.CAMPAIGN_STATUS, campaign.status))
        if before == "frozen":
            return _l("Freeze the frame first.")
        return _l("The frame is already frozen.")

    return possible, refusal


def visits_without_leader(campaign: Campaign) -> int:
    """How many drawn visits of the campaign have no team leader (组长) yet."""
    led = sa.select(TeamMember.entity_id).where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True),
                                                TeamMember.is_leader.is_(True))
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(TeamMember.entity_id))).where(
        TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True), TeamMember.entity_id.not_in(led)))


def _can_hand_out(campaign: Campaign) -> bool:
    return campaign.status == CampaignStatus.inspectors_drawn and visits_without_leader(campaign) == 0


def _hand_out_refusal(campaign: Campaign):
    if campaign.status == CampaignStatus.inspectors_drawn:
        return _l("Name the team leader of every visit first (%(n)d without one).", n=visits_without_leader(campaign))
    return _l("The visits are handed to the teams once the inspectors are drawn, and only once.")


def open_follow_ups(campaign: Campaign) -> int:
    """How many follow-ups (后续处置) of the campaign's visits are still open."""
    from spotcheck.tenants.results.models import FollowUp, Visit  # results build on campaigns

    return db.session.scalar(sa.select(sa.func.count(FollowUp.id)).join(Visit, Visit.id == FollowUp.visit_id)
                             .where(Visit.campaign_id == campaign.id, FollowUp.closed_at.is_(None))) or 0


def _can_close(campaign: Campaign) -> bool:
    return campaign.status == CampaignStatus.published and open_follow_ups(campaign) == 0


def _close_refusal(campaign: Campaign):
    if campaign.status == CampaignStatus.published:
        return _l("A visit with an open follow-up cannot be closed (%(n)d open).", n=open_follow_ups(campaign))
    return _l("A campaign is closed once every result is published.")


def _targets_replaceable(campaign: Campaign) -> bool:
    return campaign.status == CampaignStatus.targets_drawn and stage(draw_of(campaign, "inspectors")) == "committed"


def _own(possible, *, parts: bool = False):
    """A step of a department's own campaign: not of a joint campaign, whose steps are the joint
    ones (:mod:`spotcheck.tenants.joint.lifecycle`), nor of a department's part of one, except
    where ``parts`` allows it (closing the part once its results are published)."""
    return lambda c: not c.joint and (parts or c.joint_id is None) and possible(c)


def _own_refusal(refusal):
    def why(campaign: Campaign):
        if campaign.joint or campaign.joint_id is not None:
            return _l("This is done on the joint campaign's page.")
        return refusal(campaign) if callable(refusal) else refusal

    return why


def _own_action(name, permission, possible, refusal, *, parts: bool = False) -> Action:
    return Action(name, permission, _own(possible, parts=parts), _own_refusal(refusal))


CAMPAIGN_ACTIONS = Actions(
    _own_action("edit", Permission.CAMPAIGNS_EDIT, lambda c: c.status == CampaignStatus.draft,
           _l("Only a draft campaign can change; an approved one is committed.")),
    _own_action("approve", Permission.CAMPAIGNS_APPROVE, lambda c: c.status == CampaignStatus.draft,
           _l("Only a draft campaign can be approved.")),
    _own_action("freeze_targets", Permission.CAMPAIGNS_EDIT, *_ceremony_step("targets", "committed")),
    _own_action("draw_targets", Permission.CAMPAIGNS_EDIT, *_ceremony_step("targets", "frozen")),
    _own_action("replace_target", Permission.CAMPAIGNS_EDIT, _targets_replaceable,
           _l("Targets can be replaced only after the target draw and before the inspector frame is frozen.")),
    _own_action("freeze_inspectors", Permission.CAMPAIGNS_EDIT, *_ceremony_step("inspectors", "committed")),
    _own_action("draw_inspectors", Permission.CAMPAIGNS_EDIT, *_ceremony_step("inspectors", "frozen")),
    _own_action("replace_inspector", Permission.CAMPAIGNS_EDIT, lambda c: c.status in TEAMS_OPEN,
           _l("Inspectors can be replaced only after the inspector draw.")),
    _own_action("designate_leader", Permission.CAMPAIGNS_EDIT, lambda c: c.status in TEAMS_OPEN,
           _l("The team leader is named after the inspector draw.")),
    _own_action("hand_out", Permission.CAMPAIGNS_EDIT, _can_hand_out, _hand_out_refusal),
    _own_action("close", Permission.CAMPAIGNS_EDIT, _can_close, _close_refusal, parts=True),
)

