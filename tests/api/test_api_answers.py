"""Answers that keep the API document's word (24.9): the wrong type of a value is refused, a
request that would change everything must say so, the permission is checked before the body, and
an answer's shape is the one documented for its status."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis import checks

from spotcheck.core.policy import PERMISSION_LABELS, Permission, refusal
from tests.support.helpers import bearer, signed_in


def test_an_empty_patch_by_a_role_without_the_right_is_refused_before_the_body_is_read(app):
    """Every PATCH route of the API (found in the URL map), as an inspector who may change none."""
    urls = [
        rule.rule.split("<")[0] + "1"
        for rule in app.url_map.iter_rules()
        if "PATCH" in rule.methods and rule.rule.startswith("/api/")
    ]
    assert len(urls) >= 7
    client, inspector = app.test_client(), bearer(app, "scj_inspector")
    for url in urls:
        for body in ({}, {"unknown": 1}):
            got = client.patch(url, json=body, headers=inspector)
            assert got.status_code in (403, 404), (url, body, got.status_code, got.get_data(as_text=True)[:200])
            assert "json" not in (got.get_json() or {}).get("errors", {}), url  # the route's rules stay unsaid


@pytest.mark.parametrize("field,value", [("random_check", 0), ("random_check", "yes"), ("random_check", 1)])
def test_a_boolean_is_true_or_false_never_a_number_or_a_word(app, field, value):
    got = app.test_client().post(
        "/api/v1/items", json={"name": "燃气安全检查", field: value}, headers=bearer(app, "scj_admin")
    )
    assert got.status_code == 422 and field in got.get_json()["errors"]["json"]


def test_tags_are_a_list_never_one_string(app):
    got = app.test_client().post(
        "/api/v1/directory",
        json={"entity_id": 1, "category": "食品", "risk": "A", "tags": "AAA"},
        headers=bearer(app, "scj_admin"),
    )
    assert got.status_code == 422 and "tags" in got.get_json()["errors"]["json"]


def test_an_import_without_its_file_answers_as_the_document_says(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema["/api/v1/visits/import/{campaign_id}"]["POST"]
    case = operation.Case(path_parameters={"campaign_id": 1}, media_type="multipart/form-data", body={})
    response = case.call(headers=bearer(app, "scj_planner"))
    assert response.status_code == 422
    case.validate_response(response, checks=[checks.not_a_server_error, checks.response_schema_conformance])


def test_a_refusal_says_in_chinese_which_permission_is_needed_and_who_holds_it(app):
    """A 403 of the API or of a page names the permission in Chinese and the roles that hold it; a 401
    and a 405 are in Chinese too (never werkzeug's English)."""
    client, inspector = app.test_client(), bearer(app, "scj_inspector")
    refused = client.patch("/api/v1/items/1", json={}, headers=inspector)
    assert refused.status_code == 403
    message = refused.get_json()["message"]
    assert "需要“维护事项清单、两库和细则”权限" in message and "部门管理员" in message, message
    assert "permission" not in message.lower()
    no_token = client.get("/api/v1/items")
    assert no_token.status_code == 401 and "请先登录" in no_token.get_json()["message"]
    wrong_method = client.put("/api/v1/items", headers=inspector)
    assert wrong_method.status_code == 405 and "不接受" in wrong_method.get_json()["message"]
    page = signed_in(app, "scj_inspector").get("/plans")
    assert page.status_code == 403 and "需要“查看检查计划和抽查任务”权限" in page.get_data(as_text=True)


def test_every_permission_has_a_chinese_name_and_a_refusal_naming_who_holds_it(app):
    assert set(PERMISSION_LABELS) == set(Permission)
    with app.test_request_context():
        for permission in Permission:
            text = str(refusal(permission))
            assert text.startswith("需要“") and str(PERMISSION_LABELS[permission]) in text, text
            assert not any("a" <= ch.lower() <= "z" for ch in text), text  # nothing left in English
        assert "平台自身" in str(refusal(Permission.PLATFORM_MAINTAIN))
        assert "科室经办人" in str(refusal(Permission.CAMPAIGNS_EDIT))
