"""本级与下级 (a justice bureau's levels): of the departments a bureau reads (its region's branch), which it
supervises itself and which it reads as a lower region's, rolled up into one row of that region (下级区划汇总).

A bureau of region R reads R and every region below it. A department of that branch is one of the bureau's own
rows when no region between it and R has a justice bureau of its own: a department of R, or of a region below R
without a bureau (a town under a county, which the county's bureau supervises directly). Any other department counts
in the row of the **topmost** region below R, on the department's way up, that has its own bureau: that region's
sub-branch (the region and every region below it), whose bureau reports to R's. A sub-branch's row is the sum of its
departments' figures — the same figures its own bureau reads, row by row, on its own dashboard — with a drill-down to
any of its departments (:func:`spotcheck.tenants.supervision.queries.region_rows` with the sub-branch's region).

The same levels say who receives a table sent to the level above (:func:`receiver_of`): a department's table goes to
the bureau that supervises it (its region's, or the nearest above); a bureau's own table (a rulebook's area-wide
table, 城口县's 附件3) to the bureau of the region above it (the nearest bureau up the tree).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date

import sqlalchemy as sa

from spotcheck.core.database import db, one_of
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules.rulebook import Rules, rules_for_region
from spotcheck.tenants.supervision.figures import Status


@dataclass(frozen=True)
class Split:
    """A region's departments as its bureau reads them: its own rows (``direct``: department ids) and, by the
    lower region whose bureau supervises them (``below``: region id → department ids), those rolled up."""

    region: Region
    direct: list[int]
    below: dict[int, list[int]]
    #: The lower regions with a bureau of their own, by id (their rows' names), and each one's bureau.
    regions: dict[int, Region]
    bureaus: dict[int, Tenant]


def _bureau_regions(region: Region) -> dict[int, Tenant]:
    """The regions strictly below ``region`` that have an active justice bureau of their own, with that bureau (one
    query: the bureaus of the branch, by their region's path)."""
    found: dict[int, Tenant] = {}
    for tenant in db.session.scalars(
        sa.select(Tenant)
        .join(Region, Region.id == Tenant.region_id)
        .where(
            Tenant.kind == TenantKind.supervisor,
            Tenant.active.is_(True),
            Region.path.like(f"{region.path}%"),
            Region.id != region.id,
        )
        .order_by(Tenant.id)
    ):
        found.setdefault(tenant.region_id, tenant)
    return found


def split(region_id: int, tenant_ids: list[int]) -> Split:
    """``tenant_ids`` (departments of region ``region_id``'s branch) split into the region bureau's own rows and
    the sub-branches of the lower regions with a bureau of their own (their topmost on each department's way up).
    Three queries whatever the size: the region, the lower bureaus, the departments' regions' paths."""
    region = regions.get_region(region_id)
    bureaus = _bureau_regions(region)
    lower = {r.id: r for r in db.session.scalars(sa.select(Region).where(Region.id.in_(sorted(bureaus))))}
    by_code = {r.code: r.id for r in lower.values()}
    depth = len(region.codes)
    direct: list[int] = []
    below: dict[int, list[int]] = {}
    if tenant_ids:
        paths = db.session.execute(
            sa.select(Tenant.id, Region.path)
            .join(Region, Region.id == Tenant.region_id)
            .where(one_of(Tenant.id, tenant_ids))
        ).all()
        path_of = dict(paths)
        for tenant_id in tenant_ids:
            codes = [code for code in path_of.get(tenant_id, "").split("/") if code][depth:]
            top = next((by_code[code] for code in codes if code in by_code), None)
            if top is None:
                direct.append(tenant_id)
            else:
                below.setdefault(top, []).append(tenant_id)
    return Split(region, direct, below, lower, bureaus)


@dataclass
class RegionRow:
    """A lower region's row (下级区划汇总): the sum of its sub-branch's departments' figures (``status``: each count
    summed, the rates computed over the sums, no coverage goal — each department's is its own), how many
    departments it holds, how many have their 一单两库一细则 complete, and its plan filings counted by status."""

    region_id: int
    name: str  # the region's name (上城区)
    bureau: str  # its justice bureau's name (上城区司法局)
    departments: int
    status: Status
    complete: int = 0
    #: The year's plans (``year``) and the half-year plans (``half``) of its departments, counted by filing status.
    filings: dict[str, dict[str, int]] = field(default_factory=dict)


#: The figures of :class:`Status` that are counts (summed in a region's row); the others are the department's own.
COUNTS = tuple(
    f.name
    for f in fields(Status)
    if f.name not in ("tenant_id", "name", "code", "bureau", "plan_year", "plan_half", "withheld", "goals")
)


def roll_up(region: Region, bureau: Tenant | None, statuses: list[Status]) -> RegionRow:
    """One lower region's row from its departments' figures."""
    total = Status(tenant_id=0, name=region.name, code=region.code)
    year: Counter[str] = Counter()
    half: Counter[str] = Counter()
    for status in statuses:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + int(getattr(status, name)))
        year.update([status.plan_year.status] if status.plan_year is not None else [])
        half.update(filing.status for filing in status.plan_half)
    return RegionRow(
        region.id,
        region.name,
        bureau.name if bureau is not None else "",
        len(statuses),
        total,
        complete=sum(1 for s in statuses if s.basics),
        filings={"year": dict(year), "half": dict(half)},
    )


def rows(found: Split, statuses: list[Status]) -> tuple[list[Status], list[RegionRow]]:
    """The bureau's own department rows, and one rolled-up row per lower region with a bureau of its own (by the
    region's code), from the figures of every department of the branch."""
    by_id = {s.tenant_id: s for s in statuses}
    own = [by_id[t] for t in found.direct if t in by_id]
    rolled = [
        roll_up(found.regions[region_id], found.bureaus.get(region_id), [by_id[t] for t in ids if t in by_id])
        for region_id, ids in found.below.items()
    ]
    return own, sorted(rolled, key=lambda row: row.status.code)


def supervised_directly(bureau_id: int | None, tenants: list[Tenant]) -> list[Tenant]:
    """Of ``tenants`` (a bureau's branch), those bureau ``bureau_id`` supervises itself: its own rows."""
    region_id = region_of(bureau_id)
    if region_id is None:
        return tenants
    direct = set(split(region_id, [t.id for t in tenants]).direct)
    return [t for t in tenants if t.id in direct]


@dataclass(frozen=True)
class Received:
    """Whose tables a bureau receives: the departments' tables of those it supervises itself (``departments``),
    and the area-wide tables of the bureaus of the lower regions just below it (``bureaus``: each sends its own
    to the nearest bureau above its region — this one)."""

    departments: frozenset[int]
    bureaus: frozenset[int]

    def receives(self, tenant_id: int, area_wide: bool) -> bool:
        return tenant_id in (self.bureaus if area_wide else self.departments)


def received_by(bureau_id: int, tenant_ids: list[int]) -> Received:
    """Of ``tenant_ids`` (the bureau's branch), whose tables bureau ``bureau_id`` receives (:class:`Received`)."""
    region_id = region_of(bureau_id)
    if region_id is None:
        return Received(frozenset(), frozenset())
    found = split(region_id, tenant_ids)
    return Received(frozenset(found.direct), frozenset(t.id for t in found.bureaus.values()) & set(tenant_ids))


def region_of(tenant_id: int | None) -> int | None:
    """The region of department ``tenant_id`` (None: no department — the root's rules answer for it)."""
    if tenant_id is None:
        return None
    return db.session.scalar(sa.select(Tenant.region_id).where(Tenant.id == tenant_id))


def rules_of(tenant_id: int | None, on: date | None = None) -> Rules:
    """The rules of the level of department ``tenant_id`` (its region's: the national floor and each region's
    rulebook from the root down, no department's 细则) — what a bureau's figures, tables, assessment and notices go
    by; the root's for no department."""
    return rules_for_region(region_of(tenant_id), on)


def receiver_of(tenant: Tenant, area_wide: bool) -> Tenant | None:
    """The bureau that receives ``tenant``'s table: a department's (``area_wide`` false) goes to the bureau that
    supervises it; a bureau's own table (a rulebook sends it to the level above) to the nearest bureau of the region
    above its own (None: the bureau is at the root, or no region above has one)."""
    if not area_wide:
        return accounts.bureau_of(tenant.id)
    parent = db.session.scalar(sa.select(Region.parent_id).where(Region.id == tenant.region_id))
    return accounts.nearest_of_kind(TenantKind.supervisor, parent) if parent is not None else None


@dataclass(frozen=True)
class Reach:
    """Whom a bureau's notice of criticism (通报) may name (行政执法监督条例 第二条、第六条: a justice bureau supervises
    the departments of its level's government and the lower governments'): the departments it supervises — every
    department of its region's branch, its region and every region below it, itself included (``supervised``) — and
    its superiors, the justice bureaus of the regions above it (``superiors``); ``departments``: every department of
    the platform, which a text is read against."""

    bureau: Tenant
    departments: list[Tenant]
    supervised: frozenset[int]
    superiors: frozenset[int]

    def outside(self, named: list[Tenant]) -> list[Tenant]:
        """Of ``named``, the departments the bureau does not supervise."""
        return [tenant for tenant in named if tenant.id not in self.supervised]


def reach_of(bureau: Tenant) -> Reach:
    """:class:`Reach` of ``bureau``: every department read once, with its region (its full name's place)."""
    path = bureau.region.path
    departments = list(db.session.scalars(sa.select(Tenant).order_by(Tenant.id)))
    return Reach(
        bureau,
        departments,
        frozenset(t.id for t in departments if t.region.path.startswith(path)),
        frozenset(
            t.id
            for t in departments
            if t.kind == TenantKind.supervisor and path.startswith(t.region.path) and t.region.path != path
        ),
    )
