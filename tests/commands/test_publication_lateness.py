"""Publication late, seen where the work is done (issue 72 §5): a result past its publication due date says
how many working days of the official calendar it is overdue (逾期N个工作日) on the review list, the publication
list, the visit's page and in the API; published late, it keeps how late it was (逾期N个工作日公示) — a
correction published later does not change it —, and one published in time says nothing of the kind."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest

from spotcheck.core.clock import as_utc, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.results import commands as results, deadlines
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.supervision import figures
from spotcheck.tenants.supervision.periods import parse
from tests.support.campaign_world import planner_of
from tests.support.helpers import bearer, signed_in, user_named
from tests.support.lateness_world import LATE_DUE, TODAY, team_leader, two_submitted
from tests.support.results_world import complete_result


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _row(html: str, visit_id: int) -> str:
    """The text of a list's row of the visit."""
    found = re.search(rf'<tr data-visit="{visit_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert found, f"visit {visit_id} is not on the list"
    return _text(found.group(1))


def _element(html: str, element_id: str, tag: str = "dd") -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</{tag}>', html, re.S)
    assert found, f"no #{element_id} on the page"
    return _text(found.group(1))


def test_working_days_late_count_the_official_calendar(package_calendar):
    """From Wednesday 29 April 2026: Thursday 30 April is one; the Labour Day holiday (1–5 May, its weekend
    inside) none; Saturday 9 May, a make-up working day, one; a Saturday after a Friday's due date reaches the
    next working day (one), as a report made that day does."""
    assert deadlines.working_days_late(LATE_DUE, LATE_DUE) is None
    assert [deadlines.working_days_late(LATE_DUE, date(2026, 5, day)) for day in (1, 5, 6, 7, 8, 9, 10, 11)] == [
        1,
        1,
        2,
        3,
        4,
        5,
        5,
        6,
    ]
    assert deadlines.working_days_late(date(2026, 5, 15), date(2026, 5, 16)) == 1  # Friday due, Saturday
    shown = deadlines.overdue(LATE_DUE, TODAY)
    assert (shown.days, shown.provisional) == (3, False)
    assert deadlines.overdue(date(2026, 12, 31), date(2027, 1, 4)).provisional  # 2027 not in the package's calendar
    # published at 01:00 on Sunday 10 May in Beijing — still Saturday 9 May in UTC, as it is stored: a day late
    stored = datetime(2026, 5, 9, 17, tzinfo=UTC)
    assert deadlines.published_late(Visit(publish_due=date(2026, 5, 9), first_published_at=stored)).days == 1
    assert deadlines.published_late(Visit(publish_due=date(2026, 5, 10), first_published_at=stored)) is None


def test_a_publication_overdue_across_the_holiday_is_counted_on_every_list_and_page_and_in_the_api(app):
    """Due on 29 April, on Thursday 7 May the result is 逾期3个工作日 — 30 April, 6 and 7 May — on the leader's
    review list, the visit's page and the API; approved, on the planner's publication list; the one due on
    Saturday 9 May is due soon, not overdue."""
    with app.app_context():
        ids = two_submitted()
    late, soon = ids["late"], ids["soon"]
    with frozen_at(TODAY):
        leader = signed_in(app, "yjj_leader")
        review = leader.get("/visits/review").get_data(as_text=True)
        assert "2026-04-29" in _row(review, late) and "逾期3个工作日" in _row(review, late)
        assert "2026-05-09" in _row(review, soon) and "即将到期" in _row(review, soon)
        assert "逾期" not in _row(review, soon)
        page = leader.get(f"/visits/{late}").get_data(as_text=True)
        lead = _text(page.split('<p class="lead">')[1].split("</p>")[0])  # under the name: the deadline now
        assert "期限 2026-04-29 逾期3个工作日" in lead, lead
        assert _element(page, "publish-due").startswith("2026-04-29 逾期3个工作日")
        headers = bearer(app, "yjj_leader")
        shown = app.test_client().get(f"/api/v1/visits/{late}", headers=headers).get_json()
        assert (shown["publish_due"], shown["publish_due_provisional"]) == ("2026-04-29", False)
        assert (shown["publish_overdue_working_days"], shown["due_overdue_working_days"]) == (3, 3)
        assert shown["published_late_working_days"] is None and not shown["publication_lateness_provisional"]
        listed = app.test_client().get("/api/v1/visits?status=submitted", headers=headers).get_json()["rows"]
        by_id = {row["id"]: row for row in listed}
        assert by_id[late]["publish_overdue_working_days"] == 3
        assert by_id[soon]["publish_overdue_working_days"] is None and by_id[soon]["due_flag"] == "due_soon"
    with app.app_context(), tenant_scope(ids["tenant"]), frozen_at(TODAY):
        for one in (late, soon):  # each found a problem: approved on its own
            results.approve_result(one, actor=user_named("yjj_leader"))
        db.session.commit()
    with frozen_at(TODAY):
        planner = signed_in(app, "yjj_planner")
        publication = planner.get("/visits/publication").get_data(as_text=True)
        assert "逾期3个工作日" in _row(publication, late) and "即将到期" in _row(publication, soon)
        assert "20个工作日内在公示平台公示（《企业信息公示暂行条例》第六条、第七条）" in _text(
            publication
        )  # the rule in force
        listed = app.test_client().get("/api/v1/visits?status=approved", headers=bearer(app, "yjj_planner")).get_json()
        assert {row["id"]: row["publish_overdue_working_days"] for row in listed["rows"]} == {late: 3, soon: None}
    with frozen_at(date(2026, 5, 11)):  # Monday: 8 May and the make-up Saturday 9 May count as well
        row = _row(signed_in(app, "yjj_planner").get("/visits/publication").get_data(as_text=True), late)
        assert "逾期6个工作日" in row


@pytest.mark.seconds(1.1)
def test_a_result_published_late_keeps_how_late_and_one_published_in_time_says_nothing(app):
    """Published on Monday 11 May, six working days after its due date, the result says 逾期6个工作日公示 on its
    page and in the API, and still does after a correction published a week later; the other, published on
    Friday 8 May (due the next day), says none."""
    with app.app_context():
        ids = published(late=datetime(2026, 5, 11, 9))
        with tenant_scope(ids["tenant"]):
            assert deadlines.published_late(db.session.get(Visit, ids["late"])).days == 6
            assert deadlines.published_late(db.session.get(Visit, ids["soon"])) is None

    def shown(visit_id: int) -> tuple[str, dict]:
        page = signed_in(app, "yjj_leader").get(f"/visits/{visit_id}").get_data(as_text=True)
        api = app.test_client().get(f"/api/v1/visits/{visit_id}", headers=bearer(app, "yjj_leader")).get_json()
        return page, api

    with frozen_at(date(2026, 5, 12)):
        page, api = shown(ids["late"])
        assert _element(page, "visit-published-late", "span") == "逾期6个工作日公示"
        assert "逾期6个工作日公示" in _element(page, "publish-due")
        assert (api["published_late_working_days"], api["publish_overdue_working_days"]) == (6, None)
        page, api = shown(ids["soon"])
        assert "逾期" not in _text(page) and 'id="visit-published-late"' not in page
        assert (api["published_late_working_days"], api["publish_overdue_working_days"]) == (0, None)
    with app.app_context():
        corrected(ids, "late", "2026-03-31", on=date(2026, 5, 18))  # 更正, a week later
        with tenant_scope(ids["tenant"]):
            one = db.session.get(Visit, ids["late"])
            assert one.version == 2 and as_utc(one.published_at) > as_utc(one.first_published_at)
    with frozen_at(date(2026, 5, 19)):
        page, api = shown(ids["late"])
        assert _element(page, "visit-published-late", "span") == "逾期6个工作日公示"  # not 11: the first publication
        assert _element(page, "first-published").startswith("2026-05-11 09:00")  # Beijing time, as stored in UTC
        assert api["published_late_working_days"] == 6 and api["first_published_at"].startswith("2026-05-11T01:00")


def test_a_correction_published_after_the_due_date_leaves_a_result_published_in_time_on_time(app):
    """The bureau's 按时公示 counts a result by its first publication: published on time on 8 May and corrected on
    18 May, after its due date, it stays published on time; the other, first published late, stays late."""
    with app.app_context():
        ids = published(late=datetime(2026, 5, 8, 16))
        corrected(ids, "soon", "2026-04-08", on=date(2026, 5, 18))
        with (
            tenant_scope(user_named("sfj_supervisor").tenant_id),
            frozen_at(date(2026, 5, 19)),
            system_access("test: the bureau's figures"),
        ):
            yjj = next(s for s in figures.compute(parse("2026Q2"), figures.departments()) if s.code == "YJJ")
        assert (yjj.publish_due, yjj.published_on_time) == (2, 1)


def published(*, late: datetime) -> dict:
    """The two results approved on 7 May; ``soon`` published on Friday 8 May (in time), ``late`` at ``late``."""
    ids = two_submitted()
    planner, leader = planner_of(user_named("yjj_admin")), user_named("yjj_leader")
    with tenant_scope(ids["tenant"]):
        with frozen_at(TODAY):
            for one in (ids["late"], ids["soon"]):
                results.approve_result(one, actor=leader)
        with frozen_at(datetime(2026, 5, 8, 16)):
            results.publish_results([ids["soon"]], actor=planner)
        with frozen_at(late):
            results.publish_results([ids["late"]], actor=planner)
        db.session.commit()
    return ids


def corrected(ids: dict, which: str, checked_on: str, *, on: date) -> None:
    """The result ``which`` corrected on ``on`` (更正: recorded again by its 组长, approved, published again)."""
    planner, leader = planner_of(user_named("yjj_admin")), user_named("yjj_leader")
    with tenant_scope(ids["tenant"]), frozen_at(on):
        one = db.session.get(Visit, ids[which])
        chief = team_leader(one)
        results.start_correction(one.id, {"reason": "检查情况录入有误，予以更正。"}, actor=planner)
        results.record_result(one.id, complete_result(ids, checked_on=checked_on), actor=chief)
        results.submit_result(one.id, actor=chief)
        results.approve_result(one.id, actor=leader)
        results.publish_results([one.id], actor=planner)
        db.session.commit()
