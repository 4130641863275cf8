"""A statistical table is signed only when every cell is filled (城口县's 附件3 and 附件4): the platform fills
what its records answer; the question it holds no data for (是否已出台实施意见或工作方案，注明文件名称及文号)
gets a field on the table's page, saved as the department's entry (who, when, audited). The table, its
download, the bureau's copy and the version signed show the entry; signing with the cell empty is
refused, in Chinese, naming the cell."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.supervision import (
    commands as supervision,
    commands as supervision_commands,
    queries as supervision_queries,
    submissions,
)
from spotcheck.tenants.supervision.models import ReportEntry, SubmissionStatus
from tests.support import campaign_world
from tests.support.helpers import post_form, signed_in, user_named
from tests.support.rulebooks import adopt

QUESTION = "是否已出台实施意见或工作方案（注明文件名称及文号）"
FILLER = "（平台无此数据，由填报单位填写）"
DOCUMENT = "是，《应急管理局推行“双随机、一公开”监管实施方案》（城应急发〔2026〕3号）"
DUE_WEEK = datetime(2026, 12, 21, 10, 0)  # 2026Q4's 附件4 is due on 27 December (城口县 三（三）)


def _cells(content: list) -> list:
    return [value for sheet in content for section in sheet["sections"] for row in section["rows"] for value in row]


def test_the_leader_cannot_sign_with_the_cell_empty_and_signs_the_departments_answer(app):
    with app.app_context():
        campaign_world.build("yjj")
        adopt("城口县", date(2026, 1, 1))
        planner, leader = user_named("yjj_planner"), user_named("yjj_leader")
        with frozen_at(DUE_WEEK), tenant_scope(leader.tenant_id):
            prepared = supervision.prepare({"code": "dept", "period": "2026Q4", "contact": "郑洁"}, actor=planner)
            db.session.commit()
            assert FILLER in _cells(prepared.content)
            stale = prepared.digest
            with pytest.raises(InvalidInputError) as refused:  # the hole is named, in Chinese
                supervision.submit({"code": "dept", "period": "2026Q4", "digest": stale}, actor=leader)
            assert QUESTION in refused.value.messages() and "不能签发" in refused.value.messages()
            with pytest.raises(InvalidInputError):  # nor signed at once, frozen as the records stand
                supervision.submit({"code": "dept", "period": "2026Q4", "contact": "郑洁"}, actor=leader)
            db.session.rollback()
            assert not [
                v
                for v in submissions.history(leader.tenant_id, "dept", "2026Q4")
                if v.status != SubmissionStatus.prepared
            ]
            # no other cell, nothing too long
            with pytest.raises(InvalidInputError):
                supervision.fill_cells({"code": "dept", "period": "2026Q4", "cells": {"contact": "x"}}, actor=planner)
            with pytest.raises(InvalidInputError):
                supervision.fill_cells(
                    {"code": "dept", "period": "2026Q4", "cells": {"document": "是" * 501}}, actor=planner
                )
            with pytest.raises(ForbiddenError):  # an inspector fills no table
                supervision.fill_cells(
                    {"code": "dept", "period": "2026Q4", "cells": {"document": DOCUMENT}},
                    actor=user_named("yjj_inspector"),
                )

            # the planner answers: the version waiting to be signed is built again with the answer
            [entry] = supervision.fill_cells(
                {"code": "dept", "period": "2026Q4", "cells": {"document": DOCUMENT}}, actor=planner
            )
            db.session.commit()
            assert (entry.entered_by_name, entry.value) == (planner.display_name, DOCUMENT)
            rebuilt = submissions.history(leader.tenant_id, "dept", "2026Q4")[-1]
            assert rebuilt.id == prepared.id and rebuilt.digest != stale
            assert DOCUMENT in _cells(rebuilt.content) and FILLER not in _cells(rebuilt.content)
            signed = supervision.submit({"code": "dept", "period": "2026Q4", "digest": rebuilt.digest}, actor=leader)
            db.session.commit()
            assert signed.status == SubmissionStatus.submitted and DOCUMENT in _cells(signed.content)
            audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "report.cell_entered")).all()
            assert [(a.actor_login, a.details["after"], a.details["cell"]) for a in audit] == [
                ("yjj_planner", DOCUMENT, QUESTION)
            ]
            signed_id = signed.id
        # the bureau's copy of the department's table (the tables page) shows the answer too
        supervisor = user_named("sfj_supervisor")
        with frozen_at(DUE_WEEK), tenant_scope(supervisor.tenant_id):
            job = supervision_commands.request_table("dept", "2026Q4", actor=supervisor)
            book = load_workbook(io.BytesIO(supervision_queries.table_file(job.id, supervisor)[0]))
        rows = list(book["宁安市应急管理局"].iter_rows(values_only=True))
        assert next(r for r in rows if r[1] == QUESTION)[2] == DOCUMENT
        market = list(book["宁安市市场监督管理局"].iter_rows(values_only=True))
        assert next(r for r in market if r[1] == QUESTION)[2] == FILLER

    # the signed table's download (openpyxl) holds the answer in the question's row
    client = signed_in(app, "yjj_leader")
    book = load_workbook(io.BytesIO(client.get(f"/reports/submissions/{signed_id}/download").data))
    row = next(r for r in book.worksheets[0].iter_rows(values_only=True) if r[1] == QUESTION)
    assert row[2] == DOCUMENT
    assert DOCUMENT in client.get(f"/reports/submissions/{signed_id}").get_data(as_text=True)

    # the next quarter's table shows the answer, carried over, until the department enters another
    with app.app_context(), frozen_at(datetime(2027, 3, 20, 10, 0)), tenant_scope(user_named("yjj_leader").tenant_id):
        planner = user_named("yjj_planner")
        later = supervision.prepare({"code": "dept", "period": "2027Q1", "contact": "郑洁"}, actor=planner)
        assert DOCUMENT in _cells(later.content)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportEntry)) == 1


def test_the_page_gives_the_cell_a_field_and_refuses_to_sign_it_empty(app):
    with app.app_context():
        campaign_world.build("yjj")
        adopt("城口县", date(2026, 1, 1))
    url = "/reports/dept/2026Q4"
    with frozen_at(DUE_WEEK):
        leader = signed_in(app, "yjj_leader")
        page = leader.get(url).get_data(as_text=True)
        assert 'id="duty-cells"' in page and 'name="cell-document"' in page and QUESTION in page
        assert "由本部门填写的栏目" in page and "尚未填写" in page and 'id="duty-cells-missing"' in page
        refused = post_form(leader, url + "/submit", {"contact": "郑洁"}, token_from=url)
        assert refused.status_code == 302
        after = leader.get(url).get_data(as_text=True)
        assert "不能签发" in after and f"“{QUESTION}”" in after and 'id="duty-history"' not in after

        planner = signed_in(app, "yjj_planner")
        saved = post_form(planner, url + "/cells", {"cell-document": DOCUMENT}, token_from=url)
        assert saved.status_code == 302 and saved.headers["Location"].endswith("#duty-cells")
        page = planner.get(url).get_data(as_text=True)
        assert "本部门填写的内容已保存" in page and DOCUMENT in page
        assert f"{user_named_name(app, 'yjj_planner')}于" in page and 'id="duty-cells-missing"' not in page

        signed = post_form(leader, url + "/submit", {"contact": "郑洁"}, token_from=url)
        assert signed.status_code == 302
        done = leader.get(url).get_data(as_text=True)
        assert 'id="duty-history"' in done and DOCUMENT in done.split('id="duty-preview"')[1]


def user_named_name(app, login_name: str) -> str:
    with app.app_context():
        return user_named(login_name).display_name
