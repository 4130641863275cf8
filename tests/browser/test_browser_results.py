"""One visit from assignment to a published result in a real browser, each person at their own
browser: a team member (褚明) records, the 组长 (冯涛) submits, the leader (王磊) returns it once,
the 组长 fixes and resubmits, the leader approves, the planner (郑洁) publishes, and an anonymous
visitor finds the result by the entity's name on the public portal. Irreversible steps ask for
confirmation (accepted here). Screenshots land in ``/tmp/spotcheck-shots/results-*.png``."""

from __future__ import annotations

import pytest

from spotcheck.core.scoping import tenant_scope
from tests.support.browsers import Person, assert_clean, at_both_widths, save_shot
from tests.support.helpers import served
from tests.support.results_world import handed_out, visit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            found.update(ids, name=visit(ids).entity.name, code=visit(ids).entity.code)

    with served(sqlite_template, tmp_path_factory.mktemp("results"), prepare) as (_app, url):
        found["url"] = url
        yield found


class Walker(Person):
    def shot(self, name: str) -> None:
        save_shot(self.page, f"results-{name}")
        assert_clean(self.page)

    def fits(self, name: str) -> None:
        """The page an inspector uses in the field fits a phone (390 px) and a desk (1366 px), no
        part of it wider than the window; screenshots of both."""
        at_both_widths(self.page, f"results-{name}")


@pytest.mark.slow(9)
def test_a_visit_from_assignment_to_the_public_entity_page(browser, world):
    item, visit_path = world["item"], f"/visits/{world['visit']}"
    people = []

    def person(login):
        people.append(Walker(browser, world["url"], login))
        return people[-1]

    try:
        member = person("yjj_inspector2")
        home = member.go("/")
        assert world["name"] in home.inner_text("#home-tasks") and "录入检查结果" in home.inner_text("#home-tasks")
        member.fits("inspector-home")
        member.go("/inbox")
        member.fits("inspector-inbox")
        page = member.go(visit_path)
        assert "组长" in page.inner_text("#visit-team")
        assert page.locator("#save-and-submit").count() == 0
        page.fill("#checked_on", "2026-04-30")
        page.fill("#checked_until", "2026-04-30")
        page.select_option("#method", "onsite")
        page.fill("#record", "现场检查危化品仓库，应急预案演练记录缺失。")
        page.check(f'input[name="item-{item}-categories"][value="pending_own_rules"]')
        page.fill(f"#item-{item}-findings", "应急预案未按规定演练。")
        page.fill("#record", "现场检查危化品仓库，应急预案演练记录缺失。")  # seed 002: 现场检查笔录
        page.fill("#evaluation", "安全管理制度基本落实，应急预案演练不到位。")  # seed 002: 对被检查人的评价
        page.fill("#opinions", "责令限期组织应急预案演练。")  # 处理意见和建议
        member.fits("result-form")  # the visit, its result form and its attachments
        member.submit("#save-result")
        assert "已保存为草稿" in page.inner_text("main")

        chief = person("yjj_inspector")
        page = chief.go(visit_path)
        assert page.is_checked(f'input[name="item-{item}-categories"][value="pending_own_rules"]')
        chief.submit("#save-and-submit")
        assert "已提交审核" in page.inner_text("main") and "待审核" in page.inner_text("#visit-status")

        leader = person("yjj_leader")
        page = leader.go("/visits/review")
        assert world["name"] in page.inner_text("#visit-list")
        page = leader.go(visit_path)
        page.fill("#reason", "检查日期与笔录不一致，请核实。")
        leader.submit("#return-result")
        assert "已退回" in page.inner_text("main")

        page = chief.go(visit_path)
        assert "检查日期与笔录不一致" in page.inner_text("#returned-reason")
        assert page.is_disabled("#checked_on")  # submitted once: only a leader corrects the dates
        page = leader.go(visit_path)
        page.click("#correct-dates summary")
        page.fill("#correct-checked-on", "2026-04-29")
        page.fill("#dates-reason", "笔录载明检查自4月29日开始")
        leader.submit("#correct-dates-button")
        assert "检查日期已更正" in page.inner_text("main") and "不会因此推迟" in leader.confirmations[-1]
        leader.shot("dates-corrected")
        page = chief.go(visit_path)
        assert "笔录载明检查自4月29日开始" in page.inner_text("#dates-corrected")
        chief.submit("#save-and-submit")
        assert "待审核" in page.inner_text("#visit-status")

        page = leader.go(visit_path)
        leader.submit("#approve-result")
        assert "已审核通过" in page.inner_text("main") and leader.confirmations
        leader.shot("approved")

        planner = person("yjj_planner")
        page = planner.go("/")
        assert "公示检查结果" in page.inner_text("#home-tasks")
        page = planner.go("/visits/publication")
        page.check(f"#pick-{world['visit']}")
        planner.shot("publication-queue")
        planner.submit("#publish-selected")
        assert "已公示 1 条" in page.inner_text("main") and "不可撤回" in planner.confirmations[-1]

        citizen = person(None)
        page = citizen.go("/public")
        citizen.page.click("#nav-results")
        citizen.page.fill("#q", world["name"])
        citizen.submit(".public-search button[type=submit]")
        citizen.page.click(f"text={world['name']}")
        citizen.page.wait_for_load_state()
        text = citizen.page.inner_text("main")
        assert "违反本部门其他规定" in text and "2026-04-29 至 2026-04-30" in text and world["code"] in text
        citizen.shot("public-entity")
    finally:
        for p in people:
            p.close()
