"""The plan → publication → filing → campaign → approval → draw → public proof path in a real browser.

Four people in their own browser contexts: the planner of 应急管理局 (郑洁), its leader (王磊), the
justice bureau's supervisor (韩梅) and the market-regulation bureau's coordinator (周静), who files
the plan too since its item is of the market-regulation field; then an anonymous visitor of the
public portal. The
department's item, directory and inspectors are prepared through the services (as
tests/support/campaign_world.py does, without the plan: the plan is made in the browser).
Screenshots land in ``/tmp/spotcheck-shots/ceremony-*.png`` for a human to look at.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw.verify import verify
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.items import commands as items
from tests.support.browsers import Person
from tests.support.campaign_world import CATEGORY, ITEM_BASICS, QUALIFICATION, credit_code, id_number
from tests.support.helpers import served, user_named

pytestmark = pytest.mark.browser

ITEM_NAME = "危险化学品安全生产检查"
PLAN_TITLE = "2026年度应急管理行政执法检查计划"
OBSERVERS = ["人大代表 李红: 3141", "企业代表: 春风又绿江南岸"]
LATE_OBSERVER = "市政协委员 冯某 1013"


def _prepare_department(entities: int = 30, inspector_count: int = 8) -> None:
    """A published item, directory entries and qualified inspectors of 应急管理局; no plan yet."""
    admin, lead = user_named("yjj_admin"), user_named("scj_admin")
    codes = [credit_code(n) for n in range(entities)]
    with tenant_scope(lead.tenant_id):
        for n, code in enumerate(codes):
            if directory_queries.entity_by_code(code) is None:
                directory.create_entity(
                    {"code": code, "name": f"测试危化企业{n}", "industry_code": "C2611", "region_code": "231084901"},
                    actor=lead,
                )
        db.session.commit()
    rng = random.Random(11)
    with tenant_scope(admin.tenant_id):
        for code in codes:
            directory.add_entry(
                {
                    "risk": rng.choice("ABCD"),
                    "category": CATEGORY,
                    "entity_id": directory_queries.entity_by_code(code).id,
                },
                actor=admin,
            )
        item = items.create_item(
            {**ITEM_BASICS, "name": ITEM_NAME, "inspector_categories": [QUALIFICATION], "field": "market"}, actor=admin
        )
        items.publish_item(item.id, actor=admin)
        for k in range(inspector_count):
            inspectors.create_inspector(
                {
                    "name": f"检查员{k}",
                    "sex": "男",
                    "id_number": id_number(k),
                    "agency": "应急管理局",
                    "cert_no": f"YJJ-{k:04d}",
                    "categories": [QUALIFICATION],
                },
                actor=admin,
            )
        db.session.commit()


@pytest.fixture(scope="module")
def live_server(sqlite_template, tmp_path_factory):
    with served(sqlite_template, tmp_path_factory.mktemp("ceremony"), lambda app: _prepare_department()) as (_app, url):
        yield url


@pytest.fixture(scope="module")
def chromium(browser):
    return browser


def choose_item(page) -> None:
    value = page.locator('select[name="item_id"] option', has_text=ITEM_NAME).get_attribute("value")
    page.select_option('select[name="item_id"]', value)


@pytest.fixture
def people(chromium, live_server):
    made = []

    def person(login: str | None) -> Person:
        made.append(Person(chromium, live_server, login))
        return made[-1]

    yield person
    for p in made:
        p.close()


@pytest.mark.slow(17)
def test_plan_filing_campaign_approval_draws_and_public_proof(people):
    planner, leader, supervisor = people("yjj_planner"), people("yjj_leader"), people("sfj_supervisor")

    # the planner drafts the plan of 2026 with the item
    page = planner.go("/plans")
    planner.submit("#plan-new")
    page.fill('input[name="year"]', "2026")
    page.fill('input[name="title"]', PLAN_TITLE)
    planner.submit('#plan-form button[type="submit"]')
    plan_path = re.search(r"/plans/\d+$", page.url).group(0)
    choose_item(page)
    page.fill('input[name="ratio"]', "5")
    page.select_option('select[name="frequency_period"]', "year")
    page.fill('input[name="frequency_times"]', "1")
    for month in ("3", "4"):
        page.check(f'input[name="months"][value="{month}"]')
    page.check('input[name="methods"][value="onsite"]')
    planner.submit('#plan-line-form button[type="submit"]')
    assert "5%" in page.locator("#plan-items").inner_text() and ITEM_NAME in page.locator("#plan-items").inner_text()
    assert page.locator("#plan-submit").count() == 0  # a leader submits
    planner.shot("plan-draft")

    # the leader publishes it (公开) before submitting it for filing (报备)
    page = leader.go(plan_path)
    assert page.locator("#plan-submit").count() == 0 and page.locator("#plan-publish").count() == 1
    assert page.locator("#plan-steps li.current").get_attribute("data-step") == "draft"
    leader.submit("#plan-publish button")
    assert page.locator("#plan-steps li.current").get_attribute("data-step") == "submit"
    assert "市场监督管理局" in page.locator("#plan-authorities").inner_text()
    leader.both_widths("plan-published")
    leader.submit("#plan-submit button")
    assert page.locator("#plan-line-form").count() == 0
    assert (
        PLAN_TITLE
        in people(None).go("/public/draws?region=231084&year=2026").locator(".public-plan").first.inner_text()
    )

    # the justice bureau returns it with a comment
    page = supervisor.go("/plans/review")
    card = page.locator(".plan-review", has_text=PLAN_TITLE)
    assert "应急管理局" in card.inner_text() and ITEM_NAME in card.inner_text()
    supervisor.both_widths("review")
    card.locator("textarea").fill("请补充检查月份安排")
    supervisor.submit(f'.plan-review:has-text("{PLAN_TITLE}") button[value="return"]')
    page = planner.go(plan_path)
    assert "请补充检查月份安排" in page.locator("#plan-comment").inner_text()
    choose_item(page)
    page.fill('input[name="ratio"]', "5")
    for month in ("3", "4", "9"):
        page.check(f'input[name="months"][value="{month}"]')
    page.check('input[name="methods"][value="onsite"]')
    planner.submit('#plan-line-form button[type="submit"]')
    assert page.locator("#plan-revising").count() == 1
    planner.shot("plan-returned")
    revising = people(None).go("/public/draws?region=231084&year=2026")
    assert revising.locator(".public-plan-revising").count() == 1  # the public page says it is being revised

    # changed since published: published again, then submitted again
    page = leader.go(plan_path)
    assert page.locator("#plan-submit").count() == 0
    leader.submit("#plan-publish button")
    leader.submit("#plan-submit button")

    # both bureaus file it (备案): the justice bureau, and the market-regulation bureau for its field
    page = supervisor.go("/plans/review")
    page.locator(".plan-review", has_text=PLAN_TITLE).locator("textarea").fill("同意备案")
    supervisor.submit(f'.plan-review:has-text("{PLAN_TITLE}") button[value="file"]')
    assert page.locator(".plan-review", has_text=PLAN_TITLE).count() == 0
    assert "已报备" in leader.go(plan_path).locator("#plan-status").inner_text()  # waits for the market bureau
    market = people("scj_coord")
    page = market.go("/")
    assert page.locator("#home-review").count() == 1
    page = market.go("/plans/review")
    assert "市场监督管理局" in page.locator("#review-authority").inner_text()
    market.both_widths("review-market")
    market.submit(f'.plan-review:has-text("{PLAN_TITLE}") button[value="file"]')
    page = leader.go(plan_path)
    assert page.locator("#plan-status").inner_text() == "已备案"
    filings = page.locator("#plan-filings").inner_text()
    assert "市司法局" in filings and "市场监督管理局" in filings and "韩梅" in filings and "周静" in filings
    assert page.locator("#plan-publish").count() == 0 and page.locator("#plan-submit").count() == 0
    leader.both_widths("plan-filed")

    # the planner drafts the campaign
    page = planner.go("/campaigns")
    planner.submit("#campaign-new")
    page.fill('input[name="title"]', "危化企业双随机抽查")
    page.fill('input[name="year"]', "2026")
    page.fill('input[name="window_start"]', "2026-03-01")
    page.fill('input[name="window_end"]', "2026-04-30")
    page.locator('input[name="item_ids"]').first.check()
    page.check(f'input[name="categories"][value="{CATEGORY}"]')
    for stratum, ratio in (("A", "30"), ("B", "10"), ("C", "10"), ("D", "5")):  # higher risk never less
        page.check(f'input[name="{stratum}_mode"][value="ratio"]')
        page.fill(f'input[name="{stratum}_ratio"]', ratio)
        page.fill(f'input[name="{stratum}_min"]', "1")
    page.fill('input[name="reserve_size"]', "2")
    page.fill('input[name="capacity"]', "3")
    planner.shot("campaign-form")
    planner.submit('#campaign-form button[type="submit"]')
    campaign_path = re.search(r"/campaigns/\d+$", page.url).group(0)
    assert page.locator("#campaign-code").inner_text() == "未编号"  # the code is issued at approval
    assert PLAN_TITLE in page.locator("#campaign-basis").inner_text()
    assert page.locator("#campaign-approve").count() == 0  # a leader approves

    # the leader approves: the commitment is published
    page = leader.go(campaign_path)
    leader.submit("#campaign-approve button")
    publish, submit = "确定向社会公布该计划？公布后任何人都可查阅。", "确定报备该计划？备案机关审核期间计划不能修改。"
    assert leader.confirmations == [
        publish,
        submit,
        publish,
        submit,
        "批准该抽查任务？批准后任务不能再修改，并立即公布目标抽取的承诺值。",
    ]
    commitment = page.locator("#targets-commitment").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", commitment)
    code = page.locator("#campaign-code").inner_text()
    assert "抽〔2026〕" in code and code in page.locator(".flash").first.inner_text()
    leader.shot("approved")

    # the planner freezes the frame, the observers give their inputs, the targets are drawn
    page = planner.go(campaign_path)
    planner.submit("#targets-freeze button")
    assert re.fullmatch(r"[0-9a-f]{64}", page.locator("#targets-digest").inner_text())
    assert page.locator("#targets-counts tbody tr").count() >= 1
    textarea = page.locator("#targets-public-inputs")
    textarea.click()
    page.keyboard.type(OBSERVERS[0])
    page.keyboard.press("Enter")
    page.keyboard.type(OBSERVERS[1])
    planner.shot("frozen")
    planner.both_widths("draw-form")  # the inputs, and the reason for having none, at a desk and on a phone
    with page.expect_navigation(url=re.compile(re.escape(campaign_path) + "$")):
        page.click("#targets-draw button")
    assert page.locator("#targets-inputs li").all_inner_texts() == OBSERVERS
    assert len(planner.confirmations) == 2 and "不能重复" in planner.confirmations[-1]  # freeze, then draw
    assert "本部门密钥和 2 条现场监督人输入" in planner.confirmations[-1]  # what the draw will use, said plainly
    assert page.locator("#targets-draw").count() == 0 and page.locator("#targets-freeze").count() == 0
    assert re.fullmatch(r"[0-9a-f]{64}", page.locator("#targets-seed").inner_text())
    drawn = page.locator("#targets-table tr.target-selected").count()  # the visits; the reserves follow in rank order
    assert drawn > 0 and page.locator("#targets-table tr.target-reserve").count() > 0
    planner.shot("targets-drawn")

    # the inspector draw is blinded: with nobody from outside present it is refused, and no reason stands in
    planner.submit("#inspectors-freeze button")
    assert "8" in page.locator("#inspectors-counts").inner_text()
    assert page.locator("#inspectors-no-input-reason").count() == 0
    assert "盲化抽取" in page.locator("#inspectors-blinded-needs-input").inner_text()
    asked = len(planner.confirmations)
    with page.expect_navigation():  # no input: nothing is asked, nothing drawn, the field says why
        page.click("#inspectors-draw button")
    assert len(planner.confirmations) == asked and page.locator("#inspectors-draw").count() == 1
    assert "盲化抽取" in page.locator("#inspectors-draw .error-summary").inner_text()
    page.problems.clear()  # the refusal's 422, meant: not a console error to report
    page.fill("#inspectors-public-inputs", LATE_OBSERVER)
    with page.expect_navigation(url=re.compile(re.escape(campaign_path) + "$")):
        page.click("#inspectors-draw button")
    question = planner.confirmations[-1]
    assert "本部门密钥和 1 条现场监督人输入" in question and "不能重复" in question, question
    assert page.locator("#inspectors-draw").count() == 0
    assert page.locator("#inspectors-no-outside-input").count() == 0
    teams = page.locator("#targets-table tr.target-selected td.team")
    assert teams.count() == drawn and all("YJJ-" in text for text in teams.all_inner_texts())
    first_team = page.locator("#targets-table tbody tr").first
    with page.expect_navigation():
        first_team.locator(".leader-form button").first.click()
    assert page.locator("#targets-table tbody tr").first.locator(".leader-tag").count() == 1
    # no button anywhere draws again
    assert page.locator("button, a", has_text=re.compile("重新抽取|再次抽取|重抽|re-?draw", re.I)).count() == 0
    assert page.locator('form[action$="/draws/targets"], form[action$="/draws/inspectors"]').count() == 0
    planner.shot("results")

    # the proof downloads and verifies
    with page.expect_download() as download:
        page.click("#targets-proof")
    proof = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert proof["commitment"] == commitment and proof["public_inputs"] == OBSERVERS
    checks = verify(proof)
    assert checks and all(check.ok for check in checks), [str(c) for c in checks if not c.ok]
    planner.go(f"{campaign_path}/proofs/targets/verify")
    assert planner.page.locator("#verify-ok").count() == 1
    planner.shot("verify")

    # the public portal: the campaign with its commitment, inputs and a proof that verifies
    visitor = people(None)
    public_path = f"/public/draws/campaigns/{campaign_path.rsplit('/', 1)[1]}"
    page = visitor.go(public_path)
    body = page.locator("main").inner_text()
    assert code in body and commitment in page.content() and OBSERVERS[0] in body
    listed = page.locator("#public-targets-blinded").inner_text()  # names only: no stratum, rank or team
    assert "风险等级" not in listed and "YJJ-" not in page.locator("main").inner_text()
    visitor.shot("public")
    visitor.both_widths("public-draw")
    visitor.go(f"{public_path}/proofs/targets/verify")
    visitor.shot("public-verify")
    public_proof = visitor.context.request.get(f"{public_path}/proofs/targets.json")
    assert public_proof.ok and json.loads(public_proof.body())["seed"] == proof["seed"]
