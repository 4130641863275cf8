"""A hung worker (挂起的工作进程): stopped dead mid-job, its job is taken over at once by the periodic
check, which ends its database session so that none of its locks holds anyone up; woken, it commits
nothing. On a real worker, Redis and PostgreSQL (docs/operations.md, "The job lease")."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core import clock, jobs
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tasks import job_sweep
from spotcheck.tenants.audit import commands as audit_commands
from spotcheck.tenants.directory.models import Entity
from tests.support.helpers import REDIS_URL, make_app, tenant_id, user_named
from tests.support.job_pause import pausing
from tests.support.workers import WORKER_READY_TIMEOUT, Worker, _poll_job, directory_csv, job_actions, queue_import


def _session_of_run(job_id: int) -> tuple[int | None, str | None]:
    """The noted database session of the job's run, and what PostgreSQL says it is doing."""
    with system_access("test: the run's session"):
        pid = db.session.scalar(sa.select(Job.run_backend_pid).where(Job.id == job_id))
    with db.engine.connect() as connection:  # as the login role: the application role sees no session's state
        connection.execute(sa.text("RESET ROLE"))
        state = connection.scalar(sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})
        connection.rollback()
    return pid, state


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(8)
def test_a_hung_worker_is_taken_over_at_once_and_commits_nothing_when_it_wakes(tmp_path, postgres_url, celery_queue):
    """A worker stopped dead (SIGSTOP) mid-job holds an open transaction: the periodic check ends that
    session, gives the job to another worker, which imports the file whole without waiting on the hung
    one's locks; the hung worker, woken, finds its connection gone and commits nothing."""
    rows = 400
    storage, pause = tmp_path / "storage", tmp_path / "pause"
    pause.mkdir()
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage))
    env = {"SPOTCHECK_STORAGE": str(storage)}
    hung = Worker(celery_queue, postgres_url, env={**env, **pausing(pause, 5)})
    second = None
    try:
        hung.wait_ready(WORKER_READY_TIMEOUT)
        job_id = queue_import(web, directory_csv(rows, start=5000))
        with web.app_context():
            scj = tenant_id("SCJ")
            deadline = time.monotonic() + 60
            while not (pause / f"job-{job_id}.paused").exists():
                assert time.monotonic() < deadline, hung.output[-3000:]
                time.sleep(0.05)
            os.kill(hung.proc.pid, signal.SIGSTOP)  # hung for real: it will not even see the resume file
            (pause / f"job-{job_id}.resume").write_text("")
            db.session.remove()
            pid, state = _session_of_run(job_id)
            assert pid and state == "idle in transaction", (pid, state)
        second = Worker(celery_queue, postgres_url, env=env)
        second.wait_ready(WORKER_READY_TIMEOUT)
        sweeper = make_app(
            postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage), SPOTCHECK_JOB_LEASE_SECONDS=0
        )
        with sweeper.app_context():
            swept = job_sweep.sweep(actor=SCHEDULER)
            assert swept["sessions_ended"] == 1 and swept["requeued"] == 1, swept
            db.engine.dispose()
        with web.app_context():
            job = _poll_job(scj, job_id, 60)
            with tenant_scope(scj):
                assert job.status == JobStatus.succeeded and job.attempt == 2, (job.error, second.output[-3000:])
                assert job.result["created"] == rows
        os.kill(hung.proc.pid, signal.SIGCONT)
        deadline = time.monotonic() + 30
        while "committed nothing more" not in hung.output:
            assert time.monotonic() < deadline, hung.output[-3000:]
            time.sleep(0.1)
        with web.app_context():
            db.session.remove()
            with tenant_scope(scj):
                job = jobs.get_job(job_id)
                assert job.status == JobStatus.succeeded and job.attempt == 2 and job.result["created"] == rows
                assert job_actions(job_id) == ["job.submitted", "job.requeued", "job.succeeded"]
                assert (
                    db.session.scalar(
                        sa.select(sa.func.count()).select_from(Entity).where(Entity.name.like("耐久测试企业%"))
                    )
                    == rows
                )
    finally:
        if hung.proc.poll() is None:
            os.kill(hung.proc.pid, signal.SIGCONT)
        for process in (hung, second):
            if process is not None:
                process.stop()
                print(f"--- worker output ---\n{process.output[-5000:]}")  # shown when the test fails
        with web.app_context():
            db.engine.dispose()


@pytest.mark.postgres
def test_the_periodic_check_never_waits_on_a_hung_run_holding_its_departments_audit_chain(postgres_url):
    """Why a hung export stayed "running" through every check: the hung run had written an audit entry,
    so it held its department's audit chain; the first check blocked on it (holding the job's row), and
    the later ones skipped the locked row. Now the check ends the run's noted session first, and a
    session it cannot end only leaves that job for later."""
    app = make_app(postgres_url)
    with app.app_context():
        admin = user_named("scj_admin")
        scj = admin.tenant_id
        with tenant_scope(scj):
            first = audit_commands.request_verification(actor=admin).id
            second = audit_commands.request_verification(actor=admin).id
        hung = db.engine.connect()  # a run that wrote an audit entry, then hung: it holds the chain
        transaction = hung.begin()
        hung.execute(sa.text("SELECT pg_advisory_xact_lock(:ns, :chain)"), {"ns": 0x5C0A, "chain": scj})
        hung.execute(sa.text("RESET ROLE"))
        pid, started = hung.execute(
            sa.text("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        ).one()
        try:
            with unit_of_work(), system_access("test: two runs gone silent"):
                for job_id, noted in ((first, pid), (second, None)):
                    db.session.execute(
                        sa.update(Job)
                        .where(Job.id == job_id)
                        .values(
                            status=JobStatus.running,
                            attempt=1,
                            heartbeat_at=clock.now() - timedelta(hours=1),
                            run_backend_pid=noted,
                            run_backend_started_at=started if noted else None,
                        )
                    )
            # the second job's run is not known: with the first's session held, the check leaves it…
            app.config["SPOTCHECK_JOB_LEASE_SECONDS"] = 60
            with unit_of_work(), system_access("test"):
                db.session.execute(sa.update(Job).where(Job.id == first).values(heartbeat_at=clock.now()))
            started_at = time.monotonic()
            swept = job_sweep.sweep(actor=SCHEDULER)
            assert swept["held"] == 1 and swept["requeued"] == 0 and time.monotonic() - started_at < 15, swept
            # …and once the first run is silent too, its session is ended and both are queued again
            with unit_of_work(), system_access("test"):
                db.session.execute(
                    sa.update(Job).where(Job.id == first).values(heartbeat_at=clock.now() - timedelta(hours=1))
                )
            swept = job_sweep.sweep(actor=SCHEDULER)
            assert swept["sessions_ended"] == 1 and swept["requeued"] == 2 and swept["held"] == 0, swept
            with pytest.raises(sa.exc.DBAPIError):
                hung.execute(sa.text("SELECT 1"))
        finally:
            transaction.close() if transaction.is_active else None
            hung.invalidate()
            hung.close()
            db.engine.dispose()
