"""The entity registry (市场主体名录) and the departments' target directories (检查对象名录库),
through the pages and the API, as the people who keep and search them."""

from __future__ import annotations

import re

import sqlalchemy as sa
from stdnum.cn import uscc

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from tests.support.helpers import bearer, csrf_token, post_form, signed_in, tenant_id


def credit_code(base17: str) -> str:
    return base17 + uscc.calc_check_digit(base17)


ROAST = credit_code("91330106MA2B3C4D5")  # the entity the tests follow
DECOY = credit_code("92330211MA7X8Y9W0")


CODE_MESSAGE = re.compile("信用代码|credit code")  # Chinese once translated, English until then


def bad_check_digit(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def create_entities(app) -> dict:
    """The lead department adds two entities to the registry by API; returns their ids."""
    client, headers = app.test_client(), bearer(app, "scj_admin")
    roast = client.post(
        "/api/v1/registry",
        headers=headers,
        json={
            "code": ROAST,
            "name": "杭州西湖炙烤餐饮有限公司",
            "entity_type": "enterprise",
            "industry_code": "H6210",
            "region_code": "231084901",
            "address": "杭州市西湖区文三路1号",
            "abnormal": True,
            "penalized_on": "2025-11-03",
            "complaints": 2,
            "credit_rating": "B",
        },
    )
    assert roast.status_code == 201, roast.json
    decoy = client.post(
        "/api/v1/registry",
        headers=headers,
        json={
            "code": DECOY,
            "name": "宁波北仑五金加工厂",
            "entity_type": "individual",
            "industry_code": "C3311",
            "region_code": "231084802",
        },
    )
    assert decoy.status_code == 201, decoy.json
    return {"roast": roast.json["id"], "decoy": decoy.json["id"]}


def yjj_entries(app, ids) -> dict:
    """应急管理局 adds both entities to its directory; returns the entry ids."""
    client, headers = app.test_client(), bearer(app, "yjj_admin")
    roast = client.post(
        "/api/v1/directory",
        headers=headers,
        json={
            "entity_code": ROAST,
            "category": "餐饮燃气",
            "risk": "高",
            "tags": ["学校周边", "燃气"],
            "last_inspected_on": "2025-06-30",
        },
    )
    assert roast.status_code == 201, roast.json
    decoy = client.post(
        "/api/v1/directory",
        headers=headers,
        json={"entity_id": ids["decoy"], "category": "工贸", "risk": "D", "tags": ["粉尘", "有限空间"]},
    )
    assert decoy.status_code == 201, decoy.json
    return {"roast": roast.json["id"], "decoy": decoy.json["id"]}


# --- the registry: kept by the lead department only -------------------------------------------


def test_lead_department_keeps_the_registry_by_api(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    bad = client.post(
        "/api/v1/registry",
        headers=headers,
        json={"code": bad_check_digit(ROAST), "name": "错码公司", "industry_code": "H6210", "region_code": "231084901"},
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]["json"]) == {"code"}
    assert CODE_MESSAGE.search(bad.json["errors"]["json"]["code"][0])
    missing = client.post("/api/v1/registry", headers=headers, json={"code": ROAST})
    assert missing.status_code == 422 and {"name", "industry_code", "region_code"} <= set(
        missing.json["errors"]["json"]
    )

    ids = create_entities(app)
    again = client.post(
        "/api/v1/registry",
        headers=headers,
        json={"code": ROAST.lower(), "name": "重复", "industry_code": "H62", "region_code": "231084901"},
    )
    assert again.status_code == 422 and "code" in again.json["errors"]["json"]
    changed = client.patch(
        f"/api/v1/registry/{ids['roast']}", headers=headers, json={"blacklisted": True, "status": "吊销"}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["blacklisted"] and changed.json["status"] == "revoked" and changed.json["abnormal"]

    other = bearer(app, "yjj_admin")
    refused = client.post(
        "/api/v1/registry",
        headers=other,
        json={
            "code": credit_code("91330100MA0000001"),
            "name": "某公司",
            "industry_code": "F51",
            "region_code": "231084900",
        },
    )
    assert refused.status_code == 403
    assert client.patch(f"/api/v1/registry/{ids['roast']}", headers=other, json={"name": "x"}).status_code == 403
    found = client.get("/api/v1/registry", headers=other, query_string={"q": ROAST}).json
    assert [e["name"] for e in found["items"]] == ["杭州西湖炙烤餐饮有限公司"] and found["next_after"] is None
    assert client.get(f"/api/v1/registry/{ids['roast']}", headers=other).json["name"] == "杭州西湖炙烤餐饮有限公司"


def test_registry_pages_for_the_lead_department_only(app):
    admin = signed_in(app, "scj_admin")
    form = {
        "entity_type": "enterprise",
        "code": bad_check_digit(ROAST),
        "name": "杭州西湖炙烤餐饮有限公司",
        "industry_code": "H6210",
        "region_code": "231084901",
        "status": "active",
        "complaints": "0",
        "credit_rating": "",
        "penalized_on": "",
    }
    bad = post_form(admin, "/catalog/directory/registry/new", form, token_from="/catalog/directory/registry/new")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and CODE_MESSAGE.search(page)
    assert re.search(r'<li><a href="#code">', page)  # the form's error summary names the code field, a link to it
    created = post_form(
        admin,
        "/catalog/directory/registry/new",
        {**form, "code": ROAST, "abnormal": "y"},
        token_from="/catalog/directory/registry/new",
    )
    assert created.status_code == 302
    edit_url = created.headers["Location"]
    edited = post_form(admin, edit_url, {**form, "code": ROAST, "complaints": "-1"}, token_from=edit_url)
    assert edited.status_code == 200 and 'class="error-summary"' in edited.get_data(as_text=True)
    listing = admin.get("/catalog/directory/registry", query_string={"flags": "abnormal", "region": "231084901"})
    assert "杭州西湖炙烤餐饮有限公司" in listing.get_data(as_text=True)

    other = signed_in(app, "yjj_admin")
    token = csrf_token(other, "/catalog/directory")
    assert other.get("/catalog/directory/registry").status_code == 403
    assert other.get("/catalog/directory/registry/new").status_code == 403
    assert (
        other.post("/catalog/directory/registry/new", data={**form, "code": DECOY, "csrf_token": token}).status_code
        == 403
    )
    assert other.get(edit_url).status_code == 403
    assert "/catalog/directory/registry" not in other.get("/catalog/directory").get_data(as_text=True)


# --- a department's directory --------------------------------------------------------------------


def test_a_department_adds_an_entity_and_finds_it_by_every_filter(app):
    ids = create_entities(app)
    entries = yjj_entries(app, ids)
    client, headers = app.test_client(), bearer(app, "yjj_admin")
    entry = client.get(f"/api/v1/directory/{entries['roast']}", headers=headers).json
    assert entry["risk"] == "A" and entry["tags"] == ["学校周边", "燃气"] and entry["entity"]["code"] == ROAST
    assert client.get(f"/api/v1/directory/{entries['decoy']}", headers=headers).json["tags"] == ["有限空间", "粉尘"]

    twice = client.post("/api/v1/directory", headers=headers, json={"entity_code": ROAST, "risk": "B"})
    assert twice.status_code == 422 and "entity" in twice.json["errors"]["json"]
    unknown = client.post("/api/v1/directory", headers=headers, json={"entity_code": credit_code("91330100MA0000009")})
    assert unknown.status_code == 422 and "entity_code" in unknown.json["errors"]["json"]
    bad_risk = client.post("/api/v1/directory", headers=headers, json={"entity_id": ids["roast"], "risk": "E"})
    assert bad_risk.status_code == 422

    def found(**query):
        """The ids of our two entries that the search returns (the demo city may add rows of its own)."""
        response = client.get("/api/v1/directory", headers=headers, query_string={"limit": 200, **query})
        assert response.status_code == 200, response.json
        return {item["id"] for item in response.json["items"]} & set(entries.values())

    for query in (
        {"q": "炙烤"},
        {"q": ROAST[:12]},
        {"q": ROAST},
        {"industry": "H62"},
        {"region": "231084901"},
        {"flags": "abnormal"},
        {"flags": ["abnormal", "penalized", "complaints"]},
        {"risk": "高"},
        {"risk": "A"},
        {"tag": "学校周边"},
        {"category": "餐饮燃气"},
        {"entity_type": "enterprise"},
        {"q": "炙烤", "industry": "H6210", "region": "2310849", "risk": "高", "tag": "燃气", "flags": "penalized"},
    ):
        assert found(**query) == {entries["roast"]}, query
    for query in (
        {"q": "北仑五金"},
        {"industry": "C33"},
        {"region": "231084802"},
        {"entity_type": "individual"},
        {"tag": "粉尘", "risk": "D"},
        {"category": "工贸"},
    ):
        assert found(**query) == {entries["decoy"]}, query
    assert found(q="炙烤", tag="学校") == set()  # tags match whole, not in part
    assert found(q="炙烤", risk="D") == set() and found(q="炙烤", flags="blacklisted") == set()
    assert client.get("/api/v1/directory", headers=headers, query_string={"flags": "bogus"}).status_code == 422
    assert client.get("/api/v1/directory", headers=headers, query_string={"limit": 500}).status_code == 422

    changed = client.patch(f"/api/v1/directory/{entries['roast']}", headers=headers, json={"risk": "一般", "tags": []})
    assert changed.status_code == 200 and changed.json["risk"] == "C" and changed.json["tags"] == []
    assert found(tag="学校周边") == set() and found(tag="粉尘") == {entries["decoy"]}  # the tags' search follows
    assert (
        client.patch(
            f"/api/v1/directory/{entries['roast']}", headers=headers, json={"last_inspected_on": "2025-13-01"}
        ).status_code
        == 422
    )

    # the same search through the page, with the department's risk labels
    page = signed_in(app, "yjj_admin")
    found = page.get("/catalog/directory", query_string={"flags": "abnormal", "region": "2310849"})
    html = found.get_data(as_text=True)
    assert "杭州西湖炙烤餐饮有限公司" in html and "宁波北仑五金加工厂" not in html
    assert 'class="badge risk risk-c">C<' in html
    switched = post_form(page, "/catalog/directory/settings", {"risk_labels": "words"}, token_from="/catalog/directory")
    assert switched.status_code == 302
    html = page.get("/catalog/directory", query_string={"risk": "C"}).get_data(as_text=True)
    assert 'class="badge risk risk-c">一般<' in html and "宁波北仑五金加工厂" not in html
    assert client.get(f"/api/v1/directory/{entries['roast']}", headers=headers).json["risk_label"] == "一般"
    delete = client.delete(f"/api/v1/directory/{entries['decoy']}", headers=headers)
    assert delete.status_code == 204
    assert client.get(f"/api/v1/directory/{entries['decoy']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/registry/{ids['decoy']}", headers=headers).status_code == 200  # the registry keeps it


def test_adding_changing_and_removing_through_the_pages(app):
    ids = create_entities(app)
    admin = signed_in(app, "yjj_admin")
    search = admin.get("/catalog/directory/add", query_string={"q": "炙烤"}).get_data(as_text=True)
    add_url = f"/catalog/directory/add/{ids['roast']}"
    assert f'href="{add_url}"' in search and "宁波北仑五金加工厂" not in search
    bad = post_form(
        admin,
        add_url,
        {"category": "餐饮燃气", "risk": "A", "tags": "", "last_inspected_on": "昨天"},
        token_from=add_url,
    )
    assert bad.status_code == 200 and 'class="error-summary"' in bad.get_data(as_text=True)
    added = post_form(
        admin,
        add_url,
        {"category": "餐饮燃气", "risk": "B", "tags": "学校周边、燃气", "last_inspected_on": "2025-06-30"},
        token_from=add_url,
    )
    assert added.status_code == 302
    entry_url = added.headers["Location"]
    html = admin.get(entry_url).get_data(as_text=True)
    assert "杭州西湖炙烤餐饮有限公司" in html and 'value="学校周边, 燃气"' in html and 'value="2025-06-30"' in html
    assert admin.get(add_url).headers["Location"] == entry_url  # already in: the entry, not a second one

    changed = post_form(
        admin,
        entry_url,
        {"category": "餐饮燃气", "risk": "D", "tags": "燃气", "last_inspected_on": ""},
        token_from=entry_url,
    )
    assert changed.status_code == 302
    listing = admin.get("/catalog/directory", query_string={"tag": "燃气"}).get_data(as_text=True)
    assert "杭州西湖炙烤餐饮有限公司" in listing and 'risk-d">D<' in listing
    post_form(admin, "/catalog/directory/settings", {"risk_labels": "words"}, token_from="/catalog/directory")
    assert 'risk-d">低<' in admin.get("/catalog/directory", query_string={"tag": "燃气"}).get_data(as_text=True)

    confirm = admin.get(f"{entry_url}/remove")
    assert confirm.status_code == 200
    assert (
        admin.get(f"{entry_url}/remove").status_code == 200 and admin.get(entry_url).status_code == 200
    )  # GET removes nothing
    removed = post_form(admin, f"{entry_url}/remove", {}, token_from=f"{entry_url}/remove")
    assert removed.status_code == 302 and admin.get(entry_url).status_code == 404
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        logged = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"directory.added", "directory.changed", "directory.removed", "tenant.risk_labels_changed"} <= logged


def test_keyset_pagination_returns_every_row_once(app):
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        entities = [
            Entity(
                code=f"PAGE-{n:04d}",
                name=f"翻页测试产品{n}",
                entity_type="product",
                industry_code="C13",
                region_code="231084902",
            )
            for n in range(120)
        ]
        db.session.add_all(entities)
        db.session.flush()
        db.session.add_all(
            [
                DirectoryEntry(entity_id=e.id, category="翻页", risk="ABCD"[n % 4], tags=",翻页测试,")
                for n, e in enumerate(entities)
            ]
        )
        db.session.commit()

    client, headers = app.test_client(), bearer(app, "yjj_planner")
    seen, after, pages = [], 0, 0
    while after is not None:
        page = client.get(
            "/api/v1/directory", headers=headers, query_string={"tag": "翻页测试", "limit": 50, "after": after}
        ).json
        seen += [item["entity"]["code"] for item in page["items"]]
        after, pages = page["next_after"], pages + 1
    assert pages == 3 and seen == [f"PAGE-{n:04d}" for n in range(120)]
    high = client.get(
        "/api/v1/directory", headers=headers, query_string={"tag": "翻页测试", "risk": "A", "limit": 200}
    ).json
    assert len(high["items"]) == 30 and high["next_after"] is None

    registry = client.get("/api/v1/registry", headers=headers, query_string={"q": "PAGE-", "limit": 100}).json
    rest = client.get(
        "/api/v1/registry", headers=headers, query_string={"q": "PAGE-", "limit": 100, "after": registry["next_after"]}
    ).json
    assert len(registry["items"]) == 100 and len(rest["items"]) == 20 and rest["next_after"] is None

    planner = signed_in(app, "yjj_planner")
    url, names, pages = "/catalog/directory?tag=翻页测试", [], 0
    while url:
        html = planner.get(url).get_data(as_text=True)
        names += re.findall(r">(翻页测试产品\d+)</a>", html)
        count = re.search(r'result-count">([^<]*)<', html).group(1)
        assert re.search(r"\b(50|20)\b", count)  # how many rows this page shows
        following = re.search(r'<a rel="next" class="button" href="([^"]+)"', html)
        url = following.group(1).replace("&amp;", "&") if following else None
        pages += 1
        assert "offset" not in (url or "") and "page=" not in (url or "")
    assert pages == 3 and len(names) == 120 and len(set(names)) == 120


# --- who may see and change what -------------------------------------------------------------


def test_another_department_gets_404_for_my_entries(app):
    entries = yjj_entries(app, create_entities(app))
    entry = entries["roast"]
    scj = signed_in(app, "scj_admin")
    token = csrf_token(scj, "/catalog/directory")
    assert scj.get(f"/catalog/directory/{entry}").status_code == 404
    assert scj.post(f"/catalog/directory/{entry}", data={"risk": "D", "csrf_token": token}).status_code == 404
    assert scj.get(f"/catalog/directory/{entry}/remove").status_code == 404
    assert scj.post(f"/catalog/directory/{entry}/remove", data={"csrf_token": token}).status_code == 404
    assert "杭州西湖炙烤餐饮有限公司" not in scj.get("/catalog/directory?q=炙烤").get_data(as_text=True)

    client, headers = app.test_client(), bearer(app, "scj_admin")
    for response in (
        client.get(f"/api/v1/directory/{entry}", headers=headers),
        client.patch(f"/api/v1/directory/{entry}", headers=headers, json={"risk": "D"}),
        client.delete(f"/api/v1/directory/{entry}", headers=headers),
    ):
        assert response.status_code == 404 and "炙烤" not in response.get_data(as_text=True)
    assert client.get("/api/v1/directory", headers=headers, query_string={"q": "炙烤"}).json["items"] == []
    yjj = bearer(app, "yjj_admin")
    assert client.get(f"/api/v1/directory/{entry}", headers=yjj).json["risk"] == "A"  # unchanged


def test_a_planner_searches_but_does_not_change(app):
    entries = yjj_entries(app, create_entities(app))
    entry = entries["roast"]
    planner = signed_in(app, "yjj_planner")
    html = planner.get("/catalog/directory", query_string={"q": "炙烤"}).get_data(as_text=True)
    assert (
        "杭州西湖炙烤餐饮有限公司" in html and "/catalog/directory/add" not in html and 'id="risk-labels"' not in html
    )
    detail = planner.get(f"/catalog/directory/{entry}").get_data(as_text=True)
    assert "学校周边" in detail and '<form method="post" action="/catalog/directory/' not in detail
    token = csrf_token(planner, "/catalog/directory")
    assert planner.post(f"/catalog/directory/{entry}", data={"risk": "D", "csrf_token": token}).status_code == 403
    assert planner.post(f"/catalog/directory/{entry}/remove", data={"csrf_token": token}).status_code == 403
    assert planner.get("/catalog/directory/add").status_code == 403
    assert (
        planner.post("/catalog/directory/settings", data={"risk_labels": "words", "csrf_token": token}).status_code
        == 403
    )

    client, headers = app.test_client(), bearer(app, "yjj_planner")
    assert len(client.get("/api/v1/directory", headers=headers, query_string={"q": "炙烤"}).json["items"]) == 1
    assert client.get("/api/v1/registry", headers=headers, query_string={"q": "五金"}).status_code == 200
    assert client.post("/api/v1/directory", headers=headers, json={"entity_code": DECOY}).status_code == 403
    assert client.patch(f"/api/v1/directory/{entry}", headers=headers, json={"risk": "D"}).status_code == 403
    assert client.delete(f"/api/v1/directory/{entry}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/directory/{entry}", headers=headers).json["risk"] == "A"
    assert app.test_client().get("/api/v1/directory").status_code == 401
