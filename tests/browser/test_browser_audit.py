"""The audit page in a real browser: a leader opens /audit, filters it to one action and reads the
rows in Chinese (issue 8, item 10). Served like ``test_browser.py``; the screenshot lands in
``/tmp/spotcheck-shots/audit_leader.png`` for a human to look at."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.items import commands as items
from tests.support.browsers import assert_clean, new_context, new_page, path_of, screenshot, sign_in
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import served, user_named

pytestmark = pytest.mark.browser


def _prepare(app) -> None:
    """A few things done as the department administrator, through the commands."""
    admin = user_named("scj_admin")
    with tenant_scope(admin.tenant_id):
        first = items.create_item({**ITEM_BASICS, "name": "食品销售经营者监督检查", "field": "market"}, actor=admin)
        items.publish_item(first.id, actor=admin)
        second = items.create_item({**ITEM_BASICS, "name": "特种设备使用单位监督检查", "field": "market"}, actor=admin)
        items.publish_item(second.id, actor=admin)
        items.update_item(
            second.id, {"name": "特种设备使用单位安全监督检查", "reason": "按新版检查要点调整名称"}, actor=admin
        )


@pytest.fixture(scope="module")
def live(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("browser-audit"), prepare=_prepare) as (app, url):
        yield app, url


@pytest.fixture
def page(browser, live):
    context = new_context(browser, live[1])
    yield new_page(context)
    context.close()


def test_a_leader_filters_the_audit_trail_and_reads_it_in_chinese(page):
    sign_in(page, "scj_leader")
    page.goto("/audit")
    table = page.locator("#audit-entries")
    table.wait_for()
    assert table.locator("tbody tr").count() >= 5
    assert "孙立" in table.inner_text()  # the leader's own sign-in, by name

    page.select_option("#audit-filters select[name=action]", "item.changed")
    page.fill("#audit-filters input[name=since]", "2000-01-01")
    with page.expect_navigation():
        page.click("#audit-filters button[type=submit]")
    assert path_of(page) == "/audit"
    query = parse_qs(urlsplit(page.url).query)
    assert query["action"] == ["item.changed"] and query["since"] == ["2000-01-01"]
    assert page.locator("#audit-filters select[name=action]").input_value() == "item.changed"

    rows = table.locator("tbody tr")
    assert rows.count() >= 1
    text = rows.first.inner_text()
    assert "修改抽查事项" in text and "赵敏" in text and "特种设备使用单位安全监督检查" in text
    assert "按新版检查要点调整名称" in text and "修改的字段" in text
    assert "{" not in table.inner_text() and "\\u" not in table.inner_text()
    screenshot(page, "audit_leader")
    assert_clean(page)
