"""Personal data (个人信息) in the logs: an inspector's full ID number (身份证号码) is never logged,
whether it is created, refused, changed, imported, shown or revealed, even at DEBUG with the SQL
statements' parameters."""

from __future__ import annotations

import logging

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.inspectors import commands as inspectors
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.id_number_scan import find_numbers, needles
from tests.support.personal_data_world import SCJ_API_ID, import_inspectors, inspector_data, valid_id


def test_id_numbers_are_never_logged(app, caplog):
    """Everything is logged at DEBUG, the SQL statements with their parameters included."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", app.logger.name, "celery", "werkzeug", "flask_smorest"):
        caplog.set_level(logging.DEBUG, logger=name)
    number, changed, page_number = valid_id("33010619850715123"), valid_id("33010619850715124"), SCJ_API_ID
    headers = bearer(app, "scj_admin")
    client = app.test_client()
    created = client.post("/api/v1/inspectors", headers=headers, json=inspector_data("日志甲", number, "LOG-001"))
    assert created.status_code == 201, created.get_data(as_text=True)
    inspector_id = created.get_json()["id"]
    assert (
        client.post(
            "/api/v1/inspectors", headers=headers, json=inspector_data("日志重复", number, "LOG-002")
        ).status_code
        == 422
    )  # duplicate
    assert (
        client.post(
            "/api/v1/inspectors",
            headers=headers,
            json=inspector_data("日志错", number[:-1] + ("0" if number[-1] != "0" else "1"), "LOG-003"),
        ).status_code
        == 422
    )  # bad check digit
    assert (
        client.patch(f"/api/v1/inspectors/{inspector_id}", headers=headers, json={"id_number": changed}).status_code
        == 200
    )
    imported = valid_id("33010519921201457")
    row = {
        "姓名": "日志导入",
        "性别": "女",
        "身份证号码": imported,
        "执法机构全称": "杭州市市场监督管理局",
        "执法证编号": "LOG-006",
        "执法类别": "食品安全、产品质量",
    }
    assert import_inspectors(app, headers, [row])["ok"] is True
    assert (
        import_inspectors(
            app,
            headers,
            [
                {**row, "执法证编号": "LOG-007"},  # the ID number twice
                {**row, "执法证编号": "LOG-008", "身份证号码": imported[:-1] + "Y"},
            ],
        )["ok"]
        is False
    )
    pages = signed_in(app, "scj_admin")
    page = post_form(
        pages,
        "/catalog/inspectors/new",
        {**inspector_data("日志乙", page_number, "LOG-004"), "sex": "F", "active": "y"},
        token_from="/catalog/inspectors/new",
    )
    assert page.status_code == 302, page.get_data(as_text=True)
    for url in (
        "/catalog/inspectors",
        f"/catalog/inspectors/{inspector_id}",
        f"/catalog/inspectors/{inspector_id}/edit",
        "/api/v1/inspectors",
        f"/api/v1/inspectors/{inspector_id}",
    ):
        assert pages.get(url).status_code == 200, url
    assert client.get(f"/api/v1/inspectors/{inspector_id}/id-number", headers=headers).status_code == 200
    planner = bearer(app, "scj_planner")
    assert client.get(f"/api/v1/inspectors/{inspector_id}/id-number", headers=planner).status_code == 403
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        inspectors.create_inspector(
            inspector_data("日志丙", valid_id("11010519800101124"), "LOG-005"), actor=user_named("scj_admin")
        )
        db.session.commit()
    logged = caplog.text + "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, '__dict__', {})!r}" for record in caplog.records
    )
    assert any("INSERT INTO inspector" in record.getMessage() for record in caplog.records), (
        "the inserts were not captured: the check would be vacuous"
    )
    numbers = (number, changed, page_number, imported, valid_id("11010519800101124"))
    leaked = find_numbers(logged, needles(numbers))
    assert not leaked, f"ID numbers in the logs: {sorted(leaked)}"
