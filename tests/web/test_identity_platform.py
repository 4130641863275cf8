"""统一身份认证 (issue 80): signing in through the city's identity platform — a real OpenID Connect provider
(oidc-provider under Node, ``tests/oidc/provider.mjs``) — redirect by redirect, as a browser does: the link code of
a person linked to no user, the administrator's link, the refusals (another client's token, an expired one, a forged
signature, a replayed state), logout at both ends, and passwords turned off but for the break-glass account."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests
import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import commands as account_commands
from spotcheck.tenants.accounts.models import IdentityLink
from spotcheck.tenants.businesses.models import BusinessIdentity
from spotcheck.tenants.inspectors.models import Inspector
from tests.support import identity_platform as ip
from tests.support.business_accounts import visited_business
from tests.support.campaign_world import build
from tests.support.helpers import DEMO_PASSWORD, tenant_id, user_named

LINK_CODE = re.compile(r'id="link-code">([^<]+)<')


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    with ip.provider(tmp_path_factory.mktemp("provider")) as found:
        yield found


@pytest.fixture(scope="module")
def proxy(issuer):
    with ip.TokenProxy(issuer) as found:
        yield found


@pytest.fixture
def site(sqlite_template, tmp_path, issuer, proxy):
    """The app on a copy of the demo, its staff's provider the test one (discovery through the proxy); its people
    linked by the keyed digest of their 身份证号 where the provider gives one."""
    with ip.served_app(sqlite_template, tmp_path, ip.settings(issuer, proxy)) as served:
        yield served


def _user_id(app, login: str) -> int:
    with app.app_context():
        return user_named(login).id


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context(), system_access("test"):
        return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _link_code(person: requests.Session, base: str, login: str) -> str:
    page = ip.sign_in(person, base, login)
    assert page.status_code == 200 and page.url.startswith(base + "/login/identity/callback"), page.text
    assert "您的统一身份认证账号尚未关联本平台的用户" in page.text and "交给本部门的系统管理员" in page.text
    return LINK_CODE.search(page.text).group(1)


def _enter_code(admin: requests.Session, base: str, user_id: int, code: str) -> requests.Response:
    page = admin.get(f"{base}/admin/users/{user_id}")
    return admin.post(
        f"{base}/admin/users/{user_id}/identity", data={"csrf_token": ip.csrf_of(page.text), "code": code}
    )


def _linked(app, base: str, person_login: str, user_login: str, admin_login: str = "scj_admin") -> requests.Session:
    """``person_login`` of the provider linked to ``user_login`` by ``admin_login``; returns the person's browser."""
    person = requests.Session()
    code = _link_code(person, base, person_login)
    admin = requests.Session()
    ip.password_sign_in(admin, base, admin_login, DEMO_PASSWORD)
    assert _enter_code(admin, base, _user_id(app, user_login), code).status_code == 200
    return person


def test_an_unknown_person_gets_a_code_the_administrator_links_and_the_person_then_signs_in(site, issuer):
    app, base = site
    planner_id = _user_id(app, "scj_planner")
    already = requests.Session()  # the planner, signed in with a password before the link
    assert ip.password_sign_in(already, base, "scj_planner", DEMO_PASSWORD).url == base + "/"

    person = requests.Session()
    code = _link_code(person, base, "p-planner")
    assert person.get(base + "/").url.startswith(base + "/login")  # not signed in by the provider's say-so
    assert _audit(app, "auth.identity_unknown")[-1].details["why"] == "unlinked"

    admin = requests.Session()
    ip.password_sign_in(admin, base, "scj_admin", DEMO_PASSWORD)
    linked = _enter_code(admin, base, planner_id, code.lower().replace("-", " "))  # as read out: case and dash
    assert "统一身份认证账号已关联到 scj_planner" in linked.text
    assert "已于" in linked.text
    entry = _audit(app, "user.identity_linked")[-1]
    assert entry.actor_login == "scj_admin" and entry.object_id == str(planner_id)
    assert already.get(base + "/").url.startswith(base + "/login")  # a link ends the user's sessions

    home = ip.sign_in(person, base, "p-planner")
    assert home.url == base + "/" and "钱伟" in home.text and "钱伟（统一身份认证）" not in home.text  # the user's name
    login = _audit(app, "auth.login")[-1]
    assert login.details == {"via": "oidc", "issuer": issuer} and login.actor_login == "scj_planner"
    again = _enter_code(admin, base, _user_id(app, "scj_leader"), code)  # a code is used once
    assert again.status_code == 422 and "关联码不存在、已使用或已超过24小时" in again.text


def test_an_identity_linked_already_is_refused_and_codes_expire_after_a_day(site):
    app, base = site
    person = requests.Session()
    first, second = (_link_code(person, base, "p-stranger") for _ in range(2))
    third = _link_code(requests.Session(), base, "p-leader")
    admin = requests.Session()
    ip.password_sign_in(admin, base, "scj_admin", DEMO_PASSWORD)
    assert _enter_code(admin, base, _user_id(app, "scj_inspector"), first).status_code == 200
    refused = _enter_code(admin, base, _user_id(app, "scj_leader"), second)
    assert refused.status_code == 422 and "该统一身份认证账号已关联到其他用户" in refused.text
    with app.app_context(), system_access("test"):
        links = db.session.scalars(sa.select(IdentityLink)).all()
        assert [link.user.login for link in links] == ["scj_inspector"]
    leader_id = _user_id(app, "scj_leader")
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        with clock.frozen_at(clock.now() + timedelta(hours=24, minutes=1)), pytest.raises(InvalidInputError) as late:
            account_commands.link_identity(leader_id, {"code": third}, actor=user_named("scj_admin"))
        assert list(late.value.errors) == ["code"]
        account_commands.link_identity(leader_id, {"code": third}, actor=user_named("scj_admin"))  # within the day


def test_an_administrator_links_no_one_holding_more_than_they_do_nor_another_departments_user(site):
    app, base = site
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        account_commands.create_user(
            {
                "login": "scj_chief",
                "display_name": "周全",
                "password": DEMO_PASSWORD,
                "roles": ["tenant_admin", "leader"],
            },
            actor=user_named("scj_admin"),
        )
    person = requests.Session()
    admin = requests.Session()
    ip.password_sign_in(admin, base, "scj_admin", DEMO_PASSWORD)
    refused = _enter_code(admin, base, _user_id(app, "scj_chief"), _link_code(person, base, "p-leader"))
    assert "该用户拥有您不具备的权限" in refused.text
    other = _enter_code(admin, base, _user_id(app, "yjj_planner"), _link_code(person, base, "p-leader"))
    assert other.status_code == 404  # another department's user does not exist for them
    with app.app_context(), system_access("test"):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdentityLink)) == 0


def test_a_token_issued_to_another_client_or_with_a_forged_signature_is_refused(site, issuer, proxy):
    app, base = site
    _linked(app, base, "p-admin", "scj_admin")
    for mode, why in (("swap", "audience"), ("forge", "signature")):
        proxy.mode, proxy.replacement = mode, ip.other_clients_id_token(issuer, "p-admin")
        person = requests.Session()
        refused = ip.sign_in(person, base, "p-admin")
        assert refused.url == base + "/login" and "统一身份认证登录未通过校验" in refused.text, mode
        assert _audit(app, "auth.identity_refused")[-1].details["why"] == why
        assert person.get(base + "/").url.startswith(base + "/login")
    assert ip.sign_in(requests.Session(), base, "p-admin").url == base + "/"  # the same person, unspoiled


def test_an_expired_id_token_is_refused(sqlite_template, tmp_path):
    with (
        ip.provider(tmp_path, id_token_ttl={ip.CLIENT["client_id"]: 1}) as issuer,
        ip.TokenProxy(issuer) as proxy,
        ip.served_app(sqlite_template, tmp_path, ip.settings(issuer, proxy)) as (app, base),
    ):
        proxy.mode, proxy.seconds = "delay", 2.5
        refused = ip.sign_in(requests.Session(), base, "p-stranger")
        assert refused.url == base + "/login" and "统一身份认证登录未通过校验" in refused.text
        assert _audit(app, "auth.identity_refused")[-1].details["why"] == "expired"


def test_a_replayed_state_is_refused(site):
    app, base = site
    _linked(app, base, "p-admin", "scj_admin")
    person = requests.Session()
    callback = ip.callback_url(person, base, "p-admin")
    kept = person.cookies.copy()  # the browser's cookies as they were, state and all
    assert person.get(callback).url == base + "/"
    replayed = requests.Session()  # the same answer again, from another browser
    assert replayed.get(callback).url == base + "/login"
    assert _audit(app, "auth.identity_refused")[-1].details["why"] == "state"
    with_old_cookie = requests.Session()  # with a copy of the first browser's cookie: the provider refuses the code
    with_old_cookie.cookies.update(kept)
    assert with_old_cookie.get(callback).url == base + "/login"
    assert _audit(app, "auth.identity_refused")[-1].details["why"] == "provider"
    assert with_old_cookie.get(base + "/").url.startswith(base + "/login")


def test_signing_out_ends_the_session_here_and_at_the_provider(site, issuer):
    app, base = site
    person = _linked(app, base, "p-leader", "scj_leader")
    assert ip.sign_in(person, base, "p-leader").url == base + "/"
    copy = requests.Session()
    copy.cookies.update(person.cookies)
    home = person.get(base + "/")
    out = person.post(base + "/logout", data={"csrf_token": ip.csrf_of(home.text)}, allow_redirects=False)
    end_session = out.headers["Location"]
    assert end_session.startswith(issuer + "/session/end")
    assert parse_qs(urlsplit(end_session).query)["post_logout_redirect_uri"] == [base + "/login"]
    confirm = person.get(end_session)
    assert "是否同时退出统一身份认证" in confirm.text
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text).group(1)
    back = person.post(issuer + "/session/end/confirm", data={"xsrf": xsrf, "logout": "yes"})
    assert back.url.startswith(base + "/login") and "已退出" in back.text
    assert copy.get(base + "/").url.startswith(base + "/login")  # the server's session row is ended
    again = ip.walk(person, person.get(base + "/login/identity", allow_redirects=False), base)
    assert "统一身份认证登录（测试）" in again.text  # the provider asks for the password again


def test_with_passwords_off_only_the_break_glass_administrator_signs_in_with_one(sqlite_template, tmp_path, issuer):
    overrides = ip.settings(issuer, SPOTCHECK_PASSWORD_LOGIN="off")
    with ip.served_app(sqlite_template, tmp_path, overrides) as (app, base):
        staff = requests.Session()
        refused = ip.password_sign_in(staff, base, "scj_admin", DEMO_PASSWORD)
        assert "密码登录已关闭，请通过统一身份认证登录" in refused.text
        assert staff.get(base + "/").url.startswith(base + "/login")
        assert _audit(app, "auth.login_refused")[-1].details == {"why": "no_password"}
        wrong = ip.password_sign_in(requests.Session(), base, "scj_admin", "not-the-password")
        assert "密码登录已关闭，请通过" not in wrong.text and "账号或密码错误" in wrong.text  # says no more than before
        page = requests.get(base + "/login", timeout=10).text
        assert "应急登录（仅限平台管理员）" in page and "通过统一身份认证登录" in page
        # the break-glass: the platform administrator's password, then its second factor (enrolled now: it had none)
        platform = requests.Session()
        enrolling = ip.password_sign_in(platform, base, "admin", DEMO_PASSWORD)
        assert enrolling.url == base + "/login/enrol"
        assert platform.get(base + "/").url.startswith(base + "/login")  # not signed in before the second factor
        secret = re.search(r'id="second-factor-secret">([^<]+)<', enrolling.text)
        assert secret, enrolling.text
        code = pyotp.TOTP(secret.group(1).replace(" ", "")).now()
        platform.post(base + "/login/enrol", data={"csrf_token": ip.csrf_of(enrolling.text), "code": code})
        assert platform.get(base + "/").url == base + "/"


def test_the_provider_requires_pkce_and_the_csp_lets_a_sign_out_reach_it(site, issuer):
    _app, base = site
    without_pkce = requests.get(
        issuer + "/auth",
        params={
            "client_id": "spotcheck",
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": base + "/login/identity/callback",
            "state": "s",
            "nonce": "n",
        },
        allow_redirects=False,
        timeout=10,
    )
    refused = parse_qs(urlsplit(without_pkce.headers["Location"]).query)
    assert refused["error"] == ["invalid_request"] and "PKCE" in refused["error_description"][0]
    policy = requests.get(base + "/login", timeout=10).headers["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part).split()
    assert form_action == ["form-action", "'self'", issuer]


def test_a_claim_linked_by_is_kept_only_as_its_keyed_digest(sqlite_template, tmp_path, issuer, proxy):
    overrides = ip.settings(
        issuer, proxy, SPOTCHECK_OIDC_LINK_CLAIM="id_number", SPOTCHECK_OIDC_SCOPE="openid profile id_number"
    )
    with ip.served_app(sqlite_template, tmp_path, overrides) as (app, base):
        person = _linked(app, base, "p-planner", "scj_planner")
        assert ip.sign_in(person, base, "p-planner").url == base + "/"
        with app.app_context(), system_access("test"):
            link = db.session.scalars(sa.select(IdentityLink)).one()
            assert link.subject.startswith("digest:") and "11010519491231002X" not in link.subject
        assert b"11010519491231002X" not in (tmp_path / "spotcheck.db").read_bytes()
        without = ip.sign_in(requests.Session(), base, "p-stranger")  # no 身份证号 given: never linked by sub instead
        assert without.url == base + "/login"
        assert _audit(app, "auth.identity_refused")[-1].details["why"] == "claim"


def test_a_provider_out_of_reach_is_said_so_in_chinese(sqlite_template, tmp_path):
    with ip.served_app(sqlite_template, tmp_path, ip.settings(f"http://127.0.0.1:{ip.free_port()}")) as (_app, base):
        answer = requests.get(base + "/login/identity", timeout=30)
        assert answer.url == base + "/login" and "暂时无法连接统一身份认证平台" in answer.text


def test_a_business_signed_in_by_its_credit_code_claim_sees_only_its_own_record(sqlite_template, tmp_path, issuer):
    port = ip.free_port()
    business_issuer = f"http://127.0.0.1:{port}"
    business_proxy = ip.TokenProxy(business_issuer)
    overrides = ip.settings(issuer) | {
        "SPOTCHECK_OIDC_BUSINESS_METADATA_URL": business_proxy.url + "/.well-known/openid-configuration",
        "SPOTCHECK_OIDC_BUSINESS_ISSUER": business_issuer,
        "SPOTCHECK_OIDC_BUSINESS_CLIENT_ID": ip.CLIENT["client_id"],
        "SPOTCHECK_OIDC_BUSINESS_CLIENT_SECRET": ip.CLIENT["client_secret"],
        "SPOTCHECK_OIDC_BUSINESS_SCOPE": "openid profile credit_code",
    }
    with business_proxy, ip.served_app(sqlite_template, tmp_path, overrides) as (app, base):
        business = visited_business(app)
        legal = {
            "fr-wang": {"password": "Faren-pass-1", "name": "王法人", "credit_code": business["credit"]},
            "fr-nobody": {"password": "Faren-pass-2", "name": "无名", "credit_code": business["other"][:17] + "X"},
        }
        with ip.provider(tmp_path, people=legal, port=port):
            start = "/business/sign-in/identity"
            browser = requests.Session()
            home = ip.sign_in(browser, base, "fr-wang", start=start, people=legal)
            assert home.url == base + "/business" and business["name"] in home.text
            added = _audit(app, "business.person_added")[-1]
            assert added.details["via"] == "oidc" and added.details["person"] == "王法人"
            assert browser.get(base + "/admin/users", allow_redirects=False).status_code != 200  # no staff page
            assert ip.sign_in(requests.Session(), base, "fr-wang", start=start, people=legal).url == base + "/business"
            with app.app_context(), system_access("test"):  # the same person the second time, not a second one
                assert db.session.scalar(sa.select(sa.func.count()).select_from(BusinessIdentity)) == 1
            refused = ip.sign_in(requests.Session(), base, "fr-nobody", start=start, people=legal)
            assert refused.url == base + "/business/sign-in" and "不在检查对象名录库中" in refused.text
            # the staff's provider never signs a business in: its ID token, even for this client, is refused here
            business_proxy.mode = "swap"
            business_proxy.replacement = ip.other_clients_id_token(issuer, "p-stranger", client=ip.CLIENT)
            swapped = ip.sign_in(requests.Session(), base, "fr-wang", start=start, people=legal)
            assert swapped.url == base + "/business/sign-in" and "统一身份认证登录未通过校验" in swapped.text
            # signed with the staff provider's key, not one the legal persons' provider publishes
            assert _audit(app, "auth.identity_refused")[-1].details == {"issuer": business_issuer, "why": "signature"}
            staffs = ip.sign_in(requests.Session(), base, "p-stranger")
            assert "尚未关联本平台的用户" in staffs.text  # a person for a department's administrator, not a business


def _inspectors_without_account(app, count: int) -> list[int]:
    """``count`` inspectors of 应急管理局's directory (the campaign world's) with no account yet."""
    with app.app_context():
        build()
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        return list(
            db.session.scalars(
                sa.select(Inspector.id)
                .where(Inspector.user_id.is_(None), Inspector.active.is_(True))
                .order_by(Inspector.id)
                .limit(count)
            )
        )


def _claim(person: requests.Session, base: str, page: requests.Response, code: str) -> requests.Response:
    return person.post(base + "/login/identity/claim", data={"csrf_token": ip.csrf_of(page.text), "code": code})


def test_accounts_made_at_once_hand_out_link_codes_that_the_person_enters_after_signing_in(site, issuer, tmp_path):
    app, base = site
    admin = requests.Session()
    ids = _inspectors_without_account(app, 2)
    ip.password_sign_in(admin, base, "yjj_admin", DEMO_PASSWORD)
    listing = admin.get(base + "/catalog/inspectors")
    sheet = admin.post(base + "/catalog/inspectors/accounts", data={"csrf_token": ip.csrf_of(listing.text), "ids": ids})
    assert sheet.status_code == 200 and "账号交接单" in sheet.text and "一次性密码" not in sheet.text
    codes = re.findall(r'<code class="secret link-code">([^<]+)</code>', sheet.text)
    logins = re.findall(r"<td><code>([^<]+)</code></td>", sheet.text)
    assert len(codes) == 2 and len(logins) == 2
    # no password signs such an account in
    assert "账号或密码错误" in ip.password_sign_in(requests.Session(), base, logins[0], codes[0]).text

    person = requests.Session()
    shown = ip.sign_in(person, base, "p-stranger")  # the provider signs the inspector in: not linked yet
    assert "管理员给了您关联码吗" in shown.text and 'id="claim-account"' in shown.text
    wrong = _claim(person, base, shown, "ABCDE-FGHJK")
    assert wrong.status_code == 422 and "关联码不存在、已使用或已过期" in wrong.text
    assert person.get(base + "/").url.startswith(base + "/login")
    home = _claim(person, base, wrong, codes[0])
    assert home.url == base + "/" and "您的统一身份认证账号已关联" in home.text
    entry = _audit(app, "user.identity_linked")[-1]
    assert entry.actor_login == logins[0] and entry.details["by_code"] is True
    assert _audit(app, "auth.login")[-1].details == {"via": "oidc", "issuer": issuer}
    assert ip.sign_in(requests.Session(), base, "p-stranger").url == base + "/"  # from now on, straight in

    # the code was used: another person is refused; nobody else is linked to the account
    other = requests.Session()
    refused = _claim(other, base, ip.sign_in(other, base, "p-leader"), codes[0])
    assert refused.status_code == 422 and "关联码不存在、已使用或已过期" in refused.text
    # without a sign-in through the provider first, nothing to link: back to the sign-in page
    stranger = requests.Session()
    form = stranger.get(base + "/login")
    back = stranger.post(base + "/login/identity/claim", data={"csrf_token": ip.csrf_of(form.text), "code": codes[1]})
    assert back.url == base + "/login" and "请重新通过统一身份认证登录" in back.text
    with app.app_context(), system_access("test"):
        links = db.session.scalars(sa.select(IdentityLink)).all()
        assert [link.user.login for link in links] == [logins[0]]
        kept = " ".join(str(e.details) for e in db.session.scalars(sa.select(AuditEntry)))
        assert not any(code in kept for code in codes)
    stored = (tmp_path / "spotcheck.db").read_bytes()
    assert not any(code.encode() in stored or code.replace("-", "").encode() in stored for code in codes)


def test_a_user_with_a_second_factor_gives_it_after_the_identity_platform_too(site, issuer):
    """The provider vouches for the person; a second factor they hold is still asked for, as after a password, and
    the sign-out then goes through the provider."""
    app, base = site
    planner = requests.Session()
    assert ip.password_sign_in(planner, base, "scj_planner", DEMO_PASSWORD).url == base + "/"
    account = planner.get(base + "/account/second-factor")
    planner.post(base + "/account/second-factor/start", data={"csrf_token": ip.csrf_of(account.text)})
    enrolling = planner.get(base + "/account/second-factor/enrol")
    secret = re.search(r'id="second-factor-secret">([^<]+)<', enrolling.text).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    confirmed = planner.post(
        base + "/account/second-factor/enrol", data={"csrf_token": ip.csrf_of(enrolling.text), "code": totp.now()}
    )
    assert "恢复码" in confirmed.text

    person = _linked(app, base, "p-planner", "scj_planner")
    asked = ip.sign_in(person, base, "p-planner")
    assert asked.url == base + "/login/code"  # the provider's word alone signs nobody in
    assert person.get(base + "/").url.startswith(base + "/login")
    assert _audit(app, "auth.code_awaited")[-1].details == {"via": "oidc", "issuer": issuer}
    next_step = totp.at(int(time.time()) + 30)  # the enrolment used this step's code: a step is used once
    home = person.post(base + "/login/code", data={"csrf_token": ip.csrf_of(asked.text), "code": next_step})
    assert home.url == base + "/" and "钱伟" in home.text
    out = person.post(base + "/logout", data={"csrf_token": ip.csrf_of(home.text)}, allow_redirects=False)
    assert out.headers["Location"].startswith(issuer)  # signed in by the provider: its sign-out too
