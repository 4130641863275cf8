"""涉企检查频次 (国办发〔2024〕54号: 合理确定检查频次、避免重复检查): how often each business is inspected across the
departments — the justice bureau's figures of a period, for the whole area, each drilling down to its checks.

A **check** (检查) is an on-site visit whose result was reported, dated by its ``checked_on`` in the period; a
joint visit (联合检查) is one check however many departments' rows it has. Read in the reader's scope across
every department (:func:`spotcheck.tenants.supervision.queries.burden`). The definitions are
:data:`spotcheck.tenants.supervision.vocabulary.BURDEN_FIGURES`; the repeated draws' statistic is in
:mod:`.repeated_draws`.
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
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawKind, InspectionCount
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision import repeated_draws
from spotcheck.tenants.supervision.conditions import REPORTED, Condition, as_of, between
from spotcheck.tenants.supervision.drill_down import Rows
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import BURDEN_COLUMNS

#: A check's key: a joint campaign's id for a joint visit (one check for all its departments), else minus the
#: visit's id.
_KEY = sa.case((Campaign.joint_id.is_(None), -Visit.id), else_=Campaign.joint_id)


def _counted(period: Period, until: date | None = None) -> Condition:
    """The reported on-site visits of the period (up to ``until``)."""
    condition = sa.and_(Visit.status.in_(REPORTED), between(Visit.checked_on, period), Visit.method == "onsite")
    return condition if until is None else sa.and_(condition, Visit.checked_on <= until)


def _checks(period: Period, until: date | None = None) -> sa.Subquery:
    """One row per check of the period: the business, the key, the day, how many department rows."""
    return (
        sa.select(
            Visit.entity_id,
            _KEY.label("key"),
            sa.func.min(Visit.checked_on).label("day"),
            sa.func.count().label("rows"),
        )
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .where(_counted(period, until))
        .group_by(Visit.entity_id, _KEY)
    ).subquery()


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


@dataclass
class Burden:
    """The area's figures of a period (the keys of ``BURDEN_FIGURES``)."""

    period: Period
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


def _counts(period: Period, until: date | None = None) -> tuple[int, int]:
    checks = _checks(period, until)
    onsite, joint = db.session.execute(sa.select(sa.func.count(), sa.func.count().filter(checks.c.key > 0))).one()
    return onsite, joint


def compute(period: Period) -> Burden:
    rules = rules_for(None, as_of(period))
    found = Burden(period=period, window_days=rules.repeat_window_days)
    until = min(period.end, today())  # a period under way: last year's up to the same day
    found.onsite, found.joint = _counts(period)
    found.last_year = _counts(dataclasses.replace(period, year=period.year - 1), _year_before(until))[0]
    checks = _checks(period)
    per = sa.select(checks.c.entity_id, sa.func.count().label("n")).group_by(checks.c.entity_id).subquery()
    for n, businesses in db.session.execute(sa.select(per.c.n, sa.func.count()).group_by(per.c.n)):
        found.businesses += businesses
        found.most = max(found.most, n)
        found.spread[min(n, 4)] = found.spread.get(min(n, 4), 0) + businesses
    found.over_cap = len(over_cap(period))
    found.repeated = len({row.entity_id for row in repeated(period, found.window_days)})
    found.suspicious = len(repeated_draws.flagged(period.year, rules.repeat_draw_alpha))
    return found


# --- drill-downs ------------------------------------------------------------------------------------


def most_checked(period: Period, limit: int = 200) -> list[tuple[Entity, int]]:
    """The businesses checked most in the period, with their checks."""
    checks = _checks(period)
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
    """One department's visit of a business (a row of a check: a joint visit has one per department)."""

    entity_id: int
    visit_id: int
    key: int
    department: str
    checked_on: date


def _listed() -> sa.Select:
    """The visits as :class:`Visited` rows are read."""
    return (
        sa.select(Visit.entity_id, Visit.id, _KEY, Tenant.name, Visit.checked_on)
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .join(Tenant, Tenant.id == Visit.tenant_id)
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
    return [Visited(*row) for row in db.session.execute(query)]


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
    period: Period, *, joint_only: bool = False, entity_id: int | None = None, limit: int = 200
) -> tuple[int, list[Check]]:
    """How many checks of the period (joint visits only, one business's only), and the latest ``limit``."""
    condition = _counted(period)
    if joint_only:
        condition = sa.and_(condition, Campaign.joint_id.is_not(None))
    if entity_id is not None:
        condition = sa.and_(condition, Visit.entity_id == entity_id)
    checks = (
        sa.select(Visit.entity_id, _KEY.label("key"), sa.func.min(Visit.checked_on).label("day"))
        .join(Campaign, Campaign.id == Visit.campaign_id)
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
    departments: dict[tuple[int, int], list[str]] = defaultdict(list)
    portal: dict[tuple[int, int], tuple[str, int]] = {}
    for business, key, name, code, on_portal in db.session.execute(
        sa.select(
            Visit.entity_id,
            _KEY,
            Tenant.name,
            sa.func.coalesce(_JOINT.code, Campaign.code),
            sa.func.coalesce(Campaign.joint_id, Campaign.id),
        )
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .join(Tenant, Tenant.id == Visit.tenant_id)
        .outerjoin(_JOINT, _JOINT.id == Campaign.joint_id)
        .where(condition, Visit.entity_id.in_(list(entities)))
        .order_by(Visit.tenant_id, Visit.id)
    ):
        if name not in departments[(business, key)]:
            departments[(business, key)].append(name)
        portal[(business, key)] = (code or "", on_portal)
    return total, [
        Check(entities[r.entity_id], r.day, tuple(departments[(r.entity_id, r.key)]), *portal[(r.entity_id, r.key)])
        for r in listed
    ]


def repeated(period: Period, window_days: int) -> list[Visited]:
    """The visits of the businesses checked by different departments within ``window_days`` of each other (by
    ``checked_on``) in two checks, not one joint visit: every visit of such a pair."""
    checks = (
        sa.select(Visit.entity_id)
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .where(Visit.status.in_(REPORTED), between(Visit.checked_on, period), Visit.method == "onsite")
    )
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
                if first.key != second.key and first.department != second.department:
                    found[first.visit_id], found[second.visit_id] = first, second
    return sorted(found.values(), key=lambda v: (v.entity_id, v.checked_on, v.visit_id))


@dataclass(frozen=True)
class OverCap:
    """A business counted more often in the year than a cap allows: the cap, whose it is, and the campaigns."""

    entity: Entity
    counted: int
    cap: int
    whose: str  # the department whose own cap it is; "" for the area's total cap
    campaigns: tuple[str, ...]
    concurrent: bool  # two frames were frozen before either drew it: each found it below its cap


def over_cap(period: Period) -> list[OverCap]:
    """The businesses whose counted checks of the year exceed the area's total cap or a department's own
    (the register :class:`~spotcheck.tenants.campaigns.models.InspectionCount`; cap-exempt kinds not counted)."""
    rules = rules_for(None, as_of(period))
    rows = db.session.execute(
        sa.select(
            InspectionCount.entity_id,
            InspectionCount.department_id,
            InspectionCount.counted_as,
            InspectionCount.campaign_code,
        ).where(InspectionCount.year == period.year, InspectionCount.counts.is_(True))
    ).all()
    total: dict[int, dict[str, str]] = defaultdict(dict)
    own: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for entity_id, department_id, key, code in rows:
        total[entity_id][key] = code
        own[(entity_id, department_id)][key] = code
    found: list[tuple[int, int, int, str, dict[str, str]]] = []
    if rules.inspection_cap is not None:
        found += [
            (e, len(keys), rules.inspection_cap, "", keys)
            for e, keys in total.items()
            if len(keys) > rules.inspection_cap
        ]
    caps = (
        {
            t.id: (t.name, rules_for(t.id, as_of(period)).department_inspection_cap)
            for t in db.session.scalars(sa.select(Tenant).where(Tenant.id.in_({d for _, d in own})))
        }
        if own
        else {}
    )
    for (entity_id, department_id), keys in own.items():
        name, cap = caps[department_id]
        if cap is not None and len(keys) > cap:
            found.append((entity_id, len(keys), cap, name, keys))
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_({f[0] for f in found})))}
    return [
        OverCap(entities[e], n, cap, whose, tuple(sorted(keys.values())), _concurrent(list(keys)))
        for e, n, cap, whose, keys in sorted(found, key=lambda f: (-f[1], f[0]))
    ]


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


def _over_cap_rows(period: Period, limit: int) -> Rows:
    """One row a business checked more often in the year than a cap allows (检查次数上限): the cap and whose it is."""
    found = over_cap(period)
    return _business_rows(
        BURDEN_COLUMNS["over_cap"],
        [
            [
                o.entity.name,
                o.entity.code,
                o.counted,
                o.cap,
                o.whose or "实施方案（年度总上限）",
                "、".join(o.campaigns),
                "两个抽取范围同时冻结" if o.concurrent else "",
            ]
            for o in found[:limit]
        ],
        [o.entity for o in found[:limit]],
        len(found),
        str(period.year),  # the cap is counted by the year
    )


def _repeated_rows(period: Period, limit: int) -> Rows:
    """One row a business checked by different departments within the window (the rules in force at the period's
    end): its checks of the period (date and departments, a joint visit once)."""
    window_days = rules_for(None, as_of(period)).repeat_window_days
    flagged = sorted({visit.entity_id for visit in repeated(period, window_days)})
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


def _per_business_rows(period: Period, limit: int) -> Rows:
    """The businesses checked most often in the period, one row each with its number of checks."""
    most = most_checked(period, limit)
    checked = db.session.scalar(sa.select(sa.func.count(sa.distinct(_checks(period).c.entity_id)))) or 0
    return _business_rows(
        BURDEN_COLUMNS["per_business"],
        [[e.name, e.code, n] for e, n in most],
        [e for e, _ in most],
        checked,
        period.code,
    )


def _suspicious_rows(period: Period, limit: int) -> Rows:
    """One row a business drawn in the year more often than chance would have it (重复抽取, at the rules' threshold
    in force at the period's end; :mod:`.repeated_draws`)."""
    flagged = repeated_draws.flagged(period.year, rules_for(None, as_of(period)).repeat_draw_alpha)
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
#: period and at most ``limit`` rows; :func:`rows_of` reads them.
ROWS: dict[str, Callable[[Period, int], Rows]] = {
    "over_cap": _over_cap_rows,
    "repeated": _repeated_rows,
    "onsite": lambda period, limit: _check_rows(*checks_of(period, limit=limit)),
    "joint_rate": lambda period, limit: _check_rows(*checks_of(period, joint_only=True, limit=limit)),
    "per_business": _per_business_rows,
    "suspicious": _suspicious_rows,
}


def rows_of(key: str, period: Period, limit: int = 200) -> Rows:
    """The rows figure ``key`` counts (at most ``limit``; ``total`` says how many); KeyError for a key with no rows
    (:data:`ROWS`)."""
    return ROWS[key](period, limit)


def business_rows(code: str, period: Period, limit: int = 200) -> tuple[Entity, Rows] | None:
    """The checks of the period of the business with credit code ``code`` (``None`` when there is no such business)."""
    entity = db.session.scalar(sa.select(Entity).where(Entity.code == code))
    if entity is None:
        return None
    return entity, _check_rows(*checks_of(period, entity_id=entity.id, limit=limit))
