"""The businesses' evaluations on the pages (issue 74): the department inspected reads none of them, and the public
page of a code reads the same to anyone but the business that just sent its evaluation."""
from __future__ import annotations

import re
from datetime import date

from spotcheck.core import audit
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results.codes import BUSINESS
from tests.support.audit_page import rows as audit_rows
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
        [shown] = audit_rows(signed_in(app, login).get("/audit?action=visit.evaluated_by_business").get_data(as_text=True))
        assert shown["details"].endswith("已评价，内容由司法局保存") and "满意度" not in shown["details"], login
    with app.app_context():
        assert audit.verify()[1] == []


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
        sent = post_form(app.test_client(), f"{page}/evaluate", {"business_code": business, "satisfaction": "1",
                                                                  "text": "检查人员态度生硬。"}, token_from=page)
        assert sent.status_code == 302
        after = _as_anyone_sees_it(app.test_client().get(page))
        assert after == before and 'id="evaluate-form"' in after and 'id="business-evaluated"' not in after
        guess = post_form(app.test_client(), f"{page}/evaluate", {"business_code": "0000-0000-0000", "satisfaction": "1"},
                          token_from=page)  # a wrong code is told so, as it was before the evaluation
        assert guess.status_code == 422 and "已经评价过" not in guess.get_data(as_text=True)
