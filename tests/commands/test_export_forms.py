"""The exported item list and two directories are the seed's forms (seed 003 附件1–2, seed 004):
the department's title, the 填报单位（盖章）/时间 line with the Beijing date, the headers, the rows,
and the 填报人 (who exported) / 联系电话 (the liaison's office phone, else the exporter's mobile)
line — and an export still imports back unchanged."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from spotcheck.core.clock import frozen_at
from spotcheck.tenants.spreadsheets.columns import DIRECTORY, INSPECTORS, ITEMS
from tests.support.helpers import post_form, signed_in
from tests.support.sheets import exported_on_the_page

#: 20 November 2026, 23:30 in Beijing (15:30 UTC): the date on the form is Beijing's.
LATE_EVENING = datetime(2026, 11, 20, 23, 30)

CONTACTS = {
    "responsible.name": "王亚伟",
    "responsible.post": "副局长",
    "responsible.office_phone": "0571-87654321",
    "responsible.mobile": "13800138000",
    "liaison.name": "刘娟",
    "liaison.post": "法规科科员",
    "liaison.office_phone": "0571-87650000",
    "liaison.mobile": "13911112222",
}


def _form(client, kind) -> list[tuple]:
    book = load_workbook(io.BytesIO(exported_on_the_page(client, kind.name)))
    sheet = book.worksheets[0]
    last = chr(ord("A") + len(kind.columns) - 1)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {f"A1:{last}1", f"A2:{last}2", f"A{sheet.max_row}:{last}{sheet.max_row}"} <= merged
    assert sheet.freeze_panes == "A4"
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.seconds(1.2)
def test_exports_carry_the_seeds_title_unit_line_and_filler_line(app):
    with frozen_at(LATE_EVENING):
        client = signed_in(app, "scj_admin")
        for kind in (ITEMS, DIRECTORY, INSPECTORS):
            rows = _form(client, kind)
            assert rows[0][0] == f"宁安市市场监督管理局{kind.title}"  # 城口县XXX随机抽查事项清单 / 执法检查人员名录库
            assert rows[1][0].startswith("填报单位（盖章）：宁安市市场监督管理局") and rows[1][0].endswith(
                "时间：2026年11月20日"
            )
            assert list(rows[2]) == kind.headers
            assert rows[-1][0].startswith("填报人：赵敏") and rows[-1][0].rstrip().endswith(
                "联系电话："
            )  # none known yet
            assert rows[-2] == (None,) * len(kind.columns) or not any(rows[-2])

        post_form(client, "/account/contact", {"email": "", "mobile": "13700001111"}, token_from="/account/")
        assert _form(client, ITEMS)[-1][0].endswith("联系电话：13700001111")  # the exporter's own mobile
        post_form(client, "/admin/contacts", CONTACTS, token_from="/admin/contacts")
        footer = _form(client, INSPECTORS)[-1][0]
        assert footer.endswith("联系电话：0571-87650000")  # the liaison's office phone, never a mobile
        assert "13911112222" not in footer and "13800138000" not in footer

        planner = signed_in(app, "scj_planner")
        assert _form(planner, ITEMS)[-1][0].startswith("填报人：") and "赵敏" not in _form(planner, ITEMS)[-1][0]
