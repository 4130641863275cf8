"""涉企检查频次's reads: the figures of how often the businesses of the bureau's region (its branch) are inspected,
and the rows behind each — the justice bureau's alone, since they read every department's visits of a business,
of whatever level (:mod:`spotcheck.tenants.supervision.burden`). Their scope is the policy's
:func:`~spotcheck.tenants.supervision.policy.burden_scope`: the bureau's branch and, below the root, read-only,
every department's rows about the businesses of its region — each read recorded in the bureau's audit chain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.errors import ForbiddenError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.supervision.burden.area import department_area
from spotcheck.tenants.supervision.burden.figures import Burden, compute
from spotcheck.tenants.supervision.burden.rows import business_rows, rows_of
from spotcheck.tenants.supervision.drill_down import Rows
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.policy import burden_scope, sees_every_department
from spotcheck.tenants.supervision.vocabulary import BURDEN_BY_KEY


def _bureau_only(reader: Actor) -> int | None:
    """The bureau's region, whose businesses its figures cover (Forbidden for anyone but a bureau)."""
    if not sees_every_department(reader):
        raise ForbiddenError(
            _l("Only the justice bureau reads how often each business is inspected across the departments.")
        )
    return department_area(reader.tenant_id).region_id


@query(Permission.SUPERVISION_VIEW, scope=burden_scope)
def figures(period: Period, *, reader: Actor) -> Burden:
    """The 涉企检查频次 of ``period`` of the businesses of the bureau's region, a row for each region below."""
    return compute(period, _bureau_only(reader), reader=reader)


@query(Permission.SUPERVISION_VIEW, scope=burden_scope)
def rows(key: str, period: Period, *, reader: Actor) -> Rows:
    """The checks (or businesses) figure ``key`` counts."""
    region_id = _bureau_only(reader)
    if key not in BURDEN_BY_KEY:
        raise KeyError(key)
    return rows_of(key, period, region_id=region_id, reader=reader)


@query(Permission.SUPERVISION_VIEW, scope=burden_scope)
def business(code: str, period: Period, *, reader: Actor) -> tuple[Entity, Rows]:
    """One business's checks of ``period`` across the departments (what a business row of a drill-down opens)."""
    found = business_rows(code, period, region_id=_bureau_only(reader))
    if found is None:
        raise NotFoundError(_l("No entity with this code in the registry."))
    return found
