"""Seed 003 附件5 in a real browser (Chromium): a department's administrator fills in its 负责人 and
联络员, is told what is wrong with a bad phone number, saves; the justice bureau reads every
department's list; both pages at 1366 and 390 px (``/tmp/spotcheck-shots/contacts-*.png``)."""

from __future__ import annotations

import pytest

from tests.support.browsers import at_both_widths, new_context, new_page, sign_in
from tests.support.helpers import served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("contacts")) as (_app, url):
        yield url


def test_the_administrator_records_the_contacts_and_the_bureau_reads_them(browser, live_server):
    context = new_context(browser, live_server)
    page = new_page(context)
    sign_in(page, "yjj_admin")
    with page.expect_navigation():
        page.click("#nav-contacts")
    assert "负责人" in page.inner_text("#contact-responsible legend")
    for role, values in (
        ("responsible", ("赵侠", "局长", "023-59220329", "")),
        ("liaison", ("张萌", "办公室主任", "", "1391234567")),
    ):
        for key, value in zip(("name", "post", "office_phone", "mobile"), values, strict=True):
            page.fill(f"#{role}-{key}", value)
    with page.expect_navigation():
        page.click("#contacts-save")
    summary = page.inner_text("#form-errors")  # said once, at the form's top, naming the field, which has the focus
    assert "联络员·手机号码" in summary and "联络员的手机号码应为11位大陆手机号码" in summary
    assert "联络员的手机号码应为11位大陆手机号码" not in page.inner_text("#contact-liaison")
    assert page.evaluate("document.activeElement.id") == "liaison-mobile"
    assert page.input_value("#responsible-name") == "赵侠"  # nothing typed is lost
    page.problems.clear()  # the refusal is an answer of 422, which the console reports
    at_both_widths(page, "contacts-form-error")
    page.fill("#liaison-mobile", "13912345678")
    with page.expect_navigation():
        page.click("#contacts-save")
    assert "负责人和联络员已保存" in page.locator(".flash").first.inner_text()
    assert page.input_value("#liaison-mobile") == "13912345678"
    at_both_widths(page, "contacts-form")
    context.close()

    context = new_context(browser, live_server)
    page = new_page(context)
    sign_in(page, "sfj_supervisor")
    page.goto("/supervision/tables")
    with page.expect_navigation():
        page.click("#tables-contacts")
    listed = page.locator("#contacts-list")
    yjj = listed.locator("tr[data-role='liaison']", has_text="张萌")
    assert "13912345678" in yjj.inner_text()
    assert listed.locator("th[scope='row']").count() >= 4  # every department, those not recorded too
    assert "尚未填报" in listed.inner_text()
    at_both_widths(page, "contacts-list")
    context.close()
