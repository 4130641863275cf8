"""Withdrawing old proofs from public view (隐去明细), as a command of the console: the department's proofs drawn
before blinding that name a business's risk class, flag or recusal get the redacted proof of DRAW-SPEC on the public
side (:mod:`spotcheck.tenants.campaigns.redaction`), each withdrawal audited in the department's trail
(``draw.redacted``). ``spotcheck draws redact`` and ``spotcheck db upgrade`` run it in each department in turn."""

from __future__ import annotations

from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import redaction


@command(Permission.DRAWS_REDACT)
def redact_old_proofs(data: dict | None = None, *, actor: Actor) -> list[redaction.Finding]:
    """Withdraw every proof of the current department that :func:`redaction.examine` finds revealing; returns every
    proof examined (those kept whole too). A proof withdrawn before is not examined again."""
    found = redaction.old_proofs()
    for finding in found:
        if finding.withdrawn:
            redaction.withdraw(finding, actor=actor)
    return found
