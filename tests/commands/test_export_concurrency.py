"""The credit export under concurrency and failure: two batch runs at once never put a record in two
batches, and a worker killed mid-batch leaves no batch behind, the next run exporting every record once."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from spotcheck.core import jobs
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.job_models import JobStatus
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.tasks import job_sweep
from spotcheck.tenants.exports import commands as exports, queries as export_queries
from spotcheck.tenants.exports.commands import request_export
from spotcheck.tenants.exports.models import BatchStatus, ExportBatch, ExportRecord
from tests.support.export_world import TODAY, more_published
from tests.support.exported import exported_ids as _exported_ids
from tests.support.helpers import REDIS_URL, make_app, user_named
from tests.support.job_pause import pausing
from tests.support.results_world import handed_out, published
from tests.support.workers import WORKER_READY_TIMEOUT, Worker, _poll_job


@pytest.mark.postgres
def test_two_batch_runs_at_once_never_put_a_record_in_two_batches(postgres_url, tmp_path):
    out = tmp_path / "credit"
    app = make_app(postgres_url, SPOTCHECK_EXPORT_DIR=str(out), SPOTCHECK_EXPORT_BATCH_SIZE=150)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
        everything = more_published(ids, 899)
        db.engine.dispose()
    barrier, built, errors = threading.Barrier(2), [], []

    def run():
        try:
            with app.app_context(), tenant_scope(ids["tenant"]):
                barrier.wait()
                while (batch := exports.build_batch(actor=SCHEDULER)) is not None:
                    built.append((batch.number, batch.records))
                db.session.remove()
        except Exception as failure:
            errors.append(repr(failure))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(number for number, _ in built) == list(range(1, 7)) and sum(n for _, n in built) == 900
    with app.app_context(), tenant_scope(ids["tenant"]):
        assert exports.deliver_waiting(SCHEDULER) == {"delivered": 6, "failed": 0}
        exported = _exported_ids(out)
        assert len(exported) == len(set(exported)) == 900 and sorted(exported) == everything
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(ExportRecord).where(ExportRecord.delivered_at.is_(None))
            )
            == 0
        )
        db.engine.dispose()


# --- a real worker on Redis, killed mid-batch -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(10)
def test_a_worker_killed_mid_batch_leaves_no_batch_and_the_next_run_exports_every_record_once(
    tmp_path, postgres_url, celery_queue
):
    count = 4_000  # two chunks of reading (READ_CHUNK): progress is reported between them
    storage_dir, out, pause = tmp_path / "storage", tmp_path / "credit", tmp_path / "pause"
    pause.mkdir()
    settings = {"SPOTCHECK_STORAGE": str(storage_dir), "SPOTCHECK_EXPORT_DIR": str(out)}
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, **settings)
    with web.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
        everything = more_published(ids, count - 1)
    # the first worker stops once its progress passes 5 % (the job's test-only pause point): killed there
    first = Worker(
        celery_queue,
        postgres_url,
        env={**settings, **pausing(pause, 6)},
    )
    second = None
    try:
        first.wait_ready(WORKER_READY_TIMEOUT)
        with web.app_context(), tenant_scope(ids["tenant"]):
            job_id = request_export(actor=user_named("yjj_admin")).id
            deadline = time.monotonic() + 60
            while True:  # the progress shows while the batch is written; kill the worker well into it
                db.session.remove()
                paused = (
                    pause / f"job-{job_id}.paused"
                ).exists()  # seen before the job is read: its progress is then committed
                job = jobs.get_job(job_id)
                if paused:
                    assert job.status == JobStatus.running and 5 < job.progress < 85, (job.status, job.progress)
                    break
                assert job.status in (JobStatus.queued, JobStatus.running), (job.status, first.output[-3000:])
                assert time.monotonic() < deadline, first.output[-3000:]
                time.sleep(0.02)
        first.kill()
        assert not (pause / f"job-{job_id}.resume").exists()  # killed while paused: mid-batch
        with web.app_context(), tenant_scope(ids["tenant"]):
            db.session.remove()
            assert db.session.scalars(sa.select(ExportBatch)).all() == []  # no batch, not even a partial one
            assert export_queries.pending_count() == count and not out.exists()
        second = Worker(celery_queue, postgres_url, env=settings)
        second.wait_ready(WORKER_READY_TIMEOUT)
        sweeper = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_JOB_LEASE_SECONDS=0, **settings)
        with sweeper.app_context():
            assert job_sweep.sweep(actor=SCHEDULER)["requeued"] == 1
            db.engine.dispose()
        with web.app_context():
            job = _poll_job(ids["tenant"], job_id, 120)
            with tenant_scope(ids["tenant"]):
                assert job.status == JobStatus.succeeded and job.attempt == 2, (job.error, second.output[-3000:])
                assert job.result["number"] == 1 and job.result["records"] == count
                deadline = time.monotonic() + 30
                while (
                    export_queries.get_batch(job.result["batch_id"]).status != BatchStatus.delivered
                ):  # after the commit
                    assert time.monotonic() < deadline, second.output[-3000:]
                    time.sleep(0.1)
                    db.session.remove()
                exported = _exported_ids(out)
                assert len(exported) == len(set(exported)) == count and sorted(exported) == everything
                assert sorted(p.name for p in (out / "YJJ").iterdir()) == ["YJJ-000001"]
                assert export_queries.pending_count() == 0
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()
        with web.app_context():
            db.engine.dispose()
