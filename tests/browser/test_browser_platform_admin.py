"""The platform administrator's day in a real browser (Chromium): entering next year's official
calendar typed as the notice reads — a preview first, then the year — and a department's
administrators: one reset (the temporary password shown once) and one disabled, whose open browser
is signed out at once. Every page at 1366 and 390 px (``/tmp/spotcheck-shots/platform-*.png``)."""

from __future__ import annotations

import pytest

from tests.support.browsers import Person, assert_fits, at_both_widths, sign_in
from tests.support.helpers import served

pytestmark = pytest.mark.browser

TYPED = """元旦 1月1日 放假
2月5日 至 2月13日 放假
2月14日 上班
2月20日 上班
"""


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("platform-admin")) as (_app, url):
        yield url


def test_the_calendar_is_typed_as_the_notice_reads_and_previewed_before_it_is_entered(browser, live_server):
    admin = Person(browser, live_server, "admin")
    page = admin.go("/platform/calendar")
    for width in (1366, 390):  # the worked example is read whole; the fields look like every other field
        page.set_viewport_size({"width": width, "height": 900})
        example = page.locator("#calendar-example").evaluate("e => [e.scrollWidth, e.clientWidth, e.innerText]")
        assert example[0] <= example[1] + 1 and "2月14日 上班" in example[2], (
            f"the example cut off at {width} px: {example[:2]}"
        )
        for field in ("#calendar-year", "#calendar-text", "#notice"):
            style = page.locator(field).evaluate(
                "e => { const s = getComputedStyle(e); return [e.getBoundingClientRect().height, "
                "s.borderTopColor, s.borderTopLeftRadius, s.paddingLeft]; }"
            )
            assert style[0] >= 32 and style[1:] == ["rgb(188, 204, 220)", "4px", "9.6px"], (field, width, style)
        assert "国务院办公厅通知（随软件提供的数据）" in page.inner_text("#calendar-years")
        assert "chinesecalendar" not in page.inner_text("body")
        assert_fits(page, "platform-calendar-form", width)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.fill("#calendar-text", TYPED + "2月15日 上班\n")  # a Monday: refused, naming the line
    page.fill("#calendar-year", "2027")
    admin.submit("#calendar-preview-button")
    assert "第5行：2027-02-15是工作日" in page.inner_text("#calendar-errors")
    assert page.input_value("#calendar-text").endswith("2月15日 上班\n")  # nothing typed is lost
    page.problems.clear()  # the refusal is an answer of 422, which the console reports
    at_both_widths(page, "platform-calendar-refused")
    page.fill("#calendar-text", TYPED)
    admin.submit("#calendar-preview-button")
    preview = page.locator("#calendar-preview")
    assert "将录入的2027年安排" in preview.inner_text() and "放假10天，调休上班2天" in preview.inner_text()
    assert preview.locator("tbody tr").count() == 12 and "2027-10-01" in page.inner_text("#calendar-preview-statutory")
    at_both_widths(page, "platform-calendar-preview")
    admin.submit("#calendar-load-button")
    assert admin.confirmations and "替换" in admin.confirmations[-1]
    assert page.url.endswith("/platform/calendar/2027") and "调休上班" in page.inner_text("#calendar-days")
    admin.close()


def test_a_departments_administrator_is_reset_and_disabled_and_their_browser_is_signed_out(browser, live_server):
    victim = Person(browser, live_server, "yjj_admin")
    victim.go("/admin/users")
    admin = Person(browser, live_server, "admin")
    page = admin.go("/platform/tenants")
    with page.expect_navigation():
        page.locator("#tenants tr[data-tenant='YJJ'] a").first.click()
    assert "yjj_admin" in page.inner_text("#department-admins") and "yjj_inspector" in page.inner_text(
        "#department-users"
    )
    at_both_widths(page, "platform-department")
    admin.submit("#department-admins tr[data-login='yjj_admin'] button[data-action='reset']")
    assert "确定重置“yjj_admin”的密码" in admin.confirmations[-1]
    password = page.inner_text("#temporary-password-value").strip()
    assert len(password) == 12
    at_both_widths(page, "platform-password")
    page.goto(page.locator("#temporary-password a.button").get_attribute("href"))
    admin.submit("#department-admins tr[data-login='yjj_admin'] button[data-action='disable']")
    assert "唯一启用中的管理员" in admin.confirmations[-1]
    assert "已停用yjj_admin" in page.locator(".flash").first.inner_text()
    assert page.locator("#no-active-admin").is_visible()
    at_both_widths(page, "platform-department-disabled")
    victim.page.goto("/admin/users")
    assert "/login" in victim.page.url  # their open session ended on the server
    sign_in(victim.page, "yjj_admin", password)
    assert "账号已停用" in victim.page.inner_text("body") and "/login" in victim.page.url
    victim.close()
    admin.close()
