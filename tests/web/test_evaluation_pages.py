"""The businesses' evaluations on the pages (issue 74): the department inspected reads none of them."""
from __future__ import annotations

from spotcheck.core import audit
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results.codes import BUSINESS
from tests.support.audit_page import rows as audit_rows
from tests.support.helpers import signed_in, tenant_id


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
