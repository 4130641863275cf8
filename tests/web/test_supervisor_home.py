"""The supervising department's home page (司法局首页): its two counts of late publication say what
each counts — the results past their deadline still unpublished (every year), and the year's visits
published late or not yet (逾期公示户次) — each overdue result is a link to what the bureau may open of
it, and a report to-do shows its due date once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from spotcheck.core.calendar import is_working_day
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.web.home import _overdue_link
from spotcheck.tenants.results import commands as results
from tests.support.helpers import count_figures, signed_in, user_named
from tests.support.results_world import complete_result, handed_out, visit
from tests.support.rulebooks import adopt


def _text(html: str, element_id: str) -> str:
    """The text of the element ``element_id`` (its tags dropped)."""
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:p|li|section)>', html, re.DOTALL)
    assert found, f"no #{element_id} on the page"
    return unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def _late_result(app) -> tuple[str, date]:
    """A result approved in October and left unpublished: its entity's name and a working day past its
    publication deadline."""
    with app.app_context():
        with frozen_at(date(2026, 10, 12)):
            ids = handed_out(
                window_start="2026-09-01",
                window_end="2026-10-31",
                exempt_kind="complaint",
                exempt_reason="群众投诉举报",
            )
        with frozen_at(date(2026, 10, 12)), tenant_scope(ids["tenant"]):
            chief = user_named("yjj_inspector")
            results.record_result(visit(ids).id, complete_result(ids, checked_on="2026-10-12"), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            results.approve_result(visit(ids).id, actor=user_named("yjj_leader"))
            db.session.commit()
            due, name = visit(ids).publish_due, visit(ids).entity.name
        late = due + timedelta(days=1)
        while not is_working_day(late):
            late += timedelta(days=1)
    return name, late


def test_the_two_late_publication_counts_say_what_each_counts_and_each_row_opens_its_object(app):
    name, late = _late_result(app)
    with frozen_at(late):
        bureau = signed_in(app, "sfj_supervisor")
        count_figures(bureau)  # the home reads the figures as counted (the schedule, or the dashboard's button)
        home = bureau.get("/").get_data(as_text=True)
    unpublished, published_late = _text(home, "home-overdue-count"), _text(home, "home-published-late")
    # one counts what is still not published (any year); the other the year's visits published late or not yet
    assert "1 项检查结果已过公示期限、至今仍未公示" in unpublished and "不分年度" in unpublished, unpublished
    assert published_late.startswith("2026年度逾期公示户次：1"), published_late
    assert "超过期限才公示的与至今仍未公示的合计" in published_late, published_late
    assert "20 个工作日" not in home  # the deadline is the rules', not a number written in the page
    overdue = unescape(re.sub(r"<[^>]+>", "", home.split('id="home-overdue-publications"')[1].split("</section>")[0]))
    assert "逾期1个工作日" in overdue, overdue  # the first working day past its due date
    # the overdue row is a link to what the bureau may open of another department's visit: the
    # campaign's public page, searched for the entity
    rows = re.findall(r'<a href="([^"]+)" class="overdue-link">([^<]+)</a>', home)
    assert [unescape(text) for _, text in rows] == [name]
    link = unescape(rows[0][0])
    assert link.startswith("/public/draws/campaigns/")
    with frozen_at(late):
        opened = bureau.get(link)
    assert opened.status_code == 200 and name in opened.get_data(as_text=True)


def test_the_department_s_own_overdue_result_links_to_the_visit(app):
    """A supervisor of the visit's own department (the rows of its own) opens the visit itself."""
    with app.test_request_context():
        own = user_named("sfj_supervisor")
        row = {"tenant_id": own.tenant_id, "visit_id": 7, "on_portal": 3, "entity": "某公司"}
        assert _overdue_link(row, own) == "/visits/7"
        other = {**row, "tenant_id": own.tenant_id + 1}
        assert _overdue_link(other, own) == "/public/draws/campaigns/3?q=%E6%9F%90%E5%85%AC%E5%8F%B8"


def test_a_report_to_do_shows_its_due_date_once(app):
    with app.app_context():
        adopt("城口县", date(2026, 1, 1))
    with frozen_at(date(2026, 12, 1)):
        home = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    [line] = [li for li in re.findall(r"<li>(.*?)</li>", home, re.DOTALL) if 'class="report-task"' in li]
    text = unescape(re.sub(r"<[^>]+>", "", line))
    assert "报送《城口县推行“双随机、一公开”情况统计表》（2026年度）" in text
    assert text.count("2026-12-15") == 1, text
    assert "截止 2026-12-15" in re.sub(r"\s+", " ", text), text
