"""A second factor for administrators (两步验证, issue 80): enrolment with a QR code and one code, a sign-in that grants
nothing before the code, each time step used once, wrong codes counted toward the lockout, recovery codes used once,
administrators sent to enrol at their next sign-in where it is required, the platform administrator's reset, and an
administrator's API token only after the second factor in that session. The clock is the platform's (TOTP steps set
by the test, never slept through)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from spotcheck.core import clock, personal_data
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import ApiToken, SecondFactor
from tests.support.helpers import DEMO_PASSWORD, csrf_token, login, post_form, signed_in, user_named

#: The start of a time step (a multiple of 30 seconds), Beijing time.
T0 = datetime(2026, 12, 10, 10, 0, 0)
STEP = timedelta(seconds=30)


@pytest.fixture
def at_t0():
    with clock.frozen_at(T0) as moment:
        yield moment


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator shows at ``moment`` (naive: Beijing time, as the clock takes it)."""
    return pyotp.TOTP(secret).at(moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI))


def _secret(page: str) -> str:
    found = re.search(r'id="second-factor-secret">([^<]+)<', page)
    assert found, page
    return found.group(1).replace(" ", "")


def _recovery_codes(page: str) -> list[str]:
    return re.findall(r'<li><code class="secret">([a-z2-7-]+)</code></li>', page)


def enrol(client) -> tuple[str, list[str]]:
    """Set up the second factor from one's account page: the secret read off the page, the recovery codes shown."""
    started = post_form(client, "/account/second-factor/start", {}, token_from="/account/second-factor")
    assert started.status_code == 302 and started.headers["Location"].endswith("/account/second-factor/enrol")
    secret = _secret(client.get("/account/second-factor/enrol").get_data(as_text=True))
    confirmed = post_form(
        client,
        "/account/second-factor/enrol",
        {"code": code_at(secret, clock.now())},
        token_from="/account/second-factor/enrol",
    )
    assert confirmed.status_code == 200, confirmed.get_data(as_text=True)
    codes = _recovery_codes(confirmed.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def give_code(client, code: str):
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_token(client, "/login/code")})


def _signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def _entries(action: str, user_id: int) -> list[AuditEntry]:
    with system_access("test: the audit trail"):
        return list(
            db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.action == action, AuditEntry.object_id == str(user_id))
                .order_by(AuditEntry.id)
            )
        )


def test_enrolment_shows_a_qr_code_and_the_secret_and_one_code_confirms_it(app, at_t0):
    client = signed_in(app, "scj_planner")
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "两步验证" in page and "未启用" in page
    post_form(client, "/account/second-factor/start", {}, token_from="/account/second-factor")
    enrolling = client.get("/account/second-factor/enrol")
    body = enrolling.get_data(as_text=True)
    assert "no-store" in enrolling.headers["Cache-Control"]
    qr = body[body.index('id="second-factor-qr"') :]
    qr = qr[: qr.index("</svg>")]
    assert "<svg" in qr and "<img" not in qr and "href" not in qr  # inline, no outside asset
    assert "扫描此二维码" in body
    secret = _secret(body)

    wrong = post_form(client, "/account/second-factor/enrol", {"code": "000000"}, token_from="/account/second-factor")
    assert wrong.status_code == 422 and "验证码错误" in html.unescape(wrong.get_data(as_text=True))
    right = post_form(
        client, "/account/second-factor/enrol", {"code": code_at(secret, T0)}, token_from="/account/second-factor"
    )
    shown = right.get_data(as_text=True)
    assert right.status_code == 200 and "no-store" in right.headers["Cache-Control"]
    assert len(set(_recovery_codes(shown))) == 10 and "仅在此显示一次" in shown
    assert "已启用" in client.get("/account/second-factor").get_data(as_text=True)
    with app.app_context():
        user = user_named("scj_planner")
        with system_access("test: the stored factor"):
            factor = db.session.scalar(sa.select(SecondFactor).where(SecondFactor.user_id == user.id))
            assert factor.confirmed_at is not None and secret not in factor.secret_encrypted
            assert personal_data.decrypt(factor.secret_encrypted) == secret  # encrypted as the protected values are
            assert not any(code.replace("-", "") in factor.recovery_digests for code in _recovery_codes(shown))
        assert len(_entries("second_factor.enrolled", user.id)) == 1


def test_a_sign_in_grants_nothing_before_the_code(app, at_t0):
    secret, _codes = enrol(signed_in(app, "scj_planner"))
    client = app.test_client()
    answer = login(client, "scj_planner")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login/code")
    # before the code: no staff page, no API, no token — the session is sent back to the code
    staff_page = client.get("/account/")
    assert staff_page.status_code == 302 and staff_page.headers["Location"].startswith("/login/code")
    assert client.get("/").headers["Location"].startswith(("/login", "/public"))
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code in (400, 401)
    assert "动态验证码" in client.get("/login/code").get_data(as_text=True)

    with clock.frozen_at(T0 + STEP):
        given = give_code(client, code_at(secret, T0 + STEP))
        assert given.status_code == 302 and given.headers["Location"] == "/"
        assert _signed_in(client)
    with app.app_context():
        user = user_named("scj_planner")
        assert len(_entries("auth.code_awaited", user.id)) == 1 and _entries("auth.login", user.id)


def test_a_code_of_a_step_already_used_is_refused(app, at_t0):
    secret, _codes = enrol(signed_in(app, "scj_planner"))  # the step of T0 confirmed the enrolment
    client = app.test_client()
    login(client, "scj_planner")
    replayed = give_code(client, code_at(secret, T0))
    assert replayed.status_code == 422 and "已使用过" in html.unescape(replayed.get_data(as_text=True))
    assert not _signed_in(client)
    with clock.frozen_at(T0 + STEP):
        assert give_code(client, code_at(secret, T0 + STEP)).status_code == 302
        assert _signed_in(client)
    other = app.test_client()  # the same code again, in another browser: its step is used
    with clock.frozen_at(T0 + STEP):
        login(other, "scj_planner")
        assert give_code(other, code_at(secret, T0 + STEP)).status_code == 422
        assert not _signed_in(other)
    with app.app_context():
        failed = _entries("auth.login_failed", user_named("scj_planner").id)
        assert [entry.details["why"] for entry in failed] == ["replayed", "replayed"]


def test_wrong_codes_count_toward_the_lockout(app, at_t0):
    secret, _codes = enrol(signed_in(app, "yjj_planner"))
    client = app.test_client()
    for _ in range(2):
        assert login(client, "yjj_planner", "Wrong-password-1").status_code == 200
    login(client, "yjj_planner")  # the right password does not clear the count while the code is awaited
    for _ in range(2):
        assert give_code(client, "123456").status_code == 422
    locked = give_code(client, "654321")  # the fifth failure in a row
    assert locked.status_code == 302 and locked.headers["Location"].startswith("/login")
    with app.app_context():
        user = user_named("yjj_planner")
        assert user.is_locked
        assert [e.details.get("why") for e in _entries("auth.login_failed", user.id)] == [
            "password",
            "password",
            "code",
            "code",
            "code",
        ]
    # locked: even the right password and code are refused until the lock ends
    assert login(app.test_client(), "yjj_planner").status_code == 200
    with clock.frozen_at(T0 + timedelta(minutes=15, seconds=30)):
        later = app.test_client()
        assert login(later, "yjj_planner").status_code == 302
        assert give_code(later, code_at(secret, T0 + timedelta(minutes=15, seconds=30))).status_code == 302
        assert _signed_in(later)


def test_a_recovery_code_signs_in_once(app, at_t0):
    _, codes = enrol(signed_in(app, "scj_leader"))
    client = app.test_client()
    login(client, "scj_leader")
    assert give_code(client, codes[0].upper()).status_code == 302  # any case, with its dashes
    assert _signed_in(client)
    assert "剩余恢复码：9个" in client.get("/account/second-factor").get_data(as_text=True)
    again = app.test_client()
    login(again, "scj_leader")
    assert give_code(again, codes[0]).status_code == 422
    assert not _signed_in(again)
    assert give_code(again, codes[1].replace("-", "")).status_code == 302
    with app.app_context():
        entries = _entries("auth.login", user_named("scj_leader").id)
        assert [e.details.get("recovery_codes_left") for e in entries[-2:]] == [9, 8]


def test_where_required_an_administrator_without_a_factor_enrols_at_the_next_sign_in(app, at_t0, monkeypatch):
    monkeypatch.setitem(app.config, "SECOND_FACTOR_REQUIRED", True)  # as under SPOTCHECK_ENV=production
    client = app.test_client()
    answer = login(client, "yjj_admin")
    assert answer.status_code == 302
    assert client.get("/login/code").headers["Location"].startswith("/login/enrol")
    assert client.get("/admin/users").headers["Location"].startswith("/login/code")  # nothing before it
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page and "设置两步验证" in page
    secret = _secret(page)
    token = csrf_token(client, "/login/enrol")
    wrong = client.post("/login/enrol", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and not _signed_in(client)
    done = client.post("/login/enrol", data={"code": code_at(secret, T0), "csrf_token": token})
    assert done.status_code == 200 and len(_recovery_codes(done.get_data(as_text=True))) == 10
    assert _signed_in(client) and client.get("/admin/users").status_code == 200
    # required: the administrator cannot turn it off; a user who is no administrator is not asked at all
    refused = post_form(client, "/account/second-factor/disable", {"code": code_at(secret, T0 + STEP)})
    assert refused.status_code == 302
    kept = client.get("/account/second-factor").get_data(as_text=True)
    assert "不能停用" in kept and "已启用" in kept  # the refusal flashed, the factor still on
    planner = app.test_client()
    assert login(planner, "yjj_planner").headers["Location"] == "/"
    with app.app_context():
        admin = user_named("yjj_admin")
        assert _entries("auth.enrolment_awaited", admin.id) and _entries("second_factor.enrolled", admin.id)
    # the next sign-in asks for the code
    with clock.frozen_at(T0 + 2 * STEP):
        later = app.test_client()
        assert login(later, "yjj_admin").headers["Location"].startswith("/login/code")
        assert give_code(later, code_at(secret, T0 + 2 * STEP)).status_code == 302


def test_the_platform_administrator_resets_a_department_administrators_factor(app, at_t0):
    holder = signed_in(app, "yjj_admin")
    enrol(holder)
    made = post_form(holder, "/account/tokens", {"name": "script"}, token_from="/account/tokens")
    secret_token = re.search(r'<code class="secret">([^<]+)</code>', made.get_data(as_text=True)).group(1)
    as_token = {"Authorization": f"Bearer {secret_token}"}
    assert app.test_client().get("/api/v1/me", headers=as_token).status_code == 200
    with app.app_context():
        admin = user_named("yjj_admin")
        tenant, admin_id = admin.tenant_id, admin.id
    platform = signed_in(app, "admin")
    page = platform.get(f"/platform/tenants/{tenant}").get_data(as_text=True)
    assert page.count('data-action="reset-second-factor"') == 1  # the one administrator with a factor
    reset = post_form(
        platform,
        f"/platform/tenants/{tenant}/admins/{admin_id}/second-factor",
        {},
        token_from=f"/platform/tenants/{tenant}",
    )
    assert reset.status_code == 302
    assert "已重置yjj_admin的两步验证" in platform.get(f"/platform/tenants/{tenant}").get_data(as_text=True)
    assert not _signed_in(holder)  # their sessions ended
    assert app.test_client().get("/api/v1/me", headers=as_token).status_code == 401  # and the tokens made with it
    with app.app_context():
        entries = _entries("second_factor.reset", admin_id)
        assert len(entries) == 1 and entries[0].tenant_id == tenant and entries[0].details["sessions"] >= 1
        with system_access("test: the factor is gone"):
            assert db.session.scalar(sa.select(SecondFactor).where(SecondFactor.user_id == admin_id)) is None
    assert login(app.test_client(), "yjj_admin").headers["Location"] == "/"  # no factor now (not required here)
    again = post_form(
        platform,
        f"/platform/tenants/{tenant}/admins/{admin_id}/second-factor",
        {},
        token_from=f"/platform/tenants/{tenant}",
    )
    assert again.status_code == 302
    with app.app_context():
        assert len(_entries("second_factor.reset", admin_id)) == 1  # nothing to reset: refused, nothing written


def test_an_administrators_token_needs_the_second_factor_in_that_session(app, at_t0):
    before = signed_in(app, "scj_admin")  # signed in by password alone
    enrolled_here = signed_in(app, "scj_admin")
    secret, _codes = enrol(enrolled_here)
    refused = post_form(before, "/account/tokens", {"name": "script"}, token_from="/account/tokens")
    assert refused.status_code == 200 and 'class="secret"' not in refused.get_data(as_text=True)
    assert "完成两步验证后才能创建API令牌" in refused.get_data(as_text=True)

    def through_the_api(client, name):
        headers = {"X-CSRFToken": csrf_token(client, "/account/tokens")}
        return client.post("/api/v1/tokens", json={"name": name}, headers=headers)

    assert through_the_api(before, "script").status_code == 403
    assert through_the_api(enrolled_here, "by the api").status_code == 201  # the session that gave it
    made = post_form(enrolled_here, "/account/tokens", {"name": "script"}, token_from="/account/tokens")
    secret_token = re.search(r'<code class="secret">([^<]+)</code>', made.get_data(as_text=True)).group(1)
    # a token cannot make another: it carries no second factor
    by_token = app.test_client().post(
        "/api/v1/tokens", json={"name": "more"}, headers={"Authorization": f"Bearer {secret_token}"}
    )
    assert by_token.status_code == 403
    with clock.frozen_at(T0 + STEP):
        fresh = app.test_client()
        login(fresh, "scj_admin")
        give_code(fresh, code_at(secret, T0 + STEP))
        assert post_form(fresh, "/account/tokens", {"name": "again"}, token_from="/account/tokens").status_code == 200
    with app.app_context():
        admin = user_named("scj_admin")
        with system_access("test: the tokens"):
            names = sorted(db.session.scalars(sa.select(ApiToken.name).where(ApiToken.user_id == admin.id)))
        assert names == ["again", "by the api", "script"]


def test_a_user_turns_their_own_factor_off_with_a_code(app, at_t0):
    client = signed_in(app, "scj_inspector")
    secret, _codes = enrol(client)
    wrong = post_form(client, "/account/second-factor/disable", {"code": "000000"}, token_from="/account/second-factor")
    assert wrong.status_code == 302 and "已启用" in client.get("/account/second-factor").get_data(as_text=True)
    with clock.frozen_at(T0 + STEP):
        post_form(client, "/account/second-factor/disable", {"code": code_at(secret, T0 + STEP)})
    assert "未启用" in client.get("/account/second-factor").get_data(as_text=True)
    assert login(app.test_client(), "scj_inspector", DEMO_PASSWORD).headers["Location"] == "/"


def test_the_departments_administrator_resets_a_users_lost_factor_but_not_an_administrators(app, at_t0):
    holder = signed_in(app, "scj_planner")
    enrol(holder)
    with app.app_context():
        planner_id, admin_id = user_named("scj_planner").id, user_named("scj_admin").id
    admin = signed_in(app, "scj_admin")
    page = admin.get(f"/admin/users/{planner_id}").get_data(as_text=True)
    assert 'id="user-second-factor"' in page
    reset = post_form(admin, f"/admin/users/{planner_id}/second-factor", {}, token_from=f"/admin/users/{planner_id}")
    assert reset.status_code == 302
    assert "scj_planner的两步验证已重置" in admin.get(reset.headers["Location"]).get_data(as_text=True)
    assert not _signed_in(holder)  # their sessions ended
    with app.app_context():
        [entry] = _entries("second_factor.reset", planner_id)
        assert entry.actor_login == "scj_admin"
    assert login(app.test_client(), "scj_planner").headers["Location"] == "/"  # the password alone again
    # an administrator's factor is the platform administrator's to reset, never a peer's
    enrol(admin)
    own = admin.get(f"/admin/users/{admin_id}").get_data(as_text=True)
    assert 'id="user-second-factor"' not in own
    post_form(admin, f"/admin/users/{admin_id}/second-factor", {}, token_from=f"/admin/users/{admin_id}")
    with app.app_context():
        assert _entries("second_factor.reset", admin_id) == []
