"""Supervision per level (issue 78): a justice bureau reads its region's branch — its own departments as rows, each
lower region with a bureau of its own as one row rolled up from that region's own figures, drilled down to any of
its departments (audited, never a complainant's contact) —; a table a rulebook sends to the level above is received
by the bureau of the region above, not by a sibling; a 通报 carries its bureau's own name.

The world: :mod:`tests.support.two_counties` (the city's bureau above two counties with their own; the town under
the first county has none), with 清波街道's campaign handed out and complained about, and a campaign of the second
county's 应急管理局 — referred to through the world's dict only."""

from __future__ import annotations

import html
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import queries as accounts_queries
from spotcheck.tenants.supervision import commands as supervision, levels, queries
from spotcheck.tenants.supervision.periods import Period
from tests.support.helpers import signed_in, user_named
from tests.support.rulebooks import adopt
from tests.support.two_counties import world as two_counties
from tests.support.two_counties_activity import COMPLAINT, CONTACT, bureau as _bureau, world as _world

YEAR = Period(2026, "year")


@pytest.mark.seconds(8.0)
def test_the_city_bureau_reads_each_county_as_one_row_summing_the_county_bureaus_own_figures(app):
    with app.app_context():
        ids = _world()
        tenants, regions = ids["tenants"], ids["regions"]
        city, county, sibling = (_bureau(ids, code) for code in ("SFJ", "SCSFJ", "XHSFJ"))
        with frozen_at(date(2026, 11, 20)):
            above = queries.region_rows(YEAR, reader=city)
            own = {
                code: queries.region_rows(YEAR, reader=bureau)
                for code, bureau in (("SCSFJ", county), ("XHSFJ", sibling))
            }
            drilled = queries.region_rows(YEAR, regions["county1"], reader=city)

        # the city: its own departments as rows, each county as one row; the town's department is in its county's
        assert {s.tenant_id for s in above.departments} >= {tenants[c] for c in ("SFJ", "SCJ", "YJJ", "SWJ")}
        assert not {s.tenant_id for s in above.departments} & {tenants[c] for c in ("SCSFJ", "SCYJJ", "QBJD", "XHYJJ")}
        rows = {row.region_id: row for row in above.regions}
        # both counties (and any other county of the city with a bureau of its own), never the town
        assert set(rows) >= {regions["county1"], regions["county2"]} and regions["town"] not in rows
        with system_access("test: the names"):
            names = {code: accounts_queries.get_tenant(tenants[code]).name for code in ("SCSFJ", "XHSFJ")}
        assert rows[regions["county1"]].bureau == names["SCSFJ"] and rows[regions["county1"]].departments == 3

        # each county row is the sum of what that county's own bureau reads, figure by figure
        for code, region in (("SCSFJ", "county1"), ("XHSFJ", "county2")):
            seen = own[code]
            assert not seen.regions and seen.region.id == regions[region]
            row = rows[regions[region]].status
            for name in levels.COUNTS:
                assert getattr(row, name) == sum(int(getattr(s, name)) for s in seen.departments), (code, name)
        county_row = rows[regions["county1"]].status
        assert county_row.campaigns >= 1 and county_row.draws >= 2 and county_row.complaints_open == 1
        assert rows[regions["county2"]].status.campaigns >= 1 and rows[regions["county2"]].status.complaints_open == 0

        # a county's bureau: its county and the town below it (no bureau of its own) as rows, never the sibling
        assert {s.tenant_id for s in own["SCSFJ"].departments} == {tenants[c] for c in ("SCSFJ", "SCYJJ", "QBJD")}
        assert {s.tenant_id for s in own["XHSFJ"].departments} == {tenants[c] for c in ("XHSFJ", "XHYJJ")}
        # the city's drill-down into the county is that county's own reading
        assert [(s.tenant_id, s.campaigns) for s in drilled.departments] == [
            (s.tenant_id, s.campaigns) for s in own["SCSFJ"].departments
        ]
        assert [r.name for r in drilled.above] == [above.region.name]
        for reader, region in ((sibling, "county1"), (county, "city"), (county, "county2")):
            with frozen_at(date(2026, 11, 20)), pytest.raises(NotFoundError):
                queries.region_rows(YEAR, regions[region], reader=reader)


@pytest.mark.seconds(8.0)
def test_a_drill_down_from_the_city_into_a_county_department_is_audited_and_names_no_complainant(app):
    with app.app_context():
        ids = _world()
        tenants, regions = ids["tenants"], ids["regions"]
        with system_access("test: names"):
            town_name = accounts_queries.get_tenant(tenants["QBJD"]).name
            county_name = db.session.get(levels.Region, regions["county1"]).name
    with frozen_at(date(2026, 11, 20)):
        client = signed_in(app, ids["logins"]["SFJ"]["supervisor"])
        dashboard = html.unescape(client.get("/supervision?period=2026").get_data(as_text=True))
        assert 'data-region-drill="' in dashboard and county_name in dashboard
        assert f"region={regions['county1']}" in dashboard and "下级区划" in dashboard and "个部门汇总" in dashboard
        region_page = html.unescape(
            client.get(f"/supervision?period=2026&region={regions['county1']}").get_data(as_text=True)
        )
        assert f"{county_name}（本级及下级）" in region_page and town_name in region_page
        assert f"/supervision/departments/{tenants['QBJD']}/complaints_open" in region_page
        drilled = client.get(f"/supervision/departments/{tenants['QBJD']}/complaints_open?period=2026")
        shown = html.unescape(drilled.get_data(as_text=True))
    assert drilled.status_code == 200 and COMPLAINT["text"] in shown
    assert CONTACT["contact_phone"] not in shown and CONTACT["contact_name"] not in shown
    assert "/supervision/complaints/" not in shown  # the county bureau's complaint is its own page, not the city's
    with app.app_context(), system_access("test: the city bureau's chain"):
        reads = db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.action == "read.across", AuditEntry.actor_login == ids["logins"]["SFJ"]["supervisor"]
            )
        ).all()
        assert any(str((e.details or {}).get("query", "")).endswith("figure_rows") for e in reads)

    with frozen_at(date(2026, 11, 20)):
        sibling = signed_in(app, ids["logins"]["XHSFJ"]["supervisor"])
        assert sibling.get(f"/supervision?period=2026&region={regions['county1']}").status_code == 404
        assert sibling.get(f"/supervision/departments/{tenants['QBJD']}/checked?period=2026").status_code == 404
        assert county_name not in html.unescape(sibling.get("/supervision?period=2026").get_data(as_text=True))


@pytest.mark.seconds(8.0)
def test_a_countys_area_table_is_received_by_the_city_bureau_and_not_by_its_sibling(app):
    """城口县 三（三）: 县政府法制办（司法局）每年12月15日前将本年度情况汇总成表报市政府法制办 — the table the
    rulebook sends to the level above, submitted by the county's bureau in the platform."""
    with app.app_context():
        ids = two_counties()
        tenants, logins, regions = ids["tenants"], ids["logins"], ids["regions"]
        adopt("城口县", date(2026, 1, 1), region=regions["county1"])  # the county's own: its duties are local to it
        supervisor, leader = user_named(logins["SCSFJ"]["supervisor"]), user_named(logins["SCSFJ"]["leader"])
        with frozen_at(date(2026, 12, 10)), tenant_scope(supervisor.tenant_id):
            supervision.fill_cells(
                {"code": "area", "period": "2026", "cells": {"document": "是，测试〔2016〕1号"}}, actor=supervisor
            )
            prepared = supervision.prepare({"code": "area", "period": "2026", "contact": "韩梅"}, actor=supervisor)
            db.session.commit()
            signed = supervision.submit({"code": "area", "period": "2026", "digest": prepared.digest}, actor=leader)
            db.session.commit()
        with system_access("test: the receivers"):
            county_bureau = accounts_queries.get_tenant(tenants["SCSFJ"])
            assert levels.receiver_of(county_bureau, area_wide=True).id == tenants["SFJ"]
            assert levels.receiver_of(county_bureau, area_wide=False).id == tenants["SCSFJ"]
            town = accounts_queries.get_tenant(tenants["QBJD"])
            assert levels.receiver_of(town, area_wide=False).id == tenants["SCSFJ"]
            assert levels.receiver_of(accounts_queries.get_tenant(tenants["SFJ"]), area_wide=True) is None  # the root

        def overview(code: str) -> dict[str, dict[int, list[int]]]:
            with frozen_at(date(2026, 12, 20)):
                rows = queries.submissions_overview(2026, reader=user_named(logins[code]["supervisor"]))
            return {row.due.key: {s.tenant.id: [v.id for v in s.versions] for s in row.states} for row in rows}

        city, county, sibling = overview("SFJ"), overview("SCSFJ"), overview("XHSFJ")
        assert city["area/2026"][tenants["SCSFJ"]] == [signed.id]  # received by the city's bureau
        assert tenants["SCSFJ"] not in sibling.get("area/2026", {})  # never by the sibling county's
        assert "area/2026" not in sibling  # nor owed by it: 城口县's rulebook is the first county's alone
        assert county["area/2026"] == {tenants["SCSFJ"]: [signed.id]}  # the county's own, as it sent it
        # a department's quarterly table goes to its own county's bureau, not up to the city
        dept = [key for key in county if key.startswith("dept/")]
        assert dept and any(tenants["SCYJJ"] in county[key] for key in dept)
        assert all(not {tenants[c] for c in ("SCYJJ", "QBJD", "XHYJJ")} & set(city.get(key, {})) for key in dept)

    with frozen_at(date(2026, 12, 20)):
        page = signed_in(app, logins["SFJ"]["supervisor"])
        shown = html.unescape(page.get("/reports/overview?year=2026").get_data(as_text=True))
        assert f"/reports/submissions/{signed.id}" in shown
        assert page.get(f"/reports/submissions/{signed.id}").status_code == 200
        sibling = signed_in(app, logins["XHSFJ"]["supervisor"])
        assert f"/reports/submissions/{signed.id}" not in html.unescape(
            sibling.get("/reports/overview?year=2026").get_data(as_text=True)
        )


@pytest.mark.seconds(8.0)
def test_a_notice_of_criticism_carries_its_issuing_bureaus_own_name(app):
    with app.app_context():
        ids = _world()
        tenants = ids["tenants"]
        for code in ("SCSFJ", "SFJ"):
            supervisor = _bureau(ids, code)
            with frozen_at(date(2026, 11, 20)), tenant_scope(supervisor.tenant_id):
                draft = supervision.draft({"period": "2026"}, actor=supervisor)
                db.session.commit()
                name = accounts_queries.get_tenant(tenants[code]).name
                assert f"{name}对各部门" in draft.body and f"整改情况报{name}。" in draft.body
                named = {f["tenant_id"] for f in draft.findings}
                if code == "SFJ":  # the city names its own departments; a county's are its own bureau's
                    assert not named & {tenants[c] for c in ("SCYJJ", "QBJD", "XHYJJ", "SCSFJ", "XHSFJ")}
