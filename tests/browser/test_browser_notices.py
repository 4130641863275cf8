"""Notices in a real browser: the 组长 sees the unread count in the header, reads the assignment in
the inbox, downloads its PDF and marks it read; the planner sees the campaign's documents and
downloads an inspection notice. Screenshots land in ``/tmp/spotcheck-shots/notices-*.png``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.notices import commands as notices
from tests.support.browsers import Person, assert_clean, save_shot
from tests.support.campaign_world import planner_of
from tests.support.helpers import served, user_named
from tests.support.results_world import handed_out

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):  # linked after the hand-out: told now
            notices.write_campaign_notices(ids["campaign"], actor=planner_of(user_named("yjj_admin")))
            found.update(ids, code=campaigns.get_campaign(ids["campaign"]).code)

    with served(sqlite_template, tmp_path_factory.mktemp("notices"), prepare) as (_app, url):
        found["url"] = url
        yield found


def shot(person: Person, name: str) -> None:
    save_shot(person.page, f"notices-{name}")
    assert_clean(person.page)


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "").replace("\n", "")


def test_the_team_leader_reads_the_assignment_and_the_planner_the_documents(browser, world):
    chief = Person(browser, world["url"], "yjj_inspector")
    planner = Person(browser, world["url"], "yjj_planner")
    try:
        page = chief.go("/")
        assert page.inner_text("#inbox-unread") == "1"
        page.click("#nav-inbox")
        page.wait_for_url("**/inbox")
        message = page.locator("#inbox li.unread")
        assert message.count() == 1 and world["code"] in message.inner_text() and "检查任务派遣" in message.inner_text()
        shot(chief, "inbox")
        with page.expect_download() as download:
            message.get_by_text("下载文书（PDF）").click()
        text = _pdf_text(Path(download.value.path()).read_bytes())
        assert "检查任务派遣通知" in text and world["code"] in text and "组长" in text
        chief.submit("#read-all")
        assert page.locator("#inbox li.unread").count() == 0 and page.locator("#inbox-unread").count() == 0
        shot(chief, "inbox-read")

        page = planner.go(f"/campaigns/{world['campaign']}")
        page.click("#campaign-notices")
        page.wait_for_url(f"**/campaigns/{world['campaign']}/notices")
        rows = page.locator("#notice-list tbody tr")
        assert rows.count() >= world["visits"] and page.locator("tr[data-kind='inspection']").count() == world["visits"]
        shot(planner, "campaign-documents")
        with page.expect_download() as download:
            page.locator("tr[data-kind='inspection'] a").first.click()
        assert "检查通知书" in _pdf_text(Path(download.value.path()).read_bytes())
    finally:
        chief.context.close()
        planner.context.close()
