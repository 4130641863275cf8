"""管辖 on the pages and the API (issue 93 §1): each refusal as the role that would try it — 宁安市's lead registering
a business of 海林市 on the registry's page and through the API, 宁安镇's administrator listing a business of the
county through the API and the page — names both places and the rule; the registry's form and the API enter a
business's operating places (一照多址), which then let a department of the place reach it."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from tests.support.campaign_world import credit_code
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named

RULE = "《中华人民共和国行政处罚法》第二十二条"
HAILIN, TOWN, ELSEWHERE = "231083", "231084100", "231084101"


def _business(number: int, region_code: str, login: str = "scj_admin") -> int:
    user = user_named(login)
    with tenant_scope(user.tenant_id):
        entity = directory.create_entity(
            {
                "code": credit_code(number),
                "name": f"页面管辖企业{number}",
                "industry_code": "H6210",
                "region_code": region_code,
            },
            actor=user,
        )
        db.session.commit()
        return entity.id


def test_a_county_lead_is_refused_a_business_of_another_county_on_the_page_and_through_the_api(app):
    page = signed_in(app, "scj_admin")
    form = {
        "entity_type": "enterprise",
        "code": credit_code(931001),
        "name": "海林页面餐馆",
        "industry_code": "H6210",
        "region_code": HAILIN,
        "address": "海林市林海路1号",
        "status": "active",
        "complaints": "0",
        "credit_rating": "",
        "penalized_on": "",
    }
    refused = post_form(page, "/catalog/directory/registry/new", form, token_from="/catalog/directory/registry/new")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and RULE in text and "海林市" in text and "宁安市市场监督管理局" in text
    client, headers = app.test_client(), bearer(app, "scj_admin")
    answer = client.post(
        "/api/v1/registry",
        headers=headers,
        json={"code": credit_code(931001), "name": "海林接口餐馆", "industry_code": "H6210", "region_code": HAILIN},
    )
    assert answer.status_code == 422 and RULE in answer.json["errors"]["json"]["region_code"][0]
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Entity).where(Entity.code == credit_code(931001)))
            == 0
        )


def test_a_town_office_is_refused_a_county_business_through_the_api_and_the_page(app):
    with app.app_context():
        county = _business(931011, ELSEWHERE)
    client, headers = app.test_client(), bearer(app, "nazf_admin")
    answer = client.post("/api/v1/directory", headers=headers, json={"entity_id": county, "risk": "B"})
    assert answer.status_code == 422
    [message] = answer.json["errors"]["json"]["entity"]
    assert RULE in message and "宁安市" in message and "宁安镇及其下级区划" in message
    page = signed_in(app, "nazf_admin")
    url = f"/catalog/directory/add/{county}"
    shown = post_form(page, url, {"category": "测试", "risk": "B", "tags": ""}, token_from=url)
    assert shown.status_code in (200, 422) and RULE in shown.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant_id("NAZF")):
        assert db.session.scalar(sa.select(DirectoryEntry.id).where(DirectoryEntry.entity_id == county)) is None


def test_operating_places_are_entered_on_the_registry_form_and_through_the_api(app):
    """牡丹江市's lead enters a business of 海林市 with an operating place in 宁安镇 through the API (it answers the
    places), and changes them on the registry's form; the town's office then lists it."""
    client, headers = app.test_client(), bearer(app, "mdjscj_admin")
    created = client.post(
        "/api/v1/registry",
        headers=headers,
        json={
            "code": credit_code(931021),
            "name": "一照多址连锁餐饮有限公司",
            "industry_code": "H6210",
            "region_code": HAILIN,
            "places": [{"region_code": "231083100", "address": "海林市海林镇林海路2号"}],
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["places"] == [{"region_code": "231083100", "address": "海林市海林镇林海路2号"}]
    entity_id = created.json["id"]
    nazf = bearer(app, "nazf_admin")
    assert client.post("/api/v1/directory", headers=nazf, json={"entity_id": entity_id}).status_code == 422
    page = signed_in(app, "mdjscj_admin")
    url = f"/catalog/directory/registry/{entity_id}"
    form = page.get(url).get_data(as_text=True)
    assert "海林市海林镇林海路2号" in form and "一照多址" in form
    saved = post_form(
        page,
        url,
        {
            "entity_type": "enterprise",
            "code": credit_code(931021),
            "name": "一照多址连锁餐饮有限公司",
            "industry_code": "H6210",
            "region_code": HAILIN,
            "address": "",
            "status": "active",
            "complaints": "0",
            "credit_rating": "",
            "penalized_on": "",
            "places": f"{TOWN} 黑龙江省牡丹江市宁安市宁安镇西安街8号",
        },
        token_from=url,
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)
    answer = client.get(f"/api/v1/registry/{entity_id}", headers=headers).json
    assert answer["places"] == [{"region_code": TOWN, "address": "黑龙江省牡丹江市宁安市宁安镇西安街8号"}]
    assert client.post("/api/v1/directory", headers=nazf, json={"entity_id": entity_id}).status_code == 201
    bad = client.patch(f"/api/v1/registry/{entity_id}", headers=headers, json={"places": [{"region_code": "12"}]})
    assert bad.status_code == 422 and bad.json["errors"]["json"]["places"][0].startswith("第1处经营场所")


def test_a_county_lead_moving_a_business_out_of_its_branch_through_the_api_is_told_who_moves_it(app):
    with app.app_context():
        business = _business(931031, TOWN)
    client = app.test_client()
    answer = client.patch(
        f"/api/v1/registry/{business}", headers=bearer(app, "scj_admin"), json={"region_code": HAILIN}
    )
    assert answer.status_code == 422
    [message] = answer.json["errors"]["json"]["region_code"]
    assert "由牡丹江市市场监督管理局办理" in message and "海林市" in message and RULE in message
    moved = client.patch(
        f"/api/v1/registry/{business}", headers=bearer(app, "mdjscj_admin"), json={"region_code": HAILIN}
    )
    assert moved.status_code == 200 and moved.json["region_code"] == HAILIN
