"""The world the personal-data tests read (个人信息): inspectors with known ID numbers in two
departments — created through the service, a page, the API and a spreadsheet import, plus a refused
import — items with versions, registry entities, directory entries, a recusal, a published rules
document with a file, and a job."""

from __future__ import annotations

import io
import re

import openpyxl
from stdnum.cn import ric, uscc

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.rules import commands as rules
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named


def valid_id(first17: str) -> str:
    """A GB 11643 ID number: the 17 given characters and their check character."""
    number = first17 + ric.calc_check_digit(first17 + "0")
    assert ric.is_valid(number), number
    return number


def valid_credit_code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


#: Known ID numbers, by how the inspector is created. One ends with the check character X.
SCJ_API_ID = "33010619880521031X"
SCJ_PAGE_ID = valid_id("33010619850715122")
SCJ_SERVICE_ID = valid_id("11010119900307813")
SCJ_IMPORT_ID = valid_id("33010519921201456")
YJJ_IDS = (valid_id("33010519921111555"), valid_id("11010519800101123"))
ALL_IDS = (SCJ_API_ID, SCJ_PAGE_ID, SCJ_SERVICE_ID, SCJ_IMPORT_ID, *YJJ_IDS)


def inspector_data(name, id_number, cert_no, **extra):
    return {
        "name": name,
        "sex": "男",
        "id_number": id_number,
        "agency": "杭州市市场监督管理局",
        "post": "科员",
        "cert_no": cert_no,
        "cert_expires_on": "2030-12-31",
        "categories": ["food", "market"],
        "region": "西湖区",
        "expertise": "食品安全",
        **extra,
    }


def populate(app):
    """Inspectors with known ID numbers in two departments (created through the service, a page,
    the API and a spreadsheet import, plus a refused import), items with versions, registry
    entities, directory entries, a recusal, a published rules document with a file, jobs."""
    with app.app_context():
        scj_admin, yjj_admin = user_named("scj_admin"), user_named("yjj_admin")
        with tenant_scope(tenant_id("SCJ")):
            expert = inspectors.create_inspector(
                inspector_data("丙专家", SCJ_SERVICE_ID, "SCJ-PD-003", is_expert=True, active=False), actor=scj_admin
            )
            entities = [
                directory.create_entity(
                    {
                        "code": valid_credit_code(code),
                        "name": name,
                        "entity_type": "enterprise",
                        "industry_code": "F5221",
                        "region_code": "231084",
                        "address": "文三路1号",
                    },
                    actor=scj_admin,
                )
                for code, name in (
                    ("91330106MA27XY7F0", "杭州个人信息测试食品有限公司"),
                    ("91330106MA27XY8G1", "杭州个人信息测试商贸有限公司"),
                )
            ]
            directory.add_entry(
                {"category": "食品经营", "risk": "B", "tags": "重点", "entity_id": entities[0].id}, actor=scj_admin
            )
            inspectors.declare_recusal(
                expert.id, {"entity_id": entities[0].id, "reason": "亲属在该企业任职"}, actor=scj_admin
            )
            item = items.create_item(
                {**ITEM_BASICS, "name": "食品经营检查", "methods": ["onsite"], "inspector_categories": ["food"]},
                actor=scj_admin,
            )
            items.publish_item(item.id, actor=scj_admin)
            items.update_item(item.id, {"ratio_bp": 700, "reason": "比例调整"}, actor=scj_admin)
            items.create_item({"name": "草稿事项"}, actor=scj_admin)
            rules.save_text({"title": "实施细则", "body": "第一条"}, actor=scj_admin)
            rules.attach_file({"file_name": "细则.pdf", "stream": io.BytesIO(b"%PDF-1.4\n%%EOF\n")}, actor=scj_admin)
            rules.publish(actor=scj_admin)
            db.session.commit()
        with tenant_scope(tenant_id("YJJ")):
            for number, (id_number, cert_no) in enumerate(zip(YJJ_IDS, ("YJJ-PD-001", "YJJ-PD-002"), strict=True)):
                inspectors.create_inspector(
                    inspector_data(
                        f"应急检查员{number}", id_number, cert_no, categories=["safety"], agency="杭州市应急管理局"
                    ),
                    actor=yjj_admin,
                )
            directory.add_entry({"category": "危化经营", "risk": "A", "entity_id": entities[1].id}, actor=yjj_admin)
            yjj_item = items.create_item(
                {**ITEM_BASICS, "name": "危化检查", "inspector_categories": ["hazchem"]}, actor=yjj_admin
            )
            items.publish_item(yjj_item.id, actor=yjj_admin)
            db.session.commit()
    admin_pages = signed_in(app, "scj_admin")
    page = post_form(
        admin_pages,
        "/catalog/inspectors/new",
        {**inspector_data("乙检查员", SCJ_PAGE_ID, "SCJ-PD-002"), "sex": "M", "active": "y"},
        token_from="/catalog/inspectors/new",
    )
    assert page.status_code == 302, page.get_data(as_text=True)
    api, admin_token = app.test_client(), personal_token(admin_pages)
    created = api.post(
        "/api/v1/inspectors", headers=admin_token, json=inspector_data("甲检查员", SCJ_API_ID, "SCJ-PD-001", sex="女")
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    # spreadsheet imports: one that adds an inspector, one refused (its error list is a job result
    # any user of the department can open)
    rows = [
        {
            "姓名": "丁导入",
            "性别": "男",
            "身份证号码": SCJ_IMPORT_ID,
            "执法机构全称": "杭州市市场监督管理局",
            "执法证编号": "SCJ-PD-004",
            "执法类别": "食品安全",
        }
    ]
    assert import_inspectors(app, admin_token, rows)["ok"] is True
    bad = import_inspectors(
        app,
        admin_token,
        [
            {**rows[0], "执法证编号": "SCJ-PD-005", "身份证号码": SCJ_API_ID},  # the ID number twice
            {
                **rows[0],
                "执法证编号": "SCJ-PD-006",
                "身份证号码": SCJ_PAGE_ID[:-1] + ("0" if SCJ_PAGE_ID[-1] != "0" else "1"),
            },
        ],
    )
    assert bad["ok"] is False
    # a background job of SCJ (its page and API answer are crawled too)
    job = api.post("/api/v1/audit/verifications", headers=bearer(app, "scj_leader"))
    assert job.status_code == 202, job.get_data(as_text=True)


def import_inspectors(app, headers, rows) -> dict:
    """Fill the inspectors template with ``rows`` (header → value), upload it and return the
    finished job's result."""
    client = app.test_client()
    template = client.get("/api/v1/sheets/inspectors/template", headers=headers)
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.data))
    sheet = book.worksheets[0]
    headers_row = [cell.value for cell in sheet[1]]
    start = sheet.max_row + 1
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=start + offset, column=headers_row.index(header) + 1, value=value)
    data = io.BytesIO()
    book.save(data)
    started = client.post(
        "/api/v1/sheets/inspectors/imports",
        headers=headers,
        data={"file": (io.BytesIO(data.getvalue()), "人员.xlsx")},
        content_type="multipart/form-data",
    )
    assert started.status_code == 202, started.get_data(as_text=True)
    job = client.get(f"/api/v1/jobs/{started.get_json()['id']}", headers=headers).get_json()
    assert job["status"] == "succeeded", job
    return job["result"]


def personal_token(client) -> dict:
    """API headers with a new personal token of the user signed in on ``client``."""
    response = post_form(client, "/account/tokens", {"name": "personal-data scan"}, token_from="/account/tokens")
    secret = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    return {"Authorization": f"Bearer {secret}"}


def session_and_token(app, login_name):
    client = signed_in(app, login_name)
    return client, personal_token(client)
