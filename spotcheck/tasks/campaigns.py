"""A campaign's draws and hand-out as background jobs (抽取作业、下达作业).

Asking for a draw is a command (:func:`spotcheck.tenants.campaigns.commands.submit_draw`): it checks
the observers' inputs (with none, that the reason for drawing without them is given) and, with the
campaign row locked, that the draw may be made now and that no draw of that kind is already under
way — so a second request is refused at once (409) — and queues the job. The job calls the
ceremony's draw command, which locks the campaign and its draw row and refuses again if another
request drew first. The job's result holds the seed and the counts.

A campaign of thousands of visits is handed out (检查任务下达) by a worker, never inside a request:
:func:`spotcheck.tenants.results.commands.submit_hand_out` refuses at once what the hand-out would
refuse and queues :func:`hand_out`, which calls the hand-out command itself (it checks everything
again under its lock).
"""

from __future__ import annotations

from celery import shared_task

from spotcheck.core.job_models import Job
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.campaigns.vocabulary import DRAW_TASKS
from spotcheck.tenants.results import commands as results_commands
from spotcheck.tenants.results.vocabulary import HAND_OUT_TASK


def _drawn(kind: str, campaign_id: int, record: Draw) -> jobs.JobResult:
    """What every draw job reports: the seed and the public inputs."""
    proof = record.proof
    assert proof is not None  # a draw just made carries its proof
    return {
        "campaign_id": campaign_id,
        "campaign": proof["campaign"],
        "kind": kind,
        "seed": record.seed,
        "public_inputs": len(record.public_inputs or []),
    }


def targets_drawn(campaign_id: int, record: Draw) -> jobs.JobResult:
    """What a draw of the targets reports (抽取检查对象): its seed and the counts of its proof, by stratum
    (a joint campaign's alike)."""
    proof = record.proof
    assert proof is not None  # a draw just made carries its proof
    return {
        **_drawn("targets", campaign_id, record),
        "selected": sum(len(ids) for strata in proof["selected"].values() for ids in strata.values()),
        "reserves": sum(len(ids) for strata in proof["reserves"].values() for ids in strata.values()),
        "strata": {
            f"{group}/{stratum}": len(ids)
            for group, strata in proof["selected"].items()
            for stratum, ids in strata.items()
        },
    }


def inspectors_drawn(campaign_id: int, record: Draw) -> jobs.JobResult:
    """What a draw of the inspectors reports (抽取检查人员): its seed and its teams and members (a joint
    campaign's alike)."""
    proof = record.proof
    assert proof is not None  # a draw just made carries its proof
    return {
        **_drawn("inspectors", campaign_id, record),
        "teams": len(proof["teams"]),
        "members": sum(len(team) for team in proof["teams"].values()),
    }


@shared_task(name=DRAW_TASKS["targets"])
def draw_targets(
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
        return targets_drawn(campaign_id, campaign_commands.draw_targets(campaign_id, inputs, actor=user))

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=DRAW_TASKS["inspectors"])
def draw_inspectors(
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
        return inspectors_drawn(campaign_id, campaign_commands.draw_inspectors(campaign_id, inputs, actor=user))

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=HAND_OUT_TASK)
def hand_out(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, locale: str = "zh_CN") -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        visits = results_commands.hand_out(campaign_id, actor=user, progress=progress)
        return {"campaign_id": campaign_id, "visits": len(visits)}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
