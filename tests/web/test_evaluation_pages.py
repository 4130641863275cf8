"""The businesses' evaluations on the pages (issue 74): no page shows the department inspected one evaluation — not
the visit's page, the supervision dashboard, a drill-down or the audit trail, whoever of the department asks — while
the dashboard shows it the figures of its ended periods over five; the justice bureau reads each one; the public
page of a code reads the same to anyone but the business that just sent its evaluation."""

from __future__ import annotations

import re
from datetime import date, datetime

from spotcheck.core import audit
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results.codes import BUSINESS
from spotcheck.tenants.supervision.vocabulary import EVALUATIONS_WITHHELD as WITHHELD
from tests.support.audit_page import rows as audit_rows
from tests.support.evaluation_world import GIVEN, evaluated_world, text_of
from tests.support.helpers import post_form, signed_in, tenant_id
from tests.support.results_world import codes_of, handed_out


def test_an_evaluation_of_the_departments_chain_shows_that_it_was_made_never_what_it_said(app):
    """A chain is never rewritten: an entry written when the evaluations were the department's rows keeps its
    score, and still verifies, but its trail shows that an evaluation was made and who keeps it."""
    with app.app_context():
        department = tenant_id("YJJ")
        with tenant_scope(department):
            audit.record("visit.evaluated_by_business", "visit", 1, actor=BUSINESS, details={"satisfaction": 1})
            db.session.commit()
    for login in ("yjj_leader", "yjj_admin"):
        [shown] = audit_rows(
            signed_in(app, login).get("/audit?action=visit.evaluated_by_business").get_data(as_text=True)
        )
        assert shown["details"].endswith("已评价，内容由司法局保存") and "满意度" not in shown["details"], login
    with app.app_context():
        assert audit.verify()[1] == []


#: Every period of 2026 has ended.
JANUARY = datetime(2027, 1, 10, 10)
#: The department's staff: its leader, planner, the first visit's 组长 and its administrator.
STAFF = ("yjj_leader", "yjj_planner", "yjj_inspector", "yjj_admin")


def _cell(text: str, key: str) -> str:
    return re.search(rf'<td class="num" data-figure="{key}">(.*?)</td>', text, re.S).group(1)


def test_no_page_shows_the_department_one_evaluation_and_the_dashboard_only_its_figures(app):
    with app.app_context():
        ids = evaluated_world()
        department = tenant_id("YJJ")
        # an entry of the department's chain written when the evaluations were still its rows: never rewritten
        audit.record(
            "visit.evaluated_by_business",
            "visit",
            ids["evaluated"][0],
            actor=BUSINESS,
            tenant_id=department,
            details={"satisfaction": 5},
        )
        db.session.commit()
    drills = [
        f"/supervision/departments/{department}/{key}?period={period}"
        for key in ("evaluations", "satisfaction", "codes_issued", "scan_rate")
        for period in ("2026", "2026Q1")
    ]
    pages = (
        [f"/visits/{visit_id}" for visit_id in ids["evaluated"]]
        + drills
        + ["/", "/audit"]
        + [f"/supervision?period={period}" for period in ("2026", "2026Q1", "2026H1", "2026Q3", "2026H2")]
    )
    with frozen_at(JANUARY):
        for login in STAFF:
            staff = signed_in(app, login)
            for url in pages:
                text = staff.get(url).get_data(as_text=True)
                assert not [n for n in range(len(GIVEN)) if text_of(n) in text], (login, url)
                assert not re.search(r"[1-5]分（", text), (login, url)  # a score as the bureau's drill-down gives it
        leader = signed_in(app, "yjj_leader")
        for key in ("evaluations", "satisfaction"):
            refused = leader.get(f"/supervision/departments/{department}/{key}?period=2026Q1")
            assert refused.status_code == 403 and "只有司法局可见" in refused.get_data(as_text=True)
        shown = {
            period: leader.get(f"/supervision?period={period}").get_data(as_text=True)
            for period in ("2026Q1", "2026H1", "2026Q3", "2026")
        }
        assert (_cell(shown["2026Q1"], "evaluations"), _cell(shown["2026Q1"], "satisfaction")) == ("5", "4.2")
        assert WITHHELD["subtracted"] in _cell(shown["2026H1"], "evaluations")  # Q1 shown: H1 − Q1 is one
        assert _cell(shown["2026Q3"], "evaluations") == "5" and WITHHELD["same"] in _cell(
            shown["2026Q3"], "satisfaction"
        )
        assert 'data-drill="evaluations"' not in shown["2026Q1"]  # nothing to open
        [earlier] = [
            row
            for row in audit_rows(leader.get("/audit").get_data(as_text=True))
            if "内容由司法局保存" in row["details"]
        ]
        assert earlier["details"].endswith("已评价，内容由司法局保存") and "满意度" not in earlier["details"]
        bureau = signed_in(app, "sfj_supervisor")
        each = bureau.get(f"/supervision/departments/{department}/evaluations?period=2026").get_data(as_text=True)
        assert all(text_of(n) in each for n in range(len(GIVEN))) and "2分（不满意）" in each
        trail = bureau.get("/audit?action=evaluation.made").get_data(as_text=True)
        assert len(audit_rows(trail)) == len(GIVEN) and "应急管理局" in trail
    with app.app_context():
        assert audit.verify()[1] == []  # no chain rewritten


def _as_anyone_sees_it(response) -> str:
    """A page as a visitor without the code reads it (its form's token is their session's own)."""
    return re.sub(r'value="[\w-]+\.[\w-]+\.[\w-]+"', 'value=""', response.get_data(as_text=True))


def test_the_codes_page_reads_the_same_to_anyone_but_the_sender_before_and_after_the_evaluation(app):
    during = date(2026, 4, 1)
    with app.app_context(), frozen_at(during):
        ids = handed_out()
        token, _, business, visit_id = codes_of(ids)
    with frozen_at(during):
        chief = signed_in(app, "yjj_inspector")
        post_form(chief, f"/visits/{visit_id}/arrival", {}, token_from=f"/visits/{visit_id}")
        post_form(chief, f"/visits/{visit_id}/departure", {}, token_from=f"/visits/{visit_id}")
        page = f"/public/checks/{token}"
        before = _as_anyone_sees_it(app.test_client().get(page))
        sent = post_form(
            app.test_client(),
            f"{page}/evaluate",
            {"business_code": business, "satisfaction": "1", "text": "检查人员态度生硬。"},
            token_from=page,
        )
        assert sent.status_code == 302
        after = _as_anyone_sees_it(app.test_client().get(page))
        assert after == before and 'id="evaluate-form"' in after and 'id="business-evaluated"' not in after
        guess = post_form(
            app.test_client(),
            f"{page}/evaluate",
            {"business_code": "0000-0000-0000", "satisfaction": "1"},
            token_from=page,
        )  # a wrong code is told so, as it was before the evaluation
        assert guess.status_code == 422 and "已经评价过" not in guess.get_data(as_text=True)
