"""Inspectors on board in one step (批量开通账号, issue 81 point 1): the department administrator ticks inspectors
in the directory and creates their accounts at once, all or nothing; the one-time passwords come out once, on the
hand-out sheet the POST answers, and are kept nowhere; each must be changed at the first sign-in. The hand-out
waits for the team leaders (组长) with no account, named, and an account linked after the 派遣 notice is told of
it; the selection of the list survives its pages and searches."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from spotcheck.core import clock
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.passwords import NO_PASSWORD
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import commands as account_commands
from spotcheck.tenants.accounts.models import IdentityLink, LinkCode, User
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices.models import Message
from tests.support.campaign_world import build
from tests.support.helpers import login, post_form, signed_in, tenant_id
from tests.support.results_world import handed_out, leaders_named

SECRET = re.compile(r'<code class="secret">([^<]+)</code>')
LINK_CODE = re.compile(r'<code class="secret link-code">([^<]+)</code>')
#: A staff identity provider configured (never reached by these tests: the codes are handed out and entered through
#: the commands; tests/web/test_identity_platform.py walks the same through a real provider).
PROVIDER = {
    "SPOTCHECK_OIDC_ISSUER": "http://127.0.0.1:9",
    "SPOTCHECK_OIDC_CLIENT_ID": "spotcheck",
    "SPOTCHECK_OIDC_CLIENT_SECRET": "spotcheck-test-secret",
}


def _without_account(department: str, count: int, *, among: sa.Select | None = None) -> list[Inspector]:
    """``count`` inspectors in use of the department with no account (of ``among``'s ids, if given)."""
    with tenant_scope(tenant_id(department)):
        query = sa.select(Inspector).where(Inspector.user_id.is_(None), Inspector.active.is_(True))
        if among is not None:
            query = query.where(Inspector.id.in_(among))
        found = list(db.session.scalars(query.order_by(Inspector.id).limit(count)))
        db.session.expunge_all()
        return found


def _create(client, ids: list[int]):
    return post_form(client, "/catalog/inspectors/accounts", {"ids": ids}, token_from="/catalog/inspectors")


def test_the_administrator_creates_the_ticked_inspectors_accounts_and_hands_out_passwords_once(app):
    with app.app_context():
        build()
        people = _without_account("YJJ", 2)
    admin = signed_in(app, "yjj_admin")
    listing = admin.get("/catalog/inspectors").get_data(as_text=True)
    assert all(f'name="ids" value="{p.id}"' in listing for p in people) and 'id="create-accounts"' in listing

    sheet = _create(admin, [p.id for p in people])
    assert sheet.status_code == 200, sheet.get_data(as_text=True)[:800]
    assert "no-store" in sheet.headers["Cache-Control"]
    page = sheet.get_data(as_text=True)
    passwords = SECRET.findall(page)
    assert len(passwords) == 2 and "账号交接单" in page and all(p.name in page for p in people)

    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        accounts = {
            i.name: db.session.get(User, i.user_id)
            for i in db.session.scalars(sa.select(Inspector).where(Inspector.id.in_([p.id for p in people])))
        }
        assert all(u is not None and u.must_change_password and u.has_role("inspector") for u in accounts.values())
        assert [u.display_name for u in accounts.values()] == list(accounts)
        logins = [u.login for u in accounts.values()]
        # the passwords are kept nowhere: not in the audit trail, not in a job
        with system_access("the test reads every trail"):
            trail = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEntry)))
            kept = " ".join(str(j.params) + str(j.result) for j in db.session.scalars(sa.select(Job)))
        assert not any(password in trail or password in kept for password in passwords)
        assert "inspector.accounts_created" in {
            e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "inspector"))
        }

    # the one-time password signs in once, to the page where the person chooses their own
    person = app.test_client()
    signed = login(person, logins[0], passwords[0])
    assert signed.status_code == 302
    assert person.get("/").headers.get("Location", "").rstrip("/").endswith("/account")

    # the same again: already has an account, nothing changes
    again = _create(admin, [people[0].id])
    assert again.status_code == 302
    assert "已有账号" in admin.get(again.location).get_data(as_text=True)


def test_all_or_nothing_and_another_departments_inspector_is_not_found(app):
    with app.app_context():
        build()
        build("scj")
        people = _without_account("YJJ", 2)
        first, other = people[0].id, people[1].id
        elsewhere = _without_account("SCJ", 1)[0]
    admin = signed_in(app, "yjj_admin")
    assert _create(admin, [first]).status_code == 200  # one account made: now it has one
    refused = _create(admin, [other, first])
    assert refused.status_code == 302
    shown = admin.get(refused.location).get_data(as_text=True)
    assert "未作任何更改" in shown and "已有账号" in shown and people[0].name in shown  # the refused row and why
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        assert db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == other)) is None  # all or nothing

    assert _create(admin, [elsewhere.id]).status_code == 404
    assert _create(admin, [other, elsewhere.id]).status_code == 404
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        assert db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == elsewhere.id)) is None
    assert _create(signed_in(app, "yjj_planner"), [other]).status_code == 403


def test_the_hand_out_waits_for_the_team_leaders_with_no_account_named(app):
    with app.app_context():
        campaign_id = leaders_named(build())
        with tenant_scope(tenant_id("YJJ")):
            leaders = campaigns.leaders_without_account(campaigns.get_campaign(campaign_id))
            ids = list(
                db.session.scalars(
                    sa.select(Inspector.id)
                    .join(TeamMember, TeamMember.inspector_id == Inspector.id)
                    .where(TeamMember.campaign_id == campaign_id, TeamMember.is_leader.is_(True))
                    .where(Inspector.user_id.is_(None))
                    .distinct()
                )
            )
    assert leaders
    planner = signed_in(app, "yjj_planner")
    page = planner.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    warning = re.search(r'id="leaders-without-account">(.*?)</p>', page, re.S)
    assert warning and all(name in warning.group(1) for name in leaders), page
    assert 'id="campaign-hand-out"' not in page  # refused until they have one
    assert _create(signed_in(app, "yjj_admin"), ids).status_code == 200
    page = planner.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'id="leaders-without-account"' not in page and 'id="campaign-hand-out"' in page


def test_an_account_made_after_the_assignment_notice_is_told_of_it_for_an_open_campaign(app):
    with app.app_context():
        ids = handed_out(notices=True)  # the 派遣 notices are written before these inspectors have accounts
        on_teams = sa.select(TeamMember.inspector_id).where(TeamMember.campaign_id == ids["campaign"])
        later = _without_account("YJJ", 1, among=on_teams)[0]
    assert _create(signed_in(app, "yjj_admin"), [later.id]).status_code == 200
    with app.app_context(), tenant_scope(ids["tenant"]):
        user_id = db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == later.id))
        [message] = db.session.scalars(sa.select(Message).where(Message.user_id == user_id))
        assert message.title.startswith("检查任务派遣") and message.notice_id is not None


def _unknown_person(subject: str) -> int:
    """A person the provider signed in, linked to no user: the row of the link code they were shown."""
    outcome = account_commands.sign_in_with_identity(
        {"issuer": PROVIDER["SPOTCHECK_OIDC_ISSUER"], "subject": subject, "name": "某人", "user_agent": "test"}
    )
    assert outcome.link_code is not None and outcome.attempt.user is None
    return outcome.pending


def _claim(pending: int, code: str):
    attempt = account_commands.claim_account({"pending": pending, "code": code, "user_agent": "test"})
    with current_app.test_request_context(), force_locale("zh_CN"):
        return attempt.user, str(attempt.refused.message) if attempt.refused else None


def test_with_the_identity_platform_the_sheet_hands_out_link_codes_the_person_enters_once(app):
    app.config.update(PROVIDER)
    with app.app_context():
        build()
        people = _without_account("YJJ", 4)
    admin = signed_in(app, "yjj_admin")
    listing = admin.get("/catalog/inspectors").get_data(as_text=True)
    assert "通过统一身份认证登录后输入" in listing

    sheet = _create(admin, [p.id for p in people])
    assert sheet.status_code == 200 and "no-store" in sheet.headers["Cache-Control"]
    page = sheet.get_data(as_text=True)
    codes = LINK_CODE.findall(page)
    assert len(codes) == 4 and "关联码" in page and "一次性密码" not in page and SECRET.findall(page) == []

    with app.app_context():
        with tenant_scope(tenant_id("YJJ")):
            accounts = [
                db.session.get(User, db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == p.id)))
                for p in people
            ]
            assert all(u.password_hash == NO_PASSWORD and not u.must_change_password for u in accounts)
            logins = [u.login for u in accounts]
        # the codes are kept nowhere in clear: not in the trail, a job, nor the codes' own rows
        with system_access("the test reads every trail"):
            trail = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEntry)))
            kept = " ".join(str(j.params) + str(j.result) for j in db.session.scalars(sa.select(Job)))
            rows = " ".join(
                f"{c.code_digest} {c.name} {c.issuer} {c.subject}" for c in db.session.scalars(sa.select(LinkCode))
            )
        assert not any(code in trail + kept + rows or code.replace("-", "") in rows for code in codes)
        with system_access("the test reads every trail"):
            issued = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.link_code_issued"))
            assert len(list(issued)) == 4

    # an account with no password: no password signs it in
    assert login(app.test_client(), logins[0], codes[0]).status_code == 200

    with app.app_context():
        first = _unknown_person("sub-1")
        user, refused = _claim(first, "ABCDE-FGHJK")  # a wrong code: refused, counted on the person's sign-in
        assert user is None and "关联码不存在、已使用或已过期" in refused
        user, refused = _claim(first, codes[0].lower().replace("-", " "))  # as read out: case and space
        assert refused is None and user.login == logins[0]
        with system_access("test"):
            link = db.session.scalars(sa.select(IdentityLink)).one()
            assert (link.issuer, link.subject, link.user_id) == (PROVIDER["SPOTCHECK_OIDC_ISSUER"], "sub-1", user.id)
            entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.identity_linked")).one()
            assert entry.details["by_code"] is True and entry.actor_login == logins[0]
        # the same person's identity signs in from now on
        assert (
            account_commands.sign_in_with_identity(
                {"issuer": PROVIDER["SPOTCHECK_OIDC_ISSUER"], "subject": "sub-1", "name": "", "user_agent": ""}
            ).attempt.user.login
            == logins[0]
        )

        # a used code links nobody else; a code past its day neither; within the day it does
        user, refused = _claim(_unknown_person("sub-2"), codes[0])
        assert user is None and "关联码不存在、已使用或已过期" in refused
        with clock.frozen_at(clock.now() + timedelta(hours=24, minutes=1)):
            user, refused = _claim(_unknown_person("sub-3"), codes[1])
            assert user is None and "关联码不存在、已使用或已过期" in refused
        user, refused = _claim(_unknown_person("sub-3"), codes[1])
        assert refused is None and user.login == logins[1]

        # an identity linked meanwhile (signed in twice before) takes no second account
        early, late = _unknown_person("sub-4"), _unknown_person("sub-4")
        assert _claim(early, codes[2])[1] is None
        user, refused = _claim(late, codes[3])
        assert user is None and refused == "您的统一身份认证账号已关联到其他用户。"
        with system_access("test"):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(IdentityLink)) == 3


def test_wrong_link_codes_spend_the_sign_in_after_five(app):
    app.config.update(PROVIDER)
    with app.app_context():
        build()
        people = _without_account("YJJ", 1)
    codes = LINK_CODE.findall(_create(signed_in(app, "yjj_admin"), [people[0].id]).get_data(as_text=True))
    with app.app_context():
        pending = _unknown_person("sub-guess")
        for _ in range(5):
            assert _claim(pending, "ZZZZZ-ZZZZZ")[0] is None
        user, refused = _claim(pending, codes[0])  # even the right code now: sign in through the provider again
        assert user is None and "重新通过统一身份认证登录" in refused
        with system_access("test"):
            failures = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "auth.link_code_refused"))
            assert [e.details["failures"] for e in failures] == [1, 2, 3, 4, 5]
        assert _claim(_unknown_person("sub-guess"), codes[0])[1] is None  # a new sign-in, the code unspent


def test_the_administrator_gives_one_user_a_new_link_code_and_the_old_one_stops_working(app):
    """A code expired or lost: the user's page gives a new one, shown once; the earlier code no longer links."""
    app.config.update(PROVIDER)
    with app.app_context():
        build()
        [person] = _without_account("YJJ", 1)
    admin = signed_in(app, "yjj_admin")
    [old] = LINK_CODE.findall(_create(admin, [person.id]).get_data(as_text=True))
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        user_id = db.session.scalar(sa.select(Inspector.user_id).where(Inspector.id == person.id))
    page = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert 'id="issue-account-code"' in page
    given = post_form(admin, f"/admin/users/{user_id}/account-code", {}, token_from=f"/admin/users/{user_id}")
    assert given.status_code == 200 and "no-store" in given.headers["Cache-Control"]
    [new] = re.findall(r'id="account-link-code">([^<]+)<', given.get_data(as_text=True))
    assert new != old
    with app.app_context():
        assert "关联码不存在、已使用或已过期" in _claim(_unknown_person("sub-old"), old)[1]
        user, refused = _claim(_unknown_person("sub-new"), new)
        assert refused is None and user.id == user_id
    # linked now: the page offers no code any more, and asking anyway is refused with the reason
    assert 'id="issue-account-code"' not in admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    again = post_form(admin, f"/admin/users/{user_id}/account-code", {}, token_from=f"/admin/users/{user_id}")
    assert again.status_code == 302


def test_a_selection_survives_the_pages_and_the_searches_of_the_inspector_list(app, monkeypatch):
    monkeypatch.setattr("spotcheck.platform.web.inspectors.pages.PER_PAGE", 3)  # 8 inspectors: three pages
    with app.app_context():
        build()
        chosen = [inspector.id for inspector in _without_account("YJJ", 8)][::3]  # one of each page
        names = {inspector.id: inspector.name for inspector in _without_account("YJJ", 8)}
    admin = signed_in(app, "yjj_admin")
    selection = ",".join(str(i) for i in chosen)
    page = admin.get(f"/catalog/inspectors?show=inspectors&sel={selection}").get_data(as_text=True)
    assert f'data-selection-count="{len(chosen)}"' in page and all(names[i] in page for i in chosen)
    nxt = re.search(r'<a rel="next" class="button" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"sel={selection}" in nxt.replace("%2C", ",")  # the next page carries the selection
    second = admin.get(nxt).get_data(as_text=True)
    ticked = set(map(int, re.findall(r'name="ids" value="(\d+)" form="inspector-accounts" checked', second)))
    hidden = set(map(int, re.findall(r'<input type="hidden" name="ids" value="(\d+)">', second)))
    assert ticked | hidden == set(chosen) and not ticked & hidden  # on this page ticked, the others kept
    searched = admin.get(f"/catalog/inspectors?show=inspectors&q=不存在&sel={selection}").get_data(as_text=True)
    assert set(map(int, re.findall(r'<input type="hidden" name="ids" value="(\d+)">', searched))) == set(chosen)
    assert f'name="sel" value="{selection}"' in searched  # a further search keeps it too
    sheet = _create(admin, sorted(ticked | hidden))
    assert sheet.status_code == 200 and len(SECRET.findall(sheet.get_data(as_text=True))) == len(chosen)
