"""检查 (涉企检查频次): what the figures count, in SQL the figures (:mod:`.figures`) and their drill-downs
(:mod:`.drill_downs`) share, so that a figure is the number of rows its drill-down lists — a check (an on-site visit
whose result was reported; a joint visit once, :data:`_KEY`), the visits of an area's businesses, two checks of one
business by different departments within the window (短期重复检查, :func:`_pairs`), and the businesses over a cap in
the register (超过检查次数上限, :func:`_over_cap`)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

import sqlalchemy as sa

from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.campaigns.models import Campaign, InspectionCount
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.rulebook import rules_of_departments
from spotcheck.tenants.supervision.burden.area import Area, _within
from spotcheck.tenants.supervision.conditions import REPORTED, Condition, as_of, between, days_after
from spotcheck.tenants.supervision.periods import Period


def _joint(query: sa.Select) -> sa.Select:
    """``query`` of visits with the campaign of each joined where it is a part of a joint campaign (a joint visit),
    for that alone: outer, a department's own campaign (most) not read at all."""
    return query.outerjoin(Campaign, sa.and_(Campaign.id == Visit.campaign_id, Campaign.joint_id.is_not(None)))


#: A check's key: a joint campaign's id for a joint visit (one check for all its departments), else minus the
#: visit's id (over a query :func:`_joint`).
_KEY = sa.case((Campaign.joint_id.is_(None), -Visit.id), else_=Campaign.joint_id)


def _counted(period: Period, until: date | None = None) -> Condition:
    """The reported on-site visits of the period (up to ``until``)."""
    condition = sa.and_(Visit.status.in_(REPORTED), between(Visit.checked_on, period), Visit.method == "onsite")
    return condition if until is None else sa.and_(condition, Visit.checked_on <= until)


def _checks(period: Period, where: Area, until: date | None = None) -> sa.Subquery:
    """One row per check of the period of a business of the area: the business, the key, the day, how many
    department rows."""
    query = _joint(
        sa.select(
            Visit.entity_id,
            _KEY.label("key"),
            sa.func.min(Visit.checked_on).label("day"),
            sa.func.count().label("rows"),
        )
    )
    return (
        _within(query, Visit.entity_id, where).where(_counted(period, until)).group_by(Visit.entity_id, _KEY).subquery()
    )


def _visits(period: Period, where: Area, last_until: date | None = None, *, code: bool = False) -> sa.Select:
    """The reported on-site visits of the period of the area's businesses — and, with ``last_until``, of the same
    span of last year up to that day: each one's business, check (``key``), day, department, whether it is the
    period's (``now``: 1) and, with ``code``, its business's registry code (the area's: joined to the business)."""
    days = between(Visit.checked_on, period)
    if last_until is not None:
        last = dataclasses.replace(period, year=period.year - 1)
        days = sa.or_(days, sa.and_(Visit.checked_on >= last.start, Visit.checked_on <= last_until))
    columns = [
        Visit.entity_id,
        _KEY.label("key"),
        Visit.checked_on.label("day"),
        Visit.tenant_id.label("department"),
        sa.case((Visit.checked_on >= period.start, 1), else_=0).label("now"),
    ]
    if code:
        columns.append(Entity.region_code.label("code"))
    return _within(_joint(sa.select(*columns)), Visit.entity_id, where).where(
        Visit.status.in_(REPORTED), Visit.method == "onsite", days
    )


def _pairs(visits: sa.CTE | sa.Subquery, window_days: int) -> tuple[sa.FromClause, sa.ColumnElement[int]]:
    """Two visits of one business by different departments within ``window_days`` of each other, in two checks (not
    one joint visit): the join of ``visits`` with itself, and the business's column."""
    first, second = visits.alias("first_visit"), visits.alias("second_visit")
    joined = first.join(
        second,
        sa.and_(
            second.c.entity_id == first.c.entity_id,
            second.c.key != first.c.key,
            second.c.department != first.c.department,
            second.c.day >= first.c.day,
            second.c.day <= days_after(first.c.day, window_days),
            first.c.now == 1,
            second.c.now == 1,
        ),
    )
    return joined, first.c.entity_id


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
    by_cap: dict[int, list[int]] = defaultdict(list)  # the departments with a cap of their own, by cap
    for department_id, rules in rules_of_departments(on).items():
        if rules.department_inspection_cap is not None:
            by_cap[rules.department_inspection_cap].append(department_id)
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
