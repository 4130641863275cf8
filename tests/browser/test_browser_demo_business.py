"""The demo's business on a phone and a desktop (演示企业, Chromium, zh-CN, 390 px and 1366 px): from its notice's
code (the public page of the check) it goes to its sign-in, signs in with the login the demo prints, reads its whole
record — checks by departments of two levels, its cap line, the rectification order to answer, its complaint and the
bureau's answer —, opens the order and answers it with a photo (confirmed: it cannot be changed once sent), and
reads its answer waiting for review. Each page fits the window, speaks Chinese, and axe-core finds nothing critical
or serious on it. Screenshots in ``/tmp/spotcheck-shots/demo-business-*.png``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.business import login_of, two_level_visits
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.results.models import Visit
from tests.support.browsers import (
    assert_fits,
    assert_worded,
    new_context,
    new_page,
    require_axe,
    save_shot,
    serious_findings,
)
from tests.support.demo_world import demo_city
from tests.support.helpers import served

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        demo_city(today="2026-11-21")
        found["login"] = login_of()
        tenants = {t.code: t for t in db.session.scalars(sa.select(Tenant))}
        county, _city = two_level_visits(tenants)
        with tenant_scope(county.tenant_id):
            found["token"] = db.session.get(Visit, county.id).code.token  # the QR on the county bureau's notice

    with served(sqlite_template, tmp_path_factory.mktemp("demo-business"), prepare) as (_app, url):
        found["url"] = url
        yield found


def _walk(browser, demo, width: int):
    """Sign in as the demo business at ``width`` and read its record: the page, its findings, the helpers."""
    require_axe()
    login = demo["login"]
    assert login is not None, "the demo made no business account"
    context = new_context(browser, demo["url"], bypass_csp=True)  # axe-core is added as a script of the page
    page = new_page(context)
    page.set_viewport_size({"width": width, "height": 844})
    findings: list[str] = []

    def looked_at(name: str) -> None:
        assert_worded(page)
        assert_fits(page, f"demo-business-{name}", width)
        save_shot(page, f"demo-business-{name}-{width}", always=True)
        findings.extend(serious_findings(page))

    def submit(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    page.goto(f"/public/checks/{demo['token']}")  # the notice's code, scanned
    assert_worded(page)
    submit("#to-business-record a[href$='/business/sign-in']")
    page.fill("#credit_code", login.credit_code)
    page.fill("#login", login.login)
    page.fill("#password", login.password)
    submit("button[type=submit].primary")
    assert page.url.endswith("/business")
    past = page.inner_text("#record-past")
    assert "宁安市市场监督管理局" in past and "牡丹江市市场监督管理局" in past  # two levels
    assert "本年度已计入" in page.inner_text("#record-ledger")
    requests = page.inner_text("#record-requests")
    assert "投诉" in requests and "已责令市场监督管理局规范材料要求" in requests  # the bureau's answer
    looked_at("record")
    submit("#record-past .record-rectification a.button")  # the order
    assert "/business/rectifications/" in page.url and "排水沟" in page.inner_text("#order")
    looked_at("order")
    return context, page, findings, looked_at, submit


def test_the_demo_business_answers_its_order_on_a_phone(browser, demo, tmp_path):
    context, page, findings, looked_at, submit = _walk(browser, demo, 390)
    page.fill("#text", "已疏通后厨排水沟，加装防返水地漏，建立每日排水设施检查记录，附整改后照片。")
    photo = tmp_path / "整改照片.png"
    photo.write_bytes(PNG)
    page.set_input_files("#files", str(photo))
    page.once("dialog", lambda dialog: dialog.accept())  # sending asks first: the answer cannot be changed
    submit("#send-answer")
    assert "答复已发送" in page.inner_text("main") and "等待部门审核" in page.inner_text("#answers")
    assert "整改照片.png" in page.inner_text("#answers") and page.locator("#answer-form").count() == 0
    looked_at("answered")
    page.goto("/business/password")  # the one business page the other walks do not open
    looked_at("password")
    assert not findings, "axe-core:\n" + "\n".join(findings)
    context.close()


def test_the_demo_business_reads_its_record_on_a_desktop(browser, demo):
    context, _page, findings, _looked_at, _submit = _walk(browser, demo, 1366)
    assert not findings, "axe-core:\n" + "\n".join(findings)
    context.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_demo_business_verifies_its_own_row_of_a_random_draw_in_its_browser(browser, demo, width):
    """本户抽取核验: the caterer sits in the frame of the county bureau's quarterly random draw; its record shows its
    stratum, rank and outcome there, and the verify page runs the public check and then the holder's check with its
    code and salt, in the browser."""
    context, page, findings, looked_at, submit = _walk(browser, demo, width)
    page.goto("/business#own-draws")
    own = page.inner_text("#own-draws")
    assert "宁市监抽〔2026〕1号" in own and "宁安市市场监督管理局" in own and "位（共" in own
    assert "只有持有检查通知书上企业核验码的企业能进入本页" in own  # the demo has no identity platform
    looked_at("own-draws")
    submit("#own-draws a.button")
    assert "/business/draws/" in page.url
    page.click("#browser-verify-start")
    page.wait_for_selector("#browser-verify[data-result]:not([data-result=running])", timeout=120_000)
    assert page.get_attribute("#browser-verify", "data-result") == "ok", page.inner_text("#browser-verify")
    assert "本对象在" in page.inner_text("#browser-checks")  # the holder's row, found from its salt
    looked_at("own-row-verified")
    assert not findings, "axe-core:\n" + "\n".join(findings)
    context.close()
