"""统一身份认证 in a real browser (Chromium, issue 80): a person of the city's identity platform (the test provider,
oidc-provider under Node) signs in, is shown a link code, the department's administrator enters it on the user's
page, the person signs in through the provider as that user, and signs out at both ends (the sign-out's redirect to
the provider passes the page's Content-Security-Policy). Screenshots ``/tmp/spotcheck-shots/identity-*.png``."""

from __future__ import annotations

import re

import pytest

from tests.support import identity_platform as ip
from tests.support.browsers import Person, assert_clean, header_text, save_shot
from tests.support.helpers import user_named

pytestmark = pytest.mark.browser


def _through_the_provider(page, login: str) -> None:
    """On the provider's login form, sign in as ``login``."""
    assert "统一身份认证登录（测试）" in page.inner_text("h1")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', ip.PEOPLE[login]["password"])
    with page.expect_navigation(url=re.compile(r"/login/identity/callback|/$")):
        page.click('button[type="submit"]')


def test_a_person_linked_by_the_administrator_signs_in_and_out_through_the_identity_platform(
    browser, sqlite_template, tmp_path
):
    with ip.provider(tmp_path) as issuer, ip.served_app(sqlite_template, tmp_path, ip.settings(issuer)) as (app, base):
        with app.app_context():
            leader_id = user_named("scj_leader").id
        person = Person(browser, base, None)
        page = person.page
        page.goto("/login")
        save_shot(page, "identity-login")
        with page.expect_navigation(url=re.compile(re.escape(issuer))):
            page.click("text=通过统一身份认证登录")
        save_shot(page, "identity-provider-login")
        _through_the_provider(page, "p-leader")
        assert "尚未关联本平台的用户" in page.inner_text("h1")
        code = page.inner_text("#link-code")
        assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
        save_shot(page, "identity-link-code")
        assert_clean(page)

        admin = Person(browser, base, "scj_admin")
        admin_page = admin.go(f"/admin/users/{leader_id}")
        assert "尚未关联：孙立 还不能通过统一身份认证登录" in admin_page.inner_text("#identity-links")
        admin_page.fill("#identity-links input[name=code]", code)
        admin.submit("#identity-links button[type=submit]")
        assert "统一身份认证账号已关联到 scj_leader" in admin_page.inner_text("main")
        assert "已于" in admin_page.inner_text("#identity-links")
        save_shot(admin_page, "identity-linked")
        assert_clean(admin_page)

        page.goto("/login")  # the provider remembers the person: straight back, signed in
        with page.expect_navigation(url=base + "/"):
            page.click("text=通过统一身份认证登录")
        assert "孙立" in header_text(page)
        save_shot(page, "identity-signed-in")
        assert_clean(page)

        with page.expect_navigation(url=re.compile(re.escape(issuer))):  # form-action lets the redirect through
            page.click("form[action='/logout'] button")
        assert "是否同时退出统一身份认证" in page.inner_text("body")
        save_shot(page, "identity-provider-logout")
        with page.expect_navigation(url=re.compile(re.escape(base) + "/login")):
            page.click("text=是，退出登录")
        assert "已退出" in page.inner_text("main")
        page.goto("/")
        assert page.url.startswith(base + "/login")  # signed out here
        with page.expect_navigation(url=re.compile(re.escape(issuer))):
            page.click("text=通过统一身份认证登录")
        assert "统一身份认证登录（测试）" in page.inner_text("h1")  # and at the provider
