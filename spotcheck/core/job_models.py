"""Background jobs (后台作业): status, progress and result as the user sees them, and what the
platform needs to run each exactly once (the task to queue again, the run that holds it)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class Job(TenantOwned, Model):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[JobStatus] = mapped_column(
        sa.Enum(JobStatus, name="job_status", native_enum=False, length=16), default=JobStatus.queued
    )
    progress: Mapped[int] = mapped_column(default=0)
    #: How many of the job's items (documents, visits, rows) are done, of how many: shown beside the bar.
    items_done: Mapped[int | None] = mapped_column()
    items_total: Mapped[int | None] = mapped_column()
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: What to queue (again): the Celery task's name and its keyword arguments.
    task: Mapped[str] = mapped_column(sa.String(100), default="")
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: How often it was handed to the broker, and when last.
    dispatches: Mapped[int] = mapped_column(default=0)
    dispatched_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The run that holds the job (a later run of a redelivered message finds it taken or done),
    #: and when that run last said it is alive.
    attempt: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The PostgreSQL session (process id, start) the holding run works in: ended by the periodic
    #: check when it takes the job from a run gone silent, so that run's locks go with it.
    run_backend_pid: Mapped[int | None] = mapped_column()
    run_backend_started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    @property
    def done(self) -> bool:
        return self.status in (JobStatus.succeeded, JobStatus.failed)
