"""Running a job: create it in the user's tenant, hand it to Celery, track its progress."""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.clock import now
from spotcheck.core.errors import NotFound
from spotcheck.core.database import db
from spotcheck.tasks.models import Job, JobStatus
from spotcheck.tenants.models import User
from spotcheck.core.scoping import tenant_scope


def submit(task, kind: str, user: User, **params) -> Job:
    """Create a job of the current tenant, commit it, and queue ``task(job_id, tenant_id, user_id, **params)``.

    In embedded mode (tasks run eagerly) the job runs inside this call; its failure is recorded on
    the job (:func:`run_job`), which is returned and shown like any other, not raised."""
    job = Job(kind=kind, created_by_id=user.id, tenant_id=user.tenant_id)
    db.session.add(job)
    db.session.flush()
    audit.record("job.submitted", "job", job.id, actor=user, tenant_id=user.tenant_id, details={"kind": kind})
    db.session.commit()
    job_id, tenant_id, user_id = job.id, user.tenant_id, user.id
    try:
        task.delay(job_id, tenant_id, user_id, **params)
    except Exception:
        if not current_app.config["CELERY"].get("task_always_eager"):
            raise
        current_app.logger.exception("%s job failed", kind)
        db.session.rollback()
    return db.session.get(Job, job_id)


def get_job(job_id: int) -> Job:
    job = db.session.scalar(sa.select(Job).where(Job.id == job_id))
    if job is None:
        raise NotFound(_l("No such job."))
    return job


def list_jobs(limit: int = 20) -> list[Job]:
    return list(db.session.scalars(sa.select(Job).order_by(Job.id.desc()).limit(limit)))


def run_job(job_id: int, tenant_id: int, user_id: int, work: Callable[[Job, User, Callable[[int], None]], dict]) -> dict:
    """Run ``work`` for a job inside its tenant's scope, recording progress, result or failure."""
    with tenant_scope(tenant_id):
        job = get_job(job_id)
        user = db.session.scalar(sa.select(User).where(User.id == user_id))
        job.status, job.started_at = JobStatus.running, now()
        db.session.commit()

        def progress(percent: int) -> None:
            job.progress = max(0, min(100, int(percent)))
            db.session.commit()

        try:
            result = work(job, user, progress)
        except Exception as exc:  # the job records the failure; the worker logs the traceback
            db.session.rollback()
            job = get_job(job_id)
            job.status, job.error, job.finished_at = JobStatus.failed, str(exc)[:2000], now()
            audit.record("job.failed", "job", job.id, actor=user, details={"kind": job.kind})
            db.session.commit()
            raise
        job.status, job.result, job.progress, job.finished_at = JobStatus.succeeded, result, 100, now()
        audit.record("job.succeeded", "job", job.id, actor=user, details={"kind": job.kind})
        db.session.commit()
        return result
