"""Background jobs as commands and pages see them (后台作业): a command submits one (:func:`submit`),
a page or the API reads it as its reader may (:func:`job_for`, :func:`under_way`, :func:`list_jobs`).

* **Submitting** is part of a command: the job row — with the name of the Celery task to run and
  its arguments — is written in the command's transaction and handed over only after that
  transaction commits, through the dispatcher the tasks layer registers at start-up
  (:func:`set_dispatcher`). If nothing can take it then, the job simply stays *queued* and the
  periodic check hands it over again.
* **Running** a job (claim, fence, outcome, the periodic check) is the tasks layer's
  (:mod:`spotcheck.tasks.jobs`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, overload

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from spotcheck.core import audit, clock, settings, storage
from spotcheck.core.actor import Actor
from spotcheck.core.commands import after_commit, command, in_command
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, GoneError, NotFoundError
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import Permission, has_permission

log = logging.getLogger(__name__)

#: Hands a committed job to whatever runs it: ``(task_name, job_id, tenant_id, user_id, params)``,
#: True when it was taken. Registered by the tasks layer (:func:`set_dispatcher`).
Dispatcher = Callable[[str, int, int | None, int | None, dict[str, Any]], bool]
_dispatcher: Dispatcher | None = None


def set_dispatcher(dispatcher: Dispatcher | None) -> None:
    """Register what hands a job over once its command commits (the tasks layer, at start-up)."""
    global _dispatcher
    _dispatcher = dispatcher


def dispatch(task_name: str, job_id: int, tenant_id: int | None, user_id: int | None, params: dict[str, Any]) -> bool:
    """Hand a job over through the registered dispatcher; False (the job stays queued for the
    periodic check) when none is registered or it could not take the job."""
    if _dispatcher is None:
        log.warning("job %s (%s): no dispatcher registered; it stays queued", job_id, task_name)
        return False
    return _dispatcher(task_name, job_id, tenant_id, user_id, params)


def visible_jobs(reader: Actor) -> sa.ColumnElement[bool]:
    """The SQL condition on :class:`Job` for the jobs ``reader`` may see: whoever asked for a job
    reads it, and so does the department's administrator."""
    if has_permission(reader, Permission.USERS_MANAGE):
        return sa.true()
    return Job.created_by_id == getattr(reader, "id", None)


def submit(task_name: str, kind: str, user: Actor, **params: Any) -> Job:
    """Create a job of the user's department in the current command's transaction; it is handed over
    (the Celery task ``task_name`` runs ``(job_id, tenant_id, user_id, **params)``) once the
    transaction commits."""
    if not in_command():
        raise RuntimeError("a job is submitted by a command")
    job = Job(
        kind=kind,
        created_by_id=user.id,
        tenant_id=user.tenant_id,
        task=task_name,
        params=params,
        dispatches=1,
        dispatched_at=clock.now(),
    )
    db.session.add(job)
    db.session.flush()
    audit.record("job.submitted", "job", job.id, actor=user, tenant_id=user.tenant_id, details={"kind": kind})
    job_id, tenant_id, user_id = job.id, user.tenant_id, user.id
    after_commit(lambda: dispatch(task_name, job_id, tenant_id, user_id, params))
    return job


def get_job(job_id: int) -> Job:
    """The job as it stands now (read afresh: runs update it behind the session's back)."""
    job = db.session.scalar(sa.select(Job).where(Job.id == job_id).execution_options(populate_existing=True))
    if job is None:
        raise NotFoundError(_l("No such job."))
    return _live(job)


def refuse_if_under_way(kind: str, campaign_id: int, message: object = None) -> None:
    """Refuse (409) a second job of ``kind`` for the campaign while one is queued or running: the
    command that queues it holds the campaign's row, so two requests take turns here."""
    under_way = db.session.scalars(
        sa.select(Job.params).where(Job.kind == kind, Job.status.in_([JobStatus.queued, JobStatus.running]))
    )
    if any((params or {}).get("campaign_id") == campaign_id for params in under_way):
        raise ConflictError(message or _l("This step is already under way; follow its progress on the campaign page."))


def job_for(job_id: int, reader: Actor) -> Job:
    """The job, if ``reader`` may see it (NotFoundError otherwise, as for another department's job)."""
    job = db.session.scalar(
        sa.select(Job).where(Job.id == job_id, visible_jobs(reader)).execution_options(populate_existing=True)
    )
    if job is None:
        raise NotFoundError(_l("No such job."))
    return _live(job)


def under_way(reader: Actor, campaign_id: int, kinds: Iterable[str]) -> list[Job]:
    """The jobs of ``kinds`` for the campaign that are queued or running, as ``reader`` may see them."""
    found = db.session.scalars(
        sa.select(Job)
        .where(visible_jobs(reader), Job.kind.in_(list(kinds)), Job.status.in_([JobStatus.queued, JobStatus.running]))
        .order_by(Job.id)
        .execution_options(populate_existing=True)
    )
    return [_live(job) for job in found if (job.params or {}).get("campaign_id") == campaign_id]


def list_jobs(reader: Actor, *, kinds: Iterable[str] | None = None, limit: int = 20) -> list[Job]:
    """The newest jobs ``reader`` may see (of ``kinds``, if given)."""
    query = sa.select(Job).where(visible_jobs(reader)).order_by(Job.id.desc()).limit(limit)
    if kinds:
        query = query.where(Job.kind.in_(list(kinds)))
    return [_live(job) for job in db.session.scalars(query)]


#: The kinds of the jobs that write a file to download (导出作业) start with this.
EXPORT_PREFIX = "export."
#: Where an export job keeps its file (文件存储的区域).
FILES_AREA = "job_files"


#: How many hours an export's file is kept after the export (导出文件保留时长): it may hold personal data (a directory's
#: ID numbers), so it is deleted then (``tasks.job_sweep.forget_files``, hourly) and its download refused; export again.
KEPT_HOURS = "SPOTCHECK_EXPORT_FILE_HOURS"


def kept_hours() -> int:
    """The hours of :data:`KEPT_HOURS` (the configuration's, 72 by default: :mod:`spotcheck.platform.config`)."""
    return int(settings.get(KEPT_HOURS))


def kept_for() -> timedelta:
    """How long after the export its file is kept (:func:`kept_hours`): the one rule the download and the hourly
    deletion read."""
    return timedelta(hours=kept_hours())


def kept_until(job: Job) -> datetime | None:
    """Until when the file of an export job that succeeded is kept, while it is (``None``: no such file, or past
    its time — deleted, or about to be)."""
    if job.status != JobStatus.succeeded or not job.kind.startswith(EXPORT_PREFIX) or job.finished_at is None:
        return None
    if not (job.result or {}).get("key"):
        return None
    until = clock.as_utc(job.finished_at) + kept_for()
    return until if until > clock.now() else None


def keep_file(data: bytes, file_name: str, tenant_id: int, suffix: str = ".xlsx") -> dict[str, Any]:
    """Keep the file an export job wrote, for its download (:func:`file_of`): what its result holds of it."""
    kept = storage.save_bytes(data, area=FILES_AREA, tenant_id=tenant_id, suffix=suffix)
    return {"key": kept.key, "file": file_name}


def file_of(job_id: int, reader: Actor) -> tuple[Path, str]:
    """The file an export job wrote (导出文件) and its download name, for whoever may see the job (who asked
    for it, or the department's administrator); any other job, one not done, or one the reader may not see:
    NotFoundError; its file past its time (:func:`kept_until`): GoneError."""
    return _file(job_for(job_id, reader))


def _file(job: Job) -> tuple[Path, str]:
    if not job.kind.startswith(EXPORT_PREFIX) or job.status != JobStatus.succeeded:
        raise NotFoundError(_l("No such export."))
    if kept_until(job) is None:
        raise GoneError(
            _l(
                "This export's file is no longer kept: it is deleted %(n)d hours after the export. Export again.",
                n=kept_hours(),
            )
        )
    result = job.result or {}
    return storage.path(result["key"]), str(result.get("file") or "export.xlsx")


@command(Permission.SIGNED_IN)
def take_file(job_id: int, data: dict[str, Any] | None = None, *, actor: Actor) -> tuple[Path, str]:
    """下载导出文件: the file of an export job, for whoever may see the job (:func:`file_of`); each download is audited
    (the job, its kind and the file's name — never what it holds)."""
    job = job_for(job_id, actor)
    path, name = _file(job)
    audit.record(
        "job.file_downloaded",
        "job",
        job.id,
        actor=actor,
        tenant_id=job.tenant_id,
        details={"kind": job.kind, "file": name},
    )
    return path, name


def kinds_of(ids: Iterable[int]) -> dict[int, str]:
    """The kind of each job of ``ids`` that the current scope shows (the audit trail names them)."""
    return dict(db.session.execute(sa.select(Job.id, Job.kind).where(Job.id.in_(list(ids)))).all())


def progress_file(job_id: int, attempt: int) -> Path | None:
    """Where a run of a job keeps its progress while it runs on SQLite (in the stored files' folder,
    which every process reads)."""
    folder = settings.get("SPOTCHECK_STORAGE")
    return Path(folder) / "job-progress" / f"job-{job_id}-{attempt}.json" if folder else None


@overload
def _live(job: Job) -> Job: ...
@overload
def _live(job: None) -> None: ...
def _live(job: Job | None) -> Job | None:
    """A running job on SQLite with the progress its run reported so far (read, not written)."""
    if job is None or job.status != JobStatus.running or db.engine.dialect.name != "sqlite":
        return job
    path = progress_file(job.id, job.attempt)
    try:
        reported = json.loads(path.read_text()) if path is not None else None
    except (OSError, ValueError):
        reported = None
    if reported:
        for name in ("progress", "items_done", "items_total"):
            set_committed_value(job, name, reported.get(name))
    return job
