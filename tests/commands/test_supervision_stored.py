"""统计结果 (the figures as last counted, issue 78): a bureau's dashboard and home read the figures a job counted and
kept, one row a department and period — the same figures as counted afresh, row by row and rolled up by level (the
city's county rows, the sum of each county bureau's own); counting again changes nothing; a bureau's count writes its
branch's rows alone, and a bureau reads only its branch's rows (the ORM's scope, and row-level security on
PostgreSQL). The world: :mod:`tests.support.two_counties_activity`."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import SCHEDULER, Permission
from spotcheck.core.scoping import cross_tenant, system_access
from spotcheck.tenants.supervision import commands as supervision, queries
from spotcheck.tenants.supervision.models import DepartmentFigures
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.queries import shown
from tests.support.two_counties_activity import bureau as _bureau, world as _world

YEAR = Period(2026, "year")
LATER = date(2026, 11, 20)


def _kept() -> dict[int, tuple]:
    with system_access("test: every department's stored figures"):
        return {
            row.tenant_id: (row.period, row.figures, row.overdue)
            for row in db.session.scalars(sa.select(DepartmentFigures).order_by(DepartmentFigures.id))
        }


@pytest.mark.seconds(10.0)
def test_the_stored_figures_are_those_counted_afresh_by_level_and_a_second_count_changes_nothing(app):
    with app.app_context():
        ids = _world()
        tenants, regions = ids["tenants"], ids["regions"]
        city, county = _bureau(ids, "SFJ"), _bureau(ids, "SCSFJ")
        with frozen_at(LATER):
            before = shown.levels_shown(YEAR, reader=city)
            assert before.levels.counted_at is None and before.counting is None  # not counted yet: nothing to read
            assert all(s.campaigns == 0 for s in before.levels.statuses)

            counted = supervision.count_branch(YEAR.code, actor=city)
            kept = shown.levels_shown(YEAR, reader=city).levels
            afresh = queries.region_rows(YEAR, reader=city)
        assert counted == len(_kept()) and kept.counted_at is not None and not kept.missing
        # row by row, and each county's rolled-up row, as counted afresh (the county's complaint too, read now)
        assert kept.departments == afresh.departments and kept.regions == afresh.regions
        rolled = {
            r.region_id for r in kept.regions
        }  # each county with a bureau of its own (宁安市's too), never a town
        assert {regions["county1"], regions["county2"]} <= rolled and regions["town"] not in rolled
        assert next(r for r in kept.regions if r.region_id == regions["county1"]).status.complaints_open == 1
        with frozen_at(LATER):  # the city's drill-down into a county, and the county bureau's own reading
            for region in ("county1", "county2"):
                drilled = shown.levels_shown(YEAR, regions[region], reader=city).levels
                assert drilled.departments == queries.region_rows(YEAR, regions[region], reader=city).departments
            own = shown.levels_shown(YEAR, reader=county).levels
            assert own.departments == queries.region_rows(YEAR, reader=county).departments
        assert {s.tenant_id for s in own.departments} == {tenants[c] for c in ("SCSFJ", "SCYJJ", "QBJD")}

        first = _kept()
        with frozen_at(LATER):
            assert supervision.count_branch(YEAR.code, actor=city) == counted
            supervision.count_scheduled(actor=SCHEDULER)  # the schedule's count of every department: the same
        assert _kept() == first


@pytest.mark.seconds(8.0)
def test_a_bureau_counts_and_reads_only_its_branchs_stored_figures(app):
    with app.app_context():
        ids = _world()
        tenants = ids["tenants"]
        county, sibling = _bureau(ids, "SCSFJ"), _bureau(ids, "XHSFJ")
        branch = {tenants[c] for c in ("SCSFJ", "SCYJJ", "QBJD")}
        with frozen_at(LATER):
            supervision.count_branch(YEAR.code, actor=county)
        assert set(_kept()) == branch  # its count writes its branch's rows alone

        with frozen_at(LATER):
            supervision.count_scheduled(actor=SCHEDULER)
            seen = shown.levels_shown(YEAR, reader=sibling).levels
        assert {s.tenant_id for s in seen.departments} == {tenants[c] for c in ("XHSFJ", "XHYJJ")}
        for bureau, own in ((county, branch), (sibling, {tenants[c] for c in ("XHSFJ", "XHYJJ")})):
            with cross_tenant(bureau, "test: the stored figures", permission=Permission.SUPERVISION_READ_ALL):
                orm = set(db.session.scalars(sa.select(DepartmentFigures.tenant_id)))
                raw = set(db.session.execute(sa.text("SELECT tenant_id FROM department_figures")).scalars())
            assert orm == own
            if db.engine.dialect.name == "postgresql":  # the table's row-level security, beneath the ORM's scope
                assert raw == own
        assert len(_kept()) > len(branch) + 2  # every department's, counted by the schedule
