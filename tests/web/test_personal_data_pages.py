"""Personal data (个人信息) in what users receive: no public page and no response for a non-admin
contains an inspector's full ID number (身份证号码); the department administrator reads one only
through the reveal endpoint.

The crawl (:mod:`tests.support.id_number_scan`) is driven by ``app.url_map``: every GET route is
requested by every kind of user, with the ``<int:...>`` parts filled with the ids of real rows (found
by the argument's name: an ``inspector_id`` takes ids from the ``inspector`` table, an ``entry_id``
from ``directory_entry``, a new ``plan_id`` would take them from ``plan``), and the links found in the
answers are followed. Pages added later are covered without touching this file. Spreadsheets (.xlsx)
are opened and every cell is read; every other answer is read as text, headers included.

Every route is requested by every user; a walk fails if one was not. Left out are only requests
whose answer cannot differ from one already read: once a route whose declared permission the user
lacks has answered them 403, its other URLs are not asked (``permissions.requires`` refuses before
the view runs, whatever the arguments); an argument whose table holds no row at all gets one id,
not several (each names a missing row). The world is built once per module and database: the walks
only read.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.permissions import public
from spotcheck.tenants.inspectors import queries as inspectors_queries
from tests.support.helpers import level_url, post_form, tenant_id
from tests.support.id_number_scan import crawl, needles, refused_by_guard, report, reveal_rules
from tests.support.personal_data_world import ALL_IDS, SCJ_API_ID, SCJ_PAGE_ID, populate, session_and_token
from tests.support.route_urls import ids_by_table, route_urls

NON_ADMINS = ["scj_planner", "scj_leader", "scj_inspector", "scj_coord", "sfj_supervisor", "admin"]


@pytest.fixture(scope="module")
def world(postgresql_module_app):
    """The populated app and the ids to fill the routes with: built once per module, since the walks
    only read (they add sessions, tokens and their audit records). On PostgreSQL alone: what a page
    shows of a number is decided by the templates and the masking, the same on either database."""
    populate(postgresql_module_app)
    return postgresql_module_app, ids_by_table(postgresql_module_app)


# --- (a) public pages -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_public_pages_never_show_an_id_number(world):
    app, ids = world
    wanted = needles(ALL_IDS)
    lists = [level_url(app, "/public/inspectors"), level_url(app, "/public/draws")]  # the demo's departments' region
    anonymous = crawl(
        app, app.test_client(), lists + route_urls(app, ids, public_only=True), who="anonymous", wanted=wanted
    )
    assert {
        anonymous.statuses.get(url)
        for url in (
            "/public",
            "/public/inspectors",
            *lists,
            "/public/SCJ/inspectors",
            "/public/YJJ/inspectors",
            "/public/SCJ/items",
        )
    } == {200}
    leaks, errors = report([anonymous])
    assert not leaks, "ID numbers on pages anyone can read:\n" + "\n".join(leaks)
    assert not errors, "server errors:\n" + "\n".join(errors)
    # the public list names the inspectors (so the scan looked at the right pages)
    text = app.test_client().get(level_url(app, "/public/inspectors")).get_data(as_text=True)
    assert "甲检查员" in text and "应急检查员0" in text


# --- (b) every GET route, for every user who is not the department administrator -----------------


def _export_rules(app) -> list[str]:
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.rule.startswith(("/catalog/sheets", "/api/v1/sheets"))
        and "export" in rule.rule
    ]


@pytest.mark.postgres
@pytest.mark.slow(13)
def test_no_answer_to_a_non_admin_contains_an_id_number(world):
    """Each non-admin user walks every GET route with a page session, and every /api route again
    with a bearer token; spreadsheet exports are read cell by cell."""
    app, ids = world
    wanted = needles(ALL_IDS)
    page_urls, api_urls = route_urls(app, ids), route_urls(app, ids, prefix="/api/")
    results, tokens = [], {}
    for login_name in NON_ADMINS:
        client, tokens[login_name] = session_and_token(app, login_name)
        refused = refused_by_guard(app, login_name)
        results.append(crawl(app, client, page_urls, who=f"{login_name} (session)", wanted=wanted, refused=refused))
        results.append(
            crawl(
                app,
                app.test_client(),
                api_urls,
                who=f"{login_name} (token)",
                wanted=wanted,
                headers=tokens[login_name],
                api_only=True,
                refused=refused,
            )
        )
    leaks, errors = report(results)
    assert not leaks, "full ID numbers shown to a non-admin:\n" + "\n".join(leaks)
    assert not errors, "server errors during the crawl:\n" + "\n".join(errors)
    # not vacuous: the planner did read the inspectors (masked), their API and their exports
    planner_pages, planner_api = results[0], results[1]
    assert planner_pages.statuses.get("/catalog/inspectors") == 200
    assert planner_api.statuses.get("/api/v1/inspectors") == 200
    assert any(planner_pages.statuses.get(f"/catalog/inspectors/{i}") == 200 for i in ids["inspector"])
    if _export_rules(app):
        assert planner_pages.spreadsheets and planner_api.spreadsheets, "no export was opened"
    listed = app.test_client().get("/api/v1/inspectors", headers=tokens["scj_planner"])
    assert "330106********031X" in {row["id_number_masked"] for row in listed.get_json()}


# --- (c) the positive control ---------------------------------------------------------------------


@pytest.mark.postgres
def test_the_department_admin_sees_a_full_number_only_through_the_reveal_endpoint(world):
    app, ids = world
    reveals = reveal_rules(app)
    assert reveals, "no route declares INSPECTORS_PERSONAL_DATA: where does the admin read a number?"
    wanted = needles(ALL_IDS)
    admin_pages, headers = session_and_token(app, "scj_admin")
    client = app.test_client()
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        inspector = next(i for i in inspectors_queries.list_inspectors() if i.cert_no == "SCJ-PD-001")
        inspector_id, masked = inspector.id, inspector.id_masked
    assert masked == "330106********031X"
    # the explicit reveal: the full number, not cached
    revealed = client.get(f"/api/v1/inspectors/{inspector_id}/id-number", headers=headers)
    assert revealed.status_code == 200 and revealed.get_json()["id_number"] == SCJ_API_ID
    assert "no-store" in revealed.headers.get("Cache-Control", "")
    page = post_form(
        admin_pages,
        f"/catalog/inspectors/{inspector_id}/id-number",
        {},
        token_from=f"/catalog/inspectors/{inspector_id}",
    )
    assert page.status_code == 200 and SCJ_API_ID in page.get_data(as_text=True)
    # not for another department's inspector
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        other = inspectors_queries.list_inspectors()[0].id
    assert client.get(f"/api/v1/inspectors/{other}/id-number", headers=headers).status_code == 404
    # and nowhere else: every other page and API answer the admin gets shows masked numbers only
    # (spreadsheet exports of the admin's own department may carry them: the issue allows it)
    refused = refused_by_guard(app, "scj_admin")
    pages = crawl(
        app,
        admin_pages,
        route_urls(app, ids),
        who="scj_admin (session)",
        wanted=wanted,
        allowed=reveals,
        refused=refused,
    )
    api = crawl(
        app,
        client,
        route_urls(app, ids, prefix="/api/"),
        who="scj_admin (token)",
        wanted=wanted,
        headers=headers,
        api_only=True,
        allowed=reveals,
        refused=refused,
    )
    leaks, errors = report([pages, api])
    leaks = [leak for leak in leaks if " in xlsx:" not in leak and " in zip:xl/" not in leak]
    assert not leaks, "full ID numbers outside the reveal endpoint:\n" + "\n".join(leaks)
    assert not errors, "server errors during the crawl:\n" + "\n".join(errors)
    assert pages.statuses.get(f"/catalog/inspectors/{inspector_id}") == 200
    assert "330106********031X" in admin_pages.get(f"/catalog/inspectors/{inspector_id}").get_data(as_text=True)


# --- the scanner itself --------------------------------------------------------------------------


def test_the_scan_finds_a_planted_leak(app):
    """A page that shows a number spaced out and a spreadsheet with one in a cell are both caught."""

    def spaced():
        spaced_out = " ".join((SCJ_API_ID[:6], SCJ_API_ID[6:14], SCJ_API_ID[14:].lower()))
        return f'<p>{spaced_out}</p><a href="/planted/sheet">sheet</a>'

    def sheet():
        book = openpyxl.Workbook()
        book.active["C7"] = SCJ_PAGE_ID[:17]
        data = io.BytesIO()
        book.save(data)
        return (
            data.getvalue(),
            200,
            {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        )

    app.add_url_rule("/planted/page", "planted_page", public(spaced))
    app.add_url_rule("/planted/sheet", "planted_sheet", public(sheet))
    result = crawl(app, app.test_client(), ["/planted/page"], who="probe", wanted=needles(ALL_IDS))
    assert result.seen == {"/planted/page", "/planted/sheet"} and result.spreadsheets == 1
    assert any(SCJ_API_ID in leak and "/planted/page" in leak for leak in result.leaks)
    assert any(SCJ_PAGE_ID in leak and "xlsx:Sheet!C7" in leak for leak in result.leaks)
