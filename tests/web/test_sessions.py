"""Sessions end on the server (等保三级: 会话可撤销): a copy of a session cookie stops working when
its session is signed out, when the password changes, when the user is deactivated, after "sign
out everywhere", and after 30 minutes idle — whatever the cookie says. A bearer token that is not
valid is a 401 on every method; a deactivated user's tokens stay revoked when reactivated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spotcheck.core import clock
from tests.support.helpers import DEMO_PASSWORD, bearer, csrf_token, post_form, signed_in


def _copy(client, app):
    """A second browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app):
    client = signed_in(app, "scj_planner")
    thief = _copy(client, app)
    assert _signed_in(thief)
    assert post_form(client, "/logout", {}, token_from="/").status_code == 302
    assert not _signed_in(thief)
    assert thief.get("/account/").headers["Location"].startswith("/login")
    # not even to mint an API token with the old cookie and its CSRF token
    minted = thief.post("/api/v1/tokens", json={"name": "stolen"}, headers={"X-CSRFToken": "x"})
    assert minted.status_code in (400, 401)
    assert "token" not in (minted.json or {})


def test_a_password_change_ends_every_other_session(app):
    client = signed_in(app, "scj_planner")
    other = signed_in(app, "scj_planner")  # the same person on another computer
    changed = post_form(
        client,
        "/account/",
        {"current_password": DEMO_PASSWORD, "new_password": "Changed-pass-2026"},
        token_from="/account/",
    )
    assert changed.status_code == 302
    assert _signed_in(client) and not _signed_in(other)


def test_sign_out_everywhere_ends_this_session_too(app):
    client = signed_in(app, "scj_leader")
    other = signed_in(app, "scj_leader")
    thief = _copy(client, app)
    answer = post_form(client, "/account/sessions/end", {}, token_from="/account/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert not _signed_in(client) and not _signed_in(other) and not _signed_in(thief)
    assert _signed_in(signed_in(app, "scj_leader"))  # signing in again works


def test_an_idle_session_is_refused_on_the_server(app):
    client = signed_in(app, "scj_planner")
    thief = _copy(client, app)
    with clock.frozen_at(clock.now() + timedelta(minutes=31)):
        page = thief.get("/account/")
        assert page.status_code == 302
    assert not _signed_in(client)  # the session itself is over, not only that copy


def test_deactivation_ends_sessions_and_revokes_tokens_for_good(app):
    victim = signed_in(app, "scj_inspector")
    headers = bearer(app, "scj_inspector")
    client = app.test_client()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    admin, admin_headers = app.test_client(), bearer(app, "scj_admin")
    users = admin.get("/api/v1/users", headers=admin_headers).json
    user_id = next(u["id"] for u in users if u["login"] == "scj_inspector")
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=admin_headers).status_code == 200
    assert not _signed_in(victim)
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": True}, headers=admin_headers).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # reactivating revives no token
    assert _signed_in(signed_in(app, "scj_inspector"))


def test_a_token_that_is_not_valid_is_a_401_on_every_method(app):
    headers = bearer(app, "scj_admin")
    client = app.test_client()
    token_id = client.get("/api/v1/tokens", headers=headers).json[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 204
    for method, url, body in (
        ("GET", "/api/v1/items", None),
        ("POST", "/api/v1/items", {"name": "x"}),
        ("PATCH", "/api/v1/users/1", {"display_name": "x"}),
        ("DELETE", "/api/v1/tokens/1", None),
    ):
        answer = client.open(url, method=method, json=body, headers=headers)
        assert answer.status_code == 401, (method, url, answer.status_code)
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    garbage = {"Authorization": "Bearer sct_not-a-token"}
    assert client.post("/api/v1/items", json={"name": "x"}, headers=garbage).status_code == 401
    # a valid session cookie does not rescue a bad token
    browser = signed_in(app, "scj_admin")
    assert (
        browser.post(
            "/api/v1/items", json={"name": "x"}, headers={**garbage, "X-CSRFToken": csrf_token(browser, "/")}
        ).status_code
        == 401
    )


def test_a_token_shows_when_it_was_last_used_to_the_minute(app):
    """The token list says when each token was last used; a burst of calls is one write, not one per call."""
    headers = bearer(app, "scj_admin")
    client = app.test_client()
    start = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

    def last_used():
        return client.get("/api/v1/tokens", headers=headers).json[0]["last_used_at"]

    with clock.frozen_at(start):
        first = last_used()
    assert first.startswith("2026-11-23T02:00:00")
    with clock.frozen_at(start + timedelta(seconds=50)):
        assert last_used() == first  # within the minute: not written again
    with clock.frozen_at(start + timedelta(minutes=5)):
        assert last_used().startswith("2026-11-23T02:05:00")
