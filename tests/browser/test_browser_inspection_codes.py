"""扫码入企 in Chromium, on a phone (390 px) and at a desk: the 组长 shows the QR at the door and records
入企 and 离企; a citizen opens a real code (valid, with its team), a made-up one (unknown) and the
finished one, which the business evaluates with the code of its notice (to the justice bureau: the team's page
says nothing of it). Screenshots in ``/tmp/spotcheck-shots/codes-*.png``."""

from __future__ import annotations

from datetime import date

import pytest

from spotcheck.core.clock import frozen_at
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import codes, vocabulary
from tests.support.browsers import Person, at_both_widths
from tests.support.helpers import served
from tests.support.results_world import handed_out, visit

pytestmark = pytest.mark.browser

DURING = date(2026, 4, 1)  # inside the world's campaign window: its codes are valid
BEFORE = date(2026, 2, 20)  # before it (2026-03-01 – 2026-04-30): 检查期未到


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        with frozen_at(DURING):
            ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            found.update(
                visit=one.id,
                token=one.code.token,
                typed=vocabulary.grouped(one.code.typed),
                business=vocabulary.grouped(codes.business_code(one.code)),
                team=[i.name for i in codes.teams_of(one.campaign_id)[one.entity_id]],
            )

    with served(sqlite_template, tmp_path_factory.mktemp("codes"), prepare) as (_app, url):
        found["url"] = url
        yield found


def test_before_the_window_the_code_says_not_yet_and_the_leader_reads_why_there_is_no_arrival(browser, world):
    """检查期未到 (run before the walk below records the arrival): the citizen's page names the window instead of
    saying the check may take place; the 组长's visit page, at 390 px, says why 登记入企 is not offered."""
    with frozen_at(BEFORE):
        citizen = Person(browser, world["url"], None)
        page = citizen.go(f"/public/checks/{world['token']}")
        assert page.get_attribute("#check-state", "data-state") == "not_yet"
        said = page.inner_text("#check-state")
        assert "检查期未到" in said and "2026-03-01" in said and "可以实施" not in said
        at_both_widths(page, "codes-public-not-yet")
        chief = Person(browser, world["url"], "yjj_inspector")
        chief.page.set_viewport_size({"width": 390, "height": 844})
        page = chief.go(f"/visits/{world['visit']}")
        assert page.locator("#record-arrival").count() == 0
        assert page.locator("#arrival-not-offered").is_visible()
        assert "2026-03-01" in page.inner_text("#arrival-not-offered")
        at_both_widths(page, "codes-leader-not-yet")
        citizen.close()
        chief.close()


def test_a_code_opens_valid_with_its_team_a_made_up_one_is_unknown_and_the_left_one_finished(browser, world):
    with frozen_at(DURING):
        citizen = Person(browser, world["url"], None)
        page = citizen.go(f"/public/checks/{world['token']}")
        assert page.get_attribute("#check-state", "data-state") == "valid"
        assert "有效" in page.inner_text("#check-state")
        assert all(name in page.inner_text("#check-team") for name in world["team"])
        at_both_widths(page, "codes-public-valid")

        citizen.go("/public")
        page.click("#nav-checks")
        page.wait_for_load_state()
        page.fill("#code", "7K3M-Q9TX-2BHD")  # made up
        page.click("#check-code-form button[type=submit]")
        page.wait_for_load_state()
        assert page.get_attribute("#check-state", "data-state") == "unknown" and "未知" in page.inner_text(
            "#check-state"
        )
        at_both_widths(page, "codes-public-unknown")
        page.fill("#code", world["typed"].lower())  # as a person types it, from the notice
        page.click("#check-code-form button[type=submit]")
        page.wait_for_load_state()
        assert page.get_attribute("#check-state", "data-state") == "valid"

        chief = Person(browser, world["url"], "yjj_inspector")
        chief.page.set_viewport_size({"width": 390, "height": 844})
        page = chief.go(f"/visits/{world['visit']}")
        assert page.locator("#inspection-qr svg").is_visible() and world["typed"] in page.inner_text(
            "#inspection-typed"
        )
        at_both_widths(page, "codes-leader-visit")
        chief.submit("#record-arrival")
        assert "已登记入企" in page.inner_text("main") and chief.confirmations  # confirmed first
        chief.submit("#record-departure")
        assert "已登记离企" in page.inner_text("main")

        page = citizen.go(f"/public/checks/{world['token']}")
        assert page.get_attribute("#check-state", "data-state") == "finished"
        assert "入企时间" in page.inner_text("#check-facts") and "离企时间" in page.inner_text("#check-facts")
        at_both_widths(page, "codes-public-finished")
        page.check('#satisfaction input[value="5"]')  # the business, with the code of its notice
        page.fill("#evaluation-text", "检查人员出示证件，解释清楚。")
        page.fill("#evaluate-business-code", world["business"])
        citizen.submit("#evaluate-visit")
        # sent to the justice bureau, said to the sender alone; the form stays for anyone else to see as before
        assert page.locator("#business-evaluated").is_visible() and page.locator("#evaluate-form").count() == 1
        at_both_widths(page, "codes-public-evaluated")
        page = chief.go(f"/visits/{world['visit']}")
        assert page.locator("#inspection-evaluation").count() == 0 and "非常满意" not in page.inner_text("main")
