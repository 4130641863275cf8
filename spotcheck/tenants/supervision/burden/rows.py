"""明细表 (涉企检查频次): the rows behind each figure, as the pages list them.

Each drill-down lists the units its figure counts, so that the figure (or, for a rate, the count it is the share of)
is the number of rows: a business once (``("business", code, period code)``: its checks of the period), a check once
(``("check", portal campaign id, business code)``: the business on its campaign's page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, local_settings
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.rules.rulebook import rules_for_region
from spotcheck.tenants.supervision import repeated_draws
from spotcheck.tenants.supervision.burden.area import READ_SETTINGS, Area, area
from spotcheck.tenants.supervision.burden.checks import _over_cap
from spotcheck.tenants.supervision.burden.drill_downs import (
    Check,
    Visited,
    checks_of,
    most_checked,
    over_cap,
    repeated,
    visits_of,
)
from spotcheck.tenants.supervision.conditions import as_of
from spotcheck.tenants.supervision.drill_down import Rows
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import BURDEN_COLUMNS


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
    flagged = repeated(period, window_days, where)
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
    most, checked = most_checked(period, limit, where)
    return _business_rows(
        BURDEN_COLUMNS["per_business"],
        [[e.name, e.code, n] for e, n in most],
        [e for e, _ in most],
        checked,
        period.code,
    )


def _suspicious_rows(period: Period, limit: int, where: Area, reader: Actor) -> Rows:
    """One row a business drawn in the year more often than chance would have it (重复抽取, at the rules' threshold
    in force at the period's end; :mod:`..repeated_draws`: a blinded draw's key read for ``reader``, recorded)."""
    alpha = rules_for_region(where.region_id, as_of(period)).repeat_draw_alpha
    flagged = repeated_draws.flagged(period.year, alpha, where.condition, reader=reader)
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


#: The rows behind each figure of 涉企检查频次, by the figure's key (:data:`..vocabulary.BURDEN_FIGURES`): read for a
#: period, at most ``limit`` rows, of an area's businesses, by a reader (for whom a blinded draw's key is read, its
#: reading recorded: 重复抽中提示); :func:`rows_of` reads them.
ROWS: dict[str, Callable[[Period, int, Area, Actor], Rows]] = {
    "over_cap": lambda period, limit, where, _reader: _over_cap_rows(period, limit, where),
    "repeated": lambda period, limit, where, _reader: _repeated_rows(period, limit, where),
    "onsite": lambda period, limit, where, _reader: _check_rows(*checks_of(period, limit=limit, where=where)),
    "joint_rate": lambda period, limit, where, _reader: _check_rows(
        *checks_of(period, joint_only=True, limit=limit, where=where)
    ),
    "per_business": lambda period, limit, where, _reader: _per_business_rows(period, limit, where),
    "suspicious": _suspicious_rows,
}


def rows_of(key: str, period: Period, limit: int = 200, region_id: int | None = None, *, reader: Actor) -> Rows:
    """The rows figure ``key`` counts for region ``region_id``'s businesses (None: the root's; at most ``limit``;
    ``total`` says how many), read by ``reader``; KeyError for a key with no rows (:data:`ROWS`)."""
    rows = ROWS[key]
    with local_settings(READ_SETTINGS):
        return rows(period, limit, area(region_id), reader)


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
    with local_settings(READ_SETTINGS):
        return entity, _check_rows(*checks_of(period, entity_id=entity.id, limit=limit, where=where))
