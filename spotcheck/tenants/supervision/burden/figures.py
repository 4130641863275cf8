"""涉企检查频次 figures: a region's figures of a period (:class:`Burden`), with a row for each region directly below
(:class:`RegionFigures`) summing to them — its visits read once (:func:`_figures`), the register once."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db, local_settings
from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules.rulebook import rules_for_region
from spotcheck.tenants.supervision import repeated_draws
from spotcheck.tenants.supervision.burden.area import READ_SETTINGS, Area, _pairing, area
from spotcheck.tenants.supervision.burden.checks import _over_cap, _pairs, _visits
from spotcheck.tenants.supervision.conditions import as_of
from spotcheck.tenants.supervision.periods import Period


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


#: What each row of :func:`_figures` is: the businesses of a region below with as many checks (``n``), last year's
#: checks, the businesses checked by different departments within the window.
_CHECKED, _LAST_YEAR, _REPEATED = 0, 1, 2


def _below(where: Area) -> list[Region]:
    """The regions directly below the area's region, by code (none at a region with none below, or with no tree)."""
    if where.region is None:
        return []
    return list(db.session.scalars(sa.select(Region).where(Region.parent_id == where.region.id).order_by(Region.code)))


def _region_of(code: sa.SQLColumnExpression[str], below: list[Region]) -> sa.ColumnElement[int]:
    """SQL: the id of the region of ``below`` a registry code lies in (the deepest first), else 0."""
    if not below:
        return sa.literal(0)
    prefixes = sorted(((inspection_counts.code_prefix(r.code), r.id) for r in below), key=lambda p: -len(p[0]))
    return sa.case(*[(code.startswith(prefix), region_id) for prefix, region_id in prefixes], else_=0)


def _figures(period: Period, where: Area, below: list[Region], window_days: int) -> sa.CompoundSelect:
    """The area's figures in one statement over its visits (read once): rows of ``(part, region, n, businesses,
    joint)`` — :data:`_CHECKED`: a region below (0: none) has ``businesses`` checked ``n`` times in the period, of
    which ``joint`` joint visits; :data:`_LAST_YEAR`: last year's checks of the same span; :data:`_REPEATED`: the
    businesses checked by different departments within the window (:func:`.checks._pairs`)."""
    coded = bool(below) and where.condition is not None  # the area's visits are joined to their business already
    visits = _visits(period, where, _year_before(min(period.end, today())), code=coded).cte("counted")
    keys = [visits.c.entity_id, visits.c.key, visits.c.now, *([visits.c.code] if coded else [])]
    checks = sa.select(*keys).group_by(*keys).cte("checks")
    business = [checks.c.entity_id, *([checks.c.code] if coded else [])]
    per = (
        sa.select(*business, sa.func.count().label("n"), sa.func.count().filter(checks.c.key > 0).label("joint"))
        .where(checks.c.now == 1)
        .group_by(*business)
        .subquery("per_business")
    )
    source: sa.FromClause = per
    if coded:
        region = _region_of(per.c.code, below)
    elif below:  # the root's: each business checked read once for its code
        source, region = per.join(Entity, Entity.id == per.c.entity_id), _region_of(Entity.region_code, below)
    else:
        region = sa.literal(0)
    checked = (
        sa.select(
            sa.literal(_CHECKED).label("part"),
            region.label("region"),
            per.c.n,
            sa.func.count().label("businesses"),
            sa.func.sum(per.c.joint).label("joint"),
        )
        .select_from(source)
        .group_by(sa.literal_column("region"), per.c.n)
    )
    last_year = (
        sa.select(sa.literal(_LAST_YEAR), sa.literal(0), sa.literal(0), sa.func.count(), sa.literal(0))
        .select_from(checks)
        .where(checks.c.now == 0)
    )
    pairs, entity_id = _pairs(visits, window_days)
    repeated = sa.select(
        sa.literal(_REPEATED), sa.literal(0), sa.literal(0), sa.func.count(sa.distinct(entity_id)), sa.literal(0)
    ).select_from(pairs)
    return sa.union_all(checked, last_year, repeated)


def compute(period: Period, region_id: int | None = None, *, reader: Actor) -> Burden:
    """The figures of region ``region_id``'s businesses (None: the root's, every business) for ``period``, under the
    region's rules, with a row for each region directly below (every one, none checked too), then the region's own
    businesses in none of them (when any is counted): each business counted in the deepest — grouped in the
    database, the rows summing to the area's figures. Its visits are read once (:func:`_figures`), the register
    once (:func:`.checks._over_cap`)."""
    where = area(region_id)
    rules = rules_for_region(where.region_id, as_of(period))
    found = Burden(period=period, region=where.region, window_days=rules.repeat_window_days)
    below = _below(where)
    rows: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with local_settings(_pairing(where)):
        counted = db.session.execute(_figures(period, where, below, found.window_days)).all()
    for part, region, n, businesses, joint in counted:
        if part == _LAST_YEAR:
            found.last_year = int(businesses)
        elif part == _REPEATED:
            found.repeated = int(businesses)
        else:
            _add_checked(found, rows[int(region)], int(n), int(businesses), int(joint or 0))
    with local_settings(READ_SETTINGS):
        over = _over_cap(period, where)
        of = _region_of(Entity.region_code, below).label("region")
        for region, n in db.session.execute(
            sa.select(of, sa.func.count())
            .select_from(over.join(Entity, Entity.id == over.c.entity_id) if below else over)
            .group_by(sa.literal_column("region"))
        ).all():
            found.over_cap += n
            rows[int(region)]["over_cap"] += n
        found.suspicious = len(
            repeated_draws.flagged(period.year, rules.repeat_draw_alpha, where.condition, reader=reader)
        )
    if below:
        found.below = [RegionFigures(r, **rows.get(r.id, {})) for r in below]
        if rows.get(0):
            found.below.append(RegionFigures(None, **rows[0]))
    return found


def _add_checked(found: Burden, row: dict[str, int], n: int, businesses: int, joint: int) -> None:
    """Count ``businesses`` checked ``n`` times each, in ``joint`` joint visits together, in the figures and in the
    row of their region."""
    found.businesses += businesses
    found.onsite += n * businesses
    found.joint += joint
    found.most = max(found.most, n)
    found.spread[min(n, 4)] = found.spread.get(min(n, 4), 0) + businesses
    row["onsite"] += n * businesses
    row["joint"] += joint
    row["businesses"] += businesses
