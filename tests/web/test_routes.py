"""Every route declares its access; roles get exactly what the permission table grants."""

from __future__ import annotations

import pytest

from spotcheck.platform.permissions import declared_access
from tests.support.helpers import bearer, signed_in


def test_every_route_declares_a_permission_or_public(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if declared_access(view, method) is None:
                undeclared.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not undeclared, "routes without a declared permission:\n" + "\n".join(undeclared)


def test_a_route_without_declaration_is_refused_at_run_time(app):
    app.add_url_rule("/undeclared-test-route", "undeclared", lambda: "secret")
    assert app.test_client().get("/undeclared-test-route").status_code == 403


PUBLIC_PAGES = ["/login", "/healthz", "/readyz", "/api/openapi.json", "/api/docs"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_need_no_login(client, url):
    assert client.get(url).status_code == 200


# (url, method, body, who may, who may not): the body is a valid request, so the role that may
# gets a success (2xx), not a validation error.
ACCESS = [
    ("/platform/tenants", "GET", None, "admin", "scj_admin"),
    ("/platform/tenants/new", "GET", None, "admin", "sfj_supervisor"),
    ("/admin/users", "GET", None, "scj_admin", "scj_planner"),
    ("/admin/users/new", "GET", None, "yjj_admin", "admin"),
    ("/audit", "GET", None, "scj_leader", "scj_inspector"),
    ("/api/v1/tenants", "GET", None, "admin", "scj_admin"),
    ("/api/v1/users", "GET", None, "scj_admin", "scj_coord"),
    (
        "/api/v1/users",
        "POST",
        {"login": "route_probe", "display_name": "路由检查", "password": "Route-probe-2026", "roles": ["planner"]},
        "scj_admin",
        "sfj_supervisor",
    ),
    ("/api/v1/audit/verifications", "POST", {}, "sfj_supervisor", "yjj_planner"),
    ("/supervision/draw-checks", "GET", None, "sfj_supervisor", "sfj_leader"),
    ("/api/v1/supervision/draw-checks", "GET", None, "sfj_supervisor", "yjj_planner"),
]


@pytest.mark.parametrize("url,method,body,allowed,refused", ACCESS)
def test_permissions_are_checked_on_the_server(app, url, method, body, allowed, refused):
    """The same request succeeds for a role that has the permission and is refused (403) for one
    that doesn't: menus are not the only check."""
    client = app.test_client()
    denied = client.open(url, method=method, headers=bearer(app, refused), json=body)
    assert denied.status_code == 403
    granted = client.open(url, method=method, headers=bearer(app, allowed), json=body)
    assert granted.status_code in (200, 201, 202), granted.get_data(as_text=True)[:500]


@pytest.mark.parametrize("url", ["/", "/admin/users", "/audit", "/account/tokens", "/platform/tenants"])
def test_pages_send_anonymous_users_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_navigation_follows_roles(app):
    admin_page = signed_in(app, "scj_admin").get("/").get_data(as_text=True)
    planner_page = signed_in(app, "scj_planner").get("/").get_data(as_text=True)
    platform_page = signed_in(app, "admin").get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in admin_page and 'href="/admin/users"' not in planner_page
    assert 'href="/audit"' in admin_page and 'href="/audit"' not in planner_page
    assert 'href="/platform/tenants"' in platform_page and 'href="/platform/tenants"' not in admin_page
