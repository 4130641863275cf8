"""抽取核验结论: a justice bureau's verdicts on a blinded draw (:class:`~.models.DrawCheck`) — written by the bureau's
check (:func:`record`, called by :func:`spotcheck.tenants.supervision.commands.draw_checks.check_draw` in the bureau's
scope, the row shared with the department that keeps the draw) and read for the draw's public page
(:func:`spotcheck.tenants.campaigns.queries.public.bureau_verdicts`, in that department's scope)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.draw.verify import Check
from spotcheck.tenants.campaigns.models import DrawCheck, DrawKind


def record(
    draw_id: int,
    campaign_id: int,
    kind: str,
    department_id: int,
    *,
    bureau_name: str,
    groups: Iterable[tuple[str, str]],
    checks: list[Check],
    proof_sha256: str,
    actor: Actor,
) -> DrawCheck:
    """Keep the verdict of the current bureau on a draw of department ``department_id`` (its ``groups``: a joint draw's
    departments whose rows alone it checked, ``(group, name)``; none, the whole draw): passed when every check
    holds. A step of the bureau's check command."""
    listed = list(groups)
    verdict = DrawCheck(
        draw_id=draw_id,
        campaign_id=campaign_id,
        kind=DrawKind(kind),
        receiver_tenant_id=department_id,
        groups=[group for group, _ in listed],
        group_names=[name for _, name in listed],
        passed=bool(checks) and all(check.ok for check in checks),
        checks=[asdict(check) for check in checks],
        proof_sha256=proof_sha256,
        bureau_name=bureau_name,
        checked_by_name=getattr(actor, "display_name", "") or "",
        checked_at=now(),
    )
    db.session.add(verdict)
    db.session.flush()
    return verdict
