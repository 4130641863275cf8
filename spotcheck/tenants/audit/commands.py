"""审计链命令: verifying the audit chains (全程留痕) — a department's own in the background, every
chain nightly (beat) — and publishing the chains' heads (审计链头公示)."""

from __future__ import annotations

from spotcheck.core import audit, audit_heads, jobs
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.audit.vocabulary import VERIFY_TENANT_TASK


@command(Permission.AUDIT_VIEW)
def request_verification(*, actor: Actor) -> Job:
    """Verify the department's audit chain (全程留痕) in the background; returns the job to watch."""
    return jobs.submit(VERIFY_TENANT_TASK, "audit.verify", actor)


@command(Permission.PLATFORM_MAINTAIN)
def verify_every_chain(*, actor: Actor) -> dict:
    """Check every chain; the outcome is itself written to the platform's chain."""
    checked, breaks = audit.verify()
    outcome = {"checked": checked, "ok": not breaks, "breaks": [str(b) for b in breaks]}
    audit.record("audit.verified", "audit_chain", None, actor=actor, tenant_id=None, details=outcome)
    return outcome


@command(Permission.PLATFORM_MAINTAIN)
def publish_audit_heads(*, actor: Actor) -> dict:
    """Publish the head of every audit chain that moved since its last (审计链头公示)."""
    added = audit_heads.publish()
    audit.record(
        "audit.heads_published",
        "audit_chain",
        None,
        actor=actor,
        tenant_id=None,
        details={"chains": [head.chain for head in added]},
    )
    return {"published": len(added)}
