"""The list of each department's 负责人 and 联络员 as the supervision reads it (“双随机、一公开”工作负责人和
联络员名单 — 姓名, 职务, 联系方式; 城口县's 附件5), on its page and as a table.

Read by whoever may read the department's supervision tables: the justice bureau every
department's (through its audited cross-department reading), a department's leader and
administrator their own (:func:`listing`). The phones are on that list and in its workbook only.
"""

from __future__ import annotations

from typing import Any

from spotcheck.core.clock import today
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.contacts.queries import Listed, rows_of
from spotcheck.tenants.contacts.vocabulary import ROLES
from spotcheck.tenants.spreadsheets.forms import Section, Sheet

#: The list's title where the rulebook gives none.
TITLE = "“双随机、一公开”工作负责人和联络员名单"
HEADERS = ["序号", "单位", "类别", "姓名", "职务", "联系方式（办公电话）", "联系方式（手机）"]
NOT_GIVEN = "（未填报）"


def table_rows(listed: list[Listed]) -> list[list]:
    rows: list[Any] = []
    for entry in listed:
        for role, label in ROLES.items():
            row = entry.contacts[role]
            rows.append(
                [
                    len(rows) + 1,
                    entry.department,
                    label,
                    row.name if row else NOT_GIVEN,
                    row.post if row else "",
                    row.office_phone if row else "",
                    row.mobile if row else "",
                ]
            )
    return rows


def sheets(tenants: list[Tenant], unit: str, title: str = TITLE) -> list[Sheet]:
    """The list for ``tenants`` (read in the current scope): its title, 单位 and the filling date, one
    row per contact (a contact not recorded says so)."""
    day = today()
    rows = table_rows(rows_of(tenants))
    missing = sum(1 for row in rows if row[3] == NOT_GIVEN)
    footer = [f"尚未填报的{missing}项已注明“{NOT_GIVEN}”。"] if missing else []
    return [
        Sheet(
            "负责人和联络员名单",
            title or TITLE,
            [f"单位：{unit}", f"填表时间：{day.year}年{day.month}月{day.day}日"],
            [Section(None, HEADERS, rows, footer, widths=[6, 20, 8, 12, 20, 22, 16])],
        )
    ]
