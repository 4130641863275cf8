"""Publication late, seen where the work is done, in a real browser (issue 72 §5): on Thursday 7 May 2026
the leader's home, review list and the visit's page, then the planner's home and publication list, say
逾期3个工作日 for the result due on 29 April and 即将到期 for the one due on Saturday 9 May — and none of
those pages is wider than a phone (390 px) for it. Screenshots land in ``/tmp/spotcheck-shots/lateness-*.png``."""

from __future__ import annotations

import pytest

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from tests.support.browsers import Person, at_both_widths
from tests.support.helpers import served, user_named
from tests.support.lateness_world import TODAY, two_submitted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory):
    found = {}

    def prepare(app):
        found.update(two_submitted())

    with served(sqlite_template, tmp_path_factory.mktemp("lateness"), prepare) as (app, url):
        found.update(app=app, url=url)
        yield found


@pytest.mark.slow(6)
def test_the_leader_and_the_planner_see_how_late_on_pages_that_fit_a_phone(browser, world):
    late, soon = world["late"], world["soon"]
    with frozen_at(TODAY):  # the live server runs in this process: its clock too
        leader = Person(browser, world["url"], "yjj_leader")
        try:
            for path, name in (("/", "leader-home"), ("/visits/review", "review-list"), (f"/visits/{late}", "visit")):
                page = leader.go(path)
                assert "逾期3个工作日" in page.inner_text("body"), path
                at_both_widths(page, f"lateness-{name}")
            assert "即将到期" in leader.go("/visits/review").inner_text(f"tr[data-visit='{soon}']")
        finally:
            leader.close()
        with world["app"].app_context(), tenant_scope(world["tenant"]):
            for one in (late, soon):
                results.approve_result(one, actor=user_named("yjj_leader"))
            db.session.commit()
        planner = Person(browser, world["url"], "yjj_planner")
        try:
            for path, name in (("/", "planner-home"), ("/visits/publication", "publication-list")):
                page = planner.go(path)
                assert "逾期3个工作日" in page.inner_text("body") and "即将到期" in page.inner_text("body"), path
                at_both_widths(page, f"lateness-{name}")
        finally:
            planner.close()
