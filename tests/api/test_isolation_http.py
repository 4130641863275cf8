"""A user of one department gets 404 for every object of another, by page and by API."""

from __future__ import annotations

import pytest

from tests.support.helpers import bearer, csrf_token, post_form, signed_in


@pytest.fixture
def other_tenants_objects(app):
    """Ids of 应急管理局 (YJJ) objects: a user, an API token, a job."""
    yjj = app.test_client()
    headers = bearer(app, "yjj_admin")
    users = yjj.get("/api/v1/users", headers=headers).json
    token_id = yjj.get("/api/v1/tokens", headers=headers).json[0]["id"]
    job = yjj.post("/api/v1/audit/verifications", headers=headers).json
    return {"user": users[0]["id"], "token": token_id, "job": job["id"]}


def test_other_departments_objects_are_not_found_by_page(app, other_tenants_objects):
    ids = other_tenants_objects
    client = signed_in(app, "scj_admin")
    token = csrf_token(client, "/")
    assert client.get(f"/admin/users/{ids['user']}").status_code == 404
    assert (
        client.post(f"/admin/users/{ids['user']}", data={"display_name": "x", "csrf_token": token}).status_code == 404
    )
    assert client.post(f"/admin/users/{ids['user']}/unlock", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/jobs/{ids['job']}").status_code == 404
    assert client.post(f"/account/tokens/{ids['token']}/revoke", data={"csrf_token": token}).status_code == 404


def test_other_departments_objects_are_not_found_by_api(app, other_tenants_objects):
    ids = other_tenants_objects
    headers = bearer(app, "scj_admin")
    client = app.test_client()
    for response in (
        client.get(f"/api/v1/users/{ids['user']}", headers=headers),
        client.patch(f"/api/v1/users/{ids['user']}", json={"display_name": "x"}, headers=headers),
        client.delete(f"/api/v1/tokens/{ids['token']}", headers=headers),
        client.get(f"/api/v1/jobs/{ids['job']}", headers=headers),
    ):
        assert response.status_code == 404, response.get_data(as_text=True)
        assert response.json["code"] == 404
        assert "yjj" not in response.get_data(as_text=True)
    # and nothing changed on the other side
    yjj_headers = bearer(app, "yjj_admin")
    assert client.get(f"/api/v1/users/{ids['user']}", headers=yjj_headers).json["display_name"] != "x"


def test_lists_show_only_my_department(app):
    logins = {u["login"] for u in app.test_client().get("/api/v1/users", headers=bearer(app, "swj_admin")).json}
    assert logins == {"swj_admin", "swj_planner", "swj_leader", "swj_inspector"}
    page = signed_in(app, "swj_admin").get("/admin/users").get_data(as_text=True)
    assert "scj_admin" not in page and "swj_planner" in page


def test_the_platform_admin_sees_no_department_data(app):
    headers = bearer(app, "admin")
    client = app.test_client()
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert {t["code"] for t in client.get("/api/v1/tenants", headers=headers).json} == {
        *("SCJ", "YJJ", "SWJ", "SFJ"),  # 宁安市's
        *("MDJSFJ", "MDJSCJ"),  # 牡丹江市's
        "NAZF",  # 宁安镇's
    }


def test_a_tenant_admin_cannot_create_users_elsewhere_or_grant_cross_tenant_roles(app):
    client = signed_in(app, "yjj_admin")
    response = post_form(
        client,
        "/admin/users/new",
        {"login": "yjj_new", "display_name": "新人", "password": "Aa1!Aa1!Aa1!", "roles": ["supervisor"]},
        token_from="/admin/users/new",
    )
    assert response.status_code == 200  # form shown again with the error
    api = client.post(
        "/api/v1/users",
        json={"login": "yjj_new", "display_name": "新人", "password": "Aa1!Aa1!Aa1!", "roles": ["coordinator"]},
        headers={"X-CSRFToken": csrf_token(client, "/")},
    )
    assert api.status_code == 422 and "roles" in api.json["errors"]["json"]
