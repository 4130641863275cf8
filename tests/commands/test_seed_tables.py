"""The statistical tables as a civil servant opens them in Excel: counts and rates are numbers (the
total rows included, rates formatted to one decimal), and a department that ran no random check in
the period is not listed as 已实行“双随机”抽查 (城口县's 附件3) but named 未实行."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.spreadsheets.forms import shown
from spotcheck.tenants.supervision import commands as supervision_commands, queries as supervision_queries
from tests.support.campaign_world import ITEM_BASICS, build
from tests.support.helpers import user_named
from tests.support.rulebooks import adopt
from tests.support.supervision_world import TODAY, supervision_world as _world


def _books(codes) -> dict:
    supervisor = user_named("sfj_supervisor")
    books = {}
    with frozen_at(TODAY), tenant_scope(supervisor.tenant_id):
        for code in codes:
            job = supervision_commands.request_table(code, "2026", actor=supervisor)
            books[code] = load_workbook(io.BytesIO(supervision_queries.table_file(job.id, supervisor)[0])).worksheets[0]
    return books


def _table(sheet) -> tuple[list[str], dict[str, list]]:
    """The headers and the rows (cells) by the name in the second column (合计 by its first)."""
    rows = list(sheet.iter_rows())
    at = next(i for i, row in enumerate(rows) if row[0].value == "序号")
    headers = [c.value for c in rows[at]]
    found = {}
    for row in rows[at + 1 :]:
        if row[0].value == "合计":
            found["合计"] = list(row)
        elif isinstance(row[0].value, int):
            found[row[1].value] = list(row)
    return headers, found


@pytest.mark.seconds(2.6)
def test_counts_and_rates_are_numbers_in_every_row_the_total_too(app):
    with app.app_context():
        _world()
        books = _books(("progress", "practice", "plan"))

    headers, rows = _table(books["progress"])
    rate = headers.index("按时公示率（%）")
    for name in ("宁安市应急管理局", "合计"):
        cells = rows[name]
        assert cells[rate].value == 50.0 and cells[rate].data_type == "n", name  # not the text '50.0'
        assert cells[rate].number_format == "0.0"
        for index, header in enumerate(headers[2:], start=2):
            if index != rate:
                assert isinstance(cells[index].value, int) and cells[index].data_type == "n", (name, header)
    assert (rows["合计"][headers.index("已检查户次")].value, rows["合计"][headers.index("应公示户次")].value) == (2, 2)
    assert shown(rows["合计"][rate].value, rows["合计"][rate].number_format) == "50.0"  # as a page shows it

    headers, rows = _table(books["practice"])
    for header, want in (("覆盖率（%）", 100.0), ("按时公示率（%）", 50.0)):
        for name in ("宁安市应急管理局", "合计"):
            cell = rows[name][headers.index(header)]
            assert (cell.value, cell.data_type, cell.number_format) == (want, "n", "0.0"), (name, header)
    assert rows["合计"][headers.index("其他领域检查事项数")].value == 1

    headers, rows = _table(books["plan"])
    ratio = rows["宁安市应急管理局"][headers.index("抽查比例（%）")]
    assert ratio.value == 5 and ratio.data_type == "n"


def test_a_department_with_no_checks_is_not_listed_as_practising(app):
    with app.app_context():
        _world()  # 应急管理局 ran a campaign in 2026
        with frozen_at(date(2026, 2, 20)):  # 商务局: a published item list, a filed plan, no campaign
            build("swj", entities=5)
        adopt("城口县", date(2026, 1, 1))  # the area-wide table is 城口县's (its 附件3)
        sheet = _books(("area",))["area"]
    values = [row for row in sheet.iter_rows(values_only=True)]
    at = values.index(
        ("序号", "部门名称", "是否制定实施细则", "是否编制“一单两库”", "实行抽查事项项数", "已开展抽查次数")
    )
    listed = {row[1]: row for row in values[at + 1 :] if isinstance(row[0], int)}
    assert "宁安市应急管理局" in listed and "宁安市商务局" not in listed
    assert all(row[5] > 0 for row in listed.values())  # every department listed has run a check
    lines = [row[0] for row in values if isinstance(row[0], str)]
    assert any(line.startswith("合计共1个部门") for line in lines)
    idle = next(line for line in lines if line.startswith("统计期内未实行"))
    assert "宁安市商务局" in idle and "宁安市应急管理局" not in idle
    assert any("2个部门已公布" in str(row[2]) for row in values if row[1] == "是否已编制随机抽查事项清单")


def test_the_department_table_lists_only_the_items_checked_in_the_period(app):
    """城口县's 附件4 (已实行“双随机”抽查的…事项情况) lists an item only when a campaign of the period checked
    it (已开展抽查次数 > 0), its 合计 counting those against the field's items; an item under random
    checking that no campaign checked is named apart, not listed as 已实行."""
    with app.app_context():
        ids = _world()  # 应急管理局's item checked by its campaign of March 2026
        admin = user_named("yjj_admin")
        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 2, 20)):
            idle = items.create_item({**ITEM_BASICS, "name": "烟花爆竹经营单位检查", "field": "other"}, actor=admin)
            items.publish_item(idle.id, actor=admin)
            db.session.commit()
        adopt("城口县", date(2026, 1, 1))
        supervisor = user_named("sfj_supervisor")
        with frozen_at(TODAY), tenant_scope(supervisor.tenant_id):
            job = supervision_commands.request_table("dept", "2026", actor=supervisor)
            book = load_workbook(io.BytesIO(supervision_queries.table_file(job.id, supervisor)[0]))
    values = list(book["宁安市应急管理局"].iter_rows(values_only=True))
    at = values.index(("三、已实行“双随机”抽查的其他行政检查事项情况",) + (None,) * (len(values[0]) - 1))
    listed = [row for row in values[at:] if isinstance(row[0], int)]
    assert [row[1] for row in listed] == ["危险化学品安全生产检查"] and all(row[4] > 0 for row in listed)
    lines = [row[0] for row in values[at:] if isinstance(row[0], str)]
    assert "合计共1项，占本部门其他行政检查事项总数的比例为50.0%。" in lines
    assert "统计期内已纳入随机抽查但未开展抽查的事项：烟花爆竹经营单位检查。" in lines
    assert not any(row[1] == "烟花爆竹经营单位检查" for row in values if isinstance(row[0], int))
    # 附件3 counts the same items: 实行抽查事项项数 is what 附件4 lists, not the item list's length
    with app.app_context(), frozen_at(TODAY), tenant_scope(supervisor.tenant_id):
        job = supervision_commands.request_table("area", "2026", actor=supervisor)
        area = list(
            load_workbook(io.BytesIO(supervision_queries.table_file(job.id, supervisor)[0])).active.iter_rows(
                values_only=True
            )
        )
    row = next(row for row in area if row[1] == "宁安市应急管理局")
    assert row[4] == 1, row


def test_a_cell_is_shown_as_its_column_formats_it():
    assert (shown(50.0, "0.0"), shown(33.333, "0.0"), shown(5.0), shown(2.5), shown(7), shown(None), shown("—")) == (
        "50.0",
        "33.3",
        "5",
        "2.5",
        "7",
        "",
        "—",
    )
