"""Audit-trail verification jobs: one tenant's chain on request, every chain nightly (beat)."""
from __future__ import annotations

from celery import shared_task

from spotcheck.core import audit
from spotcheck.core.database import db
from spotcheck.tasks.jobs import run_job


def _verify_tenant_chain(job, user, progress) -> dict:
    checked, breaks = audit.verify(chain=job.tenant_id)
    progress(90)
    return {"checked": checked, "ok": not breaks, "first_break": str(breaks[0]) if breaks else None}


@shared_task(name="spotcheck.audit.verify_tenant")
def verify_tenant_chain(job_id: int, tenant_id: int, user_id: int) -> dict:
    return run_job(job_id, tenant_id, user_id, _verify_tenant_chain)


@shared_task(name="spotcheck.audit.verify_all")
def verify_all_chains() -> dict:
    """Nightly check of every chain; the outcome is itself written to the platform chain."""
    checked, breaks = audit.verify()
    outcome = {"checked": checked, "ok": not breaks, "breaks": [str(b) for b in breaks]}
    audit.record("audit.verified", "audit_chain", None, tenant_id=None, details=outcome)
    db.session.commit()
    return outcome
