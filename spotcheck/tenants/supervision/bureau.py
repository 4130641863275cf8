"""The justice bureau that supervises a department (监督部门): the one place that says which bureau takes a
business's complaint about an inspection and keeps its evaluation of it (and whether it has one). Each region may
have its bureau; a department is supervised by the bureau of its region, or of the nearest region above that has
one (《行政执法监督条例》第二条、第六条: the 司法行政部门 of every county and above supervises its own level).

The bureau that checks a department's blinded draws (核验抽取, :func:`checking_bureau`) is that bureau; a department
no bureau supervises has its draws checked by the root's bureau (:func:`root_bureau`). :func:`checked_by` states the
same rule over the regions' paths, for finding every department one bureau checks in one statement."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.vocabulary import TenantKind
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.supervision.models import Evaluation


def supervising_bureau(tenant_id: int) -> Tenant | None:
    """The justice bureau that supervises department ``tenant_id`` (its region's, or the nearest above), or
    ``None`` while no region up to the root has one."""
    return accounts.bureau_of(tenant_id)


def evaluated_at(visit_id: int, about: int) -> datetime | None:
    """When the business evaluated visit ``visit_id`` of department ``about`` (``None``: not yet), read in the scope
    of the justice bureau that supervises the department, whose row the evaluation is: for the page of the holder of
    the visit's 企业核验码 alone (评价：已记录) — the public page of its code and the department say nothing of it."""
    bureau = supervising_bureau(about)
    if bureau is None:
        return None
    with tenant_scope(bureau.id):
        return db.session.scalar(sa.select(Evaluation.evaluated_at).where(Evaluation.visit_id == visit_id))


def _bureaus() -> list[tuple[int, str]]:
    """Every active justice bureau with its region's path (``/231000/231084/``), the nearest the root first (then by
    path, then by id: of two in one region, the first is the one :func:`supervising_bureau` answers)."""
    rows = db.session.execute(
        sa.select(Tenant.id, Region.path)
        .join(Region, Region.id == Tenant.region_id)
        .where(Tenant.kind == TenantKind.supervisor, Tenant.active.is_(True))
    ).all()
    return sorted(((tenant_id, path) for tenant_id, path in rows), key=lambda row: (row[1].count("/"), row[1], row[0]))


def root_bureau() -> Tenant | None:
    """The root's bureau (根级司法局): the bureau of the root region — or, where the root has none, of the region
    nearest it that has one (of several at one depth, the first by region code). It checks the draws of the
    departments no bureau supervises, which can exist only while the root has no bureau of its own."""
    bureaus = _bureaus()
    return accounts.get_tenant(bureaus[0][0]) if bureaus else None


def checking_bureau(tenant_id: int) -> Tenant | None:
    """The bureau that checks department ``tenant_id``'s blinded draws with their keys and clear files (核验抽取): the
    bureau that supervises it, else the root's (``None``: no bureau on the platform)."""
    return supervising_bureau(tenant_id) or root_bureau()


def checked_by(bureau_id: int) -> sa.ColumnElement[bool]:
    """The condition on :class:`Tenant` of the departments whose draws bureau ``bureau_id`` checks
    (:func:`checking_bureau` of each is that bureau): those of its region and below that no bureau further down
    supervises and, for the root's bureau, those of no bureau's region or below. One statement over the regions'
    paths, whatever the number of departments (a test holds it to :func:`checking_bureau`, department by
    department)."""
    bureaus = _bureaus()
    paths = dict(bureaus)
    own = paths.get(bureau_id)
    if own is None or next(tenant for tenant, path in bureaus if path == own) != bureau_id:
        return sa.false()  # out of service, or a second in its region: it supervises nobody
    below = [path for path in set(paths.values()) if path != own and path.startswith(own)]
    regions = sa.and_(Region.path.like(f"{own}%"), *(~Region.path.like(f"{path}%") for path in below))
    if bureaus[0][0] == bureau_id:  # the root's bureau: also the departments of no bureau's branch
        regions = sa.or_(regions, sa.and_(*(~Region.path.like(f"{path}%") for path in set(paths.values()))))
    return Tenant.region_id.in_(sa.select(Region.id).where(regions))
