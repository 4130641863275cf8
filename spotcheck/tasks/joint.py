"""A joint campaign's background jobs (联合抽查作业): its draws, the estimate of its size before its frame
is frozen, and its hand-out to every department. The commands that queue them are the joint
domain's (:func:`spotcheck.tenants.joint.commands.submit_joint_draw`,
:func:`~spotcheck.tenants.joint.commands.request_joint_sizes`,
:func:`~spotcheck.tenants.joint.commands.submit_joint_hand_out`); each job calls the command that
does the work, which checks everything again under its lock. And the year's statistics written as a
workbook for the lead department (:func:`~spotcheck.tenants.joint.commands.submit_statistics_export`, an
export job: its file kept for the download)."""

from __future__ import annotations

from celery import shared_task

from spotcheck.core.job_models import Job
from spotcheck.tasks import jobs
from spotcheck.tasks.campaigns import inspectors_drawn, targets_drawn
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.joint import commands as joint_commands
from spotcheck.tenants.joint.vocabulary import DRAW_TASKS, HAND_OUT_TASK, SIZES_TASK, STATISTICS_TASK


@shared_task(name=DRAW_TASKS["targets"])
def draw_joint_targets(
    job_id: int,
    tenant_id: int,
    user_id: int,
    *,
    campaign_id: int,
    public_inputs: list[str],
    no_input_reason: str = "",
    locale: str = "zh_CN",
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        inputs = {"public_inputs": public_inputs, "no_input_reason": no_input_reason}
        return targets_drawn(campaign_id, joint_commands.draw_targets(campaign_id, inputs, actor=user))

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=DRAW_TASKS["inspectors"])
def draw_joint_inspectors(
    job_id: int,
    tenant_id: int,
    user_id: int,
    *,
    campaign_id: int,
    public_inputs: list[str],
    no_input_reason: str = "",
    locale: str = "zh_CN",
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        inputs = {"public_inputs": public_inputs, "no_input_reason": no_input_reason}
        return inspectors_drawn(campaign_id, joint_commands.draw_inspectors(campaign_id, inputs, actor=user))

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=SIZES_TASK)
def estimate_joint_sizes(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int) -> jobs.JobResult:
    return jobs.run_job(
        job_id,
        tenant_id,
        user_id,
        lambda job, user, progress: joint_commands.estimate_sizes(campaign_id, actor=user, progress=progress),
    )


@shared_task(name=HAND_OUT_TASK)
def hand_out_joint(
    job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return {
            "campaign_id": campaign_id,
            "visits": joint_commands.hand_out(campaign_id, actor=user, progress=progress),
        }

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=STATISTICS_TASK)
def export_joint_statistics(
    job_id: int, tenant_id: int, user_id: int, *, year: int, locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return joint_commands.run_statistics_export(year, actor=user, progress=progress)

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
