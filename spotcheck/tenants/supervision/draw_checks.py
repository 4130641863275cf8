"""Which blinded draws a justice bureau checks (待核验的抽取, DRAW-SPEC "The bureau's check"): the one read of them
outside the bureau's scope.

A version 3 draw (盲化抽取) is checked by the bureau that checks its department (:func:`.bureau.checking_bureau`: the
supervising bureau, else the root's), with the key and the clear file: every row. A joint campaign's draws are the
lead's rows: the lead's bureau checks them whole, and a bureau that checks one of its other departments checks that
department's rows (its clear rows, each id with its salt; never the key). Such a campaign may be led from above the
bureau's branch, and the root's bureau checks departments outside its own: so the draws are found by one system
look-up — of their ids, departments, names and times, and the bureau's own verdicts; nothing of a frame, a proof or
a key — and the check then reads the draw in its department's own scope
(:mod:`spotcheck.tenants.supervision.commands.draw_checks`). Whoever asks holds ``draws.check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db, one_of
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawCheck
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.vocabulary import ParticipantStatus
from spotcheck.tenants.supervision.bureau import checked_by

#: Why the look-up reads past the bureau's branch (the scope's reason).
REASON = "the blinded draws a justice bureau checks: its departments', and its departments' rows of joint draws"
#: The most draws a list shows (the newest first).
LISTED = 200


@dataclass(frozen=True)
class Checkable:
    """A drawn blinded draw the bureau checks: the draw by its campaign's number and title, its kind and its
    department (a joint campaign's lead); ``groups`` empty, the whole draw (with the key and the clear file); else
    the joint draw's groups of the bureau's departments (``group_names``), whose rows alone it checks. ``verdicts``:
    the bureau's own checks of it, the newest first."""

    draw_id: int
    campaign_id: int
    kind: str
    code: str
    title: str
    department_id: int
    department: str
    joint: bool
    drawn_at: datetime
    proof_sha256: str
    groups: tuple[str, ...] = ()
    group_names: tuple[str, ...] = ()
    verdicts: list[DrawCheck] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The draw's (one to-do per draw)."""
        return self.draw_id

    @property
    def whole(self) -> bool:
        return not self.groups

    @property
    def latest(self) -> DrawCheck | None:
        return self.verdicts[0] if self.verdicts else None

    @property
    def to_check(self) -> bool:
        """Not checked yet by the bureau, or not as its proof now stands (a replacement since)."""
        return self.latest is None or self.latest.proof_sha256 != self.proof_sha256


def checkable(bureau_id: int, *, draw: tuple[int, str] | None = None, limit: int = LISTED) -> list[Checkable]:
    """The drawn blinded draws bureau ``bureau_id`` checks, the newest first (``draw``: that campaign's draw of that
    kind alone), each with the bureau's verdicts on it: the departments it checks, then two statements of the system
    look-up (the draws, the joint parts), then its own verdicts in its scope."""
    mine = set(db.session.scalars(sa.select(Tenant.id).where(checked_by(bureau_id))))
    if not mine:
        return []
    parts = sa.select(JointParticipant.campaign_id).where(
        one_of(JointParticipant.receiver_tenant_id, mine), JointParticipant.status == ParticipantStatus.approved
    )
    statement = (
        sa.select(
            Draw.id,
            Draw.campaign_id,
            Draw.kind,
            Draw.drawn_at,
            Draw.proof_sha256,
            Campaign.code,
            Campaign.title,
            Campaign.tenant_id,
            Campaign.joint,
            Tenant.name,
        )
        .join(Campaign, Campaign.id == Draw.campaign_id)
        .join(Tenant, Tenant.id == Campaign.tenant_id)
        .where(
            Draw.blind_commitment.is_not(None),
            Draw.drawn_at.is_not(None),
            sa.or_(one_of(Campaign.tenant_id, mine), sa.and_(Campaign.joint.is_(True), Campaign.id.in_(parts))),
        )
        .order_by(Draw.drawn_at.desc(), Draw.id.desc())
        .limit(limit)
    )
    if draw is not None:
        statement = statement.where(Draw.campaign_id == draw[0], Draw.kind == draw[1])
    groups: dict[int, list[tuple[str, str]]] = {}
    with system_access(REASON):
        rows = db.session.execute(statement).all()
        led_elsewhere = sorted({row.campaign_id for row in rows if row.tenant_id not in mine})
        if led_elsewhere:
            for campaign_id, group, name in db.session.execute(
                sa.select(JointParticipant.campaign_id, JointParticipant.group_code, JointParticipant.department_name)
                .where(
                    JointParticipant.campaign_id.in_(led_elsewhere),
                    one_of(JointParticipant.receiver_tenant_id, mine),
                    JointParticipant.status == ParticipantStatus.approved,
                )
                .order_by(JointParticipant.group_code)
            ):
                groups.setdefault(campaign_id, []).append((group, name))
    verdicts = _verdicts(bureau_id, [row.id for row in rows])
    return [
        Checkable(
            draw_id=row.id,
            campaign_id=row.campaign_id,
            kind=row.kind.value,
            code=row.code or "",
            title=row.title,
            department_id=row.tenant_id,
            department=row.name,
            joint=row.joint,
            drawn_at=row.drawn_at,
            proof_sha256=row.proof_sha256 or "",
            groups=tuple(group for group, _ in groups.get(row.campaign_id, [])),
            group_names=tuple(name for _, name in groups.get(row.campaign_id, [])),
            verdicts=verdicts.get(row.id, []),
        )
        for row in rows
    ]


def _verdicts(bureau_id: int, draw_ids: list[int]) -> dict[int, list[DrawCheck]]:
    """The bureau's own verdicts on ``draw_ids`` (its rows: read in its own scope), the newest first."""
    found: dict[int, list[DrawCheck]] = {}
    if draw_ids:
        for verdict in db.session.scalars(
            sa.select(DrawCheck)
            .where(DrawCheck.tenant_id == bureau_id, one_of(DrawCheck.draw_id, draw_ids))
            .order_by(DrawCheck.checked_at.desc(), DrawCheck.id.desc())
        ):
            found.setdefault(verdict.draw_id, []).append(verdict)
    return found


def one(bureau_id: int, campaign_id: int, kind: str) -> Checkable:
    """The draw of ``kind`` of campaign ``campaign_id`` as bureau ``bureau_id`` checks it; NotFoundError for a draw
    another bureau checks, one not drawn or not blinded, as for one that does not exist."""
    found = checkable(bureau_id, draw=(campaign_id, kind), limit=1) if kind in ("targets", "inspectors") else []
    if not found:
        raise NotFoundError(_l("No such draw for your bureau to check."))
    return found[0]
