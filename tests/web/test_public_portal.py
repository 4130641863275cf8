"""The public portal (/public, 一公开): anyone reads each department's published item list,
its published rules document and the public inspector list — and nothing more."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import quote

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.commands import create_department
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.rules import commands as rules, queries as rules_queries
from tests.support.campaign_world import ITEM_BASICS, credit_code, id_number
from tests.support.helpers import level_url, signed_in, tenant_id, user_named

PDF = b"%PDF-1.4\n% spotcheck test document\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
RULES_FILE_NAME = "市场监管局双随机实施细则.pdf"


def _item(data, *, actor, publish=True, retire=False):
    item = items.create_item(
        {**ITEM_BASICS, "methods": ["onsite"], "inspector_categories": ["food"], **data}, actor=actor
    )
    if publish:
        items.publish_item(item.id, actor=actor)
    if retire:
        items.retire_item(item.id, {"reason": "法规废止"}, actor=actor)
    return item


def _seed(app, *, publish_rules=True):
    """SCJ: a published item (changed once), a draft, a retired item, a rules document, two
    inspectors (one inactive); YJJ: one published item."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(tenant_id("SCJ")):
            published = _item(
                {
                    "name": "食品经营许可事项检查",
                    "sub_item": "食品经营者许可条件保持情况",
                    "legal_basis": "《食品安全法》第一百一十条",
                    "checking_body": "市场监督管理局",
                    "target_type": "食品经营者",
                    "content": "许可条件、从业人员健康证明",
                    "ratio_bp": 500,
                    "frequency_times": 1,
                    "frequency_period": "year",
                    "result_use": "纳入信用记录",
                    "inspector_requirements": "须持有执法证",
                },
                actor=admin,
            )
            items.update_item(
                published.id, {"content": "许可条件、从业人员健康证明、进货查验记录", "reason": "法规修订"}, actor=admin
            )
            _item({"name": "草稿事项不应公开"}, actor=admin, publish=False)
            _item({"name": "已废止事项不应公开"}, actor=admin, retire=True)
            rules.save_text(
                {"title": "市场监督管理局“双随机、一公开”实施细则", "body": "第一条 为规范随机抽查工作，制定本细则。"},
                actor=admin,
            )
            rules.attach_file({"file_name": RULES_FILE_NAME, "stream": io.BytesIO(PDF)}, actor=admin)
            if publish_rules:
                rules.publish(actor=admin)
            else:
                rules_queries.current_document().published = False  # whatever a demo may have published before
            inspectors.create_inspector(
                {
                    "name": "张公开",
                    "sex": "男",
                    "id_number": "11010519491231002X",
                    "agency": "杭州市市场监督管理局",
                    "post": "科长甲职务",
                    "cert_no": "ZJ3301-0001",
                    "cert_expires_on": "2031-06-30",
                    "categories": ["food", "quality"],
                    "region": "西湖区辖区甲",
                    "expertise": "食品检验专长甲",
                },
                actor=admin,
            )
            inspectors.create_inspector(
                {
                    "name": "李停用",
                    "sex": "女",
                    "id_number": "110101199003078136",
                    "agency": "杭州市市场监督管理局",
                    "cert_no": "ZJ3301-0002",
                    "categories": ["market"],
                    "active": False,
                },
                actor=admin,
            )
            db.session.commit()
        with tenant_scope(tenant_id("YJJ")):
            _item(
                {"name": "危险化学品经营单位检查", "inspector_categories": ["hazchem"]}, actor=user_named("yjj_admin")
            )
            db.session.commit()


def _empty_department(app) -> str:
    """A new department that has published nothing yet; its code."""
    with app.app_context():
        create_department(
            {"code": "ZJTEST", "name": "测试新设局", "kind": "ordinary", "region": "231084"},
            actor=user_named("admin"),
        )
    return "ZJTEST"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _level(app, client) -> str:
    """The portal's page of the demo's departments' level (宁安市, a region below the deployment's root), reached
    from ``/public``: where its departments are listed."""
    with app.app_context():
        region = db.session.get(Tenant, tenant_id("SCJ")).region
        url = "/public" if region.parent_id is None else f"/public/regions/{region.code}"
    if url != "/public":
        assert f'href="{url}"' in _text(client.get("/public"))
    return _text(client.get(url))


def test_the_public_reads_published_items_only(app):
    _seed(app)
    client = app.test_client()
    page = client.get("/public/SCJ/items")
    assert page.status_code == 200
    text = _text(page)
    assert "食品经营许可事项检查" in text and "食品经营者许可条件保持情况" in text
    assert "《食品安全法》第一百一十条" in text and "不低于5%" in text and "每年1次" in text and "纳入信用记录" in text
    assert "进货查验记录" in text  # the current version, not the first one
    assert "实地检查" in text and "食品安全" in text  # codes shown by their Chinese names
    # the requirements on the inspectors under their own name, not inside the enforcement categories
    assert re.search(r"<dt>检查人员要求</dt><dd[^>]*>须持有执法证</dd>", text)
    assert not re.search(r"<dt>执法类别</dt><dd>(?:(?!</dd>).)*须持有执法证", text, re.S)
    assert "草稿事项不应公开" not in text and "已废止事项不应公开" not in text
    assert "危险化学品经营单位检查" not in text  # another department's item is on its own page
    assert "危险化学品经营单位检查" in _text(client.get("/public/YJJ/items"))
    assert "危险化学品" in _text(client.get("/public/YJJ/items"))


def test_the_draws_page_has_one_name_in_the_menu_its_heading_and_its_breadcrumbs(app):
    """随机抽取公示 everywhere (the menu's name): not 检查计划与随机抽取 in one place and
    年度检查计划与随机抽取 in another."""
    client = app.test_client()
    for url in ("/public", "/public/draws", "/public/draws/algorithm"):
        text = _text(client.get(url))
        assert "检查计划与随机抽取" not in text, url
        assert 'id="nav-draws">随机抽取公示</a>' in text, url
    text = _text(client.get("/public/draws"))
    assert "<h1>随机抽取公示</h1>" in text and "<title>随机抽取公示 ·" in text
    assert '<a href="/public/draws">随机抽取公示</a>' in _text(client.get("/public/draws/algorithm"))


def test_the_portal_index_links_every_department(app):
    _seed(app)
    empty = _empty_department(app)
    client = app.test_client()
    text = _level(app, client)
    for code, name in (("SCJ", "市场监督管理局"), ("YJJ", "应急管理局"), ("SWJ", "商务局"), ("SFJ", "司法局")):
        assert name in text
        assert f'href="/public/{code}/items"' in text and f'href="/public/{code}/inspectors"' in text
    assert "测试新设局" in text
    assert 'href="/public/SCJ/rules"' in text and f'href="/public/{empty}/rules"' not in text  # none published
    department = client.get("/public/SCJ")
    assert department.status_code == 200 and "市场监督管理局“双随机、一公开”实施细则" in _text(department)


def test_published_rules_text_and_file(app):
    _seed(app)
    client = app.test_client()
    page = client.get("/public/SCJ/rules")
    assert page.status_code == 200
    text = _text(page)
    assert "市场监督管理局“双随机、一公开”实施细则" in text and "第一条 为规范随机抽查工作，制定本细则。" in text
    assert 'href="/public/SCJ/rules/file"' in text and RULES_FILE_NAME in text
    download = client.get("/public/SCJ/rules/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and quote(RULES_FILE_NAME) in disposition


def test_unpublished_rules_are_not_public(app):
    _seed(app, publish_rules=False)
    empty = _empty_department(app)
    client = app.test_client()
    assert client.get("/public/SCJ/rules").status_code == 404
    assert client.get("/public/SCJ/rules/file").status_code == 404
    assert client.get(f"/public/{empty}/rules").status_code == 404  # no document at all
    assert client.get(f"/public/{empty}/rules/file").status_code == 404
    page = client.get(f"/public/{empty}")
    assert page.status_code == 200 and 'href="/public/ZJTEST/rules"' not in _text(page)
    assert 'href="/public/SCJ/rules"' not in _text(client.get("/public"))


def test_inspector_list_shows_name_agency_certificate_and_categories_only(app):
    _seed(app)
    client = app.test_client()
    for url in ("/public/SCJ/inspectors", level_url(app, "/public/inspectors")):
        page = client.get(url)
        assert page.status_code == 200
        text = _text(page)
        assert "张公开" in text and "杭州市市场监督管理局" in text and "ZJ3301-0001" in text
        assert "食品安全" in text and "产品质量" in text
        assert "李停用" not in text and "ZJ3301-0002" not in text  # inactive inspectors are not listed
        # nothing else: no ID number (masked or not), sex, post, region, expertise or expiry
        assert "11010519491231002X" not in text and "110105" not in text and "002X" not in text
        assert "****" not in text
        assert "科长甲职务" not in text and "西湖区辖区甲" not in text and "食品检验专长甲" not in text
        assert "2031-06-30" not in text and "2031年" not in text
        assert not re.search(r"<t[dh][^>]*>\s*[男女]\s*</t[dh]>", text)
        headers = set(re.findall(r'<th scope="col">([^<]*)</th>', text))
        assert len(headers) == 4, headers  # name, agency, certificate number, categories


def test_unknown_department_is_404(app):
    client = app.test_client()
    for url in (
        "/public/NOPE",
        "/public/NOPE/items",
        "/public/NOPE/rules",
        "/public/NOPE/rules/file",
        "/public/NOPE/inspectors",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert 'href="/public"' in _text(response)  # the way back to the portal, not to a login page


def test_public_pages_need_no_session(app):
    _seed(app)
    client = app.test_client(use_cookies=False)
    for url in (
        "/public",
        "/public/SCJ",
        "/public/SCJ/items",
        "/public/SCJ/rules",
        "/public/SCJ/rules/file",
        "/public/SCJ/inspectors",
        "/public/inspectors",
        level_url(app, "/public/inspectors"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/login" not in response.headers.get("Location", "")


def test_signed_in_users_see_the_same_public_pages(app):
    """The public pages read each department in its own scope, whoever is signed in."""
    _seed(app)
    client = signed_in(app, "yjj_planner")
    text = _text(client.get("/public/SCJ/items"))
    assert "食品经营许可事项检查" in text and "草稿事项不应公开" not in text
    assert "张公开" in _text(client.get("/public/SCJ/inspectors"))
    # and the user's own scope is back afterwards: their own pages still work
    assert client.get("/").status_code == 200


# --- who is on the public inspector list, and lists a page at a time -----------------------------


def _person(name, number, cert_no, **extra):
    return {
        "name": name,
        "sex": "男",
        "id_number": id_number(number),
        "agency": "商务局",
        "cert_no": cert_no,
        "post": "科员",
        "categories": ["market"],
        **extra,
    }  # 商务局's rules: every inspector's post


def _listed_people(app) -> dict[str, str]:
    """SWJ: inspectors in every state, by name → ID number."""
    with app.app_context():
        day = today()
        people = {
            "王在岗": _person("王在岗", 1, "SWJ-L-001", cert_expires_on=(day + timedelta(days=200)).isoformat()),
            "赵今日到期": _person("赵今日到期", 2, "SWJ-L-002", cert_expires_on=day.isoformat()),
            "钱无期限": _person("钱无期限", 3, "SWJ-L-003"),
            "孙已过期": _person("孙已过期", 4, "SWJ-L-004", cert_expires_on=(day - timedelta(days=1)).isoformat()),
            "周已停用": _person("周已停用", 5, "SWJ-L-005", active=False),
            "吴专家": _person("吴专家", 6, "SWJ-Z-001", is_expert=True, agency="浙江省商业科学研究院"),
        }
        with tenant_scope(tenant_id("SWJ")):
            for data in people.values():
                inspectors.create_inspector(data, actor=user_named("swj_admin"))
            db.session.commit()
        return {name: data["id_number"] for name, data in people.items()}


def test_the_inspector_list_shows_only_who_may_be_drawn_today(app):
    people = _listed_people(app)
    client = app.test_client()
    for url in ("/public/SWJ/inspectors", level_url(app, "/public/inspectors")):
        text = _text(client.get(url))
        assert "王在岗" in text and "赵今日到期" in text and "钱无期限" in text, url
        assert "孙已过期" not in text and "SWJ-L-004" not in text, url  # the certificate expired yesterday
        assert "周已停用" not in text and "SWJ-L-005" not in text, url  # inactive
        assert "吴专家" not in text and "SWJ-Z-001" not in text, url  # an expert is not an enforcement inspector
        assert "不属于执法检查人员" in text
    assert "3 人" in _text(client.get("/public/SWJ"))
    assert re.search(r'href="/public/SWJ/inspectors">3 人</a>', _level(app, client))
    headers = re.findall(r'<th scope="col">([^<]*)</th>', _text(client.get("/public/SWJ/inspectors")))
    assert headers == ["姓名", "执法机构", "执法证编号", "执法类别"]  # a person's name, not 名称
    for url in (
        "/public",
        "/public/SWJ",
        "/public/SWJ/inspectors",
        level_url(app, "/public/inspectors"),
        "/public/SWJ/inspectors?q=王",
    ):
        text = _text(client.get(url))
        for number in people.values():
            assert number not in text and number[:17] not in text and number[-6:] not in text, url


def _names(text: str) -> list[str]:
    return re.findall(r"<td[^>]*>(商务检查员\d\d)</td>", text)


def _titles(text: str) -> list[tuple[str, str]]:
    """(number, name) of each item card."""
    return re.findall(r"<h2>(\d+)\. (商务抽查事项\d\d)</h2>", text)


def test_the_inspector_list_comes_fifty_to_a_page_and_finds_a_certificate(app):
    with app.app_context(), tenant_scope(tenant_id("SWJ")):
        for n in range(1, 56):
            inspectors.create_inspector(_person(f"商务检查员{n:02d}", n, f"SWJ-{n:04d}"), actor=user_named("swj_admin"))
        db.session.commit()
    client = app.test_client()
    first, second = _text(client.get("/public/SWJ/inspectors")), _text(client.get("/public/SWJ/inspectors?page=2"))
    assert _names(first) == [f"商务检查员{n:02d}" for n in range(1, 51)]  # by name
    assert _names(second) == [f"商务检查员{n:02d}" for n in range(51, 56)]
    assert 'href="/public/SWJ/inspectors?page=2"' in first and "第 51–55 条，共 55 条" in second
    assert client.get("/public/SWJ/inspectors?page=3").status_code == 404
    everyone = _text(client.get(level_url(app, "/public/inspectors")))  # each department's first page, the way on
    assert len(_names(everyone)) == 50 and "商务局 (55)" in everyone
    assert 'href="/public/SWJ/inspectors?page=2"' in everyone
    found = _text(client.get("/public/SWJ/inspectors", query_string={"q": "swj-0042"}))
    assert _names(found) == ["商务检查员42"]
    assert _names(_text(client.get("/public/SWJ/inspectors", query_string={"q": "检查员5"}))) == [
        f"商务检查员{n:02d}" for n in range(50, 56)
    ]


def test_the_item_list_comes_fifty_to_a_page(app):
    with app.app_context(), tenant_scope(tenant_id("SWJ")):
        for n in range(1, 53):
            _item({"name": f"商务抽查事项{n:02d}"}, actor=user_named("swj_admin"))
        db.session.commit()
    client = app.test_client()
    first, second = _text(client.get("/public/SWJ/items")), _text(client.get("/public/SWJ/items?page=2"))
    assert len(_titles(first)) == 50 and _titles(second) == [("51", "商务抽查事项51"), ("52", "商务抽查事项52")]
    assert "现行有效的随机抽查事项共 52 项" in first and "现行有效的随机抽查事项共 52 项" in second
    assert 'href="/public/SWJ/items?page=2"' in first
    assert client.get("/public/SWJ/items?page=3").status_code == 404
    assert "52 项" in _text(client.get("/public/SWJ"))


def test_a_search_longer_than_it_takes_says_it_was_cut(app):
    """Every search box takes 50 characters: a longer search is cut there, and the page says so."""
    client = app.test_client()
    long_text = "浙江省杭州市西湖区某某餐饮管理有限公司第一分公司" * 3
    for url in ("/public/results", "/public/draws/campaigns/1", "/public/SCJ/inspectors"):
        got = client.get(url, query_string={"q": long_text})
        if got.status_code == 404:
            continue  # no such campaign in this world
        page = got.get_data(as_text=True)
        assert 'id="search-cut"' in page and "最多50个字" in page, url
        assert 'id="search-cut"' not in client.get(url, query_string={"q": long_text[:50]}).get_data(as_text=True)


def test_the_target_directory_is_public_with_what_the_registry_publishes_only(app):
    """检查对象名录库向社会公布: each department's directory, by name, 50 to a page, searchable by name
    or code; the entity's name, code, kind, industry and region, and the department's category — never
    its risk class, tags, flags, credit rating, address or last inspection."""
    with app.app_context():
        lead, swj = user_named("scj_admin"), user_named("swj_admin")
        codes = [credit_code(900 + n) for n in range(53)]
        with tenant_scope(lead.tenant_id):
            for n, code in enumerate(codes):
                directory.create_entity(
                    {
                        "code": code,
                        "name": f"公开名录商贸公司{n:02d}",
                        "industry_code": "F5292",
                        "region_code": "231084901",
                        "address": "某路秘密地址1号",
                        "credit_rating": "D",
                        "complaints": 3,
                    },
                    actor=lead,
                )
            db.session.commit()
        with tenant_scope(swj.tenant_id):
            for code in codes:
                directory.add_entry(
                    {
                        "risk": "A",
                        "category": "商贸流通企业",
                        "tags": ["内部标记甲"],
                        "entity_id": directory_queries.entity_by_code(code).id,
                    },
                    actor=swj,
                )
            db.session.commit()
    client = app.test_client()
    department = _text(client.get("/public/SWJ"))
    assert 'href="/public/SWJ/targets"' in department and "53 户" in department
    first, second = _text(client.get("/public/SWJ/targets")), _text(client.get("/public/SWJ/targets?page=2"))

    def names(text):
        return re.findall(r"<td[^>]*>(公开名录商贸公司\d\d)</td>", text)

    assert names(first) == [f"公开名录商贸公司{n:02d}" for n in range(50)]
    assert names(second) == [f"公开名录商贸公司{n:02d}" for n in range(50, 53)]
    assert codes[0] in first and "商贸流通企业" in first and "宁安市" in first and "企业" in first
    for hidden in ("某路秘密地址", "内部标记甲", "D级", "高风险", "风险等级", "投诉"):
        assert hidden not in first, hidden
    headers = re.findall(r'<th scope="col">([^<]*)</th>', first)
    assert len(headers) == 6, headers
    found = _text(client.get("/public/SWJ/targets", query_string={"q": codes[42].lower()}))
    assert names(found) == ["公开名录商贸公司42"]
    assert names(_text(client.get("/public/SWJ/targets", query_string={"q": "公司5"}))) == [
        f"公开名录商贸公司{n:02d}" for n in range(50, 53)
    ]
    assert "没有符合" in _text(client.get("/public/SWJ/targets", query_string={"q": "不存在的名字"}))
    assert client.get("/public/SWJ/targets?page=3").status_code == 404
    assert client.get("/public/NOPE/targets").status_code == 404
    other = _text(client.get("/public/YJJ/targets"))  # another department's directory holds none of these
    assert not names(other)
