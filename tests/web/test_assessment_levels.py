"""A province's bureau's pages at a province's size: the yearly assessment (考核) lists the bureau's own departments'
scores and one row per lower region with a bureau of its own (``?region=`` opens one, read as that region's bureau
reads it; a region outside the reader's branch is not found), and neither it, a department's drill-down "basics"
(一单两库一细则) nor the overview of the tables received (报表报送情况) reads more as the departments grow: the
statements each runs are the same with 20 more departments, each with its plan, its campaign and its inspector."""

from __future__ import annotations

import html
import re

import pytest

from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.regions import queries as regions
from tests.support.campaign_world import build
from tests.support.growing import MORE, more_departments, statements
from tests.support.helpers import signed_in, user_named
from tests.support.two_counties import REGIONS, world as two_counties


def _text(response) -> str:
    assert response.status_code == 200, response.request.url
    return html.unescape(response.get_data(as_text=True))


def _departments(page: str) -> set[str]:
    return set(re.findall(r'<tr data-department="([A-Z0-9]+)"', page))


def _regions(page: str) -> set[str]:
    return set(re.findall(r'<tr data-region="(\d+)"', page))


def test_the_assessment_shows_the_bureau_s_own_departments_and_a_row_per_region_below(app):
    with app.app_context():
        ids = two_counties()
        city = regions.by_code(REGIONS["city"])
        demo_county = get_tenant(user_named("sfj_supervisor").tenant_id).region
        county1, county2 = ids["regions"]["county1"], ids["regions"]["county2"]
        city_id, demo_code = city.id, demo_county.code
    city_bureau = signed_in(app, ids["logins"]["SFJ"]["supervisor"])

    top = _text(city_bureau.get("/supervision/assessment?year=2026"))
    assert {"MDJSFJ", "MDJSCJ", "MDJYJJ", "MDJSWJ"} <= _departments(top)  # the city's own departments, scored
    assert not _departments(top) & {"SCYJJ", "XHYJJ", "QBJD", "YJJ", "SCJ"}  # a county's: in its region's row
    assert _regions(top) == {REGIONS["county1"], REGIONS["county2"], demo_code}
    assert re.search(rf'href="/supervision/assessment\?[^"]*region={county1}"', top)
    assert "海林市司法局" in top and "设有司法局" in top

    # a county's row opens its departments, the town's among them (no bureau of its own), with the way back up
    county = _text(city_bureau.get(f"/supervision/assessment?year=2026&region={county1}"))
    assert _departments(county) == {"SCSFJ", "SCYJJ", "QBJD"} and not _regions(county)
    assert 'id="region-way-up"' in county and f"region={city_id}" in county

    # the county's bureau reads its own county as the city's opened it; the city and the sibling county are not its
    county_bureau = signed_in(app, "scsfj_supervisor")
    own = _text(county_bureau.get("/supervision/assessment?year=2026"))
    assert _departments(own) == {"SCSFJ", "SCYJJ", "QBJD"}
    for region in (city_id, county2):
        assert county_bureau.get(f"/supervision/assessment?year=2026&region={region}").status_code == 404
    assert city_bureau.get("/supervision/assessment?year=2026&region=x").status_code == 404


@pytest.mark.slow(12)
def test_the_bureau_s_assessment_basics_and_overview_read_no_more_as_the_departments_grow(app):
    with app.app_context():
        build()
        yjj = user_named("yjj_admin").tenant_id
    client = signed_in(app, "sfj_supervisor")
    urls = [
        "/supervision/assessment?year=2026",
        f"/supervision/assessment/{yjj}?year=2026",
        f"/supervision/departments/{yjj}/basics?period=2026",
        "/reports/overview?year=2026",
    ]
    before = {url: statements(app, client, url) for url in urls}
    with app.app_context():
        added = more_departments(MORE)
    scored = _text(client.get("/supervision/assessment?year=2026"))
    assert set(added) <= _departments(scored)  # each new department of the bureau's own region is scored
    assert "测试局00" in _text(client.get("/reports/overview?year=2026"))  # and owes its tables to the bureau
    after = {url: statements(app, client, url) for url in urls}
    assert after == before, {url: (before[url], after[url]) for url in urls if after[url] != before[url]}
