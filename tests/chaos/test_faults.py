"""Faults of the services under a running job (故障注入), on a real worker, Redis and PostgreSQL of the
test's own: the database restarted mid-job, the broker restarted mid-job. Each job still runs exactly
once, and a 15-second database restart costs seconds, not a lease. ``make chaos`` runs them (a few
minutes); the hung worker's test, which needs no restart, is in the suite (tests/system/test_jobs.py)."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from spotcheck.core import jobs
from spotcheck.core.database import db
from spotcheck.core.job_models import JobStatus
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.tasks import job_sweep
from spotcheck.tenants.directory.models import Entity
from tests.support.helpers import REDIS_URL, make_app, tenant_id
from tests.support.job_pause import pausing
from tests.support.workers import WORKER_READY_TIMEOUT, Worker, _poll_job, directory_csv, job_actions, queue_import

pytestmark = [pytest.mark.chaos, pytest.mark.postgres, pytest.mark.redis]

#: The lease of these tests' jobs: a whole lease lost would show as a job done minutes late.
LEASE = 900
ROWS = 300


def _entities(start: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Entity).where(Entity.name.like(f"故障测试企业{start}-%"))
    )


def _world_on(cluster_url: str, postgres_url: str, tmp_path) -> None:
    """The test world, copied onto the test's own cluster the way an operator would: backup, restore."""
    source = make_app(postgres_url, SPOTCHECK_STORAGE=str(tmp_path / "source-storage"))
    taken = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    assert taken.exit_code == 0, taken.output
    target = make_app(cluster_url, SPOTCHECK_STORAGE=str(tmp_path / "storage"))
    done = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert done.exit_code == 0, done.output
    for application in (source, target):
        with application.app_context():
            db.engine.dispose()


def _wait_for(path, worker, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, worker.output[-3000:]
        time.sleep(0.05)


@pytest.mark.slow(60)
def test_a_database_restart_mid_job_costs_seconds_not_a_lease(own_cluster, postgres_url, celery_queue, tmp_path):
    _world_on(own_cluster.url, postgres_url, tmp_path)
    storage, pause = tmp_path / "storage", tmp_path / "pause"
    pause.mkdir()
    web = make_app(own_cluster.url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage))
    worker = Worker(
        celery_queue,
        own_cluster.url,
        env={
            "SPOTCHECK_STORAGE": str(storage),
            "SPOTCHECK_JOB_LEASE_SECONDS": str(LEASE),
            **pausing(pause, 5),
        },
    )
    try:
        worker.wait_ready(WORKER_READY_TIMEOUT)
        job_id = queue_import(web, directory_csv(ROWS, 7000, name="故障测试企业7000-"))
        _wait_for(pause / f"job-{job_id}.paused", worker)
        with web.app_context():
            scj = tenant_id("SCJ")
            db.engine.dispose()
        own_cluster.stop("fast")  # the database goes away under the job's open transaction
        (pause / f"job-{job_id}.resume").write_text("")
        time.sleep(15)
        own_cluster.start()
        back = time.monotonic()
        with web.app_context():
            job = _poll_job(scj, job_id, 60)
            waited = time.monotonic() - back
            with tenant_scope(scj):
                assert job.status == JobStatus.succeeded, (job.error, worker.output[-3000:])
                assert job.result["created"] == ROWS and _entities(7000) == ROWS and job.attempt == 2
                assert job_actions(job_id) == ["job.submitted", "job.given_back", "job.succeeded"]
            db.engine.dispose()
        assert waited < 30, f"{waited:.0f} s after the database came back"
        print(f"job done {waited:.1f} s after the database came back (lease {LEASE} s)")
    finally:
        worker.stop()
        print(f"--- worker output ---\n{worker.output[-6000:]}")  # shown when the test fails


@pytest.mark.slow(40)
def test_a_broker_restart_mid_job_loses_no_job_and_runs_none_twice(own_redis, postgres_url, celery_queue, tmp_path):
    storage, pause = tmp_path / "storage", tmp_path / "pause"
    pause.mkdir()
    web = make_app(postgres_url, REDIS_URL=own_redis.url, SPOTCHECK_STORAGE=str(storage))
    worker = Worker(
        celery_queue,
        postgres_url,
        env={
            "REDIS_URL": own_redis.url,
            "SPOTCHECK_STORAGE": str(storage),
            **pausing(pause, 5),
        },
    )
    try:
        worker.wait_ready(WORKER_READY_TIMEOUT)
        running = queue_import(web, directory_csv(ROWS, 8000, name="故障测试企业8000-"))
        _wait_for(pause / f"job-{running}.paused", worker)
        own_redis.stop()  # the broker goes away (empty when it comes back: no persistence)
        (pause / f"job-{running}.resume").write_text("")
        waiting = queue_import(
            web, directory_csv(ROWS, 9000, name="故障测试企业9000-")
        )  # queued while the broker is down
        (pause / f"job-{waiting}.resume").write_text("")  # this one runs straight through when it comes
        with web.app_context():
            scj = tenant_id("SCJ")
            job = _poll_job(scj, running, 60)  # the running job needs the database only
            with tenant_scope(scj):
                assert job.status == JobStatus.succeeded, (job.error, worker.output[-3000:])
                assert jobs.get_job(waiting).status == JobStatus.queued
        time.sleep(3)
        own_redis.start()  # the same address: the worker reconnects by itself
        sweeper = make_app(
            postgres_url, REDIS_URL=own_redis.url, SPOTCHECK_STORAGE=str(storage), SPOTCHECK_JOB_QUEUED_SECONDS=0
        )
        with sweeper.app_context():
            assert job_sweep.sweep(actor=SCHEDULER)["requeued"] == 1
            for _ in range(6):  # the worker may take a few seconds to reconnect: the check queues it again
                try:
                    _poll_job(scj, waiting, 10)
                    break
                except pytest.fail.Exception:
                    job_sweep.sweep(actor=SCHEDULER)
            db.engine.dispose()
        with web.app_context():
            with tenant_scope(scj):
                job = jobs.get_job(waiting)
                assert job.status == JobStatus.succeeded and job.result["created"] == ROWS, worker.output[-3000:]
                assert _entities(8000) == ROWS and _entities(9000) == ROWS
                assert jobs.get_job(running).attempt == 1  # ran once
                assert job_actions(running) == ["job.submitted", "job.succeeded"]
            db.engine.dispose()
    finally:
        worker.stop()
        print(f"--- worker output ---\n{worker.output[-6000:]}")  # shown when the test fails
