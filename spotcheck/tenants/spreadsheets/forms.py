"""Statistical forms as .xlsx (统计报表): the shape of the tables a department files with the justice
bureau — the title merged across the first row, the lines under it (period, unit, filling date),
sections with a heading, bordered headers and rows, the 合计 lines under them, and the filler's line
at the foot; landscape, fitted to the page width.

One writer for every such table (the joint-inspection table of the lead department and the
supervision tables of the bureau); the content is the caller's. Counts and rates are numbers in
the cells (a rate in per cent under a header saying "（%）", formatted by its column's number
format); a text cell is always text. :func:`shown` writes a cell as a page shows it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from spotcheck.tenants.spreadsheets.writing import clean_text

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_FONT = "宋体"


@dataclass
class Section:
    """A block of a sheet: an optional heading line, the headers, the rows (the last one bold when
    ``total``), and footer lines. ``widths``: column widths (characters); ``formats``: a number
    format per column index (from 0)."""

    heading: str | None
    headers: list[str]
    rows: list[list]
    footer: list[str] = field(default_factory=list)
    widths: list[int] | None = None
    total: bool = False
    formats: dict[int, str] = field(default_factory=dict)


@dataclass
class Sheet:
    name: str
    title: str
    lines: list[str]  # under the title: the period, the unit, the filling date
    sections: list[Section]
    signature: str | None = "填报人：                    联系电话："


def shown(value: object, number_format: str | None = None) -> str:
    """A cell as a page shows it: blank for none, a number in its column's format (``0.0``: one
    decimal; else whole numbers without a decimal point), anything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if number_format and number_format.startswith("0.") and set(number_format[2:]) == {"0"}:
        return f"{value:.{len(number_format) - 2}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write(sheets: list[Sheet]) -> bytes:
    """The workbook of ``sheets`` (names made unique), as bytes."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for spec in sheets:
        name = spec.name[:31]
        while name in used:
            name = name[:28] + f"{len(used)}"
        used.add(name)
        _sheet(book.create_sheet(name), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _merged_line(
    sheet: Worksheet, row: int, last: str, value: str, alignment: Alignment, font: Font | None = None
) -> None:
    sheet.merge_cells(f"A{row}:{last}{row}")
    cell = sheet.cell(row=row, column=1, value=clean_text(value))
    cell.alignment = alignment
    if font is not None:
        cell.font = font


def _sheet(sheet: Worksheet, spec: Sheet) -> None:
    last = get_column_letter(max(len(section.headers) for section in spec.sections))
    _merged_line(sheet, 1, last, spec.title, _CENTRE, Font(name=_FONT, size=16, bold=True))
    sheet.row_dimensions[1].height = 32
    row = 2
    for line in spec.lines:
        _merged_line(sheet, row, last, line, _CENTRE if line.startswith("（") else _LEFT)
        row += 1
    first_header = None
    for section in spec.sections:
        if section.heading:
            _merged_line(sheet, row, last, section.heading, _LEFT, Font(name=_FONT, bold=True))
            row += 1
        first_header = first_header or row
        for index, header in enumerate(section.headers, start=1):
            cell = sheet.cell(row=row, column=index, value=header)
            cell.font, cell.fill = Font(name=_FONT, bold=True), PatternFill("solid", fgColor="E5E7EB")
            cell.alignment, cell.border = _CENTRE, _BORDER
            letter = get_column_letter(index)
            if section.widths and index <= len(section.widths):
                sheet.column_dimensions[letter].width = max(
                    sheet.column_dimensions[letter].width or 0, section.widths[index - 1]
                )
        sheet.row_dimensions[row].height = 30
        row += 1
        for number, values in enumerate(section.rows, start=1):
            bold = section.total and number == len(section.rows)
            for index, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=index, value=clean_text(value))
                cell.border, cell.font = _BORDER, Font(name=_FONT, bold=bold)
                if isinstance(value, str):
                    cell.alignment, cell.data_type = _LEFT, "s"  # a name beginning with "=" stays text
                else:
                    cell.alignment = _RIGHT if index > 1 else _CENTRE
                if index - 1 in section.formats:
                    cell.number_format = section.formats[index - 1]
            row += 1
        for line in section.footer:
            _merged_line(sheet, row, last, line, _LEFT)
            row += 1
        row += 1
    if spec.signature:
        sheet.cell(row=row, column=1, value=spec.signature)
    if len(spec.sections) == 1 and first_header:
        sheet.freeze_panes = f"A{first_header + 1}"
        sheet.print_title_rows = f"{first_header}:{first_header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
