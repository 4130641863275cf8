"""The cells of the statistical tables the platform holds no data for (由填报单位填写): which they are,
table by table, and what a department entered in them.

A form of the rules (城口县's 附件3 and 附件4) asks questions no record of the platform answers — a
department's 实施意见 or 工作方案 and its 文号. The table's page gives each such cell a field; what the
department enters is its entry (:class:`~spotcheck.tenants.supervision.models.ReportEntry`:
who, when, audited), shown in the table, its downloads and the version it signs. A cell neither the
platform nor the department filled says so (:data:`FILLER`), and a table with such a cell is never
signed (:func:`unfilled`).

An entry is made for a table and its period; a table of a later period shows the department's latest
entry (a document issued stays issued) until the department enters another.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db, one_of
from spotcheck.tenants.supervision.models import ReportEntry
from spotcheck.tenants.supervision.periods import Period, parse

#: What a cell neither the platform nor the department filled says.
FILLER = "（平台无此数据，由填报单位填写）"

#: The longest entry (a document's title and number, or two).
LONGEST = 500


@dataclass(frozen=True)
class Cell:
    """A cell of a form the department fills: its key, the form's question (the document's words)
    and how to answer it."""

    key: str
    question: str
    hint: object


DOCUMENT = Cell(
    "document",
    "是否已出台实施意见或工作方案（注明文件名称及文号）",
    _l(
        "Answer yes or no; if yes, name the document and its number, for example: "
        "是，《××局推行“双随机、一公开”监管实施方案》（××发〔2016〕12号）."
    ),
)

#: The cells each table leaves to the department, by the table's code.
CELLS: dict[str, tuple[Cell, ...]] = {"area": (DOCUMENT,), "dept": (DOCUMENT,)}


def cells_of(code: str) -> tuple[Cell, ...]:
    return CELLS.get(code, ())


def latest(code: str, period: Period, tenant_ids: list[int]) -> dict[int, dict[str, ReportEntry]]:
    """Per department, per cell, the entry table ``code`` of ``period`` shows: the one made for it, else
    the latest made for an earlier period (read in the current scope)."""
    if not cells_of(code) or not tenant_ids:
        return {}
    rows = db.session.scalars(
        sa.select(ReportEntry).where(ReportEntry.table_code == code, one_of(ReportEntry.tenant_id, tenant_ids))
    )
    ranked = []
    for row in rows:
        of = parse(row.period)
        if of is not None and of.end <= period.end:
            ranked.append(((of.end, of.start, row.entered_at), row))
    found: dict[int, dict[str, ReportEntry]] = {}
    for _, row in sorted(ranked, key=lambda pair: pair[0]):  # the latest last: it stays
        found.setdefault(row.tenant_id, {})[row.cell] = row
    return found


def values(code: str, period: Period, tenant_ids: list[int]) -> dict[int, dict[str, str]]:
    """The values :func:`latest` gives, as text."""
    return {
        tenant_id: {key: row.value for key, row in cells.items()}
        for tenant_id, cells in latest(code, period, tenant_ids).items()
    }


def shown(entered: dict[int, dict[str, str]] | None, tenant_id: int | None, key: str) -> str:
    """What a cell of the department says: its entry, else :data:`FILLER`."""
    row = (entered or {}).get(tenant_id) if tenant_id is not None else None
    return (row or {}).get(key) or FILLER


def unfilled(content: list) -> list[str]:
    """The questions of frozen sheets whose cell says :data:`FILLER`, with the sheet's name when there
    are several sheets (one per department)."""
    questions = {cell.question for cells in CELLS.values() for cell in cells}
    found = []
    for sheet in content:
        for section in sheet.get("sections", []):
            for row in section.get("rows", []):
                if FILLER in (str(value) for value in row):
                    question = next((str(v) for v in row if str(v) in questions), str(row[1] if len(row) > 1 else ""))
                    found.append(question if len(content) == 1 else f"{sheet.get('name')}：{question}")
    return found
