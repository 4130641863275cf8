"""An administrator entering link codes (关联码) on a user's page has the tries of a password (issue 94): each wrong,
used or expired code counts on the administrator's own account, and the lockout's count of them in a row locks it
(its sessions ended, its sign-in refused until then), audited; a locked administrator's code is not looked at."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.passwords import secret_digest
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import commands as account_commands
from spotcheck.tenants.accounts.models import IdentityLink, LinkCode
from tests.support.helpers import login, post_form, signed_in, tenant_id, user_named

WRONG = "关联码不存在、已使用或已超过24小时"
LOCKED = "关联码或密码输错次数过多"


@pytest.fixture
def app(app):
    """The app with the staff's identity platform configured (nothing is fetched from it here): the user's page
    shows the link code's form."""
    app.config.update(
        SPOTCHECK_OIDC_ISSUER="https://idp.example.gov.cn",
        SPOTCHECK_OIDC_CLIENT_ID="spotcheck",
        SPOTCHECK_OIDC_CLIENT_SECRET="secret",
    )
    return app


def _code(app, text: str, subject: str) -> None:
    """A link code the identity platform showed a person (``subject``), valid for a day."""
    with app.app_context(), system_access("test: a link code shown"):
        db.session.add(
            LinkCode(
                code_digest=secret_digest(text),
                issuer="https://idp.example.gov.cn",
                subject=subject,
                name="钱伟",
                expires_at=clock.now() + timedelta(hours=24),
            )
        )
        db.session.commit()


def _enter(client, user_id: int, code: str):
    return post_form(client, f"/admin/users/{user_id}/identity", {"code": code}, token_from=f"/admin/users/{user_id}")


def _refusals(app) -> list[dict]:
    with app.app_context(), system_access("test"):
        rows = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "auth.link_code_refused").order_by(AuditEntry.id)
        )
        return [dict(row.details) for row in rows]


def test_wrong_link_codes_lock_the_administrator_as_wrong_passwords_do(app):
    max_failures = app.config["LOGIN_MAX_FAILURES"]
    with app.app_context():
        planner_id = user_named("scj_planner").id
    admin = signed_in(app, "scj_admin")
    for attempt in range(1, max_failures):
        refused = _enter(admin, planner_id, f"WRONG{attempt:05d}")
        assert refused.status_code == 422 and WRONG in refused.get_data(as_text=True)
    last = _enter(admin, planner_id, "WRONG99999")
    assert last.status_code == 422 and LOCKED in last.get_data(as_text=True)
    assert [entry["failures"] for entry in _refusals(app)] == list(range(1, max_failures + 1))
    assert _refusals(app)[-1]["locked_minutes"] == app.config["LOGIN_LOCK_MINUTES"]

    assert admin.get("/admin/users").status_code == 302  # the lock ended the administrator's sessions
    again = app.test_client()
    refused_sign_in = login(again, "scj_admin")  # the right password is refused until then
    assert refused_sign_in.status_code == 200 and "该账号已被锁定" in refused_sign_in.get_data(as_text=True)

    _code(app, "ABCDE23456", "p-planner")  # even a right code is not looked at while locked
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        with pytest.raises(InvalidInputError) as refused:
            account_commands.link_identity(planner_id, {"code": "ABCDE-23456"}, actor=user_named("scj_admin"))
        assert list(refused.value.errors) == ["code"] and LOCKED in str(refused.value.errors["code"][0])
    with app.app_context(), system_access("test"):
        assert db.session.scalar(sa.select(sa.func.count(IdentityLink.id))) == 0


def test_fewer_wrong_codes_than_the_lockout_leave_a_right_one_linking(app):
    with app.app_context():
        planner_id = user_named("scj_planner").id
    admin = signed_in(app, "scj_admin")
    for attempt in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert _enter(admin, planner_id, f"WRONG{attempt:05d}").status_code == 422
    _code(app, "ABCDE23456", "p-planner")
    linked = _enter(admin, planner_id, "abcde-23456")
    assert linked.status_code == 302
    assert "统一身份认证账号已关联到 scj_planner" in admin.get(linked.headers["Location"]).get_data(as_text=True)


def test_a_wrong_code_after_a_lock_has_passed_counts_from_one_again(app):
    with app.app_context():
        planner_id = user_named("scj_planner").id
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            with pytest.raises(InvalidInputError):
                account_commands.link_identity(planner_id, {"code": "WRONG00000"}, actor=user_named("scj_admin"))
    later = clock.now() + timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)
    with app.app_context(), tenant_scope(tenant_id("SCJ")), clock.frozen_at(later):
        with pytest.raises(InvalidInputError) as refused:
            account_commands.link_identity(planner_id, {"code": "WRONG00000"}, actor=user_named("scj_admin"))
        assert WRONG in str(refused.value.errors["code"][0])
    assert [entry["failures"] for entry in _refusals(app)][-2:] == [app.config["LOGIN_MAX_FAILURES"], 1]
