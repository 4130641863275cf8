"""Submitting a statistical table in a real browser (报表报送), on 10 July 2026: 应急管理局's leader
finds the table on the home page's to-do list by its name, signs and submits it (asked first: it
cannot be undone), and the justice bureau's supervisor sees it submitted late, the other departments'
missing, and opens it as submitted. Screenshots at 1366 and 390 px in
``/tmp/spotcheck-shots/reporting-*.png``."""

from __future__ import annotations

from datetime import datetime

import pytest

from spotcheck.core.clock import frozen_at
from tests.support.browsers import at_both_widths, new_context, new_page, sign_in
from tests.support.helpers import served

pytestmark = pytest.mark.browser

TODAY = datetime(2026, 7, 10, 10, 0)
TITLE = "市直部门2026年度随机抽查工作进展情况统计表"


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with frozen_at(TODAY), served(sqlite_template, tmp_path_factory.mktemp("reporting")) as (_app, url):
        yield url


def test_the_leader_submits_and_the_bureau_sees_who_is_late_or_missing(browser, live_server):
    context = new_context(browser, live_server)
    page = new_page(context)
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    sign_in(page, "yjj_leader")
    task = page.locator("a.report-task", has_text=f"报送《{TITLE}》（2026年上半年）")
    assert task.count() == 1
    with page.expect_navigation():
        task.click()
    assert "逾期未报送" in page.inner_text("#duty-status")
    page.fill("#submit-contact", "郑洁")
    page.fill("#submit-phone", "0571-87000001")
    at_both_widths(page, "reporting-duty")
    with page.expect_navigation():
        page.click("#duty-submit-button")
    assert questions and "不能撤回" in questions[0]
    assert "已签发报送" in page.locator(".flash").first.inner_text()
    assert page.inner_text("#duty-status") == "逾期报送"
    assert TITLE in page.inner_text("#duty-preview") and "签发：王磊" in page.inner_text("#duty-preview")
    assert page.locator("#duty-history tr[data-version='1']").count() == 1
    at_both_widths(page, "reporting-submitted")
    context.close()

    context = new_context(browser, live_server)
    page = new_page(context)
    sign_in(page, "sfj_supervisor")
    with page.expect_navigation():
        page.click("#home-to-submissions")
    duty = page.locator("section[data-duty='progress/2026H1']")
    assert duty.locator("tr[data-department='YJJ'] .status-late").inner_text() == "逾期报送"
    assert "2026-07-10 10:00" in duty.locator("tr[data-department='YJJ']").inner_text()
    for code in ("SCJ", "SWJ"):
        assert duty.locator(f"tr[data-department='{code}'] .status-missing").inner_text() == "逾期未报送"
    at_both_widths(page, "reporting-overview")
    with page.expect_navigation():
        duty.locator("tr[data-department='YJJ'] a.submission-link").click()
    assert TITLE in page.inner_text("#submission-sheets") and "内容与摘要一致" in page.inner_text("#submission-intact")
    at_both_widths(page, "reporting-submission")
    context.close()
