"""Two levels that read apart (found by a browser walk of the demo, 牡丹江市 → 宁安市 → 宁安镇): every department is
named with its place wherever it is listed (宁安市市场监督管理局 and 牡丹江市市场监督管理局, never 市场监督管理局
twice), its document numbers begin with a prefix of its own (宁市监, 牡市监), a new office is told its setup steps by
name, a county's bureau reads its place in its dashboard's title, and a business in a town is placed in its town."""

from __future__ import annotations

import re

import sqlalchemy as sa
from stdnum.cn import uscc

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import Tenant
from tests.support.helpers import bearer, post_form, signed_in
from tests.support.page_text import visible_text

NEW_ADMIN = {"admin_name": "管理员", "admin_password": "Wenlv-Admin-2026!"}


def _registered(app, name: str, region_code: str) -> int:
    """A business 宁安市's market bureau registers (the registry is the lead's), in ``region_code``; its id."""
    first17 = f"91{region_code[:6]}MA1B2C3D4"
    answer = app.test_client().post(
        "/api/v1/registry",
        headers=bearer(app, "scj_admin"),
        json={
            "code": first17 + uscc.calc_check_digit(first17),
            "name": name,
            "entity_type": "enterprise",
            "industry_code": "F5292",
            "region_code": region_code,
        },
    )
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.get_data(as_text=True))


def test_each_level_names_its_departments_with_their_place(app):
    with app.app_context(), system_access("test: every department's names"):
        named = {t.code: (t.name, t.short_name) for t in db.session.scalars(sa.select(Tenant))}
    assert named["SCJ"] == ("宁安市市场监督管理局", "宁市监") and named["MDJSCJ"] == (
        "牡丹江市市场监督管理局",
        "牡市监",
    )
    assert (named["YJJ"], named["SWJ"]) == (("宁安市应急管理局", "宁应急"), ("宁安市商务局", "宁商务"))
    assert named["SFJ"] == ("宁安市司法局", "宁司法") and named["MDJSFJ"] == ("牡丹江市司法局", "牡司法")
    assert len({short for _name, short in named.values()}) == len(named)  # no two number their documents alike
    # where 牡丹江市's coordinator invites departments of its branch, the two market bureaus read apart
    invite = _text(signed_in(app, "mdjscj_coord"), "/joint/new")
    assert "牡丹江市市场监督管理局" in invite and "宁安市市场监督管理局" in invite and "宁安市应急管理局" in invite
    # the platform administrator's list: each with its place and its prefix
    listed = signed_in(app, "admin").get("/platform/tenants").get_data(as_text=True)
    for code in ("SCJ", "MDJSCJ"):
        name, short = named[code]
        assert re.search(rf'data-tenant="{code}">.*?{name}</a></td><td class="tenant-short-name">{short}</td>', listed)
    # the county's bureau's home lists its own level's departments by their full names, its town as a region below
    home = _text(signed_in(app, "sfj_supervisor"), "/")
    assert "宁安市应急管理局" in home and "宁安镇" in home


def test_a_department_named_without_its_place_gets_it_and_a_prefix_no_other_has(app):
    admin = signed_in(app, "admin")
    created = {}
    for code, region in (("NAWLJ", "231084"), ("MDJWLJ", "231000"), ("NAWLJB", "231084")):
        response = post_form(
            admin,
            "/platform/tenants/new",
            {
                "code": code,
                "name": "文化广电旅游局",  # as a user types it, at either level
                "kind": "ordinary",
                "region": region,
                "short_name": "",
                "admin_login": f"{code.lower()}_admin",
                **NEW_ADMIN,
            },
            token_from="/platform/tenants/new",
        )
        assert response.status_code == 302, visible_text(response.get_data(as_text=True))
        created[code] = _text(admin, response.headers["Location"])
    assert "宁安市文化广电旅游局" in created["NAWLJ"] and "牡丹江市文化广电旅游局" in created["MDJWLJ"]
    listed = admin.get("/platform/tenants").get_data(as_text=True)
    prefixes = dict(re.findall(r'data-tenant="([A-Z]+)">.*?<td class="tenant-short-name">([^<]+)</td>', listed))
    # its place's first character and its own (文旅); a second of the kind in 宁安市 takes the place's stem
    assert (prefixes["NAWLJ"], prefixes["MDJWLJ"], prefixes["NAWLJB"]) == ("宁文旅", "牡文旅", "宁安文旅")
    # a name that carries its place keeps it as it is, and a prefix given is kept
    kept = post_form(
        admin,
        "/platform/tenants/new",
        {
            "code": "NZZF",
            "name": "宁安镇人民政府",
            "kind": "ordinary",
            "region": "231084100",
            "short_name": "宁镇政",
            "admin_login": "nzzf_admin",
            **NEW_ADMIN,
        },
        token_from="/platform/tenants/new",
    )
    assert kept.status_code == 302
    listed = admin.get("/platform/tenants").get_data(as_text=True)
    assert re.search(r'data-tenant="NZZF">.*?>宁安镇人民政府</a></td><td class="tenant-short-name">宁镇政</td>', listed)


def test_a_new_office_is_told_its_setup_steps_by_name(app):
    planner = signed_in(app, "nazf_planner")
    page = planner.get("/").get_data(as_text=True)
    text = visible_text(page)
    assert "开展首次抽查前的准备" in text
    assert "尚待完成：添加检查事项、建立检查对象名录库、录入执法人员、编制年度计划" in text
    assert "由本部门管理员办理：添加检查事项、建立检查对象名录库、录入执法人员" in text
    assert re.search(r'<a class="task-step task-write_plan" href="/plans/new">编制年度计划</a>', page)
    assert "add_items" not in text and "write_plan" not in text  # named, never by a code
    office_admin = signed_in(app, "nazf_admin")
    page = office_admin.get("/").get_data(as_text=True)
    steps = re.findall(r'<a class="task-step task-(\w+)" href="([^"]+)">([^<]+)</a>', page)
    assert steps == [
        ("add_items", "/catalog/items/new", "添加检查事项"),
        ("add_entries", "/catalog/directory", "建立检查对象名录库"),
        ("add_inspectors", "/catalog/inspectors/new", "录入执法人员"),
    ]
    assert "由本部门科室经办人办理：编制年度计划" in visible_text(page)
    # its administrator adds a business it supervises: that step is done, the others still named
    town = _registered(app, "宁安市宁安镇试营商店", "231084100")
    added = app.test_client().post(
        "/api/v1/directory", headers=bearer(app, "nazf_admin"), json={"entity_id": town, "category": "综合执法"}
    )
    assert added.status_code == 201, added.json
    text = _text(planner, "/")
    assert "尚待完成：添加检查事项、录入执法人员、编制年度计划" in text and "建立检查对象名录库" not in text
    # a justice bureau supervises: no setup row for it
    assert "开展首次抽查前的准备" not in _text(signed_in(app, "mdjsfj_admin"), "/")


def test_a_county_bureaus_dashboard_names_its_place(app):
    title = re.search(
        r'<h1 id="supervision-title">(.*?)</h1>',
        signed_in(app, "sfj_supervisor").get("/supervision").get_data(as_text=True),
    )
    assert title and "宁安市（本级及下级）" in visible_text(title.group(1))
    upper = re.search(
        r'<h1 id="supervision-title">(.*?)</h1>',
        signed_in(app, "mdjsfj_supervisor").get("/supervision").get_data(as_text=True),
    )
    assert upper and "牡丹江市（本级及下级）" in visible_text(upper.group(1))


def test_a_business_in_a_town_is_placed_in_its_town_and_county(app):
    in_town = _registered(app, "宁安市宁安镇试营商店", "231084100")
    client, headers = app.test_client(), bearer(app, "scj_admin")
    entry = client.post("/api/v1/directory", headers=headers, json={"entity_id": in_town, "category": "食品销售"})
    assert entry.status_code == 201, entry.json
    page = _text(signed_in(app, "scj_admin"), f"/catalog/directory/{entry.json['id']}")
    assert "区域\n231084100 宁安市 宁安镇" in page  # the town with its county, below the root (牡丹江市)
    listed = _text(signed_in(app, "scj_admin"), "/catalog/directory")
    assert "231084100 宁安市 宁安镇" in listed
