"""Inspectors on board in one step, in a real browser (批量开通账号, issue 81 point 1): the department administrator
ticks an inspector of a campaign's team in the directory, creates the account and reads the hand-out sheet; the
inspector signs in with the one-time password, must choose their own first, and then finds the 派遣 notice written
before the account existed. Screenshots land in ``/tmp/spotcheck-shots/inspector-accounts-*.png``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.browsers import Person, assert_clean, save_shot, sign_in
from tests.support.helpers import served
from tests.support.results_world import handed_out

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        ids = handed_out(notices=True)  # the 派遣 notices are written before these accounts exist
        with tenant_scope(ids["tenant"]):
            person = db.session.execute(
                sa.select(Inspector.id, Inspector.name)
                .join(TeamMember, TeamMember.inspector_id == Inspector.id)
                .where(TeamMember.campaign_id == ids["campaign"], Inspector.user_id.is_(None))
                .order_by(Inspector.id)
                .limit(1)
            ).one()
            found.update(ids, inspector=person.id, name=person.name)

    with served(sqlite_template, tmp_path_factory.mktemp("inspector-accounts"), prepare) as (_app, url):
        found["url"] = url
        yield found


def test_the_administrator_creates_an_account_and_the_inspector_finds_the_assignment(browser, world):
    admin = Person(browser, world["url"], "yjj_admin")
    try:
        page = admin.go("/catalog/inspectors?show=inspectors")
        page.check(f'input[name="ids"][value="{world["inspector"]}"]')
        admin.submit("#create-accounts")
        assert admin.confirmations  # asked before, since the passwords show once
        assert page.inner_text("h1") == "账号交接单"
        row = page.locator("#issued-accounts tbody tr")
        assert row.count() == 1 and world["name"] in row.inner_text()
        login = row.locator("td code").nth(0).inner_text()
        password = row.locator("td code.secret").inner_text()
        save_shot(page, "inspector-accounts-sheet")
        assert_clean(page)
    finally:
        admin.close()

    inspector = Person(browser, world["url"], None)
    try:
        page = inspector.page
        sign_in(page, login, password)
        page.goto("/")
        assert "/account" in page.url  # the one-time password must be changed first
        page.fill("#current_password", password)
        page.fill("#new_password", "Ownpassword2026!x")
        with page.expect_navigation():
            page.click("form:has(#new_password) button[type=submit]")
        page = inspector.go("/inbox")
        message = page.locator("#inbox li")
        assert message.count() == 1 and "检查任务派遣" in message.inner_text()
        save_shot(page, "inspector-accounts-inbox")
        assert_clean(page)
    finally:
        inspector.close()
