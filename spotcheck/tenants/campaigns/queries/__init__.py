"""Reading campaigns (抽查任务查询): the department's campaigns, one campaign, its draws and teams,
what a reader may do with it now and why not, and the reader's to-dos.

Works in the current tenant scope. The drawn targets a page at a time are in :mod:`.targets`, what
the public sees in :mod:`.public`.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.core.todo import Task
from spotcheck.tenants.campaigns import named, redaction
from spotcheck.tenants.campaigns.checking import check_plan, clean_campaign
from spotcheck.tenants.campaigns.draw_stages import draw_of, stage
from spotcheck.tenants.campaigns.in_force import rules_of  # a campaign's rules, read by the pages
from spotcheck.tenants.campaigns.models import (  # also the domain's nouns, for the pages' annotations
    Campaign as Campaign,
    CampaignTarget as CampaignTarget,
    Draw as Draw,
    TeamExpert as TeamExpert,
    TeamMember as TeamMember,
)
from spotcheck.tenants.campaigns.named import NamedDraft as NamedDraft  # what named_draft reads, for the pages
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.team_gaps import (
    leaders_without_account as leaders_without_account,
    visits_without_leader,
)
from spotcheck.tenants.campaigns.vocabulary import DRAW_KINDS, CampaignStatus

#: The actions of a campaign that are somebody's next step (editing a draft is always possible: not a task).
NEXT_STEPS = (
    "approve",
    "freeze_targets",
    "draw_targets",
    "freeze_inspectors",
    "draw_inspectors",
    "designate_leader",
    "hand_out",
    "close",
)
#: The states in which a campaign may wait for a next step.
_WAITING = (
    CampaignStatus.draft,
    CampaignStatus.approved,
    CampaignStatus.targets_drawn,
    CampaignStatus.inspectors_drawn,
    CampaignStatus.notified,
    CampaignStatus.in_progress,
    CampaignStatus.published,
)


def list_campaigns(year: int | None = None) -> list[Campaign]:
    """The department's campaigns, newest first: its own and its parts of joint campaigns (the joint
    campaigns it leads are listed with the joint campaigns)."""
    query_ = sa.select(Campaign).where(Campaign.joint.is_(False)).order_by(Campaign.id.desc())
    if year:
        query_ = query_.where(Campaign.year == year)
    return list(db.session.scalars(query_))


def get_campaign(campaign_id: int, *, for_update: bool = False) -> Campaign:
    """The campaign (``for_update``: locked, and read afresh — inside a command)."""
    query_ = sa.select(Campaign).where(Campaign.id == campaign_id)
    if for_update:
        query_ = query_.with_for_update(of=Campaign).execution_options(populate_existing=True)
    campaign = db.session.scalar(query_)
    if campaign is None:
        raise NotFoundError(_l("No such campaign."))
    return campaign


def named_draft(campaign: Campaign) -> NamedDraft | None:
    """A draft check of named businesses as the leader approving it reads it: each business by its name beside
    its code, its cause, and its checks this year against the yearly cap (``None`` for any other campaign)."""
    if not campaign.named or campaign.status != CampaignStatus.draft:
        return None
    return named.draft(campaign, rules_of(campaign))


def draw(campaign: Campaign, kind: str) -> Draw | None:
    """The campaign's draw of ``kind`` (``None`` before it is committed)."""
    return draw_of(campaign, kind)


def draws(campaign: Campaign) -> dict[str, Draw | None]:
    """The campaign's draws by kind (``None``: not committed yet)."""
    return {kind: draw_of(campaign, kind) for kind in DRAW_KINDS}


def draw_stage(campaign: Campaign, kind: str) -> str | None:
    """``committed``, ``frozen`` or ``drawn`` (``None``: not committed)."""
    return stage(draw_of(campaign, kind))


def ready_to_draw(campaign: Campaign, kind: str) -> Draw:
    """Refuse at once what the draw commands would refuse, so a draw request that cannot succeed (a
    second draw above all) is answered before a job is queued."""
    CAMPAIGN_ACTIONS.check_state(campaign, f"draw_{kind}")
    return cast(Draw, draw_of(campaign, kind))  # the draw step is possible: committed


def list_team_members(campaign: Campaign) -> list[TeamMember]:
    """Every team member of the campaign, replaced ones included, in pick order per visit."""
    return list(
        db.session.scalars(
            sa.select(TeamMember)
            .where(TeamMember.campaign_id == campaign.id)
            .order_by(TeamMember.entity_id, TeamMember.position, TeamMember.id)
        )
    )


def inspectors_on_teams(campaign: Campaign) -> list[tuple[int, str, str, int]]:
    """Each inspector on an active team of the campaign — id, name, certificate number and the number
    of their visits — by name (the choice of whom to replace at every visit)."""
    return [
        (row[0], row[1], row[2], row[3])
        for row in db.session.execute(
            sa.select(TeamMember.inspector_id, TeamMember.inspector_name, TeamMember.cert_no, sa.func.count())
            .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
            .group_by(TeamMember.inspector_id, TeamMember.inspector_name, TeamMember.cert_no)
            .order_by(TeamMember.inspector_name, TeamMember.cert_no)
        )
    ]


def tasks_for(reader: Actor, limit: int = 20) -> list[Task]:
    """The reader's to-dos (待办) among the department's campaigns: the next steps their actions
    allow (the same rules as the commands). A campaign whose teams are drawn waits for team leaders
    only while some visit has none."""
    found: list[Task] = []
    for campaign in db.session.scalars(
        sa.select(Campaign).where(Campaign.status.in_(_WAITING)).order_by(Campaign.id.desc()).limit(limit)
    ):
        allowed = CAMPAIGN_ACTIONS.allowed(campaign, reader) & set(NEXT_STEPS)
        if "designate_leader" in allowed and not visits_without_leader(campaign):
            allowed = allowed - {"designate_leader"}  # every team has its leader: not a next step
        if allowed:
            found.append(Task("campaign", campaign, frozenset(allowed)))
    return found[:limit]


@query(Permission.DRAWS_REDACT)
def old_proofs(*, reader: Actor) -> list[redaction.Finding]:
    """The department's proofs drawn before blinding still served whole, each examined (:func:`redaction.examine`):
    what :func:`~spotcheck.tenants.campaigns.commands.redaction.redact_old_proofs` would withdraw, for its dry run."""
    return redaction.old_proofs()


@query(Permission.CAMPAIGNS_EDIT)
def draft_problems(data: dict, *, reader: Actor) -> dict[str, list]:
    """What drafting ``data`` would be refused for, every field at once, without saving anything:
    the page shows them beside the form's own errors, never one after the other."""
    clean, errors = clean_campaign(data)
    check_plan(clean, errors)
    return errors
