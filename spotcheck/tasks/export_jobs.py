"""The credit-system export as Celery jobs (信用信息导出作业).

* **Scheduled** (beat, ``export-to-credit-system``): :func:`run_exports` builds, for every
  department, a batch of the results published since the last one and delivers every batch
  waiting — a failed delivery is tried again at the next run.
* **On request** of a department administrator, as durable jobs with their progress:
  :func:`request_export` (export what is pending now, then deliver) and :func:`request_delivery`
  (deliver a batch again, 重新投递).

A batch is built in the job's own transaction (:mod:`spotcheck.tenants.exports.commands`): a
worker killed mid-batch leaves no batch, and the periodic check gives the job to another worker,
which builds it whole. Delivery follows only once the batch is committed.
"""
from __future__ import annotations

from celery import shared_task

from spotcheck.core.commands import after_commit, command
from spotcheck.core.policy import SCHEDULER, Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.exports import commands as exports, policy as export_policy, queries as export_queries


@shared_task(name="spotcheck.exports.run")
def run_exports() -> dict:
    """Every ``SPOTCHECK_EXPORT_SECONDS`` (beat): build and deliver every department's batches."""
    return exports.export_due(SCHEDULER)


def _export(job, user, progress) -> dict:
    batch = exports.export_now(actor=user, progress=progress)
    after_commit(lambda: exports.deliver_waiting(user, exports.deliver_now))  # once the batch is committed
    if batch is None:
        return {"batch_id": None, "number": None, "records": 0}
    return {"batch_id": batch.id, "number": batch.number, "records": batch.records,
            "manifest_sha256": batch.manifest_sha256}


@shared_task(name="spotcheck.exports.export")
def export_pending(job_id: int, tenant_id: int, user_id: int, locale: str = "zh_CN") -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _export, locale=locale)


@shared_task(name="spotcheck.exports.deliver")
def deliver_batch(job_id: int, tenant_id: int, user_id: int, *, batch_id: int, locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        attempt = exports.deliver_now(batch_id, actor=user, progress=progress)
        return {"batch_id": batch_id, "delivered": attempt.ok, "error": attempt.error, "target": attempt.target}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@command(Permission.EXPORTS_MANAGE)
def request_export(*, actor, locale: str = "zh_CN") -> Job:
    """Export the department's pending published results now, in the background; returns the job."""
    return jobs.submit(export_pending, "exports.export", actor, locale=locale)


@command(Permission.EXPORTS_MANAGE)
def request_delivery(batch_id: int, data=None, *, actor, locale: str = "zh_CN") -> Job:
    """Deliver a batch (again) in the background: the same files under the same number."""
    batch = export_queries.get_batch(batch_id)
    export_policy.ensure_deliverable(batch)
    return jobs.submit(deliver_batch, "exports.deliver", actor, batch_id=batch.id, locale=locale)
