"""Audit-trail verification jobs: one department's chain on request, every chain nightly (beat)."""
from __future__ import annotations

from celery import shared_task

from spotcheck.core import audit, audit_heads
from spotcheck.core.commands import command
from spotcheck.core.policy import SCHEDULER, Permission
from spotcheck.tasks import job_sweep, jobs
from spotcheck.tasks.models import Job


def _verify_tenant_chain(job, user, progress) -> dict:
    checked, breaks = audit.verify(chain=job.tenant_id)
    progress(90)
    return {"checked": checked, "ok": not breaks, "first_break": str(breaks[0]) if breaks else None}


@shared_task(name="spotcheck.audit.verify_tenant")
def verify_tenant_chain(job_id: int, tenant_id: int, user_id: int) -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _verify_tenant_chain)


@command(Permission.AUDIT_VIEW)
def request_verification(*, actor) -> Job:
    """Verify the department's audit chain (全程留痕) in the background; returns the job to watch."""
    return jobs.submit(verify_tenant_chain, "audit.verify", actor)


@command(Permission.PLATFORM_MAINTAIN)
def verify_every_chain(*, actor) -> dict:
    """Check every chain; the outcome is itself written to the platform's chain."""
    checked, breaks = audit.verify()
    outcome = {"checked": checked, "ok": not breaks, "breaks": [str(b) for b in breaks]}
    audit.record("audit.verified", "audit_chain", None, actor=actor, tenant_id=None, details=outcome)
    return outcome


@shared_task(name="spotcheck.audit.verify_all")
def verify_all_chains() -> dict:
    """Nightly (beat)."""
    return verify_every_chain(actor=SCHEDULER)


@command(Permission.PLATFORM_MAINTAIN)
def publish_audit_heads(*, actor) -> dict:
    """Publish the head of every audit chain that moved since its last (审计链头公示)."""
    added = audit_heads.publish()
    audit.record("audit.heads_published", "audit_chain", None, actor=actor, tenant_id=None,
                 details={"chains": [head.chain for head in added]})
    return {"published": len(added)}


@shared_task(name="spotcheck.audit.publish_heads")
def publish_heads() -> dict:
    """Every day (beat), after the nightly verification."""
    return publish_audit_heads(actor=SCHEDULER)


@shared_task(name="spotcheck.jobs.sweep")
def sweep_jobs() -> dict:
    """Every minute (beat): queue again the jobs the broker lost or whose worker died."""
    return job_sweep.sweep(actor=SCHEDULER)
