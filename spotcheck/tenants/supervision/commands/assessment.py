"""Setting the assessment's deductions (考核扣分项设置), as a command of the justice bureau."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.supervision.assessment import Setting
from spotcheck.tenants.supervision.models import DeductionRule
from spotcheck.tenants.supervision.vocabulary import DEDUCTION_BY_CODE


@command(Permission.SUPERVISION_MANAGE)
def configure(code: str, data: dict, *, actor: Actor) -> Setting:
    """Set one deduction (扣分项设置, ``code``): ``data`` points per occurrence and the most it takes
    off (0–100), and whether it counts (``active``)."""
    points, cap, active = data.get("points"), data.get("cap"), bool(data.get("active"))
    if code not in DEDUCTION_BY_CODE:
        raise InvalidInputError({"code": [_l("No such deduction.")]})
    errors, values = {}, {}
    for name, raw, label in (
        ("points", points, _l("Points per occurrence")),
        ("cap", cap, _l("Most points taken off")),
    ):
        try:
            value = float(raw)  # type: ignore[arg-type]  # none: TypeError, refused below
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= 100:  # NaN fails the comparison too
            errors[name] = [_l("%(field)s: enter a number from 0 to 100.", field=label)]
        else:
            values[name] = value
    if errors:
        raise InvalidInputError(errors)
    row = db.session.scalar(sa.select(DeductionRule).where(DeductionRule.code == code))
    if row is None:
        row = DeductionRule(code=code)
        db.session.add(row)
    row.points, row.cap, row.active = values["points"], values["cap"], bool(active)
    row.updated_by_name, row.updated_at = actor.display_name, now()
    db.session.flush()
    audit.record(
        "assessment.configured",
        "deduction_rule",
        row.id,
        actor=actor,
        details={"code": code, "points": row.points, "cap": row.cap, "active": row.active},
    )
    return Setting(DEDUCTION_BY_CODE[code], row.points, row.cap, row.active, row.updated_by_name)
