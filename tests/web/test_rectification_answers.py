"""A rectification order answered in the platform (整改答复): the business reads the order on its record and
answers it with text and a photo before its deadline; the department reads the answer on the visit (the file
downloads) and closes the order on it, or returns it with the reason, which the business reads, and the business
answers again — after the deadline, counted late. Each step is in the department's audit trail; the bureau's figures
count the answers on time and late. Another business, a bad file or a missing reason change nothing."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import FollowUp, RectificationAnswer, Visit
from spotcheck.tenants.results.vocabulary import AnswerStatus
from spotcheck.tenants.supervision import drill_down, figures
from spotcheck.tenants.supervision.periods import Period
from tests.support.business_accounts import DURING, claim, sign_in, visited_business
from tests.support.campaign_world import planner_of
from tests.support.helpers import csrf_token, post_form, signed_in, user_named
from tests.support.page_text import visible_text
from tests.support.results_world import complete_result, visit

DEADLINE = date(2026, 4, 10)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _at(day: date, hour: int = 10):
    return frozen_at(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def _ordered(app) -> dict:
    """The business of a handed-out visit, its result published with a problem found and a rectification order due
    :data:`DEADLINE`; its account claimed (the client signed in as it)."""
    world = visited_business(app)
    ids = world["ids"]
    with app.app_context(), _at(DURING):
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            visit_id = visit(ids).id
            results.record_result(visit_id, complete_result(ids, checked_on=DURING.isoformat()), actor=chief)
            results.submit_result(visit_id, actor=chief)
            results.approve_result(visit_id, actor=leader)
            results.publish_results([visit_id], actor=planner_of(user_named("yjj_admin")))
            order = results.open_follow_up(
                visit_id,
                {"kind": "rectification", "details": "10日内组织应急预案演练", "deadline": DEADLINE.isoformat()},
                actor=chief,
            )
            db.session.commit()
            world["order"] = order.id
    client = app.test_client()
    with _at(DURING):
        assert claim(client, world["credit"], world["code"]).status_code == 302
    world["client"] = client
    return world


def _back_in(client, credit: str):
    """The business comes back another day: its session has lapsed; it opens the sign-in page and signs in."""
    client.get("/business/sign-in")
    return sign_in(client, credit)


def _answer(client, order: int, text: str, files: list[tuple[bytes, str]] = ()):
    data = {
        "text": text,
        "csrf_token": csrf_token(client, "/business"),
        "files": [(io.BytesIO(b), n) for b, n in files],
    }
    return client.post(f"/business/rectifications/{order}", data=data, content_type="multipart/form-data")


def _review(app, visit_id: int, order: int, decision: str, note: str = ""):
    staff = signed_in(app, "yjj_inspector")
    return post_form(
        staff,
        f"/visits/{visit_id}/follow-ups/{order}/answer-review",
        {"decision": decision, "note": note},
        token_from=f"/visits/{visit_id}",
    ), staff


def _answers(app, tenant: int, order: int) -> list[tuple[AnswerStatus, bool, int]]:
    """The answers to ``order``: each one's status, whether late, and how many files it has."""
    with app.app_context(), tenant_scope(tenant):
        found = db.session.scalars(
            sa.select(RectificationAnswer)
            .where(RectificationAnswer.follow_up_id == order)
            .order_by(RectificationAnswer.id)
        )
        return [(a.status, a.late, len(a.files)) for a in found]


def _trail(app, tenant: int) -> list[str]:
    with app.app_context(), system_access("the department's trail"):
        return list(
            db.session.scalars(
                sa.select(AuditEntry.action)
                .where(AuditEntry.tenant_id == tenant, AuditEntry.action.like("rectification.%"))
                .order_by(AuditEntry.seq)
            )
        )


@pytest.mark.seconds(6)
def test_an_answer_with_a_photo_before_the_deadline_closes_the_order(app):
    world = _ordered(app)
    client, order, tenant, visit_id = world["client"], world["order"], world["ids"]["tenant"], world["ids"]["visit"]
    with _at(date(2026, 4, 8)):
        assert _back_in(client, world["credit"]).status_code == 302
        record = visible_text(client.get("/business").get_data(as_text=True))
        assert "10日内组织应急预案演练" in record and "答复整改要求" in record
        sent = _answer(client, order, "已于4月7日组织全员应急预案演练，附演练照片。", [(PNG, "演练.png")])
        assert sent.status_code == 302, sent.get_data(as_text=True)
        page = visible_text(client.get(f"/business/rectifications/{order}").get_data(as_text=True))
        assert "等待部门审核" in page and "演练.png" in page and "逾期答复" not in page
        # the department reads it on the visit, downloads the photo, and closes the order on it
        staff = signed_in(app, "yjj_inspector")
        html = staff.get(f"/visits/{visit_id}").get_data(as_text=True)
        assert "已于4月7日组织全员应急预案演练" in visible_text(html)
        link = re.search(r'href="(/visits/\d+/follow-ups/\d+/answer-files/\d+)"', html).group(1)
        download = staff.get(link)
        assert download.status_code == 200 and download.data == PNG
        assert "attachment" in download.headers["Content-Disposition"]
        closed, _ = _review(app, visit_id, order, "accept", "经核查，整改到位。")
        assert closed.status_code == 302
        page = visible_text(client.get(f"/business/rectifications/{order}").get_data(as_text=True))
    assert "已通过" in page and "经核查，整改到位。" in page and "2026-04-08" in page
    with app.app_context(), tenant_scope(tenant):
        follow_up = db.session.get(FollowUp, order)
        assert (follow_up.outcome, follow_up.closed_on) == ("rectified", date(2026, 4, 8))
    assert _answers(app, tenant, order) == [(AnswerStatus.accepted, False, 1)]
    assert _trail(app, tenant) == ["rectification.answered", "rectification.answer_accepted"]


@pytest.mark.seconds(8)
def test_a_returned_answer_shows_its_reason_and_a_late_answer_counts_late(app):
    world = _ordered(app)
    client, order, tenant, visit_id = world["client"], world["order"], world["ids"]["tenant"], world["ids"]["visit"]
    with _at(date(2026, 4, 9)):
        assert _back_in(client, world["credit"]).status_code == 302
        assert _answer(client, order, "已组织演练。").status_code == 302
        again = _answer(client, order, "再次答复。")  # one answer at a time: the first waits for review
        assert again.status_code == 422 and "等待部门审核" in visible_text(again.get_data(as_text=True))
        no_reason, _ = _review(app, visit_id, order, "return")
        assert no_reason.status_code == 422 and "退回的理由" in visible_text(no_reason.get_data(as_text=True))
        assert _answers(app, tenant, order) == [(AnswerStatus.submitted, False, 0)]
        returned, _ = _review(app, visit_id, order, "return", "未提供演练记录和照片。")
        assert returned.status_code == 302
    with _at(date(2026, 4, 15)):  # after the deadline: the order is overdue, the new answer late
        assert _back_in(client, world["credit"]).status_code == 302
        record = visible_text(client.get("/business").get_data(as_text=True))
        assert "已退回" in record and "未提供演练记录和照片。" in record and "已逾期" in record
        assert "再次答复" in record
        page = visible_text(client.get(f"/business/rectifications/{order}").get_data(as_text=True))
        assert "期限已过" in page
        sent = _answer(client, order, "补充演练记录和照片。", [(PNG, "记录.png")])
        assert sent.status_code == 302
        assert "逾期答复" in visible_text(client.get(f"/business/rectifications/{order}").get_data(as_text=True))
    assert _answers(app, tenant, order) == [(AnswerStatus.returned, False, 0), (AnswerStatus.submitted, True, 1)]
    assert _trail(app, tenant) == [
        "rectification.answered",
        "rectification.answer_returned",
        "rectification.answered",
    ]
    with app.app_context(), _at(date(2026, 4, 16)), tenant_scope(tenant):
        [status] = figures.compute(Period(2026), figures.departments([tenant]), ["answers_on_time", "answers_late"])
        late = drill_down.rows_of("answers_late", tenant, Period(2026))
    assert (status.answers_on_time, status.answers_late) == (1, 1)
    [row] = late.rows  # the drill-down: the check, the business, the deadline, the day answered, the review
    assert row[1] == world["name"] and row[2:4] == [DEADLINE, date(2026, 4, 15)] and row[4] == "等待部门审核"
    # the department's home names the answer waiting for review
    with _at(date(2026, 4, 16)):
        home = visible_text(signed_in(app, "yjj_inspector").get("/").get_data(as_text=True))
    assert "企业已答复，等待您审核" in home and "审核企业的整改答复" in home


@pytest.mark.seconds(6)
def test_another_business_a_bad_file_or_no_text_changes_nothing(app):
    world = _ordered(app)
    client, order, tenant = world["client"], world["order"], world["ids"]["tenant"]
    with _at(date(2026, 4, 9)):
        assert _back_in(client, world["credit"]).status_code == 302
        empty = _answer(client, order, "")
        assert empty.status_code == 422 and "说明整改" in visible_text(empty.get_data(as_text=True))
        not_a_photo = _answer(client, order, "已整改。", [(b"<html>not a photo</html>", "x.png")])
        assert not_a_photo.status_code == 422
        assert "照片（JPEG、PNG）或 PDF" in visible_text(not_a_photo.get_data(as_text=True))
    assert _answers(app, tenant, order) == []
    # another business of the same campaign: the order is not on its record
    with app.app_context(), tenant_scope(tenant):
        other = db.session.scalars(
            sa.select(Visit).where(Visit.campaign_id == world["ids"]["campaign"]).order_by(Visit.id)
        ).all()[1]
        other_credit, other_code = other.entity.code, codes.business_code(other.code)
    stranger = app.test_client()
    with _at(date(2026, 4, 9)):
        assert claim(stranger, other_credit, other_code, login="other").status_code == 302
        assert stranger.get(f"/business/rectifications/{order}").status_code == 404
        refused = _answer(stranger, order, "冒充答复。")
        assert refused.status_code == 404
    assert _answers(app, tenant, order) == [] and _trail(app, tenant) == []


@pytest.mark.seconds(4)
def test_a_city_app_answers_with_the_business_token_and_reads_the_outcome(app):
    world = _ordered(app)
    client, order, tenant = world["client"], world["order"], world["ids"]["tenant"]
    with _at(date(2026, 4, 9)):
        assert _back_in(client, world["credit"]).status_code == 302
        made = post_form(client, "/business/tokens", {"name": "城市企业服务App"}, token_from="/business/tokens")
        secret = re.search(r'<code class="secret">([^<]+)</code>', made.get_data(as_text=True)).group(1)
        app_client, headers = app.test_client(), {"Authorization": f"Bearer {secret}"}
        url = f"/api/v1/business/record/rectifications/{order}/answers"
        empty = app_client.post(url, data={"text": ""}, headers=headers, content_type="multipart/form-data")
        assert empty.status_code == 422 and "text" in empty.get_json()["errors"]["json"]
        sent = app_client.post(
            url,
            data={"text": "已整改，附照片。", "files": [(io.BytesIO(PNG), "现场.png")]},
            headers=headers,
            content_type="multipart/form-data",
        )
        assert sent.status_code == 201, sent.get_data(as_text=True)
        shown = sent.get_json()
        assert shown["id"] == order and shown["actions"] == []
        [answer] = shown["answers"]
        assert (answer["status"], answer["late"], answer["files"]) == (
            "submitted",
            False,
            [{"name": "现场.png", "size": len(PNG)}],
        )
        record = app_client.get("/api/v1/business/record", headers=headers).get_json()
        [past] = record["past"]
        assert past["rectifications"][0]["answers"][0]["text"] == "已整改，附照片。"
    assert _answers(app, tenant, order) == [(AnswerStatus.submitted, False, 1)]


@pytest.mark.seconds(5)
def test_a_case_reads_as_no_order_and_an_answer_waiting_is_reviewed_before_any_close(app):
    world = _ordered(app)
    client, order, tenant, visit_id = world["client"], world["order"], world["ids"]["tenant"], world["ids"]["visit"]
    with app.app_context(), _at(date(2026, 4, 2)), tenant_scope(tenant):
        planner = planner_of(user_named("yjj_admin"))
        case = results.open_follow_up(
            visit_id, {"kind": "case", "details": "未按规定演练", "case_number": "应急立〔2026〕9号"}, actor=planner
        ).id
        db.session.commit()
    with _at(date(2026, 4, 9)):
        assert _back_in(client, world["credit"]).status_code == 302
        # a case on its own visit reads exactly as no order at all: nothing of it shows, not even its kind
        refusals = []
        for follow_up in (case, order + 10_000):
            assert client.get(f"/business/rectifications/{follow_up}").status_code == 404
            refused = _answer(client, follow_up, "答复立案。")
            refusals.append((refused.status_code, visible_text(refused.get_data(as_text=True))))
        assert refusals[0] == refusals[1] and refusals[0][0] == 404
        assert _answer(client, order, "已组织演练。").status_code == 302
        # the team cannot close the order by its re-check while the business's answer waits for review
        staff = signed_in(app, "yjj_inspector")
        closed = post_form(
            staff,
            f"/visits/{visit_id}/follow-ups/{order}/close",
            {"closed_on": "2026-04-09", "outcome": "rectified", "outcome_note": ""},
            token_from=f"/visits/{visit_id}",
        )
        assert closed.status_code == 302  # back to the visit, whose page says why
        assert "请先审核" in visible_text(staff.get(f"/visits/{visit_id}").get_data(as_text=True))
    with app.app_context(), tenant_scope(tenant):
        assert db.session.get(FollowUp, order).closed_at is None
        assert db.session.get(FollowUp, case).closed_at is None
    assert _answers(app, tenant, order) == [(AnswerStatus.submitted, False, 0)]
