"""企业与检查明细 (涉企检查频次): the businesses and checks behind the figures — the businesses checked most, a
business's visits, the checks (a joint visit once, under the campaign the portal shows), the businesses checked by
different departments within the window, and those checked more often than a cap allows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from spotcheck.core.database import db, local_settings
from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawKind, InspectionCount
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision.burden.area import Area, _pairing, _within, area, labels
from spotcheck.tenants.supervision.burden.checks import _KEY, _checks, _counted, _joint, _over_cap, _pairs, _visits
from spotcheck.tenants.supervision.conditions import REPORTED, as_of, between
from spotcheck.tenants.supervision.periods import Period


def most_checked(period: Period, limit: int = 200, where: Area | None = None) -> tuple[list[tuple[Entity, int]], int]:
    """The businesses of the area (the root's by default) checked most in the period, with their checks, and how many
    were checked (one reading of the visits)."""
    checks = _checks(period, where or area())
    rows = db.session.execute(
        sa.select(checks.c.entity_id, sa.func.count().label("n"), sa.func.count().over().label("checked"))
        .group_by(checks.c.entity_id)
        .order_by(sa.desc("n"), checks.c.entity_id)
        .limit(limit)
    ).all()
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_([r[0] for r in rows])))}
    return [(entities[entity_id], n) for entity_id, n, _ in rows], (rows[0].checked if rows else 0)


@dataclass(frozen=True)
class Visited:
    """One department's visit of a business (a row of a check: a joint visit has one per department), the
    department named with its level (:func:`.area.labels`)."""

    entity_id: int
    visit_id: int
    key: int
    department_id: int
    department: str
    checked_on: date


def _listed() -> sa.Select:
    """The visits as :class:`Visited` rows are read (their departments named after)."""
    return _joint(sa.select(Visit.entity_id, Visit.id, _KEY, Visit.tenant_id, Visit.checked_on))


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
            _joint(sa.select(Visit.entity_id, _KEY.label("key"), sa.func.min(Visit.checked_on).label("day"))),
            Visit.entity_id,
            where or area(),
        )
        .where(condition)
        .group_by(Visit.entity_id, _KEY)
    ).subquery()
    listed = db.session.execute(  # the latest, each with how many there are (one reading of the visits)
        sa.select(checks, sa.func.count().over().label("total"))
        .order_by(checks.c.day.desc(), checks.c.entity_id, checks.c.key)
        .limit(limit)
    ).all()
    total = listed[0].total if listed else 0
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


def repeated(period: Period, window_days: int, where: Area | None = None) -> list[int]:
    """The area's businesses (the root's by default) checked by different departments within ``window_days`` of each
    other (by ``checked_on``) in two checks, not one joint visit, by id."""
    where = where or area()
    pairs, entity_id = _pairs(_visits(period, where).cte("counted"), window_days)
    with local_settings(_pairing(where)):
        return list(db.session.scalars(sa.select(entity_id).select_from(pairs).distinct().order_by(entity_id)))


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
