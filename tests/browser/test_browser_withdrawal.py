"""A leader withdraws an approved campaign in a real browser (撤销), at 1366 and at 390 px: the
reason is required, the step asks for confirmation (declining it changes nothing), then the
campaign page and its public page say 已撤销 with the reason and offer no draw. A planner sees no
button to cancel. Screenshots in ``/tmp/spotcheck-shots/withdrawal-*.png``."""

from __future__ import annotations

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from tests.support.browsers import assert_clean, assert_fits, new_context, new_page, sign_in
from tests.support.campaign_world import build, campaign_data
from tests.support.helpers import served, user_named

pytestmark = pytest.mark.browser

REASON = "该批企业已纳入省级专项督查，为避免重复检查撤销本任务"
CAMPAIGNS: dict[int, int] = {}  # width → campaign id


def _prepare(app) -> None:
    world = build()
    planner, leader = user_named("yjj_planner"), user_named("yjj_leader")
    with tenant_scope(world["tenant"]):
        for width in (1366, 390):
            campaign = campaign_commands.create_campaign(campaign_data(world, title=f"撤销演示 {width}"), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            if width == 390:
                campaign_commands.freeze_targets(campaign.id, actor=planner)  # frozen: still withdrawable
            CAMPAIGNS[width] = campaign.id
        db.session.commit()


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("withdrawal"), _prepare) as (_app, url):
        yield url


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_a_leader_cancels_a_campaign_with_the_reason_after_confirming(browser, live_server, width, height):
    campaign_id = CAMPAIGNS[width]
    planner = new_page(new_context(browser, live_server))
    planner.set_viewport_size({"width": width, "height": height})
    sign_in(planner, "yjj_planner")
    planner.goto(f"/campaigns/{campaign_id}")
    assert planner.locator("#campaign-cancel").count() == 0  # a planner cannot cancel
    planner.context.close()

    page = new_page(new_context(browser, live_server))
    page.set_viewport_size({"width": width, "height": height})
    questions, answers = [], [False, True]
    page.on(
        "dialog",
        lambda dialog: (questions.append(dialog.message), dialog.accept() if answers.pop(0) else dialog.dismiss()),
    )
    sign_in(page, "yjj_leader")
    page.goto(f"/campaigns/{campaign_id}")
    form = page.locator("#campaign-cancel")
    form.scroll_into_view_if_needed()
    assert_fits(page, "withdrawal-before", width)
    form.locator("textarea").fill(REASON)
    form.locator("button").click()  # declined: nothing is sent
    page.wait_for_timeout(300)
    assert "已撤销" not in page.locator("#campaign-facts").inner_text()
    with page.expect_navigation():
        form.locator("button").click()
    assert questions == ["确定撤销该抽查任务？其公开页面将注明“已撤销”及理由。此操作不可撤销。"] * 2
    assert "已撤销" in page.locator(".flash").first.inner_text()
    assert "已撤销" in page.locator("#campaign-facts").inner_text()
    assert page.locator("#withdrawal-reason").inner_text() == REASON
    assert page.locator('form[action$="/draws/targets"], form[action$="/freeze"], #campaign-cancel').count() == 0
    assert_fits(page, "withdrawal-cancelled", width)
    assert_clean(page)

    page.goto(f"/public/draws/campaigns/{campaign_id}")
    assert "已撤销" in page.locator("#public-withdrawn").inner_text()
    assert page.locator("#public-withdrawal-reason").inner_text() == REASON
    assert_fits(page, "withdrawal-public", width)
    assert_clean(page)
    page.context.close()
