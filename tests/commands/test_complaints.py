"""A business's complaint about an inspection (投诉), made with its 企业核验码, reaches the justice bureau alone: the
bureau reads who complained, forwards the complaint to the department complained about (转办) — with the business's
name, or without the business, the campaign, the visit and the check date — and answers the business. The department
sees nothing of a complaint until it is forwarded, then only what was forwarded, and answers the bureau; by its
queries, its figures and its drill-downs as by raw SQL under row-level security."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.supervision import commands as supervision, queries, vocabulary
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, ComplaintForward, ComplaintStatus
from spotcheck.tenants.supervision.queries import complaints as complaint_queries
from tests.support.helpers import make_app, migrate_to, tenant_id, user_named
from tests.support.results_world import codes_of, handed_out

#: The revision before complaints were forwarded (0058's parent).
_BEFORE_FORWARDS = "0058-1"
DURING = date(2026, 4, 1)  # inside the world's campaign window
YEAR = vocabulary.parse_period("2026")
COMPLAINT = {
    "text": "检查人员要求我单位提供与检查事项无关的材料。",
    "contact_name": "王经理",
    "contact_phone": "13912345678",
}
FORWARDED = "有企业反映检查人员要求提供与检查事项无关的材料，请核实。"


def _complained(ids) -> int:
    token, _, business, _ = codes_of(ids)
    return supervision.complain(token, {**COMPLAINT, "business_code": business}).id


def _bureau():
    return tenant_scope(tenant_id("SFJ"))


def _department_sees(ids, login: str = "yjj_leader") -> tuple[list, tuple[int, int]]:
    """What the department's leader reads of complaints: the forwards, and its own figures."""
    leader = user_named(login)
    with tenant_scope(ids["tenant"]):
        forwards = [f for f, _ in complaint_queries.forwarded(reader=leader)]
        [own] = queries.statuses(YEAR, reader=leader)
    return forwards, (own.complaints_open, own.complaints_answered)


def _bureau_figures(ids) -> tuple[int, int]:
    supervisor = user_named("sfj_supervisor")
    with tenant_scope(supervisor.tenant_id):
        [status] = [s for s in queries.statuses(YEAR, reader=supervisor) if s.tenant_id == ids["tenant"]]
    return status.complaints_open, status.complaints_answered


@pytest.mark.seconds(2.0)
def test_a_complaint_reaches_the_bureau_alone_and_the_department_sees_nothing_until_it_is_forwarded(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, business, _ = codes_of(ids)
        with pytest.raises(InvalidInputError) as refused:
            supervision.complain(
                token, {"business_code": business, "text": "短", "contact_name": "", "contact_phone": "123"}
            )
        assert set(refused.value.errors) == {"text", "contact_name", "contact_phone"}
        with pytest.raises(InvalidInputError) as refused:
            supervision.complain(token, {**COMPLAINT, "business_code": "0000-0000-0000"})
        assert set(refused.value.errors) == {"business_code"}
        made = _complained(ids)
        supervisor = user_named("sfj_supervisor")
        with _bureau():
            handled = complaint_queries.complaint(made, reader=supervisor)
            assert handled.complaint.about_tenant_id == ids["tenant"] and handled.forward is None
            assert handled.contact == {"name": "王经理", "phone": "13912345678"}
            assert handled.actions == {"forward", "answer"}
            kept = db.session.scalar(sa.select(ComplaintContact))
            assert "13912345678" not in kept.phone_encrypted and "王经理" not in kept.name_encrypted  # encrypted
            assert [t.obj.id for t in queries.tasks_for(supervisor) if t.kind == "complaint"] == [made]
            made_entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "complaint.made"))
            assert made_entry.tenant_id == tenant_id("SFJ")  # the bureau's chain
            assert "13912345678" not in str(made_entry.details) and "王经理" not in str(made_entry.details)
        assert _bureau_figures(ids) == (1, 0)
        # the department: no forward, no figure, no to-do, no audit entry, and the complaint itself is not found
        assert _department_sees(ids) == ([], (0, 0))
        leader = user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            assert not [t for t in queries.tasks_for(leader) if t.kind.startswith("complaint")]
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0
            assert db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action.like("complaint.%"))) is None
            with pytest.raises(ForbiddenError):
                complaint_queries.complaint(made, reader=leader)  # the bureau's page is not the department's
            _, rows = queries.figure_rows("complaints_open", ids["tenant"], YEAR, reader=leader)
            assert rows.total == 0
            with pytest.raises(ForbiddenError):
                supervision.answer_complaint(made, {"answer": "部门自行答复企业"}, actor=leader)
            with pytest.raises(ForbiddenError):
                supervision.forward_complaint(made, {"named": "yes", "text": COMPLAINT["text"]}, actor=leader)


def test_an_anonymous_forward_carries_neither_the_business_nor_the_campaign_visit_or_date_and_is_answered(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        made = _complained(ids)
        supervisor = user_named("sfj_supervisor")
        with _bureau():
            for bad, field in (({"text": FORWARDED}, "named"), ({"named": "no", "text": "短"}, "text")):
                with pytest.raises(InvalidInputError) as refused:
                    supervision.forward_complaint(made, bad, actor=supervisor)
                assert set(refused.value.errors) == {field}
            assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintForward)) == 0  # nothing changed
            forward = supervision.forward_complaint(made, {"named": "no", "text": FORWARDED}, actor=supervisor)
            forward_id = forward.id
            db.session.commit()
            with pytest.raises(ConflictError):
                supervision.forward_complaint(made, {"named": "yes", "text": FORWARDED}, actor=supervisor)  # once
            assert db.session.get(Complaint, made).text == COMPLAINT["text"]  # the original stays the bureau's
            entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "complaint.forwarded"))
            assert (entry.details["with_name"], entry.details["edited"]) == (False, True)
        [copy], figures = _department_sees(ids)
        assert figures == (1, 0)
        assert (copy.id, copy.named, copy.text) == (forward.id, False, FORWARDED)
        assert (copy.visit_id, copy.entity_name, copy.campaign_code, copy.checked_on) == (None, "", "", None)
        leader = user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            assert [t.obj.id for t in queries.tasks_for(leader) if t.kind == "complaint_forward"] == [forward.id]
            _, rows = queries.figure_rows("complaints_open", ids["tenant"], YEAR, reader=leader)
            assert (
                rows.total == 1
                and rows.rows[0][2] == "（未附企业名称）"
                and rows.refs == [("complaint_forward", forward.id)]
            )
            with pytest.raises(ForbiddenError):  # the planner reads the figures of nobody and answers nothing
                supervision.answer_forwarded(forward.id, {"answer": "已核实并整改。"}, actor=user_named("yjj_planner"))
            supervision.answer_forwarded(
                forward.id, {"answer": "已核实，已要求检查人员只索取与事项有关的材料。"}, actor=leader
            )
            db.session.commit()
            with pytest.raises(ConflictError):
                supervision.answer_forwarded(forward.id, {"answer": "再次答复司法局"}, actor=leader)
        # another department's leader: no such complaint
        with tenant_scope(tenant_id("SCJ")), pytest.raises(NotFoundError):
            supervision.answer_forwarded(forward_id, {"answer": "别的部门答复"}, actor=user_named("scj_leader"))
        assert _department_sees(ids)[1] == (0, 1)
        with _bureau():
            handled = complaint_queries.complaint(made, reader=supervisor)
            assert handled.forward.answer.startswith("已核实") and handled.complaint.status == ComplaintStatus.forwarded
            assert [t.actions for t in queries.tasks_for(supervisor) if t.kind == "complaint"] == [{"answer"}]
            supervision.answer_complaint(made, {"answer": "经核实，已督促该部门规范检查行为。"}, actor=supervisor)
            db.session.commit()
            assert complaint_queries.complaint(made, reader=supervisor).actions == frozenset()
        assert _bureau_figures(ids) == (0, 1)


def test_a_named_forward_carries_the_business_the_campaign_and_the_check_date(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):  # the team at the door: the check's day, before any result states it
            results.record_arrival(ids["visit"], actor=user_named("yjj_inspector"))
            db.session.commit()
        made = _complained(ids)
        supervisor = user_named("sfj_supervisor")
        with _bureau():
            complaint = db.session.get(Complaint, made)
            expected = (complaint.visit_id, complaint.entity_name, complaint.campaign_code, complaint.checked_on)
            supervision.forward_complaint(made, {"named": "yes", "text": COMPLAINT["text"]}, actor=supervisor)
            db.session.commit()
        [copy], _ = _department_sees(ids)
        assert copy.named and (copy.visit_id, copy.entity_name, copy.campaign_code, copy.checked_on) == expected
        assert copy.visit_id == ids["visit"] and copy.entity_name and copy.campaign_code and copy.checked_on == DURING


def test_the_bureau_answers_without_forwarding_and_the_department_never_learns_of_it(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        made = _complained(ids)
        supervisor = user_named("sfj_supervisor")
        with _bureau():
            supervision.answer_complaint(made, {"answer": "经调查，检查行为符合规定，已向企业说明。"}, actor=supervisor)
            db.session.commit()
            with pytest.raises(ConflictError):
                supervision.forward_complaint(made, {"named": "no", "text": FORWARDED}, actor=supervisor)
        assert _department_sees(ids) == ([], (0, 0)) and _bureau_figures(ids) == (0, 1)


@pytest.mark.postgres
def test_row_level_security_keeps_complaints_from_the_department_until_forwarded(postgres_url):
    app = make_app(postgres_url)
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        made = _complained(ids)
        db.session.commit()

        def reads(code: str) -> tuple[int, int, list[str]]:
            with tenant_scope(tenant_id(code)):
                found = (
                    db.session.execute(sa.text("SELECT count(*) FROM complaint")).scalar(),
                    db.session.execute(sa.text("SELECT count(*) FROM complaint_contact")).scalar(),
                    db.session.execute(sa.text("SELECT text FROM complaint_forward")).scalars().all(),
                )
                if code != "SFJ":
                    assert db.session.execute(sa.text("UPDATE complaint SET text = 'x'")).rowcount == 0
            db.session.rollback()
            return found

        assert reads("YJJ") == (0, 0, []) and reads("SCJ") == (0, 0, [])
        assert reads("SFJ") == (1, 1, [])
        supervisor = user_named("sfj_supervisor")
        with _bureau():
            supervision.forward_complaint(made, {"named": "no", "text": FORWARDED}, actor=supervisor)
            db.session.commit()
        assert reads("YJJ") == (0, 0, [FORWARDED])  # the forward, never the complaint or who made it
        assert reads("SCJ") == (0, 0, [])
        db.engine.dispose()


@pytest.mark.seconds(2.5)
def test_complaints_made_before_the_forward_existed_stay_the_bureaus_and_count_as_they_did(app):
    """0058: the complaint the department used to share becomes the bureau's alone — the department complained about
    kept for the bureau's figures, which count as before — and nothing is forwarded by the migration."""
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        made = _complained(ids)
        db.session.commit()
        before = _bureau_figures(ids)
        migrate_to(app, _BEFORE_FORWARDS)
        owner = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
        with owner.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT set_config('app.all_tenants', 'on', false)"))
            row = connection.execute(
                sa.text("SELECT receiver_tenant_id, status FROM complaint WHERE id = :id"), {"id": made}
            ).one()
        owner.dispose()
        assert tuple(row) == (ids["tenant"], "open")  # as a complaint was kept before the forward
        migrate_to(app)
        assert _bureau_figures(ids) == before == (1, 0)
        assert _department_sees(ids) == ([], (0, 0))
        with tenant_scope(tenant_id("SFJ")):
            kept = db.session.get(Complaint, made)
            assert (
                kept.about_tenant_id == ids["tenant"]
                and kept.checked_on is None
                and kept.status == ComplaintStatus.open
            )
