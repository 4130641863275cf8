"""Durable background jobs (后台作业): each runs exactly once, whatever the broker or a worker does.

* **Submitting** is part of a command (:func:`spotcheck.core.jobs.submit`): the job row — with the
  task to run and its arguments — is written in the command's transaction and handed to Celery
  (:func:`dispatch`, the dispatcher registered at start-up) only after that transaction commits. If
  the broker cannot take it then, the job simply stays *queued*.
* **Running** (:func:`run_job`) first *claims* the job: one UPDATE moves it from queued to running
  and numbers the run (``attempt``). A message delivered twice finds the job taken or finished and
  does nothing. The work and the job's outcome are committed in one transaction, and the outcome
  is written only if this run still holds the job: a run that lost it (its worker was taken for
  dead) undoes its work.
* **A periodic check** (:mod:`~spotcheck.tasks.job_sweep`) queues again a job the broker lost or
  whose run went silent for a lease, first ending that run's database session and its locks
  (:func:`requeue`), or ends it failed when tried too often (:func:`abandon`).
* **A lost database connection** costs seconds, not a lease: the run gives its job back to the
  queue as soon as the database answers again (:func:`_give_back`).

A refusal by a command ends the job *failed* with the refusal in the user's language; any other
error ends it with a general message, the details going to the log only.

A job's status (作业状态) is written in this module only, the periodic check's moves included.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

import sqlalchemy as sa
from celery import Celery, current_app as celery_app
from flask import current_app as flask_app, has_app_context
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy.orm import Session

from spotcheck.core import audit, clock, settings
from spotcheck.core.commands import after_commit, after_rollback, unit_of_work
from spotcheck.core.database import changed, db, is_unreachable
from spotcheck.core.errors import ServiceError, user_message
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.jobs import get_job, progress_file
from spotcheck.core.scoping import tenant_scope
from spotcheck.tasks import job_sessions
from spotcheck.tenants.accounts.models import User

log = logging.getLogger(__name__)


class Progress(Protocol):
    """What a job's work calls to report its progress: per cent, and items done of the total when it counts them."""

    def __call__(self, percent: int, done: int | None = None, total: int | None = None) -> None: ...


#: What a job's work returns: its result (JSON, kept on the job); a batched work's ``remaining`` among it.
JobResult = dict[str, object]
#: A job's work: ``work(job, user, progress)`` (:func:`run_job`).
Work = Callable[[Job, User, Progress], JobResult]

#: What a user reads when a job failed for a reason that is not theirs (the log has the details).
INTERNAL_ERROR = _l(
    "The job failed because of an internal error. Try again; if it fails again, tell your administrator (job %(id)s)."
)


class SupersededError(Exception):
    """This run no longer holds the job (it was taken for dead and the job given to another run)."""


def dispatch(task_name: str, job_id: int, tenant_id: int | None, user_id: int | None, params: dict) -> bool:
    """Hand a job to the broker (embedded mode: run it now). False when that failed: the job stays
    queued and the periodic check tries again."""
    try:
        _celery().tasks[task_name].apply_async(args=(job_id, tenant_id, user_id), kwargs=params)
    except Exception:  # the broker is down, or (embedded) the job failed: the job row says which
        log.exception("job %s (%s) not handed over or failed at once", job_id, task_name)
        return False
    return True


def dispatch_plain(task_name: str) -> bool:
    """Start a task that is not a job (the sender): once per transaction, after it commits; a
    broker that cannot take it now is no loss (the beat runs it every minute)."""
    info = db.session.info
    if info.get(("queued", task_name)):
        return False
    info[("queued", task_name)] = True

    def start() -> None:
        info.pop(("queued", task_name), None)
        try:
            _celery().tasks[task_name].apply_async()
        except Exception:
            log.exception("task %s not handed over", task_name)

    after_commit(start)
    after_rollback(lambda: info.pop(("queued", task_name), None))
    return True


def _celery() -> Celery:
    """The Celery app of the running application (each app has its own broker settings)."""
    if has_app_context() and "celery" in flask_app.extensions:
        return flask_app.extensions["celery"]
    return celery_app


# --- running a job ------------------------------------------------------------------------------


def int_setting(name: str, default: int) -> int:
    value = settings.get(name)
    return default if value is None else int(value)


def lease() -> timedelta:
    """How long a run may stay silent before its job is taken for lost (租约)."""
    return timedelta(seconds=int_setting("SPOTCHECK_JOB_LEASE_SECONDS", 900))


def _claim(job_id: int) -> int | None:
    """Take the job for this run: queued, or running without a sign of life for a whole lease.
    Returns the run's number, or None when the job is done or held by a live run."""
    moment = clock.now()
    with unit_of_work():
        taken = changed(
            db.session.execute(
                sa.update(Job)
                .where(Job.id == job_id, sa.or_(Job.status == JobStatus.queued, job_sessions.silent(moment, lease())))
                .values(
                    status=JobStatus.running,
                    attempt=Job.attempt + 1,
                    heartbeat_at=moment,
                    started_at=sa.func.coalesce(Job.started_at, moment),
                )
                .execution_options(synchronize_session=False)
            )
        )
        attempt = db.session.scalar(sa.select(Job.attempt).where(Job.id == job_id)) if taken else None
    return attempt


def _settle(job_id: int, attempt: int, **values: object) -> bool:
    """Write the job's outcome if this run still holds it."""
    return (
        changed(
            db.session.execute(
                sa.update(Job)
                .where(Job.id == job_id, Job.attempt == attempt, Job.status == JobStatus.running)
                .values(finished_at=clock.now(), **values)
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    )


#: Told of each progress report a job makes, once it is written: ``listener(job_id, percent)``. A hook
#: point (进度监听) that nothing in spotcheck fills; a test's worker may (``SPOTCHECK_TEST_MODULES``).
PROGRESS_LISTENERS: list[Callable[[int, int], None]] = []


class _Progress:
    """Progress (per cent, and items done of the total when the job counts them) and a sign of life,
    written beside the job's transaction (which stays whole). SQLite allows one writer at a time,
    and the job holds it: there the figures go to a small file the pages read
    (:func:`_progress_file`) until the job ends."""

    def __init__(self, job_id: int, attempt: int):
        self.job_id, self.attempt = job_id, attempt
        self.total: int | None = None

    def __call__(self, percent: int, done: int | None = None, total: int | None = None) -> None:
        values = {"progress": max(0, min(100, int(percent))), "items_done": done, "items_total": total}
        self.total = total if total is not None else self.total
        if db.engine.dialect.name == "sqlite":
            path = progress_file(self.job_id, self.attempt)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(".partial")
                partial.write_text(json.dumps(values))
                partial.replace(path)
        else:
            with Session(db.engine) as side:
                side.execute(
                    sa.update(Job)
                    .where(Job.id == self.job_id, Job.attempt == self.attempt)
                    .values(**values, heartbeat_at=clock.now())
                    .execution_options(synchronize_session=False)
                )
                side.commit()
        for listener in PROGRESS_LISTENERS:
            listener(self.job_id, percent)

    def finished(self) -> dict[str, int]:
        """The figures a job that succeeded ends with: all its items done."""
        return {"progress": 100, **({"items_done": self.total, "items_total": self.total} if self.total else {})}

    def forget(self) -> None:
        path = progress_file(self.job_id, self.attempt)
        if path is not None:
            path.unlink(missing_ok=True)


#: Between two batches of a job on SQLite, how long the job waits before taking the write lock again:
#: longer than a waiting writer's busy handler sleeps between its tries (at most 0.1 s), so a sign-in
#: or a result saved meanwhile gets its turn instead of waiting out the busy timeout and failing.
BATCH_PAUSE_SECONDS = 0.25


def _let_writers_in() -> None:
    if db.session.get_bind().dialect.name == "sqlite":
        time.sleep(BATCH_PAUSE_SECONDS)


def _give_back(job_id: int, attempt: int, user_id: int) -> bool:
    """The run lost its database connection (数据库连接中断): once the database answers again, queue the
    job again and hand it to the broker — seconds after a blip, not a lease. False when the run no
    longer held the job (another run has it, or the sweep ended its session)."""

    def release() -> sa.Row[str, str, int, int | None, dict[str, Any]] | None:
        with unit_of_work():
            moment = clock.now()
            released = changed(
                db.session.execute(
                    sa.update(Job)
                    .where(Job.id == job_id, Job.attempt == attempt, Job.status == JobStatus.running)
                    .values(
                        status=JobStatus.queued,
                        dispatches=Job.dispatches + 1,
                        dispatched_at=moment,
                        heartbeat_at=None,
                        run_backend_pid=None,
                        run_backend_started_at=None,
                    )
                    .execution_options(synchronize_session=False)
                )
            )
            if not released:
                return None
            job = db.session.execute(
                sa.select(Job.kind, Job.task, Job.tenant_id, Job.created_by_id, Job.params).where(Job.id == job_id)
            ).one()
            actor = db.session.scalar(sa.select(User).where(User.id == user_id))  # the old session is gone
            audit.record("job.given_back", "job", job_id, actor=actor, details={"kind": job.kind, "attempt": attempt})
            return job

    try:
        job = job_sessions.when_reachable(release, lease())
    except Exception:
        log.exception("job %s: the database did not come back within a lease; the periodic check takes it", job_id)
        return False
    if job is None:
        log.warning(
            "job %s: run %s lost its connection and no longer holds the job; it committed nothing more", job_id, attempt
        )
        return False
    log.warning("job %s: run %s lost its database connection; the job is queued again", job_id, attempt)
    dispatch(job.task, job_id, job.tenant_id, job.created_by_id, dict(job.params or {}))
    return True


def requeue(job: Job, moment: datetime) -> None:
    """The periodic check queues ``job`` again at ``moment`` (the broker lost it, or its run went silent): one
    more dispatch. The check locked the row and audits its decision."""
    job.status, job.dispatches, job.dispatched_at = JobStatus.queued, job.dispatches + 1, moment


def abandon(job: Job, error: str, moment: datetime) -> None:
    """The periodic check ends ``job`` failed at ``moment``, saying why (``error``): tried too often, or no task
    to run. The check locked the row and audits its decision."""
    job.status, job.error, job.finished_at = JobStatus.failed, error, moment


def run_job(
    job_id: int,
    tenant_id: int,
    user_id: int,
    work: Work,
    *,
    locale: str | None = None,
    batches: bool = False,
) -> JobResult:
    """Run ``work(job, user, progress)`` for a job, once: claimed, then the work and the outcome in one
    transaction, in the language of the user who asked (``locale``). Returns the work's result,
    ``{"ok": False, "error": …}`` for a refusal, or ``{"skipped": …}`` when the job was not this
    run's to do.

    ``batches``: the work does a batch each call and says how many items are ``remaining``; it is
    called again, each batch committed on its own, until none is (the outcome commits with the last,
    the figures added up). The work must leave done what it did: a run that fails, or another run
    after it, goes on from there. A long job thus never holds a transaction — on SQLite, the one
    writer — for more than a batch."""
    with force_locale(locale or "zh_CN"), tenant_scope(tenant_id):
        attempt = job_sessions.when_reachable(lambda: _claim(job_id), lease())
        if attempt is None:
            log.info("job %s: done or held by another run; nothing to do", job_id)
            return _skipped(job_id)
        user = cast(User, db.session.scalar(sa.select(User).where(User.id == user_id)))  # users are never deleted
        run = _Run(job_id, attempt, user_id, user, _Progress(job_id, attempt))
        try:
            return _work_through(run, work, batches)
        except Exception as error:
            return _outcome(run, error)
        finally:
            run.progress.forget()


@dataclass
class _Run:
    """One run of a job (作业的一次运行): the job, the run's number, who asked, its progress, and what
    :func:`~spotcheck.tasks.job_sessions.note_session` noted of its database session."""

    job_id: int
    attempt: int
    user_id: int
    user: User
    progress: _Progress
    noted: dict[str, object] = field(default_factory=dict)


def _skipped(job_id: int) -> JobResult:
    """The result of a run that had nothing to do, or that lost the job."""
    return {"skipped": True, "job_id": job_id}


def _work_through(run: _Run, work: Work, batches: bool) -> JobResult:
    """The work to its end: one transaction, or (``batches``) one a batch until none remains, a pause
    between them for the other writers."""
    result = _batch(run, work, batches, {})
    while batches and result.get("remaining"):
        _let_writers_in()
        result = _batch(run, work, batches, result)
    return result


def _batch(run: _Run, work: Work, batches: bool, so_far: JobResult) -> JobResult:
    """One transaction of the work (一批): with ``batches``, a batch whose figures are added to
    ``so_far``, committed behind the fence (:func:`_fenced`) while more remains; the last (or the
    only) one commits with the job's success. :class:`SupersededError` when this run no longer
    holds the job: the transaction is undone."""
    with unit_of_work():
        job_sessions.note_session(run.job_id, run.attempt, run.noted)
        job = get_job(run.job_id)
        if batches and not _still_held(run.job_id, run.attempt):
            raise SupersededError(run.job_id)
        done = work(job, run.user, run.progress)
        result = _added(so_far, done) if batches else done
        more = batches and bool(result.get("remaining"))
        if not (_fenced(run.job_id, run.attempt) if more else _succeeded(run, job, result)):
            raise SupersededError(run.job_id)
    return result


def _succeeded(run: _Run, job: Job, result: JobResult) -> bool:
    """Write the job's success and its audit entry, if this run still holds the job."""
    if not _settle(run.job_id, run.attempt, status=JobStatus.succeeded, result=result, **run.progress.finished()):
        return False
    audit.record("job.succeeded", "job", run.job_id, actor=run.user, details={"kind": job.kind})
    return True


def _outcome(run: _Run, error: Exception) -> JobResult:
    """How a run the work did not finish ends (作业结局): superseded, skipped; refused by a command,
    failed with the refusal; the database lost, given back to the queue (:func:`_give_back`); any
    other error, failed with :data:`INTERNAL_ERROR` and ``error`` raised again (the log has it)."""
    if isinstance(error, SupersededError):
        log.warning("job %s: run %s was superseded; its work was undone", run.job_id, run.attempt)
        return _skipped(run.job_id)
    if isinstance(error, ServiceError):
        message = user_message(error)
        _end_failed(run.job_id, run.attempt, message, run.user)
        return {"ok": False, "error": message}
    if is_unreachable(error):
        log.warning("job %s: run %s lost the database (%s)", run.job_id, run.attempt, type(error).__name__)
        _give_back(run.job_id, run.attempt, run.user_id)
        return _skipped(run.job_id)
    log.exception("job %s failed", run.job_id)
    _end_failed(run.job_id, run.attempt, str(INTERNAL_ERROR % {"id": run.job_id}), run.user)
    raise error


def _fenced(job_id: int, attempt: int) -> bool:
    """The fence of a batch (围栏): this run still holds the job, checked at the batch's end in the batch's
    own transaction with the job's row locked, so that a run taken for dead while it was paused (its
    job given to another run) commits nothing of the batch it was in — the takeover either came before
    this check (the batch is undone) or waits for this commit (the next run goes on from it). Progress
    writes the row beside the batch's transaction, before this point, never after it."""
    return (
        db.session.scalar(
            sa.select(Job.id)
            .where(Job.id == job_id, Job.attempt == attempt, Job.status == JobStatus.running)
            .with_for_update()
        )
        is not None
    )


def _still_held(job_id: int, attempt: int) -> bool:
    """This run still holds the job (read, not locked: the progress writes that row beside the batch)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Job)
            .where(Job.id == job_id, Job.attempt == attempt, Job.status == JobStatus.running)
        )
        == 1
    )


def _added(so_far: JobResult, batch: JobResult) -> JobResult:
    """A batched job's figures so far and one more batch's: counts added up, the rest the latest."""
    return {
        **batch,
        **{
            key: value + more
            for key, value in so_far.items()
            if key != "remaining" and isinstance(value, int) and isinstance(more := batch.get(key), int)
        },
    }


def _end_failed(job_id: int, attempt: int, message: str, user: User | None) -> None:
    with unit_of_work():
        if _settle(job_id, attempt, status=JobStatus.failed, error=message[:2000]):
            kind = db.session.scalar(sa.select(Job.kind).where(Job.id == job_id))
            audit.record("job.failed", "job", job_id, actor=user, details={"kind": kind})
