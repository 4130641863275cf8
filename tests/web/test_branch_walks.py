"""The walks over every route (路由遍历) on the two-county world (issue 77): a county's justice bureau walks every
page and API route and meets nothing of the sibling county — not its contacts, not its users, not its draft item —
nor any full ID number; a town's department meets nothing of its own county's other departments either; asking
for a sibling county's department by its number is "no such department"; a number written in other digits is never
a server error for a county's bureau. The positive controls: each bureau reads its own branch, the city's both.

The world (:mod:`tests.support.two_counties`) is built once per module on PostgreSQL, where row-level security
stands behind the ORM; the walks only read.
"""

from __future__ import annotations

import itertools

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.contacts import commands as contacts
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.items import commands as items
from tests.support import two_counties
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import signed_in, user_named
from tests.support.id_number_scan import crawl, needles, refused_by_guard, report
from tests.support.personal_data_world import inspector_data, personal_token, valid_id
from tests.support.route_urls import NUMBER_PARAMETERS, ODD_DIGITS, ids_by_table, route_urls

#: What each county's 应急管理局 keeps that no public page shows: its contacts, a draft item, an inspector's ID
#: number (and the display names of its users, which the world gives them).
SECRETS = {
    code: {
        "responsible": f"{place}负责人甲",
        "liaison": f"{place}联络员乙",
        "mobile": mobile,
        "item": f"{place}专项检查事项（草稿）",
        "id_number": valid_id(first17),
    }
    for code, place, mobile, first17 in (
        ("SCYJJ", "县甲", "13911112222", "23100219900101345"),
        ("XHYJJ", "县乙", "13933334444", "23100519910202456"),
    )
}
#: The departments whose rows give ids to the walks, and how many of each.
PER_TENANT = {"SCYJJ": 2, "XHYJJ": 2, "QBJD": 1}
TENANT_CODES = ("SCYJJ", "XHYJJ", "QBJD")


def _plant(code: str) -> None:
    admin, secret = user_named(f"{code.lower()}_admin"), SECRETS[code]
    with tenant_scope(admin.tenant_id):
        contacts.save(
            {
                "responsible": {"name": secret["responsible"], "post": "局长", "office_phone": "0453-6654321"},
                "liaison": {"name": secret["liaison"], "post": "科员", "mobile": secret["mobile"]},
            },
            actor=admin,
        )
        items.create_item({**ITEM_BASICS, "name": secret["item"], "field": "other"}, actor=admin)
        inspectors.create_inspector(
            inspector_data(f"{code}检查员", secret["id_number"], f"{code}-0001", region=""), actor=admin
        )
        db.session.commit()


@pytest.fixture(scope="module")
def world(postgresql_module_app):
    app = postgresql_module_app
    with app.app_context():
        ids = two_counties.world()
        for code in SECRETS:
            _plant(code)
    return app, ids, ids_by_table(app, PER_TENANT)


def _name(code: str) -> str:
    """A department's name in the world (海林市应急管理局)."""
    return next(department[1] for department in two_counties.DEPARTMENTS if department[0] == code)


def _of(code: str) -> dict[str, str]:
    """The needles of a county's 应急管理局: its secrets and its users' display names."""
    secret = SECRETS[code]
    found = needles([secret["id_number"]])
    for value in (secret["responsible"], secret["liaison"], secret["mobile"], secret["item"]):
        found[value.upper()] = value
    name = _name(code)
    for role in ("管理员", "领导", "计划员", "检查员"):
        found[f"{name}{role}"] = f"{name}{role}"
    return found


@pytest.mark.postgres
@pytest.mark.slow(10)
def test_a_county_bureau_walks_every_route_and_meets_nothing_of_the_sibling_county(world):
    app, _, table_ids = world
    page_urls = route_urls(app, table_ids, tenant_codes=TENANT_CODES)
    api_urls = route_urls(app, table_ids, prefix="/api/", tenant_codes=TENANT_CODES)
    results = []
    for login, wanted in (("scsfj_supervisor", _of("XHYJJ")), ("qbjd_planner", {**_of("XHYJJ"), **_of("SCYJJ")})):
        client = signed_in(app, login)
        refused = refused_by_guard(app, login)
        results.append(crawl(app, client, page_urls, who=f"{login} (session)", wanted=wanted, refused=refused))
        if login == "scsfj_supervisor":
            results.append(
                crawl(
                    app,
                    app.test_client(),
                    api_urls,
                    who=f"{login} (token)",
                    wanted=wanted,
                    headers=personal_token(client),
                    api_only=True,
                    refused=refused,
                )
            )
    leaks, errors = report(results)
    assert not leaks, "a sibling's data (or a full ID number) shown:\n" + "\n".join(leaks[:50])
    assert not errors, "server errors during the walk:\n" + "\n".join(errors[:50])
    # not vacuous: the bureau did read its own branch's contacts, which the walk reached
    supervisor_pages = results[0]
    assert supervisor_pages.statuses.get("/supervision/contacts") == 200
    page = signed_in(app, "scsfj_supervisor").get("/supervision/contacts").get_data(as_text=True)
    assert SECRETS["SCYJJ"]["responsible"] in page and SECRETS["XHYJJ"]["responsible"] not in page


@pytest.mark.postgres
def test_each_bureau_reads_its_own_branch_and_the_city_both(world):
    app = world[0]
    city = world[1]["logins"]["SFJ"]["supervisor"]
    seen = {
        login: signed_in(app, login).get("/supervision/contacts").get_data(as_text=True)
        for login in ("scsfj_supervisor", "xhsfj_supervisor", city)
    }
    sc, xh = SECRETS["SCYJJ"]["liaison"], SECRETS["XHYJJ"]["liaison"]
    assert sc in seen["scsfj_supervisor"] and xh not in seen["scsfj_supervisor"]
    assert xh in seen["xhsfj_supervisor"] and sc not in seen["xhsfj_supervisor"]
    assert sc in seen[city] and xh in seen[city]
    home = signed_in(app, "scsfj_supervisor").get("/").get_data(as_text=True)
    below = home[home.index('id="home-oversight-below"') :]
    assert "海林镇" in below[: below.index("</table>")]  # its town, counted as a region below
    assert _name("SCYJJ") in home and _name("XHYJJ") not in home  # its own departments, never the sibling's


@pytest.mark.postgres
def test_a_sibling_countys_department_is_no_such_department(world):
    """The same request is answered for the department's own bureau and refused as not found for the sibling
    county's (pages and API alike); the town's department is its county's."""
    app, ids, _ = world
    tenants = ids["tenants"]
    for url, allowed, refused in (
        (f"/supervision/departments/{tenants['XHYJJ']}/items", "xhsfj_supervisor", "scsfj_supervisor"),
        (f"/supervision/departments/{tenants['QBJD']}/items", "scsfj_supervisor", "xhsfj_supervisor"),
        (f"/supervision/assessment/{tenants['QBJD']}", "scsfj_supervisor", "xhsfj_supervisor"),
        (f"/supervision/assessment/{tenants['SCYJJ']}", ids["logins"]["SFJ"]["supervisor"], "xhsfj_supervisor"),
    ):
        assert signed_in(app, allowed).get(url).status_code == 200, (url, allowed)
        assert signed_in(app, refused).get(url).status_code == 404, (url, refused)


@pytest.mark.postgres
def test_non_ascii_digits_are_never_a_server_error_for_a_county_bureau(world):
    app, _, table_ids = world
    client = signed_in(app, "scsfj_supervisor")
    failures = []
    for url, odd in itertools.product(route_urls(app, table_ids, per_rule=1, tenant_codes=TENANT_CODES), ODD_DIGITS):
        answer = client.get(url, query_string={name: odd for name in NUMBER_PARAMETERS})
        if answer.status_code >= 500:
            failures.append(f"GET {url}?…={odd}: {answer.status_code}")
    assert not failures, "\n".join(failures[:50])
