"""A joint campaign of two departments in a real browser, each person at their own browser, from
the invitation to the public register: the coordinator (周静) creates it and invites 应急管理局 and
商务局; each department's planner accepts and chooses its items and rules, its leader approves; the
lead's leader approves the whole; the coordinator draws the targets and the mixed teams, names the
leaders and hands the visits out; on an entity both departments drew, each department records,
approves and publishes its own result; the public entity page shows both. Irreversible steps ask
for confirmation (accepted). Screenshots land in ``/tmp/spotcheck-shots/joint-*.png``."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results.commands import link_inspector
from spotcheck.tenants.results.models import Visit
from tests.support.browsers import Person, assert_clean, at_both_widths, save_shot
from tests.support.campaign_world import CATEGORY, build
from tests.support.helpers import served, user_named
from tests.support.leader_accounts import open_joint_leader_accounts

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        yjj, swj = build("yjj", entities=10, inspector_count=2), build("swj", entities=6, inspector_count=2)
        admin = user_named("swj_admin")
        with tenant_scope(admin.tenant_id):  # the overlap: 商务局 also lists 应急管理局's entities
            rng = random.Random(3)
            for code in yjj["codes"]:
                directory.add_entry(
                    {
                        "risk": rng.choice("ABCD"),
                        "category": CATEGORY,
                        "entity_id": directory_queries.entity_by_code(code).id,
                    },
                    actor=admin,
                )
            db.session.commit()
        found.update(yjj=yjj, swj=swj, category=CATEGORY)

    with served(sqlite_template, tmp_path_factory.mktemp("joint"), prepare) as (app, url):
        found["url"], found["app"] = url, app
        yield found


class Walker(Person):
    def shot(self, name: str) -> None:
        save_shot(self.page, f"joint-{name}")
        assert_clean(self.page)

    def fits(self, name: str) -> None:
        """The page fits a desk (1366 px) and a phone (390 px): nothing wider than the window."""
        at_both_widths(self.page, f"joint-{name}")


def _link_the_recorders(app) -> dict:
    """Give each department's account the inspector entry that leads its part of a visit both
    departments drew (the administrator's link, a step outside this walk); returns that visit per department."""
    with app.app_context():
        per_department = {}
        for dept in ("yjj", "swj"):
            admin, user = user_named(f"{dept}_admin"), user_named(f"{dept}_inspector")
            with tenant_scope(admin.tenant_id):
                per_department[dept] = {v.entity_id: v for v in db.session.scalars(sa.select(Visit))}
        shared = sorted(set(per_department["yjj"]) & set(per_department["swj"]))
        assert shared, "the two departments drew no entity in common"
        entity_id, chosen = shared[0], {}
        for dept in ("yjj", "swj"):
            admin, user = user_named(f"{dept}_admin"), user_named(f"{dept}_inspector")
            with tenant_scope(admin.tenant_id):
                visit = per_department[dept][entity_id]
                lead = db.session.scalar(
                    sa.select(TeamMember).where(
                        TeamMember.campaign_id == visit.campaign_id,
                        TeamMember.entity_id == entity_id,
                        TeamMember.is_leader.is_(True),
                    )
                )
                for linked in db.session.scalars(sa.select(Inspector).where(Inspector.user_id == user.id)):
                    link_inspector(linked.id, {"user_id": None}, actor=admin)
                if db.session.get(Inspector, lead.inspector_id).user_id is not None:  # the account opened for it
                    link_inspector(lead.inspector_id, {"user_id": None}, actor=admin)
                link_inspector(lead.inspector_id, {"user_id": user.id, "other_name": True}, actor=admin)
                chosen[dept] = {"visit": visit.id, "name": visit.entity.name, "code": visit.entity.code}
        return chosen


@pytest.mark.slow(25)
def test_a_joint_campaign_from_invitation_to_the_public_register(browser, world):
    people = []

    def person(login):
        people.append(Walker(browser, world["url"], login))
        return people[-1]

    try:
        coord = person("scj_coord")
        page = coord.go("/")
        assert "发起联合抽查" in page.inner_text("main")
        coord.shot("coordinator-home")
        page = coord.go("/joint/new")
        page.fill("#title", "危化与商贸联合抽查")
        page.fill("#window_start", "2026-03-01")
        page.fill("#window_end", "2026-04-30")  # the departments plan the item for March and April
        for dept in ("yjj", "swj"):
            page.check(f'input[name="department_ids"][value="{world[dept]["tenant"]}"]')
        coord.submit("#joint-form button[type=submit]")
        assert "已创建联合抽查" in page.inner_text("main")
        joint_url = page.url

        for dept in ("yjj", "swj"):
            planner = person(f"{dept}_planner")
            page = planner.go("/")
            assert "答复邀请" in page.inner_text("#home-tasks")
            page.click("#home-tasks tr:has-text('答复邀请') a")  # beside the tables due to the justice bureau
            page.wait_for_load_state()
            planner.submit("#joint-accept button")
            page.check(f'input[name="item_ids"][value="{world[dept]["item"]}"]')
            page.check(f'input[name="categories"][value="{world["category"]}"]')
            for stratum in "ABCD":  # 商务局 draws its whole list, so the two draws share an entity
                if dept == "swj":
                    page.check(f'input[name="{stratum}_mode"][value="ratio"]')
                    page.fill(f'input[name="{stratum}_ratio"]', "100")
                else:
                    page.check(f'input[name="{stratum}_mode"][value="count"]')
                    page.fill(f'input[name="{stratum}_count"]', "1")
            if dept == "yjj":
                planner.shot("part-form")
            planner.submit("#part-save")
            assert "本部门抽查内容已保存" in page.inner_text("main")
            leader = person(f"{dept}_leader")
            page = leader.go(joint_url)
            leader.submit("#part-approve button")
            assert "已批准" in page.inner_text("#my-part") and leader.confirmations

        page = coord.go(joint_url)
        assert "危险化学品安全生产检查" in page.inner_text("#participants")
        coord.shot("parts-approved")
        chief = person("scj_leader")
        page = chief.go(joint_url)
        chief.submit("#joint-approve button")
        assert "联合抽查已批准" in page.inner_text("main")

        page = coord.go(joint_url)
        for kind in ("targets", "inspectors"):
            coord.submit(f"#{kind}-freeze button")
            page.fill(f"#{kind}-public-inputs", "人大代表 7391")
            coord.submit(f"#{kind}-draw button")
            assert "已抽取" in page.inner_text("main") and "随机种子" in page.inner_text("main")
        made, checks = int(page.inner_text("#visits-made")), int(page.inner_text("#checks"))
        assert 0 < made <= checks and float(page.inner_text("#visits-separate")) > 0  # one visit per entity
        for index in range(page.locator(".leader-form").count()):
            coord.submit(f".leader-form >> nth={index} >> button")
        coord.fits("drawn")
        with world["app"].app_context():  # each department's administrator opens its 组长's accounts (a step apart)
            open_joint_leader_accounts(int(joint_url.rstrip("/").rsplit("/", 1)[1]), ("yjj", "swj"))
        coord.submit("#joint-hand-out button")
        assert "已向检查组下达" in page.inner_text("main")
        page = coord.go(joint_url)  # the joint campaign's documents, on its page: the coordinator has no campaign pages
        written = page.locator("#joint-notices li a")
        assert written.count() > 0 and "联合检查通知书" in page.inner_text("#joint-notices")
        pdf = page.request.get(written.first.get_attribute("href"))
        assert pdf.ok and pdf.body().startswith(b"%PDF")
        assert "您无权访问此页面" not in page.inner_text("main")
        coord.fits("notices")

        chosen = _link_the_recorders(world["app"])
        for dept in ("yjj", "swj"):
            visit_path = f"/visits/{chosen[dept]['visit']}"
            member = person(f"{dept}_inspector")
            page = member.go(visit_path)
            page.fill("#checked_on", "2026-04-20")
            page.fill("#checked_until", "2026-04-21")
            page.select_option("#method", "onsite")
            page.fill("#record", "联合检查，现场核查加油站危化品储存和经营台账。")
            page.check(f'input[name="item-{world[dept]["item"]}-categories"][value="no_problem"]')
            page.fill("#record", "联合检查组现场检查，未发现问题。")  # seed 002: 现场检查笔录
            page.fill("#evaluation", "危化品储存和经营台账规范。")  # seed 002: 对被检查人的评价
            page.fill("#opinions", "继续保持。")  # 处理意见和建议
            member.submit("#save-and-submit")
            assert "待审核" in page.inner_text("#visit-status")
            leader = person(f"{dept}_leader")
            page = leader.go(visit_path)
            leader.submit("#approve-result")
            planner = person(f"{dept}_planner")
            page = planner.go("/visits/publication")
            page.check(f"#pick-{chosen[dept]['visit']}")
            planner.submit("#publish-selected")
            assert "已公示 1 条" in page.inner_text("main")

        page = coord.go(joint_url)
        assert "✓" in page.inner_text("#visit-list")
        citizen = person(None)
        page = citizen.go(f"/public/results/entities/{chosen['yjj']['code']}")
        assert page.locator(".joint-visit").count() == 1  # the joint visit once, each department's result in it
        text = page.inner_text(".joint-visit")
        assert "联合检查" in text and "应急管理局" in text and "商务局" in text and "危化与商贸联合抽查" in text
        citizen.shot("public-entity")
    finally:
        for p in people:
            p.close()
