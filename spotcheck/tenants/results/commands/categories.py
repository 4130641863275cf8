"""Configuring a department's result categories (检查结果类别): the standard ones it uses, and
categories of its own field (the department's administrator)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import CategoryChoice
from spotcheck.tenants.results.vocabulary import CATEGORY_NAME_LENGTH, NO_PROBLEM


def _seed() -> list[CategoryChoice]:
    rows = categories.chosen_rows()
    if rows:
        return rows
    rows = [
        CategoryChoice(code=c.code, name=c.name, problem=c.problem, pending=c.pending, position=n)
        for n, c in enumerate(categories.standard())
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


@command(Permission.CATALOG_MANAGE)
def use_standard(codes: list[str], *, actor: Actor) -> list[categories.Category]:
    """Choose which standard categories the department uses (未发现问题 always stays)."""
    chosen = set(codes or ()) | {NO_PROBLEM}
    unknown = chosen - set(reference.RESULT_CATEGORIES)
    if unknown:
        raise InvalidInputError(
            {"codes": [_l("Unknown result category: %(codes)s.", codes="、".join(sorted(unknown)))]}
        )
    for row in _seed():
        if row.code in reference.RESULT_CATEGORIES:
            row.active = row.code in chosen
    audit.record(
        "result_categories.configured", "tenant", actor.tenant_id, actor=actor, details={"standard": sorted(chosen)}
    )
    categories.forget()
    return categories.every()


@command(Permission.CATALOG_MANAGE)
def add_own(data: dict, *, actor: Actor) -> categories.Category:
    """Add a category of the department's own field: its name, whether it says a problem was
    found, whether it sits under 发现问题待后续处理."""
    name = str(data.get("name") or "").strip()
    errors = {}
    if len(name) < 2 or len(name) > CATEGORY_NAME_LENGTH:
        errors["name"] = [_l("Name the category (2 to %(n)d characters).", n=CATEGORY_NAME_LENGTH)]
    rows = _seed()
    if any(row.name == name for row in rows):
        errors["name"] = [_l("There is already a category of this name.")]
    if errors:
        raise InvalidInputError(errors)
    pending = bool(data.get("pending"))
    row = CategoryChoice(
        code=f"own_{len(rows) + 1}",
        name=name,
        problem=bool(data.get("problem")) or pending,
        pending=pending,
        position=len(rows),
    )
    db.session.add(row)
    db.session.flush()
    categories.forget()
    audit.record(
        "result_categories.added",
        "tenant",
        actor.tenant_id,
        actor=actor,
        details={"code": row.code, "name": name, "problem": row.problem},
    )
    return categories.Category(row.code, row.name, row.problem, row.pending, True, False)


@command(Permission.CATALOG_MANAGE)
def set_own_active(code: str, active: bool, *, actor: Actor) -> None:
    """Take a category of the department's own out of use, or back (results that have it keep it)."""
    row = db.session.scalar(sa.select(CategoryChoice).where(CategoryChoice.code == str(code or "")))
    if row is None or row.code in reference.RESULT_CATEGORIES:
        raise InvalidInputError({"code": [_l("No such category of your department's own.")]})
    row.active = bool(active)
    categories.forget()
    audit.record(
        "result_categories.changed",
        "tenant",
        actor.tenant_id,
        actor=actor,
        details={"code": row.code, "active": row.active},
    )
