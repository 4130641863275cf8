"""The REST API: OpenAPI document, Swagger UI from local assets, endpoints, JSON errors."""

from __future__ import annotations

from tests.support.helpers import bearer, login
from tests.support.page_text import seed_words


def test_openapi_document_lists_the_endpoints(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/tenants",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/api/v1/me",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/jobs/{job_id}",
        "/api/v1/audit/verifications",
    ):
        assert path in spec["paths"], path
    assert "bearer" in spec["components"]["securitySchemes"]


def test_no_field_of_the_api_names_a_document_by_a_makers_number(app):
    """The OpenAPI document and what a department's reporting duties answer name the tables and rules by
    their titles and articles — never 文件001, seed 003 or a year left as ＸＸ."""
    client = app.test_client()
    assert not seed_words(client.get("/api/openapi.json").get_data(as_text=True))
    duties = client.get("/api/v1/reports", headers=bearer(app, "yjj_planner"))
    assert duties.status_code == 200 and duties.json and not seed_words(duties.get_data(as_text=True))
    assert all(duty["rule"].startswith("《") for duty in duties.json)


def test_swagger_ui_is_served_from_local_assets(client):
    page = client.get("/api/docs").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page  # no CDN
    for asset in (
        "/api/docs/assets/swagger-ui-bundle.js",
        "/api/docs/assets/swagger-ui.css",
        "/static/swagger-init.js",
    ):
        assert asset in page
        assert client.get(asset).status_code == 200


def test_me(app):
    me = app.test_client().get("/api/v1/me", headers=bearer(app, "sfj_supervisor")).json
    assert me["login"] == "sfj_supervisor" and me["tenant"]["code"] == "SFJ" and me["tenant"]["kind"] == "supervisor"
    assert "tenants.read_all" in me["permissions"] and "password" not in me and "password_hash" not in me


def test_platform_admin_creates_a_department_with_its_first_admin(app):
    client, headers = app.test_client(), bearer(app, "admin")
    response = client.post(
        "/api/v1/tenants",
        headers=headers,
        json={
            "code": "WJW",
            "name": "卫生健康委员会",
            "kind": "ordinary",
            "region": "231084",
            "admin": {"login": "wjw_admin", "display_name": "杨帆", "password": "Health-2026!"},
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["code"] == "WJW"
    me = client.get("/api/v1/me", headers=bearer(app, "admin"))
    assert me.status_code == 200
    assert login(app.test_client(), "wjw_admin", "Health-2026!").status_code == 302


def test_bad_input_answers_422_with_field_messages(app):
    client, headers = app.test_client(), bearer(app, "admin")
    response = client.post(
        "/api/v1/tenants",
        headers=headers,
        json={
            "code": "scj!",
            "name": "",
            "kind": "lead",
            "region": "33",
        },
    )
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert {"code", "name", "region", "kind"} <= set(errors)  # kind: there is already a lead department
    missing = client.post("/api/v1/tenants", headers=headers, json={})
    assert missing.status_code == 422 and "code" in missing.json["errors"]["json"]


def test_user_management_by_api(app):
    client, headers = app.test_client(), bearer(app, "swj_admin")
    created = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "login": "swj_new",
            "display_name": "新人",
            "password": "Commerce-2026",
            "roles": ["planner", "inspector"],
        },
    )
    assert created.status_code == 201 and created.json["roles"] == ["inspector", "planner"]
    duplicate = client.post(
        "/api/v1/users",
        headers=headers,
        json={"login": "scj_admin", "display_name": "重名", "password": "Commerce-2026", "roles": ["planner"]},
    )
    assert duplicate.status_code == 422 and "login" in duplicate.json["errors"]["json"]
    weak = client.post(
        "/api/v1/users",
        headers=headers,
        json={"login": "swj_weak", "display_name": "弱", "password": "password", "roles": ["planner"]},
    )
    assert weak.status_code == 422 and "password" in weak.json["errors"]["json"]
    changed = client.patch(f"/api/v1/users/{created.json['id']}", headers=headers, json={"roles": ["leader"]})
    assert changed.status_code == 200 and changed.json["roles"] == ["leader"]


def test_an_admin_cannot_lock_themselves_out(app):
    client, headers = app.test_client(), bearer(app, "swj_admin")
    me = client.get("/api/v1/me", headers=headers).json
    response = client.patch(f"/api/v1/users/{me['id']}", headers=headers, json={"roles": ["planner"]})
    assert response.status_code == 422 and "roles" in response.json["errors"]["json"]
    response = client.patch(f"/api/v1/users/{me['id']}", headers=headers, json={"active": False})
    assert response.status_code == 422


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["code"] == 404
