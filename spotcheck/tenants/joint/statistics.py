"""The joint-inspection statistics (联合检查工作进展情况统计表), one table whoever asks.

A rulebook may ask every department to file the past year's table with the justice bureau (宁安市's
实施方案 第10条: 每年的1月1日前，各部门要将上一年度《××年度联合检查工作进展情况统计表》报送市司法局备案,
its 附件3); the document gives the table **by its title only**, and the title is the rulebook's
(:meth:`spotcheck.tenants.rules.rulebook.Rules.table_title`, the year filled in). The lines under it
are those of the other forms (统计期, 填报单位（盖章）, 填表时间) and the foot is the 填报人/联系电话 line.
The columns are the platform's own, named in the seed's words (户次, 检查事项, 联合检查, 参与部门),
and each one is filled from the data. What the data cannot give is *not* added as empty columns:
problems found and how they were handled (a department's results are its own; the lead reads only
the public register) and remarks (备注).

:func:`build` is the one builder: the lead department's page and download and the justice bureau's
table (:mod:`spotcheck.tenants.supervision.tables`, ``joint``) call it, so a department's table is the
same whoever asks — who may ask is decided by the caller, never what the table holds. For one
department its rows are the joint campaigns of the period it led or took part in (an approved
part); for the bureau's summary every joint campaign. A campaign in preparation has no
departments fixed yet: it is counted apart (:attr:`Table.in_preparation`). Then the total (合计).
Each row, for one joint campaign:

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
A campaign is read where the reader may read it: in the current scope (the lead's own rows, or
the justice bureau's cross-department reading) or a participant's joint scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, Protocol

import sqlalchemy as sa

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import current_tenant_id, joint_scope
from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.campaigns.models import NOT_CARRIED_OUT, Campaign, CampaignStatus
from spotcheck.tenants.joint import figures
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.vocabulary import ParticipantStatus
from spotcheck.tenants.rules.rulebook import rules_for_region
from spotcheck.tenants.rules.vocabulary import TABLE_NAMES
from spotcheck.tenants.spreadsheets import forms

#: What the builder tells as it reads each joint campaign (an export job's progress):
#: ``progress(percent, done, total)``.
Progress = Callable[[int, int | None, int | None], None]


class Column(NamedTuple):
    key: str  # the attribute of :class:`Figures`
    header: str  # the header, in Chinese, on the page and in the workbook
    width: int  # the workbook's column width (characters)


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


def title(year: int, region_id: int | None = None) -> str:
    """The table's title for ``year``: the one the rules of region ``region_id`` (the level's rulebook, its 实施方案;
    None: the root's) give it (``2026年度联合检查工作进展情况统计表``), or the platform's where they do not use
    the table."""
    rules = rules_for_region(region_id, date(year, 1, 1))
    return rules.table_title("joint", year) if "joint" in rules.tables else f"{year}年度{TABLE_NAMES['joint']}"


def file_name(table: Table) -> str:
    """The workbook's file name: the table's title."""
    return f"{table.title}.xlsx"


@dataclass
class Figures:
    """One row of the table: a joint campaign's figures, or the total (``number`` is then "合计")."""

    number: int | str | None = None
    code: str | None = ""  # a joint campaign's code, none before its approval
    title: str = ""
    lead: str = ""
    departments: str = ""
    department_count: int = 0
    campaigns: int = 1
    items: int = 0
    visits: int | float | None = None  # a total sums them
    checks: int | float | None = None
    separate: float | None = None
    saved: int | float | None = None
    complete: int | float | None = None
    campaign_id: int | None = None
    department_names: list[str] = field(default_factory=list)
    #: The departments (tenant ids) behind ``department_names``, for the total's distinct count.
    department_ids: list[int | None] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        return self.visits is not None

    def cells(self) -> list:
        """The row's values in the order of :data:`COLUMNS` (``None`` for a blank cell)."""
        return [getattr(self, column.key) for column in COLUMNS]


class Period(Protocol):
    """A reporting period (统计期) as :class:`spotcheck.tenants.supervision.periods.Period` gives it."""

    @property
    def year(self) -> int: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...
    @property
    def label(self) -> str: ...


@dataclass
class Table:
    """The table of one period for one department (its ``unit``) or for every department."""

    year: int
    title: str
    rows: list[Figures]
    total: Figures
    #: The lines under the title: the period, the unit (填报单位), the day it is filled (填表时间).
    lines: list[str] = field(default_factory=list)
    #: Joint campaigns of the period the department leads still in preparation (not in the table).
    in_preparation: int = 0


def _parts(campaign: Campaign) -> list[dict]:
    return [part for _group, part in sorted((campaign.joint_parts or {}).items())]


def campaign_figures(campaign: Campaign, number: int | None = None) -> Figures:
    """The figures of one joint campaign (for its page, or a row of the year's table)."""
    parts = _parts(campaign)
    names = [part.get("name", "") for part in parts]
    row = Figures(
        number=number,
        code=campaign.code,
        title=campaign.title,
        lead=campaign.tenant.full_name,
        departments="、".join(names),
        department_names=names,
        department_count=len(parts),
        department_ids=[part.get("tenant_id") for part in parts],
        campaigns=1,
        items=sum(len(part.get("items") or []) for part in parts),
        campaign_id=campaign.id,
    )
    saving = figures.savings(campaign)
    if saving is not None:
        row.visits, row.checks = saving.visits, saving.checks
        row.separate = round(saving.separate, 1)
        row.saved = saving.saved_visits
        row.complete = figures.complete_visits(campaign) if saving.visits else 0
    return row


def _sum(values: Iterable[int | float | None]) -> int | float | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def total_of(rows: list[Figures]) -> Figures:
    departments: dict[int | None, str] = {}  # each department once, however many joint campaigns it took part in
    for row in rows:
        for tenant_id, name in zip(row.department_ids, row.department_names, strict=True):
            departments.setdefault(tenant_id, name)
    names = list(departments.values())
    separate = _sum(row.separate for row in rows)
    return Figures(
        number=TOTAL_LABEL,
        departments="、".join(names),
        department_names=names,
        department_count=len(departments),
        campaigns=len(rows),
        items=sum(row.items for row in rows),
        visits=_sum(row.visits for row in rows),
        checks=_sum(row.checks for row in rows),
        separate=round(separate, 1) if separate is not None else None,
        saved=_sum(row.saved for row in rows),
        complete=_sum(row.complete for row in rows),
    )


def _in(period: Period) -> sa.ColumnElement[bool]:
    """A joint campaign of the period, past its preparation (its window starts in the period, as
    every supervision figure counts a campaign)."""
    return sa.and_(
        Campaign.joint.is_(True),
        Campaign.status.not_in(NOT_CARRIED_OUT),
        Campaign.window_start >= period.start,
        Campaign.window_start <= period.end,
    )


def _campaign_ids(period: Period, department_id: int | None) -> list[int]:
    """The joint campaigns of the table: every one the scope shows (``department_id`` None), or
    those the department leads and those it took part in with an approved part — chosen from rows
    the department and the justice bureau both read (its own campaigns, its invitations); the
    period is checked on each campaign as it is read (:func:`_figures`)."""
    if department_id is None:
        return list(db.session.scalars(sa.select(Campaign.id).where(_in(period))))
    led = sa.select(Campaign.id).where(Campaign.joint.is_(True), Campaign.tenant_id == department_id)
    took_part = sa.select(JointParticipant.campaign_id).where(
        JointParticipant.receiver_tenant_id == department_id, JointParticipant.status == ParticipantStatus.approved
    )
    return sorted(set(db.session.scalars(led)) | set(db.session.scalars(took_part)))


def _figures(campaign_id: int, period: Period) -> tuple[tuple[date, int], Figures] | None:
    """One joint campaign's row, read where the reader may read it: in the current scope (the lead,
    the justice bureau) or the department's joint scope (a participant reads the lead's rows there)."""
    query = sa.select(Campaign).where(Campaign.id == campaign_id, _in(period))
    campaign = db.session.scalar(query)
    if campaign is not None:
        return (campaign.window_start, campaign.id), campaign_figures(campaign)
    with joint_scope(current_tenant_id(), campaign_id):
        campaign = db.session.scalar(query)
        if campaign is None:
            return None
        return (campaign.window_start, campaign.id), campaign_figures(campaign)


def build(
    period: Period,
    department_id: int | None,
    unit: str,
    *,
    filled_on: date | None = None,
    region_id: int | None = None,
    progress: Progress | None = None,
) -> Table:
    """The table of ``period`` (seed 001 附件3), one builder whoever asks: the joint campaigns of the
    department ``department_id`` (led or taken part in), or of every department (``None``), one row
    each in the order of their windows, and the total; ``unit`` is the 填报单位. The lead department
    and the justice bureau asking for the same department get the same table. Its title is the one the rules of
    the department's region give it, or for every department's those of ``region_id`` (the bureau's; None: the
    root's). ``progress`` is told the joint campaigns read of their number (the export job's progress)."""
    ids = _campaign_ids(period, department_id)
    found = []
    for done, campaign_id in enumerate(ids, start=1):
        if (read := _figures(campaign_id, period)) is not None:
            found.append(read)
        if progress is not None:
            progress(90 * done // len(ids), done, len(ids))
    rows = [figures for _key, figures in sorted(found, key=lambda pair: pair[0])]
    for number, row in enumerate(rows, start=1):
        row.number = number
    preparing = 0
    if department_id is not None:
        preparing = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Campaign)
                .where(
                    Campaign.joint.is_(True),
                    Campaign.tenant_id == department_id,
                    Campaign.status == CampaignStatus.draft,
                    Campaign.window_start >= period.start,
                    Campaign.window_start <= period.end,
                )
            )
            or 0
        )
    day = filled_on or today()
    lines = [f"（{period.label}）", f"填报单位（盖章）：{unit}", f"填表时间：{day.year}年{day.month}月{day.day}日"]
    return Table(
        year=period.year,
        title=title(period.year, get_tenant(department_id).region_id if department_id is not None else region_id),
        rows=rows,
        total=total_of(rows),
        lines=lines,
        in_preparation=preparing,
    )


def years() -> list[int]:
    """The years to choose from: those of the department's joint campaigns and the present one, newest first."""
    found = set(db.session.scalars(sa.select(Campaign.year).where(Campaign.joint.is_(True)).distinct()))
    return sorted(found | {today().year}, reverse=True)


# --- the workbook ------------------------------------------------------------------------------


def section(rows: list[Figures], total: Figures) -> forms.Section:
    """The table as a section of a form: the headers, one row per joint campaign, the total (bold);
    the expected separate visits to one decimal. Shared with the justice bureau's copy of the table."""
    return forms.Section(
        None,
        list(HEADERS),
        [row.cells() for row in rows] + [total.cells()],
        widths=[column.width for column in COLUMNS],
        total=True,
        formats={index: "0.0" for index, column in enumerate(COLUMNS) if column.key == "separate"},
    )


def sheet(table: Table, title: str | None = None) -> forms.Sheet:
    """The table as a sheet of a form: its title (``title``, else the table's), the period, unit and
    date lines, the section, and the 填报人/联系电话 line at the foot."""
    return forms.Sheet(SHEET_NAME, title or table.title, list(table.lines), [section(table.rows, table.total)])


def workbook(table: Table) -> bytes:
    """The table as an .xlsx: the seed's title merged across the first row, the lines under it, the
    headers, one row per joint campaign, the total; Chinese throughout."""
    return forms.write([sheet(table)])
