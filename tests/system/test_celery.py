"""Background jobs through Celery: eagerly in the web process, and on a real worker over Redis."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import REDIS_URL, bearer, make_app, service_missing, tenant_id, user_named
from spotcheck.core import audit
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.tasks.audit_jobs import request_verification
from spotcheck.tasks.models import Job, JobStatus
from spotcheck.core.scoping import tenant_scope

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKER_READY_TIMEOUT = 30
JOB_TIMEOUT = 30



# --- eager mode (no Redis): the task runs inside the request ------------------------------

def test_audit_verification_job_runs_eagerly(app):
    assert app.config["CELERY"]["task_always_eager"] is True
    client = app.test_client()
    headers = bearer(app, "scj_admin")

    response = client.post("/api/v1/audit/verifications", headers=headers)
    assert response.status_code == 202, response.get_data(as_text=True)
    job_id = response.get_json()["id"]

    job = client.get(f"/api/v1/jobs/{job_id}", headers=headers)
    assert job.status_code == 200, job.get_data(as_text=True)
    body = job.get_json()
    assert body["kind"] == "audit.verify"
    assert body["status"] == "succeeded"
    assert body["progress"] == 100
    assert body["result"]["ok"] is True
    assert body["result"]["checked"] > 0
    assert body["result"]["first_break"] is None

    other = app.test_client().get(f"/api/v1/jobs/{job_id}", headers=bearer(app, "yjj_admin"))
    assert other.status_code == 404


# --- a real worker over Redis -------------------------------------------------------------

def _celery_command() -> list[str]:
    script = Path(sys.executable).with_name("celery")
    return [str(script)] if script.exists() else [sys.executable, "-m", "celery"]


class Worker:
    """A ``celery worker`` subprocess whose output is collected by a reader thread."""

    #: What the process is started as (``beat`` for the scheduler: see :class:`Beat`).
    ROLE = "worker"

    def __init__(self, queue: str, database_url: str, *, cwd: Path = REPO_ROOT, env: dict | None = None):
        self.queue = queue
        self.lines: list[str] = []
        self.ready = threading.Event()
        env = {
            **os.environ,
            "SPOTCHECK_ENV": "testing",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "SPOTCHECK_CELERY_QUEUE": queue,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.proc = subprocess.Popen(
            [*_celery_command(), "-A", "spotcheck.worker", *self.arguments(queue, cwd)],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def arguments(self, queue: str, cwd: Path) -> list[str]:
        return ["worker", "--pool=solo", "--concurrency=1", "--loglevel=info", "-Q", queue, "-n", f"{queue}@%h",
                "--without-gossip", "--without-mingle"]

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            if " ready." in line or (self.ROLE == "beat" and "beat: Starting" in line):
                self.ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready.wait(0.2):
                return
            if self.proc.poll() is not None:
                pytest.fail(f"celery worker exited with {self.proc.returncode}:\n{self.output}", pytrace=False)
        pytest.fail(f"celery worker not ready after {timeout} s:\n{self.output}", pytrace=False)

    def kill(self) -> None:
        """Kill the worker at once (SIGKILL: no warm shutdown, its task dies mid-run)."""
        self.proc.kill()
        self.proc.wait(timeout=10)
        self._reader.join(timeout=5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # warm shutdown
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._reader.join(timeout=5)


class Beat(Worker):
    """A ``celery beat`` subprocess (the scheduler), its schedule file in ``cwd``."""

    ROLE = "beat"

    def arguments(self, queue: str, cwd: Path) -> list[str]:
        return ["beat", "--loglevel=info", "-s", str(Path(cwd) / "beat-schedule")]


@pytest.fixture
def redis_available():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 — any failure means "not reachable"
        service_missing("Redis", f"{REDIS_URL}: {type(exc).__name__}")


@pytest.fixture
def celery_queue(redis_available, monkeypatch):
    """A queue of this test alone, so a shared Redis never hands its task to another worker."""
    import redis

    queue = f"spotcheck-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("SPOTCHECK_CELERY_QUEUE", queue)
    yield queue
    # Kombu keeps the queue's exchange bindings in Redis; leave nothing behind.
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    connection.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    connection.close()


@pytest.fixture
def worker(redis_available, postgres_url, celery_queue):
    started = time.monotonic()
    process = Worker(celery_queue, postgres_url)
    try:
        process.wait_ready(WORKER_READY_TIMEOUT)
        print(f"worker ready after {time.monotonic() - started:.1f} s")
        yield process
    finally:
        stopping = time.monotonic()
        process.stop()
        print(f"worker stopped after {time.monotonic() - stopping:.1f} s")
        # Shown by pytest only when the test fails.
        print(f"--- celery worker output (exit {process.proc.returncode}) ---\n{process.output}")


def _poll_job(tenant: int, job_id: int, timeout: float) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        db.session.remove()  # a fresh session: see what the worker committed
        with tenant_scope(tenant):
            job = db.session.scalar(sa.select(Job).where(Job.id == job_id))
            if job is not None and job.done:
                return job
            if time.monotonic() > deadline:
                pytest.fail(f"job {job_id} not done after {timeout} s (status {job and job.status})", pytrace=False)
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.redis
def test_audit_verification_job_runs_on_a_real_worker(worker, postgres_url, celery_queue):
    app = make_app(postgres_url, REDIS_URL=REDIS_URL)
    settings = app.config["CELERY"]
    assert settings["broker_url"] == REDIS_URL and not settings.get("task_always_eager")
    assert settings["task_default_queue"] == celery_queue
    celery_app = app.extensions["celery"]
    try:
        with app.app_context():
            scj = tenant_id("SCJ")
            admin = user_named("scj_admin")
            started = time.monotonic()
            with tenant_scope(scj):
                job_id = request_verification(actor=admin).id

            job = _poll_job(scj, job_id, JOB_TIMEOUT)
            print(f"job done after {time.monotonic() - started:.1f} s")
            with tenant_scope(scj):
                assert job.status == JobStatus.succeeded, job.error
                assert job.progress == 100
                assert job.result["ok"] is True and job.result["checked"] > 0
                assert job.result["first_break"] is None
                assert job.started_at is not None and job.finished_at is not None

                actions = list(db.session.scalars(
                    sa.select(AuditEntry.action).where(AuditEntry.object_type == "job", AuditEntry.object_id == str(job_id))
                    .order_by(AuditEntry.seq)
                ))
                assert actions == ["job.submitted", "job.succeeded"]
            checked, breaks = audit.verify()
            assert checked > 0 and breaks == []
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        celery_app.close()
