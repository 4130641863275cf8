"""The platform administrator changes the local rulebook in a real browser (本地实施方案): starts from
the version in force, sets the deadline for reporting results, loads it (confirming the step that
cannot be undone) and sees what changed, in the history and the differences of the two versions; a
citizen reads the rules in force on the portal on a phone. Screenshots at 1366 and 390 px in
``/tmp/spotcheck-shots/rules-*.png``."""

from __future__ import annotations

import re

import pytest

from spotcheck.core.clock import today
from tests.support.browsers import assert_worded, at_both_widths, new_context, new_page, sign_in
from tests.support.helpers import served

pytestmark = pytest.mark.browser

OPEN_REPORT_DAYS = re.compile(r'(\[report_days\]\n(?:#[^\n]*\n)*)open = "[^"]*"\n')


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("rules")) as (_app, url):
        yield url


def test_the_platform_administrator_loads_a_changed_rulebook_and_sees_the_difference(browser, live_server):
    context = new_context(browser, live_server)
    page = new_page(context)
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    sign_in(page, "admin")
    page.click("#nav-rulebook")
    page.select_option("#rulebook-region", "231084")  # the demo's rulebook: 宁安市's own, below 牡丹江市
    with page.expect_navigation():
        page.click("#rulebook-region-form button")
    assert "未规定" in page.locator('#rules-parameters tr[data-key="report_days"]').inner_text()
    assert_worded(page)
    at_both_widths(page, "rules-rulebook")

    page.select_option("#rules-start", "in_force")
    with page.expect_navigation():
        page.click("#rules-start-button")  # the version in force, as a file to edit
    text = page.input_value("#rules-text")
    assert "宁安市实施方案" in text and OPEN_REPORT_DAYS.search(text)
    changed = re.sub(r"effective_from = \d{4}-\d{2}-\d{2}", f"effective_from = {today().isoformat()}", text)
    changed = OPEN_REPORT_DAYS.sub(lambda m: m.group(1) + 'value = 10\narticle = "第9条"\n', changed)
    page.fill("#rules-text", changed)
    with page.expect_navigation():
        page.click("#rules-load-button")
    assert len(questions) == 1  # an irreversible load is confirmed first
    change = page.locator('#rules-changes tr[data-key="report_days"]').inner_text()
    assert "检查结果报送期限" in change and "未规定" in change and "10个工作日（第9条）" in change
    assert_worded(page)
    at_both_widths(page, "rules-version")

    page.goto("/platform/rules?region=231084")  # back to 宁安市's rulebook
    assert "10个工作日" in page.locator('#rules-parameters tr[data-key="report_days"]').inner_text()
    assert page.locator("#rules-history-table tr.state-in_force").count() == 1
    assert page.locator("#rules-history-table tr.state-past").count() == 1
    with page.expect_navigation():
        page.click("#rules-compare-button")  # the version before and the one in force, by default
    assert "10个工作日（第9条）" in page.locator('#rules-changes tr[data-key="report_days"]').inner_text()
    assert_worded(page)
    at_both_widths(page, "rules-differences")
    context.close()


def test_a_citizen_reads_the_rules_in_force_on_a_phone(browser, live_server):
    context = new_context(browser, live_server)
    page = new_page(context)
    page.goto("/public")
    page.click("#nav-rules")
    assert "国家规定" in page.locator('#rules-parameters tr[data-key="publish_days"]').inner_text()
    assert_worded(page)
    at_both_widths(page, "rules-public")
    page.goto("/public/YJJ/rules/in-force")
    assert "部门细则" in page.locator('#rules-parameters tr[data-key="report_days"]').inner_text()
    assert_worded(page)
    at_both_widths(page, "rules-public-department")
    page.locator("#rules-history-table a").first.click()
    page.wait_for_load_state()
    assert_worded(page)
    at_both_widths(page, "rules-public-version")
    context.close()
