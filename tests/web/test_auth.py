"""Signing in and out, lockout, idle timeout, password policy, API tokens, CSRF, headers."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import Babel
from hypothesis import given, settings, strategies as st

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.passwords import MIN_LENGTH, character_classes, password_problems
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import ApiToken
from tests.support.helpers import DEMO_PASSWORD, bearer, csrf_token, login, post_form, signed_in


def test_sign_in_and_out(app):
    client = app.test_client()
    assert client.get("/").status_code == 302  # not signed in: to the login page
    response = login(client, "scj_planner")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "钱伟" in client.get("/").get_data(as_text=True)
    post_form(client, "/logout", {})
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(app):
    client = app.test_client()
    wrong_password = login(client, "scj_planner", "Wrong-password-1")
    unknown_login = login(client, "nobody_here", "Wrong-password-1")
    assert wrong_password.status_code == unknown_login.status_code == 200  # the form again, with the error

    def message(r):
        return re.search(r'class="error-summary".*?<li>([^<]+)</li>', r.get_data(as_text=True), re.DOTALL).group(1)

    assert message(wrong_password) == message(unknown_login)


def test_five_failures_lock_the_account_for_fifteen_minutes(app):
    client = app.test_client()
    for _ in range(5):
        assert login(client, "yjj_planner", "Wrong-password-1").status_code == 200
    locked = login(client, "yjj_planner", DEMO_PASSWORD)  # even the right password is refused now
    assert locked.status_code == 200 and "error-summary" in locked.get_data(as_text=True)
    assert re.search(r"\d\d:\d\d", locked.get_data(as_text=True))  # says until when
    # 15 minutes later the right password works again
    with clock.frozen_at(clock.now() + timedelta(minutes=15, seconds=1)):
        assert login(client, "yjj_planner", DEMO_PASSWORD).status_code == 302


def test_the_administrator_can_unlock_a_locked_user(app):
    for _ in range(5):
        login(app.test_client(), "yjj_inspector", "Wrong-password-1")
    admin = signed_in(app, "yjj_admin")
    user_id = next(u["id"] for u in admin.get("/api/v1/users").json if u["login"] == "yjj_inspector")
    assert "已锁定" in admin.get("/admin/users").get_data(as_text=True)
    response = post_form(admin, f"/admin/users/{user_id}/unlock", {}, token_from=f"/admin/users/{user_id}")
    assert response.status_code == 302
    assert login(app.test_client(), "yjj_inspector").status_code == 302


def test_idle_session_expires_after_thirty_minutes(app, monkeypatch):
    client = signed_in(app, "scj_leader")
    assert client.get("/").status_code == 200
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_changing_the_password_signs_out_other_sessions(app):
    first, second = signed_in(app, "swj_planner"), signed_in(app, "swj_planner")
    response = post_form(
        first,
        "/account/",
        {"current_password": DEMO_PASSWORD, "new_password": "Another-pass-2027"},
        token_from="/account/",
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    assert login(app.test_client(), "swj_planner", "Another-pass-2027").status_code == 302


def test_a_weak_new_password_is_refused_with_the_reason(app):
    client = signed_in(app, "swj_leader")
    response = post_form(
        client, "/account/", {"current_password": DEMO_PASSWORD, "new_password": "short1"}, token_from="/account/"
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert login(app.test_client(), "swj_leader").status_code == 302  # unchanged


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_password_policy_property(password):
    flask_app = Flask(__name__)
    Babel(flask_app)
    with flask_app.app_context():
        accepted = not password_problems(password)
    assert accepted == (len(password) >= MIN_LENGTH and len(character_classes(password)) >= 3)


@pytest.mark.parametrize(
    "password,accepted",
    [
        ("Aa1!Aa1!Aa", True),
        ("abcdefgh12", False),
        ("ABCdef1234", True),
        ("abc!@#defgh", False),
        ("Abc!@#defgh", True),
        ("Aa1!", False),
        ("长密码长密码长密码Aa1", True),
    ],
)
def test_password_policy_examples(app, password, accepted):
    with app.app_context():
        assert (not password_problems(password)) is accepted


def test_api_token_is_shown_once_hashed_at_rest_and_revocable(app):
    headers = bearer(app, "scj_planner")
    secret = headers["Authorization"].split()[1]
    client = app.test_client()
    assert client.get("/api/v1/me", headers=headers).json["login"] == "scj_planner"
    with app.app_context(), system_access("test"):
        stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert secret not in stored and all(len(h) == 64 for h in stored)
    listing = client.get("/api/v1/tokens", headers=headers).json
    assert listing and all("token" not in t for t in listing)
    assert secret not in signed_in(app, "scj_planner").get("/account/tokens").get_data(as_text=True)
    token_id = listing[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
    refused = client.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and refused.json["code"] == 401


def test_api_without_credentials_answers_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["status"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_bearer_token_answers_401(client):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer sct_not-a-token"}).status_code == 401


def test_forms_without_csrf_token_are_refused(app):
    client = signed_in(app, "scj_admin")
    response = client.post(
        "/admin/users/new",
        data={"login": "x_user", "display_name": "某某", "password": "Aa1!Aa1!Aa1!", "roles": ["planner"]},
    )
    assert response.status_code == 400
    assert client.post("/logout").status_code == 400
    # and the session-authenticated API needs it too; a bearer token does not
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 400
    assert (
        client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRFToken": csrf_token(client, "/")}).status_code
        == 201
    )
    assert (
        app.test_client().post("/api/v1/tokens", json={"name": "y"}, headers=bearer(app, "scj_admin")).status_code
        == 201
    )


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script anywhere


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "/\\/evil.example", "/%5Cevil.example"])
def test_login_does_not_redirect_to_another_site(app, target):
    """Browsers read a backslash as a slash: ``/\\host`` is ``//host``, never followed after a sign-in."""
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"login": "scj_admin", "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_deactivated_user_cannot_sign_in_or_use_tokens(app):
    headers = bearer(app, "swj_inspector")
    admin = signed_in(app, "swj_admin")
    user_id = next(u["id"] for u in admin.get("/api/v1/users").json if u["login"] == "swj_inspector")
    response = admin.patch(
        f"/api/v1/users/{user_id}", json={"active": False}, headers={"X-CSRFToken": csrf_token(admin, "/")}
    )
    assert response.status_code == 200 and response.json["active"] is False
    assert login(app.test_client(), "swj_inspector").status_code == 200  # refused: the form again
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
