"""Background jobs through Celery: eagerly in the web process, and on a real worker over Redis."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.job_models import JobStatus
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.audit.commands import request_verification
from tests.support.helpers import REDIS_URL, bearer, make_app, tenant_id, user_named
from tests.support.workers import JOB_TIMEOUT, _poll_job

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

                actions = list(
                    db.session.scalars(
                        sa.select(AuditEntry.action)
                        .where(AuditEntry.object_type == "job", AuditEntry.object_id == str(job_id))
                        .order_by(AuditEntry.seq)
                    )
                )
                assert actions == ["job.submitted", "job.succeeded"]
            checked, breaks = audit.verify()
            assert checked > 0 and breaks == []
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        celery_app.close()
