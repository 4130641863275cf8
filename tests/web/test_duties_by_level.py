"""Whom a rulebook's duty binds (报送义务的适用范围), in the demo's tree 牡丹江市 → 宁安市 → 宁安镇: 宁安市's
实施方案 gives its 第9条 tables to 市直部门 (``binds = "level"``) and its 第10条 joint table to “各部门”
(本级及下级). 宁安镇 has no rulebook and applies 宁安市's (适用上级): its office owes the joint table and files
its plans with 宁安市's authorities, but is never shown owing a 市直部门 table — on its home page, in the
bureau's overview, in the bureau's tables. The public rules page says each duty's scope, and where a
rulebook's text comes from in plain words."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from spotcheck.core.clock import frozen_at
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.rules import rulebook
from spotcheck.tenants.supervision import (
    commands as supervision,
    duties,
    figures,
    policy as supervision_policy,
    queries as supervision_queries,
)
from tests.support.helpers import signed_in, tenant_id, user_named
from tests.support.page_text import visible_text

DAY = date(2026, 7, 10)  # after the first half's tables were due (7月1日)
PROGRESS = "市直部门2026年度随机抽查工作进展情况统计表"
TOWN_OFFICE = "宁安镇综合行政执法办公室"


def _row(markup: str, key: str) -> str:
    found = re.search(rf'<tr class="[^"]*" data-key="{re.escape(key)}">(.*?)</tr>', markup, re.DOTALL)
    assert found, key
    return visible_text(found.group(1))


def test_the_town_s_office_owes_the_joint_table_and_no_table_of_the_city_s_own_departments(app):
    with app.app_context():
        town = tenant_id("NAZF")
        rules = rulebook.rules_for(town, DAY)
        assert [d["table"] for d in rules.duties] == ["joint"] and "市司法局" in rules.say("duties")
        assert rules.filing_authorities == ("justice", "market")  # 第3条 reaches it: filed with 宁安市's authorities
        assert accounts.bureau_of(town).code == "SFJ"
        with frozen_at(DAY):
            assert {state.due.key for state in duties.states_of(accounts.get_tenant(town), [2026])} == {"joint/2026"}
            bureau = user_named("sfj_supervisor")
            with tenant_scope(bureau.tenant_id), supervision_policy.reading(bureau, "test") as visible:
                rows = {
                    row.due.key: {s.tenant.code for s in row.states}
                    for row in duties.overview(figures.departments(visible), [2026])
                }
        assert rows["progress/2026H1"] == {"SCJ", "YJJ", "SWJ"}  # 市直部门: the town's office is not among them
        assert "NAZF" in rows["joint/2026"] and "SCJ" in rows["joint/2026"]
    with frozen_at(DAY):
        home = visible_text(signed_in(app, "nazf_leader").get("/").get_data(as_text=True))
        city_home = visible_text(signed_in(app, "yjj_leader").get("/").get_data(as_text=True))
    assert "市直部门" not in home and TOWN_OFFICE in home
    assert f"报送《{PROGRESS}》" in city_home  # a department of 宁安市 itself still owes it


def test_the_bureau_s_table_of_the_city_s_own_departments_lists_them_alone(app):
    with app.app_context():
        bureau, town = user_named("sfj_supervisor"), tenant_id("NAZF")
        with frozen_at(DAY), tenant_scope(bureau.tenant_id):
            job = supervision.request_table("progress", "2026H1", actor=bureau)
            rows = list(load_workbook(io.BytesIO(supervision_queries.table_file(job.id, bureau)[0])).active.values)
            with pytest.raises(InvalidInputError) as refused:
                supervision.request_table("progress", "2026H1", department_id=town, actor=bureau)
            joint = supervision.request_table("joint", "2026", department_id=town, actor=bureau)
            joint_rows = list(
                load_workbook(io.BytesIO(supervision_queries.table_file(joint.id, bureau)[0])).active.values
            )
        leader = user_named("nazf_leader")  # its own department's
        with frozen_at(DAY), tenant_scope(town):
            offered = {table.code for table in supervision_queries.tables_offered(leader)}
            with pytest.raises(InvalidInputError):
                supervision.request_table("progress", "2026H1", actor=leader)
    assert rows[0][0] == PROGRESS
    listed = {row[1] for row in rows if isinstance(row[0], int)}
    assert listed == {
        "宁安市市场监督管理局",
        "宁安市应急管理局",
        "宁安市商务局",
        "宁安市司法局",
    }  # 市直部门, not the town's office
    assert "《宁安市实施方案》附件2" in refused.value.errors["department_id"][0]
    assert any(TOWN_OFFICE in str(cell) for row in joint_rows for cell in row if cell)
    assert "progress" not in offered and "practice" not in offered and {"joint", "plan"} <= offered


def test_the_public_rules_page_says_whom_each_duty_binds_and_where_the_text_comes_from(client):
    county = client.get("/public/rules?region=231084").get_data(as_text=True)
    town = client.get("/public/rules?region=231084100").get_data(as_text=True)
    duties_row, tables_row = _row(county, "duties"), _row(county, "tables")
    assert duties_row.count("适用：本级部门") == 2 and duties_row.count("适用：本级及下级部门") == 1
    assert "附件2 市直部门（年份）年度随机抽查工作进展情况统计表（适用：本级部门）" in tables_row
    assert "附件3 （年份）年度联合检查工作进展情况统计表（适用：本级及下级部门）" in tables_row
    # the town applies 宁安市's rulebook: only what binds the levels below, cited by 宁安市's articles
    assert "联合检查工作进展情况统计表" in _row(town, "duties") and "适用：本级及下级部门" in _row(town, "duties")
    assert "随机抽查工作进展情况统计表" not in _row(town, "duties") and "市直部门" not in _row(town, "tables")
    assert "《宁安市实施方案》第9条、第10条" in _row(town, "duties")
    # where the rulebook comes from, in plain words: no “预设”, no “载入”
    text = visible_text(county)
    assert "宁安市人民政府办公室印发的原文，由平台收录" in text and "录入本平台" in text and "文件校验码" in text
    for page in (county, town, client.get("/public/NAZF/rules/in-force").get_data(as_text=True)):
        assert "预设" not in visible_text(page) and "载入" not in visible_text(page)
    [version_link] = re.findall(r'href="(/public/rules/versions/\d+)"', county)[:1]
    version = visible_text(client.get(version_link).get_data(as_text=True))
    assert "宁安市人民政府办公室印发的原文，由平台收录" in version and "预设" not in version
