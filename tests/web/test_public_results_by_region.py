"""The portal's results by region (地区检查结果, issue 93): ``/public/results`` and the public API answer a region's
results two ways — ``?region=CODE``, the results about businesses located in the region or below it, whichever
department of whichever level checked them (牡丹江市's check of a 宁安市 business counts in 宁安市), and
``?department_region=CODE``, the results its departments (and those below) published — at each level of the demo
(牡丹江市, 宁安市, 宁安镇), and say on the page which it is; a code that names no region is a 400 (page) or 422 (API)
naming the parameter in Chinese, never the whole register read instead.

The demo city as ``spotcheck demo`` loads it, read as anyone reads the portal, on both databases."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.results.models import PublishedResult
from tests.support.demo_world import demo_city
from tests.support.page_text import visible_text

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

CITY, COUNTY, TOWN, BESIDE = "231000", "231084", "231084100", "231083"


@pytest.fixture
def demo(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    return app


def _published(app) -> list[tuple[int, str, str, str]]:
    """Every current published result: (id, the department's code, its region's path, the business's code)."""
    with app.app_context(), system_access("test: the register as it is"):
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(PublishedResult.id, Tenant.code, Region.path, Entity.region_code)
                .join(Tenant, Tenant.id == PublishedResult.tenant_id)
                .join(Region, Region.id == Tenant.region_id)
                .join(Entity, Entity.id == PublishedResult.entity_id)
                .where(PublishedResult.current.is_(True))
            )
        ]


def _located(rows, prefix: str) -> set[int]:
    return {row[0] for row in rows if row[3].startswith(prefix)}


def _by_departments_of(rows, code: str) -> set[int]:
    return {row[0] for row in rows if f"/{code}/" in row[2]}


def _api_ids(client, **query) -> set[int]:
    answer = client.get("/api/v1/public/results", query_string=query)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["total"] == len(body["items"]) <= 20  # the demo's results fit on a page
    return {item["id"] for item in body["items"]}


def _page(client, **query) -> tuple[str, list[str]]:
    """The page's text and the department of each result shown."""
    answer = client.get("/public/results", query_string=query)
    assert answer.status_code == 200, query
    markup = html.unescape(answer.get_data(as_text=True))
    return markup, re.findall(r'<article class="card public-result[^"]*" data-entity="([^"]+)"', markup)


def test_a_regions_results_at_each_level_are_about_its_businesses_or_by_its_departments(demo):
    rows = _published(demo)
    everything = {row[0] for row in rows}
    city_checks = {row[0] for row in rows if row[1] == "MDJSCJ"}
    assert city_checks and _located(rows, "231084") >= city_checks  # the city's check of a business in 宁安市
    client = demo.test_client()  # anyone: no sign-in

    # the API: each level, each filter
    assert _api_ids(client) == everything
    assert _api_ids(client, region=CITY) == everything == _api_ids(client, department_region=CITY)  # the root's
    assert _api_ids(client, region=COUNTY) == _located(rows, "231084")
    assert _api_ids(client, region=COUNTY) >= city_checks  # a citizen of 宁安市 finds the city's check too
    assert _api_ids(client, department_region=COUNTY) == _by_departments_of(rows, COUNTY)
    assert not _api_ids(client, department_region=COUNTY) & city_checks  # not the county's departments' own
    town = _api_ids(client, region=TOWN)
    assert town == _located(rows, TOWN) and town and town < _located(rows, "231084")
    assert _api_ids(client, department_region=TOWN) == _by_departments_of(rows, TOWN)  # its office's: none yet
    assert _api_ids(client, region=BESIDE) == set()  # 海林市: no business of the demo lies there
    both = _api_ids(client, region=TOWN, department_region=COUNTY)
    assert both == _located(rows, TOWN) & _by_departments_of(rows, COUNTY)

    # the page: the same results, and it says which they are
    page, shown = _page(client, region=COUNTY)
    assert len(shown) == len(_located(rows, "231084"))
    scope = visible_text(page[page.index('id="region-scope"') :])
    assert "位于宁安市或其下级区划的企业" in scope and "上级部门的检查也在其中" in scope
    assert 'href="/public/results?region=231084100"' in page  # the way down to the town
    page, shown = _page(client, department_region=COUNTY)
    assert len(shown) == len(_by_departments_of(rows, COUNTY))
    assert "宁安市及其下级区划的部门公示的" in visible_text(page[page.index('id="region-scope"') :])
    page, shown = _page(client, region=TOWN)
    assert len(shown) == len(_located(rows, TOWN)) and "宁安镇 · 抽查结果公示" in page
    page, shown = _page(client, department_region=TOWN)
    assert shown == [] and 'id="no-results"' in page and "宁安镇" in visible_text(page[page.index('id="no-results"') :])
    page, shown = _page(client, region=CITY)
    assert len(shown) == len(everything)
    page, _ = _page(client)
    assert "两种" in visible_text(page[page.index('id="region-scope"') :])  # the whole register says both ways


@pytest.mark.parametrize(
    ("field", "code"),
    [("region", "abc"), ("region", "999999"), ("department_region", "2310841"), ("department_region", "231084999")],
)
def test_a_code_that_names_no_region_is_refused_naming_the_parameter(demo, field, code):
    client = demo.test_client()
    page = client.get("/public/results", query_string={field: code})
    assert page.status_code == 400
    refused = html.unescape(page.get_data(as_text=True))
    said = visible_text(refused[refused.index('id="region-refused"') :])
    assert f'data-field="{field}"' in refused and "区划" in said and field in said
    answer = client.get("/api/v1/public/results", query_string={field: code})
    assert answer.status_code == 422
    [message] = answer.get_json()["errors"]["json"][field]
    assert "区划" in message and field in message


def test_the_api_document_declares_both_filters(demo):
    document = demo.test_client().get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/public/results"]["get"]
    declared = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert {"region", "department_region", "page"} <= set(declared)
    assert all(declared[name]["in"] == "query" for name in ("region", "department_region"))
