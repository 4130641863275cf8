"""涉企检查频次 (国办发〔2024〕54号: 合理确定检查频次、避免重复检查): how often each business is inspected across the
departments and levels — the justice bureau's figures of a period, for its region, each drilling down to its checks.

A **check** (检查) is an on-site visit whose result was reported, dated by its ``checked_on`` in the period; a
joint visit (联合检查) is one check however many departments' rows it has. A region's figures cover the businesses
located in its branch (:class:`Area`: a registry code lying in the region or a region below it; at the root every
business, those outside the tree too), whichever department, of whatever level, checked them — with a row for each
region below, the figures grouped by region in the database (:func:`by_region`). The business feels one history
across the levels, and so does the bureau's official: a county's figures count the city department's check of a
county business as the city's figures do, so that the city's row for the county is the county's own figures; and
they hold nothing of a business located elsewhere, whoever checked it.

The reads (:mod:`spotcheck.tenants.supervision.queries.burden`) open the bureau's branch and, below the root,
read-only, every department's rows about the businesses of its region (:attr:`Area.prefix`, the scope's ``area``:
:class:`~spotcheck.core.scoping.AreaReadable`) — their visits and the campaigns of them, and for the draws' figures
the random campaigns, target draws and drawn targets as published of the departments that drew one of them; nothing
else of a department outside the branch (its other visits, its complaints, its inspectors). Every row a drill-down
lists names its departments with their level (``牡丹江市应急管理局（牡丹江市，市级）``). The bureau's other pages
keep to its branch. The definitions are
:data:`spotcheck.tenants.supervision.vocabulary.BURDEN_FIGURES`; the repeated draws' statistic is in
:mod:`.repeated_draws`. The rules asked are the region's (``rules_for_region``) on the period's day; a business's
yearly cap is its own region's (:mod:`spotcheck.tenants.campaigns.inspection_counts`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawKind, InspectionCount
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.rulebook import rules_for, rules_for_region
from spotcheck.tenants.supervision import repeated_draws
from spotcheck.tenants.supervision.conditions import REPORTED, Condition, as_of, between
from spotcheck.tenants.supervision.drill_down import Rows
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import BURDEN_COLUMNS


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
    return Area(region, Entity.region_code.startswith(prefix), prefix)


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


#: A check's key: a joint campaign's id for a joint visit (one check for all its departments), else minus the
#: visit's id.
_KEY = sa.case((Campaign.joint_id.is_(None), -Visit.id), else_=Campaign.joint_id)


def _counted(period: Period, until: date | None = None) -> Condition:
    """The reported on-site visits of the period (up to ``until``)."""
    condition = sa.and_(Visit.status.in_(REPORTED), between(Visit.checked_on, period), Visit.method == "onsite")
    return condition if until is None else sa.and_(condition, Visit.checked_on <= until)


def _checks(period: Period, where: Area, until: date | None = None) -> sa.Subquery:
    """One row per check of the period of a business of the area: the business, the key, the day, how many
    department rows."""
    query = sa.select(
        Visit.entity_id,
        _KEY.label("key"),
        sa.func.min(Visit.checked_on).label("day"),
        sa.func.count().label("rows"),
    ).join(Campaign, Campaign.id == Visit.campaign_id)
    return (
        _within(query, Visit.entity_id, where).where(_counted(period, until)).group_by(Visit.entity_id, _KEY).subquery()
    )


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


@dataclass(frozen=True)
class RegionFigures:
    """One row of a region's figures, for a region below it (``region``) or for the businesses of the region itself
    in none below (``region`` None): its checks, joint visits, businesses checked, and businesses over a cap."""

    region: Region | None
    onsite: int = 0
    joint: int = 0
    businesses: int = 0
    over_cap: int = 0


@dataclass
class Burden:
    """A region's figures of a period (the keys of ``BURDEN_FIGURES``), with a row for each region below."""

    period: Period
    region: Region | None = None  # the region whose businesses are counted (None: no tree)
    below: list[RegionFigures] = dataclasses.field(default_factory=list)
    onsite: int = 0  # 现场检查户次 (a joint visit once)
    joint: int = 0  # of which joint visits
    last_year: int = 0  # 上年同期现场检查户次
    businesses: int = 0  # 被检查企业户数
    most: int = 0  # one business's most checks
    spread: dict[int, int] = dataclasses.field(default_factory=dict)  # checks → businesses (4 = 4 or more)
    over_cap: int = 0
    repeated: int = 0  # businesses checked by different departments within the window
    suspicious: int = 0  # a department's draws of one business unlikely by its rules' ratios
    window_days: int = 30

    @property
    def joint_rate(self) -> float | None:
        return round(100 * self.joint / self.onsite, 1) if self.onsite else None

    @property
    def per_business(self) -> float | None:
        return round(self.onsite / self.businesses, 2) if self.businesses else None

    @property
    def change(self) -> float | None:
        """This period's checks against the same period of last year, in per cent (+ more, − fewer)."""
        return round(100 * (self.onsite - self.last_year) / self.last_year, 1) if self.last_year else None


def _counts(period: Period, where: Area, until: date | None = None) -> tuple[int, int]:
    checks = _checks(period, where, until)
    onsite, joint = db.session.execute(sa.select(sa.func.count(), sa.func.count().filter(checks.c.key > 0))).one()
    return onsite, joint


def compute(period: Period, region_id: int | None = None) -> Burden:
    """The figures of region ``region_id``'s businesses (None: the root's, every business) for ``period``, under the
    region's rules, with a row for each region below (:func:`by_region`)."""
    where = area(region_id)
    rules = rules_for_region(where.region_id, as_of(period))
    found = Burden(period=period, region=where.region, window_days=rules.repeat_window_days)
    until = min(period.end, today())  # a period under way: last year's up to the same day
    found.onsite, found.joint = _counts(period, where)
    found.last_year = _counts(dataclasses.replace(period, year=period.year - 1), where, _year_before(until))[0]
    checks = _checks(period, where)
    per = sa.select(checks.c.entity_id, sa.func.count().label("n")).group_by(checks.c.entity_id).subquery()
    for n, businesses in db.session.execute(sa.select(per.c.n, sa.func.count()).group_by(per.c.n)):
        found.businesses += businesses
        found.most = max(found.most, n)
        found.spread[min(n, 4)] = found.spread.get(min(n, 4), 0) + businesses
    found.over_cap = db.session.scalar(sa.select(sa.func.count()).select_from(_over_cap(period, where))) or 0
    found.repeated = len({row.entity_id for row in repeated(period, found.window_days, where)})
    found.suspicious = len(repeated_draws.flagged(period.year, rules.repeat_draw_alpha, where.condition))
    found.below = by_region(period, where)
    return found


def by_region(period: Period, where: Area) -> list[RegionFigures]:
    """The area's figures, a row for each region directly below its region (every one, none checked too), then the
    region's own businesses in none of them (when any is counted): each business counted in the deepest — grouped
    in the database, the rows summing to the area's figures. None where the region has none below."""
    if where.region is None:
        return []
    below = list(db.session.scalars(sa.select(Region).where(Region.parent_id == where.region.id).order_by(Region.code)))
    if not below:
        return []
    of = sa.case(
        *[
            (Entity.region_code.startswith(inspection_counts.code_prefix(r.code)), r.id)
            for r in sorted(below, key=lambda r: -len(inspection_counts.code_prefix(r.code)))
        ],
        else_=0,
    ).label("region")
    checks = _checks(period, where)
    figures: dict[int, dict[str, int]] = defaultdict(dict)
    for region, onsite, joint, businesses in db.session.execute(
        sa.select(
            of, sa.func.count(), sa.func.count().filter(checks.c.key > 0), sa.func.count(checks.c.entity_id.distinct())
        )
        .select_from(checks.join(Entity, Entity.id == checks.c.entity_id))
        .group_by(of)
    ):
        figures[region].update(onsite=onsite, joint=joint, businesses=businesses)
    over = _over_cap(period, where)
    for region, n in db.session.execute(
        sa.select(of, sa.func.count()).select_from(over.join(Entity, Entity.id == over.c.entity_id)).group_by(of)
    ):
        figures[region]["over_cap"] = n
    rows = [RegionFigures(r, **figures.get(r.id, {})) for r in below]
    return rows + ([RegionFigures(None, **figures[0])] if figures.get(0) else [])


# --- drill-downs ------------------------------------------------------------------------------------


def most_checked(period: Period, limit: int = 200, where: Area | None = None) -> list[tuple[Entity, int]]:
    """The businesses of the area (the root's by default) checked most in the period, with their checks."""
    checks = _checks(period, where or area())
    rows = db.session.execute(
        sa.select(checks.c.entity_id, sa.func.count().label("n"))
        .group_by(checks.c.entity_id)
        .order_by(sa.desc("n"), checks.c.entity_id)
        .limit(limit)
    ).all()
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_([r[0] for r in rows])))}
    return [(entities[entity_id], n) for entity_id, n in rows]


@dataclass(frozen=True)
class Visited:
    """One department's visit of a business (a row of a check: a joint visit has one per department), the
    department named with its level (:func:`labels`)."""

    entity_id: int
    visit_id: int
    key: int
    department_id: int
    department: str
    checked_on: date


def _listed() -> sa.Select:
    """The visits as :class:`Visited` rows are read (their departments named after)."""
    return sa.select(Visit.entity_id, Visit.id, _KEY, Visit.tenant_id, Visit.checked_on).join(
        Campaign, Campaign.id == Visit.campaign_id
    )


def visits_of(period: Period, entity_ids: Iterable[int], *, onsite_only: bool = True) -> list[Visited]:
    """The reported visits of the given businesses in the period, by business and day."""
    wanted = sorted(set(entity_ids))
    if not wanted:
        return []
    query = (
        _listed()
        .where(Visit.entity_id.in_(wanted), Visit.status.in_(REPORTED), between(Visit.checked_on, period))
        .order_by(Visit.entity_id, Visit.checked_on, Visit.id)
    )
    if onsite_only:
        query = query.where(Visit.method == "onsite")
    rows = db.session.execute(query).all()
    named = labels(row.tenant_id for row in rows)
    return [
        Visited(entity_id, visit_id, key, tenant_id, named.get(tenant_id, ""), day)
        for entity_id, visit_id, key, tenant_id, day in rows
    ]


@dataclass(frozen=True)
class Check:
    """One check as a drill-down lists it: the unit the figures count — a business's on-site visit, a joint visit
    once with every department whose reported result it holds — under the campaign the public portal shows it
    (a joint visit: its joint campaign, named by its own code)."""

    entity: Entity
    day: date
    departments: tuple[str, ...]
    campaign_code: str
    on_portal: int

    @property
    def ref(self) -> tuple:
        return ("check", self.on_portal, self.entity.code)


_JOINT = aliased(Campaign)


def checks_of(
    period: Period,
    *,
    joint_only: bool = False,
    entity_id: int | None = None,
    limit: int = 200,
    where: Area | None = None,
) -> tuple[int, list[Check]]:
    """How many checks of the period of the area's businesses (joint visits only, one business's only), and the
    latest ``limit``."""
    condition = _counted(period)
    if joint_only:
        condition = sa.and_(condition, Campaign.joint_id.is_not(None))
    if entity_id is not None:
        condition = sa.and_(condition, Visit.entity_id == entity_id)
    checks = (
        _within(
            sa.select(Visit.entity_id, _KEY.label("key"), sa.func.min(Visit.checked_on).label("day")).join(
                Campaign, Campaign.id == Visit.campaign_id
            ),
            Visit.entity_id,
            where or area(),
        )
        .where(condition)
        .group_by(Visit.entity_id, _KEY)
    ).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(checks)) or 0
    listed = db.session.execute(
        sa.select(checks).order_by(checks.c.day.desc(), checks.c.entity_id, checks.c.key).limit(limit)
    ).all()
    entities = {
        e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_({r.entity_id for r in listed})))
    }
    departments: dict[tuple[int, int], list[int]] = defaultdict(list)
    portal: dict[tuple[int, int], tuple[str, int]] = {}
    for business, key, tenant_id, code, on_portal in db.session.execute(
        sa.select(
            Visit.entity_id,
            _KEY,
            Visit.tenant_id,
            sa.func.coalesce(_JOINT.code, Campaign.code),
            sa.func.coalesce(Campaign.joint_id, Campaign.id),
        )
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .outerjoin(_JOINT, _JOINT.id == Campaign.joint_id)
        .where(condition, Visit.entity_id.in_(list(entities)))
        .order_by(Visit.tenant_id, Visit.id)
    ):
        if tenant_id not in departments[(business, key)]:
            departments[(business, key)].append(tenant_id)
        portal[(business, key)] = (code or "", on_portal)
    named = labels(t for ids in departments.values() for t in ids)
    return total, [
        Check(
            entities[r.entity_id],
            r.day,
            tuple(named[t] for t in departments[(r.entity_id, r.key)]),
            *portal[(r.entity_id, r.key)],
        )
        for r in listed
    ]


def repeated(period: Period, window_days: int, where: Area | None = None) -> list[Visited]:
    """The visits of the area's businesses checked by different departments within ``window_days`` of each other
    (by ``checked_on``) in two checks, not one joint visit: every visit of such a pair."""
    checks = _within(
        sa.select(Visit.entity_id).join(Campaign, Campaign.id == Visit.campaign_id),
        Visit.entity_id,
        where or area(),
    ).where(Visit.status.in_(REPORTED), between(Visit.checked_on, period), Visit.method == "onsite")
    candidates = checks.group_by(Visit.entity_id).having(sa.func.count(sa.distinct(Visit.tenant_id)) > 1)
    by_entity: dict[int, list[Visited]] = defaultdict(list)
    for visit in visits_of(period, db.session.scalars(candidates)):
        by_entity[visit.entity_id].append(visit)
    found: dict[int, Visited] = {}
    for visits in by_entity.values():
        for n, first in enumerate(visits):
            for second in visits[n + 1 :]:
                if (second.checked_on - first.checked_on).days > window_days:
                    break
                if first.key != second.key and first.department_id != second.department_id:
                    found[first.visit_id], found[second.visit_id] = first, second
    return sorted(found.values(), key=lambda v: (v.entity_id, v.checked_on, v.visit_id))


@dataclass(frozen=True)
class OverCap:
    """A business counted more often in the year than a cap allows: the cap, whose it is, and the campaigns."""

    entity: Entity
    counted: int
    cap: int
    whose: str  # the department whose own cap it is; "" for the business's yearly cap (its region's)
    campaigns: tuple[str, ...]
    concurrent: bool  # two frames were frozen before either drew it: each found it below its cap
    rule: str = ""  # the document and article setting the cap: for the yearly cap, the business's region's rules'


def _over_cap(period: Period, where: Area) -> sa.Subquery:
    """SQL, one row a business of the area over a cap in the period's year (the register
    :class:`~spotcheck.campaigns.models.InspectionCount`): its yearly cap, its region's (department NULL), under the
    rules of its region on the period's day and the kinds they leave out; or a department's own cap, under the
    department's rules (its ``counts``). Columns ``entity_id``, ``department_id``, ``counted``, ``cap``."""
    on, year = as_of(period), period.year
    caps = inspection_counts.tree_caps(on)
    keys = sa.func.count(sa.distinct(InspectionCount.counted_as))
    parts: list[sa.Select] = []
    for index, (cap, exempt) in enumerate(caps.classes):
        if cap is None:
            continue
        query = sa.select(
            InspectionCount.entity_id,
            sa.cast(sa.null(), sa.Integer).label("department_id"),
            keys.label("counted"),
            sa.literal(cap).label("cap"),
        ).where(InspectionCount.year == year, InspectionCount.kind.is_not(None))
        if exempt:
            query = query.where(InspectionCount.kind.not_in(sorted(exempt)))
        if len(caps.classes) > 1 or where.condition is not None:
            query = query.join(Entity, Entity.id == InspectionCount.entity_id)
            if len(caps.classes) > 1:
                query = query.where(caps.class_of(Entity.region_code) == index)
            if where.condition is not None:
                query = query.where(where.condition)
        parts.append(query.group_by(InspectionCount.entity_id).having(keys > cap))
    departments = db.session.scalars(
        sa.select(InspectionCount.department_id).where(InspectionCount.year == year).distinct()
    ).all()
    by_cap: dict[int, list[int]] = defaultdict(list)
    for department_id in departments:
        own = rules_for(department_id, on).department_inspection_cap
        if own is not None:
            by_cap[own].append(department_id)
    for cap, ids in sorted(by_cap.items()):
        query = sa.select(
            InspectionCount.entity_id,
            InspectionCount.department_id,
            keys.label("counted"),
            sa.literal(cap).label("cap"),
        ).where(InspectionCount.year == year, InspectionCount.counts.is_(True), InspectionCount.department_id.in_(ids))
        parts.append(
            _within(query, InspectionCount.entity_id, where)
            .group_by(InspectionCount.entity_id, InspectionCount.department_id)
            .having(keys > cap)
        )
    if not parts:
        return (
            sa.select(
                sa.literal(0).label("entity_id"),
                sa.literal(0).label("department_id"),
                sa.literal(0).label("counted"),
                sa.literal(0).label("cap"),
            )
            .where(sa.false())
            .subquery()
        )
    return (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()


def over_cap(period: Period, where: Area | None = None, limit: int | None = None) -> list[OverCap]:
    """The businesses of the area (the root's by default) whose counted checks of the year exceed their yearly cap
    (their region's) or a department's own, the most counted first (at most ``limit``)."""
    where = where or area()
    over = _over_cap(period, where)
    query = sa.select(over).order_by(over.c.counted.desc(), over.c.entity_id, sa.func.coalesce(over.c.department_id, 0))
    found = db.session.execute(query if limit is None else query.limit(limit)).all()
    if not found:
        return []
    ids = sorted({row.entity_id for row in found})
    on = as_of(period)
    caps = inspection_counts.tree_caps(on)
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_(ids)))}
    counted = db.session.execute(
        sa.select(
            InspectionCount.entity_id,
            InspectionCount.department_id,
            InspectionCount.counted_as,
            InspectionCount.campaign_code,
            InspectionCount.kind,
            InspectionCount.counts,
        ).where(InspectionCount.year == period.year, InspectionCount.entity_id.in_(ids))
    ).all()
    names = labels({r.department_id for r in found} - {None})
    out = []
    for row in found:
        entity = entities[row.entity_id]
        if row.department_id is None:
            exempt = caps.classes[caps.index_of(entity.region_code)][1]
            keys = {
                r.counted_as: r.campaign_code
                for r in counted
                if r.entity_id == row.entity_id and r.kind is not None and r.kind not in exempt
            }
            rule = inspection_counts.rules_of_business(entity.region_code, on)[1].cite(inspection_counts.TOTAL)
        else:
            keys = {
                r.counted_as: r.campaign_code
                for r in counted
                if r.entity_id == row.entity_id and r.department_id == row.department_id and r.counts
            }
            rule = rules_for(row.department_id, on).cite(inspection_counts.OWN)
        out.append(
            OverCap(
                entity,
                row.counted,
                row.cap,
                names.get(row.department_id, "") if row.department_id is not None else "",
                tuple(sorted(keys.values())),
                _concurrent(list(keys)),
                rule,
            )
        )
    return out


def _concurrent(keys: list[str]) -> bool:
    """Whether the last two target draws counted were frozen each before the other drew: neither frame could
    see the other's draw (the figure flags it; the registry is never locked for it)."""
    ids = [int(key.split(":")[1]) for key in keys]
    moments = db.session.execute(
        sa.select(Draw.frozen_at, Draw.drawn_at)
        .join(Campaign, Campaign.id == Draw.campaign_id)
        .where(
            Draw.kind == DrawKind.targets,
            Draw.drawn_at.is_not(None),
            sa.or_(Campaign.id.in_(ids), Campaign.joint_id.in_(ids)),
        )
        .order_by(Draw.drawn_at)
    ).all()
    return len(moments) >= 2 and moments[-1].frozen_at < moments[-2].drawn_at


# --- the rows behind each figure ------------------------------------------------------------------------
#
# Each drill-down lists the units its figure counts, so that the figure (or, for a rate, the count it is the
# share of) is the number of rows: a business once (``("business", code, period code)``: its checks of the
# period), a check once (``("check", portal campaign id, business code)``: the business on its campaign's page).


def _business_rows(columns: list[str], rows: list[list], entities: list[Entity], total: int, period_code: str) -> Rows:
    return Rows(columns, rows, total, [("business", e.code, period_code) for e in entities])


def _check_rows(total: int, checks: list[Check]) -> Rows:
    """Checks as a drill-down lists them: the campaign first (what the row opens), every department of a joint one."""
    return Rows(
        BURDEN_COLUMNS["checks"],
        [[c.campaign_code, c.entity.name, c.entity.code, "、".join(c.departments), c.day] for c in checks],
        total,
        [c.ref for c in checks],
    )


def _over_cap_rows(period: Period, limit: int, where: Area) -> Rows:
    """One row a business checked more often in the year than a cap allows (检查次数上限): the cap and whose it is
    (a department's own; else the business's yearly cap, with the rule of its region)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(_over_cap(period, where))) or 0
    found = over_cap(period, where, limit)
    return _business_rows(
        BURDEN_COLUMNS["over_cap"],
        [
            [
                o.entity.name,
                o.entity.code,
                o.counted,
                o.cap,
                o.whose or f"{o.rule or '实施方案'}（年度总上限）",
                "、".join(o.campaigns),
                "两个抽取范围同时冻结" if o.concurrent else "",
            ]
            for o in found[:limit]
        ],
        [o.entity for o in found[:limit]],
        total,
        str(period.year),  # the cap is counted by the year
    )


def _repeated_rows(period: Period, limit: int, where: Area) -> Rows:
    """One row a business checked by different departments within the window (the rules in force at the period's
    end): its checks of the period (date and departments, a joint visit once)."""
    window_days = rules_for_region(where.region_id, as_of(period)).repeat_window_days
    flagged = sorted({visit.entity_id for visit in repeated(period, window_days, where)})
    by_entity: dict[int, dict[int, list[Visited]]] = defaultdict(lambda: defaultdict(list))
    for visit in visits_of(period, flagged[:limit]):
        by_entity[visit.entity_id][visit.key].append(visit)
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_(flagged[:limit])))}
    listed = [entities[entity_id] for entity_id in flagged[:limit]]
    checks = {
        e.id: sorted(
            (min(v.checked_on for v in rows), "、".join(dict.fromkeys(v.department for v in rows)))
            for rows in by_entity[e.id].values()
        )
        for e in listed
    }
    return _business_rows(
        BURDEN_COLUMNS["repeated"],
        [
            [e.name, e.code, len(checks[e.id]), "；".join(f"{day} {names}" for day, names in checks[e.id])]
            for e in listed
        ],
        listed,
        len(flagged),
        period.code,
    )


def _per_business_rows(period: Period, limit: int, where: Area) -> Rows:
    """The businesses checked most often in the period, one row each with its number of checks."""
    most = most_checked(period, limit, where)
    checked = db.session.scalar(sa.select(sa.func.count(sa.distinct(_checks(period, where).c.entity_id)))) or 0
    return _business_rows(
        BURDEN_COLUMNS["per_business"],
        [[e.name, e.code, n] for e, n in most],
        [e for e, _ in most],
        checked,
        period.code,
    )


def _suspicious_rows(period: Period, limit: int, where: Area) -> Rows:
    """One row a business drawn in the year more often than chance would have it (重复抽取, at the rules' threshold
    in force at the period's end; :mod:`.repeated_draws`)."""
    alpha = rules_for_region(where.region_id, as_of(period)).repeat_draw_alpha
    flagged = repeated_draws.flagged(period.year, alpha, where.condition)
    return _business_rows(
        BURDEN_COLUMNS["suspicious"],
        [
            [
                f.entity.name,
                f.entity.code,
                f.department,
                f.drawn,
                f.expected,
                f"{f.chance:.2%}",
                "、".join(f.campaigns),
            ]
            for f in flagged[:limit]
        ],
        [f.entity for f in flagged[:limit]],
        len(flagged),
        str(period.year),  # the repeated draws are counted by the year
    )


#: The rows behind each figure of 涉企检查频次, by the figure's key (:data:`.vocabulary.BURDEN_FIGURES`): read for a
#: period, at most ``limit`` rows, of an area's businesses; :func:`rows_of` reads them.
ROWS: dict[str, Callable[[Period, int, Area], Rows]] = {
    "over_cap": _over_cap_rows,
    "repeated": _repeated_rows,
    "onsite": lambda period, limit, where: _check_rows(*checks_of(period, limit=limit, where=where)),
    "joint_rate": lambda period, limit, where: _check_rows(
        *checks_of(period, joint_only=True, limit=limit, where=where)
    ),
    "per_business": _per_business_rows,
    "suspicious": _suspicious_rows,
}


def rows_of(key: str, period: Period, limit: int = 200, region_id: int | None = None) -> Rows:
    """The rows figure ``key`` counts for region ``region_id``'s businesses (None: the root's; at most ``limit``;
    ``total`` says how many); KeyError for a key with no rows (:data:`ROWS`)."""
    return ROWS[key](period, limit, area(region_id))


def business_rows(
    code: str, period: Period, limit: int = 200, region_id: int | None = None
) -> tuple[Entity, Rows] | None:
    """The checks of the period of the business with credit code ``code`` (``None`` when there is no such business
    among region ``region_id``'s; None: the root's, every one)."""
    where = area(region_id)
    query = sa.select(Entity).where(Entity.code == code)
    entity = db.session.scalar(query if where.condition is None else query.where(where.condition))
    if entity is None:
        return None
    return entity, _check_rows(*checks_of(period, entity_id=entity.id, limit=limit, where=where))
