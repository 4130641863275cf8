"""A folded form (a ``<details>``) sent with errors opens on them (折叠表单的错误): the inspector (冯涛)
sends 登记复查结果 empty, accepts the confirmation, and the page comes back with that form open, an
error summary at its top naming each field, and the first invalid field focused and in view — at a
desk (1366 px) and on a phone (390 px). The same for another folded form of the page (立案查处).
Screenshots land in ``/tmp/spotcheck-shots/folded-*.png``."""

from __future__ import annotations

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from tests.support.browsers import Person, assert_fits, csp_violations, save_shot
from tests.support.helpers import served, user_named
from tests.support.results_world import handed_out, published

pytestmark = pytest.mark.browser

WIDTHS = ((1366, 900), (390, 844))


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = published(ids)  # a problem found: the team follows it up
            follow_up = results.open_follow_up(
                one.id,
                {"kind": "rectification", "details": "10个工作日内组织应急演练", "deadline_days": 10},
                actor=user_named("yjj_inspector"),
            )
            db.session.commit()
            found.update(visit=one.id, follow_up=follow_up.id)

    with served(sqlite_template, tmp_path_factory.mktemp("folded"), prepare) as (_app, url):
        found["url"] = url
        yield found


def in_view(page, selector: str) -> bool:
    """The element is on the screen as the page opens (not below the fold, not scrolled past)."""
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], height) <= height


def quiet(page) -> None:
    """No script failed and no CSP violation. The refused form is answered 422 on purpose, which
    Chromium logs as a console error; nothing else may go wrong."""
    assert [e for e in page.problems.console_errors if "422" not in e] == []
    assert page.problems.page_errors == [] and csp_violations(page) == []


@pytest.mark.parametrize("width,height", WIDTHS)
def test_an_empty_re_check_comes_back_open_on_its_errors(browser, world, width, height):
    inspector = Person(browser, world["url"], "yjj_inspector")
    page, folded = inspector.page, f"#close-follow-up-{world['follow_up']}"
    try:
        page.set_viewport_size({"width": width, "height": height})
        inspector.go(f"/visits/{world['visit']}")
        assert page.locator(folded).get_attribute("open") is None  # folded until asked for
        page.click(f"{folded} > summary")
        page.fill(f"#closed-on-{world['follow_up']}", "")
        inspector.submit(f"{folded} button[type=submit]")  # nothing chosen, no date
        assert inspector.confirmations, "the closing asks first"

        assert page.locator(folded).get_attribute("open") is not None, "the form came back folded"
        summary = page.locator(f"{folded} .error-summary")
        assert summary.is_visible() and in_view(page, f"{folded} .error-summary"), "the errors are out of view"
        text = summary.inner_text()
        assert "日期" in text and "复查结果" in text and "请选择是否已改正" in text, text
        # each named field is a link to it; the first invalid field has the focus
        assert summary.locator(f'a[href="#closed-on-{world["follow_up"]}"]').count() == 1
        assert summary.locator(f'a[href="#outcome-{world["follow_up"]}"]').count() == 1
        assert page.evaluate("document.activeElement.id") == f"closed-on-{world['follow_up']}"
        save_shot(page, f"folded-re-check-{width}", full_page=False)
        assert_fits(page, "folded-re-check-page", width)

        # the link of the summary takes the user to its field
        page.click(f'{folded} .error-summary a[href="#outcome-{world["follow_up"]}"]')
        assert in_view(page, f"#outcome-{world['follow_up']}")
        quiet(page)
    finally:
        inspector.close()


def test_an_empty_case_form_comes_back_open_on_its_errors_and_the_others_stay_folded(browser, world):
    inspector = Person(browser, world["url"], "yjj_inspector")
    page = inspector.page
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        inspector.go(f"/visits/{world['visit']}")
        page.click("#open-case > summary")
        inspector.submit("#open-case-button")
        assert page.locator("#open-case").get_attribute("open") is not None
        assert in_view(page, "#open-case .error-summary")
        assert "立案号" in page.inner_text("#open-case .error-summary")
        assert (
            page.evaluate("document.activeElement.closest('details') && document.activeElement.closest('details').id")
            == "open-case"
        )
        # another form's errors are not shown in the forms beside it, which stay folded
        for other in ("#open-rectification", "#open-police", f"#close-follow-up-{world['follow_up']}"):
            assert page.locator(other).get_attribute("open") is None, other
            assert page.locator(f"{other} .error").count() == 0, other
        save_shot(page, "folded-case-390", full_page=False)
        quiet(page)
    finally:
        inspector.close()
