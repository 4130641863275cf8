"""The platform administrator's care of the departments' administrators (部门管理员): a department's
page lists them (and its other users, read only), and they can be added, have their password reset
(a temporary password shown once) and be disabled or enabled — each a command with its permission,
its audit entry in the department's chain, inside that department only."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts import commands as accounts
from tests.support.helpers import DEMO_PASSWORD, bearer, login, post_form, signed_in, user_named


def _entries(action: str) -> list[AuditEntry]:
    with system_access("test"):
        return list(
            db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def _signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


# --- commands --------------------------------------------------------------------------------


def test_only_the_platform_administrator_manages_a_departments_administrators(app):
    with app.app_context():
        target = user_named("scj_admin")
        tenant_id, user_id = target.tenant_id, target.id
        for login_name in ("scj_admin", "yjj_admin", "sfj_supervisor", "scj_leader"):
            someone = user_named(login_name)
            with pytest.raises(ForbiddenError):
                accounts.reset_admin_password(tenant_id, user_id, actor=someone)
            with pytest.raises(ForbiddenError):
                accounts.set_admin_active(tenant_id, user_id, {"active": False}, actor=someone)
            with pytest.raises(ForbiddenError):
                accounts.create_department_admin(
                    tenant_id,
                    {"login": "probe_admin", "display_name": "探针", "password": "Probe-admin-2026"},
                    actor=someone,
                )
        assert user_named("scj_admin").active and not _entries("user.password_reset")


def test_an_administrator_is_added_reset_disabled_and_enabled_each_audited_in_the_department(app):
    client = app.test_client()
    with app.app_context():
        admin = user_named("admin")
        tenant_id = user_named("scj_admin").tenant_id
        added = accounts.create_department_admin(
            tenant_id,
            {"login": "scj_admin2", "display_name": "第二管理员", "password": "Second-admin-2026"},
            actor=admin,
        )
        assert added.tenant_id == tenant_id and added.roles == ["tenant_admin"]
        user_id = added.id
    assert login(client, "scj_admin2", "Second-admin-2026").status_code == 302
    with app.app_context():
        _user, password = accounts.reset_admin_password(tenant_id, user_id, actor=user_named("admin"))
        assert len(password) == 12 and password not in str(_entries("user.password_reset")[-1].details)
    assert not _signed_in(client)  # whoever held the old password is out
    assert login(app.test_client(), "scj_admin2", "Second-admin-2026").status_code != 302
    assert login(app.test_client(), "scj_admin2", password).status_code == 302
    with app.app_context():
        accounts.set_admin_active(tenant_id, user_id, {"active": False}, actor=user_named("admin"))
        with pytest.raises(ConflictError):  # disabled already
            accounts.set_admin_active(tenant_id, user_id, {"active": False}, actor=user_named("admin"))
        with pytest.raises(ConflictError):  # a disabled administrator is enabled first
            accounts.reset_admin_password(tenant_id, user_id, actor=user_named("admin"))
    refused = login(app.test_client(), "scj_admin2", password)
    assert refused.status_code == 200 and "账号已停用" in refused.get_data(as_text=True)
    with app.app_context():
        accounts.set_admin_active(tenant_id, user_id, {"active": True}, actor=user_named("admin"))
    assert login(app.test_client(), "scj_admin2", password).status_code == 302
    with app.app_context():
        created, reset = _entries("user.created")[-1], _entries("user.password_reset")[-1]
        changes = [e for e in _entries("user.updated") if e.object_id == str(user_id)]
        assert {created.tenant_id, reset.tenant_id} == {tenant_id} and reset.actor_login == "admin"
        assert [e.details["active"] for e in changes] == [[True, False], [False, True]]
        assert all(e.tenant_id == tenant_id and e.actor_login == "admin" for e in changes)


def test_the_platform_administrator_acts_inside_the_department_named_and_on_administrators_only(app):
    with app.app_context():
        admin = user_named("admin")
        scj, yjj = user_named("scj_admin"), user_named("yjj_admin")
        scj_tenant, scj_id, yjj_tenant = scj.tenant_id, scj.id, yjj.tenant_id
        inspector_id = user_named("scj_inspector").id
        with pytest.raises(NotFoundError):  # a user of another department does not exist in this one
            accounts.reset_admin_password(yjj_tenant, scj_id, actor=admin)
        with pytest.raises(NotFoundError):
            accounts.set_admin_active(yjj_tenant, scj_id, {"active": False}, actor=admin)
        with pytest.raises(NotFoundError):
            accounts.create_department_admin(
                999_999, {"login": "nowhere_admin", "display_name": "无", "password": "Nowhere-admin-2026"}, actor=admin
            )
        with pytest.raises(ConflictError):  # an inspector is the department administrator's to manage
            accounts.set_admin_active(scj_tenant, inspector_id, {"active": False}, actor=admin)
        with pytest.raises(InvalidInputError) as refused:
            accounts.create_department_admin(
                scj_tenant, {"login": "scj_admin", "display_name": "重名", "password": "short"}, actor=admin
            )
        assert set(refused.value.errors) == {"login", "password"}
        assert user_named("scj_admin").active and user_named("scj_inspector").active


# --- pages -----------------------------------------------------------------------------------


def test_the_departments_list_links_each_department_and_a_missing_one_is_404(app):
    client = signed_in(app, "admin")
    with app.app_context():
        tenant_id = user_named("scj_admin").tenant_id
    listing = client.get("/platform/tenants").get_data(as_text=True)
    assert f'href="/platform/tenants/{tenant_id}"' in listing
    page = client.get(f"/platform/tenants/{tenant_id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="department-admins"' in body
    admins = body[body.index('id="department-admins"') : body.index('id="department-new-admin"')]
    others = body[body.index('id="department-users"') :]
    assert 'data-login="scj_admin"' in admins and "重置密码" in admins and "停用" in admins
    assert 'data-login="scj_inspector"' in others and "<form" not in others  # read only
    assert client.get("/platform/tenants/999999").status_code == 404
    assert signed_in(app, "scj_admin").get(f"/platform/tenants/{tenant_id}").status_code == 403


def test_a_password_reset_on_the_page_is_confirmed_and_shown_once(app):
    client = signed_in(app, "admin")
    with app.app_context():
        target = user_named("yjj_admin")
        tenant_id, user_id = target.tenant_id, target.id
    page = client.get(f"/platform/tenants/{tenant_id}").get_data(as_text=True)
    assert re.search(r'data-confirm="确定重置“yjj_admin”的密码？', page)
    answer = post_form(
        client,
        f"/platform/tenants/{tenant_id}/admins/{user_id}/password",
        {},
        token_from=f"/platform/tenants/{tenant_id}",
    )
    shown = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "no-store" in answer.headers["Cache-Control"]
    password = re.search(r'id="temporary-password-value">([^<]+)<', shown).group(1)
    assert "仅在此显示一次" in shown
    assert password not in client.get(f"/platform/tenants/{tenant_id}").get_data(as_text=True)
    assert login(app.test_client(), "yjj_admin", DEMO_PASSWORD).status_code != 302
    assert login(app.test_client(), "yjj_admin", password).status_code == 302


def test_an_administrator_disabled_on_the_page_is_signed_out_and_cannot_sign_in(app):
    victim = signed_in(app, "yjj_admin")
    headers = bearer(app, "yjj_admin")
    assert _signed_in(victim) and app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    client = signed_in(app, "admin")
    with app.app_context():
        target = user_named("yjj_admin")
        tenant_id, user_id = target.tenant_id, target.id
    page = client.get(f"/platform/tenants/{tenant_id}").get_data(as_text=True)
    assert "确定停用yjj_admin？其在所有设备上立即退出登录" in page
    done = post_form(
        client,
        f"/platform/tenants/{tenant_id}/admins/{user_id}/disable",
        {},
        token_from=f"/platform/tenants/{tenant_id}",
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/platform/tenants/{tenant_id}")
    after = client.get(f"/platform/tenants/{tenant_id}").get_data(as_text=True)
    assert "已停用yjj_admin" in after and 'id="no-active-admin"' in after and 'data-action="enable"' in after
    assert not _signed_in(victim)  # the session ended on the server
    assert victim.get("/admin/users").headers["Location"].startswith("/login")
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    refused = login(app.test_client(), "yjj_admin")
    assert refused.status_code == 200 and "账号已停用" in refused.get_data(as_text=True)
    again = post_form(
        client,
        f"/platform/tenants/{tenant_id}/admins/{user_id}/enable",
        {},
        token_from=f"/platform/tenants/{tenant_id}",
    )
    assert again.status_code == 302 and _signed_in(signed_in(app, "yjj_admin"))


def test_an_administrator_is_added_on_the_page_and_a_bad_one_is_refused_in_chinese(app):
    client = signed_in(app, "admin")
    with app.app_context():
        tenant_id = user_named("yjj_admin").tenant_id
    bad = post_form(
        client,
        f"/platform/tenants/{tenant_id}/admins",
        {"login": "yjj_admin", "display_name": "", "password": "short"},
        token_from=f"/platform/tenants/{tenant_id}",
    )
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "该账号已被使用" in body and "请输入姓名" in body
    good = post_form(
        client,
        f"/platform/tenants/{tenant_id}/admins",
        {"login": "yjj_admin2", "display_name": "应急第二管理员", "password": "Second-admin-2026"},
        token_from=f"/platform/tenants/{tenant_id}",
    )
    assert good.status_code == 302
    page = client.get(f"/platform/tenants/{tenant_id}").get_data(as_text=True)
    assert "已添加管理员yjj_admin2" in page and 'data-login="yjj_admin2"' in page
    assert login(app.test_client(), "yjj_admin2", "Second-admin-2026").status_code == 302


def test_the_temporary_password_works_once_then_the_administrator_chooses_their_own(app):
    with app.app_context():
        target = user_named("yjj_admin")
        _user, password = accounts.reset_admin_password(target.tenant_id, target.id, actor=user_named("admin"))
    client = app.test_client()
    assert login(client, "yjj_admin", password).status_code == 302
    sent = client.get("/admin/users")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/account/")
    page = client.get("/account/").get_data(as_text=True)
    assert "您使用临时密码登录" in page
    assert client.get("/api/v1/me").status_code == 403  # not through the API either
    assert client.get("/public").status_code == 200  # the public pages stay open
    changed = post_form(
        client, "/account/", {"current_password": password, "new_password": "Own-choice-2026"}, token_from="/account/"
    )
    assert changed.status_code == 302
    assert client.get("/admin/users").status_code == 200
    assert login(app.test_client(), "yjj_admin", password).status_code != 302  # the temporary one is gone
