"""A visit's team and its closing in a real browser, at a desktop width (1366 px) and a phone's
(390 px): the planner (郑洁) adds an expert of the directory and a testing institute with its
person to a visit's team (专家, seed 001), and they show on the visit's page; a leader (王磊) records
that a problem found needs no follow-up, with the reason (无需后续处置), and the planner then closes
the visit (办结). Screenshots land in ``/tmp/spotcheck-shots/teams-*.png``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.results.models import Visit
from tests.support.browsers import Person, assert_clean, save_shot
from tests.support.campaign_world import QUALIFICATION, id_number
from tests.support.helpers import served, user_named
from tests.support.results_world import handed_out, published, visit

pytestmark = pytest.mark.browser

DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            inspectors.create_inspector(
                {
                    "name": "林教授",
                    "sex": "女",
                    "id_number": id_number(91),
                    "agency": "浙江工业大学化工学院",
                    "cert_no": "YJJ-Z009",
                    "categories": [QUALIFICATION],
                    "is_expert": True,
                },
                actor=user_named("yjj_admin"),
            )
            published(ids)  # the first visit: a problem found, published, no follow-up
            second = db.session.scalar(
                sa.select(Visit)
                .where(Visit.campaign_id == ids["campaign"], Visit.id != ids["visit"])
                .order_by(Visit.id)
                .limit(1)
            )
            found.update(
                ids,
                name=visit(ids).entity.name,
                second=second.id,
                second_entity=second.entity_id,
                second_name=second.entity.name,
            )
            db.session.commit()

    with served(sqlite_template, tmp_path_factory.mktemp("teams"), prepare) as (_app, url):
        found["url"] = url
        yield found


class Walker(Person):
    def shot(self, name: str) -> None:
        save_shot(self.page, f"teams-{name}")
        assert_clean(self.page)

    def fits(self) -> None:
        """Nothing wider than the window: the page scrolls down, never sideways."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"{self.page.url}: {width}px wide"


def test_a_planner_adds_experts_to_a_team_at_a_desk_and_on_a_phone(browser, world):
    planner = Walker(browser, world["url"], "yjj_planner")
    try:
        planner.page.set_viewport_size(DESKTOP)
        page = planner.go(f"/campaigns/{world['campaign']}?q={world['second_name']}")
        page.click(f'tr[data-entity="{world["second_entity"]}"] a.team-link')
        page.wait_for_load_state()
        assert "随机选派的检查人员" in page.inner_text("#team-members") and "本检查组没有专家参与" in page.inner_text(
            "#experts"
        )
        page.click("#directory-expert summary")
        page.select_option("#inspector-id", label="林教授（浙江工业大学化工学院）")
        planner.submit("#add-directory-expert")
        assert "作为专家加入检查组" in page.inner_text("main")
        page.click("#outside-expert summary")
        planner.submit("#add-outside-expert")  # nothing filled: refused, naming the fields, in Chinese
        assert "请填写检测机构" in page.inner_text("#outside-expert") and "请填写参与人员姓名" in page.inner_text(
            "#outside-expert"
        )
        page.problems.clear()  # the refusal is an answer of 422, which the console reports
        page.select_option("#expert-kind", "testing_body")
        page.fill("#expert-organisation", "浙江省化工产品质量检验站")
        page.fill("#expert-name", "孙工")
        page.fill("#expert-expertise", "压力容器检测")
        planner.submit("#add-outside-expert")
        table = page.inner_text("#experts-table")
        assert "林教授" in table and "孙工" in table and "检测机构" in table
        planner.shot("team-desktop")
        planner.fits()

        page = planner.go(f"/visits/{world['second']}")
        experts = page.inner_text("#visit-experts")
        assert "专家" in experts and "林教授" in experts and "孙工" in experts
        assert "林教授" not in page.inner_text("#visit-team")  # not a member of the drawn team

        planner.page.set_viewport_size(PHONE)
        page = planner.go(f"/campaigns/{world['campaign']}/teams/{world['second_entity']}")
        planner.shot("team-phone")
        planner.fits()
        page.click('#experts-table tr:has-text("孙工") button')
        page.wait_for_load_state()
        assert "退出检查组" in page.inner_text("#experts-table") and planner.confirmations
        page = planner.go(f"/visits/{world['second']}")
        planner.shot("visit-experts-phone")
        planner.fits()
    finally:
        planner.close()


def test_a_leader_records_that_no_follow_up_is_needed_and_the_planner_closes_the_visit(browser, world):
    visit_path = f"/visits/{world['visit']}"
    leader, planner = Walker(browser, world["url"], "yjj_leader"), Walker(browser, world["url"], "yjj_planner")
    try:
        page = planner.go(visit_path)
        assert "依法处理" in page.inner_text("#needs-follow-up") and page.locator("#close-visit").count() == 0

        leader.page.set_viewport_size(PHONE)
        page = leader.go(visit_path)
        leader.shot("needs-follow-up-phone")
        leader.fits()
        leader.submit("#no-follow-up-button")  # no reason: refused, nothing recorded
        assert "请说明无需后续处置的理由" in page.inner_text("#needs-follow-up")
        page.problems.clear()  # the refusal is an answer of 422, which the console reports
        page.fill("#no-follow-up-reason", "检查中已当场责令改正，复核无误，无需另行处置。")
        leader.submit("#no-follow-up-button")
        assert "无需后续处置" in page.inner_text("#no-follow-up-decision") and leader.confirmations
        leader.shot("decided-phone")
        leader.fits()

        planner.page.set_viewport_size(DESKTOP)
        page = planner.go(visit_path)
        assert "当场责令改正" in page.inner_text("#no-follow-up-decision")
        planner.submit("#close-visit-button")
        assert page.locator("#visit-closed").count() == 1 and "办结" in planner.confirmations[-1]
        planner.shot("closed-desktop")
        planner.fits()
    finally:
        leader.close()
        planner.close()
