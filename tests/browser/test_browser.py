"""The web UI in a real browser (浏览器端到端): Debian's Chromium driven by Playwright.

The app is served by a werkzeug server on a free local port from a copy of the demo database.
Chromium comes from the system (``/usr/bin/chromium``); without it these tests skip (or fail
when SPOTCHECK_REQUIRE_SERVICES=1). Screenshots of the home pages land in
``/tmp/spotcheck-shots/<role>.png`` for a human to look at; they are not compared.

Assertions avoid the wording of translated strings: they use element ids, form field names,
the demo users' (Chinese) display names and the departments' names.
"""

from __future__ import annotations

import pytest

from tests.support.browsers import (
    assert_clean,
    assert_fits,
    assert_styled,
    csp_violations,
    header_text,
    new_context,
    new_page,
    path_of,
    screenshot,
    sign_in,
)
from tests.support.helpers import served

pytestmark = pytest.mark.browser

ALL_DEPARTMENTS = ["市场监督管理局", "应急管理局", "商务局", "司法局"]


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("browser")) as (_app, url):
        yield url


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context per test."""
    ctx = new_context(browser, live_server)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return new_page(context)


def test_tenant_admin_signs_in_and_sees_their_home(page):
    sign_in(page, "scj_admin")
    assert path_of(page) == "/"
    page.wait_for_selector("#home-tenant-admin")
    header = header_text(page)
    assert "赵敏" in header
    assert "市场监督管理局" in header
    assert page.locator('header nav a[href="/admin/users"]').count() == 1
    screenshot(page, "tenant_admin")
    assert_clean(page)


def test_supervisor_sees_every_department_and_no_user_admin(page):
    sign_in(page, "sfj_supervisor")
    assert path_of(page) == "/"
    oversight = page.locator("#home-oversight")
    oversight.wait_for()
    rows = oversight.locator("tbody tr").all_inner_texts()
    for name in ALL_DEPARTMENTS:
        assert any(name in row for row in rows), f"{name} missing from the oversight table: {rows}"
    header = header_text(page)
    assert "韩梅" in header
    assert "司法局" in header
    assert page.locator('a[href="/admin/users"]').count() == 0
    assert page.locator("#home-tenant-admin").count() == 0
    screenshot(page, "supervisor")
    assert_clean(page)


def test_platform_admin_home(page):
    sign_in(page, "admin")
    page.wait_for_selector("#home-platform-admin")
    table = page.locator("#home-platform-admin tbody").inner_text()
    for name in ALL_DEPARTMENTS:
        assert name in table
    assert page.locator("#home-oversight").count() == 0
    screenshot(page, "platform_admin")
    assert_clean(page)


def test_planner_home(page):
    sign_in(page, "scj_planner")
    page.wait_for_selector("#home-planner")
    assert "钱伟" in header_text(page)
    assert page.locator('a[href="/admin/users"]').count() == 0
    screenshot(page, "planner")
    assert_clean(page)


def test_on_a_phone_the_menu_folds_behind_one_button(page):
    """At 390 px the department administrator's fifteen menu entries fold away: the header is two
    short lines until 菜单 is pressed, then every entry is there, one a line, and the page fits."""
    sign_in(page, "scj_admin")
    page.set_viewport_size({"width": 390, "height": 844})
    header = page.locator("header.topbar")
    assert page.locator("#mainnav").is_hidden()
    assert header.bounding_box()["height"] < 120
    page.click("#nav-toggle-label")
    assert page.locator('#mainnav a[href="/admin/users"]').is_visible()
    assert header.bounding_box()["height"] > 300
    assert_fits(page, "menu-open", 390)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("#nav-toggle-label").is_hidden()
    assert page.locator('#mainnav a[href="/admin/users"]').is_visible()
    assert_clean(page)


def test_wrong_password_shows_an_error_and_stays_on_login(page):
    sign_in(page, "yjj_planner", "not-the-password")
    assert path_of(page) == "/login"
    assert page.locator('[role="alert"]').count() >= 1
    assert page.locator('[role="alert"]').first.inner_text().strip() != ""
    assert page.locator('input[name="password"]').is_visible()
    assert page.locator("#home-tenant-admin, #home-planner, #home-oversight").count() == 0
    assert "郑洁" not in header_text(page)
    screenshot(page, "login_error")
    # The refused form is answered with HTTP 400 on purpose, which Chromium logs as a console error;
    # nothing else may go wrong on the page.
    assert page.problems.page_errors == []
    assert csp_violations(page) == []


def test_login_page_loads_without_console_errors_or_csp_violations(page):
    page.goto("/login")
    assert_styled(page)
    screenshot(page, "login")
    assert_clean(page)


def test_every_header_page_loads_without_console_errors_or_csp_violations(page):
    """A tenant admin follows each link of the header: no console error, no CSP violation anywhere."""
    sign_in(page, "scj_admin")
    links = page.locator("header nav.mainnav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert "/admin/users" in links
    links.append("/account/")
    for href in [h for h in dict.fromkeys(links) if h != "/"]:  # the home page is checked above
        page.problems.clear()
        response = page.goto(href)
        assert response is not None and response.ok, f"{href}: HTTP {response and response.status}"
        if href.startswith("/api"):
            page.wait_for_load_state("networkidle")  # Swagger UI fetches the OpenAPI document after load
        assert_styled(page)
        name = href.strip("/").replace("/", "-") or "home"
        screenshot(page, f"tenant_admin-{name}")
        assert_clean(page)


def test_language_switch_toggles_html_lang(page):
    sign_in(page, "scj_admin")
    assert page.get_attribute("html", "lang") == "zh-CN"
    switch = page.locator('header form[action^="/lang/"] button')
    with page.expect_navigation():
        switch.click()
    assert page.get_attribute("html", "lang") == "en"
    assert path_of(page) == "/"
    page.wait_for_selector("#home-tenant-admin")
    screenshot(page, "tenant_admin_en")
    with page.expect_navigation():
        page.locator('header form[action^="/lang/"] button').click()
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert path_of(page) == "/"
    assert_clean(page)
