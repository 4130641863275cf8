"""The platform administrator names a field's lead department in a real browser (执法领域牵头部门),
and the field's joint-check coordinator then finds the field offered when creating a joint
campaign. Screenshots at 1366 and 390 px in ``/tmp/spotcheck-shots/fields-*.png``."""

from __future__ import annotations

import pytest

from tests.support.browsers import at_both_widths, new_context, new_page, sign_in
from tests.support.helpers import served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("fields")) as (_app, url):
        yield url


def test_the_platform_administrator_names_the_lead_of_a_field(browser, live_server):
    context = new_context(browser, live_server)
    page = new_page(context)
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    sign_in(page, "admin")
    page.click("text=执法领域")
    ningan = page.locator("#region-choice option", has_text="宁安市").first.get_attribute("value")
    page.select_option("#region-choice", ningan)  # the demo's departments sit in 宁安市
    with page.expect_navigation():
        page.click("#field-region button")
    row = page.locator("#field-safety")
    assert "安全生产" in row.inner_text() and "未指定" in row.inner_text()
    assert "固定：市场监督管理局" in page.locator("#field-market").inner_text()
    row.locator("select").select_option(label="宁安市应急管理局")
    with page.expect_navigation():
        row.locator("button").click()
    assert questions == ["确定调整安全生产领域的牵头部门？"]
    assert "已指定牵头部门" in page.locator(".flash").first.inner_text()
    assert "应急管理局" in page.locator("#field-safety .field-lead-name").inner_text()
    at_both_widths(page, "fields-platform")
    context.close()

    context = new_context(browser, live_server)
    page = new_page(context)
    sign_in(page, "yjj_coord")
    page.goto("/joint/new")
    assert page.locator('select[name="field"] option').all_inner_texts() == ["安全生产"]
    at_both_widths(page, "fields-joint-new")
    context.close()
