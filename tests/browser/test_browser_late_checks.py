"""紧急检查事后登记 in a browser: the leader finds the team that went among the department's inspectors by typing part
of a name (list-filter.js, a file of the app's own under its CSP); a member already ticked stays in view, and Enter
in the box does not send the form. Without scripts the box does not show, and every inspector is listed."""

from __future__ import annotations

import pytest

from tests.support.browsers import Person, csp_violations, new_context, new_page, sign_in
from tests.support.campaign_world import build
from tests.support.helpers import served

pytestmark = pytest.mark.browser

MEMBERS = "#member_ids li"


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("late"), lambda app: build()) as (_app, url):
        yield url


def _shown(page) -> list[str]:
    return page.locator(f"{MEMBERS}:visible label").all_inner_texts()


def test_the_team_is_found_among_the_inspectors_by_typing_part_of_a_name(browser, site):
    leader = Person(browser, site, "yjj_leader")
    try:
        page = leader.go("/campaigns/late")
        every = page.locator(f"{MEMBERS} label").all_inner_texts()
        assert page.locator("#members-filter").is_visible() and _shown(page) == every and len(every) >= 8
        page.fill("#members-filter", "检查员3")
        assert _shown(page) == [name for name in every if "检查员3" in name] != []
        page.locator(f"{MEMBERS}:visible input").first.check()
        page.fill("#members-filter", "检查员5")
        shown = _shown(page)
        assert any("检查员3" in name for name in shown) and all("检查员3" in n or "检查员5" in n for n in shown)
        page.press("#members-filter", "Enter")
        assert leader.confirmations == [] and page.url.endswith("/campaigns/late")  # Enter filters, sends nothing
        page.fill("#members-filter", "")
        assert _shown(page) == every
        assert csp_violations(page) == [] and page.problems.page_errors == []
    finally:
        leader.close()


def test_without_scripts_every_inspector_is_listed_and_no_filter_shows(browser, site):
    context = new_context(browser, site, java_script_enabled=False)
    try:
        page = new_page(context)
        sign_in(page, "yjj_leader")
        page.goto("/campaigns/late")
        assert page.locator("#members-filter").count() == 1 and not page.locator("#members-filter").is_visible()
        assert page.locator(f"{MEMBERS}:visible").count() == page.locator(MEMBERS).count() >= 8
    finally:
        context.close()
