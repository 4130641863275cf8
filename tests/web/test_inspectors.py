"""The inspector directory (执法检查人员名录库): pages, API, masked ID numbers, recusals (回避)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa
from stdnum.cn import ric, uscc

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory.commands import create_entity
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.campaign_world import build
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named


def id_number(first17: str) -> str:
    """A valid resident ID number (GB 11643) from its first 17 digits."""
    return first17 + ric.calc_check_digit(first17 + "0")


def credit_code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


ID_A = id_number("33010619850101123")
ID_B = id_number("33010619851212004")
ID_C = id_number("11010519491231002")


def bad_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def inspector_json(**overrides) -> dict:
    data = {
        "name": "王建国",
        "sex": "M",
        "id_number": ID_A,
        "agency": "杭州市市场监督管理局",
        "post": "科员",
        "cert_no": "TEST-33-0001",
        "cert_expires_on": (date.today() + timedelta(days=400)).isoformat(),
        "categories": ["market", "food"],
        "region": "上城区",
        "expertise": "食品生产",
        "is_expert": False,
    }
    return {**data, **overrides}


def page_form(**overrides) -> dict:
    data = inspector_json(**overrides)
    form = {key: value for key, value in data.items() if key not in ("is_expert", "active")}
    if data.get("is_expert"):
        form["is_expert"] = "y"
    if data.get("active", True):
        form["active"] = "y"
    return form


def field_errors(html: str, field: str) -> list[str]:
    """The error messages the form's error summary gives the form field ``field`` (each a link to it)."""
    return re.findall(rf'<li><a href="#{field}">[^<]*</a>：([^<]*)</li>', html)


def masked(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def test_admin_creates_and_edits_an_inspector_through_the_pages(app):
    admin = signed_in(app, "scj_admin")
    form = admin.get("/catalog/inspectors/new").get_data(as_text=True)
    assert "食品安全" in form and 'name="id_number"' in form

    bad = post_form(
        admin,
        "/catalog/inspectors/new",
        page_form(id_number=bad_check_digit(ID_A), categories=[]),
        token_from="/catalog/inspectors/new",
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert field_errors(html, "id_number") and not field_errors(html, "name")
    assert field_errors(html, "categories")

    good = post_form(admin, "/catalog/inspectors/new", page_form(), token_from="/catalog/inspectors/new")
    assert good.status_code == 302
    detail_url = good.headers["Location"]
    detail = admin.get(detail_url).get_data(as_text=True)
    assert "王建国" in detail and masked(ID_A) in detail and ID_A not in detail
    assert "市场监管综合" in detail and "食品安全" in detail and "TEST-33-0001" in detail

    edit_url = detail_url + "/edit"
    edit_form = admin.get(edit_url).get_data(as_text=True)
    assert ID_A not in edit_form and masked(ID_A) in edit_form
    changed = post_form(
        admin,
        edit_url,
        page_form(id_number="", post="副科长", categories=["drug"], is_expert=True),
        token_from=edit_url,
    )
    assert changed.status_code == 302
    detail = admin.get(detail_url).get_data(as_text=True)
    assert "副科长" in detail and "药品医疗器械" in detail and "食品安全" not in detail
    assert masked(ID_A) in detail  # an empty ID number field leaves the stored number unchanged

    listing = admin.get("/catalog/inspectors").get_data(as_text=True)
    link = f'href="{detail_url}"'
    assert link in listing.split('id="section-experts"')[1] and link not in listing.split('id="section-experts"')[0]
    assert link not in admin.get("/catalog/inspectors?show=inspectors").get_data(as_text=True)
    assert link in admin.get("/catalog/inspectors?show=experts").get_data(as_text=True)

    second = post_form(
        admin, "/catalog/inspectors/new", page_form(name="李四", id_number=ID_B), token_from="/catalog/inspectors/new"
    )
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and field_errors(html, "cert_no") and not field_errors(html, "id_number")
    same_person = post_form(
        admin, "/catalog/inspectors/new", page_form(name="李四", cert_no="X-2"), token_from="/catalog/inspectors/new"
    )
    assert field_errors(same_person.get_data(as_text=True), "id_number")


def test_inspector_api_create_edit_and_errors(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    created = client.post("/api/v1/inspectors", headers=headers, json=inspector_json(categories=["市场监管综合"]))
    assert created.status_code == 201, created.json
    body = created.json
    assert body["id_number_masked"] == masked(ID_A) and "id_number" not in body
    assert ID_A not in created.get_data(as_text=True)
    assert body["categories"] == ["market"] and body["category_names"] == ["市场监管综合"]

    bad = client.post(
        "/api/v1/inspectors", headers=headers, json=inspector_json(id_number=bad_check_digit(ID_B), cert_no="X-1")
    )
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"id_number"}
    duplicate = client.post("/api/v1/inspectors", headers=headers, json=inspector_json(id_number=ID_B))
    assert duplicate.status_code == 422 and set(duplicate.json["errors"]["json"]) == {"cert_no"}
    missing = client.post("/api/v1/inspectors", headers=headers, json={"name": "缺"})
    assert missing.status_code == 422
    assert {"sex", "id_number", "agency", "cert_no", "categories"} <= set(missing.json["errors"]["json"])

    url = f"/api/v1/inspectors/{body['id']}"
    patched = client.patch(url, headers=headers, json={"post": "科长", "is_expert": True})
    assert patched.status_code == 200 and patched.json["post"] == "科长" and patched.json["is_expert"] is True
    assert patched.json["id_number_masked"] == masked(ID_A) and patched.json["cert_no"] == "TEST-33-0001"
    renumbered = client.patch(url, headers=headers, json={"id_number": ID_C})
    assert renumbered.json["id_number_masked"] == masked(ID_C) and ID_C not in renumbered.get_data(as_text=True)
    refused = client.patch(url, headers=headers, json={"id_number": bad_check_digit(ID_C)})
    assert refused.status_code == 422 and "id_number" in refused.json["errors"]["json"]

    other = client.post(
        "/api/v1/inspectors", headers=headers, json=inspector_json(name="赵六", id_number=ID_B, cert_no="TEST-33-0002")
    )
    assert other.status_code == 201
    experts = [i["id"] for i in client.get("/api/v1/inspectors?expert=true", headers=headers).json]
    assert body["id"] in experts and other.json["id"] not in experts
    assert other.json["id"] in [i["id"] for i in client.get("/api/v1/inspectors?expert=false", headers=headers).json]
    assert client.get("/api/v1/inspectors/999999", headers=headers).status_code == 404


def test_expired_and_expiring_certificates_are_marked(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    today = date.today()
    for n, (name, expires) in enumerate(
        (
            ("过期人", today - timedelta(days=3)),
            ("将到期", today + timedelta(days=10)),
            ("有效人", today + timedelta(days=200)),
        )
    ):
        response = client.post(
            "/api/v1/inspectors",
            headers=headers,
            json=inspector_json(
                name=name,
                id_number=id_number(f"3301061985010{n + 2}123"),
                cert_no=f"C-{n}",
                cert_expires_on=expires.isoformat(),
            ),
        )
        assert response.status_code == 201, response.json
    page = signed_in(app, "scj_planner").get("/catalog/inspectors").get_data(as_text=True)
    rows = {name: row for row in page.split("<tr") for name in ("过期人", "将到期", "有效人") if name in row}
    assert "cert-expired" in rows["过期人"] and "cert-expired-tag" in rows["过期人"]
    assert "cert-expiring" in rows["将到期"] and "cert-expired" not in rows["将到期"]
    assert "cert-expired" not in rows["有效人"] and "cert-expiring" not in rows["有效人"]


def test_full_id_number_is_shown_only_to_the_admin_through_the_reveal(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    inspector = client.post("/api/v1/inspectors", headers=headers, json=inspector_json(is_expert=True)).json
    iid = inspector["id"]
    pages = [
        "/catalog/inspectors",
        f"/catalog/inspectors/{iid}",
        "/catalog/inspectors?show=experts",
        f"/catalog/inspectors/{iid}/edit",
        "/audit",
    ]
    apis = [
        "/api/v1/inspectors",
        f"/api/v1/inspectors/{iid}",
        f"/api/v1/inspectors/{iid}/recusals",
        f"/api/v1/inspectors/{iid}/id-number",
        "/api/v1/inspectors?expert=true",
    ]
    for who in ("scj_planner", "scj_leader"):
        browser, api_headers = signed_in(app, who), bearer(app, who)
        seen = [browser.get(url) for url in pages]
        seen.append(
            post_form(browser, f"/catalog/inspectors/{iid}/id-number", {}, token_from=f"/catalog/inspectors/{iid}")
        )
        seen += [client.get(url, headers=api_headers) for url in apis]
        for response in seen:
            assert ID_A not in response.get_data(as_text=True), (who, response.request.path)
        detail = browser.get(f"/catalog/inspectors/{iid}").get_data(as_text=True)
        assert masked(ID_A) in detail and "id-number" not in detail  # no reveal button
        assert seen[pages.index(f"/catalog/inspectors/{iid}/edit")].status_code == 403
        assert seen[len(pages)].status_code == 403  # the reveal
        assert client.get(f"/api/v1/inspectors/{iid}/id-number", headers=api_headers).status_code == 403

    admin = signed_in(app, "scj_admin")
    for url in pages[:4]:
        assert ID_A not in admin.get(url).get_data(as_text=True), url
    for url in apis[:3]:
        assert ID_A not in client.get(url, headers=headers).get_data(as_text=True), url
    detail = admin.get(f"/catalog/inspectors/{iid}").get_data(as_text=True)
    assert f"/catalog/inspectors/{iid}/id-number" in detail  # the reveal button
    revealed = post_form(admin, f"/catalog/inspectors/{iid}/id-number", {}, token_from=f"/catalog/inspectors/{iid}")
    assert revealed.status_code == 200 and ID_A in revealed.get_data(as_text=True)
    assert "no-store" in revealed.headers["Cache-Control"]
    assert ID_A not in admin.get(f"/catalog/inspectors/{iid}").get_data(as_text=True)  # once only
    by_api = client.get(f"/api/v1/inspectors/{iid}/id-number", headers=headers)
    assert by_api.status_code == 200 and by_api.json["id_number"] == ID_A

    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        viewed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "inspector.id_viewed")).all()
        assert [(e.actor_login, e.object_id) for e in viewed] == [("scj_admin", str(iid))] * 2
        assert all(ID_A not in str(e.details) for e in db.session.scalars(sa.select(AuditEntry)))


def _registry_entity(app, code: str, name: str) -> None:
    with app.app_context():
        actor = user_named("scj_admin")
        with tenant_scope(tenant_id("SCJ")):
            create_entity(
                {
                    "code": code,
                    "name": name,
                    "entity_type": "enterprise",
                    "industry_code": "F52",
                    "region_code": "231084901",
                },
                actor=actor,
            )
            db.session.commit()


def test_recusals_declare_and_withdraw(app):
    code = credit_code("91330102MA2B3C4D5")
    _registry_entity(app, code, "杭州示例贸易有限公司")
    client, headers = app.test_client(), bearer(app, "scj_admin")
    iid = client.post("/api/v1/inspectors", headers=headers, json=inspector_json()).json["id"]
    admin = signed_in(app, "scj_admin")
    detail_url = f"/catalog/inspectors/{iid}"

    unknown = post_form(
        admin,
        f"{detail_url}/recusals",
        {"entity_code": credit_code("91330102MA2B3C4D6"), "reason": ""},
        token_from=detail_url,
    )
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 200 and field_errors(html, "entity_code") and field_errors(html, "reason")

    declared = post_form(
        admin,
        f"{detail_url}/recusals",
        {"entity_code": code.lower(), "reason": "配偶任该公司法定代表人"},
        token_from=detail_url,
    )
    assert declared.status_code == 302
    page = admin.get(detail_url).get_data(as_text=True)
    assert "杭州示例贸易有限公司" in page and "配偶任该公司法定代表人" in page
    again = post_form(admin, f"{detail_url}/recusals", {"entity_code": code, "reason": "重复"}, token_from=detail_url)
    assert field_errors(again.get_data(as_text=True), "entity_code")

    planner_page = signed_in(app, "scj_planner").get(detail_url).get_data(as_text=True)
    assert "杭州示例贸易有限公司" in planner_page and "recusals/" not in planner_page  # read only

    recusals = client.get(f"/api/v1/inspectors/{iid}/recusals", headers=headers).json
    assert [(r["entity_code"], r["entity_name"]) for r in recusals] == [(code, "杭州示例贸易有限公司")]
    rid = recusals[0]["id"]
    withdraw = re.search(rf'action="(/catalog/inspectors/{iid}/recusals/{rid}/withdraw)"', page).group(1)
    assert post_form(admin, withdraw, {}, token_from=detail_url).status_code == 302
    assert "杭州示例贸易有限公司" not in admin.get(detail_url).get_data(as_text=True)

    by_api = client.post(
        f"/api/v1/inspectors/{iid}/recusals", headers=headers, json={"entity_code": code, "reason": "近亲属"}
    )
    assert by_api.status_code == 201 and by_api.json["entity_code"] == code
    unknown_api = client.post(
        f"/api/v1/inspectors/{iid}/recusals",
        headers=headers,
        json={"entity_code": "91330102MA2B3C4D5X", "reason": "近亲属"},
    )
    assert unknown_api.status_code == 422 and "entity_code" in unknown_api.json["errors"]["json"]
    planner = bearer(app, "scj_planner")
    assert client.delete(f"/api/v1/inspectors/recusals/{by_api.json['id']}", headers=planner).status_code == 403
    assert client.delete(f"/api/v1/inspectors/recusals/{by_api.json['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/inspectors/{iid}/recusals", headers=headers).json == []


def test_another_department_cannot_see_an_inspector(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    iid = client.post("/api/v1/inspectors", headers=headers, json=inspector_json()).json["id"]
    yjj, yjj_headers = signed_in(app, "yjj_admin"), bearer(app, "yjj_admin")
    for url in (f"/catalog/inspectors/{iid}", f"/catalog/inspectors/{iid}/edit"):
        assert yjj.get(url).status_code == 404, url
    assert (
        post_form(yjj, f"/catalog/inspectors/{iid}/id-number", {}, token_from="/catalog/inspectors").status_code == 404
    )
    for url in (
        f"/api/v1/inspectors/{iid}",
        f"/api/v1/inspectors/{iid}/id-number",
        f"/api/v1/inspectors/{iid}/recusals",
    ):
        response = client.get(url, headers=yjj_headers)
        assert response.status_code == 404 and ID_A not in response.get_data(as_text=True), url
    assert client.patch(f"/api/v1/inspectors/{iid}", headers=yjj_headers, json={"post": "x"}).status_code == 404
    assert f'/catalog/inspectors/{iid}"' not in yjj.get("/catalog/inspectors").get_data(as_text=True)
    assert iid not in [i["id"] for i in client.get("/api/v1/inspectors", headers=yjj_headers).json]


def test_the_directory_is_paged_and_searchable(app):
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            for n in range(120):
                inspectors.create_inspector(
                    {
                        "name": f"检查员{n:03d}",
                        "sex": "M",
                        "id_number": id_number(f"33010619850101{n:03d}"),
                        "agency": "市场监管局",
                        "cert_no": f"PAGE-{n:04d}",
                        "categories": ["market"],
                        "is_expert": n % 40 == 0,
                    },
                    actor=admin,
                )
            db.session.commit()
    client = signed_in(app, "scj_planner")
    first = client.get("/catalog/inspectors").get_data(as_text=True)
    assert first.count("/catalog/inspectors/") - first.count("/catalog/inspectors/new") >= 50
    assert "1–50" in first and "117" in first and 'rel="next"' in first  # 117 inspectors, 3 experts
    third = client.get("/catalog/inspectors?page=3&show=inspectors").get_data(as_text=True)
    assert "检查员119" in third and "检查员001" not in third
    assert client.get("/catalog/inspectors?page=9").status_code == 404
    found = client.get("/catalog/inspectors?q=PAGE-0007").get_data(as_text=True)
    assert "检查员007" in found and "检查员008" not in found
    assert "检查员040" in client.get("/catalog/inspectors?show=experts&q=检查员04").get_data(as_text=True)


def test_an_account_of_another_name_is_linked_only_once_confirmed_the_same_person(app):
    with app.app_context():
        build("yjj", entities=2, inspector_count=2)
        with tenant_scope(tenant_id("YJJ")):
            entry = sa.select(Inspector).order_by(Inspector.id)
            inspector = db.session.scalars(entry).first()
            inspector_id, inspector_name = inspector.id, inspector.name
        account = user_named("yjj_inspector")
        account_id, account_name = account.id, account.display_name
    assert inspector_name != account_name
    admin = signed_in(app, "yjj_admin")
    page = f"/catalog/inspectors/{inspector_id}"
    assert 'id="other-name"' in admin.get(page).get_data(as_text=True)
    post_form(admin, f"{page}/account", {"user_id": str(account_id)}, token_from=page)
    refused = admin.get(page).get_data(as_text=True)
    assert account_name in refused and inspector_name in refused and "确认" in refused
    assert 'id="linked-account"' in refused and "未关联" in refused.split('id="linked-account"')[1][:200]
    post_form(admin, f"{page}/account", {"user_id": str(account_id), "other_name": "1"}, token_from=page)
    linked = admin.get(page).get_data(as_text=True)
    assert "yjj_inspector" in linked.split('id="linked-account"')[1][:300]


def test_the_post_is_required_where_the_departments_rules_list_it(app):
    """岗位职务: 商务局's rules (the demo's 细则, built from 唐山高新区商务局方案 二（一）2) list every inspector's
    post, so an entry without
    it is refused naming the field and the article; 应急管理局's
    rules leave it open, so there it may stay empty; an expert (专家) holds no post to give."""
    client = app.test_client()
    commerce, emergency = bearer(app, "swj_admin"), bearer(app, "yjj_admin")
    without = {key: value for key, value in inspector_json(categories=["市场监管综合"]).items() if key != "post"}
    refused = client.post("/api/v1/inspectors", headers=commerce, json=without)
    assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {"post"}
    message = refused.json["errors"]["json"]["post"][0]
    assert "》二（一）2" in message and "商务局细则" in message and "岗位职务" in message
    assert client.post("/api/v1/inspectors", headers=commerce, json={**without, "post": "科员"}).status_code == 201
    expert = {**without, "name": "专家甲", "cert_no": "ZJ-EXPERT-1", "id_number": ID_B, "is_expert": True}
    assert client.post("/api/v1/inspectors", headers=commerce, json=expert).status_code == 201
    assert (
        client.post(
            "/api/v1/inspectors", headers=emergency, json={**without, "cert_no": "YJ-0001", "id_number": ID_C}
        ).status_code
        == 201
    )
    # the form says so before anyone is refused, where the rules ask it only
    assert 'id="post-required"' in signed_in(app, "swj_admin").get("/catalog/inspectors/new").get_data(as_text=True)
    assert 'id="post-required"' not in signed_in(app, "yjj_admin").get("/catalog/inspectors/new").get_data(as_text=True)
