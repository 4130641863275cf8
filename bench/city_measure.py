"""What :mod:`bench.city_year` measures of each step: an action timed, a step of one call per
visit, a job waited for or collected later (its own run, started to finished), and the statements of
whatever went over budget."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self, TypeVar

import sqlalchemy as sa
from flask import Flask

from bench import city_services as services
from bench.city_report import ACTION_BUDGET_SECONDS
from bench.city_world import CampaignSpec
from bench.common import Figures, Timer
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.scoping import tenant_scope

T = TypeVar("T")
JOB_TIMEOUT = 3600


class Year:
    """What the year measured: every step of every campaign (time, visits, slowest call), the jobs
    to collect, the pages of each pass, and the traces of what went over budget."""

    def __init__(self, app: Flask) -> None:
        self.app, self.engine = app, db.engine
        self.measures: list[dict] = []
        self.pending_jobs: list[tuple[str, CampaignSpec, int, int, float]] = []
        self.traces: dict[str, dict] = {}
        self.pages: dict[str, dict] = {}

    def _keep(self, step: str, spec: CampaignSpec, seconds: float, trace: services.StatementTrace | None) -> None:
        key = f"{step} @ {spec.label}"
        if seconds > ACTION_BUDGET_SECONDS and trace is not None and key not in self.traces:
            summary = trace.summary()
            self.traces[key] = {**summary, "seconds": round(seconds, 3), "cause": services.describe(summary, seconds)}

    def action(self, step: str, spec: CampaignSpec, call: Callable[[], T], *, visits: int | None = None) -> T:
        """One action, timed (its statements kept if it is over budget)."""
        with services.StatementTrace(self.engine) as trace, Timer() as timer:
            result = call()
        self.measures.append(
            {
                "step": step,
                "spec": spec,
                "visits": visits,
                "seconds": timer.seconds,
                "calls": 1,
                "slowest": timer.seconds,
            }
        )
        self._keep(step, spec, timer.seconds, trace)
        return result

    def per_visit(self, step: str, spec: CampaignSpec) -> _PerVisit:
        """A step made of one call per visit (``with year.per_visit(…) as timed: timed(call)``)."""
        return _PerVisit(self, step, spec)

    def job(self, step: str, spec: CampaignSpec, tenant_id: int, submit: Callable[[], Job], *, wait: bool) -> int:
        """A job asked for (the submit timed as an action), then waited for or collected later."""
        with services.StatementTrace(self.engine) as trace, Timer() as timer:
            job = submit()
        self._keep(f"{step} (submit)", spec, timer.seconds, trace)
        job_id = job.id
        if wait:
            self.finish_job(step, spec, tenant_id, job_id, timer.seconds)
        else:
            self.pending_jobs.append((step, spec, tenant_id, job_id, timer.seconds))
        return job_id

    def queued_by_event(self, step: str, spec: CampaignSpec, tenant_id: int, kind: str, campaign_id: int) -> None:
        """A job a command's event queued (the notices of a hand-out): collected later."""
        job_id = find_job(tenant_id, kind, campaign_id)
        self.pending_jobs.append((step, spec, tenant_id, job_id, 0.0))

    def finish_job(self, step: str, spec: CampaignSpec, tenant_id: int, job_id: int, submit_seconds: float) -> Figures:
        job = wait_for_job(tenant_id, job_id)
        self.measures.append(
            {
                "step": step,
                "spec": spec,
                "visits": None,
                "seconds": job["seconds"],
                "calls": 1,
                "slowest": submit_seconds,
                "waited": job["waited"],
                "status": job["status"],
                "result": job["result"],
            }
        )
        if job["status"] != "succeeded":
            raise RuntimeError(f"{step} of {spec.label}: job {job_id} {job['status']}: {job['error']}")
        return job

    def collect(self) -> None:
        """Wait for every job still queued or running, and record them."""
        pending, self.pending_jobs = self.pending_jobs, []
        for step, spec, tenant_id, job_id, submitted in pending:
            self.finish_job(step, spec, tenant_id, job_id, submitted)


class _PerVisit:
    """Many calls of one step (one per visit): their total, count and slowest."""

    def __init__(self, year: Year, step: str, spec: CampaignSpec):
        self.year, self.step, self.spec = year, step, spec
        self.total, self.calls, self.slowest = 0.0, 0, 0.0

    def __call__(self, call: Callable[[], T]) -> T:
        with services.StatementTrace(self.year.engine) as trace, Timer() as timer:
            result = call()
        self.total += timer.seconds
        self.calls += 1
        if timer.seconds > self.slowest:
            self.slowest = timer.seconds
            self.year._keep(self.step, self.spec, timer.seconds, trace)
        return result

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.calls and kind is None:
            self.year.measures.append(
                {
                    "step": self.step,
                    "spec": self.spec,
                    "visits": self.calls,
                    "seconds": self.total,
                    "calls": self.calls,
                    "slowest": self.slowest,
                }
            )


def find_job(tenant_id: int, kind: str, campaign_id: int) -> int:
    with tenant_scope(tenant_id):
        for job in db.session.scalars(sa.select(Job).where(Job.kind == kind).order_by(Job.id.desc()).limit(50)):
            if (job.params or {}).get("campaign_id") == campaign_id:
                return job.id
    raise RuntimeError(f"no {kind} job for campaign {campaign_id}")


def wait_for_job(tenant_id: int, job_id: int) -> Figures:
    """Poll the job (a fresh session each time: what the worker committed) until it is done."""
    started = time.monotonic()
    while True:
        db.session.remove()
        with tenant_scope(tenant_id):
            job = db.session.scalar(sa.select(Job).where(Job.id == job_id))
            if job is not None and job.done:
                assert job.finished_at is not None  # a job that is done has finished
                seconds = (job.finished_at - job.started_at).total_seconds() if job.started_at else 0.0
                return {
                    "status": job.status.value,
                    "seconds": seconds,
                    "error": job.error,
                    "result": job.result,
                    "waited": time.monotonic() - started,
                }
        if time.monotonic() - started > JOB_TIMEOUT:
            raise RuntimeError(f"job {job_id} not done after {JOB_TIMEOUT} s")
        time.sleep(0.1)
