"""The periodic check of the jobs (作业巡检, Celery beat every minute): a job the broker lost (queued too
long) or whose run gave no sign of life for a lease (its worker died or hangs) is queued again; one
tried too often ends failed, saying so. On PostgreSQL the silent run's database session is ended
first (:func:`~spotcheck.tasks.job_sessions.end_silent_sessions`): a hung worker's open transaction
and every lock it holds — the job's row, a document-number counter, a department's audit chain — go
with it. That is why a hung export once stayed "running" through every check: it had written an audit
entry, so held its department's audit chain; the first check blocked on that chain while holding the
job's row, and the later checks skipped the locked row. A chain still held by a session the check
could not end leaves only that job for the next check."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from celery import shared_task
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, clock, jobs as core_jobs, storage
from spotcheck.core.actor import Actor
from spotcheck.core.commands import after_commit, command
from spotcheck.core.database import db, local_setting
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import SCHEDULER, Permission
from spotcheck.core.scoping import system_access
from spotcheck.tasks import jobs
from spotcheck.tasks.job_sessions import end_silent_sessions, silent

log = logging.getLogger(__name__)

#: What a user reads when a job could not be run after several tries.
ABANDONED = _l("The job could not be run: the background service did not take it after several tries. Try again later.")


@command(Permission.PLATFORM_MAINTAIN)
def sweep(*, actor: Actor) -> dict:
    """Queue again the jobs the broker lost (queued too long) or whose worker died (running with no
    sign of life for a lease); end as failed those tried too often. Every decision is audited in
    the job's department."""
    moment = clock.now()
    queued_limit = timedelta(seconds=jobs.int_setting("SPOTCHECK_JOB_QUEUED_SECONDS", 300))
    most = jobs.int_setting("SPOTCHECK_JOB_MAX_DISPATCHES", 5)
    counts = {"requeued": 0, "abandoned": 0, "held": 0}
    with system_access("find and restart the stalled jobs of every department"):
        counts["sessions_ended"] = end_silent_sessions(moment, jobs.lease())
        stalled = db.session.scalars(
            sa.select(Job)
            .where(
                sa.or_(
                    sa.and_(
                        Job.status == JobStatus.queued,
                        sa.or_(Job.dispatched_at.is_(None), Job.dispatched_at < moment - queued_limit),
                    ),
                    silent(moment, jobs.lease()),
                )
            )
            .order_by(Job.id)
            .with_for_update(skip_locked=True)
        ).all()
        for job in stalled:
            if not _audit_chain_free(job):
                counts["held"] += 1
                continue
            was = job.status.value
            if job.dispatches >= most or not job.task:
                jobs.abandon(job, str(ABANDONED), moment)
                counts["abandoned"] += 1
                audit.record(
                    "job.abandoned",
                    "job",
                    job.id,
                    actor=actor,
                    tenant_id=job.tenant_id,
                    details={"kind": job.kind, "was": was, "dispatches": job.dispatches},
                )
                continue
            jobs.requeue(job, moment)
            counts["requeued"] += 1
            audit.record(
                "job.requeued",
                "job",
                job.id,
                actor=actor,
                tenant_id=job.tenant_id,
                details={"kind": job.kind, "was": was, "dispatches": job.dispatches},
            )

            def dispatch_again(j: Job = job) -> bool:
                return jobs.dispatch(j.task, j.id, j.tenant_id, j.created_by_id, dict(j.params or {}))

            after_commit(dispatch_again)
        db.session.flush()
    return counts


@shared_task(name="spotcheck.jobs.sweep")
def sweep_jobs() -> dict:
    """Every minute (beat): queue again the jobs the broker lost or whose worker died."""
    return sweep(actor=SCHEDULER)


#: How long the periodic check waits for a department's audit chain before leaving its job for later.
CHAIN_WAIT = "5s"


def _audit_chain_free(job: Job) -> bool:
    """Whether the job's department's audit chain can be written now (PostgreSQL: within a few
    seconds): a session the check could not end may hold it, and the check must not wait on it —
    the job is left for the next check, the others go on."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    try:
        with db.session.begin_nested(), local_setting("lock_timeout", CHAIN_WAIT):
            audit.hold_chain(job.tenant_id)
    except sa.exc.OperationalError:
        log.warning("job %s: its department's audit chain is held by another session; left for the next check", job.id)
        return False
    return True


@command(Permission.PLATFORM_MAINTAIN)
def forget_files(data: dict[str, Any] | None = None, *, actor: Actor) -> int:
    """Delete the exports' files kept past their time (导出文件到期删除, :func:`spotcheck.core.jobs.kept_until`), in
    every department, each audited in its department; the job stays, saying its file is gone. Returns how many."""
    moment, forgotten = clock.now(), 0
    with system_access("delete the export files kept past their time, in every department"):
        done = db.session.scalars(
            sa.select(Job)
            .where(
                Job.kind.startswith(core_jobs.EXPORT_PREFIX),
                Job.status == JobStatus.succeeded,
                Job.finished_at <= moment - core_jobs.kept_for(),
            )
            .order_by(Job.id)
            .with_for_update(skip_locked=True)
        ).all()
        for job in done:
            result = dict(job.result or {})
            if not result.get("key"):
                continue
            storage.delete_after_commit(result["key"])
            job.result = {**result, "key": None, "forgotten_at": moment.isoformat()}
            audit.record(
                "job.file_deleted",
                "job",
                job.id,
                actor=actor,
                tenant_id=job.tenant_id,
                details={"kind": job.kind, "file": result.get("file"), "hours": core_jobs.kept_hours()},
            )
            forgotten += 1
    return forgotten


@shared_task(name="spotcheck.jobs.forget_files")
def forget_export_files() -> int:
    """Every hour (beat): delete the exports' files kept past their time (:func:`forget_files`)."""
    return forget_files(actor=SCHEDULER)
