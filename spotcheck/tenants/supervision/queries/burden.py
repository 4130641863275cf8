"""涉企检查频次's reads: the area's figures of how often the businesses are inspected, and the rows behind each —
the justice bureau's alone, since they read every department's visits of a business
(:mod:`spotcheck.tenants.supervision.burden`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.errors import ForbiddenError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.supervision import burden
from spotcheck.tenants.supervision.drill_down import Rows
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.policy import across, sees_every_department
from spotcheck.tenants.supervision.vocabulary import BURDEN_BY_KEY

Burden = burden.Burden


def _bureau_only(reader: Actor) -> None:
    if not sees_every_department(reader):
        raise ForbiddenError(
            _l("Only the justice bureau reads how often each business is inspected across the departments.")
        )


@query(Permission.SUPERVISION_VIEW, scope=across)
def figures(period: Period, *, reader: Actor) -> burden.Burden:
    """The area's 涉企检查频次 of ``period``."""
    _bureau_only(reader)
    return burden.compute(period)


@query(Permission.SUPERVISION_VIEW, scope=across)
def rows(key: str, period: Period, *, reader: Actor) -> Rows:
    """The checks (or businesses) figure ``key`` counts."""
    _bureau_only(reader)
    if key not in BURDEN_BY_KEY:
        raise KeyError(key)
    return burden.rows_of(key, period)


@query(Permission.SUPERVISION_VIEW, scope=across)
def business(code: str, period: Period, *, reader: Actor) -> tuple[Entity, Rows]:
    """One business's checks of ``period`` across the departments (what a business row of a drill-down opens)."""
    _bureau_only(reader)
    found = burden.business_rows(code, period)
    if found is None:
        raise NotFoundError(_l("No entity with this code in the registry."))
    return found
