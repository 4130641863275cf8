"""Celery workers of the tests (真实工作进程): a ``celery worker`` or ``beat`` subprocess on Redis, a
queue of the test's own, and waiting for a job to end."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.spreadsheets.commands import submit_import
from tests.support.helpers import REDIS_URL, service_missing, user_named

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 30
JOB_TIMEOUT = 30


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
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def arguments(self, queue: str, cwd: Path) -> list[str]:
        return [
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=info",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
        ]

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
        """The test is over: end the process at once (nothing is left to finish, and Celery's warm
        shutdown takes seconds)."""
        if self.proc.poll() is None:
            self.kill()
        self._reader.join(timeout=5)


class Beat(Worker):
    """A ``celery beat`` subprocess (the scheduler), its schedule file in ``cwd``."""

    ROLE = "beat"

    def arguments(self, queue: str, cwd: Path) -> list[str]:
        return ["beat", "--loglevel=info", "-s", str(Path(cwd) / "beat-schedule")]


@pytest.fixture
def redis_available():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        service_missing("Redis", f"{REDIS_URL}: {type(exc).__name__}")


@pytest.fixture
def celery_queue(redis_available, monkeypatch):
    """A queue of this test alone, so a shared Redis never hands its task to another worker."""
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


def directory_csv(rows: int, start: int = 0, name: str = "耐久测试企业") -> bytes:
    """A directory file of ``rows`` new entities (codes from number ``start``), named ``name`` + their number."""
    from tests.support.campaign_world import credit_code  # not at the top: this module is a plugin, loaded first

    lines = ["统一社会信用代码/对象编码,名称,行业代码,行政区划代码,风险等级"]
    lines += [f"{credit_code(start + n)},{name}{n},C2611,231084,B" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def queue_import(app, data: bytes) -> int:
    """SCJ's administrator imports ``data`` into the directory, as a job; its id."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            return submit_import("directory", "directory.csv", io.BytesIO(data), actor=admin).id


def job_actions(job_id: int) -> list[str]:
    """What the audit trail says of a job, in order."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "job", AuditEntry.object_id == str(job_id))
            .order_by(AuditEntry.seq)
        )
    )
