"""Audit-trail jobs: one department's chain verified on request, every chain nightly and the chains'
heads published daily (beat). The commands are the audit domain's (:mod:`spotcheck.tenants.audit.commands`)."""

from __future__ import annotations

from celery import shared_task

from spotcheck.core import audit
from spotcheck.core.job_models import Job
from spotcheck.core.policy import SCHEDULER
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.audit.commands import publish_audit_heads, verify_every_chain
from spotcheck.tenants.audit.vocabulary import PUBLISH_HEADS_TASK, VERIFY_ALL_TASK, VERIFY_TENANT_TASK


def _verify_tenant_chain(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
    checked, breaks = audit.verify(chain=job.tenant_id)
    progress(90)
    return {"checked": checked, "ok": not breaks, "first_break": str(breaks[0]) if breaks else None}


@shared_task(name=VERIFY_TENANT_TASK)
def verify_tenant_chain(job_id: int, tenant_id: int, user_id: int) -> jobs.JobResult:
    return jobs.run_job(job_id, tenant_id, user_id, _verify_tenant_chain)


@shared_task(name=VERIFY_ALL_TASK)
def verify_all_chains() -> jobs.JobResult:
    """Nightly (beat)."""
    return verify_every_chain(actor=SCHEDULER)


@shared_task(name=PUBLISH_HEADS_TASK)
def publish_heads() -> jobs.JobResult:
    """Every day (beat), after the nightly verification."""
    return publish_audit_heads(actor=SCHEDULER)
