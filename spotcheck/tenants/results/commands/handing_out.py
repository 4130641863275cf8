"""检查任务下达 of a campaign, as commands: the visits handed to their teams (the rules:
:data:`spotcheck.tenants.results.policy.CAMPAIGN_STEPS`; its closing, 办结, is in :mod:`.closing`)."""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa

from spotcheck.core import audit, events, jobs, statistics
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import transitions
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, CampaignTarget, TargetStatus
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.results import codes, deadlines
from spotcheck.tenants.results.commands._visits import locked_campaign
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS
from spotcheck.tenants.results.vocabulary import HAND_OUT_TASK

#: Visits written at a time between two reports of progress.
CHUNK = 500


class Progress(Protocol):
    """What hears of a hand-out's progress: the per cent done, and the visits written of the total."""

    def __call__(self, percent: int, done: int | None = None, total: int | None = None) -> None: ...


@command(Permission.CAMPAIGNS_EDIT)
def hand_out(
    campaign_id: int, data: object = None, *, actor: Actor, progress: Progress = lambda *p, **k: None
) -> list[Visit]:
    """检查任务下达: a visit for every selected target, each with its team and 组长 and, where the
    inspection may lawfully take place, its codes (:mod:`spotcheck.tenants.results.codes`); the campaign
    is then ``notified`` and its teams may record results. ``progress`` hears of every chunk written
    (the job's figures)."""
    campaign = locked_campaign(campaign_id)
    CAMPAIGN_STEPS.require(campaign, actor, "hand_out")
    targets = db.session.scalars(
        sa.select(CampaignTarget)
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
        .order_by(CampaignTarget.stratum, CampaignTarget.rank)
    ).all()
    visits = []
    progress(0, done=0, total=len(targets))
    for start in range(0, len(targets), CHUNK):
        chunk = [
            Visit(campaign_id=campaign.id, entity_id=target.entity_id) for target in targets[start : start + CHUNK]
        ]
        db.session.add_all(chunk)
        db.session.flush()
        visits += chunk
        progress(int(95 * len(visits) / len(targets)), done=len(visits), total=len(targets))
    if campaign.registered_late:  # 事后登记: the check was made on its day, and its results are due from it
        for visit in visits:
            visit.checked_on = visit.checked_until = campaign.window_start
            deadlines.give(visit, campaign.window_start)
    coded = codes.issue(visits, today())
    transitions.move(campaign, CampaignStatus.notified, actor=actor, by="results.hand_out")
    db.session.flush()
    audit.record(
        "campaign.handed_out", "campaign", campaign.id, actor=actor, details={"visits": len(visits), "codes": coded}
    )
    statistics.refresh_after_commit("visit", "inspection_code", rows=len(visits))
    events.emit("campaign.handed_out", actor=actor, campaign=campaign)
    return visits


@events.subscribe("team.member_replaced")
def _codes_once_the_team_may_go(*, actor: Actor, campaign: Campaign, entity_id: int) -> None:
    """A visit handed out without its codes (a member's enforcement certificate had lapsed) gets them
    once a replacement leaves its team all certified (没有检查码，企业有权拒绝检查)."""
    visit = db.session.scalar(sa.select(Visit).where(Visit.campaign_id == campaign.id, Visit.entity_id == entity_id))
    if visit is not None and visit.code is None and codes.issue([visit], today()):
        audit.record("visit.codes_issued", "visit", visit.id, actor=actor)


@command(Permission.CAMPAIGNS_EDIT)
def submit_hand_out(campaign_id: int, data: dict | None = None, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Ask for the campaign's hand-out (检查任务下达) in the background; returns the job to watch.
    Refused at once for what the hand-out would refuse (the campaign's state, the user's permission,
    a hand-out already under way); the job calls :func:`hand_out`, which checks it all again."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_STEPS.require(campaign, actor, "hand_out")
    jobs.refuse_if_under_way("campaign.hand_out", campaign.id)
    return jobs.submit(HAND_OUT_TASK, "campaign.hand_out", actor, campaign_id=campaign.id, locale=locale)
