"""The credit-system export as Celery jobs (信用信息导出作业).

* **Scheduled** (beat, ``export-to-credit-system``): :func:`run_exports` builds, for every
  department, a batch of the results published since the last one and delivers every batch
  waiting — a failed delivery is tried again at the next run.
* **On request** of a department administrator, as durable jobs with their progress: the commands
  :func:`~spotcheck.tenants.exports.commands.request_export` (export what is pending now, then
  deliver) and :func:`~spotcheck.tenants.exports.commands.request_delivery` (deliver a batch again,
  重新投递) queue :func:`export_pending` and :func:`deliver_batch`.

A batch is built in the job's own transaction (:mod:`spotcheck.tenants.exports.commands`): a
worker killed mid-batch leaves no batch, and the periodic check gives the job to another worker,
which builds it whole. Delivery follows only once the batch is committed.
"""

from __future__ import annotations

from celery import shared_task

from spotcheck.core.commands import after_commit
from spotcheck.core.job_models import Job
from spotcheck.core.policy import SCHEDULER
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.exports import commands as exports
from spotcheck.tenants.exports.vocabulary import DELIVER_TASK, EXPORT_TASK, RUN_TASK


@shared_task(name=RUN_TASK)
def run_exports() -> dict[str, int]:
    """Every ``SPOTCHECK_EXPORT_SECONDS`` (beat): build and deliver every department's batches."""
    return exports.export_due(SCHEDULER)


def _export(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
    batch = exports.export_now(actor=user, progress=progress)
    after_commit(lambda: exports.deliver_waiting(user, exports.deliver_now))  # once the batch is committed
    if batch is None:
        return {"batch_id": None, "number": None, "records": 0}
    return {
        "batch_id": batch.id,
        "number": batch.number,
        "records": batch.records,
        "manifest_sha256": batch.manifest_sha256,
    }


@shared_task(name=EXPORT_TASK)
def export_pending(job_id: int, tenant_id: int, user_id: int, locale: str = "zh_CN") -> jobs.JobResult:
    return jobs.run_job(job_id, tenant_id, user_id, _export, locale=locale)


@shared_task(name=DELIVER_TASK)
def deliver_batch(job_id: int, tenant_id: int, user_id: int, *, batch_id: int, locale: str = "zh_CN") -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        attempt = exports.deliver_now(batch_id, actor=user, progress=progress)
        return {"batch_id": batch_id, "delivered": attempt.ok, "error": attempt.error, "target": attempt.target}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
