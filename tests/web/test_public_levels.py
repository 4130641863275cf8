"""The portal across levels (门户的各级区划): every public page names the deployment's place; a citizen goes from
``/public`` down the regions to a county, a town and a department; ``/public/rules`` shows each level's rulebook,
or says the level has none; the search finds a county department's results; a business's page lists the checks of
the city's and of the county's departments, each naming its department's region. The two-county world
(tests/support/two_counties.py): its regions and departments are named only through the dict it returns."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from stdnum.cn import ric

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results import commands as results
from tests.support.campaign_world import CATEGORY, build, planner_of
from tests.support.helpers import DEMO_PASSWORD, bearer, user_named
from tests.support.leader_accounts import open_leader_accounts
from tests.support.named_world import registered
from tests.support.page_text import visible_text
from tests.support.two_counties import world as two_counties

DAY = date(2026, 3, 2)  # inside the campaign world's window
NO_RULEBOOK_BELOW = "本级未制定实施方案，适用上级规定。"
#: Eighteen characters as an ID number (身份证号码) is written; those that are one are a leak.
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def _names(world: dict) -> dict[str, str]:
    """The names of the world's regions (by key) and departments (by code), as the pages show them."""
    return {
        **{key: regions.get_region(region_id).name for key, region_id in world["regions"].items()},
        **{code: get_tenant(tenant_id).name for code, tenant_id in world["tenants"].items()},
    }


def _codes(world: dict) -> dict[str, str]:
    return {key: regions.get_region(region_id).code for key, region_id in world["regions"].items()}


def _departments(world: dict) -> dict[str, str]:
    """The codes of the world's departments (by key), as their pages' addresses carry them."""
    return {key: get_tenant(tenant_id).code for key, tenant_id in world["tenants"].items()}


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _links(markup: str) -> list[str]:
    return re.findall(r'href="([^"#]+)', markup)


def _title(markup: str) -> str:
    found = re.search(r"<title>(.*?)</title>", markup, re.S)
    assert found, "no <title>"
    return found.group(1)


@pytest.mark.seconds(3.0)
def test_a_citizen_goes_down_the_regions_to_a_town_s_department_and_every_page_names_the_place(app):
    with app.app_context():
        world = two_counties()
        names, codes, dept = _names(world), _codes(world), _departments(world)
        town_department = get_tenant(world["tenants"]["QBJD"])
    client = app.test_client()
    city, county, town = names["city"], names["county1"], names["town"]

    home = _get(client, "/public")
    assert f"{city} 双随机、一公开 信息公开" in _title(home) and f"<h1>{city} 双随机、一公开 信息公开</h1>" in home
    text = visible_text(home)
    assert f"{city}本级部门" in text and f"{city}下辖区划" in text
    for code in ("SCJ", "YJJ", "SFJ"):  # the city's own departments, each with its page
        assert f'href="/public/{dept[code]}"' in home
    for code in ("SCYJJ", "XHYJJ", "QBJD"):  # those below are on their regions' pages
        assert f'href="/public/{dept[code]}"' not in home
    county_url, other_county_url = f"/public/regions/{codes['county1']}", f"/public/regions/{codes['county2']}"
    assert f'href="{county_url}"' in home and f'href="{other_county_url}"' in home
    assert f'href="/public/regions/{codes["town"]}"' not in home  # only the regions right below

    county_page = _get(client, county_url)
    text = visible_text(county_page)
    assert f"<h1>{county} " in county_page and f"{county}本级部门" in text
    crumbs = county_page[county_page.index('class="public-crumbs"') :][:600]
    assert '<a href="/public">' + city + "</a>" in crumbs and f'<span aria-current="page">{county}</span>' in crumbs
    assert f'href="/public/{dept["SCYJJ"]}"' in county_page and f'href="/public/{dept["SCSFJ"]}"' in county_page
    assert f'href="/public/{dept["XHYJJ"]}"' not in county_page and f'href="/public/{dept["SCJ"]}"' not in county_page
    town_url = f"/public/regions/{codes['town']}"
    assert f'href="{town_url}"' in county_page

    town_page = _get(client, town_url)
    crumbs = town_page[town_page.index('class="public-crumbs"') :][:600]
    assert f'<a href="{county_url}">{county}</a>' in crumbs and f'<span aria-current="page">{town}</span>' in crumbs
    assert f'href="/public/{town_department.code}"' in town_page and town_department.name in town_page

    department = _get(client, f"/public/{town_department.code}")
    crumbs = department[department.index('class="public-crumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert [city, county, town, town_department.name] == re.findall(r"<a [^>]*>([^<]+)</a>", crumbs)
    assert f'href="{county_url}"' in crumbs and f'href="{town_url}"' in crumbs

    assert client.get("/public/regions/999999").status_code == 404
    assert client.get("/public/regions/not-a-code").status_code == 404
    assert client.get(f"/public/regions/{codes['city']}").headers["Location"].endswith("/public")  # the root: home

    # every public page reached from these names the place, and none shows a person's ID number
    county_department = f"/public/{dept['SCYJJ']}"
    seen, todo = set(), ["/public", county_url, town_url, f"/public/{town_department.code}", county_department]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype != "text/html":
            continue  # a file to download: no page
        markup = response.get_data(as_text=True)
        assert f"{city} 双随机、一公开 信息公开" in _title(markup), url
        assert not [number for number in ID_SHAPED.findall(markup) if ric.is_valid(number)], url
        for link in _links(markup):
            path = urlsplit(link).path
            if (
                path.startswith("/public")
                and not path.endswith(("/file", ".json"))
                and "/checks/" not in path
                and path.count("/") <= 4
            ):
                todo.append(link)
    assert {county_url, town_url, "/public/rules", "/public/results", "/public/draws"} <= seen
    assert {
        f"/public/{town_department.code}/items",
        f"{county_department}/inspectors",
        f"{county_department}/rules/in-force",
    } <= seen


def _level(markup: str, code: str) -> str:
    found = re.search(rf'<section class="card rules-level" id="rules-level-{code}".*?</section>', markup, re.S)
    assert found, code
    return found.group(0)


@pytest.mark.seconds(2.0)
def test_the_rules_page_shows_each_level_from_the_root_down_and_says_where_a_level_has_no_rulebook(app):
    with app.app_context():
        world = two_counties()
        names, codes, dept = _names(world), _codes(world), _departments(world)
    client = app.test_client()

    root = _get(client, "/public/rules")
    assert f"{names['city']}现行规则" in visible_text(root)
    assert f'href="/public/rules?region={codes["county1"]}"' in root  # the way down

    page = _get(client, f"/public/rules?region={codes['town']}")
    text = visible_text(page)
    assert f"<h1>{names['town']}现行规则</h1>" in page and f"{names['town']}现行的各项规则" in text
    levels = re.findall(r'id="rules-level-(\d+)"', page)
    assert levels == [codes["city"], codes["county1"], codes["town"]]  # the chain, from the root down
    chain = page[page.index('id="rules-levels"') :][:1200]
    assert visible_text(chain).index(names["city"]) < visible_text(chain).index(names["county1"])
    assert f'href="/public/rules?region={codes["county1"]}"' in chain
    for code in (codes["county1"], codes["town"]):  # below the root: its own rulebook, or the rules above apply
        section = _level(page, code)
        assert NO_RULEBOOK_BELOW in visible_text(section) or "/public/rules/versions/" in section, code
    assert NO_RULEBOOK_BELOW in visible_text(_level(page, codes["town"]))  # a town makes no 实施方案
    assert 'data-key="publish_days"' in page  # every rule in force at the level
    assert f'href="/public/{dept["QBJD"]}/rules/in-force"' in page
    assert f'href="/public/{dept["SCJ"]}/rules/in-force"' not in page

    for bad in ("999999", "abc", "1" * 40):
        assert client.get(f"/public/rules?region={bad}").status_code == 404, bad


def test_the_rules_api_takes_a_level(app, client):
    with app.app_context():
        world = two_counties()
        names, codes = _names(world), _codes(world)
    headers = bearer(app, "scyjj_planner")
    answer = client.get(f"/api/v1/rules/rulebook?region={codes['county1']}", headers=headers)
    assert answer.status_code == 200
    assert answer.json["region"]["code"] == codes["county1"] and answer.json["region"]["level_name"] == "县级"
    levels = answer.json["levels"]
    assert [level["name"] for level in levels] == [names["city"], names["county1"]]
    county = levels[1]
    assert (county["rulebook"] is None) == (county["rulebook_note"] == NO_RULEBOOK_BELOW)
    assert answer.json["parameters"]
    default = client.get("/api/v1/rules/rulebook", headers=headers).json
    assert [level["name"] for level in default["levels"]] == [names["city"]]

    malformed = client.get("/api/v1/rules/rulebook?region=abc", headers=headers)
    assert malformed.status_code == 422
    assert "区划代码" in str(malformed.json["errors"]) and "region" in str(malformed.json["errors"])
    unknown = client.get("/api/v1/rules/rulebook?region=999999", headers=headers)
    assert unknown.status_code == 404 and "区划不存在" in str(unknown.json)


def _another_inspector(admin, n: int):
    """One more user of ``admin``'s department with the inspector role (a user leads one inspector's visits)."""
    code = admin.tenant.code.lower()
    return accounts.create_user(
        {
            "login": f"{code}_inspector{n + 1}",
            "display_name": f"检查员{n + 1}",
            "password": DEMO_PASSWORD,
            "roles": ["inspector"],
        },
        actor=admin,
    )


def _published(world: dict, department: str, codes: list[str]) -> None:
    """A named check (特定对象检查) by ``department`` of the businesses ``codes``, each visit's result recorded,
    approved and published."""
    campaign_id = registered(world, targets=len(codes), department=department, codes=codes)
    admin = user_named(f"{department}_admin")
    planner = planner_of(admin)
    with tenant_scope(admin.tenant_id):
        campaign_commands.freeze_inspectors(campaign_id, actor=planner)
        campaign_commands.draw_inspectors(campaign_id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner)
        led = set()
        for member in campaigns.list_team_members(campaigns.get_campaign(campaign_id)):
            if member.entity_id not in led:
                led.add(member.entity_id)
                campaign_commands.designate_leader(campaign_id, {"member_id": member.id}, actor=planner)
        db.session.commit()
        open_leader_accounts(campaign_id, department)  # the hand-out asks the 组长's accounts
        visits = results.hand_out(campaign_id, actor=planner)
        for n, visit in enumerate(visits):
            chief = user_named(f"{department}_inspector") if n == 0 else _another_inspector(admin, n)
            team = campaigns.list_team_members(visit.campaign)
            leader = next(m for m in team if m.is_leader and m.entity_id == visit.entity_id)
            results.link_inspector(leader.inspector_id, {"user_id": chief.id, "other_name": True}, actor=admin)
            results.record_result(
                visit.id,
                {
                    "checked_on": "2026-03-02",
                    "method": "onsite",
                    "record": "核查反映的问题，现场查看储存场所。",
                    "evaluation": "未发现问题。",
                    "opinions": "无。",
                    "items": {str(world["item"]): {"categories": ["no_problem"], "findings": ""}},
                },
                actor=chief,
            )
            results.submit_result(visit.id, actor=chief)
            results.approve_result(visit.id, actor=user_named(f"{department}_leader"))
        results.publish_results([visit.id for visit in visits], actor=planner)
        db.session.commit()


@pytest.mark.seconds(10.0)
def test_the_search_and_a_business_s_page_cover_every_level(app):
    with app.app_context(), frozen_at(DAY):
        world = two_counties()
        names, dept = _names(world), _departments(world)
        city_prefix, county_prefix = dept["YJJ"].lower(), dept["SCYJJ"].lower()  # their users' logins' prefixes
        # the businesses located in the county, where both reach them (管辖: the city's department checks down)
        county_code = regions.get_region(world["regions"]["county1"]).code
        city, county = build(city_prefix, place=county_code), build(county_prefix)
        shared = city["codes"][0]  # in both directories: checked by the city's and by the county's
        own = next(code for code in county["codes"] if code != shared)  # checked by the county's alone
        admin = user_named(f"{county_prefix}_admin")
        if shared not in county["codes"]:  # into the county's directory too (both worlds may list the same)
            with tenant_scope(admin.tenant_id):
                entity = directory_queries.entity_by_code(shared)
                directory.add_entry({"risk": "B", "category": CATEGORY, "entity_id": entity.id}, actor=admin)
                db.session.commit()
        _published(city, city_prefix, [shared])
        _published(county, county_prefix, [shared, own])
    client = app.test_client()

    found = _get(client, f"/public/results?q={own}")
    assert f'href="/public/results/entities/{own}"' in found  # a county department's business, found

    page = _get(client, f"/public/results/entities/{shared}")
    cards = re.findall(r'<article class="card public-result.*?</article>', page, re.S)
    assert len(cards) == 2
    said = sorted(visible_text(card) for card in cards)
    by_department = {
        name: next(text for text in said if text.splitlines()[0] == name) for name in (names["YJJ"], names["SCYJJ"])
    }
    assert "检查部门所属区划" in by_department[names["YJJ"]]
    assert f"{names['city']}（市级）" in by_department[names["YJJ"]]
    assert f"{names['county1']}（县级）" in by_department[names["SCYJJ"]]
    latest = _get(client, "/public/results")
    assert f"{names['county1']}（县级）" in latest and f"{names['city']}（市级）" in latest
