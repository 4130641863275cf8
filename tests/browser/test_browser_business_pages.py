"""A business's own pages on a phone (企业账户, 390 px, Chromium, zh-CN): the claim with a wrong code (the error at the
top, naming the field), then with its notice's code; the home; the people; its access tokens (made, revoked);
signing out and in with the password. Each page fits the phone, speaks Chinese, and axe-core finds nothing critical
or serious. Screenshots in ``/tmp/spotcheck-shots/business-*.png``."""

from __future__ import annotations

from datetime import date

import pytest

from spotcheck.core.clock import frozen_at
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import codes
from tests.support.browsers import (
    assert_fits,
    assert_worded,
    new_context,
    new_page,
    require_axe,
    save_shot,
    serious_findings,
)
from tests.support.helpers import served
from tests.support.results_world import handed_out, visit

pytestmark = pytest.mark.browser

DURING = date(2026, 4, 1)
PHONE = {"width": 390, "height": 844}
PASSWORD = "Qiye-mima-2026"


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        with frozen_at(DURING):
            ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            found.update(credit=one.entity.code, name=one.entity.name, code=codes.business_code(one.code))

    with served(sqlite_template, tmp_path_factory.mktemp("business"), prepare) as (_app, url):
        found["url"] = url
        yield found


def test_a_business_claims_signs_in_and_keeps_its_people_on_a_phone(browser, world):
    require_axe()
    context = new_context(browser, world["url"], bypass_csp=True)  # axe-core is added as a script of the page
    page = new_page(context)
    page.set_viewport_size(PHONE)
    findings: list[str] = []

    def go(path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        assert_worded(page)

    def submit(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    def looked_at(name: str) -> None:
        assert_fits(page, f"business-{name}", PHONE["width"])
        save_shot(page, f"business-{name}", always=True)
        findings.extend(serious_findings(page))

    go("/business/sign-in")
    looked_at("sign-in")
    go("/business/claim")
    page.fill("#credit_code", world["credit"])
    page.fill("#business_code", "ABCD-EFGH-JKMN")
    page.fill("#display_name", "王法务")
    page.fill("#login", "fawu")
    page.fill("#password", PASSWORD)
    submit("button[type=submit].primary")
    summary = page.locator("#form-errors")
    assert summary.is_visible() and "企业核验码" in summary.inner_text()
    assert summary.bounding_box()["y"] < page.locator("#credit_code").bounding_box()["y"]  # at the top
    looked_at("claim-wrong-code")
    page.fill("#business_code", world["code"])
    page.fill("#password", PASSWORD)
    submit("button[type=submit].primary")
    assert page.url.endswith("/business") and world["name"] in page.inner_text("main")
    looked_at("home")
    go("/business/people")
    page.fill("#display_name", "李会计")
    page.fill("#login", "kuaiji")
    page.fill("#password", PASSWORD)
    submit("button[type=submit].primary")
    assert "李会计" in page.inner_text("#people-list")
    looked_at("people")
    go("/business/tokens")
    submit("button[type=submit].primary")  # no name: the error at the top of the form
    summary = page.locator("#form-errors")
    assert summary.is_visible() and summary.bounding_box()["y"] < page.locator("#name").bounding_box()["y"]
    looked_at("tokens-no-name")
    page.fill("#name", "城市App")
    submit("button[type=submit].primary")
    assert "scb_" in page.inner_text("#new-token") and "仅显示这一次" in page.inner_text("#new-token")
    looked_at("tokens-new")
    page.once("dialog", lambda dialog: dialog.accept())  # revoking asks first: it cannot be undone
    submit("#token-list button.danger")
    assert "已于" in page.inner_text("#token-list") and page.locator("#new-token").count() == 0
    looked_at("tokens-revoked")
    submit("#business-sign-out")
    assert page.url.endswith("/business/sign-in")
    page.fill("#credit_code", world["credit"])
    page.fill("#login", "kuaiji")
    page.fill("#password", PASSWORD)
    submit("button[type=submit].primary")
    assert page.url.endswith("/business") and "李会计" in page.inner_text("#business-facts")
    assert not findings, "axe-core:\n" + "\n".join(findings)
    context.close()
