"""The portal's lists by region (issue 78): ``/public/draws`` and ``/public/inspectors`` show one region's own
departments — the root's by default, another's on ``?region=<code>`` — with the regions right below it linked, the way
down to every department; a public campaign's page finds its department in one look-up (a draft or unknown id: 404);
and none of these pages reads more as the departments grow (a province's 3,000 in 120 regions): the statements a page
runs are the same with 20 more departments, each with its plan, its campaign and its inspector."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa
from stdnum.cn import ric

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.queries import get_tenant, region_departments
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.regions import queries as regions
from tests.support.campaign_world import build, campaign_data, id_number, planner_of
from tests.support.ceremony_world import campaign_through
from tests.support.growing import MORE, more_departments, statements
from tests.support.helpers import user_named
from tests.support.two_counties import world as two_counties

#: Eighteen characters as an ID number (身份证号码) is written; those that are one are a leak.
ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def _text(response) -> str:
    assert response.status_code == 200, response.request.url
    return html.unescape(response.get_data(as_text=True))


def _crumbs(page: str) -> str:
    crumbs = page[page.index('class="public-crumbs"') :]
    return crumbs[: crumbs.index("</nav>")]


def _leaks(page: str) -> list[str]:
    return [number for number in ID_SHAPED.findall(page) if ric.is_valid(number)]


def test_the_draws_are_listed_by_region_from_the_root_down_to_the_demo_s_departments(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="targets")
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            code = campaigns.get_campaign(campaign_id).code
            draft = campaign_commands.create_campaign(
                campaign_data(world, title="尚未批准的任务"), actor=planner_of(admin)
            )
            db.session.commit()
            draft_id = draft.id
        region = get_tenant(admin.tenant_id).region
        level, level_code = region.name, region.code
        root = regions.root()
        root_name, root_departments = root.name, [tenant.name for tenant in region_departments(root.id)]
        assert region.parent_id == root.id  # the demo's departments sit right below the root
        department_name = get_tenant(admin.tenant_id).name

    # the root's list: its own departments (none has published anything), and the way down
    top = _text(client.get("/public/draws"))
    assert "<h1>随机抽取公示</h1>" in top and f"{root_name}本级部门" in top
    assert code not in top and "2026年度行政执法检查计划" not in top  # 宁安市's, on its own list
    assert all(name in top for name in root_departments) and "尚未公开信息" in top
    assert f"{root_name}下辖区划" in top and f'href="/public/draws?region={level_code}"' in top

    # the region below: its departments' published plan and public campaign, as the portal showed them before
    page = _text(client.get(f"/public/draws?region={level_code}"))
    assert f"<h1>{level} · 随机抽取公示</h1>" in page and f"<title>{level} · 随机抽取公示 ·" in page
    assert f"{level}本级部门" in page and f'id="department-{admin.tenant.code}"' in page
    assert "2026年度行政执法检查计划" in page and "危险化学品安全生产检查" in page and "5%" in page
    assert code in page and f'href="/public/draws/campaigns/{campaign_id}"' in page
    assert "尚未批准的任务" not in page  # a draft is not public
    crumbs = _crumbs(page)
    assert re.findall(r"<a [^>]*>([^<]+)</a>", crumbs) == [root_name, "随机抽取公示"]
    assert f'<span aria-current="page">{level}</span>' in crumbs
    earlier = _text(client.get(f"/public/draws?region={level_code}&year=2025"))
    assert code not in earlier and f'href="/public/draws?region={level_code}&year=2026"' in earlier

    # a campaign's page: its department found in one look-up, the way back to its region's list
    campaign = _text(client.get(f"/public/draws/campaigns/{campaign_id}"))
    assert code in campaign and department_name in campaign
    assert f'<a href="/public/draws?region={level_code}">{level}</a>' in _crumbs(campaign)
    assert client.get(f"/public/draws/campaigns/{draft_id}").status_code == 404
    assert client.get(f"/public/draws/campaigns/{draft_id}/proofs/targets.json").status_code == 404
    assert client.get("/public/draws/campaigns/999999").status_code == 404
    for bad in ("999999", "abc", "1" * 40):
        assert client.get(f"/public/draws?region={bad}").status_code == 404, bad
    # the department's page leads to its part of its region's list
    assert f'href="/public/draws?region={level_code}#department-YJJ"' in _text(client.get("/public/YJJ"))


def _inspector(login: str, name: str, number: int, cert_no: str) -> None:
    admin = user_named(login)
    with tenant_scope(admin.tenant_id):
        inspectors.create_inspector(
            {
                "name": name,
                "sex": "男",
                "id_number": id_number(number),
                "agency": get_tenant(admin.tenant_id).name,
                "post": "科员",
                "cert_no": cert_no,
                "categories": ["market"],
            },
            actor=admin,
        )
        db.session.commit()


def test_the_inspector_directory_is_listed_by_region_with_the_way_down(app):
    with app.app_context():
        world = two_counties()
        logins = world["logins"]
        _inspector(logins["YJJ"]["admin"], "市级检查员甲", 1, "MDJ-0001")
        _inspector(logins["SCYJJ"]["admin"], "海林检查员乙", 2, "HL-0001")
        _inspector(logins["QBJD"]["admin"], "海林镇检查员丙", 3, "HLZ-0001")
        names = {key: regions.get_region(region_id).name for key, region_id in world["regions"].items()}
        codes = {key: regions.get_region(region_id).code for key, region_id in world["regions"].items()}
        county_department = get_tenant(world["tenants"]["SCYJJ"])
        county_code, county_department_name = county_department.code, county_department.name
    client = app.test_client()

    city = _text(client.get("/public/inspectors"))
    assert "市级检查员甲" in city and "MDJ-0001" in city and f"{names['city']}本级部门" in city
    assert "海林检查员乙" not in city and "海林镇检查员丙" not in city  # on their regions' lists
    for key in ("county1", "county2"):
        assert f'href="/public/inspectors?region={codes[key]}"' in city, key
    assert f'href="/public/inspectors?region={codes["town"]}"' not in city  # only the regions right below

    county = _text(client.get(f"/public/inspectors?region={codes['county1']}"))
    assert f"<h1>{names['county1']} · 执法检查人员名录</h1>" in county and f"{names['county1']}本级部门" in county
    assert "海林检查员乙" in county and "HL-0001" in county and county_department_name in county
    assert f'href="/public/{county_code}"' in county and "下一页" not in county  # one page, nothing more to see
    assert "市级检查员甲" not in county and "海林镇检查员丙" not in county
    crumbs = _crumbs(county)
    assert re.findall(r"<a [^>]*>([^<]+)</a>", crumbs) == [names["city"], names["county1"]]
    assert f'href="/public/inspectors?region={codes["town"]}"' in county

    town = _text(client.get(f"/public/inspectors?region={codes['town']}"))
    assert "海林镇检查员丙" in town and "海林检查员乙" not in town
    other = _text(client.get(f"/public/inspectors?region={codes['county2']}"))  # its departments list no one yet
    assert f"{names['county2']} · 执法检查人员名录" in other and "暂无执法检查人员。" in other
    assert "海林检查员乙" not in other and "市级检查员甲" not in other
    for page in (city, county, town):
        assert not _leaks(page)
        for number in (1, 2, 3):
            assert id_number(number) not in page and id_number(number)[-6:] not in page
    for bad in ("999999", "abc"):
        assert client.get(f"/public/inspectors?region={bad}").status_code == 404, bad

    # a region's page leads to its departments' lists
    county_page = _text(client.get(f"/public/regions/{codes['county1']}"))
    assert f'href="/public/inspectors?region={codes["county1"]}"' in county_page
    assert f'href="/public/draws?region={codes["county1"]}"' in county_page


@pytest.mark.slow(12)
def test_the_public_lists_and_a_campaign_s_page_read_no_more_as_the_departments_grow(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="targets")
        level_code = get_tenant(user_named("yjj_admin").tenant_id).region.code
    urls = [
        "/public/draws",
        f"/public/draws?region={level_code}",
        f"/public/draws?region={level_code}&year=2026",
        "/public/inspectors",
        f"/public/inspectors?region={level_code}",
        f"/public/draws/campaigns/{campaign_id}",
        f"/public/draws/campaigns/{campaign_id}/proofs/targets/verify",
    ]
    before = {url: statements(app, client, url) for url in urls}
    with app.app_context():
        added = more_departments(MORE)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Tenant).where(Tenant.code.in_(added))) == MORE
    listed = _text(client.get(f"/public/draws?region={level_code}"))
    assert all(f'id="department-{code}"' in listed for code in added)  # each with its plan and its campaign
    assert listed.count('class="public-plan"') >= MORE + 1 and listed.count("<tr data-campaign=") >= MORE + 1
    people = _text(client.get(f"/public/inspectors?region={level_code}"))
    assert all(f'id="dept-{code}"' in people and f"{code}-0000" in people for code in added)
    after = {url: statements(app, client, url) for url in urls}
    assert after == before, {url: (before[url], after[url]) for url in urls if after[url] != before[url]}
