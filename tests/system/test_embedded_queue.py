"""The embedded default (no Redis): ``spotcheck run`` serves the pages and starts the worker of the
queue kept in files under the instance folder, so a request that starts a job answers at once with
the job queued, and the job then runs in the worker, not in the request."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.config import load_config
from spotcheck.tasks.audit import verify_tenant_chain
from tests.support.helpers import bearer, make_app, user_named


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(url: str, headers: dict, method: str = "GET") -> tuple[int, dict]:
    request = urllib.request.Request(
        url, method=method, headers={**headers, "Accept": "application/json"}, data=b"" if method == "POST" else None
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def _job_left_running(app) -> int:
    """A verification job "running" since an hour, as a server stopped mid-job leaves it; its id."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            hour_ago = now() - timedelta(hours=1)
            job = Job(
                kind="audit.verify",
                task=verify_tenant_chain.name,
                params={},
                created_by_id=admin.id,
                tenant_id=admin.tenant_id,
                status=JobStatus.running,
                attempt=1,
                dispatches=1,
                dispatched_at=hour_ago,
                started_at=hour_ago,
                heartbeat_at=hour_ago,
                progress=35,
            )
            db.session.add(job)
            db.session.commit()
            return job.id


@pytest.mark.slow(11)
def test_without_redis_jobs_wait_in_files_for_the_worker_spotcheck_run_starts(sqlite_template, tmp_path):
    """… and the worker runs the beat: a job a restart cut off is queued again and runs to its end."""
    instance = tmp_path / "instance"
    settings = load_config(str(instance), {"SPOTCHECK_ENV": "development", "REDIS_URL": None})["CELERY"]
    assert settings["broker_url"] == "filesystem://" and not settings.get("task_always_eager")
    assert settings["broker_transport_options"]["data_folder_in"].startswith(str(instance / "queue"))

    database = tmp_path / "spotcheck.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    web = make_app(url)
    headers = bearer(web, "scj_admin")  # a token of the department's administrator
    cut_off = _job_left_running(web)  # a job whose worker stopped with the server, before this start
    port = _free_port()
    environment = {
        key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "SPOTCHECK_CELERY_QUEUE")
    }
    environment.update(
        SPOTCHECK_ENV="development",
        DATABASE_URL=url,
        SPOTCHECK_INSTANCE=str(instance),
        SPOTCHECK_STORAGE=str(tmp_path / "storage"),
        SECRET_KEY="x" * 40,
        SPOTCHECK_SWEEP_SECONDS="1",
    )  # the worker's beat checks every second, not every minute
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("spotcheck")), "run", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "spotcheck run did not start"
                time.sleep(0.3)
        started = time.monotonic()
        status, job = _call(f"{base}/api/v1/audit/verifications", headers, "POST")
        assert status == 202 and job["status"] == "queued"  # the request did not run it
        assert time.monotonic() - started < 2
        while job["status"] not in ("succeeded", "failed"):
            assert time.monotonic() - started < 90, f"the worker did not run the job: {job}"
            time.sleep(0.5)
            job = _call(f"{base}/api/v1/jobs/{job['id']}", headers)[1]
        assert job["status"] == "succeeded" and job["result"]["ok"] is True and job["progress"] == 100
        resumed = _call(f"{base}/api/v1/jobs/{cut_off}", headers)[1]  # the worker's beat queued it again
        while resumed["status"] not in ("succeeded", "failed"):
            assert time.monotonic() - started < 90, f"the job cut off by the restart was not resumed: {resumed}"
            time.sleep(0.5)
            resumed = _call(f"{base}/api/v1/jobs/{cut_off}", headers)[1]
        assert resumed["status"] == "succeeded" and resumed["result"]["ok"] is True
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode(errors="replace")
    assert "embedded queue: worker started" in output
    assert not list((instance / "queue" / "messages").glob("*"))  # every message was taken
