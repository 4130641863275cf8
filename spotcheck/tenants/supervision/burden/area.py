"""统计范围 (涉企检查频次): the area a bureau's figures cover — the businesses whose registry code lies in its region's
branch (at the root every business) — the departments named with their level as a drill-down lists them, and the
settings the statements over an area run with (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region


@dataclass(frozen=True)
class Area:
    """The businesses a region's figures cover: those whose registry code lies in the region's branch
    (``condition`` on :class:`Entity`; None at the root — every business, those outside the tree too), their codes'
    ``prefix`` (None at the root, whose branch is every department: nothing to open beside it)."""

    region: Region | None
    condition: sa.ColumnElement[bool] | None
    prefix: str | None = None

    @property
    def region_id(self) -> int | None:
        return self.region.id if self.region is not None else None


def area(region_id: int | None = None) -> Area:
    """The area of region ``region_id`` (None: the root's, the whole deployment)."""
    root = regions.root()
    region = regions.get_region(region_id) if region_id is not None else root
    if region is None or (root is not None and region.id == root.id):
        return Area(region, None)
    prefix = inspection_counts.code_prefix(region.code)
    return Area(region, sa.and_(Entity.region_code >= prefix, Entity.region_code < prefix + "~"), prefix)


def department_area(tenant_id: int | None) -> Area:
    """The area of department ``tenant_id``'s region (a justice bureau's: the businesses its figures cover)."""
    tenant = db.session.get(Tenant, tenant_id) if tenant_id is not None else None
    return area(tenant.region_id if tenant is not None else None)


def labels(tenant_ids: Iterable[int]) -> dict[int, str]:
    """Departments as a drill-down names them, with their region and level: ``海林市应急管理局（海林市，县级）`` — the
    same kind of department sits at several levels."""
    return inspection_counts.level_labels(tenant_ids)


def _within(query: sa.Select, entity_id: sa.SQLColumnExpression[int], where: Area) -> sa.Select:
    """``query`` kept to the businesses of the area (joined to the business where the area is not the root's)."""
    if where.condition is None:
        return query
    return query.join(Entity, Entity.id == entity_id).where(where.condition)


#: What the statements of 涉企检查频次 run with (PostgreSQL), for them only: planned for their values — a province's
#: branch (3,000 departments) is one array parameter, looked up hashed in a plan made for it, one element after another
#: in a plan kept for any (the driver prepares a statement run five times) — and the memory to group a province's year
#: of visits (800,000 checks) without spilling to disk, and to hash a city's businesses (840,000) where an area's rows
#: ask for them (``entity_id IN (…)``: at the server's 4 MB that is a scan of them all for every visit).
READ_SETTINGS = {"plan_cache_mode": "force_custom_plan", "work_mem": "64MB"}
#: And to pair a region's visits (:func:`.checks._pairs`) below the root, where they are few and estimated fewer
#: still (its businesses' range of codes, the policies' conditions: 14 rows for a county's 7,500), no nested loop: a
#: plan pairing each with every other of the area one by one (56 million comparisons, 6 s) rather than by business,
#: hashed (10 ms).
PAIRS_SETTINGS = {**READ_SETTINGS, "enable_nestloop": "off"}


def _pairing(where: Area) -> dict[str, str]:
    """The settings the statements pairing the visits of ``where`` run with (PostgreSQL)."""
    return READ_SETTINGS if where.condition is None else PAIRS_SETTINGS
