"""Approving or publishing all of a queue as a background job (批量审核、批量公示作业): "all of this
list" may be thousands of results, so a worker approves or publishes them — all or nothing, each
checked as the single step checks it —, never inside a request. The page follows the job.

Asking for it is a command that checks the selection and queues the job; the job calls the bulk
command itself, which checks every row again under its lock."""
from __future__ import annotations

from celery import shared_task

from spotcheck.core import bulk
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.results import commands as results_commands

#: The job kinds (their names are in the vocabulary's job labels).
APPROVAL, PUBLICATION = "results.approve", "results.publish"


@shared_task(name="spotcheck.results.approve")
def approve(job_id: int, tenant_id: int, user_id: int, *, visit_ids: list[int], locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        return {"approved": len(results_commands.approve_results(visit_ids, actor=user))}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name="spotcheck.results.publish")
def publish(job_id: int, tenant_id: int, user_id: int, *, visit_ids: list[int], locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        return {"published": len(results_commands.publish_results(visit_ids, actor=user))}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@command(Permission.RESULTS_REVIEW)
def submit_approval(visit_ids: list[int], data: dict | None = None, *, actor, locale: str = "zh_CN") -> Job:
    """Ask for the approval of many results at once in the background; returns the job to watch."""
    return jobs.submit(approve, APPROVAL, actor, visit_ids=bulk.require_selection(visit_ids), locale=locale)


@command(Permission.RESULTS_PUBLISH)
def submit_publication(visit_ids: list[int], data: dict | None = None, *, actor, locale: str = "zh_CN") -> Job:
    """Ask for the publication of many results at once in the background; returns the job to watch."""
    return jobs.submit(publish, PUBLICATION, actor, visit_ids=bulk.require_selection(visit_ids), locale=locale)
