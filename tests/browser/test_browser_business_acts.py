"""A business acts from its record on a phone (企业检查档案, Chromium, zh-CN, 390 px), signed in and with no 企业核验码:
before the window its check is not announced, then its inspection notice is issued and the check shows under 检查预告
(and is counted); it asks that an inspector withdraw and complains; once the team arrived it confirms; once the team
left it evaluates, once. Each act is confirmed before it is sent and its outcome shows on the record. Each page fits
the phone, speaks Chinese, and axe-core finds nothing critical or serious. Screenshots in
``/tmp/spotcheck-shots/business-acts-*.png``."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.businesses import commands as businesses
from spotcheck.tenants.notices import commands as notices
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.queries.visits import team_of
from tests.support.browsers import (
    assert_fits,
    assert_worded,
    new_context,
    new_page,
    require_axe,
    save_shot,
    serious_findings,
)
from tests.support.campaign_world import planner_of
from tests.support.helpers import served, user_named
from tests.support.results_world import handed_out, visit

pytestmark = pytest.mark.browser

BEFORE, DURING = date(2026, 2, 20), date(2026, 4, 1)  # the window: 2026-03-01 – 2026-04-30
PHONE = {"width": 390, "height": 844}
LOGIN, PASSWORD = "fawu", "Qiye-mima-2026"


def _at(day: date, hour: int, minute: int = 0):
    return frozen_at(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI))


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        with _at(BEFORE, 9):
            ids = handed_out()
            with tenant_scope(ids["tenant"]):
                one = visit(ids)
                credit, business = one.entity.code, codes.business_code(one.code)
                member = next(m for m in team_of(one) if not m.is_leader)
                found.update(ids=ids, credit=credit, cert=member.shown_cert_no)
            businesses.claim_account(
                {
                    "credit_code": credit,
                    "business_code": business,
                    "display_name": "王法务",
                    "login": LOGIN,
                    "password": PASSWORD,
                    "client": "test",
                    "user_agent": "browser test",
                }
            )
            db.session.commit()

    with served(sqlite_template, tmp_path_factory.mktemp("business-acts"), prepare) as (app, url):
        found.update(url=url, app=app)
        yield found


def _in_department(world, step) -> None:
    """A step of the department's, in its scope (the test's own process, the server's database)."""
    with world["app"].app_context(), tenant_scope(world["ids"]["tenant"]):
        step()
        db.session.commit()


def test_the_business_acts_from_its_record_on_a_phone(browser, world):
    require_axe()
    context = new_context(browser, world["url"], bypass_csp=True)  # axe-core is added as a script of the page
    page = new_page(context)
    page.set_viewport_size(PHONE)
    findings: list[str] = []

    def looked_at(name: str) -> None:
        assert_worded(page)
        assert_fits(page, f"business-acts-{name}", PHONE["width"])
        save_shot(page, f"business-acts-{name}", always=True)
        findings.extend(serious_findings(page))

    def submit(selector: str, confirmed: bool = False) -> None:
        if confirmed:  # an irreversible step asks first
            page.once("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            page.click(selector)

    def sign_in() -> None:
        page.goto("/public")
        submit("#home-business-sign-in")
        page.fill("#credit_code", world["credit"])
        page.fill("#login", LOGIN)
        page.fill("#password", PASSWORD)
        submit("button[type=submit].primary")
        assert page.url.endswith("/business")

    with _at(BEFORE, 10):
        sign_in()
        assert "目前没有对贵企业的检查预告" in page.inner_text("#record-coming")
        assert "本年度已计入 0 次" in page.inner_text("#record-ledger")
        looked_at("not-announced")

    # the department issues the inspection notice: the check is announced to the business, and counted
    with _at(BEFORE, 10, 5):
        _in_department(
            world,
            lambda: notices.write_campaign_notices(world["ids"]["campaign"], actor=planner_of(user_named("yjj_admin"))),
        )
    with _at(BEFORE, 10, 10):
        page.reload()
        coming = page.inner_text("#record-coming")
        assert "已于2026-02-20向贵企业出具检查通知书" in coming and "2026-03-01 – 2026-04-30" in coming
        assert "本年度已计入 1 次" in page.inner_text("#record-ledger")
        looked_at("announced")

        submit("#record-coming a.record-act")
        assert "/business/checks/" in page.url and page.locator("#act-confirm").count() == 0
        assert page.locator("input[name=business_code]").count() == 0  # no code asked
        looked_at("check-coming")
        page.select_option("#act-recusal-cert", world["cert"])
        page.fill("#act-recusal-reason", "该检查人员是本店店长的表弟。")
        submit("#act-recusal-send", confirmed=True)
        assert page.url.endswith("/business#record-requests") and "回避申请已提交" in page.inner_text("main")
        requests = page.inner_text("#record-requests")
        assert "该检查人员是本店店长的表弟。" in requests and world["cert"] in requests
        looked_at("recusal-asked")

        submit("#record-coming a.record-act")
        page.click("#act-complaint-box summary")
        page.fill("#act-complaint-text", "检查组来电要求提前准备与检查无关的材料。")
        page.fill("#act-complaint-phone", "1391234")  # too short: the field named, nothing sent
        submit("#act-complaint-send", confirmed=True)
        assert "请填写11位手机号码" in page.inner_text("#act-refusal")
        looked_at("complaint-refused")
        page.fill("#act-complaint-phone", "13912345678")
        submit("#act-complaint-send", confirmed=True)
        assert "检查组来电要求提前准备与检查无关的材料。" in page.inner_text("#record-requests")
        assert "13912345678" not in page.inner_text("main")  # the contact is the bureau's alone
        looked_at("complained")

    # the team arrives: the business confirms it, from its record
    with _at(DURING, 9):
        _in_department(world, lambda: results.record_arrival(world["ids"]["visit"], actor=user_named("yjj_inspector")))
    with _at(DURING, 9, 30):
        sign_in()  # another day: signed in again
        submit("#record-under-way a.record-act")
        submit("#act-confirm-send", confirmed=True)
        assert "贵企业已于" in page.inner_text("#record-under-way")
        looked_at("confirmed")

    # the team leaves: the business evaluates, once
    with _at(DURING, 11):
        _in_department(
            world, lambda: results.record_departure(world["ids"]["visit"], actor=user_named("yjj_inspector"))
        )
    with _at(DURING, 11, 10):
        sign_in()
        submit("#record-under-way a.record-act")
        assert page.locator("#act-recusal").count() == 0  # the team has left
        page.check("#act-satisfaction input[value='4']")
        page.fill("#act-evaluation-text", "检查人员出示证件，用时较短。")
        submit("#act-evaluate-send", confirmed=True)
        assert "检查人员出示证件，用时较短。" in page.inner_text("#record-requests")
        assert "贵企业已评价本次检查" in page.inner_text("#record-under-way")
        looked_at("evaluated")
        submit("#record-under-way a.record-act")
        assert page.locator("#act-evaluate").count() == 0 and page.locator("#act-evaluated").count() == 1
        looked_at("check-evaluated")

    with world["app"].app_context(), tenant_scope(world["ids"]["tenant"]):
        assert db.session.scalar(sa.select(Visit).where(Visit.id == world["ids"]["visit"])).code.confirmed_at
    assert not findings, "axe-core:\n" + "\n".join(findings)
    context.close()
