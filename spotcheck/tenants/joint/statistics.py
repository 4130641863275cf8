"""The year's joint-inspection statistics (联合检查工作进展情况统计表): seed 001's 附件3.

Seed 001 (宁安市 实施方案, item 10) asks every department to file, before 1 January, the past
year's 《ＸＸ年度联合检查工作进展情况统计表》 with the justice bureau; it is listed as 附件3
("3. ＸＸ年度联合检查工作进展情况统计表"). The seed gives the table **by its title only**: the form
itself (its column headers, a unit or filler line, 填表人 / 填表时间) is not part of the seed text.
So the title below is the seed's, word for word (``ＸＸ`` standing for the year), and there is no
unit/filler line, because the seed has none to reproduce. The columns are the platform's own,
named in the seed's words (户次, 检查事项, 联合检查, 参与部门), and each one is filled from the data;
no header is left blank because no header of the seed's is known that the data cannot fill.
What such a form commonly also asks and the data cannot give is therefore *not* added as empty
columns: problems found and how they were handled (发现问题 / 处理情况: a department's results are
its own, and the lead reads only the public register, whose result categories say nothing of
"a problem" by themselves), the filler's name and telephone (填报人 / 联系电话: not data of the
platform), and remarks (备注).

One row per joint campaign of the year that the department leads and has approved (a campaign in
preparation has no departments fixed yet: it is counted apart, :attr:`Table.in_preparation`),
then the total (合计). Each row, for one joint campaign:

* 参与部门 / 参与部门数 — the departments with an approved part (``joint_parts``); the lead counts
  only if it takes part with items of its own. The total counts each department once.
* 联合抽查次数 — 1; the total is the number of joint campaigns.
* 检查事项数 — the items of all the parts added up (each department checks its own items).
* 实际检查户次 — visits made: the distinct entities drawn (one visit by a mixed team each).
* 各部门抽查户次合计 — the departments' selections added up (what separate teams would each visit).
* 分别抽查预计户次 — the visits separate, independent draws of the same cells would need on average
  (:func:`spotcheck.tenants.joint.figures.savings`), to one decimal.
* 减少检查户次 — that minus the visits made, rounded to whole visits (half up, never below 0); the
  total is the sum of the rows' whole numbers, so the column adds up.
* 已完成检查户次 — visits whose every department has published its result (public register).

Before the target draw the visit figures are unknown and left blank; totals add the known ones.
Everything is read in the current scope: the lead's own rows (the joint campaign, its draws and
visit list) or, for :func:`campaign_figures`, a participant's joint scope.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import NOT_CARRIED_OUT, Campaign
from spotcheck.tenants.joint import figures
from spotcheck.tenants.spreadsheets import forms


class Column(NamedTuple):
    key: str  # the attribute of :class:`Figures`
    header: str  # the header, in Chinese, on the page and in the workbook
    width: int  # the workbook's column width (characters)


#: Seed 001, 附件3, word for word (ＸＸ: the year).
SEED_TITLE = "ＸＸ年度联合检查工作进展情况统计表"
#: The table's columns: the one statement of the headers, read by the page and the workbook.
COLUMNS: tuple[Column, ...] = (
    Column("number", "序号", 6),
    Column("code", "联合抽查编号", 24),
    Column("title", "联合抽查名称", 30),
    Column("lead", "牵头部门", 16),
    Column("departments", "参与部门", 30),
    Column("department_count", "参与部门数", 10),
    Column("campaigns", "联合抽查次数", 10),
    Column("items", "检查事项数", 10),
    Column("visits", "实际检查户次", 12),
    Column("checks", "各部门抽查户次合计", 14),
    Column("separate", "分别抽查预计户次", 14),
    Column("saved", "减少检查户次", 12),
    Column("complete", "已完成检查户次", 12),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
TOTAL_LABEL = "合计"
SHEET_NAME = "联合检查工作进展情况"
#: The numeric columns (right-aligned on the page; ``separate`` shown to one decimal).
NUMERIC = frozenset({"department_count", "campaigns", "items", "visits", "checks", "separate", "saved", "complete"})


def title(year: int) -> str:
    """The seed's title for ``year``: ``2026年度联合检查工作进展情况统计表``."""
    return SEED_TITLE.replace("ＸＸ", str(year))


def file_name(year: int) -> str:
    return f"{title(year)}.xlsx"


def whole_visits(value: float) -> int:
    """Rounded to whole visits, half up (``round`` would round 2.5 to 2)."""
    return int(math.floor(value + 0.5))


@dataclass
class Figures:
    """One row of the table: a joint campaign's figures, or the total (``number`` is then "合计")."""

    number: int | str | None = None
    code: str = ""
    title: str = ""
    lead: str = ""
    departments: str = ""
    department_count: int = 0
    campaigns: int = 1
    items: int = 0
    visits: int | None = None
    checks: int | None = None
    separate: float | None = None
    saved: int | None = None
    complete: int | None = None
    campaign_id: int | None = None
    department_names: list[str] = field(default_factory=list)
    #: The departments (tenant ids) behind ``department_names``, for the total's distinct count.
    department_ids: list[int] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        return self.visits is not None

    def cells(self) -> list:
        """The row's values in the order of :data:`COLUMNS` (``None`` for a blank cell)."""
        return [getattr(self, column.key) for column in COLUMNS]


@dataclass
class Table:
    year: int
    title: str
    rows: list[Figures]
    total: Figures
    #: Joint campaigns of the year still in preparation (not in the table).
    in_preparation: int = 0


def _parts(campaign: Campaign) -> list[dict]:
    return [part for _group, part in sorted((campaign.joint_parts or {}).items())]


def campaign_figures(campaign: Campaign, number: int | None = None) -> Figures:
    """The figures of one joint campaign (for its page, or a row of the year's table)."""
    parts = _parts(campaign)
    names = [part.get("name", "") for part in parts]
    row = Figures(number=number, code=campaign.code, title=campaign.title,
                  lead=campaign.tenant.name if campaign.tenant is not None else "",
                  departments="、".join(names), department_names=names, department_count=len(parts),
                  department_ids=[part.get("tenant_id") for part in parts],
                  campaigns=1, items=sum(len(part.get("items") or []) for part in parts), campaign_id=campaign.id)
    saving = figures.savings(campaign)
    if saving is not None:
        row.visits, row.checks = saving.visits, saving.checks
        row.separate = round(saving.separate, 1)
        row.saved = whole_visits(saving.saved)
        row.complete = figures.complete_visits(campaign) if saving.visits else 0
    return row


def _joint_campaigns(year: int) -> list[Campaign]:
    """The department's joint campaigns of ``year`` (its own rows: the scope sees no other's), oldest first."""
    return list(db.session.scalars(sa.select(Campaign).where(Campaign.joint.is_(True), Campaign.year == year)
                                   .order_by(Campaign.created_at, Campaign.id)))


def _sum(values) -> int | float | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def total_of(rows: list[Figures]) -> Figures:
    departments: dict[int, str] = {}  # each department once, however many joint campaigns it took part in
    for row in rows:
        for tenant_id, name in zip(row.department_ids, row.department_names):
            departments.setdefault(tenant_id, name)
    names = list(departments.values())
    separate = _sum(row.separate for row in rows)
    return Figures(number=TOTAL_LABEL, departments="、".join(names), department_names=names,
                   department_count=len(departments), campaigns=len(rows), items=sum(row.items for row in rows),
                   visits=_sum(row.visits for row in rows), checks=_sum(row.checks for row in rows),
                   separate=round(separate, 1) if separate is not None else None,
                   saved=_sum(row.saved for row in rows), complete=_sum(row.complete for row in rows))


def year_table(year: int) -> Table:
    """The table of ``year`` for the department in scope (the lead): its approved joint campaigns
    of the year, one row each, and the total."""
    campaigns = _joint_campaigns(year)
    counted = [c for c in campaigns if c.status not in NOT_CARRIED_OUT]
    rows = [campaign_figures(campaign, number) for number, campaign in enumerate(counted, start=1)]
    return Table(year=year, title=title(year), rows=rows, total=total_of(rows),
                 in_preparation=len(campaigns) - len(counted))


def years() -> list[int]:
    """The years to choose from: those of the department's joint campaigns and the present one, newest first."""
    found = set(db.session.scalars(sa.select(Campaign.year).where(Campaign.joint.is_(True)).distinct()))
    return sorted(found | {today().year}, reverse=True)


# --- the workbook ------------------------------------------------------------------------------


def section(rows: list[Figures], total: Figures) -> forms.Section:
    """The table as a section of a form: the headers, one row per joint campaign, the total (bold);
    the expected separate visits to one decimal. Shared with the justice bureau's copy of the table."""
    return forms.Section(None, list(HEADERS), [row.cells() for row in rows] + [total.cells()],
                         widths=[column.width for column in COLUMNS], total=True,
                         formats={index: "0.0" for index, column in enumerate(COLUMNS) if column.key == "separate"})


def workbook(year: int) -> bytes:
    """The year's table as an .xlsx: the seed's title merged across the first row, the headers,
    one row per joint campaign, the total; Chinese throughout."""
    table = year_table(year)
    return forms.write([forms.Sheet(SHEET_NAME, table.title, [], [section(table.rows, table.total)], signature=None)])
