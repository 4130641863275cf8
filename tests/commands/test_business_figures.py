"""The justice bureau's figures of 扫码入企 and of the business's voice (国办发〔2024〕54号), per department
and period: 发放检查码, 扫码核验率, 入企登记率, the evaluations (count and average) and the complaints (open,
answered) — each drilling down to its visits, evaluations or complaints, as the supervisor and the department's
leader read them (the department: its evaluations as figures of ended periods only,
tests/commands/test_evaluations.py)."""

from __future__ import annotations

from datetime import datetime

import pytest

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.supervision import commands as supervision, queries, vocabulary
from tests.support.helpers import tenant_id, user_named
from tests.support.results_world import codes_of, complete_result, handed_out

YEAR = vocabulary.parse_period("2026")
COMPLAINT = {
    "text": "检查人员要求我单位提供与检查事项无关的材料。",
    "contact_name": "王经理",
    "contact_phone": "13912345678",
}


def at(hour: int, day: int = 1):
    """A moment of April 2026, Beijing time (inside the world's campaign window)."""
    return frozen_at(datetime(2026, 4, day, hour, tzinfo=SHANGHAI))


def _figures(ids, reader_login: str = "sfj_supervisor"):
    reader = user_named(reader_login)
    with tenant_scope(reader.tenant_id):  # as a request of the reader's runs
        [status] = [s for s in queries.statuses(YEAR, reader=reader) if s.tenant_id == ids["tenant"]]
    return status


@pytest.mark.seconds(3.0)
def test_a_scanned_visit_entered_at_the_door_evaluated_and_complained_about_is_counted_and_drills_down(app):
    with app.app_context():
        with at(8):
            ids = handed_out()
        token, _, business, visit_id = codes_of(ids)
        chief = user_named("yjj_inspector")
        with at(9):
            results.count_scans({token: 3, "made-up": 2})
            with tenant_scope(ids["tenant"]):
                results.record_arrival(visit_id, actor=chief)
                db.session.commit()
        with at(11), tenant_scope(ids["tenant"]):
            results.record_departure(visit_id, actor=chief)
            results.record_result(visit_id, complete_result(ids, checked_on="2026-04-01"), actor=chief)
            results.submit_result(visit_id, actor=chief)
            db.session.commit()
        with at(15):
            supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "4", "text": "态度良好。"})
            answered = supervision.complain(token, {**COMPLAINT, "business_code": business}).id
            supervision.complain(
                token, {**COMPLAINT, "text": "检查时间过长，影响正常经营。", "business_code": business}
            )
            with tenant_scope(tenant_id("SFJ")):
                supervision.answer_complaint(
                    answered, {"answer": "已核实并督促整改。"}, actor=user_named("sfj_supervisor")
                )
                db.session.commit()
        with at(16, day=2):
            status = _figures(ids)
            assert (status.codes_issued, status.codes_scanned, status.scan_rate) == (
                ids["visits"],
                1,
                round(100 / ids["visits"], 1),
            )
            assert (status.coded_results, status.entered_before_result, status.entry_rate) == (1, 1, 100.0)
            assert (status.evaluations, status.satisfaction) == (1, 4.0)
            assert (status.complaints_open, status.complaints_answered) == (1, 1)
            # the department's leader reads the same figures of their own department, but for the complaints: only
            # those the bureau forwarded to it count there (none here); and not its evaluation: the year runs, and
            # one is fewer than five
            own = _figures(ids, "yjj_leader")
            assert (own.codes_scanned, own.complaints_open, own.complaints_answered) == (1, 0, 0)
            assert (own.evaluations, own.satisfaction, own.withheld["evaluations"]) == (0, None, "统计期结束后显示")

            _name, rows = queries.figure_rows("scan_rate", ids["tenant"], YEAR, reader=user_named("sfj_supervisor"))
            assert rows.total == ids["visits"] and rows.columns == vocabulary.DRILL_COLUMNS["codes"]
            [scanned] = [r for r, ref in zip(rows.rows, rows.refs, strict=True) if ref[1] == visit_id]
            assert scanned[5] == 3 and scanned[6] == "2026-04-01 09:00" and len(scanned) == 8
            _, rows = queries.figure_rows("satisfaction", ids["tenant"], YEAR, reader=user_named("sfj_supervisor"))
            assert rows.total == 1 and rows.rows[0][3:] == ["4分（满意）", "态度良好。"] and rows.refs[0][1] == visit_id
            _, rows = queries.figure_rows("complaints_open", ids["tenant"], YEAR, reader=user_named("sfj_supervisor"))
            assert (
                rows.total == 1 and rows.rows[0][3] == "检查时间过长，影响正常经营。" and rows.refs[0][0] == "complaint"
            )
            assert "王经理" not in str(rows.rows) and "13912345678" not in str(rows.rows)  # never who complained
            _, rows = queries.figure_rows(
                "complaints_answered", ids["tenant"], YEAR, reader=user_named("sfj_supervisor")
            )
            assert rows.total == 1 and rows.refs == [("complaint", answered, tenant_id("SFJ"))]  # and whose it is
            with tenant_scope(ids["tenant"]):  # not forwarded: nothing for the department to drill into
                _, rows = queries.figure_rows(
                    "complaints_answered", ids["tenant"], YEAR, reader=user_named("yjj_leader")
                )
            assert rows.total == 0


def test_an_arrival_recorded_after_the_result_is_not_counted_as_registered(app):
    with app.app_context():
        with at(8):
            ids = handed_out()
        chief = user_named("yjj_inspector")
        with at(11), tenant_scope(ids["tenant"]):  # the result goes in with no 入企 (the rules do not require it)
            results.record_result(ids["visit"], complete_result(ids, checked_on="2026-04-01"), actor=chief)
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
        with at(10, day=3), tenant_scope(ids["tenant"]):  # then a 补录, two days later
            results.record_late_entry(
                ids["visit"],
                {
                    "arrived_at": "2026-04-01T09:00",
                    "left_at": "2026-04-01T10:30",
                    "reason": "现场网络中断，无法扫码登记。",
                },
                actor=chief,
            )
            db.session.commit()
        with at(12, day=3):
            status = _figures(ids)
            assert (status.coded_results, status.entered_before_result, status.entry_rate) == (1, 0, 0.0)
            assert status.codes_scanned == 0 and status.scan_rate == 0.0
            assert status.evaluations == 0 and status.satisfaction is None
            _, rows = queries.figure_rows("entry_rate", ids["tenant"], YEAR, reader=user_named("sfj_supervisor"))
            assert rows.total == 1 and rows.rows[0][6] == "2026-04-01 09:00（补录）"


@pytest.mark.parametrize("key", [f.key for f in vocabulary.FIGURES if f.section == "business"])
def test_every_figure_of_the_codes_has_a_definition_and_a_drill_down(key, app):
    with app.app_context():
        figure = vocabulary.BY_KEY[key]
        assert figure.definition and figure.label
        _, rows = queries.figure_rows(key, tenant_id("YJJ"), YEAR, reader=user_named("sfj_supervisor"))
        assert rows.columns and rows.total == 0
        assert key not in vocabulary.EVALUATION_FIGURES or rows.columns == vocabulary.DRILL_COLUMNS["evaluations"]
