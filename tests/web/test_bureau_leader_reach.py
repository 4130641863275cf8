"""The justice bureau's leader (司法局领导) signs the notices of criticism of every department, so reads
every department's supervision figures as the bureau's supervisor does: the dashboard's rows, their
drill-downs, the assessment, the tables and the submissions — through the supervision policy's audited
cross-department reading, recorded in the bureau's chain under the leader's name. Every other
department's leader still reads their own department only."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.supervision import queries
from spotcheck.tenants.supervision.periods import Period
from tests.support import campaign_world
from tests.support.helpers import signed_in, user_named


def _rows(page: str) -> set[str]:
    return set(re.findall(r'<tr data-department="([A-Z]+)"', page))


def test_the_bureau_leader_reads_every_department_and_other_leaders_their_own(app):
    with app.app_context():
        world = campaign_world.build("yjj")
        bureau_leader, supervisor, yjj_leader = (
            user_named("sfj_leader"),
            user_named("sfj_supervisor"),
            user_named("yjj_leader"),
        )
        assert has_permission(bureau_leader, Permission.SUPERVISION_READ_ALL)
        assert not has_permission(yjj_leader, Permission.SUPERVISION_READ_ALL)
        assert not has_permission(bureau_leader, Permission.TENANTS_READ_ALL)  # supervision only, nothing more
        with tenant_scope(bureau_leader.tenant_id):
            every = {s.code for s in queries.statuses(Period(2026), reader=supervisor)}
            assert {s.code for s in queries.statuses(Period(2026), reader=bureau_leader)} == every
            assert {"YJJ", "SCJ", "SFJ"} <= every
            name, rows = queries.figure_rows("items", world["tenant"], Period(2026), reader=bureau_leader)
            assert name == "宁安市应急管理局" and rows.total == 1
        with tenant_scope(yjj_leader.tenant_id):
            assert [s.code for s in queries.statuses(Period(2026), reader=yjj_leader)] == ["YJJ"]
            with pytest.raises(NotFoundError):
                queries.figure_rows("items", bureau_leader.tenant_id, Period(2026), reader=yjj_leader)
        db.session.commit()
        bureau, yjj = bureau_leader.tenant_id, world["tenant"]
        scj = user_named("scj_leader").tenant_id

    leader = signed_in(app, "sfj_leader")
    page = leader.get("/supervision?period=2026").get_data(as_text=True)
    assert _rows(page) == _rows(signed_in(app, "sfj_supervisor").get("/supervision?period=2026").get_data(as_text=True))
    assert {"YJJ", "SCJ", "SFJ"} <= _rows(page) and "应急管理局" in page and "市场监督管理局" in page
    drill = leader.get(f"/supervision/departments/{yjj}/items?period=2026")
    assert drill.status_code == 200 and "应急管理局" in drill.get_data(as_text=True)
    assert leader.get(f"/supervision/assessment/{scj}?year=2026").status_code == 200
    assessment = leader.get("/supervision/assessment?year=2026").get_data(as_text=True)
    assert "应急管理局" in assessment and "市场监督管理局" in assessment
    # each deduction says what its figures are: how many times, how many points taken off
    assert re.search(r"（\d+次，扣[\d.]+分）", assessment) and not re.search(r"（\d+，−", assessment)
    assert {"YJJ", "SCJ"} <= _rows(leader.get("/reports/overview?year=2026").get_data(as_text=True))
    # reading is all the leader gains: drafting, the deductions and the filing review stay the supervisor's,
    # and the pages lead the leader to none of them
    assert leader.get("/supervision/assessment/rules").status_code == 403
    assert 'id="to-criticisms"' in page and 'id="to-archive"' not in page
    assert 'id="criticism-draft"' not in leader.get("/supervision/criticisms").get_data(as_text=True)
    plan_rows = f"/supervision/departments/{yjj}/plan_year?period=2026"
    assert "/plans/review/archive" in signed_in(app, "sfj_supervisor").get(plan_rows).get_data(as_text=True)
    assert "/plans/review/archive" not in leader.get(plan_rows).get_data(as_text=True)
    assert "起草通报" not in leader.get("/").get_data(as_text=True)

    # every such read is in the bureau's own chain, under the leader's name
    with app.app_context(), system_access("test"):
        reads = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "read.across", AuditEntry.actor_login == "sfj_leader")
        ).all()
        assert reads and {entry.tenant_id for entry in reads} == {bureau}

    # another department's leader: their own row only, another department's drill-down not found
    other = signed_in(app, "yjj_leader")
    own = other.get("/supervision?period=2026").get_data(as_text=True)
    assert _rows(own) == {"YJJ"} and "市场监督管理局" not in own
    assert other.get(f"/supervision/departments/{scj}/items?period=2026").status_code == 404
    assert other.get(f"/supervision/assessment/{scj}?year=2026").status_code == 404
    assert _rows(other.get("/reports/overview?year=2026").get_data(as_text=True)) == {"YJJ"}
