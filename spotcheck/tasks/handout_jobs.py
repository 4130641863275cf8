"""检查任务下达 as a background job (下达作业): a campaign of thousands of visits is handed out by a
worker, never inside a request.

Asking for it is a command (:func:`submit_hand_out`) that refuses at once what the hand-out would
refuse (the campaign's state, the user's permission, a hand-out already under way) and queues the
job; the job calls the hand-out command itself, which checks everything again under its lock.
"""
from __future__ import annotations

from celery import shared_task

from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.joint import commands as joint_commands
from spotcheck.tenants.joint.policy import JOINT_ACTIONS
from spotcheck.tenants.joint.queries import get_joint
from spotcheck.tenants.results import commands as results_commands
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS


@shared_task(name="spotcheck.campaign.hand_out")
def hand_out(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        visits = results_commands.hand_out(campaign_id, actor=user, progress=progress)
        return {"campaign_id": campaign_id, "visits": len(visits)}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name="spotcheck.joint.hand_out")
def hand_out_joint(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        return {"campaign_id": campaign_id,
                "visits": joint_commands.hand_out(campaign_id, actor=user, progress=progress)}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@command(Permission.CAMPAIGNS_EDIT)
def submit_hand_out(campaign_id: int, data: dict | None = None, *, actor, locale: str = "zh_CN") -> Job:
    """Ask for the campaign's hand-out (检查任务下达) in the background; returns the job to watch."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_STEPS.require(campaign, actor, "hand_out")
    jobs.refuse_if_under_way("campaign.hand_out", campaign.id)
    return jobs.submit(hand_out, "campaign.hand_out", actor, campaign_id=campaign.id, locale=locale)


@command(Permission.JOINT_MANAGE)
def submit_joint_hand_out(campaign_id: int, data: dict | None = None, *, actor, locale: str = "zh_CN") -> Job:
    """Ask for a joint campaign's hand-out to every department (联合检查任务下达) in the background."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "hand_out")
    jobs.refuse_if_under_way("joint.hand_out", campaign.id)
    return jobs.submit(hand_out_joint, "joint.hand_out", actor, campaign_id=campaign.id, locale=locale)
