"""A business's evaluation of an inspection (评价) is the justice bureau's (issue 74: a voice that cannot be
punished): given with the 企业核验码 once the team has left, once, within the rules' days; kept as the bureau's
row and written to the bureau's audit chain; read one by one by the bureau alone, and by the department inspected
only as figures of ended periods over at least five, with no average that tells a score."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import codes, commands as results, vocabulary as results_vocabulary
from spotcheck.tenants.results.queries.codes import public_check
from spotcheck.tenants.supervision import commands as supervision, queries, vocabulary
from spotcheck.tenants.supervision.models import Evaluation
from tests.support.evaluation_world import GIVEN, KNOWN, evaluated_world, text_of
from tests.support.helpers import make_app, tenant_id, user_named
from tests.support.results_world import handed_out, visit

#: A day inside the results world's campaign window (2026-03-01 to 2026-04-30).
DURING = date(2026, 4, 1)
WITHHELD = vocabulary.EVALUATIONS_WITHHELD


def _left(ids) -> tuple[str, str]:
    """The first visit's team arrives and leaves (its 组长), as the business holds its codes."""
    chief = user_named("yjj_inspector")
    with tenant_scope(ids["tenant"]):
        code = visit(ids).code
        token, business = code.token, codes.business_code(code)
        with pytest.raises(ConflictError):  # before 离企
            supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "5"})
        results.record_arrival(ids["visit"], actor=chief)
        results.record_departure(ids["visit"], actor=chief)
        db.session.commit()
    return token, business


def test_the_business_evaluates_once_with_its_own_code_to_the_bureaus_row_and_chain(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, business = _left(ids)
        wrong = results_vocabulary.grouped(codes.new_typed())
        with pytest.raises(InvalidInputError) as refused:
            supervision.evaluate_visit(token, {"business_code": wrong, "satisfaction": "4"})
        assert set(refused.value.errors) == {"business_code"}
        with pytest.raises(InvalidInputError) as refused:
            supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "9", "text": "x" * 501})
        assert set(refused.value.errors) == {"satisfaction", "text"}
        made = supervision.evaluate_visit(
            token, {"business_code": business, "satisfaction": "4", "text": "检查人员态度良好。"}
        )
        with pytest.raises(InvalidInputError):  # once — which a wrong code does not learn
            supervision.evaluate_visit(token, {"business_code": wrong, "satisfaction": "1"})
        with pytest.raises(ConflictError) as refused:
            supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "1"})
        assert "已经评价过" in str(refused.value)
        bureau, department = tenant_id("SFJ"), ids["tenant"]
        with tenant_scope(bureau):
            kept = db.session.get(Evaluation, made.id)
            assert (kept.tenant_id, kept.about_tenant_id, kept.visit_id, kept.satisfaction, kept.text) == (
                bureau,
                department,
                ids["visit"],
                4,
                "检查人员态度良好。",
            )
            [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "evaluation.made"))
            assert (entry.chain, entry.actor_login, entry.object_id) == (bureau, "business", str(made.id))
            assert entry.details == {"department": "宁安市应急管理局", "visit_id": ids["visit"], "satisfaction": 4}
        with tenant_scope(department):  # the department reads neither the row nor an entry of it
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0
            assert not db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action.in_(["evaluation.made", "visit.evaluated_by_business"]))
            )
        assert queries.evaluated_at(ids["visit"], ids["tenant"]) == made.evaluated_at  # for its code's holder
        assert public_check(token=token).may_evaluate  # the page offers the form as before: it tells nobody
        assert audit.verify()[1] == []


def test_the_business_evaluates_within_the_rules_days_after_departure(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, business = _left(ids)
        days = public_check(token=token).evaluation_until - DURING
        assert days == timedelta(days=30)  # the platform's default where no document sets it
    with app.app_context(), frozen_at(DURING + timedelta(days=31)):
        assert not public_check(token=token).may_evaluate
        with pytest.raises(ConflictError) as refused:
            supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "3"})
        assert "30日" in str(refused.value)
        assert queries.evaluated_at(ids["visit"], ids["tenant"]) is None


def _read(period: str, login: str):
    reader = user_named(login)
    with tenant_scope(reader.tenant_id):  # as a request of the reader's runs
        [status] = [
            s
            for s in queries.statuses(vocabulary.parse_period(period), reader=reader)
            if s.tenant_id == tenant_id("YJJ")
        ]
    return status


@pytest.mark.seconds(3)
def test_the_bureau_reads_every_evaluation_as_before_and_each_one_on_its_drill_down(app):
    with app.app_context():
        evaluated_world()
        with frozen_at(datetime(2026, 11, 20, 10)):
            for period, known in KNOWN.items():
                status = _read(period, "sfj_supervisor")
                assert (status.evaluations, status.satisfaction) == known, period
            _, rows = queries.figure_rows(
                "evaluations", tenant_id("YJJ"), vocabulary.parse_period("2026"), reader=user_named("sfj_supervisor")
            )
        assert rows.columns == vocabulary.DRILL_COLUMNS["evaluations"] and rows.total == len(GIVEN)
        assert [row[4] for row in rows.rows] == [text_of(n) for n in range(len(GIVEN))]
        assert rows.rows[5][3] == "2分（不满意）" and rows.rows[0][0] == "2026-02-25 10:00"


def _hidden(why: str) -> dict:
    return {"evaluations": why, "satisfaction": why}


#: What the department reads of each period (count, average, why a figure is not shown), on two days.
NOVEMBER = {
    "2026Q1": (5, 4.2, {}),
    "2026H1": (0, None, _hidden(WITHHELD["subtracted"])),
    "2026Q2": (0, None, _hidden(WITHHELD["fewer"])),
    "2026Q3": (5, None, {"satisfaction": WITHHELD["same"]}),
    "2026": (0, None, _hidden(WITHHELD["running"])),
    "2026H2": (0, None, _hidden(WITHHELD["running"])),
    "2026Q4": (0, None, _hidden(WITHHELD["running"])),
}
#: Once the year has ended: the year less Q1 and Q3 leaves one; H2 less Q3 none, and its scores are all 4.
JANUARY = {
    **NOVEMBER,
    "2026": (0, None, _hidden(WITHHELD["subtracted"])),
    "2026H2": (5, None, {"satisfaction": WITHHELD["same"]}),
    "2026Q4": (0, None, _hidden(WITHHELD["fewer"])),
}


@pytest.mark.seconds(1.3)
def test_the_department_reads_its_evaluations_only_for_ended_periods_over_five_and_never_a_score(app):
    with app.app_context():
        ids = evaluated_world()
        for day, expected in ((datetime(2026, 11, 20, 10), NOVEMBER), (datetime(2027, 1, 10, 10), JANUARY)):
            with frozen_at(day):
                for period, (count, average, withheld) in expected.items():
                    status = _read(period, "yjj_leader")
                    assert (status.evaluations, status.satisfaction, status.withheld) == (count, average, withheld), (
                        day,
                        period,
                    )
        leader = user_named("yjj_leader")
        for key in vocabulary.EVALUATION_FIGURES:  # and no row, whatever the period
            with pytest.raises(ForbiddenError) as refused, tenant_scope(leader.tenant_id):
                queries.figure_rows(key, leader.tenant_id, vocabulary.parse_period("2026Q1"), reader=leader)
            assert "只有司法局可见" in str(refused.value)
        with tenant_scope(leader.tenant_id):  # the codes' rows say nothing of an evaluation
            _, rows = queries.figure_rows(
                "codes_issued", leader.tenant_id, vocabulary.parse_period("2026"), reader=leader
            )
        assert rows.total == ids["visits"] and "分" not in str(rows.rows) and "企业评价" not in rows.columns


@pytest.mark.postgres
def test_the_departments_raw_sql_reads_no_evaluation_under_row_level_security(postgres_url):
    app = make_app(postgres_url)
    with app.app_context():
        evaluated_world()
        with tenant_scope(tenant_id("YJJ")):
            assert db.session.execute(sa.text("SELECT count(*) FROM evaluation")).scalar() == 0
            assert (
                db.session.execute(
                    sa.text("SELECT count(*) FROM evaluation WHERE about_tenant_id = :t"), {"t": tenant_id("YJJ")}
                ).scalar()
                == 0
            )
        with tenant_scope(tenant_id("SFJ")):
            assert db.session.execute(sa.text("SELECT count(*) FROM evaluation")).scalar() == len(GIVEN)
        db.session.remove()
        db.engine.dispose()
