"""A business's complaint about an inspection (投诉), made with its 企业核验码: it reaches the justice
bureau, which reads who complained and answers it (audited); the department complained about reads its
copy — the text and the answer — and never who complained, by its pages as by raw SQL under
row-level security."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import Conflict, Forbidden, ValidationFailed
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.supervision import commands as supervision, queries
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, ComplaintStatus
from tests.support.helpers import make_app, post_form, signed_in, tenant_id, user_named
from tests.support.results_world import codes_of, handed_out

DURING = date(2026, 4, 1)  # inside the world's campaign window
COMPLAINT = {"text": "检查人员要求我单位提供与检查事项无关的材料。", "contact_name": "王经理", "contact_phone": "13912345678"}


def _complained(ids) -> tuple[str, str, int]:
    token, _, business, _ = codes_of(ids)
    complaint = supervision.complain(token, {**COMPLAINT, "business_code": business})
    return token, business, complaint.id


def test_a_complaint_reaches_the_bureau_which_answers_it_and_the_department_reads_a_copy_without_the_person(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, business, _ = codes_of(ids)
        with pytest.raises(ValidationFailed) as refused:
            supervision.complain(token, {"business_code": business, "text": "短", "contact_name": "", "contact_phone": "123"})
        assert set(refused.value.errors) == {"text", "contact_name", "contact_phone"}
        with pytest.raises(ValidationFailed) as refused:
            supervision.complain(token, {**COMPLAINT, "business_code": "0000-0000-0000"})
        assert set(refused.value.errors) == {"business_code"}
        made = supervision.complain(token, {**COMPLAINT, "business_code": business}).id
        bureau, supervisor, leader = tenant_id("SFJ"), user_named("sfj_supervisor"), user_named("yjj_leader")
        with tenant_scope(bureau):
            complaint, contact, actions = queries.complaint(made, reader=supervisor)
            assert complaint.tenant_id == bureau and complaint.receiver_tenant_id == ids["tenant"]
            assert contact == {"name": "王经理", "phone": "13912345678"} and actions == {"answer"}
            kept = db.session.scalar(sa.select(ComplaintContact))
            assert "13912345678" not in kept.phone_encrypted and "王经理" not in kept.name_encrypted  # encrypted
            assert [t.obj.id for t in queries.tasks_for(supervisor) if t.kind == "complaint"] == [made]
            with pytest.raises(ValidationFailed):
                supervision.answer_complaint(made, {"answer": ""}, actor=supervisor)
            supervision.answer_complaint(made, {"answer": "经调查，已责令该部门规范检查行为。"}, actor=supervisor)
            db.session.commit()
            with pytest.raises(Conflict):
                supervision.answer_complaint(made, {"answer": "再次答复"}, actor=supervisor)  # once
            entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "complaint.answered"))
            assert entry.actor_login == supervisor.login
            made_entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "complaint.made"))
            assert "13912345678" not in str(made_entry.details) and "王经理" not in str(made_entry.details)
        with tenant_scope(ids["tenant"]):
            [(copy, allowed)] = queries.complaints(reader=leader)
            assert copy.text == COMPLAINT["text"] and copy.status == ComplaintStatus.answered and not allowed
            complaint, contact, actions = queries.complaint(made, reader=leader)
            assert contact is None and not actions  # who complained is the bureau's alone
            with pytest.raises(Forbidden):
                supervision.answer_complaint(made, {"answer": "部门自行答复"}, actor=leader)


@pytest.mark.postgres
def test_row_level_security_keeps_who_complained_from_the_department(postgres_url):
    app = make_app(postgres_url)
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        _complained(ids)
        db.session.commit()
        with tenant_scope(ids["tenant"]):  # the department complained about, as its every role reads
            assert db.session.execute(sa.text("SELECT text FROM complaint")).scalars().all() == [COMPLAINT["text"]]
            assert db.session.execute(sa.text("SELECT count(*) FROM complaint_contact")).scalar() == 0
            assert db.session.execute(sa.text(
                "UPDATE complaint_contact SET name_encrypted = 'x'")).rowcount == 0
        db.session.rollback()
        with tenant_scope(tenant_id("SCJ")):  # another department: neither the complaint nor who made it
            assert db.session.execute(sa.text("SELECT count(*) FROM complaint")).scalar() == 0
            assert db.session.execute(sa.text("SELECT count(*) FROM complaint_contact")).scalar() == 0
        db.session.rollback()
        with tenant_scope(tenant_id("SFJ")):
            assert db.session.execute(sa.text("SELECT count(*) FROM complaint_contact")).scalar() == 1
        db.session.rollback()
        db.engine.dispose()


def test_the_departments_roles_read_the_copy_on_their_pages_and_never_the_person(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        _, _, made = _complained(ids)
        db.session.commit()
    with frozen_at(DURING):
        for login in ("yjj_leader", "yjj_planner", "yjj_admin", "yjj_inspector"):
            client = signed_in(app, login)
            for path in ("/supervision/complaints", f"/supervision/complaints/{made}"):
                page = client.get(path)
                text = page.get_data(as_text=True)
                assert "王经理" not in text and "13912345678" not in text, (login, path)
        copy = signed_in(app, "yjj_leader").get(f"/supervision/complaints/{made}").get_data(as_text=True)
        assert COMPLAINT["text"] in copy and 'id="answer"' not in copy
        bureau = signed_in(app, "sfj_supervisor")
        shown = bureau.get(f"/supervision/complaints/{made}").get_data(as_text=True)
        assert "王经理 · 13912345678" in shown and 'id="answer"' in shown
        assert "答复投诉" in bureau.get("/").get_data(as_text=True)
        page = f"/supervision/complaints/{made}"
        answered = post_form(bureau, page, {"answer": "已联系企业并核实，责令整改。"}, token_from=page)
        assert answered.status_code == 200 and "已联系企业并核实" in answered.get_data(as_text=True)
        assert "已联系企业并核实" in signed_in(app, "yjj_leader").get(page).get_data(as_text=True)


def test_a_business_complains_on_its_codes_page(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, business, _ = codes_of(ids)
    with frozen_at(DURING):
        public, page = app.test_client(), f"/public/checks/{token}"
        assert 'id="complaint-form"' in public.get(page).get_data(as_text=True)
        refused = post_form(public, f"{page}/complaint", {**COMPLAINT, "contact_phone": "110", "business_code": business},
                            token_from=page)
        assert refused.status_code == 422 and "请填写11位手机号码" in refused.get_data(as_text=True)
        sent = post_form(public, f"{page}/complaint", {**COMPLAINT, "business_code": business}, token_from=page)
        assert sent.status_code == 302 and "sent=complaint" in sent.headers["Location"]
        assert 'id="business-complained"' in public.get(sent.headers["Location"]).get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant_id("SFJ")):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1
