"""Approving or publishing all of a queue as a background job (批量审核、批量公示作业): "all of this
list" may be thousands of results, so a worker approves or publishes them — all or nothing, each
checked as the single step checks it —, never inside a request. The page follows the job.

Asking for it is a command (:func:`spotcheck.tenants.results.commands.submit_approval`,
:func:`~spotcheck.tenants.results.commands.submit_publication`) that checks the selection and queues
the job; the job calls the bulk command itself, which checks every row again under its lock."""

from __future__ import annotations

from celery import shared_task

from spotcheck.core.job_models import Job
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.results import commands as results_commands
from spotcheck.tenants.results.vocabulary import APPROVAL_TASK, PUBLICATION_TASK


@shared_task(name=APPROVAL_TASK)
def approve(
    job_id: int, tenant_id: int, user_id: int, *, visit_ids: list[int], locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return {"approved": len(results_commands.approve_results(visit_ids, actor=user))}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=PUBLICATION_TASK)
def publish(
    job_id: int, tenant_id: int, user_id: int, *, visit_ids: list[int], locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return {"published": len(results_commands.publish_results(visit_ids, actor=user))}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
