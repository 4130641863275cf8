"""Seed 003 附件5 (“双随机、一公开”工作负责人和联络员名单): a department's administrator records its
负责人 and 联络员 (name, post, office phone, mobile); a bad form changes nothing and names the
field; the justice bureau reads every department's list, a leader their own, nobody else; the
phones never reach the audit trail or a public page; the list is the table 003-5 (.xlsx)."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.contacts.models import DepartmentContact
from spotcheck.tenants.supervision import commands as supervision_commands, queries as supervision_queries
from tests.support.helpers import post_form, signed_in, user_named

SCJ = {
    "responsible.name": "王亚伟",
    "responsible.post": "副局长",
    "responsible.office_phone": "0571-87654321",
    "responsible.mobile": "13800138000",
    "liaison.name": "刘娟",
    "liaison.post": "法规科科员",
    "liaison.office_phone": "7622333",
    "liaison.mobile": "",
}
YJJ = {
    "responsible.name": "赵侠",
    "responsible.post": "局长",
    "responsible.office_phone": "023-59220329",
    "responsible.mobile": "",
    "liaison.name": "张萌",
    "liaison.post": "办公室主任",
    "liaison.office_phone": "",
    "liaison.mobile": "13912345678",
}


def _rows() -> list[tuple]:
    with system_access("test"):
        return sorted(
            db.session.execute(
                sa.select(
                    DepartmentContact.tenant_id,
                    DepartmentContact.role,
                    DepartmentContact.name,
                    DepartmentContact.office_phone,
                    DepartmentContact.mobile,
                )
            ).all()
        )


def test_the_administrator_records_the_two_contacts_and_a_bad_form_changes_nothing(app):
    client = signed_in(app, "scj_admin")
    page = client.get("/admin/contacts")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "负责人" in page.get_data(as_text=True) and "联络员" in page.get_data(as_text=True)

    bad = {**SCJ, "liaison.name": "", "responsible.mobile": "1380013800", "liaison.office_phone": "电话"}
    response = post_form(client, "/admin/contacts", bad, token_from="/admin/contacts")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "请填写联络员的姓名" in text
        and "负责人的手机号码应为11位大陆手机号码" in text
        and "联络员的办公电话格式不对" in text
    )
    assert 'value="王亚伟"' in text  # what was typed stays in the form
    with app.app_context():
        assert _rows() == []

    response = post_form(client, "/admin/contacts", SCJ, token_from="/admin/contacts")
    assert response.status_code == 302
    with app.app_context():
        scj = user_named("scj_admin").tenant_id
        assert _rows() == [
            (scj, "liaison", "刘娟", "7622333", ""),
            (scj, "responsible", "王亚伟", "0571-87654321", "13800138000"),
        ]
        with system_access("test"):
            entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "contacts.saved")).all()
        assert len(entries) == 1 and entries[0].tenant_id == scj
        written = str(entries[0].details)
        assert "王亚伟" in written and "87654321" not in written and "13800138000" not in written  # masked
    # the same form again changes nothing and records nothing
    post_form(client, "/admin/contacts", SCJ, token_from="/admin/contacts")
    with app.app_context(), system_access("test"):
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "contacts.saved")
            )
            == 1
        )
    audit = signed_in(app, "scj_admin").get("/audit").get_data(as_text=True)
    assert "负责人和联络员" in audit and "87654321" not in audit


def test_who_reads_the_list_and_the_table(app):
    post_form(signed_in(app, "scj_admin"), "/admin/contacts", SCJ, token_from="/admin/contacts")
    post_form(signed_in(app, "yjj_admin"), "/admin/contacts", YJJ, token_from="/admin/contacts")

    bureau = signed_in(app, "sfj_supervisor").get("/supervision/contacts")
    text = bureau.get_data(as_text=True)
    assert bureau.status_code == 200 and bureau.headers["Cache-Control"] == "private, no-store"
    for value in ("王亚伟", "0571-87654321", "13800138000", "刘娟", "赵侠", "13912345678", "司法局"):
        assert value in text, value
    assert "尚未填报" in text or "Not recorded" in text or "未填报" in text  # 司法局 itself recorded none

    own = signed_in(app, "yjj_leader").get("/supervision/contacts").get_data(as_text=True)
    assert "赵侠" in own and "13912345678" in own and "王亚伟" not in own and "0571-87654321" not in own
    yjj_admin = signed_in(app, "yjj_admin").get("/admin/contacts").get_data(as_text=True)
    assert 'value="赵侠"' in yjj_admin and "王亚伟" not in yjj_admin
    for login in ("scj_planner", "scj_inspector", "scj_coord"):
        client = signed_in(app, login)
        assert client.get("/supervision/contacts").status_code == 403, login
        assert client.get("/admin/contacts").status_code == 403, login
        assert post_form(client, "/admin/contacts", YJJ).status_code == 403, login
    anonymous = app.test_client()
    for url in ("/public", "/public/SCJ/items", "/public/YJJ/items"):
        assert "13800138000" not in anonymous.get(url).get_data(as_text=True)

    with app.app_context():
        supervisor, leader = user_named("sfj_supervisor"), user_named("yjj_leader")
        with tenant_scope(supervisor.tenant_id):
            job = supervision_commands.request_table("contacts", "2026", actor=supervisor)
            everyone = load_workbook(io.BytesIO(supervision_queries.table_file(job.id, supervisor)[0])).worksheets[0]
        with tenant_scope(leader.tenant_id):
            job = supervision_commands.request_table("contacts", "2026", actor=leader)
            data, name = supervision_queries.table_file(job.id, leader)
            mine = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(everyone.iter_rows(values_only=True))
    assert rows[0][0] == "“双随机、一公开”工作负责人和联络员名单" and rows[1][0].startswith("单位：")
    header = rows.index(("序号", "单位", "类别", "姓名", "职务", "联系方式（办公电话）", "联系方式（手机）"))
    listed = {(r[1], r[2]): r[3:] for r in rows[header + 1 :] if isinstance(r[0], int)}
    assert listed[("宁安市市场监督管理局", "负责人")] == ("王亚伟", "副局长", "0571-87654321", "13800138000")
    assert listed[("宁安市应急管理局", "联络员")] == ("张萌", "办公室主任", None, "13912345678")
    assert listed[("宁安市司法局", "负责人")][0] == "（未填报）"
    own_rows = [r for r in mine.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert "应急管理局" in name and {r[1] for r in own_rows} == {"宁安市应急管理局"} and len(own_rows) == 2
    assert re.match(r"^填报人：", str(list(mine.iter_rows(values_only=True))[-1][0]))
