"""The verify button of an old proof withdrawn from public view (隐去明细): in the citizen's browser the browser
verifier downloads the redacted proof, checks its commitment and seed, says 明细已隐去 with the original's SHA-256, and
shows the same checks as the server's table."""

from __future__ import annotations

import pytest

from tests.support.browsers import new_context, new_page
from tests.support.campaign_world import build
from tests.support.helpers import served
from tests.support.old_draws import flag_some, old_campaign
from tests.support.verifier import node

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    """The app served with a campaign frozen before blinding and drawn after the upgrade: its target proof withdrawn."""
    found: dict = {}

    def prepare(app) -> None:
        world = build()
        flag_some(world)
        found["campaign"] = old_campaign(world)

    with served(sqlite_template, tmp_path_factory.mktemp("redacted"), prepare) as (_app, url):
        yield url, found["campaign"]


def test_the_verify_button_checks_the_redacted_proof_in_the_citizens_browser(browser, site):
    node()  # the browser verifier built
    url, campaign_id = site
    context = new_context(browser, url)
    page = new_page(context)
    page.goto(f"/public/draws/campaigns/{campaign_id}/proofs/targets/verify")
    page.click("#browser-verify-start")
    page.wait_for_selector('#browser-verify[data-result="ok"]')
    labels = page.locator("#browser-checks td[data-check]").all_inner_texts()
    assert any(label.startswith("明细已隐去（原证明 SHA-256 ") for label in labels), labels
    assert labels == page.locator("#public-checks td[data-check]").all_inner_texts()  # as the server's checks
    assert page.problems.page_errors == [] and page.problems.console_errors == []
    context.close()
